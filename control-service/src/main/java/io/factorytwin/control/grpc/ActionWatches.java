package io.factorytwin.control.grpc;

import io.factorytwin.control.audit.AuditEntryRecord;
import io.factorytwin.control.audit.AuditTrail;
import io.factorytwin.control.mapping.ControlMapper;
import io.factorytwin.control.model.ActionRecord;
import io.factorytwin.control.repository.ActionStore;
import io.factorytwin.control.service.Proposals;
import io.factorytwin.control.v1.Keepalive;
import io.factorytwin.control.v1.WatchActionsResponse;
import io.factorytwin.support.filter.Filter;
import io.grpc.stub.ServerCallStreamObserver;
import io.quarkus.logging.Log;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The WatchActions streams. Each stream polls the audit trail every {@value #POLL_MS} ms for
 * entries after the last sequence it sent, and sends the action of every entry whose subject is an
 * action, in audit order, so a slow client falls behind instead of losing changes. A stream that
 * sent nothing for {@value #KEEPALIVE_MS} ms sends a keepalive.
 *
 * <p>NOTE: each message carries the action as it is when the entry is read, not as it was at that
 * sequence, so a replay after a reconnect shows the latest state of older changes, and a filter on
 * {@code state} or {@code outcome} is matched against that latest state.
 */
@ApplicationScoped
public class ActionWatches {

  static final long POLL_MS = 200;
  static final long KEEPALIVE_MS = 10_000;
  private static final int BATCH = 500;

  private final AuditTrail audit;
  private final Proposals proposals;
  private final ScheduledExecutorService scheduler =
      Executors.newScheduledThreadPool(
          1, Thread.ofPlatform().name("action-watch-", 0).daemon().factory());

  ActionWatches(AuditTrail audit, Proposals proposals) {
    this.audit = audit;
    this.proposals = proposals;
  }

  /**
   * Streams the changes of the actions that match the filter after the given audit sequence, until
   * the client cancels.
   */
  void start(
      ServerCallStreamObserver<WatchActionsResponse> response, long afterSequence, Filter filter) {
    Stream stream = new Stream(response, afterSequence, filter);
    AtomicReference<ScheduledFuture<?>> task = new AtomicReference<>();
    response.setOnCancelHandler(
        () -> {
          ScheduledFuture<?> running = task.get();
          if (running != null) {
            running.cancel(false);
          }
        });
    task.set(scheduler.scheduleWithFixedDelay(stream::poll, 0, POLL_MS, TimeUnit.MILLISECONDS));
  }

  @PreDestroy
  void stop() {
    scheduler.shutdownNow();
  }

  /** One client's stream: the last sequence checked and when the last message went out. */
  private final class Stream {
    private final ServerCallStreamObserver<WatchActionsResponse> response;
    private final Filter filter;
    private long lastSequence;
    private long lastSentMs = System.currentTimeMillis();

    Stream(
        ServerCallStreamObserver<WatchActionsResponse> response,
        long afterSequence,
        Filter filter) {
      this.response = response;
      this.lastSequence = afterSequence;
      this.filter = filter;
    }

    void poll() {
      if (response.isCancelled()) {
        throw new IllegalStateException("stream cancelled");
      }
      try {
        List<AuditEntryRecord> entries = audit.page(lastSequence, BATCH);
        for (AuditEntryRecord entry : entries) {
          if (entry.subject().startsWith("actions/")) {
            ActionRecord action = proposals.find(entry.subject().substring("actions/".length()));
            if (action != null && filter.matches(field -> ActionStore.filterValue(action, field))) {
              response.onNext(
                  WatchActionsResponse.newBuilder()
                      .setSequence(entry.sequence())
                      .setAction(ControlMapper.action(action))
                      .build());
              lastSentMs = System.currentTimeMillis();
            }
          }
          lastSequence = entry.sequence();
        }
        if (System.currentTimeMillis() - lastSentMs >= KEEPALIVE_MS) {
          response.onNext(
              WatchActionsResponse.newBuilder()
                  .setSequence(lastSequence)
                  .setKeepalive(
                      Keepalive.newBuilder().setServerTime(ControlMapper.timestamp(Instant.now())))
                  .build());
          lastSentMs = System.currentTimeMillis();
        }
      } catch (RuntimeException e) {
        // The next poll tries again; a closed stream ends through its cancel handler.
        Log.warnf("WatchActions poll after sequence %d failed: %s", lastSequence, e.toString());
        if (response.isCancelled()) {
          throw e;
        }
      }
    }
  }
}
