package io.factorytwin.simulation.physics.plant;

/**
 * A chiller whose full-load COP is a fixed fraction η of the Carnot COP, for warm chilled water
 * where the DOE-2 curves (fitted up to Tel of about 9 °C) no longer apply.
 *
 * <pre>
 *   T_evap = Tel − ΔT_ref,  T_cond = Tce + ΔT_ref         (kelvin)
 *   COP_full = η · T_evap / (T_cond − T_evap)
 *   P = Q_cap / COP_full · EIRFPLR(max(PLR, PLRminUnload)) · cycling
 * </pre>
 *
 * <p>ΔT_ref is the refrigerant approach, 2 K on each side for water-cooled heat exchangers. The
 * part-load curve and limits are borrowed from the EIR chiller the model is calibrated on, so the
 * two models share part-load behaviour. The condensing temperature is taken from the entering
 * condenser water because that is the input both models share, and the calibration of η absorbs the
 * condenser-water rise.
 *
 * <p>NOTE: the capacity is held at its value at the calibration point, although a real chiller's
 * capacity rises with the leaving chilled-water temperature; the plant sizes chillers with margin.
 */
public final class CarnotChiller {

  /** Refrigerant approach to the water on each side, in K. */
  public static final double DEFAULT_REFRIGERANT_APPROACH_K = 2.0;

  private static final double KELVIN_OFFSET = 273.15;

  private final double capacityW;
  private final double carnotEffectiveness;
  private final double refrigerantApproachK;
  private final ElectricEirChiller partLoadSource;

  /**
   * @param capacityW cooling capacity in W
   * @param carnotEffectiveness η, the ratio of the full-load COP to the Carnot COP
   * @param refrigerantApproachK refrigerant approach on each side in K
   * @param partLoadSource chiller whose EIRFPLR curve and part-load limits this model uses
   */
  public CarnotChiller(
      double capacityW,
      double carnotEffectiveness,
      double refrigerantApproachK,
      ElectricEirChiller partLoadSource) {
    this.capacityW = Arguments.positive("capacityW", capacityW);
    Arguments.positive("carnotEffectiveness", carnotEffectiveness);
    if (carnotEffectiveness >= 1) {
      throw new IllegalArgumentException(
          "carnotEffectiveness must be below 1, got " + carnotEffectiveness);
    }
    this.carnotEffectiveness = carnotEffectiveness;
    this.refrigerantApproachK = Arguments.nonNegative("refrigerantApproachK", refrigerantApproachK);
    if (partLoadSource == null) {
      throw new IllegalArgumentException("partLoadSource must not be null");
    }
    this.partLoadSource = partLoadSource;
  }

  /**
   * Creates a Carnot chiller that matches an EIR chiller's capacity and full-load COP at one
   * operating point.
   */
  public static CarnotChiller calibratedTo(
      ElectricEirChiller chiller,
      double leavingChilledWaterC,
      double enteringCondenserWaterC,
      double refrigerantApproachK) {
    ChillerOperation full = new ChillerOperation();
    double capacity = chiller.availableCapacityW(leavingChilledWaterC, enteringCondenserWaterC);
    chiller.evaluate(capacity, leavingChilledWaterC, enteringCondenserWaterC, full);
    double carnotCop =
        carnotCop(leavingChilledWaterC, enteringCondenserWaterC, refrigerantApproachK);
    // At PLR 1 the Carnot model's COP is COP_full / EIRFPLR(1); solve for the η that makes it
    // equal to the EIR chiller's COP.
    double eta = full.cop() * chiller.eirPartLoadFactor(1.0) / carnotCop;
    return new CarnotChiller(capacity, eta, refrigerantApproachK, chiller);
  }

  public double carnotEffectiveness() {
    return carnotEffectiveness;
  }

  public double capacityW() {
    return capacityW;
  }

  /** Returns the full-load COP at Tel and Tce in °C. */
  public double fullLoadCop(double leavingChilledWaterC, double enteringCondenserWaterC) {
    return carnotEffectiveness
        * carnotCop(leavingChilledWaterC, enteringCondenserWaterC, refrigerantApproachK);
  }

  private static double carnotCop(double tel, double tce, double approachK) {
    double evaporatingK = tel - approachK + KELVIN_OFFSET;
    double condensingK = tce + approachK + KELVIN_OFFSET;
    return evaporatingK / (condensingK - evaporatingK);
  }

  /**
   * Evaluates the chiller at a requested evaporator load and writes the result into {@code result}.
   *
   * @param loadW evaporator load requested, in W
   * @param leavingChilledWaterC Tel in °C
   * @param enteringCondenserWaterC Tce in °C, at least Tel
   */
  public void evaluate(
      double loadW,
      double leavingChilledWaterC,
      double enteringCondenserWaterC,
      ChillerOperation result) {
    Arguments.nonNegative("loadW", loadW);
    Arguments.finite("leavingChilledWaterC", leavingChilledWaterC);
    Arguments.finite("enteringCondenserWaterC", enteringCondenserWaterC);
    if (enteringCondenserWaterC < leavingChilledWaterC) {
      throw new IllegalArgumentException(
          "enteringCondenserWaterC must be at least leavingChilledWaterC, got "
              + enteringCondenserWaterC
              + " °C below "
              + leavingChilledWaterC
              + " °C");
    }
    result.clear();
    result.carnotModel = true;
    result.availableCapacityW = capacityW;
    if (loadW == 0) {
      return;
    }
    ElectricEirChiller.Parameters limits = partLoadSource.parameters();
    double met = Math.min(loadW, capacityW * limits.maxPartLoadRatio());
    double plr = met / capacityW;
    double cycling =
        limits.minPartLoadRatio() > 0 ? Math.min(1.0, plr / limits.minPartLoadRatio()) : 1.0;
    double operatingPlr = Math.max(plr, limits.minUnloadRatio());

    result.loadMetW = met;
    result.unmetLoadW = loadW - met;
    result.partLoadRatio = plr;
    result.cyclingRatio = cycling;
    result.falseLoadW = Math.max(0.0, capacityW * operatingPlr * cycling - met);
    result.powerW =
        capacityW
            / fullLoadCop(leavingChilledWaterC, enteringCondenserWaterC)
            * partLoadSource.eirPartLoadFactor(operatingPlr)
            * cycling;
    result.condenserHeatW = met + result.powerW;
  }
}
