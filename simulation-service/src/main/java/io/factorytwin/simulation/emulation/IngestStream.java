package io.factorytwin.simulation.emulation;

import io.factorytwin.twin.v1.BatchAck;
import io.factorytwin.twin.v1.IngestHeader;
import io.factorytwin.twin.v1.IngestRejectReason;
import io.factorytwin.twin.v1.IngestRequest;
import io.factorytwin.twin.v1.IngestResponse;
import io.factorytwin.twin.v1.PointRegistration;
import io.factorytwin.twin.v1.RegisterPoints;
import io.factorytwin.twin.v1.RegisterPointsAck;
import io.factorytwin.twin.v1.RejectCount;
import io.factorytwin.twin.v1.TelemetryBatch;
import io.factorytwin.twin.v1.TwinServiceGrpc;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quarkus.logging.Log;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One producer's Ingest stream into a twin, as a BMS gateway uses it: a header, one registration of
 * every point under the handle of its index, then telemetry batches. At most {@code window} batches
 * are in flight; {@link #send} blocks on the oldest acknowledgement when the window is full, so a
 * twin slower than the emulator slows the emulator.
 *
 * <p>Every wait has a deadline: an acknowledgement that does not come within {@code ackTimeout}
 * counts as an unreachable twin, and each stream carries a gRPC deadline of {@code lifetime}. A
 * stream nearer than {@link #RENEW_MARGIN} to its deadline is drained and replaced before the next
 * batch. After a failure, {@link #reopen} registers the points again and resends the batches that
 * were not acknowledged, as the Ingest contract requires; twin-service rejects the samples it
 * already had as duplicates or out of order, and those are counted apart, not as rejected.
 *
 * <p>Not thread-safe: one thread sends, and the gRPC threads only queue responses.
 */
final class IngestStream {

  /** How long before its deadline a stream is replaced. */
  static final Duration RENEW_MARGIN = Duration.ofSeconds(30);

  /** Thrown when twin-service cannot take telemetry now: unreachable, timed out or restarting. */
  static final class TwinUnreachableException extends RuntimeException {
    TwinUnreachableException(String message) {
      super(message, null, false, false);
    }
  }

  /** Thrown when twin-service rejects the stream for a reason a retry cannot fix. */
  static final class IngestRejectedException extends RuntimeException {
    final Status status;

    IngestRejectedException(Status status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }

  /** Batches with rejected samples between two log lines. */
  private static final int REJECT_LOG_EVERY = 100;

  /** End of the response stream without an error. */
  private static final Object COMPLETED = new Object();

  private final Supplier<TwinServiceGrpc.TwinServiceStub> stubs;
  private final String twin;
  private final String source;
  private final List<String> pointIds;
  private final Duration ackTimeout;
  private final Duration lifetime;
  private final int window;

  private final ArrayDeque<TelemetryBatch> pending = new ArrayDeque<>();
  private final Set<Long> resent = new HashSet<>();
  private StreamObserver<IngestRequest> requests;
  private LinkedBlockingQueue<Object> responses;
  private long openedNanos;
  private long registrationSequence;

  private long accepted;
  private long rejected;
  private long duplicatesOnResend;
  private long rejectedBatches;
  private int registrationsRejected;

  /**
   * @param stubs returns a stub with the telemetry-writer credentials; called on every open
   * @param twin the twin, {@code twins/{twin}}
   * @param source producer name sent in the header
   * @param pointIds point ids; a batch's handle k is {@code pointIds.get(k)}
   * @param ackTimeout longest wait for one acknowledgement
   * @param lifetime gRPC deadline of one stream
   * @param window batches in flight before {@link #send} waits
   */
  IngestStream(
      Supplier<TwinServiceGrpc.TwinServiceStub> stubs,
      String twin,
      String source,
      List<String> pointIds,
      Duration ackTimeout,
      Duration lifetime,
      int window) {
    if (lifetime.compareTo(RENEW_MARGIN.multipliedBy(2)) < 0) {
      throw new IllegalArgumentException(
          "stream lifetime must be at least " + RENEW_MARGIN.multipliedBy(2));
    }
    this.stubs = stubs;
    this.twin = twin;
    this.source = source;
    this.pointIds = List.copyOf(pointIds);
    this.ackTimeout = ackTimeout;
    this.lifetime = lifetime;
    this.window = Math.max(1, window);
  }

  /**
   * Sends one batch, opening the stream first when none is open.
   *
   * @throws TwinUnreachableException when the stream fails or an acknowledgement times out; the
   *     batch stays pending, and {@link #reopen} resends it
   * @throws IngestRejectedException when twin-service rejects the stream, such as for a missing
   *     twin or a token without the telemetry-writer role
   */
  void send(TelemetryBatch batch) {
    if (requests != null
        && System.nanoTime() - openedNanos > lifetime.minus(RENEW_MARGIN).toNanos()) {
      drain();
      requests.onCompleted();
      requests = null;
    }
    pending.addLast(batch);
    if (requests == null) {
      open(pending.size() - 1);
    } else {
      requests.onNext(IngestRequest.newBuilder().setBatch(batch).build());
    }
    while (pending.size() > window) {
      awaitBatchAck();
    }
  }

  /** Waits until every sent batch is acknowledged. */
  void drain() {
    if (requests == null && !pending.isEmpty()) {
      reopen();
    }
    while (!pending.isEmpty()) {
      awaitBatchAck();
    }
  }

  /**
   * Opens a new stream, registers the points, and resends every batch not yet acknowledged.
   *
   * @throws TwinUnreachableException or IngestRejectedException as {@link #send}
   */
  void reopen() {
    open(pending.size());
  }

  /** Opens a stream and sends every pending batch; the first {@code resends} were sent before. */
  private void open(int resends) {
    abandon();
    LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    responses = queue;
    requests =
        stubs
            .get()
            .withDeadlineAfter(lifetime.toMillis(), TimeUnit.MILLISECONDS)
            .ingest(
                new StreamObserver<>() {
                  @Override
                  public void onNext(IngestResponse response) {
                    queue.add(response);
                  }

                  @Override
                  public void onError(Throwable failure) {
                    queue.add(failure);
                  }

                  @Override
                  public void onCompleted() {
                    queue.add(COMPLETED);
                  }
                });
    openedNanos = System.nanoTime();
    requests.onNext(
        IngestRequest.newBuilder()
            .setHeader(IngestHeader.newBuilder().setTwin(twin).setSource(source))
            .build());
    RegisterPoints.Builder register =
        RegisterPoints.newBuilder().setSequence(++registrationSequence);
    for (int k = 0; k < pointIds.size(); k++) {
      register.addRegistrations(
          PointRegistration.newBuilder().setHandle(k).setPointId(pointIds.get(k)));
    }
    requests.onNext(IngestRequest.newBuilder().setRegisterPoints(register).build());
    RegisterPointsAck ack = awaitRegistrationAck();
    if (ack.getRejectedCount() > 0 && registrationsRejected == 0) {
      Log.warnf(
          "twin-service rejected %d of %d point registrations for %s, the first: %s",
          ack.getRejectedCount(), pointIds.size(), twin, ack.getRejected(0));
    }
    registrationsRejected = ack.getRejectedCount();
    int k = 0;
    for (TelemetryBatch batch : pending) {
      if (k++ < resends) {
        resent.add(batch.getSequence());
      }
      requests.onNext(IngestRequest.newBuilder().setBatch(batch).build());
    }
  }

  /** Cancels the open stream, if any, without waiting. */
  void abandon() {
    if (requests != null) {
      try {
        requests.onError(
            Status.CANCELLED.withDescription("the emulator reconnects").asRuntimeException());
      } catch (RuntimeException e) {
        // The call has already ended.
      }
      requests = null;
    }
  }

  /** Half-closes the stream after waiting for every acknowledgement. */
  void close() {
    drain();
    if (requests != null) {
      requests.onCompleted();
      requests = null;
    }
  }

  /** Samples twin-service accepted. */
  long accepted() {
    return accepted;
  }

  /** Samples twin-service rejected, without resent samples it already had. */
  long rejected() {
    return rejected;
  }

  /** Resent samples that twin-service already had (duplicate or out of order). */
  long duplicatesOnResend() {
    return duplicatesOnResend;
  }

  /** Point registrations twin-service rejected on the latest stream. */
  int registrationsRejected() {
    return registrationsRejected;
  }

  /** Batches sent and not yet acknowledged. */
  int pendingBatches() {
    return pending.size();
  }

  private RegisterPointsAck awaitRegistrationAck() {
    while (true) {
      IngestResponse response = next();
      if (response.hasRegisterPointsAck()) {
        return response.getRegisterPointsAck();
      }
      // A keepalive, or nothing else is expected before the registration is acknowledged.
    }
  }

  private void awaitBatchAck() {
    while (true) {
      IngestResponse response = next();
      if (!response.hasBatchAck()) {
        continue;
      }
      BatchAck ack = response.getBatchAck();
      TelemetryBatch head = pending.peekFirst();
      if (head == null || head.getSequence() != ack.getSequence()) {
        abandon();
        throw new IngestRejectedException(
            Status.INTERNAL,
            "twin-service acknowledged batch "
                + ack.getSequence()
                + " but the oldest batch in flight is "
                + (head == null ? "none" : head.getSequence()));
      }
      pending.removeFirst();
      accepted += ack.getAcceptedCount();
      long alreadyThere = 0;
      if (resent.remove(ack.getSequence())) {
        for (RejectCount count : ack.getRejectCountsList()) {
          if (count.getReason() == IngestRejectReason.INGEST_REJECT_REASON_DUPLICATE
              || count.getReason() == IngestRejectReason.INGEST_REJECT_REASON_OUT_OF_ORDER) {
            alreadyThere += count.getCount();
          }
        }
      }
      duplicatesOnResend += alreadyThere;
      long newlyRejected = ack.getRejectedCount() - alreadyThere;
      if (newlyRejected > 0 && rejectedBatches++ % REJECT_LOG_EVERY == 0) {
        Log.warnf(
            "twin-service rejected %d of %d samples of batch %d for %s (%d batches with"
                + " rejections so far): %s; first: %s",
            newlyRejected,
            ack.getAcceptedCount() + ack.getRejectedCount(),
            ack.getSequence(),
            twin,
            rejectedBatches,
            ack.getRejectCountsList(),
            ack.getRejectedSamplesCount() > 0 ? ack.getRejectedSamples(0) : "none");
      }
      rejected += newlyRejected;
      return;
    }
  }

  /** Returns the next response; a failure or timeout ends the stream and throws. */
  private IngestResponse next() {
    Object item;
    try {
      item = responses.poll(ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      abandon();
      throw new TwinUnreachableException("interrupted while waiting for twin-service");
    }
    if (item instanceof IngestResponse response) {
      return response;
    }
    abandon();
    if (item == null) {
      throw new TwinUnreachableException(
          "twin-service sent no acknowledgement within " + ackTimeout.toMillis() + " ms");
    }
    if (item == COMPLETED) {
      throw new TwinUnreachableException("twin-service ended the Ingest stream");
    }
    Status status = Status.fromThrowable((Throwable) item);
    if (retryable(status.getCode())) {
      throw new TwinUnreachableException("the Ingest stream failed: " + status);
    }
    throw new IngestRejectedException(status, "twin-service rejected the Ingest stream: " + status);
  }

  /**
   * Returns whether a stream failure may pass by itself: an unreachable or restarting service, a
   * deadline, a moved twin owner (UNAVAILABLE), or a connection reset (UNKNOWN, INTERNAL).
   */
  static boolean retryable(Status.Code code) {
    return switch (code) {
      case UNAVAILABLE,
          DEADLINE_EXCEEDED,
          CANCELLED,
          UNKNOWN,
          INTERNAL,
          ABORTED,
          RESOURCE_EXHAUSTED ->
          true;
      default -> false;
    };
  }
}
