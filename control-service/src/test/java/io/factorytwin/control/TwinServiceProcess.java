package io.factorytwin.control;

import io.factorytwin.common.v1.BiquadraticCurve;
import io.factorytwin.common.v1.ChillerSpec;
import io.factorytwin.common.v1.Connection;
import io.factorytwin.common.v1.EquipmentClass;
import io.factorytwin.common.v1.EquipmentSpec;
import io.factorytwin.common.v1.Hall;
import io.factorytwin.common.v1.OperatingSetpoints;
import io.factorytwin.common.v1.Placement;
import io.factorytwin.common.v1.PortDomain;
import io.factorytwin.common.v1.PortSpec;
import io.factorytwin.common.v1.QuadraticCurve;
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
import io.factorytwin.twin.v1.TwinServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
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
 * Starts the built twin-service jar (twin-service/target/quarkus-app, the H2 build) as its own
 * process on a free loopback port, in a temporary working directory, trusting the test keys. It
 * builds the twin {@value #TWIN_ID}: one hall with a dew point sensor and rows of one CDU and two
 * racks each, one row unless the resource argument {@code rows} gives more, and two site-level
 * chillers: {@value #CHILLER} with a curve range in its spec and {@value #CHILLER_WITHOUT_MIN},
 * whose spec has only the upper limit. control-service gets the twin's address, a setpoint-writer
 * token file and a fresh checkpoint directory. The process is killed when the tests end.
 *
 * <p>Build the jar first: {@code ./mvnw install -DskipTests -pl
 * proto,service-support,test-support,twin-service}.
 */
public class TwinServiceProcess implements QuarkusTestResourceLifecycleManager {

  static final String TWIN_ID = "control-test";
  static final String TWIN = "twins/" + TWIN_ID;
  static final String CDU = "hall-1.row-01.cdu-1";
  static final String CHILLER = "chiller-1";
  static final String CHILLER_WITHOUT_MIN = "chiller-2";

  /** Curve range in the spec of {@value #CHILLER}, in °C. These are test values, not a rating. */
  static final double CHILLER_MIN_C = 5;

  static final double CHILLER_MAX_C = 9;

  private static final Path JAR =
      Path.of("..", "twin-service", "target", "quarkus-app", "quarkus-run.jar");

  private Path work;
  private ServiceProcess process;
  private int rows = 1;

  @Override
  public void init(Map<String, String> initArgs) {
    rows = Integer.parseInt(initArgs.getOrDefault("rows", "1"));
  }

  @Override
  public Map<String, String> start() {
    try {
      work = Files.createTempDirectory("control-test-twin");
      Path token = work.resolve("setpoint-writer.jwt");
      Files.writeString(token, TestKeys.token("control-service", "setpoint-writer"));
      process =
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
      buildTwin(process.port(), rows);
      return Map.of(
          "control.twin.address", "127.0.0.1:" + process.port(),
          "control.twin.token-file", token.toString(),
          "control.audit.checkpoint-dir", work.resolve("checkpoints").toString(),
          "control.audit.checkpoint-key-file", work.resolve("checkpoint.key").toString(),
          "test.twin.port", Integer.toString(process.port()),
          "test.twin.pid", Long.toString(process.pid()));
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot start twin-service; build its jar with ./mvnw install -DskipTests"
              + " -pl proto,service-support,test-support,twin-service",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting twin-service", e);
    }
  }

  @Override
  public void stop() {
    if (process != null) {
      process.close();
    }
    if (work != null) {
      try (Stream<Path> files = Files.walk(work)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      } catch (IOException e) {
        // A leftover temporary directory does no harm.
      }
    }
  }

  /** Returns the CDU placement of a row, counted from 1. */
  static String cdu(int row) {
    return String.format("hall-1.row-%02d.cdu-1", row);
  }

  /**
   * Returns a chiller part with the McQuay PFH curves of examples/catalog.yaml, where each number
   * carries its source, and the given curve range.
   *
   * @param minLeavingC lowest valid leaving-water temperature in °C, or null for a spec without one
   */
  private static DesignPart chillerPart(String revision, Double minLeavingC) {
    ChillerSpec.Builder chiller =
        ChillerSpec.newBuilder()
            .setReferenceCapacityKw(2124)
            .setReferenceCop(6.03)
            .setReferenceLeavingChilledWaterTemperatureC(8.89)
            .setReferenceEnteringCondenserTemperatureC(23.89)
            .setCapacityTemperatureCurve(
                BiquadraticCurve.newBuilder()
                    .setConstant(1.040134)
                    .setX(-1.745650e-2)
                    .setXSquared(1.084856e-3)
                    .setY(6.629328e-3)
                    .setYSquared(-8.008991e-4)
                    .setXY(1.567769e-3))
            .setEirTemperatureCurve(
                BiquadraticCurve.newBuilder()
                    .setConstant(1.157799)
                    .setX(-3.621524e-2)
                    .setXSquared(-3.684818e-3)
                    .setY(-1.202959e-2)
                    .setYSquared(-7.378548e-5)
                    .setXY(3.787365e-3))
            .setEirPartLoadCurve(
                QuadraticCurve.newBuilder()
                    .setConstant(0.1051419)
                    .setX(0.2033679)
                    .setXSquared(0.6902026))
            .setMinPartLoadRatio(0.09)
            .setMinUnloadingRatio(0.09)
            .setMaxPartLoadRatio(1.03)
            .setMaxLeavingChilledWaterTemperatureC(CHILLER_MAX_C);
    if (minLeavingC != null) {
      chiller.setMinLeavingChilledWaterTemperatureC(minLeavingC);
    }
    return DesignPart.newBuilder()
        .setPartRevision(revision)
        .setEquipmentClass(EquipmentClass.EQUIPMENT_CLASS_CHILLER)
        .setSpec(EquipmentSpec.newBuilder().setCoolingCapacityKw(2124).setChiller(chiller))
        .build();
  }

  /** Builds a hall of rows that each hold a CDU of 1,350 kW feeding two GB200 NVL72 racks. */
  private static void buildTwin(int port, int rows) throws InterruptedException {
    PortSpec supply =
        PortSpec.newBuilder()
            .setId("tcs-supply")
            .setDomain(PortDomain.PORT_DOMAIN_TCS_SUPPLY)
            .build();
    PortSpec ret =
        PortSpec.newBuilder()
            .setId("tcs-return")
            .setDomain(PortDomain.PORT_DOMAIN_TCS_RETURN)
            .build();
    // Ratings as in examples/catalog.yaml, where each number carries its source.
    List<DesignPart> parts =
        new ArrayList<>(
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
                    .build()));
    parts.add(chillerPart("parts/chiller-test/revisions/a", CHILLER_MIN_C));
    parts.add(chillerPart("parts/chiller-no-min/revisions/a", null));
    List<Placement> placements = new ArrayList<>();
    placements.add(
        Placement.newBuilder()
            .setId(CHILLER)
            .setPartRevision("parts/chiller-test/revisions/a")
            .build());
    placements.add(
        Placement.newBuilder()
            .setId(CHILLER_WITHOUT_MIN)
            .setPartRevision("parts/chiller-no-min/revisions/a")
            .build());
    List<Connection> connections = new ArrayList<>();
    List<Row> rowList = new ArrayList<>();
    for (int row = 1; row <= rows; row++) {
      String rowId = String.format("hall-1.row-%02d", row);
      rowList.add(Row.newBuilder().setId(rowId).build());
      placements.add(
          Placement.newBuilder()
              .setId(cdu(row))
              .setPartRevision("parts/cdu-1350/revisions/a")
              .build());
      for (String rack : List.of("rack-01", "rack-02")) {
        String rackId = rowId + "." + rack;
        placements.add(
            Placement.newBuilder()
                .setId(rackId)
                .setPartRevision("parts/gb200-nvl72/revisions/a")
                .build());
        connections.add(
            Connection.newBuilder()
                .setId("s-" + rackId)
                .setSourcePlacement(cdu(row))
                .setSourcePort("tcs-supply")
                .setTargetPlacement(rackId)
                .setTargetPort("tcs-supply")
                .build());
        connections.add(
            Connection.newBuilder()
                .setId("r-" + rackId)
                .setSourcePlacement(rackId)
                .setSourcePort("tcs-return")
                .setTargetPlacement(cdu(row))
                .setTargetPort("tcs-return")
                .build());
      }
    }
    DesignChunk.Builder chunk =
        DesignChunk.newBuilder()
            .setSequence(1)
            .addAllParts(parts)
            .addHalls(Hall.newBuilder().setId("hall-1"))
            .addAllRows(rowList)
            .addAllPlacements(placements)
            .addAllConnections(connections)
            .setSite(Site.newBuilder().setDisplayName("control test site"))
            .setSetpoints(
                OperatingSetpoints.newBuilder()
                    .setTcsSupplyTemperatureC(30)
                    .setTcsPumpSpeedPercent(70));
    ManagedChannel channel = GrpcClients.channel(port);
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
                      .setDesign("designs/control-test")
                      .setDesignRevision("designs/control-test/revisions/a")
                      .setActivate(true)
                      .setPartCount(parts.size())
                      .setPlacementCount(placements.size())
                      .setConnectionCount(connections.size())
                      .setRedundancyGroupCount(0))
              .build());
      requests.onNext(ApplyDesignRequest.newBuilder().setChunk(chunk).build());
      requests.onNext(
          ApplyDesignRequest.newBuilder()
              .setCommit(ApplyDesignCommit.newBuilder().setChunkCount(1))
              .build());
      requests.onCompleted();
      result.get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("building the test twin failed", e);
    } finally {
      GrpcClients.close(channel);
    }
  }
}
