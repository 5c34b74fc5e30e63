package io.factorytwin.simulation.physics.plant;

/**
 * A chiller that uses the DOE-2 EIR curves inside their fitted range of leaving chilled-water
 * temperature and a Carnot-effectiveness model calibrated on the same chiller above it.
 *
 * <p>The EIR range defaults to Tel from 4.44 °C (40 °F) to 9.0 °C, the conventional chilled-water
 * band the curves were fitted on. The Carnot model covers warm water up to Tel 45 °C, the coolant
 * inlet reported for Vera Rubin NVL72 racks (secondary reports of NVIDIA statements). Both bounds
 * are assumptions kept as parameters.
 */
public final class Chiller {

  public static final double DEFAULT_MIN_EIR_LEAVING_C = 4.44;
  public static final double DEFAULT_MAX_EIR_LEAVING_C = 9.0;
  public static final double DEFAULT_MAX_LEAVING_C = 45.0;

  /** Highest entering condenser-water temperature accepted, in °C (assumption). */
  public static final double DEFAULT_MAX_ENTERING_CONDENSER_C = 60.0;

  private final ElectricEirChiller eir;
  private final CarnotChiller carnot;
  private final double minEirLeavingC;
  private final double maxEirLeavingC;
  private final double maxLeavingC;
  private final double maxEnteringCondenserC;

  public Chiller(
      ElectricEirChiller eir,
      CarnotChiller carnot,
      double minEirLeavingC,
      double maxEirLeavingC,
      double maxLeavingC,
      double maxEnteringCondenserC) {
    if (eir == null || carnot == null) {
      throw new IllegalArgumentException("eir and carnot chiller models must not be null");
    }
    Arguments.finite("minEirLeavingC", minEirLeavingC);
    Arguments.finite("maxEirLeavingC", maxEirLeavingC);
    Arguments.finite("maxLeavingC", maxLeavingC);
    Arguments.finite("maxEnteringCondenserC", maxEnteringCondenserC);
    if (!(minEirLeavingC < maxEirLeavingC && maxEirLeavingC < maxLeavingC)) {
      throw new IllegalArgumentException(
          "expected minEirLeavingC < maxEirLeavingC < maxLeavingC, got "
              + minEirLeavingC
              + ", "
              + maxEirLeavingC
              + ", "
              + maxLeavingC);
    }
    this.eir = eir;
    this.carnot = carnot;
    this.minEirLeavingC = minEirLeavingC;
    this.maxEirLeavingC = maxEirLeavingC;
    this.maxLeavingC = maxLeavingC;
    this.maxEnteringCondenserC = maxEnteringCondenserC;
  }

  /**
   * Creates the facade for an EIR chiller with the default ranges and a Carnot model calibrated at
   * the chiller's reference temperatures and full load.
   */
  public static Chiller of(ElectricEirChiller.Parameters parameters) {
    ElectricEirChiller eir = new ElectricEirChiller(parameters);
    CarnotChiller carnot =
        CarnotChiller.calibratedTo(
            eir,
            parameters.referenceLeavingChilledWaterC(),
            parameters.referenceEnteringCondenserWaterC(),
            CarnotChiller.DEFAULT_REFRIGERANT_APPROACH_K);
    return new Chiller(
        eir,
        carnot,
        DEFAULT_MIN_EIR_LEAVING_C,
        DEFAULT_MAX_EIR_LEAVING_C,
        DEFAULT_MAX_LEAVING_C,
        DEFAULT_MAX_ENTERING_CONDENSER_C);
  }

  public ElectricEirChiller eir() {
    return eir;
  }

  public CarnotChiller carnot() {
    return carnot;
  }

  /** Returns the capacity in W available at Tel and Tce, from the model that applies there. */
  public double availableCapacityW(double leavingChilledWaterC, double enteringCondenserWaterC) {
    checkRange(leavingChilledWaterC, enteringCondenserWaterC);
    return leavingChilledWaterC <= maxEirLeavingC
        ? eir.availableCapacityW(leavingChilledWaterC, enteringCondenserWaterC)
        : carnot.capacityW();
  }

  /**
   * Evaluates the chiller with the model that applies at Tel and writes the result into {@code
   * result}.
   *
   * @throws IllegalArgumentException for a NaN or infinite input, Tce below Tel, or Tel or Tce
   *     outside the ranges this facade was built with
   */
  public void evaluate(
      double loadW,
      double leavingChilledWaterC,
      double enteringCondenserWaterC,
      ChillerOperation result) {
    Arguments.nonNegative("loadW", loadW);
    checkRange(leavingChilledWaterC, enteringCondenserWaterC);
    if (leavingChilledWaterC <= maxEirLeavingC) {
      eir.evaluate(loadW, leavingChilledWaterC, enteringCondenserWaterC, result);
    } else {
      carnot.evaluate(loadW, leavingChilledWaterC, enteringCondenserWaterC, result);
    }
  }

  private void checkRange(double leavingChilledWaterC, double enteringCondenserWaterC) {
    Arguments.finite("leavingChilledWaterC", leavingChilledWaterC);
    Arguments.finite("enteringCondenserWaterC", enteringCondenserWaterC);
    if (leavingChilledWaterC < minEirLeavingC || leavingChilledWaterC > maxLeavingC) {
      throw new IllegalArgumentException(
          "leavingChilledWaterC must be between "
              + minEirLeavingC
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
