package io.factorytwin.dsx;

import io.factorytwin.twin.v1.EdgeKind;
import io.factorytwin.twin.v1.GetNodeRequest;
import io.factorytwin.twin.v1.GetTwinRequest;
import io.factorytwin.twin.v1.ListNodesRequest;
import io.factorytwin.twin.v1.ListNodesResponse;
import io.factorytwin.twin.v1.ListPointsRequest;
import io.factorytwin.twin.v1.ListPointsResponse;
import io.factorytwin.twin.v1.ObservedEdge;
import io.factorytwin.twin.v1.Path;
import io.factorytwin.twin.v1.Point;
import io.factorytwin.twin.v1.RecordObservedEdgesRequest;
import io.factorytwin.twin.v1.TraverseDirection;
import io.factorytwin.twin.v1.TraverseRequest;
import io.factorytwin.twin.v1.TraverseResponse;
import io.factorytwin.twin.v1.TwinServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The unary calls the bridge makes to twin-service: reads with the reader token, and
 * RecordObservedEdges with the telemetry-writer token. Every one is idempotent, so a call that
 * fails UNAVAILABLE or DEADLINE_EXCEEDED is tried again, up to {@code attempts} times with a
 * doubling backoff; each try has the configured deadline.
 */
final class TwinClient {

  private static final Logger LOG = Logger.getLogger(TwinClient.class);

  /** The placement label that names a node's DSX objectId or rackLocationId. */
  static final String DSX_ID_LABEL = "dsx-id";

  /** Observer prefix of the edges the bridge records; the integration name follows. */
  static final String OBSERVER_PREFIX = "dsx-exchange/";

  private final ManagedChannel channel;
  private final BridgeConfig config;
  private final TokenFile token;
  private final TokenFile writerToken;

  /**
   * @param token JWT with the role reader, for the reads
   * @param writerToken JWT with the role telemetry-writer, for RecordObservedEdges
   */
  TwinClient(ManagedChannel channel, BridgeConfig config, TokenFile token, TokenFile writerToken) {
    this.channel = channel;
    this.config = config;
    this.token = token;
    this.writerToken = writerToken;
  }

  private TwinServiceGrpc.TwinServiceBlockingStub stub() {
    return stub(token);
  }

  private TwinServiceGrpc.TwinServiceBlockingStub stub(TokenFile credentials) {
    return TwinServiceGrpc.newBlockingStub(channel)
        .withCallCredentials(credentials.credentials())
        .withDeadlineAfter(config.twinDeadline().toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Records in the twin that a power meter or sensor node measures another node, as an observed
   * MEASURES edge. twin-service stores the same edge only once, so a retry is safe.
   *
   * @return true when this call stored the edge, false when the twin recorded it before
   * @throws StatusRuntimeException INVALID_ARGUMENT when the source is not a power meter or sensor,
   *     NOT_FOUND when a node left the active revision, or the last transient failure
   */
  boolean recordMeasures(String sourceNode, String targetNode) {
    RecordObservedEdgesRequest request =
        RecordObservedEdgesRequest.newBuilder()
            .setParent(config.twin())
            .addEdges(
                ObservedEdge.newBuilder()
                    .setKind(EdgeKind.EDGE_KIND_MEASURES)
                    .setSource(sourceNode)
                    .setTarget(targetNode))
            .setObserver(OBSERVER_PREFIX + config.integration())
            .build();
    return retry("RecordObservedEdges", () -> stub(writerToken).recordObservedEdges(request))
            .getCreatedCount()
        > 0;
  }

  /** Reads the twin's active revision, {@code twins/{twin}/revisions/{revision}}. */
  String activeRevision() {
    return retry(
            "GetTwin",
            () -> stub().getTwin(GetTwinRequest.newBuilder().setName(config.twin()).build()))
        .getActiveRevision();
  }

  /**
   * The twin node of a DSX id: the node whose {@value #DSX_ID_LABEL} label is the id, else the node
   * whose id is the DSX id. Empty when neither exists.
   */
  Optional<String> resolveNode(String dsxId) {
    String filter = "labels." + DSX_ID_LABEL + " = \"" + dsxId.replace("\"", "\\\"") + "\"";
    ListNodesResponse labelled =
        retry(
            "ListNodes",
            () ->
                stub()
                    .listNodes(
                        ListNodesRequest.newBuilder()
                            .setParent(config.twin())
                            .setFilter(filter)
                            .setPageSize(2)
                            .build()));
    if (labelled.getNodesCount() > 0) {
      return Optional.of(labelled.getNodes(0).getName());
    }
    String name = config.twin() + "/nodes/" + dsxId;
    try {
      return Optional.of(
          retry("GetNode", () -> stub().getNode(GetNodeRequest.newBuilder().setName(name).build()))
              .getName());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND
          || e.getStatus().getCode() == Status.Code.INVALID_ARGUMENT) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** The points of a node, in the catalog's order. */
  List<Point> points(String node) {
    List<Point> points = new ArrayList<>();
    String pageToken = "";
    do {
      String page = pageToken;
      ListPointsResponse response =
          retry(
              "ListPoints",
              () ->
                  stub()
                      .listPoints(
                          ListPointsRequest.newBuilder()
                              .setParent(config.twin())
                              .setFilter("node = \"" + node + "\"")
                              .setPageSize(1000)
                              .setPageToken(page)
                              .build()));
      points.addAll(response.getPointsList());
      pageToken = response.getNextPageToken();
    } while (!pageToken.isEmpty());
    return points;
  }

  /**
   * The nodes reached from a node downstream along power and measurement edges: what a power meter
   * measures and everything fed through it.
   */
  Set<String> powerDownstream(String node) {
    Set<String> reached = new HashSet<>();
    String pageToken = "";
    do {
      String page = pageToken;
      TraverseResponse response =
          retry(
              "Traverse",
              () ->
                  stub()
                      .traverse(
                          TraverseRequest.newBuilder()
                              .setStartNode(node)
                              .setDirection(TraverseDirection.TRAVERSE_DIRECTION_DOWN)
                              .addEdgeKinds(EdgeKind.EDGE_KIND_MEASURES)
                              .addEdgeKinds(EdgeKind.EDGE_KIND_FEEDS_POWER)
                              .setPageSize(1000)
                              .setPageToken(page)
                              .build()));
      for (Path path : response.getPathsList()) {
        reached.addAll(path.getNodesList());
      }
      pageToken = response.getNextPageToken();
    } while (!pageToken.isEmpty());
    return reached;
  }

  private <T> T retry(String call, Supplier<T> body) {
    Duration backoff = Duration.ofMillis(100);
    for (int attempt = 1; ; attempt++) {
      try {
        return body.get();
      } catch (StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        boolean transientFailure =
            code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED;
        if (!transientFailure || attempt >= config.twinAttempts()) {
          throw e;
        }
        LOG.debugf("%s failed with %s; try %d follows", call, code, attempt + 1);
        try {
          Thread.sleep(backoff.toMillis());
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
        backoff = backoff.multipliedBy(2);
      }
    }
  }
}
