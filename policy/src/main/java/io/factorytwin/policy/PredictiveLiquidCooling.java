package io.factorytwin.policy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The {@value #ALGORITHM} policy: rack power as a leading indicator of the coolant temperatures.
 * Rack power changes seconds before the coolant does, so moving the TCS supply setpoint and the
 * pump speed with the power anticipates the rise that a reactive loop only measures after the
 * transport delay.
 *
 * <p>Per CDU and decision, with ℓ the load fraction (IT power of the CDU's racks over their rated
 * power) smoothed by a first-order filter of time constant {@code filter_time_s}, and ℓ' the rate
 * of change of the smoothed value per second:
 *
 * <pre>
 *   ℓp        = max(0, ℓ + lead_time_s · ℓ')
 *   setpoint  = clamp(setpoint_c − setpoint_load_gain_k · ℓp, 5, 60)        °C
 *   pump      = clamp(pump_speed_min + pump_speed_load_gain · ℓp, 0.3, 1)   fraction of full speed
 * </pre>
 *
 * The filter starts at the first load fraction it sees for a CDU, with a rate of 0. An instance
 * keeps that filter state per CDU index and is not thread-safe.
 */
public final class PredictiveLiquidCooling {

  /** The algorithm name that PolicyParameters.algorithm carries. */
  public static final String ALGORITHM = "predictive-liquid-cooling";

  /** Parameter names, in the order of {@link #vector()}. */
  public static final List<String> KEYS =
      List.of(
          "setpoint_c",
          "setpoint_load_gain_k",
          "lead_time_s",
          "filter_time_s",
          "pump_speed_min",
          "pump_speed_load_gain");

  /** Range of the TCS supply setpoint in °C, the range the simulation contract accepts. */
  public static final double SETPOINT_MIN_C = 5;

  public static final double SETPOINT_MAX_C = 60;

  /**
   * Lowest pump speed as a fraction of full speed: the minimum of simulation-service's reactive
   * baseline controller (BaselinePolicy.MIN_PUMP_SPEED), so both controllers keep the same minimum
   * flow.
   */
  public static final double PUMP_SPEED_MIN = 0.3;

  public static final double PUMP_SPEED_MAX = 1;

  private static final int SETPOINT = 0;
  private static final int SETPOINT_GAIN = 1;
  private static final int LEAD_TIME = 2;
  private static final int FILTER_TIME = 3;
  private static final int PUMP_MIN = 4;
  private static final int PUMP_GAIN = 5;

  private final double[] values;
  private final List<CduState> cdus = new ArrayList<>();

  /** One decision for one CDU. */
  public record Decision(double supplySetpointC, double pumpSpeedFraction) {}

  private static final class CduState {
    double filtered;
    double rate;
  }

  private PredictiveLiquidCooling(double[] values) {
    this.values = values;
  }

  /**
   * Creates the policy from its algorithm name and named values, as PolicyParameters carries them.
   *
   * @throws IllegalArgumentException for another algorithm, or naming every missing or unknown key,
   *     or the first non-finite value or negative time
   */
  public static PredictiveLiquidCooling create(String algorithm, Map<String, Double> named) {
    if (!ALGORITHM.equals(algorithm)) {
      throw new IllegalArgumentException(
          "unknown policy algorithm '" + algorithm + "': expected " + ALGORITHM);
    }
    return fromValues(named);
  }

  /**
   * Creates the policy from its named values.
   *
   * @throws IllegalArgumentException naming every missing or unknown key, or the first non-finite
   *     value or negative time
   */
  public static PredictiveLiquidCooling fromValues(Map<String, Double> named) {
    TreeSet<String> missing = new TreeSet<>(KEYS);
    missing.removeAll(named.keySet());
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(
          "missing parameter " + String.join(", ", missing) + " of " + ALGORITHM);
    }
    TreeSet<String> unknown = new TreeSet<>(named.keySet());
    unknown.removeAll(KEYS);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "unknown parameter "
              + String.join(", ", unknown)
              + " of "
              + ALGORITHM
              + ": expected "
              + String.join(", ", KEYS));
    }
    double[] vector = new double[KEYS.size()];
    for (int i = 0; i < vector.length; i++) {
      String key = KEYS.get(i);
      Double value = named.get(key);
      if (value == null || !Double.isFinite(value)) {
        throw new IllegalArgumentException(
            "invalid parameter " + key + " = " + value + ": expected a finite number");
      }
      vector[i] = value;
    }
    for (int index : new int[] {LEAD_TIME, FILTER_TIME}) {
      if (vector[index] < 0) {
        throw new IllegalArgumentException(
            "invalid parameter "
                + KEYS.get(index)
                + " = "
                + vector[index]
                + ": expected 0 or more seconds");
      }
    }
    return new PredictiveLiquidCooling(vector);
  }

  /** Returns the parameter values in the order of {@link #KEYS}. */
  public double[] vector() {
    return values.clone();
  }

  /** Returns the parameter values by name, in the order of {@link #KEYS}. */
  public Map<String, Double> named() {
    Map<String, Double> named = new LinkedHashMap<>();
    for (int i = 0; i < values.length; i++) {
      named.put(KEYS.get(i), values[i]);
    }
    return Collections.unmodifiableMap(named);
  }

  /** Forgets the filter state of every CDU, so that the next decision of each starts afresh. */
  public void reset() {
    cdus.clear();
  }

  /**
   * Advances the filter of one CDU by {@code dtSeconds} with a new load fraction and returns the
   * setpoints for it.
   *
   * @param cdu the CDU's index, 0 or more; the caller keeps one index per CDU
   * @param dtSeconds time since this CDU's previous decision in seconds, above 0; ignored on its
   *     first decision
   * @param loadFraction IT power of the CDU's racks over their rated power, 0 or more
   * @throws IllegalArgumentException for a negative index, a time step that is not positive, or a
   *     load fraction that is negative or not finite
   */
  public Decision decide(int cdu, double dtSeconds, double loadFraction) {
    if (cdu < 0) {
      throw new IllegalArgumentException("invalid CDU index " + cdu + ": expected 0 or more");
    }
    if (!(dtSeconds > 0) || !Double.isFinite(dtSeconds)) {
      throw new IllegalArgumentException(
          "invalid time step " + dtSeconds + " s: expected a finite number above 0");
    }
    if (!(loadFraction >= 0) || !Double.isFinite(loadFraction)) {
      throw new IllegalArgumentException(
          "invalid load fraction " + loadFraction + ": expected a finite number of 0 or more");
    }
    while (cdus.size() <= cdu) {
      cdus.add(null);
    }
    CduState state = cdus.get(cdu);
    if (state == null) {
      state = new CduState();
      state.filtered = loadFraction;
      cdus.set(cdu, state);
    } else {
      double previous = state.filtered;
      double filterTime = values[FILTER_TIME];
      // Exact discretization of dℓ/dt = (load − ℓ) / τ over the step; τ = 0 follows the load.
      double alpha = filterTime > 0 ? -Math.expm1(-dtSeconds / filterTime) : 1.0;
      state.filtered = previous + (loadFraction - previous) * alpha;
      state.rate = (state.filtered - previous) / dtSeconds;
    }
    double predicted = Math.max(0.0, state.filtered + values[LEAD_TIME] * state.rate);
    double setpoint =
        clamp(values[SETPOINT] - values[SETPOINT_GAIN] * predicted, SETPOINT_MIN_C, SETPOINT_MAX_C);
    double pump =
        clamp(values[PUMP_MIN] + values[PUMP_GAIN] * predicted, PUMP_SPEED_MIN, PUMP_SPEED_MAX);
    return new Decision(setpoint, pump);
  }

  private static double clamp(double value, double min, double max) {
    return Math.max(min, Math.min(max, value));
  }

  @Override
  public String toString() {
    return ALGORITHM + Arrays.toString(values);
  }
}
