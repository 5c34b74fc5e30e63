package io.factorytwin.simulation.physics.thermal;

/**
 * Effectiveness-NTU relations for two-stream heat exchangers. Effectiveness ε is the ratio of the
 * actual duty to the maximum {@code Cmin·(T_hot,in − T_cold,in)}; NTU is {@code UA/Cmin} and Cr is
 * {@code Cmin/Cmax}. The closed forms for counterflow, parallel flow and Cr = 0 are the standard
 * textbook results, as listed with their Cr = 1 limit at novasolver.jp ("Heat exchanger ε-NTU") and
 * derived for counterflow in M. Subbu's heat-transfer course notes (msubbu.academy).
 */
public final class EffectivenessNtu {

  /**
   * Below this distance from Cr = 1 the counterflow formula is 0/0 in floating point, so the limit
   * NTU/(1 + NTU) is used; at 1e-9 the two differ by far less than 1e-9 in ε.
   */
  private static final double BALANCED_TOLERANCE = 1e-9;

  private EffectivenessNtu() {}

  /**
   * Returns the counterflow effectiveness {@code (1 − e^(−NTU(1−Cr))) / (1 − Cr·e^(−NTU(1−Cr)))},
   * or {@code NTU/(1 + NTU)} for balanced streams (Cr = 1).
   */
  public static double counterflow(double ntu, double capacityRatio) {
    checkArguments(ntu, capacityRatio);
    if (Math.abs(1.0 - capacityRatio) < BALANCED_TOLERANCE) {
      return ntu / (1.0 + ntu);
    }
    double decay = Math.exp(-ntu * (1.0 - capacityRatio));
    return (1.0 - decay) / (1.0 - capacityRatio * decay);
  }

  /** Returns the parallel-flow effectiveness {@code (1 − e^(−NTU(1+Cr))) / (1 + Cr)}. */
  public static double parallelFlow(double ntu, double capacityRatio) {
    checkArguments(ntu, capacityRatio);
    return -Math.expm1(-ntu * (1.0 + capacityRatio)) / (1.0 + capacityRatio);
  }

  /**
   * Returns the effectiveness {@code 1 − e^(−NTU)} for Cr = 0 (one stream changes phase or has a
   * much larger capacity rate), which holds for every flow arrangement.
   */
  public static double zeroCapacityRatio(double ntu) {
    checkArguments(ntu, 0.0);
    return -Math.expm1(-ntu);
  }

  /**
   * Returns the duty in W of a counterflow exchanger, positive from the hot to the cold stream.
   * Returns 0 when either capacity rate is zero (no flow), since then no heat crosses the wall.
   *
   * @param ua overall conductance UA in W/K
   * @param hotCapacityRate hot-stream ṁ·cp in W/K
   * @param coldCapacityRate cold-stream ṁ·cp in W/K
   * @param hotInletC hot-stream inlet temperature in °C
   * @param coldInletC cold-stream inlet temperature in °C
   */
  public static double counterflowDuty(
      double ua,
      double hotCapacityRate,
      double coldCapacityRate,
      double hotInletC,
      double coldInletC) {
    if (!(hotCapacityRate > 0) || !(coldCapacityRate > 0) || !(ua > 0)) {
      return 0.0;
    }
    double cMin = Math.min(hotCapacityRate, coldCapacityRate);
    double cMax = Math.max(hotCapacityRate, coldCapacityRate);
    double effectiveness = counterflow(ua / cMin, cMin / cMax);
    return effectiveness * cMin * (hotInletC - coldInletC);
  }

  private static void checkArguments(double ntu, double capacityRatio) {
    if (!(ntu >= 0)) {
      throw new IllegalArgumentException("NTU must be zero or positive, got " + ntu);
    }
    if (!(capacityRatio >= 0 && capacityRatio <= 1)) {
      throw new IllegalArgumentException(
          "capacity ratio Cmin/Cmax must be within [0, 1], got " + capacityRatio);
    }
  }
}
