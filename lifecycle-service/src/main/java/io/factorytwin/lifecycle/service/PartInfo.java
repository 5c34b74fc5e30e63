package io.factorytwin.lifecycle.service;

import io.factorytwin.lifecycle.model.EquipmentClass;
import io.factorytwin.lifecycle.model.PartRef;
import io.factorytwin.lifecycle.model.PortDomain;
import io.factorytwin.lifecycle.model.PowerPath;
import io.factorytwin.lifecycle.model.RevisionState;
import java.util.Map;

/**
 * Ratings and ports of one part revision, as the design rules use them. A null rating is unset in
 * the spec.
 *
 * @param ratedPowerKw electrical rating in kW: maximum input of a load, maximum output of supply
 *     and distribution equipment
 * @param designPowerKw electrical input in kW at the design operating point
 * @param coolingCapacityKw heat the unit removes in kW; for a chiller without it, the reference
 *     capacity of its chiller spec
 * @param heatToLiquidFraction fraction of a rack's heat that goes to the liquid loop
 * @param ports the ports by id
 */
public record PartInfo(
    PartRef ref,
    EquipmentClass equipmentClass,
    RevisionState state,
    Double ratedPowerKw,
    Double designPowerKw,
    Double coolingCapacityKw,
    Double heatToLiquidFraction,
    Map<String, Port> ports) {

  /**
   * One port of the part.
   *
   * @param maxConnections the most connections that may attach, 1 when the spec leaves it unset
   */
  public record Port(String id, PortDomain domain, int maxConnections, PowerPath powerPath) {}

  /** Electrical input in kW that the design rules count: the design power, else the rating. */
  public double loadKw() {
    if (designPowerKw != null) {
      return designPowerKw;
    }
    return ratedPowerKw != null ? ratedPowerKw : 0;
  }
}
