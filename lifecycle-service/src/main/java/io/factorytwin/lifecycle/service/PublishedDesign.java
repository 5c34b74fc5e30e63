package io.factorytwin.lifecycle.service;

import io.factorytwin.lifecycle.model.ConnectionElement;
import io.factorytwin.lifecycle.model.DesignRevision;
import io.factorytwin.lifecycle.model.Part;
import io.factorytwin.lifecycle.model.PartRef;
import io.factorytwin.lifecycle.model.PartRevision;
import io.factorytwin.lifecycle.model.PlacementElement;
import java.util.List;

/**
 * The whole content of a design revision as the relay sends it to the twin, read in one
 * transaction.
 *
 * @param revision the stored revision with its site, halls, rows, groups and setpoints
 * @param placements every placement, ordered by id
 * @param connections every connection, ordered by id
 * @param parts every part revision that a placement uses, once each, ordered by name
 */
public record PublishedDesign(
    DesignRevision revision,
    List<PlacementElement> placements,
    List<ConnectionElement> connections,
    List<UsedPart> parts) {

  /**
   * A part revision that the design uses, with its part.
   *
   * @param ref the part revision's address
   * @param part the catalog part: display name, equipment class, manufacturer, model
   * @param revision the part revision: spec and ports
   */
  public record UsedPart(PartRef ref, Part part, PartRevision revision) {}
}
