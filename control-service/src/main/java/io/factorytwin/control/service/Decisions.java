package io.factorytwin.control.service;

import io.factorytwin.control.audit.AuditKind;
import io.factorytwin.control.audit.AuditTrail;
import io.factorytwin.control.model.ActionRecord;
import io.factorytwin.control.model.ActionRecord.ActionState;
import io.factorytwin.control.model.ActionRecord.RevertCause;
import io.factorytwin.control.model.GuardrailRecord;
import io.factorytwin.control.model.Violation;
import io.factorytwin.control.repository.ActionStore;
import io.factorytwin.control.repository.AgentStore;
import io.factorytwin.control.repository.HoldStore;
import io.factorytwin.control.twin.TwinGateway;
import io.factorytwin.control.twin.TwinGateway.PointInfo;
import io.factorytwin.support.error.EtagMismatchException;
import io.factorytwin.support.error.FailedPreconditionException;
import io.factorytwin.support.error.InvalidArgumentException;
import io.factorytwin.support.error.PermissionDeniedException;
import io.factorytwin.support.error.UnavailableException;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Changes of actions after the proposal: an operator's approval, rejection or revert, the emergency
 * stop, and the revert on lease expiry. Each twin write uses a request_id derived from the action
 * and the step, so a retried step repeats the same idempotent write.
 */
@ApplicationScoped
public class Decisions {

  private final ActionStore actions;
  private final AgentStore agents;
  private final HoldStore holds;
  private final Guardrails guardrails;
  private final GuardrailCheck check;
  private final Proposals proposals;
  private final TwinGateway twin;
  private final AuditTrail audit;

  Decisions(
      ActionStore actions,
      AgentStore agents,
      HoldStore holds,
      Guardrails guardrails,
      GuardrailCheck check,
      Proposals proposals,
      TwinGateway twin,
      AuditTrail audit) {
    this.actions = actions;
    this.agents = agents;
    this.holds = holds;
    this.guardrails = guardrails;
    this.check = check;
    this.proposals = proposals;
    this.twin = twin;
    this.audit = audit;
  }

  /** The result of an emergency stop. */
  public record StopResult(
      int disabledAgentCount,
      int rejectedActionCount,
      List<String> revertedActions,
      long sequence) {}

  /**
   * Approves a pending action: runs the range, rate, hold and interlock checks again and applies
   * it, or rejects it with the violations found.
   */
  public ActionRecord approve(String actionId, String etag, String comment, String operator) {
    ActionRecord action = proposals.get(actionId);
    checkDecision(action, etag, comment, operator);
    if (action.state() == ActionState.APPLIED
        && action.decision() != null
        && action.decision().decidedBy().equals(operator)) {
      return action;
    }
    requirePending(action);
    String twinName = Names.twinOf(action.point());
    PointInfo point = twin.point(action.point());
    TwinGateway.Snapshot snapshot = twin.read(twinName, List.of(action.point()));
    Instant facilityTime = snapshot.facilityTime();
    GuardrailCheck.Context context =
        new GuardrailCheck.Context(
            action.point(),
            point.node(),
            point.unit(),
            snapshot.readings().get(action.point()),
            facilityTime,
            guardrails.covering(action.point()),
            holds.active(action.point()),
            snapshot.revision(),
            snapshot.readings());
    List<Violation> violations = check.check(context, action.requestedValue());
    ActionRecord.Decision decision = new ActionRecord.Decision(operator, comment, now());
    if (!violations.isEmpty()) {
      QuarkusTransaction.requiringNew()
          .run(
              () -> {
                if (!actions.markRejected(action, violations, decision)) {
                  throw new EtagMismatchException(action.name());
                }
                audit.append(
                    AuditKind.ACTION_REJECTED,
                    operator,
                    action.name(),
                    facilityTime,
                    Map.of("recheck_violations", violations.size(), "comment", comment));
              });
      Log.infof("%s failed its re-check at approval by %s", action.name(), operator);
      return proposals.get(actionId);
    }
    TwinGateway.AppliedChange change =
        twin.apply(
            action.point(),
            action.requestedValue(),
            point.version(),
            stepId("approve", action.id()),
            facilityTime,
            action.name());
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              if (!actions.markApplied(
                  action, change.previousValue(), change.version(), change.applyTime(), decision)) {
                throw new EtagMismatchException(action.name());
              }
              audit.append(
                  AuditKind.ACTION_APPROVED,
                  operator,
                  action.name(),
                  facilityTime,
                  Map.of("applied_value", change.value(), "point_version", change.version()));
              supersede(action, operator, facilityTime);
            });
    Log.infof("%s approved by %s and applied", action.name(), operator);
    return proposals.get(actionId);
  }

  /** Rejects a pending action; an action this operator already rejected is returned unchanged. */
  public ActionRecord reject(String actionId, String etag, String comment, String operator) {
    if (comment.isBlank() || comment.length() > 2000) {
      throw new InvalidArgumentException("comment", "required: 1 to 2,000 characters");
    }
    ActionRecord action = proposals.get(actionId);
    checkDecision(action, etag, comment, operator);
    if (action.state() == ActionState.REJECTED && action.decision() != null) {
      return action;
    }
    requirePending(action);
    ActionRecord.Decision decision = new ActionRecord.Decision(operator, comment, now());
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              if (!actions.markRejected(action, List.of(), decision)) {
                throw new EtagMismatchException(action.name());
              }
              audit.append(
                  AuditKind.ACTION_REJECTED,
                  operator,
                  action.name(),
                  null,
                  Map.of("comment", comment));
            });
    Log.infof("%s rejected by %s", action.name(), operator);
    return proposals.get(actionId);
  }

  /**
   * Reverts an applied action to its previous value, or to the safe default when that value now
   * lies outside a guardrail's range. The rate-of-change limit does not apply.
   */
  public ActionRecord revert(String actionId, String etag, String comment, String operator) {
    if (comment.length() > 2000) {
      throw new InvalidArgumentException("comment", "at most 2,000 characters");
    }
    ActionRecord action = proposals.get(actionId);
    if (etag != null && !etag.isEmpty() && !etag.equals(etag(action))) {
      throw new EtagMismatchException(action.name());
    }
    if (action.state() == ActionState.REVERTED) {
      return action;
    }
    if (action.state() != ActionState.APPLIED) {
      throw illegalState(action, "APPLIED");
    }
    List<GuardrailRecord> covering = guardrails.covering(action.point());
    double target = action.previousValue();
    for (GuardrailRecord guardrail : covering) {
      if (target < guardrail.minValue() || target > guardrail.maxValue()) {
        target = safeDefault(covering, action.point());
        break;
      }
    }
    writeRevert(action, target, RevertCause.OPERATOR, operator, comment);
    return proposals.get(actionId);
  }

  /**
   * Disables every agent, rejects every pending action and returns every point whose setpoint came
   * from an applied agent action to its safe default. Held points keep their held value.
   */
  public StopResult emergencyStop(String reason, String operator) {
    if (reason.isBlank() || reason.length() > 2000) {
      throw new InvalidArgumentException("reason", "required: 1 to 2,000 characters");
    }
    String disabledReason = "emergency stop by " + operator + ": " + reason;
    int disabled =
        QuarkusTransaction.requiringNew().call(() -> agents.disableAll(disabledReason, now()));
    int rejected = 0;
    ActionRecord.Decision decision = new ActionRecord.Decision(operator, disabledReason, now());
    for (ActionRecord pending : actions.inState(ActionState.PENDING_APPROVAL, Integer.MAX_VALUE)) {
      boolean done =
          QuarkusTransaction.requiringNew()
              .call(
                  () -> {
                    if (!actions.markRejected(pending, List.of(), decision)) {
                      return false;
                    }
                    audit.append(
                        AuditKind.ACTION_REJECTED,
                        operator,
                        pending.name(),
                        null,
                        Map.of("comment", disabledReason));
                    return true;
                  });
      rejected += done ? 1 : 0;
    }
    List<String> reverted = new ArrayList<>();
    UnavailableException unreachable = null;
    for (ActionRecord applied : actions.inState(ActionState.APPLIED, Integer.MAX_VALUE)) {
      if (holds.active(applied.point()) != null) {
        continue;
      }
      try {
        double target = safeDefault(guardrails.covering(applied.point()), applied.point());
        writeRevert(applied, target, RevertCause.EMERGENCY_STOP, operator, disabledReason);
        reverted.add(applied.name());
      } catch (UnavailableException e) {
        Log.errorf("emergency stop could not revert %s: %s", applied.name(), e.getMessage());
        unreachable = e;
      }
    }
    int rejectedCount = rejected;
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("reason", reason);
    details.put("disabled_agent_count", disabled);
    details.put("rejected_action_count", rejectedCount);
    details.put("reverted_actions", reverted);
    long sequence =
        QuarkusTransaction.requiringNew()
            .call(() -> audit.append(AuditKind.EMERGENCY_STOP, operator, "agents", null, details));
    Log.warnf(
        "emergency stop by %s: %d agents disabled, %d pending actions rejected, %d reverted",
        operator, disabled, rejectedCount, reverted.size());
    if (unreachable != null) {
      throw unreachable;
    }
    return new StopResult(disabled, rejectedCount, reverted, sequence);
  }

  /**
   * Returns the setpoints of agents whose lease expired to their safe defaults, and returns how
   * many actions it reverted. Held points keep their held value.
   */
  public int revertExpiredLeases() {
    int count = 0;
    for (ActionRecord applied : actions.appliedWithExpiredLease(Instant.now(), 100)) {
      if (holds.active(applied.point()) != null) {
        continue;
      }
      double target = safeDefault(guardrails.covering(applied.point()), applied.point());
      try {
        writeRevert(
            applied,
            target,
            RevertCause.LEASE_EXPIRED,
            AuditTrail.SERVICE_ACTOR,
            "heartbeat lease of agents/" + applied.agentId() + " expired");
        count++;
      } catch (UnavailableException | EtagMismatchException e) {
        Log.warnf("lease-expiry revert of %s failed, retrying: %s", applied.name(), e.getMessage());
      }
    }
    return count;
  }

  /**
   * Moves pending actions whose approval deadline has passed to EXPIRED and returns how many it
   * moved. They were never applied, so nothing is written to the twin.
   */
  public int expirePending() {
    int count = 0;
    for (ActionRecord pending : actions.pendingPastDeadline(Instant.now(), 100)) {
      boolean expired =
          QuarkusTransaction.requiringNew()
              .call(
                  () -> {
                    if (!actions.markExpired(pending, now())) {
                      return false;
                    }
                    audit.append(
                        AuditKind.ACTION_EXPIRED,
                        AuditTrail.SERVICE_ACTOR,
                        pending.name(),
                        null,
                        Map.of("expire_time", pending.expireTime().toString()));
                    return true;
                  });
      if (expired) {
        Log.infof("%s expired without an operator's decision", pending.name());
        count++;
      }
    }
    return count;
  }

  private void writeRevert(
      ActionRecord action, double target, RevertCause cause, String actor, String comment) {
    String twinName = Names.twinOf(action.point());
    PointInfo point = twin.point(action.point());
    Instant facilityTime = twin.facilityTime(twinName);
    Instant stamp = facilityTime == null ? Instant.now() : facilityTime;
    twin.apply(
        action.point(),
        target,
        point.version(),
        stepId("revert", action.id()),
        stamp,
        action.name());
    ActionRecord.Revert revert = new ActionRecord.Revert(cause, actor, target, now());
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              if (!actions.markReverted(action, revert)) {
                throw new EtagMismatchException(action.name());
              }
              Map<String, Object> details = new LinkedHashMap<>();
              details.put("cause", cause.name());
              details.put("reverted_value", target);
              details.put("comment", comment);
              audit.append(AuditKind.ACTION_REVERTED, actor, action.name(), facilityTime, details);
              if (cause == RevertCause.LEASE_EXPIRED) {
                audit.append(
                    AuditKind.LEASE_EXPIRED,
                    actor,
                    "agents/" + action.agentId(),
                    facilityTime,
                    Map.of("reverted_action", action.name()));
              }
            });
    Log.infof("%s reverted to %s (%s) by %s", action.name(), target, cause, actor);
  }

  private void supersede(ActionRecord action, String actor, Instant facilityTime) {
    for (String older : actions.supersede(action.point(), action.id(), action.name(), now())) {
      audit.append(
          AuditKind.ACTION_SUPERSEDED,
          actor,
          "actions/" + older,
          facilityTime,
          Map.of("superseded_by", action.name()));
    }
  }

  /**
   * Returns the safe default of the matching guardrail with the longest pattern, ties going to the
   * first name in alphabetical order; covering is ordered by name.
   */
  private static double safeDefault(List<GuardrailRecord> covering, String point) {
    GuardrailRecord chosen = null;
    for (GuardrailRecord guardrail : covering) {
      if (chosen == null || guardrail.pointPattern().length() > chosen.pointPattern().length()) {
        chosen = guardrail;
      }
    }
    if (chosen == null) {
      throw new FailedPreconditionException(
          "GUARDRAIL_VIOLATED",
          List.of(
              new FailedPreconditionException.Violation(
                  "NO_GUARDRAIL",
                  point,
                  "no guardrail covers the point, so it has no safe default")));
    }
    return chosen.safeDefaultValue();
  }

  private static void checkDecision(
      ActionRecord action, String etag, String comment, String operator) {
    if (comment.length() > 2000) {
      throw new InvalidArgumentException("comment", "at most 2,000 characters");
    }
    if (operator.equals(action.agentId())) {
      throw new PermissionDeniedException(
          "SELF_APPROVAL_FORBIDDEN", "the proposing agent may not decide on " + action.name());
    }
    if (etag != null && !etag.isEmpty() && !etag.equals(etag(action))) {
      throw new EtagMismatchException(action.name());
    }
  }

  private static void requirePending(ActionRecord action) {
    if (action.state() != ActionState.PENDING_APPROVAL) {
      throw illegalState(action, "PENDING_APPROVAL");
    }
  }

  private static FailedPreconditionException illegalState(ActionRecord action, String expected) {
    return new FailedPreconditionException(
        "ILLEGAL_STATE_TRANSITION",
        List.of(
            new FailedPreconditionException.Violation(
                "ACTION_STATE",
                action.name(),
                "is " + action.state() + "; this call needs an action in state " + expected)));
  }

  /** Returns the action's etag: its version in quotes. */
  public static String etag(ActionRecord action) {
    return "\"" + action.version() + "\"";
  }

  private static String stepId(String step, String actionId) {
    return UUID.nameUUIDFromBytes((step + "\n" + actionId).getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }
}
