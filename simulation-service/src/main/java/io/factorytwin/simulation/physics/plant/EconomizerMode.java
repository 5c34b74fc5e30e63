package io.factorytwin.simulation.physics.plant;

/** Operating mode of the facility water cooling, from most to least economized. */
public enum EconomizerMode {
  /** The heat-rejection units alone bring the facility water to its supply setpoint. */
  FREE_COOLING,
  /** The heat-rejection units precool the facility return water and a chiller trims the rest. */
  PARTIAL,
  /** The chillers do all the cooling; the heat-rejection units only cool their condensers. */
  MECHANICAL
}
