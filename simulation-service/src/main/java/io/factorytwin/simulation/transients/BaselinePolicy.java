package io.factorytwin.simulation.transients;

import io.factorytwin.simulation.physics.thermal.PidController;

/**
 * The reactive baseline: a fixed TCS supply setpoint held by each CDU's valve PID, and the pump at
 * a fixed speed or under a PID that holds the loop rise (return minus supply) at a target.
 */
public final class BaselinePolicy implements CoolingPolicy {

  /** Loop rise the pump PID holds, in K; the middle of the 8 to 12 K of CDU designs. */
  public static final double DEFAULT_RISE_TARGET_K = 10.0;

  /** Lowest pump speed, so that the racks never run dry; an assumption. */
  public static final double MIN_PUMP_SPEED = 0.3;

  private final Double setpointC;
  private final double fixedPumpSpeed;
  private final boolean pumpPid;
  private final double riseTargetK;
  private PidController[] pumpControllers = new PidController[0];
  private double defaultSetpointC;

  private BaselinePolicy(
      Double setpointC, double fixedPumpSpeed, boolean pumpPid, double riseTargetK) {
    this.setpointC = setpointC;
    this.fixedPumpSpeed = fixedPumpSpeed;
    this.pumpPid = pumpPid;
    this.riseTargetK = riseTargetK;
  }

  /**
   * Fixed setpoint and fixed pump speed.
   *
   * @param setpointC TCS supply setpoint in °C, or null for the hall's default
   */
  public static BaselinePolicy fixedSpeed(Double setpointC, double pumpSpeed) {
    return new BaselinePolicy(setpointC, pumpSpeed, false, DEFAULT_RISE_TARGET_K);
  }

  /** Fixed setpoint; the pump speed follows a PID on the loop rise. */
  public static BaselinePolicy pidSpeed(Double setpointC, double riseTargetK) {
    return new BaselinePolicy(setpointC, 1.0, true, riseTargetK);
  }

  @Override
  public void reset(int cdus, double defaultSetpointC) {
    this.defaultSetpointC = defaultSetpointC;
    pumpControllers = new PidController[cdus];
    if (pumpPid) {
      for (int i = 0; i < cdus; i++) {
        // Reverse acting on the rise: a rise above target speeds the pump up. Gains chosen on
        // the engine (0.05 per K, 30 s) for a slow, damped flow trim.
        pumpControllers[i] = new PidController(0.05, 30.0, 0.0, 10.0, MIN_PUMP_SPEED, 1.0, true);
        pumpControllers[i].reset(fixedPumpSpeed);
      }
    }
  }

  @Override
  public void decide(
      int cdu,
      double dtSeconds,
      double loadFraction,
      double supplyC,
      double returnC,
      Decision out) {
    out.supplySetpointC = setpointC != null ? setpointC : defaultSetpointC;
    out.pumpSpeed =
        pumpPid
            ? pumpControllers[cdu].update(riseTargetK, returnC - supplyC, dtSeconds)
            : fixedPumpSpeed;
  }

  @Override
  public String label() {
    return "baseline";
  }
}
