package io.factorytwin.simulation.physics.plant;

import io.factorytwin.simulation.physics.Fluid;

/**
 * A variable-speed pump group sized by its design flow and head.
 *
 * <pre>
 *   P_design = ρ · g · H · V̇ / η        (hydraulic power over wire-to-water efficiency)
 *   P(f)     = P_design · f³             (affinity law, f = flow / design flow)
 * </pre>
 *
 * <p>NOTE: the cube law assumes a system curve through the origin. A loop held at a fixed
 * differential pressure needs more power at part flow than this model gives.
 */
public final class Pump {

  private static final double GRAVITY_M_PER_S2 = 9.80665;

  /** Wire-to-water efficiency (pump, motor and drive); an assumption for large pumps. */
  public static final double DEFAULT_WIRE_TO_WATER_EFFICIENCY = 0.7;

  private final double designFlowLitersPerMinute;
  private final double minFlowFraction;
  private final double designPowerW;

  /**
   * @param designFlowLitersPerMinute flow of the group at design, in L/min
   * @param designHeadM head at design flow, in m of liquid
   * @param wireToWaterEfficiency hydraulic power over electric power, greater than 0 and at most 1
   * @param minFlowFraction lowest flow as a fraction of design
   * @param fluid liquid pumped
   */
  public Pump(
      double designFlowLitersPerMinute,
      double designHeadM,
      double wireToWaterEfficiency,
      double minFlowFraction,
      Fluid fluid) {
    this.designFlowLitersPerMinute =
        Arguments.positive("designFlowLitersPerMinute", designFlowLitersPerMinute);
    Arguments.nonNegative("designHeadM", designHeadM);
    if (!(wireToWaterEfficiency > 0 && wireToWaterEfficiency <= 1)) {
      throw new IllegalArgumentException(
          "wireToWaterEfficiency must be greater than 0 and at most 1, got "
              + wireToWaterEfficiency);
    }
    this.minFlowFraction = Arguments.fraction("minFlowFraction", minFlowFraction);
    if (fluid == null) {
      throw new IllegalArgumentException("fluid must not be null");
    }
    double flowM3PerS = designFlowLitersPerMinute / 60_000.0;
    this.designPowerW =
        fluid.densityKgPerM3()
            * GRAVITY_M_PER_S2
            * designHeadM
            * flowM3PerS
            / wireToWaterEfficiency;
  }

  public double designFlowLitersPerMinute() {
    return designFlowLitersPerMinute;
  }

  public double designPowerW() {
    return designPowerW;
  }

  /** Returns the flow fraction the group runs at for a requested fraction: at least the minimum. */
  public double flowFraction(double requestedFraction) {
    Arguments.nonNegative("requestedFraction", requestedFraction);
    return Math.min(1.0, Math.max(minFlowFraction, requestedFraction));
  }

  /** Returns the electric power in W at a flow fraction, by the cube law. */
  public double powerW(double flowFraction) {
    Arguments.nonNegative("flowFraction", flowFraction);
    return designPowerW * flowFraction * flowFraction * flowFraction;
  }
}
