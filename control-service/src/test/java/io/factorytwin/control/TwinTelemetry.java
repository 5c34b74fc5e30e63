package io.factorytwin.control;

import io.factorytwin.testing.GrpcClients;
import io.factorytwin.testing.TestKeys;
import io.factorytwin.twin.v1.IngestHeader;
import io.factorytwin.twin.v1.IngestRequest;
import io.factorytwin.twin.v1.IngestResponse;
import io.factorytwin.twin.v1.PointRegistration;
import io.factorytwin.twin.v1.RegisterPoints;
import io.factorytwin.twin.v1.TelemetryBatch;
import io.factorytwin.twin.v1.TwinServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Sends sensor values to the test twin through Ingest, as a BMS gateway would. */
final class TwinTelemetry {

  private TwinTelemetry() {}

  /**
   * Sends one sample per point, all stamped with the same facility time, over a new Ingest stream,
   * and returns the number of samples twin-service accepted.
   *
   * @param values sensor values by point id (the part after {@code points/})
   */
  static int ingest(
      ManagedChannel twinChannel, String twin, long facilityTimeMs, Map<String, Double> values)
      throws Exception {
    CompletableFuture<Integer> accepted = new CompletableFuture<>();
    List<IngestResponse> replies = new ArrayList<>();
    StreamObserver<IngestRequest> requests =
        TwinServiceGrpc.newStub(twinChannel)
            .withCallCredentials(GrpcClients.bearer(TestKeys.token("plant", "telemetry-writer")))
            .withDeadlineAfter(30, TimeUnit.SECONDS)
            .ingest(
                new StreamObserver<>() {
                  @Override
                  public void onNext(IngestResponse reply) {
                    replies.add(reply);
                    if (reply.hasBatchAck()) {
                      accepted.complete(reply.getBatchAck().getAcceptedCount());
                    }
                  }

                  @Override
                  public void onError(Throwable failure) {
                    accepted.completeExceptionally(failure);
                  }

                  @Override
                  public void onCompleted() {}
                });
    requests.onNext(
        IngestRequest.newBuilder()
            .setHeader(IngestHeader.newBuilder().setTwin(twin).setSource("control-test"))
            .build());
    RegisterPoints.Builder registrations = RegisterPoints.newBuilder().setSequence(1);
    TelemetryBatch.Builder batch = TelemetryBatch.newBuilder().setSequence(1);
    int handle = 0;
    for (Map.Entry<String, Double> value : values.entrySet()) {
      handle++;
      registrations.addRegistrations(
          PointRegistration.newBuilder().setHandle(handle).setPointId(value.getKey()));
      batch.addHandles(handle).addValues(value.getValue()).addFacilityTimeUnixMs(facilityTimeMs);
    }
    requests.onNext(IngestRequest.newBuilder().setRegisterPoints(registrations).build());
    requests.onNext(IngestRequest.newBuilder().setBatch(batch).build());
    try {
      int count = accepted.get(30, TimeUnit.SECONDS);
      if (count != values.size()) {
        throw new IllegalStateException(
            "twin-service accepted " + count + " of " + values.size() + " samples: " + replies);
      }
      return count;
    } finally {
      requests.onCompleted();
    }
  }

  /**
   * An open Ingest stream that advances the twin's facility clock: each {@link #tick} sends one
   * batch with the given sensor values stamped at the given facility time.
   */
  static final class Stream implements AutoCloseable {

    private final StreamObserver<IngestRequest> requests;
    private final List<String> pointIds;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private long sequence = 1;

    Stream(ManagedChannel twinChannel, String twin, List<String> pointIds) {
      this.pointIds = List.copyOf(pointIds);
      requests =
          TwinServiceGrpc.newStub(twinChannel)
              .withCallCredentials(GrpcClients.bearer(TestKeys.token("plant", "telemetry-writer")))
              .ingest(
                  new StreamObserver<>() {
                    @Override
                    public void onNext(IngestResponse reply) {}

                    @Override
                    public void onError(Throwable failure) {
                      closed.completeExceptionally(failure);
                    }

                    @Override
                    public void onCompleted() {
                      closed.complete(null);
                    }
                  });
      requests.onNext(
          IngestRequest.newBuilder()
              .setHeader(IngestHeader.newBuilder().setTwin(twin).setSource("control-clock"))
              .build());
      RegisterPoints.Builder registrations = RegisterPoints.newBuilder().setSequence(1);
      for (int i = 0; i < pointIds.size(); i++) {
        registrations.addRegistrations(
            PointRegistration.newBuilder().setHandle(i + 1).setPointId(pointIds.get(i)));
      }
      requests.onNext(IngestRequest.newBuilder().setRegisterPoints(registrations).build());
    }

    /** Sends one value per point, in the order the points were given, at the facility time. */
    synchronized void tick(long facilityTimeMs, double... values) {
      if (closed.isCompletedExceptionally()) {
        closed.join();
      }
      TelemetryBatch.Builder batch = TelemetryBatch.newBuilder().setSequence(sequence++);
      for (int i = 0; i < pointIds.size(); i++) {
        batch.addHandles(i + 1).addValues(values[i]).addFacilityTimeUnixMs(facilityTimeMs);
      }
      requests.onNext(IngestRequest.newBuilder().setBatch(batch).build());
    }

    @Override
    public synchronized void close() {
      requests.onCompleted();
    }
  }
}
