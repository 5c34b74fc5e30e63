package io.factorytwin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.factorytwin.lifecycle.v1.ExportDesignUsdRequest;
import io.factorytwin.lifecycle.v1.ExportDesignUsdResponse;
import io.factorytwin.lifecycle.v1.LifecycleServiceGrpc;
import io.factorytwin.lifecycle.v1.UsdExportEnd;
import io.factorytwin.lifecycle.v1.UsdExportHeader;
import io.factorytwin.lifecycle.v1.UsdTextChunk;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * factoryctl design export-usd against a stand-in lifecycle-service on loopback that streams a
 * fixed stage. The export itself is tested in lifecycle-service's UsdExportGrpcTest.
 */
class ExportUsdCommandTest {

  private static final String REVISION = "designs/small-hall/revisions/a";

  /** A stage with a non-ASCII character, cut into two chunks. */
  private static final String FIRST = "#usda 1.0\n\ndef Xform \"Site\"\n{\n";

  private static final String SECOND =
      "    custom string factorytwin:displayName = \"Zürich\"\n}\n";

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private final AtomicReference<ExportDesignUsdRequest> received = new AtomicReference<>();

  /** The SHA-256 the stand-in sends in its end message; a wrong one tests the check. */
  private String sentSha256;

  private Server server;

  @TempDir Path directory;

  @BeforeEach
  void startServer() throws Exception {
    sentSha256 = sha256(FIRST + SECOND);
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(new StandInLifecycle())
            .build()
            .start();
  }

  @AfterEach
  void stopServer() {
    server.shutdownNow();
  }

  /** Streams the fixed stage for REVISION and NOT_FOUND for any other name. */
  private final class StandInLifecycle extends LifecycleServiceGrpc.LifecycleServiceImplBase {
    @Override
    public void exportDesignUsd(
        ExportDesignUsdRequest request, StreamObserver<ExportDesignUsdResponse> response) {
      received.set(request);
      if (!request.getName().equals(REVISION)) {
        response.onError(
            Status.NOT_FOUND.withDescription(request.getName() + " not found").asException());
        return;
      }
      int firstBytes = FIRST.getBytes(StandardCharsets.UTF_8).length;
      int totalBytes = (FIRST + SECOND).getBytes(StandardCharsets.UTF_8).length;
      response.onNext(
          ExportDesignUsdResponse.newBuilder()
              .setHeader(UsdExportHeader.newBuilder().setEtag("etag-1"))
              .build());
      response.onNext(chunk(0, FIRST));
      response.onNext(chunk(firstBytes, SECOND));
      response.onNext(
          ExportDesignUsdResponse.newBuilder()
              .setEnd(UsdExportEnd.newBuilder().setTotalBytes(totalBytes).setSha256(sentSha256))
              .build());
      response.onCompleted();
    }
  }

  private static ExportDesignUsdResponse chunk(long offset, String text) {
    return ExportDesignUsdResponse.newBuilder()
        .setChunk(UsdTextChunk.newBuilder().setOffset(offset).setText(text))
        .build();
  }

  private static String sha256(String text) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  private int run(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "design";
    all[1] = "export-usd";
    System.arraycopy(args, 0, all, 2, args.length);
    return FactoryCtl.execute(new PrintWriter(out, true), new PrintWriter(err, true), all);
  }

  private String address() {
    return "--lifecycle-address=127.0.0.1:" + server.getPort();
  }

  @Test
  void exportUsd_writesStageToStandardOutput() {
    int code = run(REVISION, "--token=t", address());

    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).isEqualTo(FIRST + SECOND);
    assertThat(received.get().getIncludeAlternatives()).isFalse();
  }

  @Test
  void exportUsd_writesFileWithAlternatives() throws IOException {
    Path file = directory.resolve("small-hall.usda");

    int code = run(REVISION, "-O", file.toString(), "--alternatives", "--token=t", address());

    assertThat(code).as(err.toString()).isZero();
    assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo(FIRST + SECOND);
    assertThat(out.toString()).startsWith("wrote " + file + ": ");
    assertThat(received.get().getIncludeAlternatives()).isTrue();
    try (var files = Files.list(directory)) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  void exportUsd_checksumMismatchLeavesNoFile() throws IOException {
    sentSha256 = "0".repeat(64);
    Path file = directory.resolve("small-hall.usda");

    int code = run(REVISION, "--output-file", file.toString(), "--token=t", address());

    assertThat(code).isEqualTo(ErrorReporter.FAILED);
    assertThat(err.toString()).contains("does not match the server's");
    try (var files = Files.list(directory)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void exportUsd_unknownRevisionIsRejected() {
    int code = run("designs/other/revisions/a", "--token=t", address());

    assertThat(code).isEqualTo(ErrorReporter.REJECTED);
    assertThat(err.toString()).contains("NOT_FOUND");
    assertThat(out.toString()).isEmpty();
  }
}
