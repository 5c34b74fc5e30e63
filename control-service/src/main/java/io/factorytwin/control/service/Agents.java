package io.factorytwin.control.service;

import io.factorytwin.control.audit.AuditKind;
import io.factorytwin.control.audit.AuditTrail;
import io.factorytwin.control.model.AgentRecord;
import io.factorytwin.control.repository.AgentStore;
import io.factorytwin.control.repository.FilterSql;
import io.factorytwin.control.repository.RequestStore;
import io.factorytwin.support.error.EtagMismatchException;
import io.factorytwin.support.error.InvalidArgumentException;
import io.factorytwin.support.error.InvalidArgumentException.FieldViolation;
import io.factorytwin.support.error.NotFoundException;
import io.factorytwin.support.error.PermissionDeniedException;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Registration, settings and heartbeat leases of agents. Every settings change is audited. */
@ApplicationScoped
public class Agents {

  static final Duration DEFAULT_LEASE = Duration.ofSeconds(10);
  static final Duration MIN_LEASE = Duration.ofSeconds(1);
  static final Duration MAX_LEASE = Duration.ofSeconds(300);

  private final AgentStore store;
  private final RequestStore requests;
  private final AuditTrail audit;

  Agents(AgentStore store, RequestStore requests, AuditTrail audit) {
    this.store = store;
    this.requests = requests;
    this.audit = audit;
  }

  /** Registers an agent and returns it. */
  @Transactional
  public AgentRecord register(
      String agentId, AgentChanges settings, String operator, String requestId) {
    String earlier = Requests.earlier(requests, operator, "RegisterAgent", requestId);
    if (earlier != null) {
      return get(earlier.substring("agents/".length()));
    }
    List<FieldViolation> violations = new ArrayList<>();
    if (agentId == null || !Names.ID.matcher(agentId).matches()) {
      violations.add(
          new FieldViolation(
              "agent_id", "required: 1 to 63 lower-case letters, digits and hyphens"));
    }
    Duration lease = settings.leaseDuration() == null ? DEFAULT_LEASE : settings.leaseDuration();
    Instant now = now();
    AgentRecord candidate =
        new AgentRecord(
            agentId,
            settings.displayName() == null ? "" : settings.displayName(),
            settings.owner() == null ? "" : settings.owner(),
            settings.scopes() == null ? List.of() : List.copyOf(settings.scopes()),
            settings.mode(),
            Boolean.TRUE.equals(settings.enabled()),
            lease,
            null,
            "",
            1,
            now,
            now);
    violations.addAll(validate(candidate, "agent."));
    if (!violations.isEmpty()) {
      throw new InvalidArgumentException(violations);
    }
    store.insert(candidate);
    if (!requestId.isEmpty()) {
      requests.insert(operator, "RegisterAgent", requestId, candidate.name());
    }
    audit.append(AuditKind.AGENT_REGISTERED, operator, candidate.name(), null, describe(candidate));
    Log.infof("agent %s registered by %s", candidate.name(), operator);
    return candidate;
  }

  /** Returns the agent; NOT_FOUND when there is none. */
  public AgentRecord get(String agentId) {
    AgentRecord agent = store.find(agentId);
    if (agent == null) {
      throw new NotFoundException("agents/" + agentId);
    }
    return agent;
  }

  /** Returns one page of the agents that match the filter, ordered by id. */
  public List<AgentRecord> page(String afterId, FilterSql filter, int limit) {
    return store.page(afterId, filter, limit);
  }

  /** Changes the agent's settings; a disabled agent is refused on its next call. */
  @Transactional
  public AgentRecord update(String agentId, String etag, AgentChanges changes, String operator) {
    AgentRecord current = get(agentId);
    if (etag != null && !etag.isEmpty() && !etag.equals(etag(current))) {
      throw new EtagMismatchException(current.name());
    }
    boolean enabled = changes.enabled() == null ? current.enabled() : changes.enabled();
    String disabledReason =
        enabled ? "" : current.enabled() ? "disabled by " + operator : current.disabledReason();
    AgentRecord updated =
        new AgentRecord(
            current.id(),
            changes.displayName() == null ? current.displayName() : changes.displayName(),
            changes.owner() == null ? current.owner() : changes.owner(),
            changes.scopes() == null ? current.scopes() : List.copyOf(changes.scopes()),
            changes.mode() == null ? current.mode() : changes.mode(),
            enabled,
            changes.leaseDuration() == null ? current.leaseDuration() : changes.leaseDuration(),
            current.leaseExpireTime(),
            disabledReason,
            current.version() + 1,
            current.createTime(),
            now());
    List<FieldViolation> violations = validate(updated, "agent.");
    if (!violations.isEmpty()) {
      throw new InvalidArgumentException(violations);
    }
    if (!store.update(updated, current.version())) {
      throw new EtagMismatchException(current.name());
    }
    audit.append(AuditKind.AGENT_UPDATED, operator, updated.name(), null, describe(updated));
    Log.infof(
        "agent %s updated by %s (enabled %s, mode %s)",
        updated.name(), operator, enabled, updated.mode());
    return updated;
  }

  /**
   * Renews the calling agent's lease and returns the agent with its new expiry. The caller must be
   * the agent itself, registered and enabled.
   */
  @Transactional
  public AgentRecord heartbeat(String agentId, String caller) {
    if (!agentId.equals(caller)) {
      throw new PermissionDeniedException(
          "PERMISSION_DENIED", "an agent may only renew its own lease, agents/" + caller);
    }
    AgentRecord agent = get(agentId);
    if (!agent.enabled()) {
      throw new PermissionDeniedException(
          "AGENT_DISABLED", agent.name() + " is disabled: " + agent.disabledReason());
    }
    Instant expire = Instant.now().plus(agent.leaseDuration()).truncatedTo(ChronoUnit.MICROS);
    if (!store.renewLease(agentId, expire)) {
      throw new PermissionDeniedException(
          "AGENT_DISABLED", agent.name() + " was disabled during the heartbeat");
    }
    return new AgentRecord(
        agent.id(),
        agent.displayName(),
        agent.owner(),
        agent.scopes(),
        agent.mode(),
        agent.enabled(),
        agent.leaseDuration(),
        expire,
        agent.disabledReason(),
        agent.version(),
        agent.createTime(),
        agent.updateTime());
  }

  /** Returns the agent's etag: its settings version in quotes. */
  public static String etag(AgentRecord agent) {
    return "\"" + agent.version() + "\"";
  }

  private static List<FieldViolation> validate(AgentRecord agent, String prefix) {
    List<FieldViolation> violations = new ArrayList<>();
    if (agent.displayName().length() > 200) {
      violations.add(new FieldViolation(prefix + "display_name", "at most 200 characters"));
    }
    if (agent.owner().isBlank() || agent.owner().length() > 200) {
      violations.add(new FieldViolation(prefix + "owner", "required: 1 to 200 characters"));
    }
    if (agent.scopes().isEmpty() || agent.scopes().size() > 100) {
      violations.add(
          new FieldViolation(prefix + "scopes", "required: 1 to 100 point-name patterns"));
    }
    for (int i = 0; i < agent.scopes().size(); i++) {
      if (PointPattern.parse(agent.scopes().get(i)) == null) {
        violations.add(
            new FieldViolation(
                prefix + "scopes[" + i + "]",
                "must be a point-name pattern such as twins/site-1/points/hall-1.cdu-*.pump-speed-sp"));
      }
    }
    if (agent.mode() == null) {
      violations.add(
          new FieldViolation(
              prefix + "mode", "required: MODE_SHADOW, MODE_ADVISORY or MODE_AUTONOMOUS"));
    }
    if (agent.leaseDuration().compareTo(MIN_LEASE) < 0
        || agent.leaseDuration().compareTo(MAX_LEASE) > 0) {
      violations.add(
          new FieldViolation(prefix + "lease_duration", "must lie between 1 s and 300 s"));
    }
    return violations;
  }

  private static Map<String, Object> describe(AgentRecord agent) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("display_name", agent.displayName());
    details.put("owner", agent.owner());
    details.put("scopes", agent.scopes());
    details.put("mode", agent.mode().name());
    details.put("enabled", agent.enabled());
    details.put("lease_duration_ms", agent.leaseDuration().toMillis());
    details.put("disabled_reason", agent.disabledReason());
    details.put("version", agent.version());
    return details;
  }

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }
}
