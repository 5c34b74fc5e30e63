package io.factorytwin.simulation.physics.plant;

import io.factorytwin.simulation.physics.Fluid;

/**
 * A bank of open evaporative cooling towers that all run at the same airflow. Leaving water = wet
 * bulb + approach, with the approach model of {@link LinearApproachExchanger}.
 *
 * <p>Water use: evaporation of about 1.55 L per kWh rejected (a common rule of thumb, close to the
 * 1.5 L that evaporating water at a latent heat of 2.4 MJ/kg would take), and make-up water =
 * evaporation · COC / (COC − 1), where COC, the cycles of concentration, sets the blowdown. NOTE:
 * the rate is held in all weather, although a tower in cold air evaporates less.
 */
public final class CoolingTower implements HeatRejectionUnit {

  /** Design approach to the wet bulb in K; towers are typically selected for 1.7 to 3.9 K. */
  public static final double DEFAULT_DESIGN_APPROACH_K = 3.0;

  /** Evaporation per kWh rejected, in L. */
  public static final double DEFAULT_EVAPORATION_LITERS_PER_KWH = 1.55;

  /**
   * Cycles of concentration; an assumption within the 3 to 6 that water treatment usually allows.
   */
  public static final double DEFAULT_CYCLES_OF_CONCENTRATION = 4.0;

  /**
   * Design fan power as a fraction of design heat rejection. Assumption: 1.3 %, about 40 gpm per
   * fan hp at a 10 °F range, the order of the minimum that ASHRAE 90.1 sets for axial-fan open
   * towers (not checked against the standard's text).
   */
  public static final double DEFAULT_FAN_POWER_FRACTION = 0.013;

  /** Minimum fan speed fraction of a variable-speed drive, an assumption. */
  public static final double DEFAULT_MIN_AIRFLOW_FRACTION = 0.2;

  private final LinearApproachExchanger exchanger;
  private final double evaporationLitersPerKwh;
  private final double cyclesOfConcentration;

  /**
   * @param designHeatRejectionW heat the bank rejects at design, in W
   * @param designApproachK approach to the wet bulb at design heat and full airflow, in K
   * @param designFanPowerW fan power of the bank at full airflow, in W
   * @param minAirflowFraction lowest continuous airflow fraction; the fans cycle below it
   * @param evaporationLitersPerKwh water evaporated per kWh rejected, in L
   * @param cyclesOfConcentration COC, greater than 1
   * @param fluid water in the tower loop
   */
  public CoolingTower(
      double designHeatRejectionW,
      double designApproachK,
      double designFanPowerW,
      double minAirflowFraction,
      double evaporationLitersPerKwh,
      double cyclesOfConcentration,
      Fluid fluid) {
    this.exchanger =
        new LinearApproachExchanger(
            designHeatRejectionW, designApproachK, designFanPowerW, minAirflowFraction, fluid);
    this.evaporationLitersPerKwh =
        Arguments.nonNegative("evaporationLitersPerKwh", evaporationLitersPerKwh);
    Arguments.finite("cyclesOfConcentration", cyclesOfConcentration);
    if (!(cyclesOfConcentration > 1)) {
      throw new IllegalArgumentException(
          "cyclesOfConcentration must be greater than 1, got " + cyclesOfConcentration);
    }
    this.cyclesOfConcentration = cyclesOfConcentration;
  }

  /** Creates a water tower bank of a design heat rejection with the documented defaults. */
  public static CoolingTower withDefaults(double designHeatRejectionW) {
    return new CoolingTower(
        designHeatRejectionW,
        DEFAULT_DESIGN_APPROACH_K,
        DEFAULT_FAN_POWER_FRACTION * designHeatRejectionW,
        DEFAULT_MIN_AIRFLOW_FRACTION,
        DEFAULT_EVAPORATION_LITERS_PER_KWH,
        DEFAULT_CYCLES_OF_CONCENTRATION,
        Fluid.WATER);
  }

  @Override
  public double sinkTemperatureC(double dryBulbC, double wetBulbC) {
    return wetBulbC;
  }

  @Override
  public double designApproachK() {
    return exchanger.designApproachK();
  }

  @Override
  public double leavingAtFullAirflowC(double sinkTemperatureC, double heatW) {
    return exchanger.leavingAtFullAirflowC(sinkTemperatureC, heatW);
  }

  @Override
  public Fluid fluid() {
    return exchanger.fluid();
  }

  @Override
  public void evaluate(
      double enteringWaterC,
      double flowLitersPerMinute,
      double dryBulbC,
      double wetBulbC,
      double leavingSetpointC,
      HeatRejectionOperation result) {
    Arguments.finite("dryBulbC", dryBulbC);
    Arguments.finite("wetBulbC", wetBulbC);
    exchanger.evaluate(enteringWaterC, flowLitersPerMinute, wetBulbC, leavingSetpointC, result);
    // kW rejected times L/kWh gives L/h.
    double evaporation = result.heatRejectedW / 1000.0 * evaporationLitersPerKwh;
    result.evaporationLitersPerHour = evaporation;
    result.makeupWaterLitersPerHour =
        evaporation * cyclesOfConcentration / (cyclesOfConcentration - 1);
  }
}
