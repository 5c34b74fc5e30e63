package io.factorytwin.control.service;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Returns the setpoints of agents whose heartbeat lease expired to their safe defaults. It runs
 * every {@code control.lease.check-interval} (100 ms by default) after the previous run ends, so a
 * revert starts within that interval of the expiry plus the time of the twin write. The same run
 * moves pending actions past their approval deadline to EXPIRED. Every replica runs it; a replica
 * that loses the race for an action finds it already changed.
 *
 * <p>It has its own timer thread rather than {@code @Scheduled}: Quarkus's built-in scheduler looks
 * at its triggers once a second, which would let a revert start up to a second after the expiry.
 */
@ApplicationScoped
public class LeaseWatcher {

  /** Failures are logged at most once per this many milliseconds, because the task runs often. */
  private static final long FAILURE_LOG_INTERVAL_MS = 30_000;

  private final Decisions decisions;
  private final long intervalMs;
  private ScheduledExecutorService timer;
  private long lastFailureLogMs;
  private int failuresSinceLog;

  LeaseWatcher(
      Decisions decisions,
      @ConfigProperty(name = "control.lease.check-interval") Duration interval) {
    this.decisions = decisions;
    this.intervalMs = Math.max(10, interval.toMillis());
  }

  void start(@Observes StartupEvent event) {
    timer =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("control-lease-watcher").daemon().factory());
    timer.scheduleWithFixedDelay(
        this::revertExpired, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
  }

  void stop(@Observes ShutdownEvent event) {
    if (timer != null) {
      timer.shutdownNow();
    }
  }

  /** One run; a failure is logged and the next run tries again, so the timer never stops. */
  void revertExpired() {
    try {
      int reverted = decisions.revertExpiredLeases();
      decisions.expirePending();
      if (reverted > 0) {
        Log.infof("reverted %d actions of agents whose lease expired", reverted);
      }
    } catch (RuntimeException e) {
      failuresSinceLog++;
      long now = System.currentTimeMillis();
      if (now - lastFailureLogMs >= FAILURE_LOG_INTERVAL_MS) {
        Log.errorf(
            e,
            "reverting the actions of expired leases failed %d times; retrying every run",
            failuresSinceLog);
        lastFailureLogMs = now;
        failuresSinceLog = 0;
      }
    }
  }
}
