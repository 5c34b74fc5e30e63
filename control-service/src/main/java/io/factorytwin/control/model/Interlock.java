package io.factorytwin.control.model;

/** A check across points that a proposal must pass besides its guardrail's own limits. */
public sealed interface Interlock {

  /**
   * The proposed TCS supply temperature in °C must be at least the dew point plus the margin.
   *
   * @param dewPointPoint the dew point sensor; empty for the hall's {@code dew-point-temperature}
   */
  record DewPoint(String dewPointPoint, double marginK) implements Interlock {}

  /**
   * The flow that results from the proposed value must be at least the minimum.
   *
   * @param flowPoint the flow sensor in L/min; empty for the flow sensor of the point's node
   */
  record MinimumFlow(String flowPoint, double minFlowLpm) implements Interlock {}

  /**
   * The chiller leaving-water setpoint must stay inside its performance curve's range.
   *
   * @param minLeavingTemperatureC null when not configured
   * @param maxLeavingTemperatureC null when not configured
   */
  record ChillerCurve(Double minLeavingTemperatureC, Double maxLeavingTemperatureC)
      implements Interlock {}
}
