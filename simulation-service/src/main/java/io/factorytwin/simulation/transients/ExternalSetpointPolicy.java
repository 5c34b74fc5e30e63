package io.factorytwin.simulation.transients;

import java.util.Arrays;

/**
 * A policy that returns setpoints set from outside the engine, such as the setpoint points of a
 * twin that a plant emulation reads. Until a CDU's setpoint is set, it runs at the hall's default
 * TCS supply setpoint and at {@link #DEFAULT_PUMP_SPEED}.
 *
 * <p>Not thread-safe: set the values from the engine's thread, for example in a {@link
 * TransientEngine.LoopHook}.
 */
public final class ExternalSetpointPolicy implements CoolingPolicy {

  /** Pump speed before one is set, as a fraction of design speed, as in the baseline's default. */
  public static final double DEFAULT_PUMP_SPEED = 1.0;

  private double[] supplySetpointC = new double[0];
  private double[] pumpSpeed = new double[0];

  @Override
  public void reset(int cdus, double defaultSetpointC) {
    double[] setpoints = new double[cdus];
    double[] speeds = new double[cdus];
    Arrays.fill(setpoints, defaultSetpointC);
    Arrays.fill(speeds, DEFAULT_PUMP_SPEED);
    // Values set before the engine reset them (the engine calls reset in its constructor) stay.
    for (int g = 0; g < Math.min(cdus, supplySetpointC.length); g++) {
      setpoints[g] = supplySetpointC[g];
      speeds[g] = pumpSpeed[g];
    }
    supplySetpointC = setpoints;
    pumpSpeed = speeds;
  }

  /** Sets a CDU's TCS supply setpoint, in °C. */
  public void setSupplySetpoint(int cdu, double temperatureC) {
    supplySetpointC[cdu] = temperatureC;
  }

  /**
   * Sets a CDU's pump speed as a fraction of design speed; the engine raises values below {@link
   * BaselinePolicy#MIN_PUMP_SPEED} to it.
   */
  public void setPumpSpeed(int cdu, double fraction) {
    pumpSpeed[cdu] = Math.max(0.0, Math.min(1.0, fraction));
  }

  /** Returns a CDU's TCS supply setpoint, in °C. */
  public double supplySetpointC(int cdu) {
    return supplySetpointC[cdu];
  }

  /** Returns a CDU's pump speed setpoint as a fraction of design speed. */
  public double pumpSpeed(int cdu) {
    return pumpSpeed[cdu];
  }

  @Override
  public void decide(
      int cdu,
      double dtSeconds,
      double loadFraction,
      double supplyC,
      double returnC,
      Decision out) {
    out.supplySetpointC = supplySetpointC[cdu];
    out.pumpSpeed = pumpSpeed[cdu];
  }

  @Override
  public String label() {
    return "external";
  }
}
