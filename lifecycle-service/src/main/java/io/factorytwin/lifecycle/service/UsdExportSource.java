package io.factorytwin.lifecycle.service;

import io.factorytwin.lifecycle.model.Alternative;
import io.factorytwin.lifecycle.model.ConnectionElement;
import io.factorytwin.lifecycle.model.EquipmentClass;
import io.factorytwin.lifecycle.model.PartRef;
import io.factorytwin.lifecycle.model.PlacementElement;
import java.util.List;
import java.util.Map;

/**
 * Everything an OpenUSD export of one design revision reads, loaded in one transaction so the stage
 * is written from a consistent state after the transaction ends.
 *
 * @param revision the revision with its derived figures
 * @param placements every placement, sorted by id
 * @param connections every connection, sorted by id
 * @param parts the part revisions the placements use, by reference; a deleted one is absent
 * @param alternatives the design's alternatives sorted by id; empty unless requested
 */
public record UsdExportSource(
    DesignRevisionView revision,
    List<PlacementElement> placements,
    List<ConnectionElement> connections,
    Map<PartRef, UsedPart> parts,
    List<Alternative> alternatives) {

  /**
   * One part revision used by the design.
   *
   * @param spec the contract's protobuf encoding of its EquipmentSpec, null when it has none
   */
  public record UsedPart(EquipmentClass equipmentClass, byte[] spec) {}
}
