package io.factorytwin.simulation.physics.thermal;

/**
 * A discrete PID controller in the parallel ISA form {@code u = Kp·(e + (1/Ti)∫e dt − Td·dy_f/dt)}
 * with three common refinements. The derivative acts on the measurement, so a setpoint step gives
 * no derivative kick. The derivative is low-pass filtered with time constant {@code Td/N}. The
 * integral is frozen while the output is saturated and the error would drive it further out, so the
 * controller leaves saturation as soon as the error changes sign. This conditional integration is
 * one of the anti-windup schemes reviewed by Peng, Vrančić and Hanus ("Anti-windup, bumpless, and
 * conditioned transfer techniques for PID controllers", IEEE Control Systems 16(4), 1996).
 *
 * <p>Direct action makes the output rise when the measurement rises above the setpoint, as a
 * cooling valve must; reverse action is the heating case.
 */
public final class PidController {

  private final double proportionalGain;
  private final double integralTimeSeconds;
  private final double derivativeTimeSeconds;
  private final double derivativeFilterRatio;
  private final double outputMin;
  private final double outputMax;
  private final double errorSign;

  private double integralTerm;
  private double derivativeTerm;
  private double previousMeasurement;
  private boolean started;
  private double output;

  /**
   * Creates a controller.
   *
   * @param proportionalGain Kp in output units per measurement unit, zero or positive
   * @param integralTimeSeconds Ti in s; {@code Double.POSITIVE_INFINITY} turns the integral off
   * @param derivativeTimeSeconds Td in s; zero turns the derivative off
   * @param derivativeFilterRatio N, the ratio of Td to the derivative filter time constant (8 to 20
   *     is usual)
   * @param outputMin lower output limit
   * @param outputMax upper output limit
   * @param directActing true when the output must rise as the measurement rises
   */
  public PidController(
      double proportionalGain,
      double integralTimeSeconds,
      double derivativeTimeSeconds,
      double derivativeFilterRatio,
      double outputMin,
      double outputMax,
      boolean directActing) {
    if (!(proportionalGain >= 0)
        || !(integralTimeSeconds > 0)
        || !(derivativeTimeSeconds >= 0)
        || !(derivativeFilterRatio > 0)) {
      throw new IllegalArgumentException(
          "invalid PID parameters: need Kp ≥ 0, Ti > 0, Td ≥ 0 and N > 0, got Kp "
              + proportionalGain
              + ", Ti "
              + integralTimeSeconds
              + ", Td "
              + derivativeTimeSeconds
              + ", N "
              + derivativeFilterRatio);
    }
    if (!(outputMin < outputMax)) {
      throw new IllegalArgumentException(
          "output limits must satisfy min < max, got " + outputMin + " and " + outputMax);
    }
    this.proportionalGain = proportionalGain;
    this.integralTimeSeconds = integralTimeSeconds;
    this.derivativeTimeSeconds = derivativeTimeSeconds;
    this.derivativeFilterRatio = derivativeFilterRatio;
    this.outputMin = outputMin;
    this.outputMax = outputMax;
    this.errorSign = directActing ? -1.0 : 1.0;
    this.output = outputMin;
  }

  /**
   * Sets the integral so that the next output starts near {@code initialOutput} (bumpless start),
   * and clears the previous measurement so that the first update has no derivative kick.
   */
  public void reset(double initialOutput) {
    integralTerm = clamp(initialOutput);
    derivativeTerm = 0.0;
    started = false;
    output = integralTerm;
  }

  /**
   * Computes the output for one sample.
   *
   * @param setpoint setpoint in the measurement's unit
   * @param measurement measured value
   * @param dtSeconds time since the previous sample, positive
   * @return the output, within the limits
   */
  public double update(double setpoint, double measurement, double dtSeconds) {
    if (!(dtSeconds > 0)) {
      throw new IllegalArgumentException("time step must be positive, got " + dtSeconds + " s");
    }
    double error = errorSign * (setpoint - measurement);

    if (!started) {
      previousMeasurement = measurement;
      started = true;
    }
    if (derivativeTimeSeconds > 0) {
      // Backward-difference discretization of Kp·Td·s/(1 + s·Td/N) acting on −errorSign·y: stable
      // for every dt because its pole, (Td/N)/(Td/N + dt), lies in [0, 1).
      double filterTime = derivativeTimeSeconds / derivativeFilterRatio;
      double decay = filterTime / (filterTime + dtSeconds);
      derivativeTerm =
          decay * derivativeTerm
              - errorSign
                  * proportionalGain
                  * derivativeTimeSeconds
                  / (filterTime + dtSeconds)
                  * (measurement - previousMeasurement);
    }
    previousMeasurement = measurement;

    double proportionalTerm = proportionalGain * error;
    double integralStep =
        Double.isInfinite(integralTimeSeconds)
            ? 0.0
            : proportionalGain * dtSeconds / integralTimeSeconds * error;
    double candidate = proportionalTerm + integralTerm + integralStep + derivativeTerm;
    boolean windingUp = candidate > outputMax && integralStep > 0;
    boolean windingDown = candidate < outputMin && integralStep < 0;
    if (!windingUp && !windingDown) {
      integralTerm = clamp(integralTerm + integralStep);
    }
    output = clamp(proportionalTerm + integralTerm + derivativeTerm);
    return output;
  }

  /** Returns the output of the last update, or the reset value before any. */
  public double output() {
    return output;
  }

  /** Returns the integral term, in output units. */
  public double integralTerm() {
    return integralTerm;
  }

  private double clamp(double value) {
    return Math.max(outputMin, Math.min(outputMax, value));
  }
}
