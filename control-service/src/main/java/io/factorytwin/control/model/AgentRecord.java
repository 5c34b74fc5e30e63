package io.factorytwin.control.model;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A registered agent.
 *
 * @param id the agent id, equal to the JWT subject it authenticates with
 * @param scopes point-name patterns of the setpoints it may propose
 * @param leaseExpireTime when the current heartbeat lease ends (wall clock); null before the first
 *     heartbeat
 * @param version raised on every settings change; heartbeats leave it alone
 */
public record AgentRecord(
    String id,
    String displayName,
    String owner,
    List<String> scopes,
    AgentMode mode,
    boolean enabled,
    Duration leaseDuration,
    Instant leaseExpireTime,
    String disabledReason,
    long version,
    Instant createTime,
    Instant updateTime) {

  public String name() {
    return "agents/" + id;
  }

  /** Returns whether the lease runs at the given wall-clock time. */
  public boolean leaseLive(Instant now) {
    return leaseExpireTime != null && leaseExpireTime.isAfter(now);
  }
}
