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
import io.factorytwin.control.model.HoldRecord;
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
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

  /** Maximum number of proposals in one BatchProposeSetpoints call, the contract's limit. */
  static final int MAX_BATCH = 500;

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
   * Runs proposals of the calling agent for several points of one twin as one atomic call: each is
   * checked and decided as {@link #propose} would decide it, the applied ones reach the twin in one
   * all-or-nothing write, and every action is stored in one group commit. Any failure leaves
   * nothing applied or stored. Returns the results in request order.
   */
  public List<ProposalResult> proposeBatch(String caller, List<ProposalRequest> requests) {
    if (requests.isEmpty() || requests.size() > MAX_BATCH) {
      throw new InvalidArgumentException(
          "requests", "must hold 1 to " + MAX_BATCH + " proposals, not " + requests.size());
    }
    String twinName = null;
    Set<String> points = new HashSet<>();
    Set<String> requestIds = new HashSet<>();
    for (int i = 0; i < requests.size(); i++) {
      ProposalRequest request = requests.get(i);
      String prefix = "requests[" + i + "].";
      if (request.validateOnly()) {
        throw new InvalidArgumentException(
            prefix + "validate_only", "must be unset in a batch; validate with ProposeSetpoint");
      }
      String twinOfPoint;
      try {
        twinOfPoint = checkShape(request);
        checkValue(request);
      } catch (InvalidArgumentException e) {
        throw e.under(prefix);
      }
      if (twinName == null) {
        twinName = twinOfPoint;
      } else if (!twinName.equals(twinOfPoint)) {
        throw new InvalidArgumentException(
            prefix + "point", "must belong to " + twinName + ", the twin of the first proposal");
      }
      if (!points.add(request.point())) {
        throw new InvalidArgumentException(
            prefix + "point", request.point() + " appears twice; send one proposal per point");
      }
      if (!requestIds.add(request.requestId())) {
        throw new InvalidArgumentException(
            prefix + "request_id", "appears twice; use one UUID per proposal");
      }
    }
    AgentRecord agent = findAgent(caller);
    for (ProposalRequest request : requests) {
      checkAgent(agent, request);
    }
    String twin = twinName;
    return QuarkusTransaction.requiringNew()
        .call(() -> decideBatch(agent, twin, requests, points, requestIds));
  }

  /** The batch's part under the points' locks: replays, checks, one twin write, one commit. */
  private List<ProposalResult> decideBatch(
      AgentRecord agent,
      String twinName,
      List<ProposalRequest> requests,
      Set<String> points,
      Set<String> requestIds) {
    pointLocks.lockAll(points);
    Map<String, ActionRecord> stored = actions.findByRequests(agent.id(), requestIds);
    ProposalResult[] results = new ProposalResult[requests.size()];
    List<Integer> fresh = new ArrayList<>();
    for (int i = 0; i < requests.size(); i++) {
      ActionRecord earlier = stored.get(requests.get(i).requestId());
      if (earlier == null) {
        fresh.add(i);
        continue;
      }
      try {
        results[i] = replay(earlier, requests.get(i));
      } catch (InvalidArgumentException e) {
        throw e.under("requests[" + i + "].");
      }
    }
    if (fresh.isEmpty()) {
      return List.of(results);
    }

    List<ProposalRequest> open = fresh.stream().map(requests::get).toList();
    List<GuardrailRecord> all = guardrails.all();
    BatchView view = readBatch(twinName, open, all, twin.knownRevision(twinName));
    Map<String, HoldRecord> held =
        holds.activeAt(open.stream().map(ProposalRequest::point).toList());
    List<ActionRecord> decided = new ArrayList<>(open.size());
    List<TwinGateway.Write> writes = new ArrayList<>();
    List<Integer> written = new ArrayList<>();
    for (int k = 0; k < open.size(); k++) {
      ProposalRequest request = open.get(k);
      ActionRecord action;
      try {
        action =
            judge(
                agent,
                request,
                view.points().get(k),
                view.covering().get(k),
                view.snapshot(),
                held.get(request.point()));
      } catch (InvalidArgumentException e) {
        throw e.under("requests[" + fresh.get(k) + "].");
      }
      decided.add(action);
      if (action.outcome() == ActionOutcome.APPLIED) {
        writes.add(
            new TwinGateway.Write(
                request.point(),
                request.value(),
                view.snapshot().readings().get(request.point()).version(),
                action.id(),
                action.checkFacilityTime(),
                action.name()));
        written.add(k);
      }
    }
    if (!writes.isEmpty()) {
      List<TwinGateway.AppliedChange> changes = twin.applyAll(twinName, writes);
      for (int w = 0; w < written.size(); w++) {
        int k = written.get(w);
        decided.set(k, applied(decided.get(k), changes.get(w)));
      }
    }
    groupCommit.run(
        (connection, entries) -> {
          int duplicate = writeAll(connection, entries, decided);
          if (duplicate >= 0) {
            // A concurrent call stored this request_id first; the whole batch rolls back.
            throw new InvalidArgumentException(
                "REQUEST_ID_REUSED",
                List.of(
                    new FieldViolation(
                        "requests[" + fresh.get(duplicate) + "].request_id",
                        "was stored by a concurrent call; send the batch again to read it")));
          }
          return null;
        });
    for (int k = 0; k < decided.size(); k++) {
      results[fresh.get(k)] = new ProposalResult(decided.get(k), false);
    }
    Log.debugf(
        "batch of agents/%s: %d proposals, %d applied", agent.id(), requests.size(), writes.size());
    return List.of(results);
  }

  /** The twin's view of a batch: each proposal's point and guardrails, and one snapshot. */
  private record BatchView(
      List<PointInfo> points,
      List<List<GuardrailRecord>> covering,
      TwinGateway.Snapshot snapshot) {}

  /**
   * Reads the points of a batch and their interlock inputs in one GetLatestValues call. Point
   * metadata comes from the cache of the given revision. When the read shows another revision, or a
   * point is missing from the cached one, the metadata and the read are redone once under the
   * revision the twin reported.
   */
  private BatchView readBatch(
      String twinName, List<ProposalRequest> open, List<GuardrailRecord> all, String revision) {
    for (int attempt = 0; ; attempt++) {
      String assumed =
          revision != null
              ? revision
              : twin.read(twinName, List.of(open.getFirst().point())).revision();
      List<PointInfo> infos = new ArrayList<>(open.size());
      List<List<GuardrailRecord>> covering = new ArrayList<>(open.size());
      Set<String> names = new LinkedHashSet<>();
      boolean missing = false;
      for (ProposalRequest request : open) {
        PointInfo info;
        try {
          info = twin.point(request.point(), assumed);
        } catch (NotFoundException e) {
          if (attempt > 0) {
            throw e;
          }
          missing = true;
          break;
        }
        List<GuardrailRecord> matching = Guardrails.covering(request.point(), all);
        infos.add(info);
        covering.add(matching);
        names.addAll(readList(request.point(), info, matching, assumed));
      }
      if (!missing) {
        TwinGateway.Snapshot snapshot = twin.read(twinName, new ArrayList<>(names));
        if (snapshot.revision().equals(assumed) || attempt > 0) {
          return new BatchView(infos, covering, snapshot);
        }
        revision = snapshot.revision();
      } else {
        revision = twin.read(twinName, List.of(open.getFirst().point())).revision();
      }
    }
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
    ActionRecord action =
        judge(agent, request, point, covering, snapshot, holds.active(request.point()));
    if (request.validateOnly()) {
      return new ProposalResult(action, false);
    }
    if (action.outcome() == ActionOutcome.APPLIED) {
      Reading current = snapshot.readings().get(request.point());
      TwinGateway.AppliedChange change =
          twin.apply(
              request.point(),
              request.value(),
              current.version(),
              action.id(),
              action.checkFacilityTime(),
              action.name());
      action = applied(action, change);
    }
    return store(action, request);
  }

  /**
   * Runs the point and guardrail checks of one proposal against a twin snapshot that holds the
   * point and its interlock inputs, and returns the action the agent's mode leads to, before any
   * twin write.
   */
  private ActionRecord judge(
      AgentRecord agent,
      ProposalRequest request,
      PointInfo point,
      List<GuardrailRecord> covering,
      TwinGateway.Snapshot snapshot,
      HoldRecord hold) {
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
            hold,
            snapshot.revision(),
            snapshot.readings());
    List<Violation> violations = check.check(context, request.value());

    ActionOutcome outcome = decide(agent.mode(), covering, violations, request.value());
    String id = actionId(agent.id(), request.requestId());
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    List<GuardrailReference> references =
        covering.stream().map(g -> new GuardrailReference(g.id(), g.version())).toList();
    return new ActionRecord(
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
  }

  /** Returns the action as APPLIED with the change the twin made. */
  private static ActionRecord applied(ActionRecord action, TwinGateway.AppliedChange change) {
    return new ActionRecord(
        action.id(),
        action.agentId(),
        action.point(),
        action.requestedValue(),
        action.unit(),
        action.rationale(),
        action.requestId(),
        action.agentMode(),
        action.outcome(),
        ActionState.APPLIED,
        action.violations(),
        action.guardrails(),
        change.previousValue(),
        change.value(),
        change.version(),
        action.agentFacilityTime(),
        action.checkFacilityTime(),
        change.applyTime().truncatedTo(ChronoUnit.MICROS),
        null,
        null,
        null,
        "",
        1,
        action.createTime(),
        action.updateTime());
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
    AgentRecord agent = findAgent(caller);
    checkAgent(agent, request);
    return agent;
  }

  /** Returns the caller's agent; PERMISSION_DENIED when none is registered for the subject. */
  private AgentRecord findAgent(String caller) {
    AgentRecord agent = agents.find(caller);
    if (agent == null) {
      throw new PermissionDeniedException(
          "PERMISSION_DENIED",
          "no agent is registered for the caller's subject '"
              + caller
              + "'; an operator must register agents/"
              + caller);
    }
    return agent;
  }

  /** Checks an agent against one proposal, auditing a rejection as {@link #checkAgent} does. */
  private void checkAgent(AgentRecord agent, ProposalRequest request) {
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
            (connection, entries) ->
                // With one action nothing is inserted when its request_id is already stored, so
                // the other works of the group commit may go on.
                writeAll(connection, entries, List.of(action)) < 0
                    ? new ProposalResult(action, false)
                    : null);
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

  /**
   * Inserts actions with their audit entries on the group commit's connection and supersedes the
   * older applied actions of their points, with a few statements for the whole batch. The points'
   * applied actions are locked and read before the new ones are inserted, so the read needs no
   * exclusion of them. The audit entries come in order: each proposal, then the actions it
   * supersedes. Returns -1 when all were written. Otherwise it returns the index of an action whose
   * request_id was already stored, and the caller must roll back the actions inserted before it.
   */
  private int writeAll(Connection connection, AuditTrail.Batch entries, List<ActionRecord> batch)
      throws SQLException {
    List<String> appliedPoints =
        batch.stream()
            .filter(action -> action.state() == ActionState.APPLIED)
            .map(ActionRecord::point)
            .toList();
    Map<String, List<String>> older = actions.appliedOn(connection, appliedPoints);
    int stored = actions.insertAll(connection, batch);
    if (stored >= 0) {
      return stored;
    }
    List<ActionStore.Superseded> superseded = new ArrayList<>();
    for (ActionRecord action : batch) {
      entries.append(
          AuditKind.ACTION_PROPOSED,
          action.agentId(),
          action.name(),
          action.checkFacilityTime(),
          describe(action));
      if (action.state() != ActionState.APPLIED) {
        continue;
      }
      for (String id : older.getOrDefault(action.point(), List.of())) {
        superseded.add(new ActionStore.Superseded(id, action.name(), action.createTime()));
        entries.append(
            AuditKind.ACTION_SUPERSEDED,
            action.agentId(),
            "actions/" + id,
            action.checkFacilityTime(),
            Map.of("superseded_by", action.name()));
      }
    }
    actions.supersedeAll(connection, superseded);
    return -1;
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
