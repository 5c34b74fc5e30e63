package io.factorytwin.simulation.physics.plant;

/**
 * Selects the economizer mode from the coldest water the heat-rejection units can make.
 *
 * <p>With T_avail = outdoor wet bulb (tower) or dry bulb (dry cooler) + design approach + the
 * economizer heat-exchanger approach, the plant can run:
 *
 * <ul>
 *   <li>FREE_COOLING while T_avail ≤ the facility water supply setpoint;
 *   <li>PARTIAL while T_avail is below the facility water return temperature, so precooling still
 *       removes heat;
 *   <li>MECHANICAL otherwise.
 * </ul>
 *
 * <p>Two rules keep the mode from chattering. A move to a more economized mode needs T_avail to
 * clear its threshold by the deadband, while a move back needs only T_avail above the threshold
 * itself (hysteresis). And no mode changes until the current one has been held for the minimum hold
 * time. The hold applies in both directions, so a plant in FREE_COOLING may miss its setpoint for
 * up to one hold time after the weather turns. The plant model reports that as a supply temperature
 * above the setpoint.
 */
public final class Economizer {

  /** Deadband in K; an assumption. */
  public static final double DEFAULT_DEADBAND_K = 1.0;

  /** Minimum time in a mode, in s; an assumption. */
  public static final double DEFAULT_MIN_HOLD_SECONDS = 30 * 60;

  private final double deadbandK;
  private final double minHoldSeconds;

  public Economizer(double deadbandK, double minHoldSeconds) {
    this.deadbandK = Arguments.nonNegative("deadbandK", deadbandK);
    this.minHoldSeconds = Arguments.nonNegative("minHoldSeconds", minHoldSeconds);
  }

  public static Economizer withDefaults() {
    return new Economizer(DEFAULT_DEADBAND_K, DEFAULT_MIN_HOLD_SECONDS);
  }

  /**
   * Selects the mode for the next step, records it in {@code state} and returns it.
   *
   * @param state the mode memory, updated in place
   * @param availableWaterC coldest facility water the heat-rejection units can make, in °C
   * @param supplySetpointC facility water supply setpoint in °C
   * @param returnC facility water return temperature in °C, at least the setpoint
   * @param stepSeconds length of the step about to be simulated, in s
   */
  public EconomizerMode select(
      EconomizerState state,
      double availableWaterC,
      double supplySetpointC,
      double returnC,
      double stepSeconds) {
    if (state == null) {
      throw new IllegalArgumentException("state must not be null");
    }
    Arguments.finite("availableWaterC", availableWaterC);
    Arguments.finite("supplySetpointC", supplySetpointC);
    Arguments.finite("returnC", returnC);
    Arguments.positive("stepSeconds", stepSeconds);
    if (returnC < supplySetpointC) {
      throw new IllegalArgumentException(
          "returnC must be at least supplySetpointC, got " + returnC + " °C");
    }

    EconomizerMode current = state.mode();
    EconomizerMode next =
        current == null
            ? modeWithoutHysteresis(availableWaterC, supplySetpointC, returnC)
            : modeWithHysteresis(current, availableWaterC, supplySetpointC, returnC);
    if (current != null && next != current && state.secondsInMode() < minHoldSeconds) {
      next = current;
    }
    state.advance(next, stepSeconds);
    return next;
  }

  private static EconomizerMode modeWithoutHysteresis(
      double availableC, double supplyC, double returnC) {
    if (availableC <= supplyC) {
      return EconomizerMode.FREE_COOLING;
    }
    return availableC < returnC ? EconomizerMode.PARTIAL : EconomizerMode.MECHANICAL;
  }

  private EconomizerMode modeWithHysteresis(
      EconomizerMode current, double availableC, double supplyC, double returnC) {
    // Thresholds for entering a mode from a less economized one carry the deadband; staying in
    // a mode only needs the plain threshold.
    boolean freeEnter = availableC <= supplyC - deadbandK;
    boolean freeStay = availableC <= supplyC;
    boolean partialEnter = availableC <= returnC - deadbandK;
    boolean partialStay = availableC < returnC;
    return switch (current) {
      case FREE_COOLING -> {
        if (freeStay) {
          yield EconomizerMode.FREE_COOLING;
        }
        yield partialStay ? EconomizerMode.PARTIAL : EconomizerMode.MECHANICAL;
      }
      case PARTIAL -> {
        if (freeEnter) {
          yield EconomizerMode.FREE_COOLING;
        }
        yield partialStay ? EconomizerMode.PARTIAL : EconomizerMode.MECHANICAL;
      }
      case MECHANICAL -> {
        if (freeEnter) {
          yield EconomizerMode.FREE_COOLING;
        }
        yield partialEnter ? EconomizerMode.PARTIAL : EconomizerMode.MECHANICAL;
      }
    };
  }
}
