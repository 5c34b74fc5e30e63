package io.factorytwin.simulation.grpc;

import io.factorytwin.simulation.jobs.JobRecord;
import io.factorytwin.simulation.jobs.JobStore;
import io.factorytwin.simulation.mapping.JobMapper;
import io.factorytwin.simulation.v1.Keepalive;
import io.factorytwin.simulation.v1.WatchJobResponse;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.quarkus.logging.Log;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The WatchJob streams. Each stream reads its job every poll interval and sends the whole job when
 * its version, which is the stream's sequence, has grown since the last message. Progress reports
 * that fall between two polls are skipped, as the contract allows, but the newest state always goes
 * out, and the stream ends after the message that carries a terminal state. A stream that sent
 * nothing for the keepalive interval sends a keepalive with the last sequence.
 */
@ApplicationScoped
public class JobWatches {

  private final JobStore store;
  private final Duration pollInterval;
  private final Duration keepaliveInterval;
  private final ScheduledExecutorService scheduler =
      Executors.newScheduledThreadPool(
          1, Thread.ofPlatform().name("job-watch-", 0).daemon().factory());

  JobWatches(
      JobStore store,
      @ConfigProperty(name = "simulation.jobs.watch-poll-interval") Duration pollInterval,
      @ConfigProperty(name = "simulation.jobs.watch-keepalive") Duration keepaliveInterval) {
    this.store = store;
    this.pollInterval = pollInterval;
    this.keepaliveInterval = keepaliveInterval;
  }

  /** Streams the changes of the job after the given sequence until it ends or the client goes. */
  void start(ServerCallStreamObserver<WatchJobResponse> response, String id, long afterSequence) {
    Stream stream = new Stream(response, id, afterSequence);
    AtomicReference<ScheduledFuture<?>> task = new AtomicReference<>();
    stream.task = task;
    response.setOnCancelHandler(stream::cancel);
    task.set(
        scheduler.scheduleWithFixedDelay(
            stream::poll, 0, pollInterval.toMillis(), TimeUnit.MILLISECONDS));
  }

  @PreDestroy
  void stop() {
    scheduler.shutdownNow();
  }

  /** One client's stream: the last sequence sent and when the last message went out. */
  private final class Stream {
    private final ServerCallStreamObserver<WatchJobResponse> response;
    private final String id;
    private long lastSequence;
    private long lastSentNanos = System.nanoTime();
    private boolean ended;
    private AtomicReference<ScheduledFuture<?>> task;

    Stream(ServerCallStreamObserver<WatchJobResponse> response, String id, long afterSequence) {
      this.response = response;
      this.id = id;
      this.lastSequence = afterSequence;
    }

    synchronized void cancel() {
      ended = true;
      ScheduledFuture<?> running = task.get();
      if (running != null) {
        running.cancel(false);
      }
    }

    synchronized void poll() {
      if (ended) {
        cancel();
        return;
      }
      try {
        JobRecord job = store.find(id);
        if (job == null) {
          // Jobs are never deleted, so this is a job the WatchJob call found a moment ago.
          end(Status.NOT_FOUND.withDescription("jobs/" + id + " not found"));
          return;
        }
        if (job.version() > lastSequence) {
          response.onNext(
              WatchJobResponse.newBuilder()
                  .setSequence(job.version())
                  .setJob(JobMapper.toProto(job))
                  .build());
          lastSequence = job.version();
          lastSentNanos = System.nanoTime();
        }
        if (job.state().isTerminal()) {
          ended = true;
          response.onCompleted();
          cancel();
          return;
        }
        if (System.nanoTime() - lastSentNanos >= keepaliveInterval.toNanos()) {
          response.onNext(
              WatchJobResponse.newBuilder()
                  .setSequence(lastSequence)
                  .setKeepalive(
                      Keepalive.newBuilder().setServerTime(JobMapper.timestamp(Instant.now())))
                  .build());
          lastSentNanos = System.nanoTime();
        }
      } catch (RuntimeException e) {
        // The next poll tries again; a closed stream ends through its cancel handler.
        Log.warnf(
            "WatchJob poll of jobs/%s after sequence %d failed: %s",
            id, lastSequence, e.toString());
        if (response.isCancelled()) {
          cancel();
        }
      }
    }

    private void end(Status status) {
      ended = true;
      response.onError(status.asRuntimeException());
      cancel();
    }
  }
}
