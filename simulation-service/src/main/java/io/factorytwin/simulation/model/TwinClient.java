package io.factorytwin.simulation.model;

import io.factorytwin.support.error.NotFoundException;
import io.factorytwin.support.error.UnavailableException;
import io.factorytwin.twin.v1.Edge;
import io.factorytwin.twin.v1.GetLatestValuesRequest;
import io.factorytwin.twin.v1.GetLatestValuesResponse;
import io.factorytwin.twin.v1.GetTwinRequest;
import io.factorytwin.twin.v1.GetTwinRevisionRequest;
import io.factorytwin.twin.v1.ListEdgesRequest;
import io.factorytwin.twin.v1.ListEdgesResponse;
import io.factorytwin.twin.v1.ListNodesRequest;
import io.factorytwin.twin.v1.ListNodesResponse;
import io.factorytwin.twin.v1.ListPointsRequest;
import io.factorytwin.twin.v1.ListPointsResponse;
import io.factorytwin.twin.v1.Node;
import io.factorytwin.twin.v1.Point;
import io.factorytwin.twin.v1.Twin;
import io.factorytwin.twin.v1.TwinRevision;
import io.factorytwin.twin.v1.TwinServiceGrpc;
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
 * The client of twin-service, for models built from twin revisions and for plant emulation. One
 * plaintext channel to {@code simulation.twin.address} is opened on first use. Every unary call
 * carries the reader token of {@code simulation.twin.token-file} and the deadline {@code
 * simulation.twin.deadline}; the Ingest stream carries the token of {@code
 * simulation.twin.telemetry-token-file}. The unary calls here are reads, which are safe to repeat,
 * so a call that fails UNAVAILABLE or DEADLINE_EXCEEDED is tried up to {@code
 * simulation.twin.attempts} times with a doubling backoff.
 *
 * <p>Failures become domain exceptions: an unknown resource NOT_FOUND, an unreachable or refusing
 * service UNAVAILABLE with reason DEPENDENCY_UNAVAILABLE.
 */
@ApplicationScoped
public class TwinClient {

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);

  /** The largest page the list calls return. */
  private static final int PAGE_SIZE = 1000;

  private final String address;
  private final Path tokenFile;
  private final Path telemetryTokenFile;
  private final Duration deadline;
  private final int attempts;
  private ManagedChannel channel;

  TwinClient(
      @ConfigProperty(name = "simulation.twin.address") String address,
      @ConfigProperty(name = "simulation.twin.token-file") Path tokenFile,
      @ConfigProperty(name = "simulation.twin.telemetry-token-file") Path telemetryTokenFile,
      @ConfigProperty(name = "simulation.twin.deadline") Duration deadline,
      @ConfigProperty(name = "simulation.twin.attempts") int attempts) {
    this.address = address;
    this.tokenFile = tokenFile;
    this.telemetryTokenFile = telemetryTokenFile;
    this.deadline = deadline;
    this.attempts = Math.max(1, attempts);
  }

  /** Reads a twin, {@code twins/{twin}}, with its active revision. */
  public Twin twin(String name) {
    return call(
        "GetTwin", name, stub -> stub.getTwin(GetTwinRequest.newBuilder().setName(name).build()));
  }

  /** Reads every point of a twin revision that matches a filter, page by page. */
  public List<Point> points(String twin, String revision, String filter) {
    List<Point> all = new ArrayList<>();
    String token = "";
    do {
      String page = token;
      ListPointsResponse response =
          call(
              "ListPoints",
              revision,
              stub ->
                  stub.listPoints(
                      ListPointsRequest.newBuilder()
                          .setParent(twin)
                          .setRevision(revision)
                          .setFilter(filter)
                          .setPageSize(PAGE_SIZE)
                          .setPageToken(page)
                          .build()));
      all.addAll(response.getPointsList());
      token = response.getNextPageToken();
    } while (!token.isEmpty());
    return all;
  }

  /** Reads the latest values of named points, {@code twins/{twin}/points/{point}}, in order. */
  public GetLatestValuesResponse latestValues(String twin, List<String> points) {
    return call(
        "GetLatestValues",
        twin,
        stub ->
            stub.getLatestValues(
                GetLatestValuesRequest.newBuilder().setParent(twin).addAllPoints(points).build()));
  }

  /**
   * Returns an asynchronous stub for the Ingest stream with the telemetry-writer token of {@code
   * simulation.twin.telemetry-token-file} and no deadline; the caller sets one per stream.
   */
  public TwinServiceGrpc.TwinServiceStub ingestStub() {
    return TwinServiceGrpc.newStub(channel())
        .withCallCredentials(bearer(readToken(telemetryTokenFile, "telemetry-writer")));
  }

  /** Returns the deadline of one call, {@code simulation.twin.deadline}. */
  public Duration deadline() {
    return deadline;
  }

  /** Returns the address of twin-service, for messages. */
  public String address() {
    return address;
  }

  public TwinRevision twinRevision(String name) {
    return call(
        "GetTwinRevision",
        name,
        stub -> stub.getTwinRevision(GetTwinRevisionRequest.newBuilder().setName(name).build()));
  }

  /** Reads every node of a twin revision, page by page. */
  public List<Node> nodes(String twin, String revision) {
    List<Node> all = new ArrayList<>();
    String token = "";
    do {
      String page = token;
      ListNodesResponse response =
          call(
              "ListNodes",
              revision,
              stub ->
                  stub.listNodes(
                      ListNodesRequest.newBuilder()
                          .setParent(twin)
                          .setRevision(revision)
                          .setPageSize(PAGE_SIZE)
                          .setPageToken(page)
                          .build()));
      all.addAll(response.getNodesList());
      token = response.getNextPageToken();
    } while (!token.isEmpty());
    return all;
  }

  /** Reads the edges of a twin revision that match a filter, page by page. */
  public List<Edge> edges(String twin, String revision, String filter) {
    List<Edge> all = new ArrayList<>();
    String token = "";
    do {
      String page = token;
      ListEdgesResponse response =
          call(
              "ListEdges",
              revision,
              stub ->
                  stub.listEdges(
                      ListEdgesRequest.newBuilder()
                          .setParent(twin)
                          .setRevision(revision)
                          .setFilter(filter)
                          .setPageSize(PAGE_SIZE)
                          .setPageToken(page)
                          .build()));
      all.addAll(response.getEdgesList());
      token = response.getNextPageToken();
    } while (!token.isEmpty());
    return all;
  }

  private <T> T call(
      String method, String resource, Function<TwinServiceGrpc.TwinServiceBlockingStub, T> body) {
    CallCredentials credentials = bearer(readToken(tokenFile, "reader"));
    Duration backoff = FIRST_BACKOFF;
    for (int attempt = 1; ; attempt++) {
      TwinServiceGrpc.TwinServiceBlockingStub stub =
          TwinServiceGrpc.newBlockingStub(channel())
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
              "twin-service %s for %s failed with %s (attempt %d of %d); retrying in %d ms",
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
    Log.warnf("twin-service %s for %s failed: %s", method, resource, e.getStatus());
    return new UnavailableException(
        "twin-service",
        "twin-service at "
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
      Log.infof("reading twin revisions from twin-service at %s", address);
    }
    return channel;
  }

  /** Reads a token on every call, so a rotated token needs no restart. */
  private String readToken(Path file, String role) {
    try {
      String value = Files.readString(file, StandardCharsets.US_ASCII).trim();
      if (value.isEmpty()) {
        throw new IOException("the file is empty");
      }
      return value;
    } catch (IOException e) {
      Log.errorf("cannot read the twin %s token %s: %s", role, file.toAbsolutePath(), e.toString());
      throw new UnavailableException(
          "twin-service",
          "simulation-service has no "
              + role
              + " token for twin-service at "
              + file.toAbsolutePath()
              + "; run 'bin/factoryctl dev init' or set the token file in the configuration");
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
