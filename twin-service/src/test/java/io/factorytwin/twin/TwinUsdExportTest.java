package io.factorytwin.twin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.Duration;
import io.factorytwin.testing.GrpcClients;
import io.factorytwin.testing.PostgresDatabase;
import io.factorytwin.testing.TestKeys;
import io.factorytwin.twin.v1.ExportTwinUsdRequest;
import io.factorytwin.twin.v1.ExportTwinUsdResponse;
import io.factorytwin.twin.v1.TwinServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ExportTwinUsd of a one-row hall with telemetry. The stage is also written to
 * target/usd/twin.usda, which tests/usd/check.sh parses with TinyUSDZ.
 */
@QuarkusTest
@WithTestResource(PostgresDatabase.class)
@WithTestResource(TestKeys.class)
class TwinUsdExportTest {

  /** Midnight UTC yesterday: a minute boundary within the first-sample window of the twin. */
  private static final long T0 = (System.currentTimeMillis() / 86_400_000L - 1) * 86_400_000L;

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

  private List<ExportTwinUsdResponse> export(ExportTwinUsdRequest request) {
    Iterator<ExportTwinUsdResponse> stream =
        TwinServiceGrpc.newBlockingStub(channel)
            .withCallCredentials(GrpcClients.bearer(TestKeys.token("reader-1", "reader")))
            .withDeadlineAfter(30, TimeUnit.SECONDS)
            .exportTwinUsd(request);
    List<ExportTwinUsdResponse> messages = new ArrayList<>();
    stream.forEachRemaining(messages::add);
    return messages;
  }

  @Test
  void export_writesPrimsRelationshipsAndTimeSamples() throws Exception {
    String twinId = "t-" + UUID.randomUUID().toString().substring(0, 8);
    twin.apply(
        HallDesign.of(1).stream(twinId, "designs/reference-hall/revisions/a", 500, false), true);
    twin.ingest(
        twinId,
        "hall-1.row-01.rack-01.rack-power",
        new double[] {100, 112.5},
        new long[] {T0, T0 + 1500});

    List<ExportTwinUsdResponse> messages =
        export(
            ExportTwinUsdRequest.newBuilder()
                .setName("twins/" + twinId)
                .setHistoryWindow(Duration.newBuilder().setSeconds(60))
                .build());
    StringBuilder text = new StringBuilder();
    long offset = 0;
    for (ExportTwinUsdResponse message : messages) {
      if (message.hasChunk()) {
        assertThat(message.getChunk().getOffset()).isEqualTo(offset);
        text.append(message.getChunk().getText());
        offset += message.getChunk().getText().getBytes(StandardCharsets.UTF_8).length;
      }
    }
    byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
    ExportTwinUsdResponse end = messages.get(messages.size() - 1);
    Path file = Path.of("target", "usd", "twin.usda");
    Files.createDirectories(file.getParent());
    Files.write(file, bytes);
    StatusRuntimeException pastTheEnd =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                export(
                    ExportTwinUsdRequest.newBuilder()
                        .setName("twins/" + twinId)
                        .setResumeOffset(bytes.length + 10)
                        .build()));

    assertThat(messages.get(0).getHeader().getRevision())
        .isEqualTo("twins/" + twinId + "/revisions/a");
    assertThat(messages.get(0).getHeader().getAsOfFacilityTime().getSeconds())
        .isEqualTo((T0 + 1500) / 1000);
    assertThat(end.getEnd().getTotalBytes()).isEqualTo(bytes.length);
    assertThat(end.getEnd().getSha256())
        .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
    assertThat(text.toString())
        .startsWith("#usda 1.0")
        .contains("def Xform \"rack_01\"")
        .contains("custom double factorytwin:point:rack_power.timeSamples = {")
        .contains(T0 / 1000 + ": 100,")
        .contains(": 112.5,")
        .contains(
            "rel factorytwin:feedsPowerPathA = [</Site/hall_1/row_01/rack_01>, </Site/hall_1/row_01/rack_02>");
    StatusRuntimeException huge =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                export(
                    ExportTwinUsdRequest.newBuilder()
                        .setName("twins/" + twinId)
                        .setResumeOffset(-1L)
                        .build()));
    assertThat(pastTheEnd.getStatus().getCode()).isEqualTo(Status.Code.OUT_OF_RANGE);
    assertThat(io.factorytwin.testing.StatusDetails.reason(pastTheEnd))
        .isEqualTo("RESUME_TOKEN_EXPIRED");
    // 2^64 - 1, read by Java as -1.
    assertThat(huge.getStatus().getCode()).isEqualTo(Status.Code.OUT_OF_RANGE);
  }
}
