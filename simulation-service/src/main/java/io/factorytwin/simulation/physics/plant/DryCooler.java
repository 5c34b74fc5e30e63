package io.factorytwin.simulation.physics.plant;

import io.factorytwin.simulation.physics.Fluid;

/**
 * A bank of dry coolers (finned coils with fans) that all run at the same airflow. Leaving water =
 * air temperature at the coil + approach, with the approach model of {@link
 * LinearApproachExchanger}.
 *
 * <p>Without adiabatic pads the coil air is at the dry bulb and the bank uses no water. With {@link
 * AdiabaticPads}, above a switch-on dry bulb the intake air passes wetted pads first and reaches
 * T_coil = T_db − ε · (T_db − T_wb). The water evaporated is the sensible heat the air lost over
 * the latent heat at the wet bulb: m_evap = m_air · c_p,air · (T_db − T_coil) / h_fg, with c_p,air
 * = 1.006 kJ/(kg·K) and h_fg = 2,501 − 2.326 · T_wb kJ/kg, the terms of ASHRAE Handbook
 * Fundamentals (2017) ch. 1 eq. 33.
 */
public final class DryCooler implements HeatRejectionUnit {

  /**
   * Evaporative pre-cooling of the intake air.
   *
   * @param switchOnDryBulbC dry bulb above which the pads are wetted, in °C
   * @param saturationEffectiveness ε, the fraction of the wet-bulb depression the pads remove
   * @param designAirRiseK air temperature rise across the coil at design heat, in K; with the
   *     design heat it sets the design air mass flow
   */
  public record AdiabaticPads(
      double switchOnDryBulbC, double saturationEffectiveness, double designAirRiseK) {

    /** Switch-on dry bulb in °C; an assumption. */
    public static final double DEFAULT_SWITCH_ON_DRY_BULB_C = 25.0;

    /** Pad saturation effectiveness; an assumption, rigid media pads are sold for 0.7 to 0.9. */
    public static final double DEFAULT_SATURATION_EFFECTIVENESS = 0.8;

    /** Air rise across the coil at design in K; an assumption. */
    public static final double DEFAULT_DESIGN_AIR_RISE_K = 10.0;

    public AdiabaticPads {
      Arguments.finite("switchOnDryBulbC", switchOnDryBulbC);
      Arguments.fraction("saturationEffectiveness", saturationEffectiveness);
      Arguments.positive("designAirRiseK", designAirRiseK);
    }

    public static AdiabaticPads withDefaults() {
      return new AdiabaticPads(
          DEFAULT_SWITCH_ON_DRY_BULB_C,
          DEFAULT_SATURATION_EFFECTIVENESS,
          DEFAULT_DESIGN_AIR_RISE_K);
    }
  }

  /** Specific heat of dry air in J/(kg·K), the 1.006 kJ/(kg·K) of ASHRAE eq. 33. */
  private static final double AIR_SPECIFIC_HEAT_J_PER_KG_K = 1006.0;

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
  private final AdiabaticPads pads;
  private final double designAirMassFlowKgPerS;

  /**
   * @param designHeatRejectionW heat the bank rejects at design, in W
   * @param designApproachK approach to the coil air temperature at design heat and full airflow, in
   *     K
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
    this(designHeatRejectionW, designApproachK, designFanPowerW, minAirflowFraction, fluid, null);
  }

  /**
   * Creates a bank with adiabatic pads, or without them when {@code pads} is null.
   *
   * @see #DryCooler(double, double, double, double, Fluid)
   */
  public DryCooler(
      double designHeatRejectionW,
      double designApproachK,
      double designFanPowerW,
      double minAirflowFraction,
      Fluid fluid,
      AdiabaticPads pads) {
    this.exchanger =
        new LinearApproachExchanger(
            designHeatRejectionW, designApproachK, designFanPowerW, minAirflowFraction, fluid);
    this.pads = pads;
    this.designAirMassFlowKgPerS =
        pads == null
            ? 0.0
            : designHeatRejectionW / (AIR_SPECIFIC_HEAT_J_PER_KG_K * pads.designAirRiseK());
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

  /** Creates a dry-cooler bank with the documented defaults and adiabatic pads. */
  public static DryCooler withDefaults(double designHeatRejectionW, AdiabaticPads pads) {
    if (pads == null) {
      throw new IllegalArgumentException("pads must not be null");
    }
    return new DryCooler(
        designHeatRejectionW,
        DEFAULT_DESIGN_APPROACH_K,
        DEFAULT_FAN_POWER_FRACTION * designHeatRejectionW,
        DEFAULT_MIN_AIRFLOW_FRACTION,
        Fluid.WATER,
        pads);
  }

  @Override
  public double sinkTemperatureC(double dryBulbC, double wetBulbC) {
    if (pads == null || dryBulbC <= pads.switchOnDryBulbC()) {
      return dryBulbC;
    }
    return dryBulbC - pads.saturationEffectiveness() * (dryBulbC - wetBulbC);
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
    if (wetBulbC > dryBulbC) {
      throw new IllegalArgumentException(
          "wetBulbC must not exceed dryBulbC, got " + wetBulbC + " °C at " + dryBulbC + " °C");
    }
    double coilAirC = sinkTemperatureC(dryBulbC, wetBulbC);
    exchanger.evaluate(enteringWaterC, flowLitersPerMinute, coilAirC, leavingSetpointC, result);
    if (coilAirC < dryBulbC && result.airflowFraction > 0) {
      double airMassFlow = result.airflowFraction * designAirMassFlowKgPerS;
      double latentJPerKg = (2501.0 - 2.326 * wetBulbC) * 1000.0;
      double kgPerSecond =
          airMassFlow * AIR_SPECIFIC_HEAT_J_PER_KG_K * (dryBulbC - coilAirC) / latentJPerKg;
      // One kilogram of water is taken as one litre.
      result.evaporationLitersPerHour = kgPerSecond * 3600.0;
      // NOTE: once-through pads with no separate bleed, so make-up equals evaporation.
      result.makeupWaterLitersPerHour = result.evaporationLitersPerHour;
    }
  }
}
