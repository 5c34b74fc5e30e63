package io.factorytwin.lifecycle.publish;

import io.factorytwin.twin.v1.ApplyDesignRequest;
import io.factorytwin.twin.v1.ApplyDesignResponse;
import io.factorytwin.twin.v1.TwinServiceGrpc;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.quarkus.logging.Log;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The client of twin-service's ApplyDesign call. One channel to {@code lifecycle.twin.address} is
 * opened on first use and kept. Every call carries the publisher token read from {@code
 * lifecycle.twin.token-file} and the deadline {@code lifecycle.twin.deadline}.
 */
@ApplicationScoped
public class TwinClient {

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  /** How long to wait past the deadline for gRPC to end the call before giving up on it. */
  private static final Duration DEADLINE_GRACE = Duration.ofSeconds(10);

  private final String address;
  private final Path tokenFile;
  private final Duration deadline;
  private ManagedChannel channel;

  TwinClient(
      @ConfigProperty(name = "lifecycle.twin.address") String address,
      @ConfigProperty(name = "lifecycle.twin.token-file") Path tokenFile,
      @ConfigProperty(name = "lifecycle.twin.deadline") Duration deadline) {
    this.address = address;
    this.tokenFile = tokenFile;
    this.deadline = deadline;
  }

  /**
   * Sends the stream and returns the twin's response. The stream stops early when the twin responds
   * before the commit, which it does for a design revision it has already built.
   *
   * @throws StatusRuntimeException with the call's status when the call fails; UNAUTHENTICATED when
   *     the token file cannot be read; CANCELLED when the thread is interrupted
   */
  public ApplyDesignResponse applyDesign(List<ApplyDesignRequest> messages) {
    CallCredentials credentials = bearer(readToken());
    Upload upload = new Upload();
    TwinServiceGrpc.newStub(channel())
        .withCallCredentials(credentials)
        .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
        .applyDesign(upload);
    try {
      for (ApplyDesignRequest message : messages) {
        if (!upload.awaitReady()) {
          break;
        }
        upload.requests.onNext(message);
      }
      if (!upload.result.isDone()) {
        upload.requests.onCompleted();
      }
      return upload.result.get(deadline.plus(DEADLINE_GRACE).toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      upload.requests.cancel("the publication relay stopped", null);
      throw Status.CANCELLED
          .withDescription("the publication relay stopped during the call")
          .asRuntimeException();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StatusRuntimeException failure) {
        throw failure;
      }
      throw Status.fromThrowable(e.getCause()).asRuntimeException();
    } catch (TimeoutException e) {
      upload.requests.cancel("no response within the deadline", null);
      throw Status.DEADLINE_EXCEEDED
          .withDescription("twin-service did not end the call within " + deadline)
          .asRuntimeException();
    }
  }

  private synchronized ManagedChannel channel() {
    if (channel == null) {
      channel = NettyChannelBuilder.forTarget(address).usePlaintext().build();
      Log.infof("publishing designs to twin-service at %s", address);
    }
    return channel;
  }

  private String readToken() {
    try {
      String token = Files.readString(tokenFile, StandardCharsets.US_ASCII).trim();
      if (token.isEmpty()) {
        throw new IOException("the file is empty");
      }
      return token;
    } catch (IOException e) {
      String reason = e instanceof NoSuchFileException ? "file not found" : e.getMessage();
      throw Status.UNAUTHENTICATED
          .withDescription(
              "cannot read the publisher token "
                  + tokenFile.toAbsolutePath()
                  + ": "
                  + reason
                  + "; run 'bin/factoryctl dev init' or set lifecycle.twin.token-file")
          .asRuntimeException();
    }
  }

  private static CallCredentials bearer(String token) {
    return new CallCredentials() {
      @Override
      public void applyRequestMetadata(
          RequestInfo requestInfo, Executor executor, MetadataApplier applier) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + token);
        applier.apply(headers);
      }
    };
  }

  @PreDestroy
  synchronized void close() {
    if (channel != null) {
      channel.shutdownNow();
    }
  }

  /** One call: the request stream with gRPC flow control, and the response when it comes. */
  private static final class Upload
      implements ClientResponseObserver<ApplyDesignRequest, ApplyDesignResponse> {

    final CompletableFuture<ApplyDesignResponse> result = new CompletableFuture<>();
    ClientCallStreamObserver<ApplyDesignRequest> requests;

    @Override
    public void beforeStart(ClientCallStreamObserver<ApplyDesignRequest> requestStream) {
      requests = requestStream;
      requestStream.setOnReadyHandler(this::wake);
    }

    /**
     * Waits until the transport takes another message without buffering it all in memory; returns
     * false when the call has already ended.
     */
    synchronized boolean awaitReady() throws InterruptedException {
      while (!requests.isReady() && !result.isDone()) {
        wait(100);
      }
      return !result.isDone();
    }

    private synchronized void wake() {
      notifyAll();
    }

    @Override
    public void onNext(ApplyDesignResponse response) {
      result.complete(response);
      wake();
    }

    @Override
    public void onError(Throwable failure) {
      result.completeExceptionally(failure);
      wake();
    }

    @Override
    public void onCompleted() {
      result.completeExceptionally(
          Status.INTERNAL
              .withDescription("twin-service ended ApplyDesign without a response")
              .asRuntimeException());
      wake();
    }
  }
}
