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

  TwinClient(ManagedChannel channel) {
    reader = blocking(channel, "reader-1", "reader");
    operator = blocking(channel, "operator-1", "operator");
    control = blocking(channel, "control-service", "setpoint-writer");
    publisher =
        TwinServiceGrpc.newStub(channel)
            .withCallCredentials(
                GrpcClients.bearer(TestKeys.token("lifecycle-service", "publisher")));
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
}
