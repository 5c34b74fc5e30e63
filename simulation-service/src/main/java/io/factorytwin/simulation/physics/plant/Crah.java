package io.factorytwin.simulation.physics.plant;

/**
 * Computer-room air handlers that remove the rack heat the liquid loop does not take, modelled as
 * one bank at a common fan speed.
 *
 * <pre>
 *   Q_air      = Q_rack · (1 − liquid fraction)
 *   f          = max(f_min, Q_air / Q_design)      (airflow at a fixed air temperature rise)
 *   P_fan      = P_design · f³                     (fan affinity law)
 *   Q_sensible = Q_air + P_fan                     (fan heat ends in the air stream)
 *   Q_coil     = Q_sensible / SHR                  (latent load added by the sensible heat ratio)
 * </pre>
 */
public final class Crah {

  /** Water loop that feeds the coils. */
  public enum CoolingSource {
    /** Chilled water from the chillers, below about 9 °C. */
    CHILLED_WATER,
    /** The facility water loop that also feeds the CDUs. */
    FACILITY_WATER
  }

  /**
   * Design fan power as a fraction of design sensible capacity. Assumption: 3 %, a value for EC
   * fans at full speed.
   */
  public static final double DEFAULT_FAN_POWER_FRACTION = 0.03;

  /** Lowest airflow fraction that keeps the air distribution working; an assumption. */
  public static final double DEFAULT_MIN_AIRFLOW_FRACTION = 0.3;

  /**
   * Sensible heat ratio. Assumption: 1.0, a sealed white space whose humidity is controlled
   * elsewhere, so the coils run dry.
   */
  public static final double DEFAULT_SENSIBLE_HEAT_RATIO = 1.0;

  private final double designSensibleHeatW;
  private final double designFanPowerW;
  private final double minAirflowFraction;
  private final double sensibleHeatRatio;
  private final CoolingSource coolingSource;

  /**
   * @param designSensibleHeatW sensible capacity of the bank at full airflow, in W
   * @param designFanPowerW fan power of the bank at full airflow, in W
   * @param minAirflowFraction lowest airflow fraction
   * @param sensibleHeatRatio sensible over total coil load, greater than 0 and at most 1
   * @param coolingSource the water loop that takes the coil heat
   */
  public Crah(
      double designSensibleHeatW,
      double designFanPowerW,
      double minAirflowFraction,
      double sensibleHeatRatio,
      CoolingSource coolingSource) {
    this.designSensibleHeatW = Arguments.positive("designSensibleHeatW", designSensibleHeatW);
    this.designFanPowerW = Arguments.nonNegative("designFanPowerW", designFanPowerW);
    this.minAirflowFraction = Arguments.fraction("minAirflowFraction", minAirflowFraction);
    if (!(sensibleHeatRatio > 0 && sensibleHeatRatio <= 1)) {
      throw new IllegalArgumentException(
          "sensibleHeatRatio must be greater than 0 and at most 1, got " + sensibleHeatRatio);
    }
    this.sensibleHeatRatio = sensibleHeatRatio;
    if (coolingSource == null) {
      throw new IllegalArgumentException("coolingSource must not be null");
    }
    this.coolingSource = coolingSource;
  }

  /** Creates a CRAH bank on facility water with the documented defaults. */
  public static Crah withDefaults(double designSensibleHeatW) {
    return new Crah(
        designSensibleHeatW,
        DEFAULT_FAN_POWER_FRACTION * designSensibleHeatW,
        DEFAULT_MIN_AIRFLOW_FRACTION,
        DEFAULT_SENSIBLE_HEAT_RATIO,
        CoolingSource.FACILITY_WATER);
  }

  public CoolingSource coolingSource() {
    return coolingSource;
  }

  /**
   * Evaluates the bank and writes the result into {@code result}.
   *
   * @param rackHeatW total heat of the racks the bank serves, in W
   * @param liquidFraction fraction of the rack heat that goes to liquid, from 0 to 1
   */
  public void evaluate(double rackHeatW, double liquidFraction, CrahOperation result) {
    Arguments.nonNegative("rackHeatW", rackHeatW);
    Arguments.fraction("liquidFraction", liquidFraction);
    evaluateAirHeat(rackHeatW * (1 - liquidFraction), result);
  }

  /**
   * Evaluates the bank for a known heat to air and writes the result into {@code result}.
   *
   * @param airHeatW rack heat released to the room air, in W
   */
  public void evaluateAirHeat(double airHeatW, CrahOperation result) {
    Arguments.nonNegative("airHeatW", airHeatW);
    result.airHeatW = airHeatW;
    result.unmetAirHeatW = Math.max(0.0, airHeatW - designSensibleHeatW);
    if (airHeatW == 0) {
      result.airflowFraction = 0;
      result.fanPowerW = 0;
      result.latentHeatW = 0;
      result.heatToWaterW = 0;
      return;
    }
    double airflow = Math.min(1.0, Math.max(minAirflowFraction, airHeatW / designSensibleHeatW));
    double fanPower = designFanPowerW * airflow * airflow * airflow;
    double sensible = airHeatW - result.unmetAirHeatW + fanPower;
    double total = sensible / sensibleHeatRatio;
    result.airflowFraction = airflow;
    result.fanPowerW = fanPower;
    result.latentHeatW = total - sensible;
    result.heatToWaterW = total;
  }
}
