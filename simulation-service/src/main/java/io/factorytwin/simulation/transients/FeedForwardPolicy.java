package io.factorytwin.simulation.transients;

import java.util.Map;
import java.util.TreeMap;

/**
 * A parameterized policy that uses rack power as a leading indicator: rack power changes seconds
 * before the coolant temperatures do, so moving the TCS supply setpoint and the pump speed with the
 * power anticipates the temperature rise that a reactive PID only sees after the transport delay.
 *
 * <p>Per CDU and loop step, with ℓ the load fraction (IT power over rated power) smoothed by a
 * first-order filter of {@code filter_time_s}, and its rate of change ℓ':
 *
 * <pre>
 *   ℓp        = ℓ + lead_time_s · ℓ'                  (predicted load)
 *   setpoint  = setpoint_c − setpoint_load_gain_k · ℓp
 *   pump      = pump_speed_min + pump_speed_load_gain · ℓp
 * </pre>
 *
 * The setpoint is clamped to 5..60 °C (the contract's range) and the pump to {@link
 * BaselinePolicy#MIN_PUMP_SPEED}..1. Algorithm name {@value #ALGORITHM}.
 */
public final class FeedForwardPolicy implements CoolingPolicy {

  public static final String ALGORITHM = "predictive-liquid-cooling";

  /** Parameter names of the algorithm, in the order of {@link #vector()}. */
  public static final String[] KEYS = {
    "setpoint_c",
    "setpoint_load_gain_k",
    "lead_time_s",
    "filter_time_s",
    "pump_speed_min",
    "pump_speed_load_gain"
  };

  private final double[] values;
  private double[] filtered = new double[0];
  private double[] rate = new double[0];
  private boolean[] started = new boolean[0];

  /** Creates the policy from its parameter vector, in the order of {@link #KEYS}. */
  public FeedForwardPolicy(double... values) {
    if (values.length != KEYS.length) {
      throw new IllegalArgumentException(
          "policy " + ALGORITHM + " needs " + KEYS.length + " values, got " + values.length);
    }
    for (int i = 0; i < values.length; i++) {
      if (!Double.isFinite(values[i])) {
        throw new IllegalArgumentException(KEYS[i] + " must be finite, got " + values[i]);
      }
    }
    if (values[3] < 0 || values[2] < 0) {
      throw new IllegalArgumentException("lead_time_s and filter_time_s must not be negative");
    }
    this.values = values.clone();
  }

  /**
   * Creates the policy from named values, as PolicyParameters carries them.
   *
   * @throws IllegalArgumentException naming the first missing, unknown or non-finite key
   */
  public static FeedForwardPolicy fromValues(Map<String, Double> named) {
    double[] vector = new double[KEYS.length];
    for (int i = 0; i < KEYS.length; i++) {
      Double value = named.get(KEYS[i]);
      if (value == null) {
        throw new IllegalArgumentException("missing parameter " + KEYS[i]);
      }
      vector[i] = value;
    }
    for (String key : named.keySet()) {
      if (!java.util.Arrays.asList(KEYS).contains(key)) {
        throw new IllegalArgumentException("unknown parameter " + key);
      }
    }
    return new FeedForwardPolicy(vector);
  }

  /** Returns the parameter vector, in the order of {@link #KEYS}. */
  public double[] vector() {
    return values.clone();
  }

  /** Returns the parameters by name. */
  public Map<String, Double> named() {
    Map<String, Double> map = new TreeMap<>();
    for (int i = 0; i < KEYS.length; i++) {
      map.put(KEYS[i], values[i]);
    }
    return map;
  }

  @Override
  public void reset(int cdus, double defaultSetpointC) {
    filtered = new double[cdus];
    rate = new double[cdus];
    started = new boolean[cdus];
  }

  @Override
  public void decide(
      int cdu,
      double dtSeconds,
      double loadFraction,
      double supplyC,
      double returnC,
      Decision out) {
    double filterTime = values[3];
    if (!started[cdu]) {
      filtered[cdu] = loadFraction;
      started[cdu] = true;
    }
    double previous = filtered[cdu];
    double alpha = filterTime > 0 ? -Math.expm1(-dtSeconds / filterTime) : 1.0;
    filtered[cdu] = previous + (loadFraction - previous) * alpha;
    rate[cdu] = (filtered[cdu] - previous) / dtSeconds;
    double predicted = Math.max(0.0, filtered[cdu] + values[2] * rate[cdu]);
    out.supplySetpointC = Math.max(5.0, Math.min(60.0, values[0] - values[1] * predicted));
    out.pumpSpeed =
        Math.max(BaselinePolicy.MIN_PUMP_SPEED, Math.min(1.0, values[4] + values[5] * predicted));
  }

  @Override
  public String label() {
    return "policy";
  }
}
