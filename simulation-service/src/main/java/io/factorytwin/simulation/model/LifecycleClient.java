package io.factorytwin.simulation.model;

import io.factorytwin.common.v1.Connection;
import io.factorytwin.common.v1.Placement;
import io.factorytwin.lifecycle.v1.Alternative;
import io.factorytwin.lifecycle.v1.DesignRevision;
import io.factorytwin.lifecycle.v1.GetAlternativeRequest;
import io.factorytwin.lifecycle.v1.GetDesignRevisionRequest;
import io.factorytwin.lifecycle.v1.GetPartRequest;
import io.factorytwin.lifecycle.v1.GetPartRevisionRequest;
import io.factorytwin.lifecycle.v1.LifecycleServiceGrpc;
import io.factorytwin.lifecycle.v1.ListConnectionsRequest;
import io.factorytwin.lifecycle.v1.ListConnectionsResponse;
import io.factorytwin.lifecycle.v1.ListPlacementsRequest;
import io.factorytwin.lifecycle.v1.ListPlacementsResponse;
import io.factorytwin.lifecycle.v1.Part;
import io.factorytwin.lifecycle.v1.PartRevision;
import io.factorytwin.support.error.NotFoundException;
import io.factorytwin.support.error.UnavailableException;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.quarkus.logging.Log;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The client of lifecycle-service. One plaintext channel to {@code simulation.lifecycle.address} is
 * opened on first use. Every call carries the reader token of {@code
 * simulation.lifecycle.token-file} and the deadline {@code simulation.lifecycle.deadline}. All
 * calls here are reads, which are safe to repeat, so a call that fails UNAVAILABLE or
 * DEADLINE_EXCEEDED is tried up to {@code simulation.lifecycle.attempts} times with a doubling
 * backoff.
 *
 * <p>Failures become domain exceptions: an unknown resource NOT_FOUND, an unreachable or refusing
 * service UNAVAILABLE with reason DEPENDENCY_UNAVAILABLE.
 */
@ApplicationScoped
public class LifecycleClient {

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);

  /** The largest page the list calls return. */
  private static final int PAGE_SIZE = 1000;

  private final String address;
  private final Path tokenFile;
  private final Duration deadline;
  private final int attempts;
  private ManagedChannel channel;

  LifecycleClient(
      @ConfigProperty(name = "simulation.lifecycle.address") String address,
      @ConfigProperty(name = "simulation.lifecycle.token-file") Path tokenFile,
      @ConfigProperty(name = "simulation.lifecycle.deadline") Duration deadline,
      @ConfigProperty(name = "simulation.lifecycle.attempts") int attempts) {
    this.address = address;
    this.tokenFile = tokenFile;
    this.deadline = deadline;
    this.attempts = Math.max(1, attempts);
  }

  public DesignRevision designRevision(String name) {
    return call(
        "GetDesignRevision",
        name,
        stub ->
            stub.getDesignRevision(GetDesignRevisionRequest.newBuilder().setName(name).build()));
  }

  public Alternative alternative(String name) {
    return call(
        "GetAlternative",
        name,
        stub -> stub.getAlternative(GetAlternativeRequest.newBuilder().setName(name).build()));
  }

  public Part part(String name) {
    return call(
        "GetPart", name, stub -> stub.getPart(GetPartRequest.newBuilder().setName(name).build()));
  }

  public PartRevision partRevision(String name) {
    return call(
        "GetPartRevision",
        name,
        stub -> stub.getPartRevision(GetPartRevisionRequest.newBuilder().setName(name).build()));
  }

  /** Reads every placement of a revision, page by page. */
  public List<Placement> placements(String revision) {
    List<Placement> all = new ArrayList<>();
    String token = "";
    do {
      String page = token;
      ListPlacementsResponse response =
          call(
              "ListPlacements",
              revision,
              stub ->
                  stub.listPlacements(
                      ListPlacementsRequest.newBuilder()
                          .setParent(revision)
                          .setPageSize(PAGE_SIZE)
                          .setPageToken(page)
                          .build()));
      all.addAll(response.getPlacementsList());
      token = response.getNextPageToken();
    } while (!token.isEmpty());
    return all;
  }

  /** Reads every connection of a revision, page by page. */
  public List<Connection> connections(String revision) {
    List<Connection> all = new ArrayList<>();
    String token = "";
    do {
      String page = token;
      ListConnectionsResponse response =
          call(
              "ListConnections",
              revision,
              stub ->
                  stub.listConnections(
                      ListConnectionsRequest.newBuilder()
                          .setParent(revision)
                          .setPageSize(PAGE_SIZE)
                          .setPageToken(page)
                          .build()));
      all.addAll(response.getConnectionsList());
      token = response.getNextPageToken();
    } while (!token.isEmpty());
    return all;
  }

  private <T> T call(
      String method,
      String resource,
      Function<LifecycleServiceGrpc.LifecycleServiceBlockingStub, T> body) {
    CallCredentials credentials = bearer(readToken());
    Duration backoff = FIRST_BACKOFF;
    for (int attempt = 1; ; attempt++) {
      LifecycleServiceGrpc.LifecycleServiceBlockingStub stub =
          LifecycleServiceGrpc.newBlockingStub(channel())
              .withCallCredentials(credentials)
              .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
      try {
        return body.apply(stub);
      } catch (StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        boolean transientFailure =
            code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED;
        if (transientFailure && attempt < attempts) {
          Log.warnf(
              "lifecycle-service %s for %s failed with %s (attempt %d of %d); retrying in %d ms",
              method, resource, code, attempt, attempts, backoff.toMillis());
          sleep(backoff);
          backoff = backoff.multipliedBy(2);
          continue;
        }
        throw translate(method, resource, e);
      }
    }
  }

  private RuntimeException translate(String method, String resource, StatusRuntimeException e) {
    if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
      return new NotFoundException(resource);
    }
    Log.warnf("lifecycle-service %s for %s failed: %s", method, resource, e.getStatus());
    return new UnavailableException(
        "lifecycle-service",
        "lifecycle-service at "
            + address
            + " failed "
            + method
            + " for "
            + resource
            + " ("
            + e.getStatus().getCode()
            + (e.getStatus().getDescription() == null ? "" : ": " + e.getStatus().getDescription())
            + "); submit the job again when it is reachable");
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Status.CANCELLED.withDescription("interrupted").asRuntimeException();
    }
  }

  private synchronized ManagedChannel channel() {
    if (channel == null) {
      channel = NettyChannelBuilder.forTarget(address).usePlaintext().build();
      Log.infof("reading designs from lifecycle-service at %s", address);
    }
    return channel;
  }

  /** Reads the token on every model load, so a rotated token needs no restart. */
  private String readToken() {
    try {
      String value = Files.readString(tokenFile, StandardCharsets.US_ASCII).trim();
      if (value.isEmpty()) {
        throw new IOException("the file is empty");
      }
      return value;
    } catch (IOException e) {
      Log.errorf(
          "cannot read the lifecycle reader token %s: %s",
          tokenFile.toAbsolutePath(), e.toString());
      throw new UnavailableException(
          "lifecycle-service",
          "simulation-service has no token for lifecycle-service at "
              + tokenFile.toAbsolutePath()
              + "; run 'bin/factoryctl dev init' or set simulation.lifecycle.token-file");
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
}
