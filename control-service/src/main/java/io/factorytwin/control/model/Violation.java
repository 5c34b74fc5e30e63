package io.factorytwin.control.model;

/**
 * One rule a proposal violated.
 *
 * @param subject the guardrail, hold or other point the rule concerns
 * @param description a sentence with the values and the limit
 */
public record Violation(Rule rule, String subject, String description) {

  /** The rules in the order they run; the names match Violation.Rule in the contract. */
  public enum Rule {
    NO_GUARDRAIL,
    POINT_HELD,
    BELOW_MIN,
    ABOVE_MAX,
    RATE_OF_CHANGE,
    DEW_POINT_INTERLOCK,
    MINIMUM_FLOW_INTERLOCK,
    CHILLER_CURVE_INTERLOCK
  }
}
