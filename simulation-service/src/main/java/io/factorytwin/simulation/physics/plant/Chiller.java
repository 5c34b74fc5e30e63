package io.factorytwin.simulation.physics.plant;

/**
 * A chiller that uses the DOE-2 EIR curves inside the temperature range they were fitted on and a
 * Carnot-effectiveness model calibrated on the same chiller outside it.
 *
 * <p>The Carnot model takes over for warm chilled water (Tel above the fitted range), where the
 * curves would extrapolate, and for condenser water outside the fitted range. It covers Tel from 4
 * °C, a margin above freezing in the evaporator, to 45 °C, the coolant inlet reported for Vera
 * Rubin NVL72 racks (secondary reports of NVIDIA statements), and Tce up to 60 °C. These outer
 * bounds are assumptions kept as parameters. Inputs outside them, NaN, or Tce below Tel are
 * rejected.
 */
public final class Chiller {

  public static final double DEFAULT_MIN_LEAVING_C = 4.0;
  public static final double DEFAULT_MAX_LEAVING_C = 45.0;
  public static final double DEFAULT_MAX_ENTERING_CONDENSER_C = 60.0;

  private final ElectricEirChiller eir;
  private final ElectricEirChiller.FittedRange eirRange;
  private final CarnotChiller carnot;
  private final double minLeavingC;
  private final double maxLeavingC;
  private final double maxEnteringCondenserC;

  /**
   * @param eir the EIR model
   * @param eirRange temperatures where the EIR model applies
   * @param carnot the model used outside {@code eirRange}
   * @param minLeavingC lowest Tel accepted, in °C
   * @param maxLeavingC highest Tel accepted, in °C
   * @param maxEnteringCondenserC highest Tce accepted, in °C
   */
  public Chiller(
      ElectricEirChiller eir,
      ElectricEirChiller.FittedRange eirRange,
      CarnotChiller carnot,
      double minLeavingC,
      double maxLeavingC,
      double maxEnteringCondenserC) {
    if (eir == null || eirRange == null || carnot == null) {
      throw new IllegalArgumentException("eir, eirRange and carnot must not be null");
    }
    Arguments.finite("minLeavingC", minLeavingC);
    Arguments.finite("maxLeavingC", maxLeavingC);
    Arguments.finite("maxEnteringCondenserC", maxEnteringCondenserC);
    if (!(minLeavingC < maxLeavingC)) {
      throw new IllegalArgumentException(
          "minLeavingC must be below maxLeavingC, got " + minLeavingC + " and " + maxLeavingC);
    }
    this.eir = eir;
    this.eirRange = eirRange;
    this.carnot = carnot;
    this.minLeavingC = minLeavingC;
    this.maxLeavingC = maxLeavingC;
    this.maxEnteringCondenserC = maxEnteringCondenserC;
  }

  /**
   * Creates the facade for an EIR chiller with the default outer bounds and a Carnot model
   * calibrated at the chiller's reference temperatures and full load.
   */
  public static Chiller of(
      ElectricEirChiller.Parameters parameters, ElectricEirChiller.FittedRange eirRange) {
    ElectricEirChiller eir = new ElectricEirChiller(parameters);
    CarnotChiller carnot =
        CarnotChiller.calibratedTo(
            eir,
            parameters.referenceLeavingChilledWaterC(),
            parameters.referenceEnteringCondenserWaterC(),
            CarnotChiller.DEFAULT_REFRIGERANT_APPROACH_K);
    return new Chiller(
        eir,
        eirRange,
        carnot,
        DEFAULT_MIN_LEAVING_C,
        DEFAULT_MAX_LEAVING_C,
        DEFAULT_MAX_ENTERING_CONDENSER_C);
  }

  public ElectricEirChiller eir() {
    return eir;
  }

  public CarnotChiller carnot() {
    return carnot;
  }

  /** Returns true when the EIR curves apply at Tel and Tce; false when the Carnot model does. */
  public boolean usesEir(double leavingChilledWaterC, double enteringCondenserWaterC) {
    checkRange(leavingChilledWaterC, enteringCondenserWaterC);
    return eirRange.contains(leavingChilledWaterC, enteringCondenserWaterC);
  }

  /** Returns the capacity in W available at Tel and Tce, from the model that applies there. */
  public double availableCapacityW(double leavingChilledWaterC, double enteringCondenserWaterC) {
    return usesEir(leavingChilledWaterC, enteringCondenserWaterC)
        ? eir.availableCapacityW(leavingChilledWaterC, enteringCondenserWaterC)
        : carnot.capacityW();
  }

  /**
   * Evaluates the chiller with the model that applies at Tel and Tce and writes the result into
   * {@code result}.
   *
   * @throws IllegalArgumentException for a NaN or infinite input, Tce below Tel, or Tel or Tce
   *     outside the outer bounds
   */
  public void evaluate(
      double loadW,
      double leavingChilledWaterC,
      double enteringCondenserWaterC,
      ChillerOperation result) {
    Arguments.nonNegative("loadW", loadW);
    if (usesEir(leavingChilledWaterC, enteringCondenserWaterC)) {
      eir.evaluate(loadW, leavingChilledWaterC, enteringCondenserWaterC, result);
    } else {
      carnot.evaluate(loadW, leavingChilledWaterC, enteringCondenserWaterC, result);
    }
  }

  private void checkRange(double leavingChilledWaterC, double enteringCondenserWaterC) {
    Arguments.finite("leavingChilledWaterC", leavingChilledWaterC);
    Arguments.finite("enteringCondenserWaterC", enteringCondenserWaterC);
    if (leavingChilledWaterC < minLeavingC || leavingChilledWaterC > maxLeavingC) {
      throw new IllegalArgumentException(
          "leavingChilledWaterC must be between "
              + minLeavingC
              + " and "
              + maxLeavingC
              + " °C, got "
              + leavingChilledWaterC);
    }
    if (enteringCondenserWaterC < leavingChilledWaterC) {
      throw new IllegalArgumentException(
          "enteringCondenserWaterC must be at least leavingChilledWaterC, got "
              + enteringCondenserWaterC
              + " °C below "
              + leavingChilledWaterC
              + " °C");
    }
    if (enteringCondenserWaterC > maxEnteringCondenserC) {
      throw new IllegalArgumentException(
          "enteringCondenserWaterC must be at most "
              + maxEnteringCondenserC
              + " °C, got "
              + enteringCondenserWaterC);
    }
  }
}
