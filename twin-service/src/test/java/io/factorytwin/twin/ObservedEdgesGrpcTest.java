package io.factorytwin.twin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.Any;
import com.google.rpc.ErrorInfo;
import io.factorytwin.testing.GrpcClients;
import io.factorytwin.testing.PostgresDatabase;
import io.factorytwin.testing.StatusDetails;
import io.factorytwin.testing.TestKeys;
import io.factorytwin.twin.v1.Edge;
import io.factorytwin.twin.v1.EdgeKind;
import io.factorytwin.twin.v1.EdgeOrigin;
import io.factorytwin.twin.v1.ListEdgesRequest;
import io.factorytwin.twin.v1.ListEdgesResponse;
import io.factorytwin.twin.v1.ObservedEdge;
import io.factorytwin.twin.v1.Path;
import io.factorytwin.twin.v1.RecordObservedEdgesRequest;
import io.factorytwin.twin.v1.RecordObservedEdgesResponse;
import io.factorytwin.twin.v1.TraverseDirection;
import io.factorytwin.twin.v1.TraverseRequest;
import io.factorytwin.twin.v1.TwinServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * RecordObservedEdges and the graph reads that add observed edges, on one hall with a temperature
 * sensor per rack whose design MEASURES edge joins it to its own rack.
 */
@QuarkusTest
@WithTestResource(PostgresDatabase.class)
@WithTestResource(TestKeys.class)
class ObservedEdgesGrpcTest {

  private static final String SENSOR = "hall-1.row-01.rack-01-sensor-1";
  private static final String RACK_1 = "hall-1.row-01.rack-01";
  private static final String RACK_2 = "hall-1.row-01.rack-02";
  private static final String OBSERVER = "dsx-exchange/FT";

  @ConfigProperty(name = "quarkus.http.test-port")
  int port;

  private ManagedChannel channel;
  private TwinClient twin;
  private TwinServiceGrpc.TwinServiceBlockingStub bridge;

  @BeforeEach
  void connect() {
    channel = GrpcClients.channel(port);
    twin = new TwinClient(channel);
    bridge =
        TwinServiceGrpc.newBlockingStub(channel)
            .withCallCredentials(
                GrpcClients.bearer(TestKeys.token("dsx-bridge", "telemetry-writer")))
            .withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  @AfterEach
  void disconnect() {
    GrpcClients.close(channel);
  }

  private String newTwin(String designRevision) {
    String twinId = "t-" + UUID.randomUUID().toString().substring(0, 8);
    twin.apply(HallDesign.campus(1, 1).stream(twinId, designRevision, 500, true), true);
    return twinId;
  }

  private static String node(String twinId, String nodeId) {
    return "twins/" + twinId + "/nodes/" + nodeId;
  }

  private static ObservedEdge measures(String twinId, String source, String target) {
    return ObservedEdge.newBuilder()
        .setKind(EdgeKind.EDGE_KIND_MEASURES)
        .setSource(node(twinId, source))
        .setTarget(node(twinId, target))
        .build();
  }

  private static RecordObservedEdgesRequest request(String twinId, ObservedEdge... edges) {
    return RecordObservedEdgesRequest.newBuilder()
        .setParent("twins/" + twinId)
        .addAllEdges(List.of(edges))
        .setObserver(OBSERVER)
        .build();
  }

  private List<Edge> edges(String twinId, String filter, int pageSize) {
    List<Edge> edges = new ArrayList<>();
    String token = "";
    do {
      ListEdgesResponse page =
          twin.reader.listEdges(
              ListEdgesRequest.newBuilder()
                  .setParent("twins/" + twinId)
                  .setFilter(filter)
                  .setPageSize(pageSize)
                  .setPageToken(token)
                  .build());
      edges.addAll(page.getEdgesList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return edges;
  }

  private List<String> measuredFrom(String twinId, String source) {
    List<String> reached = new ArrayList<>();
    for (Path path :
        twin.reader
            .traverse(
                TraverseRequest.newBuilder()
                    .setStartNode(node(twinId, source))
                    .setDirection(TraverseDirection.TRAVERSE_DIRECTION_DOWN)
                    .addEdgeKinds(EdgeKind.EDGE_KIND_MEASURES)
                    .build())
            .getPathsList()) {
      reached.addAll(path.getNodesList().subList(1, path.getNodesCount()));
    }
    return reached;
  }

  private static Map<String, String> errorMetadata(StatusRuntimeException failure) {
    for (Any detail : StatusProto.fromThrowable(failure).getDetailsList()) {
      if (detail.is(ErrorInfo.class)) {
        try {
          return detail.unpack(ErrorInfo.class).getMetadataMap();
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
          throw new AssertionError("ErrorInfo does not parse", e);
        }
      }
    }
    return Map.of();
  }

  @Test
  void record_edgeJoinsGraphReads() {
    String twinId = newTwin("designs/observed/revisions/a");
    assertThat(measuredFrom(twinId, SENSOR)).containsExactly(node(twinId, RACK_1));

    RecordObservedEdgesResponse recorded =
        bridge.recordObservedEdges(request(twinId, measures(twinId, SENSOR, RACK_2)));

    assertThat(recorded.getCreatedCount()).isEqualTo(1);
    assertThat(recorded.getEdgesList())
        .containsExactly(
            Edge.newBuilder()
                .setKind(EdgeKind.EDGE_KIND_MEASURES)
                .setSource(node(twinId, SENSOR))
                .setTarget(node(twinId, RACK_2))
                .setOrigin(EdgeOrigin.EDGE_ORIGIN_OBSERVED)
                .setObserver(OBSERVER)
                .build());
    assertThat(measuredFrom(twinId, SENSOR))
        .containsExactlyInAnyOrder(node(twinId, RACK_1), node(twinId, RACK_2));
    List<String> measuring = new ArrayList<>();
    for (Path path :
        twin.reader
            .traverse(
                TraverseRequest.newBuilder()
                    .setStartNode(node(twinId, RACK_2))
                    .setDirection(TraverseDirection.TRAVERSE_DIRECTION_UP)
                    .addEdgeKinds(EdgeKind.EDGE_KIND_MEASURES)
                    .build())
            .getPathsList()) {
      measuring.addAll(path.getNodesList().subList(1, path.getNodesCount()));
    }
    assertThat(measuring)
        .containsExactlyInAnyOrder(
            node(twinId, SENSOR), node(twinId, "hall-1.row-01.rack-02-sensor-1"));

    List<Edge> observed = edges(twinId, "origin = EDGE_ORIGIN_OBSERVED", 50);
    assertThat(observed).containsExactlyElementsOf(recorded.getEdgesList());
    List<Edge> design = edges(twinId, "origin = EDGE_ORIGIN_DESIGN", 1000);
    assertThat(design).isNotEmpty();
    assertThat(design).allMatch(edge -> edge.getObserver().isEmpty());

    // Small pages return the same edges as one large page: the token is a keyset.
    List<Edge> all = edges(twinId, "", 1000);
    assertThat(all).hasSize(design.size() + 1);
    assertThat(all).extracting(Edge::getSource).isSorted();
    assertThat(edges(twinId, "", 7)).containsExactlyElementsOf(all);
  }

  @Test
  void record_sameEdgeTwice_storesOne() {
    String twinId = newTwin("designs/observed/revisions/a");

    RecordObservedEdgesResponse first =
        bridge.recordObservedEdges(
            request(twinId, measures(twinId, SENSOR, RACK_2), measures(twinId, SENSOR, RACK_2)));
    RecordObservedEdgesResponse again =
        twin.operator.recordObservedEdges(
            request(twinId, measures(twinId, SENSOR, RACK_2)).toBuilder()
                .setObserver("operator-console")
                .build());

    assertThat(first.getCreatedCount()).isEqualTo(1);
    assertThat(first.getEdgesCount()).isEqualTo(2);
    assertThat(again.getCreatedCount()).isZero();
    // The edge keeps its first observer.
    assertThat(again.getEdges(0).getObserver()).isEqualTo(OBSERVER);
    assertThat(edges(twinId, "origin = EDGE_ORIGIN_OBSERVED", 50)).hasSize(1);
  }

  @Test
  void record_designEdge_listedOnce() {
    String twinId = newTwin("designs/observed/revisions/a");

    RecordObservedEdgesResponse recorded =
        bridge.recordObservedEdges(request(twinId, measures(twinId, SENSOR, RACK_1)));

    assertThat(recorded.getCreatedCount()).isEqualTo(1);
    List<Edge> listed =
        edges(
            twinId,
            "source = \""
                + node(twinId, SENSOR)
                + "\" AND target = \""
                + node(twinId, RACK_1)
                + "\"",
            50);
    assertThat(listed).hasSize(1);
    assertThat(listed.get(0).getOrigin()).isEqualTo(EdgeOrigin.EDGE_ORIGIN_DESIGN);
    assertThat(measuredFrom(twinId, SENSOR)).containsExactly(node(twinId, RACK_1));
  }

  @Test
  void record_survivesNewDesignRevision() {
    String twinId = newTwin("designs/observed/revisions/a");
    bridge.recordObservedEdges(request(twinId, measures(twinId, SENSOR, RACK_2)));

    twin.apply(
        HallDesign.campus(1, 1).stream(twinId, "designs/observed/revisions/b", 500, true), true);

    assertThat(
            twin.reader
                .getTwin(
                    io.factorytwin.twin.v1.GetTwinRequest.newBuilder()
                        .setName("twins/" + twinId)
                        .build())
                .getActiveRevision())
        .isEqualTo("twins/" + twinId + "/revisions/b");
    assertThat(measuredFrom(twinId, SENSOR))
        .containsExactlyInAnyOrder(node(twinId, RACK_1), node(twinId, RACK_2));
  }

  @Test
  void record_badInput_rejectedAndStoresNothing() {
    String twinId = newTwin("designs/observed/revisions/a");
    ObservedEdge good = measures(twinId, SENSOR, RACK_2);
    record Case(RecordObservedEdgesRequest request, String field) {}
    List<Case> cases =
        List.of(
            new Case(request(twinId, good).toBuilder().setObserver("").build(), "observer"),
            new Case(request(twinId), "edges"),
            new Case(
                request(twinId, good.toBuilder().setKind(EdgeKind.EDGE_KIND_FEEDS_POWER).build()),
                "edges[0].kind"),
            new Case(
                request(twinId, good, good.toBuilder().setSource("nodes/" + SENSOR).build()),
                "edges[1].source"),
            new Case(
                request(twinId, good.toBuilder().setTarget(node("t-other", RACK_2)).build()),
                "edges[0].target"),
            new Case(request(twinId, measures(twinId, SENSOR, SENSOR)), "edges[0].target"),
            new Case(request(twinId, measures(twinId, RACK_1, RACK_2)), "edges[0].source"));
    for (Case c : cases) {
      StatusRuntimeException failure =
          catchThrowableOfType(
              StatusRuntimeException.class, () -> bridge.recordObservedEdges(c.request()));
      assertThat(failure).as(c.field()).isNotNull();
      assertThat(failure.getStatus().getCode())
          .as(c.field())
          .isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(StatusDetails.fields(failure)).as(c.field()).containsExactly(c.field());
    }

    // A node absent from the active revision, after a good edge: NOT_FOUND names the field.
    String missing = node(twinId, "hall-1.row-01.rack-99");
    StatusRuntimeException notFound =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                bridge.recordObservedEdges(
                    request(twinId, good, good.toBuilder().setTarget(missing).build())));
    assertThat(notFound.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(errorMetadata(notFound))
        .containsEntry("resource", missing)
        .containsEntry("field", "edges[1].target");

    StatusRuntimeException unknownTwin =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> bridge.recordObservedEdges(request("t-unknown-twin", good)));
    assertThat(unknownTwin.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);

    StatusRuntimeException reader =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> twin.reader.recordObservedEdges(request(twinId, good)));
    assertThat(reader.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);

    assertThat(edges(twinId, "origin = EDGE_ORIGIN_OBSERVED", 50)).isEmpty();
    assertThat(measuredFrom(twinId, SENSOR)).containsExactly(node(twinId, RACK_1));
  }
}
