package io.factorytwin.twin;

import io.factorytwin.testing.GrpcClients;
import io.factorytwin.testing.TestKeys;
import io.factorytwin.twin.v1.ApplyDesignRequest;
import io.factorytwin.twin.v1.ApplyDesignResponse;
import io.factorytwin.twin.v1.TwinServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Stubs of the twin service with the roles its callers have. */
final class TwinClient {

  final TwinServiceGrpc.TwinServiceBlockingStub reader;
  final TwinServiceGrpc.TwinServiceBlockingStub operator;
  final TwinServiceGrpc.TwinServiceBlockingStub control;
  private final TwinServiceGrpc.TwinServiceStub publisher;
  private final TwinServiceGrpc.TwinServiceStub telemetry;

  TwinClient(ManagedChannel channel) {
    reader = blocking(channel, "reader-1", "reader");
    operator = blocking(channel, "operator-1", "operator");
    control = blocking(channel, "control-service", "setpoint-writer");
    publisher =
        TwinServiceGrpc.newStub(channel)
            .withCallCredentials(
                GrpcClients.bearer(TestKeys.token("lifecycle-service", "publisher")));
    telemetry =
        TwinServiceGrpc.newStub(channel)
            .withCallCredentials(
                GrpcClients.bearer(TestKeys.token("bms-gateway", "telemetry-writer")));
  }

  private static TwinServiceGrpc.TwinServiceBlockingStub blocking(
      ManagedChannel channel, String subject, String role) {
    return TwinServiceGrpc.newBlockingStub(channel)
        .withCallCredentials(GrpcClients.bearer(TestKeys.token(subject, role)))
        .withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  /** Sends an ApplyDesign stream and waits for the answer; a failure is thrown as its status. */
  ApplyDesignResponse apply(List<ApplyDesignRequest> messages, boolean halfClose) {
    CompletableFuture<ApplyDesignResponse> result = new CompletableFuture<>();
    StreamObserver<ApplyDesignRequest> requests =
        publisher
            .withDeadlineAfter(120, TimeUnit.SECONDS)
            .applyDesign(
                new StreamObserver<>() {
                  private ApplyDesignResponse response;

                  @Override
                  public void onNext(ApplyDesignResponse value) {
                    response = value;
                  }

                  @Override
                  public void onError(Throwable t) {
                    result.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {
                    result.complete(response);
                  }
                });
    for (ApplyDesignRequest message : messages) {
      if (result.isDone()) {
        break;
      }
      requests.onNext(message);
    }
    if (halfClose) {
      requests.onCompleted();
    }
    try {
      return result.get(120, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StatusRuntimeException status) {
        throw status;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw new IllegalStateException("ApplyDesign did not answer", e);
    }
  }

  /**
   * Streams the samples of one point over a new Ingest stream and waits for the stream to end;
   * returns the acknowledgements of the registration and the batch.
   */
  List<io.factorytwin.twin.v1.IngestResponse> ingest(
      String twinId, String pointId, double[] values, long[] times) throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    List<io.factorytwin.twin.v1.IngestResponse> acks =
        java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    StreamObserver<io.factorytwin.twin.v1.IngestRequest> stream =
        telemetry.ingest(
            new StreamObserver<>() {
              @Override
              public void onNext(io.factorytwin.twin.v1.IngestResponse value) {
                acks.add(value);
              }

              @Override
              public void onError(Throwable t) {
                done.completeExceptionally(t);
              }

              @Override
              public void onCompleted() {
                done.complete(null);
              }
            });
    stream.onNext(
        io.factorytwin.twin.v1.IngestRequest.newBuilder()
            .setHeader(io.factorytwin.twin.v1.IngestHeader.newBuilder().setTwin("twins/" + twinId))
            .build());
    stream.onNext(
        io.factorytwin.twin.v1.IngestRequest.newBuilder()
            .setRegisterPoints(
                io.factorytwin.twin.v1.RegisterPoints.newBuilder()
                    .addRegistrations(
                        io.factorytwin.twin.v1.PointRegistration.newBuilder()
                            .setHandle(1)
                            .setPointId(pointId)))
            .build());
    io.factorytwin.twin.v1.TelemetryBatch.Builder batch =
        io.factorytwin.twin.v1.TelemetryBatch.newBuilder().setSequence(1);
    for (int i = 0; i < values.length; i++) {
      batch.addHandles(1).addValues(values[i]).addFacilityTimeUnixMs(times[i]);
    }
    stream.onNext(io.factorytwin.twin.v1.IngestRequest.newBuilder().setBatch(batch).build());
    stream.onCompleted();
    done.get(30, TimeUnit.SECONDS);
    return List.copyOf(acks);
  }
}
