package io.factorytwin.simulation.emulation;

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
import io.factorytwin.testing.PostgresDatabase;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real twin-service on PostgreSQL for the plant emulation tests: the PostgreSQL build of the jar
 * (twin-service/target/postgresql-app) on a database of its own, with the reference hall published
 * as twin {@value #TWIN_ID}: 8 rows of 16 GB200 NVL72 racks, each row on 3 CDUs of 1,350 kW, 128
 * racks and 24 CDUs in all, and dry coolers. simulation-service gets its address and a reader and a
 * telemetry-writer token. The tests get the port, the working directory, the database and the
 * process id, so that they can stop the process and start it again on the same port.
 *
 * <p>Build the jar first: {@code ./mvnw package -DskipTests -Ppostgresql
 * -Dquarkus.package.output-directory=postgresql-app -pl twin-service}.
 */
public class EmulationTwinProcess implements QuarkusTestResourceLifecycleManager {

  static final String TWIN_ID = "emulation-test";
  static final String TWIN = "twins/" + TWIN_ID;
  static final int ROWS = 8;

  static final Path JAR =
      Path.of("..", "twin-service", "target", "postgresql-app", "quarkus-run.jar");

  private Path work;
  private String database;
  private ServiceProcess process;

  /** Returns the twin-service environment for a working directory and database. */
  static Map<String, String> environment(String database) {
    Map<String, String> environment = new HashMap<>();
    environment.put(
        "FACTORYTWIN_JWT_PUBLIC_KEY",
        Path.of("target", "test-jwt", "public.pem").toAbsolutePath().toString());
    environment.put("FACTORYTWIN_JWT_ISSUER", TestKeys.ISSUER);
    environment.put("QUARKUS_DATASOURCE_JDBC_URL", PostgresDatabase.jdbcUrl(database));
    environment.put("QUARKUS_DATASOURCE_USERNAME", PostgresDatabase.user());
    environment.put("QUARKUS_DATASOURCE_PASSWORD", "");
    // Ownership passes to a restarted instance within seconds instead of the default 10 s.
    environment.put("TWIN_LEASE_DURATION", "2S");
    return environment;
  }

  @Override
  public Map<String, String> start() {
    try {
      new TestKeys().start();
      work = Files.createTempDirectory("emulation-test-twin");
      Path reader = work.resolve("reader.jwt");
      Files.writeString(reader, TestKeys.token("simulation-service", "reader"));
      Path writer = work.resolve("telemetry-writer.jwt");
      Files.writeString(writer, TestKeys.token("simulation-service", "telemetry-writer"));
      database = PostgresDatabase.create("ft_emulation_twin");
      process = ServiceProcess.start("twin-service", JAR, work, "768m", environment(database));
      buildTwin(process.port());
      return Map.of(
          "simulation.twin.address", "127.0.0.1:" + process.port(),
          "simulation.twin.token-file", reader.toString(),
          "simulation.twin.telemetry-token-file", writer.toString(),
          "test.emulation.twin-port", Integer.toString(process.port()),
          "test.emulation.twin-pid", Long.toString(process.pid()),
          "test.emulation.twin-work", work.toString(),
          "test.emulation.twin-database", database);
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot start twin-service; build its PostgreSQL jar as the class comment says", e);
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
    // A test that restarted twin-service stops its own process; this one may be gone already.
    if (database != null) {
      PostgresDatabase.drop(database);
    }
  }

  static String rack(int row, int rack) {
    return String.format("hall-1.row-%02d.rack-%02d", row, rack);
  }

  static String cdu(int row, int cdu) {
    return String.format("hall-1.row-%02d.cdu-%d", row, cdu);
  }

  private static PortSpec port(String id, PortDomain domain) {
    return PortSpec.newBuilder().setId(id).setDomain(domain).setMaxConnections(16).build();
  }

  /** Publishes the reference hall and activates it. */
  private static void buildTwin(int port) throws InterruptedException {
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
                .setSpec(
                    EquipmentSpec.newBuilder()
                        .setCoolingCapacityKw(1350)
                        .setApproachK(4)
                        .setSupplyTemperatureMaxC(45))
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
    List<Row> rows = new ArrayList<>();
    for (int row = 1; row <= ROWS; row++) {
      rows.add(Row.newBuilder().setId(String.format("hall-1.row-%02d", row)).build());
      for (int c = 1; c <= 3; c++) {
        placements.add(
            Placement.newBuilder()
                .setId(cdu(row, c))
                .setPartRevision("parts/cdu-1350/revisions/a")
                .build());
      }
      for (int r = 1; r <= 16; r++) {
        String rack = rack(row, r);
        String cdu = cdu(row, 1 + (r - 1) % 3);
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
    }
    // 128 racks at 120 kW over 2 MW coolers, plus one.
    for (int d = 1; d <= 9; d++) {
      placements.add(
          Placement.newBuilder()
              .setId(String.format("dry-cooler-%02d", d))
              .setPartRevision("parts/dry-cooler-2000/revisions/a")
              .build());
    }
    DesignChunk chunk =
        DesignChunk.newBuilder()
            .setSequence(1)
            .addAllParts(parts)
            .addHalls(Hall.newBuilder().setId("hall-1"))
            .addAllRows(rows)
            .addAllPlacements(placements)
            .addAllConnections(connections)
            .setSite(
                Site.newBuilder()
                    .setDisplayName("Seattle-Tacoma, Washington")
                    .setLatitudeDeg(47.444)
                    .setLongitudeDeg(-122.314)
                    .setWeatherDataSet("USA_WA_Seattle-Tacoma.epw")
                    .setPowerSource(PowerSource.newBuilder().setGridRegion("BPAT")))
            .setSetpoints(
                OperatingSetpoints.newBuilder()
                    .setTcsSupplyTemperatureC(30)
                    .setTcsPumpSpeedPercent(100))
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
                      .setDesign("designs/reference-hall")
                      .setDesignRevision("designs/reference-hall/revisions/a")
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
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("publishing the reference hall to the twin failed", e);
    } finally {
      GrpcClients.close(channel);
    }
  }
}
