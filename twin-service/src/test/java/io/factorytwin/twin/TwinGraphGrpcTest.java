package io.factorytwin.twin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.Timestamp;
import io.factorytwin.common.v1.Connection;
import io.factorytwin.common.v1.Placement;
import io.factorytwin.testing.GrpcClients;
import io.factorytwin.testing.PostgresDatabase;
import io.factorytwin.testing.StatusDetails;
import io.factorytwin.testing.TestKeys;
import io.factorytwin.twin.v1.ActivateTwinRevisionRequest;
import io.factorytwin.twin.v1.AnalyzeImpactRequest;
import io.factorytwin.twin.v1.AnalyzeImpactResponse;
import io.factorytwin.twin.v1.ApplyDesignRequest;
import io.factorytwin.twin.v1.ApplyDesignResponse;
import io.factorytwin.twin.v1.ApplySetpointRequest;
import io.factorytwin.twin.v1.BatchApplySetpointsRequest;
import io.factorytwin.twin.v1.EdgeKind;
import io.factorytwin.twin.v1.GetNodeRequest;
import io.factorytwin.twin.v1.GetPointRequest;
import io.factorytwin.twin.v1.GetTwinRequest;
import io.factorytwin.twin.v1.ImpactKind;
import io.factorytwin.twin.v1.ListNodesRequest;
import io.factorytwin.twin.v1.ListNodesResponse;
import io.factorytwin.twin.v1.ListSetpointHistoryRequest;
import io.factorytwin.twin.v1.ListTwinRevisionsRequest;
import io.factorytwin.twin.v1.Node;
import io.factorytwin.twin.v1.Path;
import io.factorytwin.twin.v1.Point;
import io.factorytwin.twin.v1.RackImpact;
import io.factorytwin.twin.v1.SetpointChange;
import io.factorytwin.twin.v1.TraverseDirection;
import io.factorytwin.twin.v1.TraverseRequest;
import io.factorytwin.twin.v1.Twin;
import io.factorytwin.twin.v1.UpstreamCondition;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(PostgresDatabase.class)
@WithTestResource(TestKeys.class)
class TwinGraphGrpcTest {

  @ConfigProperty(name = "quarkus.http.test-port")
  int port;

  private ManagedChannel channel;
  private TwinClient twin;

  @BeforeEach
  void connect() {
    channel = GrpcClients.channel(port);
    twin = new TwinClient(channel);
  }

  @AfterEach
  void disconnect() {
    GrpcClients.close(channel);
  }

  private static String newTwinId() {
    return "t-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Builds the 8-row reference hall into a new twin and returns the twin id. */
  private String referenceHall() {
    String twinId = newTwinId();
    twin.apply(
        HallDesign.of(8).stream(twinId, "designs/reference-hall/revisions/a", 500, false), true);
    return twinId;
  }

  private String node(String twinId, String nodeId) {
    return "twins/" + twinId + "/nodes/" + nodeId;
  }

  @Test
  void applyDesign_buildsTheGraph_andIsIdempotentByDesignRevision() {
    String twinId = newTwinId();
    List<ApplyDesignRequest> stream =
        HallDesign.of(8).stream(twinId, "designs/reference-hall/revisions/a", 500, false);

    ApplyDesignResponse first = twin.apply(stream, true);
    ApplyDesignResponse again = twin.apply(stream, true);
    Twin read = twin.reader.getTwin(GetTwinRequest.newBuilder().setName("twins/" + twinId).build());

    // 1 site + 1 hall + 8 rows + 2 utilities + 9 dry coolers + 8 transformers
    // + per row (2 UPS + 4 RPP + 3 CDU + 2 CRAH + 16 racks = 27) * 8.
    long nodes = 1 + 1 + 8 + 2 + 9 + 8 + 27 * 8;
    assertThat(first.getNewlyBuilt()).isTrue();
    assertThat(first.getTwinRevision().getName()).isEqualTo("twins/" + twinId + "/revisions/a");
    assertThat(first.getTwinRevision().getNodeCount()).isEqualTo(nodes);
    assertThat(first.getTwinRevision().getActive()).isTrue();
    assertThat(again.getNewlyBuilt()).isFalse();
    assertThat(again.getTwinRevision().getName()).isEqualTo(first.getTwinRevision().getName());
    assertThat(read.getActiveRevision()).isEqualTo("twins/" + twinId + "/revisions/a");
    assertThat(read.getDisplayName()).isEqualTo("Leesburg, Virginia");
    assertThat(
            twin.reader
                .listTwinRevisions(
                    ListTwinRevisionsRequest.newBuilder().setParent("twins/" + twinId).build())
                .getTwinRevisionsCount())
        .isEqualTo(1);
  }

  @Test
  void applyDesign_streamWithoutCommit_storesNothing() {
    String twinId = newTwinId();
    List<ApplyDesignRequest> stream =
        new ArrayList<>(HallDesign.of(2).stream(twinId, "designs/d/revisions/a", 100, false));
    stream.remove(stream.size() - 1);

    StatusRuntimeException failure =
        catchThrowableOfType(StatusRuntimeException.class, () -> twin.apply(stream, true));

    assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(StatusDetails.reason(failure)).isEqualTo("STREAM_INCOMPLETE");
    assertNoTwin(twinId);
  }

  @Test
  void applyDesign_gapInSequenceOrWrongCounts_areIncomplete() {
    String twinId = newTwinId();
    List<ApplyDesignRequest> gap =
        new ArrayList<>(HallDesign.of(2).stream(twinId, "designs/d/revisions/a", 100, false));
    gap.remove(2);
    List<ApplyDesignRequest> counts =
        new ArrayList<>(HallDesign.of(2).stream(twinId, "designs/d/revisions/a", 100, false));
    counts.set(
        0,
        counts.get(0).toBuilder()
            .setHeader(counts.get(0).getHeader().toBuilder().setPlacementCount(3))
            .build());

    StatusRuntimeException gapFailure =
        catchThrowableOfType(StatusRuntimeException.class, () -> twin.apply(gap, true));
    StatusRuntimeException countFailure =
        catchThrowableOfType(StatusRuntimeException.class, () -> twin.apply(counts, true));

    assertThat(StatusDetails.reason(gapFailure)).isEqualTo("STREAM_INCOMPLETE");
    assertThat(StatusDetails.fields(gapFailure)).containsExactly("chunk.sequence");
    assertThat(StatusDetails.reason(countFailure)).isEqualTo("STREAM_INCOMPLETE");
    assertThat(StatusDetails.fields(countFailure)).containsExactly("header.placement_count");
    assertNoTwin(twinId);
  }

  @Test
  void applyDesign_badContent_namesTheElement_andStoresNothing() {
    String twinId = newTwinId();
    HallDesign unknownPart = HallDesign.of(1);
    unknownPart.placements.add(
        Placement.newBuilder()
            .setId("hall-1.row-01.rack-99")
            .setPartRevision("parts/nope/revisions/a")
            .build());
    HallDesign crossDomain = HallDesign.of(1);
    crossDomain.connections.add(
        Connection.newBuilder()
            .setId("bad")
            .setSourcePlacement("hall-1.row-01.cdu-1")
            .setSourcePort("tcs-supply")
            .setTargetPlacement("hall-1.row-01.rack-01")
            .setTargetPort("power-a")
            .build());

    StatusRuntimeException partFailure =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                twin.apply(
                    unknownPart.stream(twinId, "designs/d/revisions/a", 10_000, false), true));
    StatusRuntimeException domainFailure =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                twin.apply(
                    crossDomain.stream(twinId, "designs/d/revisions/a", 10_000, false), true));

    assertThat(partFailure.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(StatusDetails.fields(partFailure))
        .singleElement()
        .satisfies(
            field ->
                assertThat(field).matches("chunks\\[\\d+]\\.placements\\[\\d+]\\.part_revision"));
    assertThat(domainFailure.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(domainFailure.getStatus().getDescription()).contains("one domain");
    assertNoTwin(twinId);
  }

  @Test
  void applyDesign_ofAnotherDesign_isRejected() {
    String twinId = referenceHall();

    StatusRuntimeException failure =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                twin.apply(
                    HallDesign.of(1).stream(twinId, "designs/other/revisions/a", 500, false),
                    true));

    assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(StatusDetails.reason(failure)).isEqualTo("DESIGN_MISMATCH");
  }

  @Test
  void activate_switchesRevisions_withEtag() {
    String twinId = referenceHall();
    ApplyDesignResponse b =
        twin.apply(
            HallDesign.of(2).stream(twinId, "designs/reference-hall/revisions/b", 500, false),
            true);
    Twin before =
        twin.reader.getTwin(GetTwinRequest.newBuilder().setName("twins/" + twinId).build());

    Twin after =
        twin.operator.activateTwinRevision(
            ActivateTwinRevisionRequest.newBuilder()
                .setName(b.getTwinRevision().getName())
                .setEtag(before.getEtag())
                .build());
    StatusRuntimeException stale =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                twin.operator.activateTwinRevision(
                    ActivateTwinRevisionRequest.newBuilder()
                        .setName("twins/" + twinId + "/revisions/a")
                        .setEtag(before.getEtag())
                        .build()));
    Node oldRack =
        twin.reader.getNode(
            GetNodeRequest.newBuilder()
                .setName(node(twinId, "hall-1.row-08.rack-01"))
                .setRevision("twins/" + twinId + "/revisions/a")
                .build());

    assertThat(b.getTwinRevision().getActive()).isFalse();
    assertThat(before.getActiveRevision()).endsWith("/revisions/a");
    assertThat(after.getActiveRevision()).endsWith("/revisions/b");
    assertThat(after.getEtag()).isNotEqualTo(before.getEtag());
    assertThat(stale.getStatus().getCode()).isEqualTo(Status.Code.ABORTED);
    assertThat(oldRack.getRevision()).endsWith("/revisions/a");
    assertThatThrownBy(
            () ->
                twin.reader.getNode(
                    GetNodeRequest.newBuilder()
                        .setName(node(twinId, "hall-1.row-08.rack-01"))
                        .build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  @Test
  void listNodes_filtersAndPagesStably() {
    String twinId = referenceHall();
    List<String> paged = new ArrayList<>();
    String token = "";
    do {
      ListNodesResponse page =
          twin.reader.listNodes(
              ListNodesRequest.newBuilder()
                  .setParent("twins/" + twinId)
                  .setFilter(
                      "equipment_class = EQUIPMENT_CLASS_CDU AND attributes.cooling_capacity_kw >= 1350")
                  .setPageSize(5)
                  .setPageToken(token)
                  .build());
      page.getNodesList().forEach(n -> paged.add(n.getName()));
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    List<Node> labelled =
        twin.reader
            .listNodes(
                ListNodesRequest.newBuilder()
                    .setParent("twins/" + twinId)
                    .setFilter("labels.asset-tag = \"AT-3-7\"")
                    .build())
            .getNodesList();

    assertThat(paged).hasSize(24).doesNotHaveDuplicates().isSorted();
    assertThat(labelled)
        .extracting(Node::getName)
        .containsExactly(node(twinId, "hall-1.row-03.rack-07"));
    assertThat(labelled.get(0).getParent()).isEqualTo(node(twinId, "hall-1.row-03"));
    assertThat(labelled.get(0).getAttributesMap().get("design_power_kw").getNumberValue())
        .isEqualTo(120);
    assertThatThrownBy(
            () ->
                twin.reader.listNodes(
                    ListNodesRequest.newBuilder()
                        .setParent("twins/" + twinId)
                        .setFilter("voltage > 3")
                        .build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(StatusDetails.fields(e)).containsExactly("filter"));
  }

  @Test
  void listNodes_withUpstreamCondition_findsRacksByWhatCoolsThem() {
    String twinId = referenceHall();

    List<Node> racks =
        twin.reader
            .listNodes(
                ListNodesRequest.newBuilder()
                    .setParent("twins/" + twinId)
                    .setFilter("equipment_class = EQUIPMENT_CLASS_RACK_SYSTEM")
                    .setUpstream(
                        UpstreamCondition.newBuilder()
                            .addEdgeKinds(EdgeKind.EDGE_KIND_SUPPLIES_COOLANT)
                            .setFilter("parent = \"" + node(twinId, "hall-1.row-02") + "\""))
                    .setPageSize(100)
                    .build())
            .getNodesList();

    assertThat(racks)
        .extracting(Node::getName)
        .containsExactlyElementsOf(
            IntStream.rangeClosed(1, 16)
                .mapToObj(k -> node(twinId, String.format("hall-1.row-02.rack-%02d", k)))
                .toList());
  }

  @Test
  void traverse_fromARackUpTheFeeds_reachesBothUtilities() {
    String twinId = referenceHall();

    List<Path> paths =
        twin.reader
            .traverse(
                TraverseRequest.newBuilder()
                    .setStartNode(node(twinId, "hall-1.row-01.rack-01"))
                    .setDirection(TraverseDirection.TRAVERSE_DIRECTION_UP)
                    .addEdgeKinds(EdgeKind.EDGE_KIND_FEEDS_POWER)
                    .build())
            .getPathsList();

    assertThat(paths)
        .extracting(
            path ->
                String.join(
                    " < ",
                    path.getNodesList().stream()
                        .map(n -> n.substring(n.lastIndexOf('/') + 1))
                        .toList()))
        .containsExactlyInAnyOrder(
            "hall-1.row-01.rack-01 < hall-1.row-01.rpp-a1 < hall-1.ups-a1 < transformer-a1 < utility-a",
            "hall-1.row-01.rack-01 < hall-1.row-01.rpp-b1 < hall-1.ups-b1 < transformer-b1 < utility-b");
    assertThat(paths.get(0).getEdgesCount()).isEqualTo(4);
  }

  private AnalyzeImpactResponse impact(String twinId, String... failed) {
    AnalyzeImpactRequest.Builder request =
        AnalyzeImpactRequest.newBuilder().setParent("twins/" + twinId);
    for (String node : failed) {
      request.addFailedNodes(node(twinId, node));
    }
    return twin.reader.analyzeImpact(request.build());
  }

  private List<String> row(String twinId, int row, int from, int to) {
    return IntStream.rangeClosed(from, to)
        .mapToObj(k -> node(twinId, String.format("hall-1.row-%02d.rack-%02d", row, k)))
        .toList();
  }

  @Test
  void impact_oneCdu_reducesRedundancyOfItsRow() {
    String twinId = referenceHall();

    AnalyzeImpactResponse response = impact(twinId, "hall-1.row-01.cdu-2");

    // Checked by hand: the 16 racks of row 1 draw 16 x 120 kW x 0.9 = 1,728 kW of liquid heat;
    // two CDUs of 1,350 kW are left, 2,700 kW, so 972 kW of margin and no rack loses cooling.
    assertThat(response.getEvaluatedRackCount()).isEqualTo(128);
    assertThat(response.getAffectedRacksList())
        .extracting(RackImpact::getRack)
        .containsExactlyElementsOf(row(twinId, 1, 1, 16));
    assertThat(response.getAffectedRacksList())
        .allSatisfy(
            rack -> {
              assertThat(rack.getImpactsList())
                  .containsExactly(ImpactKind.IMPACT_KIND_REDUNDANCY_REDUCED);
              assertThat(rack.getCausesList()).containsExactly(node(twinId, "hall-1.row-01.cdu-2"));
            });
    assertThat(response.getGroupsList())
        .singleElement()
        .satisfies(
            group -> {
              assertThat(group.getGroup()).isEqualTo("hall-1.row-01.cdus");
              assertThat(group.getRemainingCapacityKw()).isEqualTo(2700.0);
              assertThat(group.getLoadKw())
                  .isCloseTo(1728.0, org.assertj.core.data.Offset.offset(1e-6));
            });
  }

  @Test
  void impact_twoCdusOfOneGroup_cutCoolingOfTheRow() {
    String twinId = referenceHall();

    AnalyzeImpactResponse response = impact(twinId, "hall-1.row-01.cdu-1", "hall-1.row-01.cdu-3");

    // One CDU of 1,350 kW is left for 1,728 kW: the whole row loses cooling; no other row changes.
    assertThat(response.getAffectedRacksList())
        .extracting(RackImpact::getRack)
        .containsExactlyElementsOf(row(twinId, 1, 1, 16));
    assertThat(response.getAffectedRacksList())
        .allSatisfy(
            rack -> {
              assertThat(rack.getImpactsList())
                  .containsExactly(ImpactKind.IMPACT_KIND_LOSES_COOLING);
              assertThat(rack.hasCapacityMarginKw()).isFalse();
              assertThat(rack.getReason())
                  .contains("hall-1.row-01.cdus has 1350 kW left for 1728 kW");
            });
  }

  @Test
  void impact_oneUps_leavesPathB() {
    String twinId = referenceHall();

    AnalyzeImpactResponse response = impact(twinId, "hall-1.ups-a3");

    // ups-a3 feeds rpp-a1 and rpp-a2 of row 3; each rack keeps its B feed through ups-b3, whose
    // 2,000 kW carries the row's 1,920 kW: redundancy reduced, 80 kW of margin.
    assertThat(response.getAffectedRacksList())
        .extracting(RackImpact::getRack)
        .containsExactlyElementsOf(row(twinId, 3, 1, 16));
    assertThat(response.getAffectedRacksList())
        .allSatisfy(
            rack -> {
              assertThat(rack.getImpactsList())
                  .containsExactly(ImpactKind.IMPACT_KIND_REDUNDANCY_REDUCED);
              assertThat(rack.getCapacityMarginKw()).isLessThanOrEqualTo(80.0 + 1e-6);
            });
  }

  @Test
  void impact_bothUpsOfARow_cutPowerOfThatRowOnly() {
    String twinId = referenceHall();

    AnalyzeImpactResponse response = impact(twinId, "hall-1.ups-a5", "hall-1.ups-b5");

    assertThat(response.getAffectedRacksList())
        .extracting(RackImpact::getRack)
        .containsExactlyElementsOf(row(twinId, 5, 1, 16));
    assertThat(response.getAffectedRacksList())
        .allSatisfy(
            rack -> {
              assertThat(rack.getImpactsList()).containsExactly(ImpactKind.IMPACT_KIND_LOSES_POWER);
              assertThat(rack.getCausesList())
                  .containsExactly(node(twinId, "hall-1.ups-a5"), node(twinId, "hall-1.ups-b5"));
            });
  }

  @Test
  void impact_ofAnUnknownNode_isNotFound() {
    String twinId = referenceHall();

    StatusRuntimeException failure =
        catchThrowableOfType(StatusRuntimeException.class, () -> impact(twinId, "hall-1.ups-z9"));

    assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
  }

  private ApplySetpointRequest setpoint(String point, double value, long version) {
    return ApplySetpointRequest.newBuilder()
        .setPoint(point)
        .setValue(value)
        .setExpectedVersion(version)
        .setRequestId(UUID.randomUUID().toString())
        .setAction("actions/a-" + UUID.randomUUID())
        .setFacilityTime(Timestamp.newBuilder().setSeconds(1_780_000_000))
        .build();
  }

  @Test
  void applySetpoint_comparesAndSets_andRecordsHistory() {
    String twinId = referenceHall();
    String point =
        "twins/" + twinId + "/points/hall-1.row-01.cdu-1.liquid-temperature-sp.secondary-supply";
    Point before = twin.reader.getPoint(GetPointRequest.newBuilder().setName(point).build());

    ApplySetpointRequest first = setpoint(point, 32, 1);
    SetpointChange applied = twin.control.applySetpoint(first);
    SetpointChange retried = twin.control.applySetpoint(first);
    StatusRuntimeException stale =
        catchThrowableOfType(
            StatusRuntimeException.class, () -> twin.control.applySetpoint(setpoint(point, 33, 1)));
    Point after = twin.reader.getPoint(GetPointRequest.newBuilder().setName(point).build());
    List<SetpointChange> history =
        twin.reader
            .listSetpointHistory(
                ListSetpointHistoryRequest.newBuilder().setParent("twins/" + twinId).build())
            .getChangesList();

    assertThat(before.getKind()).isEqualTo(Point.Kind.KIND_SETPOINT);
    assertThat(before.getDefaultValue()).isEqualTo(30.0);
    assertThat(before.getVersion()).isEqualTo(1);
    assertThat(before.getDsxPointType()).isEqualTo("LiquidTemperatureSpRequest");
    assertThat(before.getPairedPoint())
        .endsWith("hall-1.row-01.cdu-1.liquid-temperature.secondary-supply");
    assertThat(applied.getPreviousValue()).isEqualTo(30.0);
    assertThat(applied.getVersion()).isEqualTo(2);
    assertThat(applied.getWriter()).isEqualTo("control-service");
    assertThat(applied.hasRequestedFacilityTime()).isTrue();
    assertThat(applied.hasFacilityTime()).as("no telemetry yet, so no facility clock").isFalse();
    assertThat(retried).isEqualTo(applied);
    assertThat(stale.getStatus().getCode()).isEqualTo(Status.Code.ABORTED);
    assertThat(StatusDetails.reason(stale)).isEqualTo("VERSION_MISMATCH");
    assertThat(after.getVersion()).isEqualTo(2);
    assertThat(history).containsExactly(applied);
  }

  @Test
  void batchApplySetpoints_appliesAllOrNothing() {
    String twinId = referenceHall();
    String parent = "twins/" + twinId;
    String supply = parent + "/points/hall-1.row-01.cdu-1.liquid-temperature-sp.secondary-supply";
    String pump = parent + "/points/hall-1.row-01.cdu-1.pump-speed-sp";
    String otherPump = parent + "/points/hall-1.row-01.cdu-2.pump-speed-sp";

    StatusRuntimeException stale =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                twin.control.batchApplySetpoints(
                    BatchApplySetpointsRequest.newBuilder()
                        .setParent(parent)
                        .addRequests(setpoint(supply, 32, 1))
                        .addRequests(setpoint(pump, 60, 7))
                        .build()));
    StatusRuntimeException outOfRange =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                twin.control.batchApplySetpoints(
                    BatchApplySetpointsRequest.newBuilder()
                        .setParent(parent)
                        .addRequests(setpoint(supply, 32, 1))
                        .addRequests(setpoint(pump, 140, 1))
                        .build()));
    StatusRuntimeException twice =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                twin.control.batchApplySetpoints(
                    BatchApplySetpointsRequest.newBuilder()
                        .setParent(parent)
                        .addRequests(setpoint(pump, 50, 1))
                        .addRequests(setpoint(pump, 55, 1))
                        .build()));
    long versionAfterFailures =
        twin.reader.getPoint(GetPointRequest.newBuilder().setName(supply).build()).getVersion();
    BatchApplySetpointsRequest good =
        BatchApplySetpointsRequest.newBuilder()
            .setParent(parent)
            .addRequests(setpoint(supply, 32, 1))
            .addRequests(setpoint(pump, 60, 1))
            .addRequests(setpoint(otherPump, 65, 1))
            .build();
    List<SetpointChange> applied = twin.control.batchApplySetpoints(good).getChangesList();
    List<SetpointChange> retried = twin.control.batchApplySetpoints(good).getChangesList();

    assertThat(stale.getStatus().getCode()).isEqualTo(Status.Code.ABORTED);
    assertThat(StatusDetails.reason(stale)).isEqualTo("VERSION_MISMATCH");
    assertThat(StatusDetails.fields(outOfRange)).containsExactly("requests[1].value");
    assertThat(StatusDetails.fields(twice)).containsExactly("requests[1].point");
    assertThat(versionAfterFailures).as("the failed batches applied nothing").isEqualTo(1);
    assertThat(applied).extracting(SetpointChange::getValue).containsExactly(32.0, 60.0, 65.0);
    assertThat(applied).extracting(SetpointChange::getVersion).containsExactly(2L, 2L, 2L);
    assertThat(retried).isEqualTo(applied);
  }

  @Test
  void batchApply_onWrittenPoints_checksEachVersion() {
    String parent = "twins/" + referenceHall();
    String supply = parent + "/points/hall-1.row-01.cdu-1.liquid-temperature-sp.secondary-supply";
    String pump = parent + "/points/hall-1.row-01.cdu-1.pump-speed-sp";
    String otherPump = parent + "/points/hall-1.row-01.cdu-2.pump-speed-sp";
    ApplySetpointRequest firstSupply = setpoint(supply, 32, 1);
    twin.control.batchApplySetpoints(
        BatchApplySetpointsRequest.newBuilder()
            .setParent(parent)
            .addRequests(firstSupply)
            .addRequests(setpoint(pump, 60, 1))
            .build());

    // The retried item comes back as it was; the others move from version 2 (written) and 1
    // (never written) in the same transaction.
    BatchApplySetpointsRequest mixed =
        BatchApplySetpointsRequest.newBuilder()
            .setParent(parent)
            .addRequests(firstSupply)
            .addRequests(setpoint(pump, 62, 2))
            .addRequests(setpoint(otherPump, 64, 1))
            .build();
    List<SetpointChange> applied = twin.control.batchApplySetpoints(mixed).getChangesList();
    StatusRuntimeException stale =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                twin.control.batchApplySetpoints(
                    BatchApplySetpointsRequest.newBuilder()
                        .setParent(parent)
                        .addRequests(setpoint(supply, 33, 2))
                        .addRequests(setpoint(pump, 63, 2))
                        .build()));
    StatusRuntimeException reused =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                twin.control.batchApplySetpoints(
                    BatchApplySetpointsRequest.newBuilder()
                        .setParent(parent)
                        .addRequests(setpoint(pump, 63, 3))
                        .addRequests(firstSupply.toBuilder().setValue(34))
                        .build()));
    List<Long> versions =
        List.of(supply, pump, otherPump).stream()
            .map(name -> twin.reader.getPoint(GetPointRequest.newBuilder().setName(name).build()))
            .map(Point::getVersion)
            .toList();

    assertThat(applied).extracting(SetpointChange::getValue).containsExactly(32.0, 62.0, 64.0);
    assertThat(applied).extracting(SetpointChange::getVersion).containsExactly(2L, 3L, 2L);
    assertThat(applied)
        .extracting(SetpointChange::getPreviousValue)
        .containsExactly(30.0, 60.0, 70.0);
    assertThat(applied.get(0).getRequestId()).isEqualTo(firstSupply.getRequestId());
    assertThat(stale.getStatus().getCode()).isEqualTo(Status.Code.ABORTED);
    assertThat(StatusDetails.reason(stale)).isEqualTo("VERSION_MISMATCH");
    assertThat(StatusDetails.fields(reused)).containsExactly("requests[1].request_id");
    assertThat(versions).as("the failed batches applied nothing").containsExactly(2L, 3L, 2L);
  }

  @Test
  void applySetpoint_onASensorOrOutsideThePhysicalRange_changesNothing() {
    String twinId = referenceHall();
    String sensor = "twins/" + twinId + "/points/hall-1.row-01.rack-01.rack-power";
    String setpoint = "twins/" + twinId + "/points/hall-1.row-01.cdu-1.pump-speed-sp";

    StatusRuntimeException onSensor =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> twin.control.applySetpoint(setpoint(sensor, 10, 1)));
    StatusRuntimeException outside =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> twin.control.applySetpoint(setpoint(setpoint, 140, 1)));
    StatusRuntimeException nan =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> twin.control.applySetpoint(setpoint(setpoint, Double.NaN, 1)));
    StatusRuntimeException asOperator =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> twin.operator.applySetpoint(setpoint(setpoint, 50, 1)));

    assertThat(onSensor.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(StatusDetails.reason(onSensor)).isEqualTo("POINT_KIND_MISMATCH");
    assertThat(outside.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(StatusDetails.reason(outside)).isEqualTo("OUT_OF_PHYSICAL_RANGE");
    assertThat(StatusDetails.fields(nan)).containsExactly("value");
    assertThat(asOperator.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(
            twin.reader
                .getPoint(GetPointRequest.newBuilder().setName(setpoint).build())
                .getVersion())
        .isEqualTo(1);
  }

  private StatusRuntimeException applyFails(HallDesign design, String twinId) {
    return catchThrowableOfType(
        StatusRuntimeException.class,
        () -> twin.apply(design.stream(twinId, "designs/d/revisions/a", 10_000, false), true));
  }

  @Test
  void applyDesign_duplicateConnectionsBadSpecsAndWrongContainers_areRejected() {
    String twinId = newTwinId();
    HallDesign duplicate = HallDesign.of(1);
    duplicate.connections.add(duplicate.connections.get(0));
    HallDesign negative = HallDesign.of(1);
    negative.parts.set(
        0,
        negative.parts.get(0).toBuilder()
            .setSpec(negative.parts.get(0).getSpec().toBuilder().setDesignPowerKw(-5))
            .build());
    HallDesign nan = HallDesign.of(1);
    nan.parts.set(
        1,
        nan.parts.get(1).toBuilder()
            .setSpec(nan.parts.get(1).getSpec().toBuilder().setCoolingCapacityKw(Double.NaN))
            .build());
    HallDesign container = HallDesign.of(1);
    container.placements.add(
        Placement.newBuilder()
            .setId("zz-1")
            .setContainer("nowhere")
            .setPartRevision(HallDesign.CDU)
            .build());

    assertThat(StatusDetails.fields(applyFails(duplicate, twinId)))
        .singleElement()
        .satisfies(field -> assertThat(field).endsWith(".id"));
    assertThat(StatusDetails.fields(applyFails(negative, twinId)))
        .containsExactly("chunks[1].parts[0].spec.design_power_kw");
    assertThat(StatusDetails.fields(applyFails(nan, twinId)))
        .containsExactly("chunks[1].parts[1].spec.cooling_capacity_kw");
    assertThat(StatusDetails.fields(applyFails(container, twinId)))
        .singleElement()
        .satisfies(field -> assertThat(field).endsWith(".container"));
    assertNoTwin(twinId);
  }

  @Test
  void listNodes_deepNestingUnknownEnumsAndForeignTokens_areInvalid() {
    String twinId = referenceHall();
    String other = referenceHall();
    String deep = "(".repeat(200) + "parent = \"a\"" + ")".repeat(200);
    String token =
        twin.reader
            .listNodes(
                ListNodesRequest.newBuilder().setParent("twins/" + twinId).setPageSize(1).build())
            .getNextPageToken();

    for (ListNodesRequest request :
        List.of(
            ListNodesRequest.newBuilder().setParent("twins/" + twinId).setFilter(deep).build(),
            ListNodesRequest.newBuilder()
                .setParent("twins/" + twinId)
                .setFilter("equipment_class = NOT_AN_ENUM")
                .build(),
            ListNodesRequest.newBuilder()
                .setParent("twins/" + other)
                .setPageToken(token)
                .build())) {
      StatusRuntimeException failure =
          catchThrowableOfType(StatusRuntimeException.class, () -> twin.reader.listNodes(request));
      assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    }
  }

  private void assertNoTwin(String twinId) {
    assertThatThrownBy(
            () ->
                twin.reader.getTwin(GetTwinRequest.newBuilder().setName("twins/" + twinId).build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }
}
