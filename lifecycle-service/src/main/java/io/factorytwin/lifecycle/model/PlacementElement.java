package io.factorytwin.lifecycle.model;

/**
 * One placed part revision, as stored in design_placement.
 *
 * @param id the placement id, such as {@code hall-1.row-03.rack-12}
 * @param container the hall or row id that contains it; empty for site-level equipment
 * @param part the placed part revision
 * @param displayName the display name, the last id segment when the client sent none
 * @param xM position along x in metres, relative to the container
 * @param yM position along y in metres
 * @param zM height above the container's floor in metres
 * @param yawDeg rotation about z in degrees, in [0, 360)
 * @param labels the contract's protobuf encoding of a Placement carrying only its labels
 */
public record PlacementElement(
    String id,
    String container,
    PartRef part,
    String displayName,
    double xM,
    double yM,
    double zM,
    double yawDeg,
    byte[] labels) {

  /** Returns the container of a placement id: everything before its last dot. */
  public static String containerOf(String id) {
    int dot = id.lastIndexOf('.');
    return dot < 0 ? "" : id.substring(0, dot);
  }

  public PlacementElement withPart(PartRef replacement) {
    return new PlacementElement(
        id, container, replacement, displayName, xM, yM, zM, yawDeg, labels);
  }
}
