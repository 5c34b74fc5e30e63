package io.factorytwin.lifecycle.model;

/**
 * The address of a part revision used by a design.
 *
 * @param partId the part id
 * @param number the revision number, 1 for revision A
 */
public record PartRef(String partId, int number) {

  public String name() {
    return "parts/" + partId + "/revisions/" + RevisionLabels.id(number);
  }
}
