package io.factorytwin.twin.service;

import io.factorytwin.support.error.UnavailableException;
import io.factorytwin.support.instance.InstanceRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * The lease that makes this replica the owner of the twins' live state. The holder renews it every
 * third of its duration; another replica takes it once it has lapsed, so an owner that dies is
 * replaced within two lease durations. A replica without the lease reports not ready, so Kubernetes
 * sends it no traffic, and answers live-state calls with UNAVAILABLE (NOT_TWIN_OWNER).
 *
 * <p>Expiry times come from the replicas' clocks, which must agree within a fraction of the lease
 * duration (NTP does this on Kubernetes nodes).
 */
@ApplicationScoped
public class TwinLease {

  static final String SHARD = "all";

  private final DataSource dataSource;
  private final InstanceRegistry instance;
  private final LiveStates states;
  private final long durationMs;
  private ScheduledExecutorService timer;
  private volatile boolean owner;

  TwinLease(
      DataSource dataSource,
      InstanceRegistry instance,
      LiveStates states,
      @ConfigProperty(name = "twin.lease.duration") Duration duration) {
    this.dataSource = dataSource;
    this.instance = instance;
    this.states = states;
    this.durationMs = duration.toMillis();
  }

  void start(@Observes StartupEvent event) {
    timer =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("twin-lease").daemon().factory());
    timer.scheduleWithFixedDelay(
        this::renew, 0, Math.max(100, durationMs / 3), TimeUnit.MILLISECONDS);
  }

  void stop(@Observes ShutdownEvent event) {
    if (timer != null) {
      timer.shutdownNow();
    }
    if (owner) {
      // Hand the lease back, so a standby takes over at once instead of after it lapses.
      try (Connection connection = dataSource.getConnection();
          PreparedStatement release =
              connection.prepareStatement(
                  "UPDATE twin_lease SET expires_at = 0 WHERE shard = ? AND owner = ?")) {
        release.setString(1, SHARD);
        release.setString(2, instance.id().toString());
        release.executeUpdate();
      } catch (SQLException e) {
        Log.warnf("could not hand back the twin lease: %s", e.toString());
      }
    }
  }

  /** True while this replica holds the lease. */
  public boolean owner() {
    return owner;
  }

  /** Fails with UNAVAILABLE (NOT_TWIN_OWNER) unless this replica holds the lease. */
  public void requireOwner() {
    if (!owner) {
      throw new UnavailableException(
          "NOT_TWIN_OWNER",
          "twin-service",
          "this replica does not own the twins' live state; retry, the call will reach the owner");
    }
  }

  /** Takes or renews the lease; one pass of the timer, also called by tests. */
  public synchronized void renew() {
    long now = System.currentTimeMillis();
    boolean held;
    try (Connection connection = dataSource.getConnection();
        PreparedStatement update =
            connection.prepareStatement(
                "UPDATE twin_lease SET owner = ?, expires_at = ?,"
                    + " epoch = CASE WHEN owner = ? THEN epoch ELSE epoch + 1 END"
                    + " WHERE shard = ? AND (owner = ? OR expires_at < ?)")) {
      String me = instance.id().toString();
      update.setString(1, me);
      update.setLong(2, now + durationMs);
      update.setString(3, me);
      update.setString(4, SHARD);
      update.setString(5, me);
      update.setLong(6, now);
      held = update.executeUpdate() == 1;
    } catch (SQLException | RuntimeException e) {
      Log.warnf("renewing the twin lease failed: %s", e.toString());
      held = false;
    }
    if (held && !owner) {
      Log.infof("this replica now owns the twins' live state");
      states.clear();
    } else if (!held && owner) {
      Log.warnf("this replica lost the twin lease; its live state is dropped");
      states.clear();
    }
    owner = held;
  }

  /** Readiness follows the lease: a standby reports DOWN, so Kubernetes sends it no traffic. */
  @ApplicationScoped
  @Readiness
  static class Check implements HealthCheck {

    private final TwinLease lease;

    Check(TwinLease lease) {
      this.lease = lease;
    }

    @Override
    public HealthCheckResponse call() {
      return HealthCheckResponse.named("twin-lease")
          .status(lease.owner())
          .withData("shard", SHARD)
          .build();
    }
  }
}
