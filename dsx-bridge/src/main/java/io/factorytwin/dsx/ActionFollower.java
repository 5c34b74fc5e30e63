package io.factorytwin.dsx;

import com.google.protobuf.Timestamp;
import io.factorytwin.control.v1.Action;
import io.factorytwin.control.v1.ControlServiceGrpc;
import io.factorytwin.control.v1.WatchActionsRequest;
import io.factorytwin.control.v1.WatchActionsResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Follows control-service's WatchActions stream and hands on every setpoint value that control
 * wrote to the twin for the configured agents: the applied value of an APPLIED action and the value
 * a REVERTED action set back. A stream silent for 30 s, or one that fails, is opened again after a
 * backoff with {@code after_sequence} set to the last sequence received, so no change is skipped
 * (control_service.proto, WatchActions).
 */
final class ActionFollower implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ActionFollower.class);

  /** control_service.proto: a client that hears nothing for 30 s reconnects. */
  private static final Duration SILENCE = Duration.ofSeconds(30);

  private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

  /** Receiver of the setpoint changes and audit sequences that the follower reads. */
  interface Listener {
    /** A setpoint value that control wrote to the twin, with the audit sequence of the change. */
    void setpointWritten(String point, double value, long timeMs, long sequence);

    /**
     * Every audit sequence received, from an action or a keepalive, after {@link #setpointWritten}
     * for the same sequence.
     */
    void sequenceHandled(long sequence);

    /**
     * The resume sequence lay beyond control-service's audit trail (a restored database), so the
     * stream starts over after the newest entry.
     */
    void trailReset();
  }

  private final ManagedChannel channel;
  private final BridgeConfig config;
  private final TokenFile token;
  private final Listener listener;
  private final Thread worker;
  private volatile boolean closed;
  private volatile ClientCallStreamObserver<WatchActionsRequest> call;
  private Long afterSequence;

  /**
   * @param resumeAfter the audit sequence to resume after; empty starts after the newest entry
   */
  ActionFollower(
      ManagedChannel channel,
      BridgeConfig config,
      TokenFile token,
      Listener listener,
      OptionalLong resumeAfter) {
    this.afterSequence = resumeAfter.isPresent() ? resumeAfter.getAsLong() : null;
    this.channel = channel;
    this.config = config;
    this.token = token;
    this.listener = listener;
    this.worker = Thread.ofPlatform().name("dsx-actions").daemon().unstarted(this::run);
  }

  void start() {
    worker.start();
  }

  private void run() {
    Duration backoff = Duration.ofMillis(200);
    while (!closed) {
      BlockingQueue<Object> events = new LinkedBlockingQueue<>();
      WatchActionsRequest.Builder request = WatchActionsRequest.newBuilder();
      if (afterSequence != null) {
        request.setAfterSequence(afterSequence);
      }
      ControlServiceGrpc.newStub(channel)
          .withCallCredentials(token.credentials())
          .watchActions(
              request.build(),
              new ClientResponseObserver<WatchActionsRequest, WatchActionsResponse>() {
                @Override
                public void beforeStart(ClientCallStreamObserver<WatchActionsRequest> stream) {
                  call = stream;
                }

                @Override
                public void onNext(WatchActionsResponse response) {
                  events.add(response);
                }

                @Override
                public void onError(Throwable failure) {
                  events.add(failure);
                }

                @Override
                public void onCompleted() {
                  events.add(Status.UNAVAILABLE.withDescription("stream ended").asException());
                }
              });
      try {
        while (!closed) {
          Object event = events.poll(SILENCE.toMillis(), TimeUnit.MILLISECONDS);
          if (event == null) {
            LOG.warn("WatchActions silent for 30 s; reconnecting");
            call.cancel("silent", null);
            break;
          }
          if (event instanceof Throwable failure) {
            Status status = Status.fromThrowable(failure);
            if (status.getCode() == Status.Code.OUT_OF_RANGE) {
              // The resume point is beyond the trail (a restored database), so start at the
              // present.
              afterSequence = null;
              listener.trailReset();
            }
            if (!closed) {
              LOG.warnf(
                  "WatchActions failed with %s (%s); reconnecting in %d ms",
                  status.getCode(), status.getDescription(), backoff.toMillis());
            }
            break;
          }
          WatchActionsResponse response = (WatchActionsResponse) event;
          afterSequence = response.getSequence();
          backoff = Duration.ofMillis(200);
          if (response.hasAction()) {
            handle(response.getAction(), response.getSequence());
          }
          listener.sequenceHandled(response.getSequence());
        }
        Thread.sleep(backoff.toMillis());
        backoff =
            backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
                ? MAX_BACKOFF
                : backoff.multipliedBy(2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void handle(Action action, long sequence) {
    if (!config.agents().isEmpty() && !config.agents().contains(action.getAgent())) {
      return;
    }
    if (action.getState() == Action.State.STATE_APPLIED && action.hasAppliedValue()) {
      listener.setpointWritten(
          action.getPoint(), action.getAppliedValue(), millis(action.getApplyTime()), sequence);
    } else if (action.getState() == Action.State.STATE_REVERTED && action.hasRevertedValue()) {
      listener.setpointWritten(
          action.getPoint(), action.getRevertedValue(), millis(action.getRevertTime()), sequence);
    }
  }

  private static long millis(Timestamp time) {
    if (time.getSeconds() == 0 && time.getNanos() == 0) {
      return System.currentTimeMillis();
    }
    return time.getSeconds() * 1000 + time.getNanos() / 1_000_000;
  }

  @Override
  public void close() {
    closed = true;
    if (call != null) {
      call.cancel("bridge stops", null);
    }
    worker.interrupt();
  }
}
