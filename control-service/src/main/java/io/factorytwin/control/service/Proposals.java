package io.factorytwin.control.service;

import io.factorytwin.control.audit.AuditKind;
import io.factorytwin.control.audit.AuditTrail;
import io.factorytwin.control.audit.GroupCommit;
import io.factorytwin.control.model.ActionRecord;
import io.factorytwin.control.model.ActionRecord.ActionOutcome;
import io.factorytwin.control.model.ActionRecord.ActionState;
import io.factorytwin.control.model.ActionRecord.GuardrailReference;
import io.factorytwin.control.model.AgentMode;
import io.factorytwin.control.model.AgentRecord;
import io.factorytwin.control.model.GuardrailRecord;
import io.factorytwin.control.model.Violation;
import io.factorytwin.control.repository.ActionStore;
import io.factorytwin.control.repository.AgentStore;
import io.factorytwin.control.repository.FilterSql;
import io.factorytwin.control.repository.HoldStore;
import io.factorytwin.control.repository.PointLocks;
import io.factorytwin.control.twin.TwinGateway;
import io.factorytwin.control.twin.TwinGateway.PointInfo;
import io.factorytwin.control.twin.TwinGateway.Reading;
import io.factorytwin.support.error.FailedPreconditionException;
import io.factorytwin.support.error.InvalidArgumentException;
import io.factorytwin.support.error.InvalidArgumentException.FieldViolation;
import io.factorytwin.support.error.NotFoundException;
import io.factorytwin.support.error.PermissionDeniedException;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * ProposeSetpoint: the checks in the contract's order, the decision by the agent's mode, the
 * compare-and-set write to twin-service and the stored, audited action.
 *
 * <p>An accepted autonomous proposal is written to the twin before anything is stored, and the
 * action is stored in the transaction that holds the point's lock, so an unreachable twin leaves no
 * action and no audit entry behind. The twin write's request_id and the action id are derived from
 * the agent and its request_id, so a retry after a lost response repeats the same idempotent write
 * and stores the action once.
 */
@ApplicationScoped
public class Proposals {

  static final int MAX_RATIONALE = 2000;

  private final AgentStore agents;
  private final ActionStore actions;
  private final HoldStore holds;
  private final PointLocks pointLocks;
  private final Guardrails guardrails;
  private final GuardrailCheck check;
  private final TwinGateway twin;
  private final AuditTrail audit;
  private final GroupCommit groupCommit;
  private final Duration approvalWindow;

  Proposals(
      AgentStore agents,
      ActionStore actions,
      HoldStore holds,
      PointLocks pointLocks,
      Guardrails guardrails,
      GuardrailCheck check,
      TwinGateway twin,
      AuditTrail audit,
      GroupCommit groupCommit,
      @ConfigProperty(name = "control.approval-window") Duration approvalWindow) {
    this.agents = agents;
    this.actions = actions;
    this.holds = holds;
    this.pointLocks = pointLocks;
    this.guardrails = guardrails;
    this.check = check;
    this.twin = twin;
    this.audit = audit;
    this.groupCommit = groupCommit;
    this.approvalWindow = approvalWindow;
  }

  /** Runs a proposal of the calling agent and returns its action. */
  public ProposalResult propose(String caller, ProposalRequest request) {
    String twinName = checkShape(request);
    AgentRecord agent = checkAgent(caller, request);

    if (request.validateOnly()) {
      return decide(agent, twinName, request);
    }
    // The point's row lock makes proposals for one point take turns across replicas, so each
    // checks its rate of change against the value the one before applied.
    return QuarkusTransaction.requiringNew()
        .call(
            () -> {
              pointLocks.lock(request.point());
              ActionRecord stored = actions.findByRequest(agent.id(), request.requestId());
              if (stored != null) {
                return replay(stored, request);
              }
              return decide(agent, twinName, request);
            });
  }

  /**
   * Runs the well-formedness and guardrail checks, decides by the agent's mode, applies an accepted
   * autonomous proposal to the twin and stores the action, unless the request is validate-only.
   */
  private ProposalResult decide(AgentRecord agent, String twinName, ProposalRequest request) {
    checkValue(request);
    List<GuardrailRecord> covering = guardrails.covering(request.point());
    // One read returns the point's current setpoint, the interlock inputs and the facility clock
    // together. The inputs follow from the point's metadata, cached per twin revision. When the
    // read shows another revision than the cache assumed, the metadata and the read are redone.
    String revision = twin.knownRevision(twinName);
    TwinGateway.Snapshot snapshot = null;
    PointInfo point = null;
    if (revision != null) {
      try {
        point = twin.point(request.point(), revision);
      } catch (NotFoundException e) {
        point = null;
      }
    }
    if (point != null) {
      snapshot = twin.read(twinName, readList(request.point(), point, covering, revision));
    }
    if (snapshot == null || !snapshot.revision().equals(revision)) {
      revision = twin.read(twinName, List.of(request.point())).revision();
      point = twin.point(request.point(), revision);
      snapshot = twin.read(twinName, readList(request.point(), point, covering, revision));
    }
    checkPoint(request, point);
    Instant facilityTime = snapshot.facilityTime();
    Reading current = snapshot.readings().get(request.point());
    GuardrailCheck.Context context =
        new GuardrailCheck.Context(
            request.point(),
            point.node(),
            point.unit(),
            current,
            facilityTime,
            covering,
            holds.active(request.point()),
            snapshot.revision(),
            snapshot.readings());
    List<Violation> violations = check.check(context, request.value());

    ActionOutcome outcome = decide(agent.mode(), covering, violations, request.value());
    String id = actionId(agent.id(), request.requestId());
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    List<GuardrailReference> references =
        covering.stream().map(g -> new GuardrailReference(g.id(), g.version())).toList();
    ActionRecord action =
        new ActionRecord(
            request.validateOnly() ? "" : id,
            agent.id(),
            request.point(),
            request.value(),
            point.unit(),
            request.rationale(),
            request.validateOnly() ? "" : request.requestId(),
            agent.mode(),
            outcome,
            ActionState.valueOf(outcome.name()),
            violations,
            references,
            null,
            null,
            0,
            request.agentFacilityTime(),
            facilityTime,
            null,
            outcome == ActionOutcome.PENDING_APPROVAL ? now.plus(approvalWindow) : null,
            null,
            null,
            "",
            1,
            now,
            now);
    if (request.validateOnly()) {
      return new ProposalResult(action, false);
    }

    if (outcome == ActionOutcome.APPLIED) {
      TwinGateway.AppliedChange change =
          twin.apply(
              request.point(), request.value(), current.version(), id, facilityTime, action.name());
      action =
          new ActionRecord(
              action.id(),
              action.agentId(),
              action.point(),
              action.requestedValue(),
              action.unit(),
              action.rationale(),
              action.requestId(),
              action.agentMode(),
              outcome,
              ActionState.APPLIED,
              violations,
              references,
              change.previousValue(),
              change.value(),
              change.version(),
              action.agentFacilityTime(),
              facilityTime,
              change.applyTime().truncatedTo(ChronoUnit.MICROS),
              null,
              null,
              null,
              "",
              1,
              now,
              now);
    }
    return store(action, request);
  }

  /** Rejects a request that is malformed in itself; returns the point's twin name. */
  private static String checkShape(ProposalRequest request) {
    List<FieldViolation> violations = new ArrayList<>();
    String twinName = Names.twinOf(request.point());
    if (twinName == null) {
      violations.add(new FieldViolation("point", "required: twins/{twin}/points/{point}"));
    }
    if (!request.validateOnly() && !Names.isUuid(request.requestId())) {
      violations.add(
          new FieldViolation("request_id", "required unless validate_only is set: a UUID"));
    }
    if (request.validateOnly()
        && !request.requestId().isEmpty()
        && !Names.isUuid(request.requestId())) {
      violations.add(new FieldViolation("request_id", "must be a UUID when set"));
    }
    if (request.rationale().length() > MAX_RATIONALE) {
      violations.add(new FieldViolation("rationale", "at most 2,000 characters"));
    }
    if (!violations.isEmpty()) {
      throw new InvalidArgumentException(violations);
    }
    return twinName;
  }

  /**
   * Checks the agent: registered, enabled, with a live lease, and with the point in its scopes. A
   * refusal of a registered agent is audited before the error is returned.
   */
  private AgentRecord checkAgent(String caller, ProposalRequest request) {
    AgentRecord agent = agents.find(caller);
    if (agent == null) {
      throw new PermissionDeniedException(
          "PERMISSION_DENIED",
          "no agent is registered for the caller's subject '"
              + caller
              + "'; an operator must register agents/"
              + caller);
    }
    if (!agent.enabled()) {
      refuse(agent, request, "AGENT_DISABLED");
      throw new PermissionDeniedException(
          "AGENT_DISABLED",
          agent.name()
              + " is disabled"
              + (agent.disabledReason().isEmpty() ? "" : ": " + agent.disabledReason()));
    }
    if (!agent.leaseLive(Instant.now())) {
      refuse(agent, request, "LEASE_EXPIRED");
      throw new FailedPreconditionException(
          "LEASE_EXPIRED",
          List.of(
              new FailedPreconditionException.Violation(
                  "LEASE_EXPIRED",
                  agent.name(),
                  agent.leaseExpireTime() == null
                      ? "the agent has no heartbeat lease; send a Heartbeat first"
                      : "the heartbeat lease expired at "
                          + agent.leaseExpireTime()
                          + "; send a Heartbeat first")));
    }
    boolean inScope =
        agent.scopes().stream()
            .map(PointPattern::parse)
            .anyMatch(pattern -> pattern != null && pattern.matches(request.point()));
    if (!inScope) {
      refuse(agent, request, "OUT_OF_SCOPE");
      throw new PermissionDeniedException(
          "OUT_OF_SCOPE",
          request.point() + " is outside the scopes of " + agent.name() + ": " + agent.scopes());
    }
    return agent;
  }

  /** Checks that the value is finite and names a unit, before anything is read from the twin. */
  private static void checkValue(ProposalRequest request) {
    if (!Double.isFinite(request.value())) {
      throw new InvalidArgumentException(
          "value", "must be a finite number, not " + request.value());
    }
    if (request.unit().isEmpty()) {
      throw new InvalidArgumentException("unit", "required: the point's unit, such as C or %");
    }
  }

  /** Checks that the point is a setpoint and that the request uses its unit. */
  private static void checkPoint(ProposalRequest request, PointInfo point) {
    if (!point.setpoint()) {
      throw new FailedPreconditionException(
          "POINT_KIND_MISMATCH",
          List.of(
              new FailedPreconditionException.Violation(
                  "POINT_KIND",
                  request.point(),
                  "is a sensor; agents may only propose values for setpoint points")));
    }
    if (!point.unit().equals(request.unit())) {
      throw new InvalidArgumentException(
          "unit",
          "must be the point's unit '"
              + point.unit()
              + "', not '"
              + request.unit()
              + "'; no unit conversion takes place");
    }
  }

  /** Returns the point followed by the interlock inputs its guardrails read. */
  private List<String> readList(
      String pointName, PointInfo point, List<GuardrailRecord> covering, String revision) {
    List<String> names = new ArrayList<>();
    names.add(pointName);
    names.addAll(check.inputs(pointName, point.node(), covering, revision));
    return names;
  }

  private static ActionOutcome decide(
      AgentMode mode, List<GuardrailRecord> covering, List<Violation> violations, double value) {
    if (!violations.isEmpty()) {
      return ActionOutcome.REJECTED;
    }
    return switch (mode) {
      case SHADOW -> ActionOutcome.RECORDED;
      case ADVISORY -> ActionOutcome.PENDING_APPROVAL;
      case AUTONOMOUS -> {
        boolean insideBand =
            covering.stream()
                .allMatch(g -> value >= g.approvalMinValue() && value <= g.approvalMaxValue());
        yield insideBand ? ActionOutcome.APPLIED : ActionOutcome.PENDING_APPROVAL;
      }
    };
  }

  /**
   * Stores the action and its audit entries in one transaction, superseding older actions. The
   * write joins a group commit; the caller's transaction keeps the point's lock until it has
   * committed, so the next proposal for the point sees this action.
   */
  private ProposalResult store(ActionRecord action, ProposalRequest request) {
    ProposalResult result =
        groupCommit.run(
            (connection, entries) -> {
              if (!actions.insert(connection, action)) {
                return null;
              }
              entries.append(
                  AuditKind.ACTION_PROPOSED,
                  action.agentId(),
                  action.name(),
                  action.checkFacilityTime(),
                  describe(action));
              if (action.state() == ActionState.APPLIED) {
                Instant now = action.createTime();
                for (String older :
                    actions.supersede(
                        connection, action.point(), action.id(), action.name(), now)) {
                  entries.append(
                      AuditKind.ACTION_SUPERSEDED,
                      action.agentId(),
                      "actions/" + older,
                      action.checkFacilityTime(),
                      Map.of("superseded_by", action.name()));
                }
              }
              return new ProposalResult(action, false);
            });
    if (result == null) {
      // A concurrent call with the same request_id stored its action first.
      ActionRecord earlier = actions.findByRequest(action.agentId(), action.requestId());
      return replay(earlier, request);
    }
    Log.debugf(
        "action %s: agents/%s proposed %s = %s, outcome %s",
        action.name(), action.agentId(), action.point(), action.requestedValue(), action.outcome());
    return result;
  }

  private static ProposalResult replay(ActionRecord earlier, ProposalRequest request) {
    boolean same =
        earlier.point().equals(request.point())
            && Double.compare(earlier.requestedValue(), request.value()) == 0
            && earlier.unit().equals(request.unit());
    if (!same) {
      throw new InvalidArgumentException(
          "REQUEST_ID_REUSED",
          List.of(
              new FieldViolation(
                  "request_id",
                  "was used for "
                      + earlier.name()
                      + " with other fields; use a new UUID for a new proposal")));
    }
    return new ProposalResult(earlier, true);
  }

  /** Writes a PROPOSAL_REFUSED audit entry in its own transaction. */
  private void refuse(AgentRecord agent, ProposalRequest request, String reason) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("reason", reason);
    details.put("point", request.point());
    details.put(
        "value",
        Double.isFinite(request.value()) ? request.value() : String.valueOf(request.value()));
    details.put("request_id", request.requestId());
    QuarkusTransaction.requiringNew()
        .run(
            () ->
                audit.append(AuditKind.PROPOSAL_REFUSED, agent.id(), agent.name(), null, details));
    Log.infof("rejected a proposal of %s for %s: %s", agent.name(), request.point(), reason);
  }

  /** Returns the action id of an agent's request: a name-based UUID, the same on every retry. */
  static String actionId(String agentId, String requestId) {
    return UUID.nameUUIDFromBytes(
            ("proposal\n" + agentId + "\n" + requestId).getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  static Map<String, Object> describe(ActionRecord action) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("agent", "agents/" + action.agentId());
    details.put("point", action.point());
    details.put("requested_value", action.requestedValue());
    details.put("unit", action.unit());
    details.put("rationale", action.rationale());
    details.put("request_id", action.requestId());
    details.put("agent_mode", action.agentMode().name());
    details.put("outcome", action.outcome().name());
    details.put("state", action.state().name());
    List<Object> violations = new ArrayList<>();
    for (Violation violation : action.violations()) {
      violations.add(
          Map.of(
              "rule", violation.rule().name(),
              "subject", violation.subject(),
              "description", violation.description()));
    }
    details.put("violations", violations);
    List<Object> references = new ArrayList<>();
    for (GuardrailReference reference : action.guardrails()) {
      references.add(
          Map.of(
              "guardrail",
              "guardrails/" + reference.guardrailId(),
              "version",
              reference.version()));
    }
    details.put("guardrails", references);
    details.put("previous_value", action.previousValue());
    details.put("applied_value", action.appliedValue());
    details.put("point_version", action.pointVersion());
    details.put(
        "agent_facility_time",
        action.agentFacilityTime() == null ? null : action.agentFacilityTime().toString());
    return details;
  }

  /** Returns the action; NOT_FOUND when there is none. */
  public ActionRecord get(String actionId) {
    ActionRecord action = actions.find(actionId);
    if (action == null) {
      throw new NotFoundException("actions/" + actionId);
    }
    return action;
  }

  /** Returns up to limit matching actions, newest first, after the given position (null first). */
  public List<ActionRecord> page(
      Instant beforeCreateTime, String beforeId, FilterSql filter, int limit) {
    return actions.page(beforeCreateTime, beforeId, filter, limit);
  }

  /** Returns the action, or null when there is none. */
  public ActionRecord find(String actionId) {
    return actions.find(actionId);
  }
}
