package io.factorytwin.simulation.design;

import io.factorytwin.common.v1.Connection;
import io.factorytwin.common.v1.EquipmentClass;
import io.factorytwin.common.v1.EquipmentSpec;
import io.factorytwin.common.v1.Hall;
import io.factorytwin.common.v1.OperatingSetpoints;
import io.factorytwin.common.v1.Placement;
import io.factorytwin.common.v1.PortDomain;
import io.factorytwin.common.v1.PortSpec;
import io.factorytwin.common.v1.PowerSource;
import io.factorytwin.common.v1.RackSpec;
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
 * process and applies a design of one row: a CDU feeding three GB200 NVL72 racks and two dry
 * coolers. simulation-service gets its address and a reader token file, and the test property
 * {@code test.twin.revision} names the twin revision that was built.
 *
 * <p>Build the jar first: {@code ./mvnw install -DskipTests -pl twin-service}.
 */
public class TwinServiceProcess implements QuarkusTestResourceLifecycleManager {

  static final String TWIN_ID = "simulation-test";

  private static final Path JAR =
      Path.of("..", "twin-service", "target", "quarkus-app", "quarkus-run.jar");

  private Path work;
  private ServiceProcess process;

  @Override
  public Map<String, String> start() {
    try {
      new TestKeys().start();
      work = Files.createTempDirectory("simulation-test-twin");
      Path token = work.resolve("simulation-reader.jwt");
      Files.writeString(token, TestKeys.token("simulation-service", "reader"));
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
      String revision = buildTwin(process.port());
      return Map.of(
          "simulation.twin.address",
          "127.0.0.1:" + process.port(),
          "simulation.twin.token-file",
          token.toString(),
          "test.twin.revision",
          revision);
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot start twin-service; build its jar with ./mvnw install -DskipTests -pl"
              + " twin-service",
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

  private static PortSpec port(String id, PortDomain domain) {
    return PortSpec.newBuilder().setId(id).setDomain(domain).setMaxConnections(16).build();
  }

  /** Applies the design and returns the twin revision's name. */
  private static String buildTwin(int port) throws InterruptedException {
    PortSpec supply = port("tcs-supply", PortDomain.PORT_DOMAIN_TCS_SUPPLY);
    PortSpec ret = port("tcs-return", PortDomain.PORT_DOMAIN_TCS_RETURN);
    // Spec values of examples/catalog.yaml, where each carries its source.
    List<DesignPart> parts =
        List.of(
            DesignPart.newBuilder()
                .setPartRevision("parts/gb200-nvl72/revisions/a")
                .setEquipmentClass(EquipmentClass.EQUIPMENT_CLASS_RACK_SYSTEM)
                .setSpec(
                    EquipmentSpec.newBuilder()
                        .setRatedPowerKw(132)
                        .setDesignPowerKw(120)
                        .setHeatToLiquidFraction(0.9)
                        .setRack(RackSpec.newBuilder().setGpuCount(72).setGpuPowerW(1200)))
                .addPorts(supply)
                .addPorts(ret)
                .build(),
            DesignPart.newBuilder()
                .setPartRevision("parts/cdu-1350/revisions/a")
                .setEquipmentClass(EquipmentClass.EQUIPMENT_CLASS_CDU)
                .setSpec(EquipmentSpec.newBuilder().setCoolingCapacityKw(1350).setApproachK(4))
                .addPorts(supply)
                .addPorts(ret)
                .build(),
            DesignPart.newBuilder()
                .setPartRevision("parts/dry-cooler-2000/revisions/a")
                .setEquipmentClass(EquipmentClass.EQUIPMENT_CLASS_DRY_COOLER)
                .setSpec(EquipmentSpec.newBuilder().setCoolingCapacityKw(2000).setApproachK(7.5))
                .build());
    List<Placement> placements = new ArrayList<>();
    List<Connection> connections = new ArrayList<>();
    String cdu = "hall-1.row-01.cdu-1";
    placements.add(
        Placement.newBuilder().setId(cdu).setPartRevision("parts/cdu-1350/revisions/a").build());
    for (String cooler : List.of("dry-cooler-01", "dry-cooler-02")) {
      placements.add(
          Placement.newBuilder()
              .setId(cooler)
              .setPartRevision("parts/dry-cooler-2000/revisions/a")
              .build());
    }
    for (int r = 1; r <= 3; r++) {
      String rack = String.format("hall-1.row-01.rack-%02d", r);
      placements.add(
          Placement.newBuilder()
              .setId(rack)
              .setPartRevision("parts/gb200-nvl72/revisions/a")
              .build());
      connections.add(
          Connection.newBuilder()
              .setId("s-" + rack)
              .setSourcePlacement(cdu)
              .setSourcePort("tcs-supply")
              .setTargetPlacement(rack)
              .setTargetPort("tcs-supply")
              .build());
      connections.add(
          Connection.newBuilder()
              .setId("r-" + rack)
              .setSourcePlacement(rack)
              .setSourcePort("tcs-return")
              .setTargetPlacement(cdu)
              .setTargetPort("tcs-return")
              .build());
    }
    DesignChunk chunk =
        DesignChunk.newBuilder()
            .setSequence(1)
            .addAllParts(parts)
            .addHalls(Hall.newBuilder().setId("hall-1"))
            .addRows(Row.newBuilder().setId("hall-1.row-01"))
            .addAllPlacements(placements)
            .addAllConnections(connections)
            .setSite(
                Site.newBuilder()
                    .setDisplayName("Seattle-Tacoma, Washington")
                    .setLatitudeDeg(47.444)
                    .setLongitudeDeg(-122.314)
                    .setWeatherDataSet("USA_WA_Seattle-Tacoma.epw")
                    .setPowerSource(PowerSource.newBuilder().setGridRegion("BPAT")))
            .setSetpoints(OperatingSetpoints.newBuilder().setTcsSupplyTemperatureC(32))
            .build();
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
                      .setDesign("designs/simulation-test")
                      .setDesignRevision("designs/simulation-test/revisions/a")
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
      return result.get(60, TimeUnit.SECONDS).getTwinRevision().getName();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("building the test twin failed", e);
    } finally {
      GrpcClients.close(channel);
    }
  }
}
