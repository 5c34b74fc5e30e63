package io.factorytwin.simulation.physics.plant;

/**
 * The DOE-2 electric chiller model, as EnergyPlus {@code Chiller:Electric:EIR} and Modelica
 * Buildings {@code Buildings.Fluid.Chillers.ElectricEIR} implement it.
 *
 * <p>With Tel the leaving chilled-water and Tce the entering condenser-water temperature in °C:
 *
 * <pre>
 *   capFT  = a1 + a2·Tel + a3·Tel² + a4·Tce + a5·Tce² + a6·Tel·Tce
 *   EIRFT  = b1 + b2·Tel + b3·Tel² + b4·Tce + b5·Tce² + b6·Tel·Tce
 *   EIRFPLR = c1 + c2·PLR + c3·PLR²
 *   Q_avail = Q_ref · capFT
 *   PLR     = Q_load / Q_avail                     (capped at PLRmax)
 *   P       = Q_avail / COP_ref · EIRFT · EIRFPLR(max(PLR, PLRminUnload)) · cycling
 *   cycling = min(1, PLR / PLRmin)
 * </pre>
 *
 * <p>The part-load ratio is relative to the capacity available at the current temperatures, not to
 * the reference capacity. Only this definition, with the power formula above, reproduces the
 * validation points computed from the McQuay record (power 360.4 kW and COP 5.92 at the reference
 * temperatures and full load, 136.9 kW at half load). Below PLRmin the compressor cycles: it runs
 * at PLRmin for the fraction PLR/PLRmin of the step. Between PLRmin and PLRminUnload it cannot
 * unload further, so it runs at PLRminUnload and a hot-gas bypass adds the difference as a false
 * load (the same steps as the EnergyPlus source, {@code ChillerElectricEIR.cc}).
 */
public final class ElectricEirChiller {

  /**
   * Coefficients and limits of one chiller.
   *
   * @param name label in reports
   * @param referenceCapacityW cooling capacity at the reference temperatures, in W
   * @param referenceCop COP at the reference temperatures and full load
   * @param referenceLeavingChilledWaterC reference Tel in °C
   * @param referenceEnteringCondenserWaterC reference Tce in °C
   * @param capacityCoefficients a1..a6 of capFT
   * @param eirTemperatureCoefficients b1..b6 of EIRFT
   * @param eirPartLoadCoefficients c1..c3 of EIRFPLR
   * @param minPartLoadRatio PLRmin: below it the compressor cycles
   * @param minUnloadRatio PLRminUnload: below it a hot-gas bypass adds false load
   * @param maxPartLoadRatio PLRmax: the most load as a fraction of the available capacity
   */
  public record Parameters(
      String name,
      double referenceCapacityW,
      double referenceCop,
      double referenceLeavingChilledWaterC,
      double referenceEnteringCondenserWaterC,
      double[] capacityCoefficients,
      double[] eirTemperatureCoefficients,
      double[] eirPartLoadCoefficients,
      double minPartLoadRatio,
      double minUnloadRatio,
      double maxPartLoadRatio) {

    public Parameters {
      Arguments.positive("referenceCapacityW", referenceCapacityW);
      Arguments.positive("referenceCop", referenceCop);
      Arguments.finite("referenceLeavingChilledWaterC", referenceLeavingChilledWaterC);
      Arguments.finite("referenceEnteringCondenserWaterC", referenceEnteringCondenserWaterC);
      capacityCoefficients = checkCoefficients("capacityCoefficients", capacityCoefficients, 6);
      eirTemperatureCoefficients =
          checkCoefficients("eirTemperatureCoefficients", eirTemperatureCoefficients, 6);
      eirPartLoadCoefficients =
          checkCoefficients("eirPartLoadCoefficients", eirPartLoadCoefficients, 3);
      Arguments.fraction("minPartLoadRatio", minPartLoadRatio);
      Arguments.fraction("minUnloadRatio", minUnloadRatio);
      Arguments.positive("maxPartLoadRatio", maxPartLoadRatio);
      if (minPartLoadRatio > minUnloadRatio || minUnloadRatio > maxPartLoadRatio) {
        throw new IllegalArgumentException(
            "chiller "
                + name
                + ": expected minPartLoadRatio <= minUnloadRatio <= maxPartLoadRatio, got "
                + minPartLoadRatio
                + ", "
                + minUnloadRatio
                + ", "
                + maxPartLoadRatio);
      }
    }

    private static double[] checkCoefficients(String name, double[] values, int length) {
      if (values == null || values.length != length) {
        throw new IllegalArgumentException(name + " must contain " + length + " coefficients");
      }
      for (double value : values) {
        Arguments.finite(name, value);
      }
      // Copied so that a caller cannot change a shared record such as MCQUAY_PFH_2124KW.
      return values.clone();
    }

    @Override
    public double[] capacityCoefficients() {
      return capacityCoefficients.clone();
    }

    @Override
    public double[] eirTemperatureCoefficients() {
      return eirTemperatureCoefficients.clone();
    }

    @Override
    public double[] eirPartLoadCoefficients() {
      return eirPartLoadCoefficients.clone();
    }
  }

  /**
   * McQuay PFH centrifugal chiller with inlet vanes, 2,124 kW and COP 6.03 at Tel 8.89 °C and Tce
   * 23.89 °C. Coefficients from the Modelica Buildings record {@code
   * ElectricEIRChiller_McQuay_PFH_2124kW_6_03COP_Vanes}, which takes them from the CoolTools
   * chiller data set.
   */
  public static final Parameters MCQUAY_PFH_2124KW =
      new Parameters(
          "McQuay PFH 2124 kW 6.03 COP vanes",
          2_124_000.0,
          6.03,
          8.89,
          23.89,
          new double[] {
            1.040134, -1.745650e-2, 1.084856e-3, 6.629328e-3, -8.008991e-4, 1.567769e-3
          },
          new double[] {
            1.157799, -3.621524e-2, -3.684818e-3, -1.202959e-2, -7.378548e-5, 3.787365e-3
          },
          new double[] {0.1051419, 0.2033679, 0.6902026},
          0.09,
          0.09,
          1.03);

  /**
   * Range of temperatures the curves were fitted on, in °C.
   *
   * @param minLeavingChilledWaterC lowest Tel
   * @param maxLeavingChilledWaterC highest Tel
   * @param minEnteringCondenserWaterC lowest Tce
   * @param maxEnteringCondenserWaterC highest Tce
   */
  public record FittedRange(
      double minLeavingChilledWaterC,
      double maxLeavingChilledWaterC,
      double minEnteringCondenserWaterC,
      double maxEnteringCondenserWaterC) {

    public FittedRange {
      Arguments.finite("minLeavingChilledWaterC", minLeavingChilledWaterC);
      Arguments.finite("maxLeavingChilledWaterC", maxLeavingChilledWaterC);
      Arguments.finite("minEnteringCondenserWaterC", minEnteringCondenserWaterC);
      Arguments.finite("maxEnteringCondenserWaterC", maxEnteringCondenserWaterC);
      if (!(minLeavingChilledWaterC < maxLeavingChilledWaterC
          && minEnteringCondenserWaterC < maxEnteringCondenserWaterC)) {
        throw new IllegalArgumentException(
            "fitted range: each minimum must be below its maximum, got Tel "
                + minLeavingChilledWaterC
                + " to "
                + maxLeavingChilledWaterC
                + " °C and Tce "
                + minEnteringCondenserWaterC
                + " to "
                + maxEnteringCondenserWaterC
                + " °C");
      }
    }

    /** Returns true when Tel and Tce lie inside the range, bounds included. */
    public boolean contains(double leavingChilledWaterC, double enteringCondenserWaterC) {
      return leavingChilledWaterC >= minLeavingChilledWaterC
          && leavingChilledWaterC <= maxLeavingChilledWaterC
          && enteringCondenserWaterC >= minEnteringCondenserWaterC
          && enteringCondenserWaterC <= maxEnteringCondenserWaterC;
    }
  }

  /**
   * Fitted range of {@link #MCQUAY_PFH_2124KW}: Tel 5.56 to 8.89 °C and Tce 12.78 to 29.44 °C
   * (TEvaLvgMin, TEvaLvgMax, TConEntMin and TConEntMax of the same Modelica Buildings record).
   */
  public static final FittedRange MCQUAY_PFH_2124KW_RANGE =
      new FittedRange(5.56, 8.89, 12.78, 29.44);

  private final Parameters parameters;
  private final double a1, a2, a3, a4, a5, a6;
  private final double b1, b2, b3, b4, b5, b6;
  private final double c1, c2, c3;

  public ElectricEirChiller(Parameters parameters) {
    this.parameters = parameters;
    double[] a = parameters.capacityCoefficients;
    double[] b = parameters.eirTemperatureCoefficients;
    double[] c = parameters.eirPartLoadCoefficients;
    a1 = a[0];
    a2 = a[1];
    a3 = a[2];
    a4 = a[3];
    a5 = a[4];
    a6 = a[5];
    b1 = b[0];
    b2 = b[1];
    b3 = b[2];
    b4 = b[3];
    b5 = b[4];
    b6 = b[5];
    c1 = c[0];
    c2 = c[1];
    c3 = c[2];
  }

  public Parameters parameters() {
    return parameters;
  }

  /** Returns the capacity modifier capFT at Tel and Tce in °C. */
  public double capacityFactor(double leavingChilledWaterC, double enteringCondenserWaterC) {
    double tel = leavingChilledWaterC;
    double tce = enteringCondenserWaterC;
    return a1 + a2 * tel + a3 * tel * tel + a4 * tce + a5 * tce * tce + a6 * tel * tce;
  }

  /** Returns the EIR modifier EIRFT at Tel and Tce in °C. */
  public double eirTemperatureFactor(double leavingChilledWaterC, double enteringCondenserWaterC) {
    double tel = leavingChilledWaterC;
    double tce = enteringCondenserWaterC;
    return b1 + b2 * tel + b3 * tel * tel + b4 * tce + b5 * tce * tce + b6 * tel * tce;
  }

  /** Returns the EIR modifier EIRFPLR at a part-load ratio. */
  public double eirPartLoadFactor(double partLoadRatio) {
    return c1 + partLoadRatio * (c2 + partLoadRatio * c3);
  }

  /** Returns the capacity in W available at Tel and Tce in °C. */
  public double availableCapacityW(double leavingChilledWaterC, double enteringCondenserWaterC) {
    return parameters.referenceCapacityW
        * capacityFactor(leavingChilledWaterC, enteringCondenserWaterC);
  }

  /**
   * Evaluates the chiller at a requested evaporator load and writes the result into {@code result}.
   *
   * @param loadW evaporator load requested, in W
   * @param leavingChilledWaterC Tel in °C
   * @param enteringCondenserWaterC Tce in °C
   */
  public void evaluate(
      double loadW,
      double leavingChilledWaterC,
      double enteringCondenserWaterC,
      ChillerOperation result) {
    Arguments.nonNegative("loadW", loadW);
    Arguments.finite("leavingChilledWaterC", leavingChilledWaterC);
    Arguments.finite("enteringCondenserWaterC", enteringCondenserWaterC);
    result.clear();
    double capFt = capacityFactor(leavingChilledWaterC, enteringCondenserWaterC);
    double available = parameters.referenceCapacityW * capFt;
    result.availableCapacityW = available;
    if (loadW == 0 || available <= 0) {
      result.unmetLoadW = loadW;
      return;
    }
    double maxLoad = available * parameters.maxPartLoadRatio;
    double met = Math.min(loadW, maxLoad);
    double plr = met / available;
    double cycling =
        parameters.minPartLoadRatio > 0 ? Math.min(1.0, plr / parameters.minPartLoadRatio) : 1.0;
    double operatingPlr = Math.max(plr, parameters.minUnloadRatio);
    double eirFt = eirTemperatureFactor(leavingChilledWaterC, enteringCondenserWaterC);

    result.loadMetW = met;
    result.unmetLoadW = loadW - met;
    result.partLoadRatio = plr;
    result.cyclingRatio = cycling;
    result.falseLoadW = Math.max(0.0, available * operatingPlr * cycling - met);
    result.powerW =
        available / parameters.referenceCop * eirFt * eirPartLoadFactor(operatingPlr) * cycling;
    result.condenserHeatW = met + result.powerW;
  }
}
