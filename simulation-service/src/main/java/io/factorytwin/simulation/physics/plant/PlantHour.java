package io.factorytwin.simulation.physics.plant;

/**
 * The plant's state over one step, written by {@link PlantModel} into a caller-owned instance.
 * Powers and heat flows are averages over the step in W; water is a total over the step in L.
 */
public final class PlantHour {

  public EconomizerMode mode;

  /** True in FREE_COOLING: no chiller runs. */
  public boolean freeCooling;

  /** Outdoor wet bulb in °C. */
  public double wetBulbC;

  /**
   * Facility water supply temperature reached, in °C; above the setpoint when capacity fell short.
   */
  public double supplyTemperatureC;

  /** Facility water return temperature in °C. */
  public double returnTemperatureC;

  /** Facility water flow in L/min. */
  public double facilityFlowLitersPerMinute;

  /** Heat the economizer heat exchanger moves from facility water to the heat-rejection loop. */
  public double economizerHeatW;

  public int chillersRunning;
  public double chillerLoadW;
  public double chillerPowerW;
  public double chillerCondenserHeatW;

  /** Entering condenser-water temperature in °C while chillers run, NaN otherwise. */
  public double enteringCondenserWaterC;

  public double heatRejectionFanPowerW;
  public double facilityPumpPowerW;
  public double condenserPumpPowerW;
  public double crahFanPowerW;

  /** Make-up water over the step, in L; 0 for dry coolers. */
  public double waterUseLiters;

  /** Water entering the heat-rejection bank, in °C, from the plant's condenser-loop balance. */
  public double heatRejectionEnteringC;

  /** Water leaving the heat-rejection bank, in °C, as the bank computed it. */
  public double heatRejectionLeavingC;

  /** Water flow through the whole heat-rejection bank, in L/min. */
  public double heatRejectionFlowLitersPerMinute;

  /** Heat rejected to the atmosphere, from the heat-rejection bank's own flow · cp · ΔT. */
  public double heatRejectedW;

  /**
   * Heat entering the water loops in W: IT heat to liquid and air, CRAH fan and latent heat, pump
   * power (all taken to end in the water) and chiller compressor power.
   */
  public double heatInW;

  /** Heat not removed in W: load above chiller or CRAH capacity, stored as warmer water or air. */
  public double unmetHeatW;

  /** Returns the electric power of the cooling plant in W: chillers, fans and pumps. */
  public double coolingPowerW() {
    return chillerPowerW
        + heatRejectionFanPowerW
        + facilityPumpPowerW
        + condenserPumpPowerW
        + crahFanPowerW;
  }

  /** Returns |heat in − heat rejected − heat unmet| / heat in, or 0 when no heat enters. */
  public double energyBalanceError() {
    if (heatInW == 0) {
      return Math.abs(heatRejectedW + unmetHeatW);
    }
    return Math.abs(heatInW - heatRejectedW - unmetHeatW) / heatInW;
  }
}
