package io.factorytwin.dsx;

import io.factorytwin.common.v1.Connection;
import io.factorytwin.common.v1.EquipmentClass;
import io.factorytwin.common.v1.EquipmentSpec;
import io.factorytwin.common.v1.Hall;
import io.factorytwin.common.v1.OperatingSetpoints;
import io.factorytwin.common.v1.Placement;
import io.factorytwin.common.v1.PortDomain;
import io.factorytwin.common.v1.PortSpec;
import io.factorytwin.common.v1.Row;
import io.factorytwin.common.v1.Site;
import io.factorytwin.testing.GrpcClients;
import io.factorytwin.testing.ServiceProcess;
import io.factorytwin.testing.TestKeys;
import io.factorytwin.twin.v1.ApplyDesignCommit;
import io.factorytwin.twin.v1.ApplyDesignHeader;
import io.factorytwin.twin.v1.ApplyDesignRequest;
import io.factorytwin.twin.v1.ApplyDesignResponse;
import io.factorytwin.twin.v1.DesignChunk;
import io.factorytwin.twin.v1.DesignPart;
import io.factorytwin.twin.v1.Edge;
import io.factorytwin.twin.v1.EdgeKind;
import io.factorytwin.twin.v1.GetLatestValuesRequest;
import io.factorytwin.twin.v1.ListEdgesRequest;
import io.factorytwin.twin.v1.PointValue;
import io.factorytwin.twin.v1.TraverseDirection;
import io.factorytwin.twin.v1.TraverseRequest;
import io.factorytwin.twin.v1.TraverseResponse;
import io.factorytwin.twin.v1.TwinServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real twin-service, started from its built jar (twin-service/target/quarkus-app, the H2 build)
 * as its own process on a free loopback port, with a twin of one hall: a CDU feeding two GB200
 * NVL72 racks over the TCS loop, and a power meter that measures only the first rack. The racks
 * carry the placement label {@code dsx-id} with their DSX rackLocationId; the CDU and the meter are
 * found by their node id, which the BMS metadata uses as objectId.
 *
 * <p>Build the jar first: {@code ./mvnw install -DskipTests -pl
 * proto,service-support,test-support,twin-service}.
 */
final class TwinFixture implements AutoCloseable {

  static final String TWIN_ID = "dsx-test";
  static final String TWIN = "twins/" + TWIN_ID;
  static final String CDU = "hall-1.row-01.cdu-1";
  static final String RACK_1 = "hall-1.row-01.rack-01";
  static final String RACK_2 = "hall-1.row-01.rack-02";

  /** Only in revision b, which moves rack 2's DSX id to this rack. */
  static final String RACK_3 = "hall-1.row-01.rack-03";

  static final String METER = "hall-1.pm-1";
  static final String RACK_1_DSX_ID = "R01-01";
  static final String RACK_2_DSX_ID = "R01-02";
  static final String CDU_SETPOINT =
      TWIN + "/points/" + CDU + ".liquid-temperature-sp.secondary-supply";

  private static final Path JAR =
      Path.of("..", "twin-service", "target", "quarkus-app", "quarkus-run.jar");

  final Path work;
  final ServiceProcess process;
  final Path ingestToken;
  final Path readerToken;

  private TwinFixture(Path work, ServiceProcess process, Path ingestToken, Path readerToken) {
    this.work = work;
    this.process = process;
    this.ingestToken = ingestToken;
    this.readerToken = readerToken;
  }

  static TwinFixture start() throws Exception {
    Path work = Files.createTempDirectory("dsx-test-twin");
    Path ingest = work.resolve("telemetry-writer.jwt");
    Files.writeString(ingest, TestKeys.token("dsx-bridge", "telemetry-writer"));
    Path reader = work.resolve("reader.jwt");
    Files.writeString(reader, TestKeys.token("dsx-bridge", "reader"));
    ServiceProcess process =
        ServiceProcess.start(
            "twin-service",
            JAR,
            work,
            "384m",
            Map.of(
                "FACTORYTWIN_JWT_PUBLIC_KEY",
                Path.of("target", "test-jwt", "public.pem").toAbsolutePath().toString(),
                "FACTORYTWIN_JWT_ISSUER",
                TestKeys.ISSUER));
    TwinFixture fixture = new TwinFixture(work, process, ingest, reader);
    try {
      fixture.build("a", RACK_2);
    } catch (Exception e) {
      fixture.close();
      throw e;
    }
    return fixture;
  }

  /** Reads the latest values of twin points by point id, with a reader token. */
  List<PointValue> latest(String... pointIds) {
    ManagedChannel channel = GrpcClients.channel(process.port());
    try {
      GetLatestValuesRequest.Builder request = GetLatestValuesRequest.newBuilder().setParent(TWIN);
      for (String id : pointIds) {
        request.addPoints(TWIN + "/points/" + id);
      }
      return TwinServiceGrpc.newBlockingStub(channel)
          .withCallCredentials(GrpcClients.bearer(TestKeys.token("test-reader", "reader")))
          .withDeadlineAfter(5, TimeUnit.SECONDS)
          .getLatestValues(request.build())
          .getValuesList();
    } finally {
      GrpcClients.close(channel);
    }
  }

  /** Returns the latest value of a twin point by point id, or NaN while it has none. */
  double value(String pointId) {
    PointValue value = latest(pointId).get(0);
    return value.hasValue() ? value.getValue() : Double.NaN;
  }

  /** Returns the nodes reached from a node downstream along MEASURES edges, as node names. */
  List<String> measuredBy(String nodeId) {
    ManagedChannel channel = GrpcClients.channel(process.port());
    try {
      TraverseResponse response =
          readerStub(channel)
              .traverse(
                  TraverseRequest.newBuilder()
                      .setStartNode(TWIN + "/nodes/" + nodeId)
                      .setDirection(TraverseDirection.TRAVERSE_DIRECTION_DOWN)
                      .addEdgeKinds(EdgeKind.EDGE_KIND_MEASURES)
                      .build());
      List<String> reached = new ArrayList<>();
      for (io.factorytwin.twin.v1.Path path : response.getPathsList()) {
        reached.addAll(path.getNodesList().subList(1, path.getNodesCount()));
      }
      return reached;
    } finally {
      GrpcClients.close(channel);
    }
  }

  /** Returns the twin's edges that were recorded as observed, not built from the design. */
  List<Edge> observedEdges() {
    ManagedChannel channel = GrpcClients.channel(process.port());
    try {
      return readerStub(channel)
          .listEdges(
              ListEdgesRequest.newBuilder()
                  .setParent(TWIN)
                  .setFilter("origin = EDGE_ORIGIN_OBSERVED")
                  .setPageSize(1000)
                  .build())
          .getEdgesList();
    } finally {
      GrpcClients.close(channel);
    }
  }

  private static TwinServiceGrpc.TwinServiceBlockingStub readerStub(ManagedChannel channel) {
    return TwinServiceGrpc.newBlockingStub(channel)
        .withCallCredentials(GrpcClients.bearer(TestKeys.token("test-reader", "reader")))
        .withDeadlineAfter(5, TimeUnit.SECONDS);
  }

  /**
   * Publishes design revision b and makes it the twin's active revision: rack 2 has gone, and rack
   * 3 in its place carries its DSX id ({@value #RACK_2_DSX_ID}).
   */
  void switchToRevisionB() throws Exception {
    build("b", RACK_3);
  }

  /**
   * Builds twin revision {@code revision} from a design with the CDU, rack 1, a second rack with
   * the DSX id {@value #RACK_2_DSX_ID} and the meter, and activates it.
   */
  private void build(String revision, String secondRack) throws Exception {
    PortSpec supply = port("tcs-supply", PortDomain.PORT_DOMAIN_TCS_SUPPLY);
    PortSpec ret = port("tcs-return", PortDomain.PORT_DOMAIN_TCS_RETURN);
    PortSpec network = port("net", PortDomain.PORT_DOMAIN_NETWORK);
    // Ratings as in examples/catalog.yaml, where each number carries its source.
    List<DesignPart> parts =
        List.of(
            DesignPart.newBuilder()
                .setPartRevision("parts/gb200-nvl72/revisions/a")
                .setEquipmentClass(EquipmentClass.EQUIPMENT_CLASS_RACK_SYSTEM)
                .setSpec(
                    EquipmentSpec.newBuilder()
                        .setRatedPowerKw(132)
                        .setDesignPowerKw(120)
                        .setHeatToLiquidFraction(0.9))
                .addPorts(supply)
                .addPorts(ret)
                .addPorts(network)
                .build(),
            DesignPart.newBuilder()
                .setPartRevision("parts/cdu-1350/revisions/a")
                .setEquipmentClass(EquipmentClass.EQUIPMENT_CLASS_CDU)
                .setSpec(
                    EquipmentSpec.newBuilder()
                        .setCoolingCapacityKw(1350)
                        .setSupplyTemperatureMaxC(45))
                .addPorts(supply)
                .addPorts(ret)
                .build(),
            DesignPart.newBuilder()
                .setPartRevision("parts/meter/revisions/a")
                .setEquipmentClass(EquipmentClass.EQUIPMENT_CLASS_POWER_METER)
                .addPorts(network)
                .build());
    DesignChunk.Builder chunk =
        DesignChunk.newBuilder()
            .setSequence(1)
            .addAllParts(parts)
            .addHalls(Hall.newBuilder().setId("hall-1"))
            .addRows(Row.newBuilder().setId("hall-1.row-01"))
            .addPlacements(placement(CDU, "parts/cdu-1350/revisions/a", ""))
            .addPlacements(placement(RACK_1, "parts/gb200-nvl72/revisions/a", RACK_1_DSX_ID))
            .addPlacements(placement(secondRack, "parts/gb200-nvl72/revisions/a", RACK_2_DSX_ID))
            .addPlacements(placement(METER, "parts/meter/revisions/a", ""))
            .setSite(Site.newBuilder().setDisplayName("dsx bridge test site"))
            .setSetpoints(
                OperatingSetpoints.newBuilder()
                    .setTcsSupplyTemperatureC(30)
                    .setTcsPumpSpeedPercent(70));
    for (String rack : List.of(RACK_1, secondRack)) {
      chunk.addConnections(connection("s-" + rack, CDU, "tcs-supply", rack, "tcs-supply"));
      chunk.addConnections(connection("r-" + rack, rack, "tcs-return", CDU, "tcs-return"));
    }
    chunk.addConnections(connection("m-" + RACK_1, METER, "net", RACK_1, "net"));
    ManagedChannel channel = GrpcClients.channel(process.port());
    try {
      CompletableFuture<ApplyDesignResponse> result = new CompletableFuture<>();
      StreamObserver<ApplyDesignRequest> requests =
          TwinServiceGrpc.newStub(channel)
              .withCallCredentials(GrpcClients.bearer(TestKeys.token("lifecycle", "publisher")))
              .withDeadlineAfter(60, TimeUnit.SECONDS)
              .applyDesign(
                  new StreamObserver<>() {
                    @Override
                    public void onNext(ApplyDesignResponse response) {
                      result.complete(response);
                    }

                    @Override
                    public void onError(Throwable failure) {
                      result.completeExceptionally(failure);
                    }

                    @Override
                    public void onCompleted() {}
                  });
      requests.onNext(
          ApplyDesignRequest.newBuilder()
              .setHeader(
                  ApplyDesignHeader.newBuilder()
                      .setTwinId(TWIN_ID)
                      .setDesign("designs/dsx-test")
                      .setDesignRevision("designs/dsx-test/revisions/" + revision)
                      .setActivate(true)
                      .setPartCount(parts.size())
                      .setPlacementCount(chunk.getPlacementsCount())
                      .setConnectionCount(chunk.getConnectionsCount())
                      .setRedundancyGroupCount(0))
              .build());
      requests.onNext(ApplyDesignRequest.newBuilder().setChunk(chunk).build());
      requests.onNext(
          ApplyDesignRequest.newBuilder()
              .setCommit(ApplyDesignCommit.newBuilder().setChunkCount(1))
              .build());
      requests.onCompleted();
      result.get(60, TimeUnit.SECONDS);
    } finally {
      GrpcClients.close(channel);
    }
  }

  private static PortSpec port(String id, PortDomain domain) {
    return PortSpec.newBuilder().setId(id).setDomain(domain).build();
  }

  private static Placement placement(String id, String part, String dsxId) {
    Placement.Builder placement = Placement.newBuilder().setId(id).setPartRevision(part);
    if (!dsxId.isEmpty()) {
      placement.putLabels(TwinClient.DSX_ID_LABEL, dsxId);
    }
    return placement.build();
  }

  private static Connection connection(
      String id, String source, String sourcePort, String target, String targetPort) {
    return Connection.newBuilder()
        .setId(id)
        .setSourcePlacement(source)
        .setSourcePort(sourcePort)
        .setTargetPlacement(target)
        .setTargetPort(targetPort)
        .build();
  }

  @Override
  public void close() {
    process.close();
    try (Stream<Path> files = Files.walk(work)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // A leftover temporary directory does no harm.
    }
  }
}
