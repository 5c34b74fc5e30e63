package io.factorytwin.control.service;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Returns the setpoints of agents whose heartbeat lease expired to their safe defaults. It runs
 * every {@code control.lease.check-interval} (100 ms by default), so a revert starts within that
 * interval of the expiry plus the time of the twin write. The same run moves pending actions past
 * their approval deadline to EXPIRED. Every replica runs it; a replica that loses the race for an
 * action finds it already changed.
 */
@ApplicationScoped
public class LeaseWatcher {

  /** Failures are logged at most once per this many milliseconds, because the task runs often. */
  private static final long FAILURE_LOG_INTERVAL_MS = 30_000;

  private final Decisions decisions;
  private long lastFailureLogMs;
  private int failuresSinceLog;

  LeaseWatcher(Decisions decisions) {
    this.decisions = decisions;
  }

  @Scheduled(
      every = "${control.lease.check-interval}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
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
