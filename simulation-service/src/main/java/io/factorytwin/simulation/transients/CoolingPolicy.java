package io.factorytwin.simulation.transients;

/**
 * What moves the CDU setpoints during a transient run. The engine calls {@link #decide} once per
 * loop step for every CDU, before the step, with what the CDU's sensors showed over the last step;
 * the valve PID inside each CDU then holds the setpoint it is given. The interface is kept small so
 * that a policy search can drive it with a vector of numbers.
 */
public interface CoolingPolicy {

  /** Setpoints chosen for one CDU for the next loop step; the engine owns and reuses it. */
  final class Decision {
    /** TCS supply temperature setpoint, in °C. */
    public double supplySetpointC;

    /** Secondary pump speed as a fraction of design speed, 0..1. */
    public double pumpSpeed;
  }

  /** Clears any state and sizes it for {@code cdus} CDUs; called once at the start of a run. */
  void reset(int cdus, double defaultSetpointC);

  /**
   * Chooses the setpoints of one CDU for the next loop step.
   *
   * @param cdu CDU index
   * @param dtSeconds loop step, in s
   * @param loadFraction IT power of the CDU's racks over the last step over their rated power
   * @param supplyC TCS supply temperature at the end of the last step, in °C
   * @param returnC TCS return temperature that reached the CDU over the last step, in °C
   * @param out the decision to fill in; it holds the previous decision on entry
   */
  void decide(
      int cdu, double dtSeconds, double loadFraction, double supplyC, double returnC, Decision out);

  /** Short label for series and results, such as {@code baseline}. */
  String label();
}
