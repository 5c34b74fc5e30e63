package io.factorytwin.control.twin;

import com.google.protobuf.Timestamp;
import io.factorytwin.common.v1.ChillerSpec;
import io.factorytwin.support.error.EtagMismatchException;
import io.factorytwin.support.error.InvalidArgumentException;
import io.factorytwin.support.error.NotFoundException;
import io.factorytwin.support.error.UnavailableException;
import io.factorytwin.twin.v1.ApplySetpointRequest;
import io.factorytwin.twin.v1.BatchApplySetpointsRequest;
import io.factorytwin.twin.v1.BatchApplySetpointsResponse;
import io.factorytwin.twin.v1.GetLatestValuesRequest;
import io.factorytwin.twin.v1.GetLatestValuesResponse;
import io.factorytwin.twin.v1.GetNodeRequest;
import io.factorytwin.twin.v1.GetPointRequest;
import io.factorytwin.twin.v1.GetTwinRequest;
import io.factorytwin.twin.v1.Node;
import io.factorytwin.twin.v1.Point;
import io.factorytwin.twin.v1.PointValue;
import io.factorytwin.twin.v1.SetpointChange;
import io.factorytwin.twin.v1.Twin;
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
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The client of twin-service. One channel to {@code control.twin.address} is opened on first use.
 * Every call carries the setpoint-writer token read from {@code control.twin.token-file} and the
 * deadline {@code control.twin.deadline}. All calls used here are safe to repeat (reads, and
 * ApplySetpoint, which is idempotent under its request_id), so a call that fails UNAVAILABLE or
 * DEADLINE_EXCEEDED is tried up to {@code control.twin.attempts} times with a doubling backoff.
 *
 * <p>Failures become domain exceptions: an unreachable twin UNAVAILABLE (reason
 * DEPENDENCY_UNAVAILABLE), an unknown point or twin NOT_FOUND, a stale point version ABORTED
 * (reason VERSION_MISMATCH), a value outside the physical range INVALID_ARGUMENT.
 */
@ApplicationScoped
public class TwinGateway {

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);

  private final String address;
  private final Path tokenFile;
  private final Duration deadline;
  private final int attempts;
  private ManagedChannel channel;
  private volatile CachedToken token;

  /** Point metadata by point name, each tagged with the revision it was read under. */
  private final Map<String, CachedPoint> points = new ConcurrentHashMap<>();

  /** The newest active revision seen per twin name, from GetLatestValues responses. */
  private final Map<String, String> revisions = new ConcurrentHashMap<>();

  private record CachedToken(String value, FileTime modified, long checkedNanos) {}

  /** A point's metadata under one revision; info is null when the point does not exist there. */
  private record CachedPoint(String revision, PointInfo info) {}

  private final Map<String, CachedRange> chillerRanges = new ConcurrentHashMap<>();

  private record CachedRange(String revision, ChillerRange range) {}

  /** Bounds the metadata cache; past it, the cache starts over. */
  private static final int MAX_CACHED_POINTS = 100_000;

  TwinGateway(
      @ConfigProperty(name = "control.twin.address") String address,
      @ConfigProperty(name = "control.twin.token-file") Path tokenFile,
      @ConfigProperty(name = "control.twin.deadline") Duration deadline,
      @ConfigProperty(name = "control.twin.attempts") int attempts) {
    this.address = address;
    this.tokenFile = tokenFile;
    this.deadline = deadline;
    this.attempts = Math.max(1, attempts);
  }

  /** A point as the twin describes it. */
  public record PointInfo(
      String name, String node, boolean setpoint, String unit, long version, Double defaultValue) {}

  /**
   * The latest value of a point.
   *
   * @param value null when the point has no value yet
   * @param facilityTime when it was measured (sensors) or applied (setpoints); null when unknown
   */
  public record Reading(String point, Double value, Instant facilityTime, long version) {}

  /** A setpoint write that the twin accepted. */
  public record AppliedChange(
      double value, double previousValue, long version, Instant applyTime) {}

  /** Returns the point; NOT_FOUND when it does not exist in the twin's active revision. */
  public PointInfo point(String name) {
    Point point =
        call(
            "GetPoint",
            name,
            stub -> stub.getPoint(GetPointRequest.newBuilder().setName(name).build()));
    return new PointInfo(
        point.getName(),
        point.getNode(),
        point.getKind() == Point.Kind.KIND_SETPOINT,
        point.getUnit(),
        point.getVersion(),
        point.hasDefaultValue() ? point.getDefaultValue() : null);
  }

  /**
   * Latest values of some points of one twin, read in one call together with the twin's facility
   * clock and active revision.
   *
   * @param facilityTime null before the twin's first telemetry sample
   * @param readings by point name, in request order
   */
  public record Snapshot(String revision, Instant facilityTime, Map<String, Reading> readings) {}

  /**
   * Returns the point's metadata under the given revision of its twin, from a cache that reads each
   * point once per revision. NOT_FOUND when the point does not exist in that revision.
   */
  public PointInfo point(String name, String revision) {
    CachedPoint cached = points.get(name);
    if (cached == null || !cached.revision().equals(revision)) {
      PointInfo info;
      try {
        info = point(name);
      } catch (NotFoundException e) {
        info = null;
      }
      if (points.size() >= MAX_CACHED_POINTS) {
        points.clear();
      }
      cached = new CachedPoint(revision, info);
      points.put(name, cached);
    }
    if (cached.info() == null) {
      throw new NotFoundException(name);
    }
    return cached.info();
  }

  /**
   * The leaving-water range over which a chiller node's performance curves are valid, from the spec
   * of its part revision.
   *
   * @param partRevision the node's part revision, empty for a node without one
   * @param minC lowest valid leaving-water temperature in °C, null when the spec has none
   * @param maxC highest valid leaving-water temperature in °C, null when the spec has none
   */
  public record ChillerRange(String partRevision, Double minC, Double maxC) {}

  /**
   * Returns the chiller curve range of the node under the given revision of its twin, from a cache
   * that reads each node once per revision. NOT_FOUND when the node does not exist.
   */
  public ChillerRange chillerRange(String nodeName, String revision) {
    CachedRange cached = chillerRanges.get(nodeName);
    if (cached == null || !cached.revision().equals(revision)) {
      Node node =
          call(
              "GetNode",
              nodeName,
              stub -> stub.getNode(GetNodeRequest.newBuilder().setName(nodeName).build()));
      ChillerSpec chiller = node.getSpec().getChiller();
      ChillerRange range =
          new ChillerRange(
              node.getPartRevision(),
              chiller.hasMinLeavingChilledWaterTemperatureC()
                  ? chiller.getMinLeavingChilledWaterTemperatureC()
                  : null,
              chiller.hasMaxLeavingChilledWaterTemperatureC()
                  ? chiller.getMaxLeavingChilledWaterTemperatureC()
                  : null);
      if (chillerRanges.size() >= MAX_CACHED_POINTS) {
        chillerRanges.clear();
      }
      cached = new CachedRange(revision, range);
      chillerRanges.put(nodeName, cached);
    }
    return cached.range();
  }

  /** Returns whether the point exists under the given revision, from the same cache. */
  public boolean exists(String name, String revision) {
    try {
      point(name, revision);
      return true;
    } catch (NotFoundException e) {
      return false;
    }
  }

  /** Returns the newest active revision seen for the twin, or null before the first read. */
  public String knownRevision(String twin) {
    return revisions.get(twin);
  }

  /**
   * Reads the latest values of points of one twin, with its facility clock and active revision, in
   * one call. NOT_FOUND when a point does not exist.
   */
  public Snapshot read(String twin, List<String> names) {
    GetLatestValuesResponse response =
        call(
            "GetLatestValues",
            names.isEmpty() ? twin : names.getFirst(),
            stub ->
                stub.getLatestValues(
                    GetLatestValuesRequest.newBuilder()
                        .setParent(twin)
                        .addAllPoints(names)
                        .build()));
    Map<String, Reading> readings = new LinkedHashMap<>();
    for (PointValue value : response.getValuesList()) {
      readings.put(
          value.getPoint(),
          new Reading(
              value.getPoint(),
              value.hasValue() ? value.getValue() : null,
              value.hasFacilityTime() ? instant(value.getFacilityTime()) : null,
              value.getVersion()));
    }
    if (!response.getRevision().isEmpty()) {
      revisions.put(twin, response.getRevision());
    }
    return new Snapshot(
        response.getRevision(),
        response.hasFacilityTime() ? instant(response.getFacilityTime()) : null,
        readings);
  }

  /** Returns the twin's facility clock, or null before its first telemetry sample. */
  public Instant facilityTime(String twin) {
    Twin result =
        call(
            "GetTwin",
            twin,
            stub -> stub.getTwin(GetTwinRequest.newBuilder().setName(twin).build()));
    return result.hasFacilityTime() ? instant(result.getFacilityTime()) : null;
  }

  /** Returns the latest values of the points of one twin, in request order. */
  public List<Reading> latest(String twin, List<String> points) {
    return new ArrayList<>(read(twin, points).readings().values());
  }

  /**
   * Writes a setpoint with compare-and-set on the point's version.
   *
   * @param requestId the idempotency key; a retry with it returns the first change
   * @param facilityTime the twin's facility clock when the change was decided
   * @param action the action behind the change, {@code actions/{action}} or {@code holds/{hold}}
   */
  public AppliedChange apply(
      String point,
      double value,
      long expectedVersion,
      String requestId,
      Instant facilityTime,
      String action) {
    ApplySetpointRequest request =
        ApplySetpointRequest.newBuilder()
            .setPoint(point)
            .setValue(value)
            .setExpectedVersion(expectedVersion)
            .setRequestId(requestId)
            .setFacilityTime(timestamp(facilityTime))
            .setAction(action)
            .build();
    SetpointChange change = call("ApplySetpoint", point, stub -> stub.applySetpoint(request));
    Log.debugf(
        "applied %s = %s to twin-service for %s (version %d)",
        point, change.getValue(), action, change.getVersion());
    return new AppliedChange(
        change.getValue(),
        change.getPreviousValue(),
        change.getVersion(),
        change.hasApplyTime() ? instant(change.getApplyTime()) : Instant.now());
  }

  /** A setpoint write of a batch: the arguments of {@link #apply} for one point. */
  public record Write(
      String point,
      double value,
      long expectedVersion,
      String requestId,
      Instant facilityTime,
      String action) {}

  /**
   * Writes setpoints of one twin in one call, all of them or none, each with compare-and-set on its
   * point's version. Returns the changes in the order of the writes.
   */
  public List<AppliedChange> applyAll(String twin, List<Write> writes) {
    BatchApplySetpointsRequest.Builder request =
        BatchApplySetpointsRequest.newBuilder().setParent(twin);
    for (Write write : writes) {
      request.addRequests(
          ApplySetpointRequest.newBuilder()
              .setPoint(write.point())
              .setValue(write.value())
              .setExpectedVersion(write.expectedVersion())
              .setRequestId(write.requestId())
              .setFacilityTime(timestamp(write.facilityTime()))
              .setAction(write.action()));
    }
    BatchApplySetpointsRequest built = request.build();
    BatchApplySetpointsResponse response =
        call("BatchApplySetpoints", twin, stub -> stub.batchApplySetpoints(built));
    List<AppliedChange> changes = new ArrayList<>(response.getChangesCount());
    for (SetpointChange change : response.getChangesList()) {
      changes.add(
          new AppliedChange(
              change.getValue(),
              change.getPreviousValue(),
              change.getVersion(),
              change.hasApplyTime() ? instant(change.getApplyTime()) : Instant.now()));
    }
    Log.debugf("applied %d setpoints of %s to twin-service", changes.size(), twin);
    return changes;
  }

  private <T> T call(
      String method, String resource, Function<TwinServiceGrpc.TwinServiceBlockingStub, T> body) {
    CallCredentials credentials = bearer(readToken());
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
    String description = e.getStatus().getDescription();
    return switch (e.getStatus().getCode()) {
      case UNAVAILABLE,
          DEADLINE_EXCEEDED,
          UNAUTHENTICATED,
          PERMISSION_DENIED,
          RESOURCE_EXHAUSTED -> {
        Log.warnf("twin-service %s for %s failed: %s", method, resource, e.getStatus());
        yield new UnavailableException(
            "twin-service",
            "twin-service at "
                + address
                + " could not be reached or refused control-service ("
                + e.getStatus().getCode()
                + "); retry with the same request_id");
      }
      case NOT_FOUND -> new NotFoundException(resource);
      case ABORTED ->
          new EtagMismatchException(
              "VERSION_MISMATCH",
              resource,
              resource + " changed during the call; read the point and propose again");
      case INVALID_ARGUMENT ->
          new InvalidArgumentException("value", "twin-service rejected the value: " + description);
      default -> e;
    };
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
      Log.infof("writing setpoints to twin-service at %s", address);
    }
    return channel;
  }

  /**
   * Returns the setpoint-writer token. The file is read again when its modification time changes,
   * checked at most once a second, so a rotated token is picked up without a restart.
   */
  private String readToken() {
    CachedToken cached = token;
    long now = System.nanoTime();
    if (cached != null && now - cached.checkedNanos() < 1_000_000_000L) {
      return cached.value();
    }
    try {
      FileTime modified = Files.getLastModifiedTime(tokenFile);
      if (cached != null && cached.modified().equals(modified)) {
        token = new CachedToken(cached.value(), modified, now);
        return cached.value();
      }
      String value = Files.readString(tokenFile, StandardCharsets.US_ASCII).trim();
      if (value.isEmpty()) {
        throw new IOException("the file is empty");
      }
      token = new CachedToken(value, modified, now);
      return value;
    } catch (IOException e) {
      Log.errorf(
          "cannot read the setpoint-writer token %s: %s", tokenFile.toAbsolutePath(), e.toString());
      throw new UnavailableException(
          "twin-service",
          "control-service has no setpoint-writer token for twin-service at "
              + tokenFile.toAbsolutePath()
              + "; run 'bin/factoryctl dev init' or set control.twin.token-file");
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

  static Instant instant(Timestamp timestamp) {
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }

  static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder()
        .setSeconds(instant.getEpochSecond())
        .setNanos(instant.getNano())
        .build();
  }

  @PreDestroy
  synchronized void close() {
    if (channel != null) {
      channel.shutdownNow();
    }
  }
}
