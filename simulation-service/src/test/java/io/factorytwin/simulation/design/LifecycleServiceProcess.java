package io.factorytwin.simulation.design;

import com.google.protobuf.ByteString;
import io.factorytwin.lifecycle.v1.DocumentChunk;
import io.factorytwin.lifecycle.v1.ImportDesignDocumentRequest;
import io.factorytwin.lifecycle.v1.ImportDesignDocumentResponse;
import io.factorytwin.lifecycle.v1.ImportEnd;
import io.factorytwin.lifecycle.v1.ImportHeader;
import io.factorytwin.lifecycle.v1.LifecycleServiceGrpc;
import io.factorytwin.testing.GrpcClients;
import io.factorytwin.testing.ServiceProcess;
import io.factorytwin.testing.TestKeys;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Starts the built lifecycle-service jar (lifecycle-service/target/quarkus-app, the H2 build) as
 * its own process on a free loopback port, trusting the test keys, and imports
 * examples/catalog.yaml, examples/reference-hall.yaml and a small design whose rack is on no CDU.
 * simulation-service gets its address and a reader token file. The models in these tests are
 * therefore read over real gRPC from a real lifecycle-service.
 *
 * <p>Build the jar first: {@code ./mvnw install -DskipTests -pl lifecycle-service}.
 */
public class LifecycleServiceProcess implements QuarkusTestResourceLifecycleManager {

  static final String HALL = "designs/reference-hall";
  static final String UNCOOLED = "designs/uncooled-rack";
  static final String UNCOOLED_RACK = "hall-1.row-01.rack-02";

  private static final Path JAR =
      Path.of("..", "lifecycle-service", "target", "quarkus-app", "quarkus-run.jar");
  private static final Path EXAMPLES = Path.of("..", "examples");

  /** A rack placed without TCS connections next to one that a CDU and a dry cooler serve. */
  private static final String UNCOOLED_DESIGN =
      """
      designs:
      - id: uncooled-rack
        display_name: A rack on no CDU
        site:
          display_name: Leesburg, Virginia
          latitude_deg: 39.078
          longitude_deg: -77.558
          weather_data_set: USA_VA_Leesburg.Exec.epw
          power_source: {grid_region: PJM}
        halls:
        - {id: hall-1}
        rows:
        - {id: hall-1.row-01}
        placements:
        - {id: dry-cooler-01, part_revision: parts/dry-cooler-2000/revisions/a}
        - {id: hall-1.row-01.cdu-1, part_revision: parts/cdu-1350/revisions/a}
        - {id: hall-1.row-01.rack-01, part_revision: parts/gb200-nvl72/revisions/a}
        - {id: hall-1.row-01.rack-02, part_revision: parts/gb200-nvl72/revisions/a}
        connections:
        - {source_placement: hall-1.row-01.cdu-1, source_port: tcs-supply, target_placement: hall-1.row-01.rack-01, target_port: tcs-supply}
        - {source_placement: hall-1.row-01.rack-01, source_port: tcs-return, target_placement: hall-1.row-01.cdu-1, target_port: tcs-return}
      """;

  private Path work;
  private ServiceProcess process;

  @Override
  public Map<String, String> start() {
    try {
      work = Files.createTempDirectory("simulation-test-lifecycle");
      new TestKeys().start();
      Path token = work.resolve("simulation-reader.jwt");
      Files.writeString(token, TestKeys.token("simulation-service", "reader"));
      process =
          ServiceProcess.start(
              "lifecycle-service",
              JAR,
              work,
              "512m",
              Map.of(
                  "FACTORYTWIN_JWT_PUBLIC_KEY",
                  Path.of("target", "test-jwt", "public.pem").toAbsolutePath().toString(),
                  "FACTORYTWIN_JWT_ISSUER",
                  TestKeys.ISSUER));
      ManagedChannel channel = GrpcClients.channel(process.port());
      try {
        importDocument(channel, Files.readString(EXAMPLES.resolve("catalog.yaml")));
        importDocument(channel, Files.readString(EXAMPLES.resolve("reference-hall.yaml")));
        importDocument(channel, UNCOOLED_DESIGN);
      } finally {
        GrpcClients.close(channel);
      }
      return Map.of(
          "simulation.lifecycle.address",
          "127.0.0.1:" + process.port(),
          "simulation.lifecycle.token-file",
          token.toString());
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot start lifecycle-service; build its jar with ./mvnw install -DskipTests"
              + " -pl lifecycle-service",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting lifecycle-service", e);
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

  private static void importDocument(ManagedChannel channel, String document)
      throws InterruptedException {
    byte[] bytes = document.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    CompletableFuture<ImportDesignDocumentResponse> done = new CompletableFuture<>();
    StreamObserver<ImportDesignDocumentRequest> requests =
        LifecycleServiceGrpc.newStub(channel)
            .withCallCredentials(GrpcClients.bearer(TestKeys.token("importer", "operator")))
            .withDeadlineAfter(120, TimeUnit.SECONDS)
            .importDesignDocument(
                new StreamObserver<>() {
                  @Override
                  public void onNext(ImportDesignDocumentResponse response) {
                    done.complete(response);
                  }

                  @Override
                  public void onError(Throwable failure) {
                    done.completeExceptionally(failure);
                  }

                  @Override
                  public void onCompleted() {}
                });
    requests.onNext(
        ImportDesignDocumentRequest.newBuilder()
            .setHeader(ImportHeader.newBuilder().setDocumentName("test.yaml"))
            .build());
    int chunk = 512 * 1024;
    for (int offset = 0; offset < bytes.length; offset += chunk) {
      int length = Math.min(chunk, bytes.length - offset);
      requests.onNext(
          ImportDesignDocumentRequest.newBuilder()
              .setChunk(
                  DocumentChunk.newBuilder()
                      .setOffset(offset)
                      .setData(ByteString.copyFrom(bytes, offset, length)))
              .build());
    }
    requests.onNext(
        ImportDesignDocumentRequest.newBuilder()
            .setEnd(ImportEnd.newBuilder().setTotalBytes(bytes.length))
            .build());
    requests.onCompleted();
    try {
      done.get(120, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException(
          "importing a design document into lifecycle-service failed", e);
    }
  }
}
