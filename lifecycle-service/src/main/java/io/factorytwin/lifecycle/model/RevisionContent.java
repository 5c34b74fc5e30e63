package io.factorytwin.lifecycle.model;

/**
 * The editable content of a part revision. spec, ports and sources are the contract's protobuf
 * encoding, produced and read only by the mapping layer.
 *
 * @param spec encoded EquipmentSpec, null when the revision has no spec
 * @param ports encoded ports, empty for none
 * @param sources encoded spec sources, empty for none
 * @param changeSummary what changed from the previous revision, empty when not given
 */
public record RevisionContent(byte[] spec, byte[] ports, byte[] sources, String changeSummary) {

  /** The content of a revision created without any. */
  public static RevisionContent empty() {
    return new RevisionContent(null, new byte[0], new byte[0], "");
  }
}
