package io.factorytwin.simulation.physics.plant;

import io.factorytwin.simulation.physics.Fluid;

/**
 * A bank of dry coolers (finned coils with fans, no evaporation) that all run at the same airflow.
 * Leaving water = dry bulb + approach, with the approach model of {@link LinearApproachExchanger}.
 * Uses no water.
 */
public final class DryCooler implements HeatRejectionUnit {

  /**
   * Design approach to the dry bulb in K. Vendors publish no typical value; 5 to 10 K is the usual
   * selection range, so 7 K is an assumption in its middle.
   */
  public static final double DEFAULT_DESIGN_APPROACH_K = 7.0;

  /**
   * Design fan power as a fraction of design heat rejection. Assumption: 2 %, since a dry cooler
   * moves more air per kW than a wet tower because it rejects sensible heat only.
   */
  public static final double DEFAULT_FAN_POWER_FRACTION = 0.02;

  /** Minimum fan speed fraction of EC fans, an assumption. */
  public static final double DEFAULT_MIN_AIRFLOW_FRACTION = 0.1;

  private final LinearApproachExchanger exchanger;

  /**
   * @param designHeatRejectionW heat the bank rejects at design, in W
   * @param designApproachK approach to the dry bulb at design heat and full airflow, in K
   * @param designFanPowerW fan power of the bank at full airflow, in W
   * @param minAirflowFraction lowest continuous airflow fraction; the fans cycle below it
   * @param fluid liquid in the dry-cooler loop
   */
  public DryCooler(
      double designHeatRejectionW,
      double designApproachK,
      double designFanPowerW,
      double minAirflowFraction,
      Fluid fluid) {
    this.exchanger =
        new LinearApproachExchanger(
            designHeatRejectionW, designApproachK, designFanPowerW, minAirflowFraction, fluid);
  }

  /** Creates a dry-cooler bank of a design heat rejection with the documented defaults. */
  public static DryCooler withDefaults(double designHeatRejectionW) {
    return new DryCooler(
        designHeatRejectionW,
        DEFAULT_DESIGN_APPROACH_K,
        DEFAULT_FAN_POWER_FRACTION * designHeatRejectionW,
        DEFAULT_MIN_AIRFLOW_FRACTION,
        Fluid.WATER);
  }

  @Override
  public double sinkTemperatureC(double dryBulbC, double wetBulbC) {
    return dryBulbC;
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
    exchanger.evaluate(enteringWaterC, flowLitersPerMinute, dryBulbC, leavingSetpointC, result);
  }
}
