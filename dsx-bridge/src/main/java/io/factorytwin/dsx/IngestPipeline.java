package io.factorytwin.dsx;

import io.factorytwin.twin.v1.BatchAck;
import io.factorytwin.twin.v1.IngestHeader;
import io.factorytwin.twin.v1.IngestRequest;
import io.factorytwin.twin.v1.IngestResponse;
import io.factorytwin.twin.v1.PointRegistration;
import io.factorytwin.twin.v1.RegisterPoints;
import io.factorytwin.twin.v1.RegisterPointsAck;
import io.factorytwin.twin.v1.TelemetryBatch;
import io.factorytwin.twin.v1.TwinServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Feeds samples to twin-service's Ingest stream, one message in flight at a time. A sample's {@code
 * done} callback runs only after the twin acknowledged the batch that carried it, accepted or
 * rejected; the bridge acknowledges the MQTT message there, so a BMS value that the broker counts
 * as delivered is in the twin. When the stream fails, the batch is sent again on a new stream after
 * a backoff; samples the twin already holds come back as duplicates, which store nothing twice.
 */
final class IngestPipeline implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(IngestPipeline.class);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

  /** One reading for a twin sensor point, in the point's unit. */
  record Sample(String pointId, double value, long timeMs, Runnable done) {}

  private final ManagedChannel channel;
  private final BridgeConfig config;
  private final TokenFile token;
  private final BridgeCounters counters;
  private final BlockingQueue<Sample> queue = new LinkedBlockingQueue<>(100_000);
  private final Thread worker;
  private volatile boolean closed;

  private Stream stream;
  private long sequence;

  IngestPipeline(
      ManagedChannel channel, BridgeConfig config, TokenFile token, BridgeCounters counters) {
    this.channel = channel;
    this.config = config;
    this.token = token;
    this.counters = counters;
    this.worker = Thread.ofPlatform().name("dsx-ingest").daemon().unstarted(this::run);
  }

  void start() {
    worker.start();
  }

  /** Queues a sample; waits while the queue is full, so a slow twin slows the MQTT reader. */
  void submit(Sample sample) throws InterruptedException {
    queue.put(sample);
  }

  private void run() {
    Duration backoff = Duration.ofMillis(100);
    List<Sample> batch = new ArrayList<>();
    while (!closed) {
      try {
        if (batch.isEmpty()) {
          Sample first = queue.poll(200, TimeUnit.MILLISECONDS);
          if (first == null) {
            continue;
          }
          batch.add(first);
          queue.drainTo(batch, config.ingestBatchSize() - 1);
        }
        deliver(batch);
        batch.forEach(sample -> sample.done().run());
        batch.clear();
        backoff = Duration.ofMillis(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        LOG.warnf(
            "Ingest of %d samples failed (%s); trying again in %d ms",
            batch.size(), e.getMessage(), backoff.toMillis());
        closeStream();
        try {
          Thread.sleep(backoff.toMillis());
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          return;
        }
        backoff =
            backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
                ? MAX_BACKOFF
                : backoff.multipliedBy(2);
      }
    }
  }

  private void deliver(List<Sample> batch) throws InterruptedException {
    if (stream == null) {
      stream = new Stream();
    }
    List<PointRegistration> registrations = new ArrayList<>();
    for (Sample sample : batch) {
      if (!stream.handles.containsKey(sample.pointId())) {
        int handle = stream.handles.size() + 1;
        stream.handles.put(sample.pointId(), handle);
        registrations.add(
            PointRegistration.newBuilder().setHandle(handle).setPointId(sample.pointId()).build());
      }
    }
    if (!registrations.isEmpty()) {
      long seq = ++sequence;
      stream.send(
          IngestRequest.newBuilder()
              .setRegisterPoints(
                  RegisterPoints.newBuilder().setSequence(seq).addAllRegistrations(registrations))
              .build());
      RegisterPointsAck ack = stream.await(seq, true).getRegisterPointsAck();
      ack.getRejectedList()
          .forEach(
              rejected ->
                  LOG.warnf(
                      "twin refused point %s: %s", rejected.getPointId(), rejected.getReason()));
    }
    TelemetryBatch.Builder telemetry = TelemetryBatch.newBuilder().setSequence(++sequence);
    for (Sample sample : batch) {
      telemetry
          .addHandles(stream.handles.get(sample.pointId()))
          .addValues(sample.value())
          .addFacilityTimeUnixMs(sample.timeMs());
    }
    stream.send(IngestRequest.newBuilder().setBatch(telemetry).build());
    BatchAck ack = stream.await(telemetry.getSequence(), false).getBatchAck();
    counters.valuesIngested.addAndGet(ack.getAcceptedCount());
    if (ack.getRejectedCount() > 0) {
      counters.twinRejected.addAndGet(ack.getRejectedCount());
      LOG.infof("twin rejected %d samples: %s", ack.getRejectedCount(), ack.getRejectCountsList());
    }
  }

  private void closeStream() {
    if (stream != null) {
      stream.cancel();
      stream = null;
    }
  }

  @Override
  public void close() {
    closed = true;
    worker.interrupt();
    try {
      worker.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeStream();
  }

  /** One open Ingest call: its requests, its responses and the handles bound on it. */
  private final class Stream {
    final Map<String, Integer> handles = new HashMap<>();
    final BlockingQueue<Object> responses = new LinkedBlockingQueue<>();
    volatile ClientCallStreamObserver<IngestRequest> requests;

    Stream() {
      TwinServiceGrpc.newStub(channel)
          .withCallCredentials(token.credentials())
          .ingest(
              new ClientResponseObserver<IngestRequest, IngestResponse>() {
                @Override
                public void beforeStart(ClientCallStreamObserver<IngestRequest> call) {
                  requests = call;
                }

                @Override
                public void onNext(IngestResponse response) {
                  responses.add(response);
                }

                @Override
                public void onError(Throwable failure) {
                  responses.add(failure);
                }

                @Override
                public void onCompleted() {
                  responses.add(new IllegalStateException("twin closed the Ingest stream"));
                }
              });
      send(
          IngestRequest.newBuilder()
              .setHeader(
                  IngestHeader.newBuilder()
                      .setTwin(config.twin())
                      .setSource(config.broker().clientId()))
              .build());
    }

    void send(IngestRequest request) {
      requests.onNext(request);
    }

    /** Waits for the acknowledgement of a sequence, skipping keepalives. */
    IngestResponse await(long seq, boolean registration) throws InterruptedException {
      long deadline = System.nanoTime() + config.twinDeadline().toNanos() * 5;
      while (true) {
        Object next = responses.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (next == null) {
          throw new IllegalStateException("no acknowledgement of message " + seq + " in time");
        }
        if (next instanceof Throwable failure) {
          throw new IllegalStateException(failure.getMessage(), failure);
        }
        IngestResponse response = (IngestResponse) next;
        if (registration
            && response.hasRegisterPointsAck()
            && response.getRegisterPointsAck().getSequence() == seq) {
          return response;
        }
        if (!registration
            && response.hasBatchAck()
            && response.getBatchAck().getSequence() == seq) {
          return response;
        }
      }
    }

    void cancel() {
      if (requests != null) {
        requests.cancel("bridge reconnects", null);
      }
    }
  }
}
