package io.factorytwin.simulation.physics.plant;

/**
 * Electrical losses between the utility and the IT equipment: transformer, double-conversion UPS
 * and PDUs or busway, in that order from the utility.
 *
 * <p>UPS losses follow the usual three-term model of fixed, proportional and square-law losses:
 *
 * <pre>
 *   P_loss,UPS = a · P_rated + b · P + c · P² / P_rated        (P = UPS output)
 * </pre>
 *
 * <p>The defaults a = 0.010, b = 0.015, c = 0.010 are an assumption fitted to vendor data for
 * double-conversion UPSs, about 95 to 97 % efficient at typical load: they give 95.8 % at 40 %
 * load, 96.2 % at 50 %, 96.6 % at 80 % and 89.6 % at 10 %.
 *
 * <p>The transformer has a no-load (core) loss and a load (copper) loss that scales with the square
 * of the load. The defaults meet the US DOE 2016 minimum efficiency for a 1,000 kVA three-phase
 * low-voltage dry-type distribution transformer, 99.28 % at 35 % load (10 CFR 431.196(a)(2)). The
 * no-load loss is taken as 0.10 % of rating (an assumption). The load loss at rating is then 1.256
 * %, so the losses at 35 % load are 0.2538 % of rating.
 *
 * <p>PDU and busway losses are a fixed fraction of the IT load, by default 1 % (assumption).
 */
public final class PowerChain {

  public static final double DEFAULT_UPS_NO_LOAD_FRACTION = 0.010;
  public static final double DEFAULT_UPS_PROPORTIONAL_FRACTION = 0.015;
  public static final double DEFAULT_UPS_SQUARE_FRACTION = 0.010;
  public static final double DEFAULT_TRANSFORMER_NO_LOAD_FRACTION = 0.0010;
  public static final double DEFAULT_TRANSFORMER_LOAD_LOSS_FRACTION = 0.01256;
  public static final double DEFAULT_DISTRIBUTION_LOSS_FRACTION = 0.010;

  private final double upsRatedW;
  private final double upsNoLoadFraction;
  private final double upsProportionalFraction;
  private final double upsSquareFraction;
  private final double transformerRatedW;
  private final double transformerNoLoadFraction;
  private final double transformerLoadLossFraction;
  private final double distributionLossFraction;

  /**
   * @param upsRatedW rated output of the UPS bank, in W
   * @param upsNoLoadFraction a: fixed UPS loss as a fraction of rating
   * @param upsProportionalFraction b: UPS loss proportional to output
   * @param upsSquareFraction c: UPS loss proportional to output squared over rating
   * @param transformerRatedW rated power of the transformers at the load's power factor, in W
   * @param transformerNoLoadFraction core loss as a fraction of rating
   * @param transformerLoadLossFraction copper loss at rated load as a fraction of rating
   * @param distributionLossFraction PDU and busway loss as a fraction of IT load
   */
  public PowerChain(
      double upsRatedW,
      double upsNoLoadFraction,
      double upsProportionalFraction,
      double upsSquareFraction,
      double transformerRatedW,
      double transformerNoLoadFraction,
      double transformerLoadLossFraction,
      double distributionLossFraction) {
    this.upsRatedW = Arguments.positive("upsRatedW", upsRatedW);
    this.upsNoLoadFraction = Arguments.fraction("upsNoLoadFraction", upsNoLoadFraction);
    this.upsProportionalFraction =
        Arguments.fraction("upsProportionalFraction", upsProportionalFraction);
    this.upsSquareFraction = Arguments.fraction("upsSquareFraction", upsSquareFraction);
    this.transformerRatedW = Arguments.positive("transformerRatedW", transformerRatedW);
    this.transformerNoLoadFraction =
        Arguments.fraction("transformerNoLoadFraction", transformerNoLoadFraction);
    this.transformerLoadLossFraction =
        Arguments.fraction("transformerLoadLossFraction", transformerLoadLossFraction);
    this.distributionLossFraction =
        Arguments.fraction("distributionLossFraction", distributionLossFraction);
  }

  /** Creates a chain with the documented default loss coefficients. */
  public static PowerChain withDefaults(double upsRatedW, double transformerRatedW) {
    return new PowerChain(
        upsRatedW,
        DEFAULT_UPS_NO_LOAD_FRACTION,
        DEFAULT_UPS_PROPORTIONAL_FRACTION,
        DEFAULT_UPS_SQUARE_FRACTION,
        transformerRatedW,
        DEFAULT_TRANSFORMER_NO_LOAD_FRACTION,
        DEFAULT_TRANSFORMER_LOAD_LOSS_FRACTION,
        DEFAULT_DISTRIBUTION_LOSS_FRACTION);
  }

  /** Returns the UPS loss in W at an output power in W. */
  public double upsLossW(double outputW) {
    Arguments.nonNegative("outputW", outputW);
    return upsRatedW * upsNoLoadFraction
        + upsProportionalFraction * outputW
        + upsSquareFraction * outputW * outputW / upsRatedW;
  }

  /** Returns the UPS efficiency (output over input) at an output in W; 0 at no load. */
  public double upsEfficiency(double outputW) {
    return outputW / (outputW + upsLossW(outputW));
  }

  /** Returns the transformer loss in W at a load in W. */
  public double transformerLossW(double loadW) {
    Arguments.nonNegative("loadW", loadW);
    double ratio = loadW / transformerRatedW;
    return transformerRatedW
        * (transformerNoLoadFraction + transformerLoadLossFraction * ratio * ratio);
  }

  /** Returns the transformer efficiency (output over input) at a load in W; 0 at no load. */
  public double transformerEfficiency(double loadW) {
    return loadW / (loadW + transformerLossW(loadW));
  }

  /**
   * Evaluates the chain for an IT load and writes the losses into {@code result}.
   *
   * @param itLoadW power drawn by the IT equipment, in W
   */
  public void evaluate(double itLoadW, PowerChainLosses result) {
    Arguments.nonNegative("itLoadW", itLoadW);
    double distribution = distributionLossFraction * itLoadW;
    double upsOutput = itLoadW + distribution;
    double ups = upsLossW(upsOutput);
    double transformerLoad = upsOutput + ups;
    double transformer = transformerLossW(transformerLoad);
    result.distributionLossW = distribution;
    result.upsLossW = ups;
    result.transformerLossW = transformer;
    result.utilityInputW = transformerLoad + transformer;
  }
}
