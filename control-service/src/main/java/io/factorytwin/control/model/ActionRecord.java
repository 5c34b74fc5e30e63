package io.factorytwin.control.model;

import java.time.Instant;
import java.util.List;

/**
 * One proposal of an agent and what became of it. Values are in {@code unit}; times named facility
 * are on the twin's facility clock, the others on the wall clock.
 *
 * @param id empty for a validate-only proposal, which is never stored
 * @param previousValue the setpoint before the action was applied; null unless applied
 * @param appliedValue the value written to twin-service; null unless applied
 * @param pointVersion the point's version after the write; 0 unless applied
 * @param agentFacilityTime the facility time the agent sent; recorded only, never checked
 * @param checkFacilityTime the twin's facility clock when the checks ran
 * @param decision the operator's approval or rejection; null when no operator decided
 * @param revert how the applied value was set back; null unless reverted
 * @param version raised on every state change; the etag is derived from it
 */
public record ActionRecord(
    String id,
    String agentId,
    String point,
    double requestedValue,
    String unit,
    String rationale,
    String requestId,
    AgentMode agentMode,
    ActionOutcome outcome,
    ActionState state,
    List<Violation> violations,
    List<GuardrailReference> guardrails,
    Double previousValue,
    Double appliedValue,
    long pointVersion,
    Instant agentFacilityTime,
    Instant checkFacilityTime,
    Instant applyTime,
    Instant expireTime,
    Decision decision,
    Revert revert,
    String supersededBy,
    long version,
    Instant createTime,
    Instant updateTime) {

  public String name() {
    return id.isEmpty() ? "" : "actions/" + id;
  }

  /** An operator's approval or rejection of a pending action. */
  public record Decision(String decidedBy, String comment, Instant decideTime) {}

  /**
   * The revert of an applied action.
   *
   * @param revertedBy the operator's JWT subject, or control-service for a lease expiry
   * @param value the value the revert wrote
   */
  public record Revert(RevertCause cause, String revertedBy, double value, Instant revertTime) {}

  /** Why an applied action was set back; the names match Action.RevertCause. */
  public enum RevertCause {
    OPERATOR,
    LEASE_EXPIRED,
    EMERGENCY_STOP
  }

  /** A guardrail at the version an action was checked against. */
  public record GuardrailReference(String guardrailId, long version) {}

  /** What a proposal led to when it was made; the names match Action.Outcome. */
  public enum ActionOutcome {
    APPLIED,
    RECORDED,
    PENDING_APPROVAL,
    REJECTED
  }

  /** The current state of an action; the names match Action.State. */
  public enum ActionState {
    PENDING_APPROVAL,
    APPLIED,
    RECORDED,
    REJECTED,
    EXPIRED,
    REVERTED,
    SUPERSEDED
  }
}
