package io.factorytwin.control.mapping;

import com.google.protobuf.ByteString;
import com.google.protobuf.FieldMask;
import com.google.protobuf.Timestamp;
import io.factorytwin.control.audit.AuditEntryRecord;
import io.factorytwin.control.audit.AuditVerifier;
import io.factorytwin.control.model.ActionRecord;
import io.factorytwin.control.model.AgentMode;
import io.factorytwin.control.model.AgentRecord;
import io.factorytwin.control.model.GuardrailRecord;
import io.factorytwin.control.model.HoldRecord;
import io.factorytwin.control.service.AgentChanges;
import io.factorytwin.control.service.Agents;
import io.factorytwin.control.service.Decisions;
import io.factorytwin.control.service.GuardrailChanges;
import io.factorytwin.control.service.Guardrails;
import io.factorytwin.control.service.Holds;
import io.factorytwin.control.v1.Action;
import io.factorytwin.control.v1.Agent;
import io.factorytwin.control.v1.AuditEntry;
import io.factorytwin.control.v1.CheckpointStatus;
import io.factorytwin.control.v1.ChillerCurveInterlock;
import io.factorytwin.control.v1.DewPointInterlock;
import io.factorytwin.control.v1.Guardrail;
import io.factorytwin.control.v1.GuardrailReference;
import io.factorytwin.control.v1.Hold;
import io.factorytwin.control.v1.Interlock;
import io.factorytwin.control.v1.MinimumFlowInterlock;
import io.factorytwin.control.v1.VerifyAuditResponse;
import io.factorytwin.control.v1.Violation;
import io.factorytwin.support.error.InvalidArgumentException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Conversions between the contract's messages and the domain records, in one place. */
public final class ControlMapper {

  private static final Set<String> AGENT_PATHS =
      Set.of("display_name", "owner", "scopes", "mode", "enabled", "lease_duration");
  private static final Set<String> GUARDRAIL_PATHS =
      Set.of(
          "point_pattern",
          "description",
          "unit",
          "min_value",
          "max_value",
          "max_rate_per_minute",
          "approval_min_value",
          "approval_max_value",
          "safe_default_value",
          "interlocks");

  private ControlMapper() {}

  public static Agent agent(AgentRecord agent) {
    Agent.Builder builder =
        Agent.newBuilder()
            .setName(agent.name())
            .setDisplayName(agent.displayName())
            .setOwner(agent.owner())
            .addAllScopes(agent.scopes())
            .setMode(mode(agent.mode()))
            .setEnabled(agent.enabled())
            .setLeaseDuration(
                com.google.protobuf.Duration.newBuilder()
                    .setSeconds(agent.leaseDuration().getSeconds())
                    .setNanos(agent.leaseDuration().getNano()))
            .setDisabledReason(agent.disabledReason())
            .setEtag(Agents.etag(agent))
            .setCreateTime(timestamp(agent.createTime()))
            .setUpdateTime(timestamp(agent.updateTime()));
    if (agent.leaseExpireTime() != null) {
      builder.setLeaseExpireTime(timestamp(agent.leaseExpireTime()));
    }
    return builder.build();
  }

  /** Reads the agent settings of RegisterAgent: every settable field. */
  public static AgentChanges agentSettings(Agent agent) {
    return new AgentChanges(
        agent.getDisplayName(),
        agent.getOwner(),
        agent.getScopesList(),
        mode(agent.getMode()),
        agent.getEnabled(),
        agent.hasLeaseDuration() ? duration(agent.getLeaseDuration()) : null);
  }

  /** Reads the fields of UpdateAgent that the mask names. */
  public static AgentChanges agentChanges(Agent agent, FieldMask mask) {
    Set<String> paths = paths(mask, AGENT_PATHS);
    return new AgentChanges(
        paths.contains("display_name") ? agent.getDisplayName() : null,
        paths.contains("owner") ? agent.getOwner() : null,
        paths.contains("scopes") ? agent.getScopesList() : null,
        paths.contains("mode") ? modeOrInvalid(agent.getMode()) : null,
        paths.contains("enabled") ? agent.getEnabled() : null,
        paths.contains("lease_duration")
            ? agent.hasLeaseDuration() ? duration(agent.getLeaseDuration()) : Duration.ofSeconds(10)
            : null);
  }

  public static Guardrail guardrail(GuardrailRecord g) {
    Guardrail.Builder builder =
        Guardrail.newBuilder()
            .setName(g.name())
            .setPointPattern(g.pointPattern())
            .setDescription(g.description())
            .setUnit(g.unit())
            .setMinValue(g.minValue())
            .setMaxValue(g.maxValue())
            .setMaxRatePerMinute(g.maxRatePerMinute())
            .setApprovalMinValue(g.approvalMinValue())
            .setApprovalMaxValue(g.approvalMaxValue())
            .setSafeDefaultValue(g.safeDefaultValue())
            .setVersion(g.version())
            .setEtag(Guardrails.etag(g))
            .setCreateTime(timestamp(g.createTime()))
            .setUpdateTime(timestamp(g.updateTime()));
    for (io.factorytwin.control.model.Interlock interlock : g.interlocks()) {
      builder.addInterlocks(interlock(interlock));
    }
    return builder.build();
  }

  /**
   * Reads the guardrail fields of CreateGuardrail. Proto3 scalars have no presence, so the required
   * numbers are taken as sent; an unset number reads as 0.
   */
  public static GuardrailChanges guardrailFields(Guardrail g) {
    return new GuardrailChanges(
        g.getPointPattern(),
        g.getDescription(),
        g.getUnit(),
        g.getMinValue(),
        g.getMaxValue(),
        g.getMaxRatePerMinute(),
        g.hasApprovalMinValue() ? g.getApprovalMinValue() : null,
        false,
        g.hasApprovalMaxValue() ? g.getApprovalMaxValue() : null,
        false,
        g.getSafeDefaultValue(),
        interlocks(g.getInterlocksList()));
  }

  /** Reads the fields of UpdateGuardrail that the mask names. */
  public static GuardrailChanges guardrailChanges(Guardrail g, FieldMask mask) {
    Set<String> paths = paths(mask, GUARDRAIL_PATHS);
    return new GuardrailChanges(
        paths.contains("point_pattern") ? g.getPointPattern() : null,
        paths.contains("description") ? g.getDescription() : null,
        paths.contains("unit") ? g.getUnit() : null,
        paths.contains("min_value") ? g.getMinValue() : null,
        paths.contains("max_value") ? g.getMaxValue() : null,
        paths.contains("max_rate_per_minute") ? g.getMaxRatePerMinute() : null,
        paths.contains("approval_min_value") && g.hasApprovalMinValue()
            ? g.getApprovalMinValue()
            : null,
        paths.contains("approval_min_value") && !g.hasApprovalMinValue(),
        paths.contains("approval_max_value") && g.hasApprovalMaxValue()
            ? g.getApprovalMaxValue()
            : null,
        paths.contains("approval_max_value") && !g.hasApprovalMaxValue(),
        paths.contains("safe_default_value") ? g.getSafeDefaultValue() : null,
        paths.contains("interlocks") ? interlocks(g.getInterlocksList()) : null);
  }

  public static Action action(ActionRecord a) {
    Action.Builder builder =
        Action.newBuilder()
            .setName(a.name())
            .setAgent("agents/" + a.agentId())
            .setPoint(a.point())
            .setRequestedValue(a.requestedValue())
            .setUnit(a.unit())
            .setRationale(a.rationale())
            .setRequestId(a.requestId())
            .setAgentMode(mode(a.agentMode()))
            .setOutcome(Action.Outcome.valueOf("OUTCOME_" + a.outcome().name()))
            .setState(Action.State.valueOf("STATE_" + a.state().name()))
            .addAllViolations(violations(a.violations()))
            .setPointVersion(a.pointVersion())
            .setSupersededBy(a.supersededBy())
            .setEtag(Decisions.etag(a))
            .setCreateTime(timestamp(a.createTime()))
            .setUpdateTime(timestamp(a.updateTime()));
    for (ActionRecord.GuardrailReference reference : a.guardrails()) {
      builder.addGuardrails(
          GuardrailReference.newBuilder()
              .setGuardrail("guardrails/" + reference.guardrailId())
              .setVersion(reference.version()));
    }
    if (a.previousValue() != null) {
      builder.setPreviousValue(a.previousValue());
    }
    if (a.appliedValue() != null) {
      builder.setAppliedValue(a.appliedValue());
    }
    if (a.agentFacilityTime() != null) {
      builder.setAgentFacilityTime(timestamp(a.agentFacilityTime()));
    }
    if (a.checkFacilityTime() != null) {
      builder.setCheckFacilityTime(timestamp(a.checkFacilityTime()));
    }
    if (a.applyTime() != null) {
      builder.setApplyTime(timestamp(a.applyTime()));
    }
    if (a.expireTime() != null) {
      builder.setExpireTime(timestamp(a.expireTime()));
    }
    if (a.decision() != null) {
      builder
          .setDecidedBy(a.decision().decidedBy())
          .setDecisionComment(a.decision().comment())
          .setDecideTime(timestamp(a.decision().decideTime()));
    }
    if (a.revert() != null) {
      builder
          .setRevertCause(Action.RevertCause.valueOf("REVERT_CAUSE_" + a.revert().cause().name()))
          .setRevertedBy(a.revert().revertedBy())
          .setRevertedValue(a.revert().value())
          .setRevertTime(timestamp(a.revert().revertTime()));
    }
    return builder.build();
  }

  public static List<Violation> violations(List<io.factorytwin.control.model.Violation> list) {
    List<Violation> result = new ArrayList<>(list.size());
    for (io.factorytwin.control.model.Violation violation : list) {
      result.add(
          Violation.newBuilder()
              .setRule(Violation.Rule.valueOf("RULE_" + violation.rule().name()))
              .setSubject(violation.subject())
              .setDescription(violation.description())
              .build());
    }
    return result;
  }

  public static Hold hold(HoldRecord h) {
    Hold.Builder builder =
        Hold.newBuilder()
            .setName(h.name())
            .setPoint(h.point())
            .setValue(h.value())
            .setUnit(h.unit())
            .setReason(h.reason())
            .setState(h.active() ? Hold.State.STATE_ACTIVE : Hold.State.STATE_RELEASED)
            .setPointVersion(h.pointVersion())
            .setCreator(h.creator())
            .setReleaser(h.releaser())
            .setEtag(Holds.etag(h))
            .setCreateTime(timestamp(h.createTime()));
    if (h.previousValue() != null) {
      builder.setPreviousValue(h.previousValue());
    }
    if (h.releaseTime() != null) {
      builder.setReleaseTime(timestamp(h.releaseTime()));
    }
    return builder.build();
  }

  public static AuditEntry auditEntry(AuditEntryRecord e) {
    AuditEntry.Builder builder =
        AuditEntry.newBuilder()
            .setName("auditEntries/" + e.sequence())
            .setSequence(e.sequence())
            .setKind(
                e.kind() == null
                    ? AuditEntry.Kind.KIND_UNSPECIFIED
                    : AuditEntry.Kind.valueOf("KIND_" + e.kind().name()))
            .setActor(e.actor())
            .setSubject(e.subject())
            .setCreateTime(timestamp(e.createTime()))
            .setPayloadJson(e.payloadJson())
            .setPreviousHash(ByteString.copyFrom(e.previousHash()))
            .setHash(ByteString.copyFrom(e.hash()));
    if (e.facilityTime() != null) {
      builder.setFacilityTime(timestamp(e.facilityTime()));
    }
    return builder.build();
  }

  public static VerifyAuditResponse verification(AuditVerifier.Result r) {
    CheckpointStatus.Builder checkpoint =
        CheckpointStatus.newBuilder()
            .setState(CheckpointStatus.State.valueOf("STATE_" + r.checkpointState().name()));
    if (r.checkpoint() != null) {
      checkpoint
          .setSequence(r.checkpoint().sequence())
          .setHash(ByteString.copyFrom(r.checkpoint().hash()))
          .setCreateTime(timestamp(r.checkpoint().createTime()));
    }
    return VerifyAuditResponse.newBuilder()
        .setValid(r.valid())
        .setCheckedEntryCount(r.checkedEntryCount())
        .setHeadSequence(r.headSequence())
        .setHeadHash(ByteString.copyFrom(r.headHash()))
        .setFirstBadSequence(r.firstBadSequence())
        .setFirstBadDescription(r.firstBadDescription())
        .setCheckpoint(checkpoint)
        .build();
  }

  public static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder()
        .setSeconds(instant.getEpochSecond())
        .setNanos(instant.getNano())
        .build();
  }

  public static Instant instant(Timestamp timestamp) {
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }

  private static Duration duration(com.google.protobuf.Duration duration) {
    return Duration.ofSeconds(duration.getSeconds(), duration.getNanos());
  }

  private static Agent.Mode mode(AgentMode mode) {
    return Agent.Mode.valueOf("MODE_" + mode.name());
  }

  /** Returns the domain mode, or null for MODE_UNSPECIFIED or an unknown value. */
  private static AgentMode mode(Agent.Mode mode) {
    return switch (mode) {
      case MODE_SHADOW -> AgentMode.SHADOW;
      case MODE_ADVISORY -> AgentMode.ADVISORY;
      case MODE_AUTONOMOUS -> AgentMode.AUTONOMOUS;
      default -> null;
    };
  }

  private static AgentMode modeOrInvalid(Agent.Mode mode) {
    AgentMode result = mode(mode);
    if (result == null) {
      throw new InvalidArgumentException(
          "agent.mode", "must be MODE_SHADOW, MODE_ADVISORY or MODE_AUTONOMOUS");
    }
    return result;
  }

  private static Interlock interlock(io.factorytwin.control.model.Interlock interlock) {
    return switch (interlock) {
      case io.factorytwin.control.model.Interlock.DewPoint dew ->
          Interlock.newBuilder()
              .setDewPoint(
                  DewPointInterlock.newBuilder()
                      .setDewPointPoint(dew.dewPointPoint())
                      .setMarginK(dew.marginK()))
              .build();
      case io.factorytwin.control.model.Interlock.MinimumFlow flow ->
          Interlock.newBuilder()
              .setMinimumFlow(
                  MinimumFlowInterlock.newBuilder()
                      .setFlowPoint(flow.flowPoint())
                      .setMinFlowLpm(flow.minFlowLpm()))
              .build();
      case io.factorytwin.control.model.Interlock.ChillerCurve curve -> {
        ChillerCurveInterlock.Builder builder = ChillerCurveInterlock.newBuilder();
        if (curve.minLeavingTemperatureC() != null) {
          builder.setMinLeavingTemperatureC(curve.minLeavingTemperatureC());
        }
        if (curve.maxLeavingTemperatureC() != null) {
          builder.setMaxLeavingTemperatureC(curve.maxLeavingTemperatureC());
        }
        yield Interlock.newBuilder().setChillerCurve(builder).build();
      }
    };
  }

  private static List<io.factorytwin.control.model.Interlock> interlocks(List<Interlock> list) {
    List<io.factorytwin.control.model.Interlock> result = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      Interlock interlock = list.get(i);
      result.add(
          switch (interlock.getCheckCase()) {
            case DEW_POINT ->
                new io.factorytwin.control.model.Interlock.DewPoint(
                    interlock.getDewPoint().getDewPointPoint(),
                    interlock.getDewPoint().hasMarginK()
                        ? interlock.getDewPoint().getMarginK()
                        : Guardrails.DEFAULT_DEW_POINT_MARGIN_K);
            case MINIMUM_FLOW ->
                new io.factorytwin.control.model.Interlock.MinimumFlow(
                    interlock.getMinimumFlow().getFlowPoint(),
                    interlock.getMinimumFlow().getMinFlowLpm());
            case CHILLER_CURVE ->
                new io.factorytwin.control.model.Interlock.ChillerCurve(
                    interlock.getChillerCurve().hasMinLeavingTemperatureC()
                        ? interlock.getChillerCurve().getMinLeavingTemperatureC()
                        : null,
                    interlock.getChillerCurve().hasMaxLeavingTemperatureC()
                        ? interlock.getChillerCurve().getMaxLeavingTemperatureC()
                        : null);
            case CHECK_NOT_SET ->
                throw new InvalidArgumentException(
                    "guardrail.interlocks[" + i + "]",
                    "required: exactly one of dew_point, minimum_flow, chiller_curve");
          });
    }
    return result;
  }

  private static Set<String> paths(FieldMask mask, Set<String> allowed) {
    if (mask == null || mask.getPathsCount() == 0) {
      throw new InvalidArgumentException("update_mask", "required: the paths to change");
    }
    for (String path : mask.getPathsList()) {
      if (!allowed.contains(path)) {
        throw new InvalidArgumentException(
            "update_mask", "path '" + path + "' is not allowed; allowed: " + allowed);
      }
    }
    return Set.copyOf(mask.getPathsList());
  }
}
