package io.factorytwin.simulation.physics.thermal;

/**
 * A first-order lag {@code τ·dx/dt = target − x} advanced with its exact solution for a target that
 * is constant within each step: {@code x ← x + (target − x)(1 − e^(−dt/τ))}. Because the update is
 * the analytic solution of the linear ODE, the result at a given time does not depend on how the
 * interval is cut into steps.
 *
 * <p>The node also returns the mean of x over the last step, which callers need to integrate an
 * outflow {@code ṁ·cp·x} exactly: the mean is {@code target + (x0 − target)·(τ/dt)(1 − e^(−dt/τ))}.
 */
public final class FirstOrderNode {

  private double value;
  private double timeConstantSeconds;
  private double lastStepMean;

  /**
   * Creates a node at an initial value.
   *
   * @param initialValue value at time zero, in the caller's unit
   * @param timeConstantSeconds time constant τ in seconds, positive
   */
  public FirstOrderNode(double initialValue, double timeConstantSeconds) {
    requirePositive(timeConstantSeconds);
    this.value = initialValue;
    this.timeConstantSeconds = timeConstantSeconds;
    this.lastStepMean = initialValue;
  }

  /** Advances the node by {@code dtSeconds} toward a target held constant over the step. */
  public void step(double dtSeconds, double target) {
    step(dtSeconds, target, timeConstantSeconds);
  }

  /**
   * Advances the node with a time constant that applies to this step only, for nodes whose τ
   * depends on a flow that changes between steps.
   */
  public void step(double dtSeconds, double target, double stepTimeConstantSeconds) {
    if (!(dtSeconds > 0)) {
      throw new IllegalArgumentException("time step must be positive, got " + dtSeconds + " s");
    }
    requirePositive(stepTimeConstantSeconds);
    // -expm1(-r) is 1 − e^(−r) without the cancellation that 1 − Math.exp(-r) has for small r.
    double ratio = dtSeconds / stepTimeConstantSeconds;
    double fraction = -Math.expm1(-ratio);
    double start = value;
    value = start + (target - start) * fraction;
    lastStepMean = target + (start - target) * fraction / ratio;
  }

  /** Returns the value at the end of the last step. */
  public double value() {
    return value;
  }

  /** Returns the time average of the value over the last step (the initial value before any). */
  public double lastStepMean() {
    return lastStepMean;
  }

  public double timeConstantSeconds() {
    return timeConstantSeconds;
  }

  /** Sets the value, for example to start a run at a computed steady state. */
  public void reset(double newValue) {
    value = newValue;
    lastStepMean = newValue;
  }

  /**
   * Returns the fraction {@code 1 − e^(−dt/τ)} of the gap that one step closes, so that an array of
   * nodes sharing τ and dt can pay for one exponential per step instead of one per node.
   */
  public static double stepFraction(double dtSeconds, double timeConstantSeconds) {
    return -Math.expm1(-dtSeconds / timeConstantSeconds);
  }

  private static void requirePositive(double timeConstantSeconds) {
    if (!(timeConstantSeconds > 0)) {
      throw new IllegalArgumentException(
          "time constant must be positive, got " + timeConstantSeconds + " s");
    }
  }
}
