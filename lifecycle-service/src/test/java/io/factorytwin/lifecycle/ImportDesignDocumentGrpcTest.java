package io.factorytwin.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import io.factorytwin.lifecycle.v1.DocumentChunk;
import io.factorytwin.lifecycle.v1.GetDesignRevisionRequest;
import io.factorytwin.lifecycle.v1.GetPartRequest;
import io.factorytwin.lifecycle.v1.GetPartRevisionRequest;
import io.factorytwin.lifecycle.v1.ImportDesignDocumentRequest;
import io.factorytwin.lifecycle.v1.ImportDesignDocumentResponse;
import io.factorytwin.lifecycle.v1.ImportEnd;
import io.factorytwin.lifecycle.v1.ImportError;
import io.factorytwin.lifecycle.v1.ImportHeader;
import io.factorytwin.lifecycle.v1.LifecycleServiceGrpc;
import io.factorytwin.lifecycle.v1.ListAlternativesRequest;
import io.factorytwin.lifecycle.v1.ListPlacementsRequest;
import io.factorytwin.lifecycle.v1.RevisionState;
import io.factorytwin.testing.GrpcClients;
import io.factorytwin.testing.PostgresDatabase;
import io.factorytwin.testing.TestKeys;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(PostgresDatabase.class)
@WithTestResource(TestKeys.class)
class ImportDesignDocumentGrpcTest {

  private static final int CHUNK_BYTES = 1024 * 1024;

  /** Tables an import writes. A failed import must leave each row count unchanged. */
  private static final List<String> TABLES =
      List.of(
          "part",
          "part_revision",
          "design",
          "design_revision",
          "design_placement",
          "design_connection",
          "design_alternative",
          "request_log");

  @ConfigProperty(name = "quarkus.http.test-port")
  int port;

  @ConfigProperty(name = "quarkus.datasource.jdbc.url")
  String jdbcUrl;

  private ManagedChannel channel;
  private LifecycleServiceGrpc.LifecycleServiceStub uploader;
  private LifecycleServiceGrpc.LifecycleServiceBlockingStub alice;
  private DesignFixtures fixtures;

  @BeforeEach
  void connect() {
    channel = GrpcClients.channel(port);
    uploader =
        LifecycleServiceGrpc.newStub(channel)
            .withCallCredentials(GrpcClients.bearer(TestKeys.token("alice", "operator")));
    fixtures = new DesignFixtures(channel, jdbcUrl);
    alice = fixtures.alice;
  }

  @AfterEach
  void disconnect() {
    GrpcClients.close(channel);
  }

  @Test
  void importDocument_smallHall_createsEverything() throws Exception {
    String suffix = suffix();

    ImportDesignDocumentResponse response = upload(aSmallHall(suffix), false);

    assertThat(response.getCommitted()).isTrue();
    assertThat(response.getCreatedPartsList())
        .containsExactly("parts/feed-" + suffix, "parts/rack-" + suffix);
    assertThat(response.getCreatedPartRevisionsList())
        .containsExactly(
            "parts/feed-" + suffix + "/revisions/a", "parts/rack-" + suffix + "/revisions/a");
    assertThat(response.getCreatedDesignsList()).containsExactly("designs/hall-" + suffix);
    assertThat(response.getCreatedDesignRevisionsList())
        .containsExactly("designs/hall-" + suffix + "/revisions/a");
    assertThat(response.getCreatedAlternativesList())
        .containsExactly("designs/hall-" + suffix + "/alternatives/texas");
    var part = alice.getPart(GetPartRequest.newBuilder().setName("parts/rack-" + suffix).build());
    assertThat(part.getDisplayName()).isEqualTo("GB200 NVL72");
    assertThat(part.getReleasedRevision()).isEqualTo("parts/rack-" + suffix + "/revisions/a");
    var rack =
        alice.getPartRevision(
            GetPartRevisionRequest.newBuilder()
                .setName("parts/rack-" + suffix + "/revisions/a")
                .build());
    assertThat(rack.getState()).isEqualTo(RevisionState.REVISION_STATE_RELEASED);
    assertThat(rack.getSpec().getDesignPowerKw()).isEqualTo(120.0);
    assertThat(rack.getSpec().getRack().getGpuCount()).isEqualTo(72);
    assertThat(rack.getPortsList()).hasSize(2);
    assertThat(rack.getSourcesList())
        .anySatisfy(
            source -> {
              assertThat(source.getField()).isEqualTo("design_power_kw");
              assertThat(source.getCitation()).contains("cooling target");
            });
    var revision =
        alice.getDesignRevision(
            GetDesignRevisionRequest.newBuilder()
                .setName("designs/hall-" + suffix + "/revisions/a")
                .build());
    assertThat(revision.getState()).isEqualTo(RevisionState.REVISION_STATE_IN_WORK);
    assertThat(revision.getSite().getWeatherDataSet()).isEqualTo("USA_VA_Leesburg.Exec.epw");
    assertThat(revision.getHallsCount()).isEqualTo(1);
    assertThat(revision.getPlacementCount()).isEqualTo(3);
    assertThat(revision.getConnectionCount()).isEqualTo(2);
    var placements =
        alice.listPlacements(
            ListPlacementsRequest.newBuilder().setParent(revision.getName()).build());
    assertThat(placements.getPlacementsList())
        .extracting(p -> p.getId())
        .containsExactly("feed-1", "hall-1.row-1.rack-1", "hall-1.row-1.rack-2");
    var alternatives =
        alice.listAlternatives(
            ListAlternativesRequest.newBuilder().setParent("designs/hall-" + suffix).build());
    assertThat(alternatives.getAlternativesList().getFirst().getSite().getWeatherDataSet())
        .isEqualTo("USA_TX_Dallas-Fort.Worth.epw");
  }

  @Test
  void importDocument_sameCatalogTwice_reusesUnchangedParts() throws Exception {
    String suffix = suffix();
    upload(aSmallHall(suffix), false);
    String catalogOnly = aSmallHall(suffix).substring(0, aSmallHall(suffix).indexOf("designs:"));

    ImportDesignDocumentResponse again = upload(catalogOnly, false);

    assertThat(again.getCreatedPartsList()).isEmpty();
    assertThat(again.getCreatedPartRevisionsList()).isEmpty();
    assertThat(again.getUnchangedList())
        .containsExactly(
            "parts/feed-" + suffix,
            "parts/feed-" + suffix + "/revisions/a",
            "parts/rack-" + suffix,
            "parts/rack-" + suffix + "/revisions/a");
  }

  @Test
  void importDocument_withErrors_failsWithPaths() {
    String suffix = suffix();
    String document =
        aSmallHall(suffix)
            .replace("rated_power_kw: 132", "rated_power_kw: -5")
            .replace("equipment_class: UTILITY_FEED", "equipment_class: FLUX_CAPACITOR")
            .replace(
                "part_revision: parts/rack-" + suffix + "/revisions/a\n    position",
                "part_revision: rack-a\n    position");
    List<Long> before = counts();

    StatusRuntimeException failure = DesignFixtures.fail(() -> uploadQuietly(document, false));

    assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(DesignFixtures.reason(failure)).isEqualTo("INVALID_FIELD");
    assertThat(DesignFixtures.fieldViolations(failure))
        .contains(
            "parts[0].equipment_class",
            "parts[1].revisions[0].spec.rated_power_kw",
            "designs[0].placements[1].part_revision");
    assertThat(counts()).isEqualTo(before);
  }

  @Test
  void importDocument_validateOnly_returnsErrorsWithLines() throws Exception {
    String suffix = suffix();
    String document =
        aSmallHall(suffix)
            .replace("gpu_count: 72", "gpu_count: seventy-two")
            .replace("equipment_class: UTILITY_FEED", "equipment_class: FLUX_CAPACITOR");
    List<Long> before = counts();

    ImportDesignDocumentResponse response = upload(document, true);

    assertThat(response.getCommitted()).isFalse();
    assertThat(response.getErrorsList())
        .extracting(ImportError::getElementPath)
        .containsExactly("parts[0].equipment_class", "parts[1].revisions[0].spec.rack.gpu_count");
    assertThat(response.getErrors(0).getLine()).isEqualTo(lineOf(document, "FLUX_CAPACITOR"));
    assertThat(response.getErrors(1).getLine()).isEqualTo(lineOf(document, "gpu_count"));
    assertThat(counts()).isEqualTo(before);
  }

  @Test
  void importDocument_validateOnlyCleanDocument_storesNothing() throws Exception {
    List<Long> before = counts();

    ImportDesignDocumentResponse response = upload(aSmallHall(suffix()), true);

    assertThat(response.getCommitted()).isFalse();
    assertThat(response.getErrorsList()).isEmpty();
    assertThat(response.getCreatedDesignsList()).hasSize(1);
    assertThat(counts()).isEqualTo(before);
  }

  @Test
  void importDocument_withoutEnd_isIncomplete() {
    List<Long> before = counts();
    byte[] bytes = aSmallHall(suffix()).getBytes(StandardCharsets.UTF_8);
    List<ImportDesignDocumentRequest> messages =
        List.of(header(false), chunk(0, Arrays.copyOf(bytes, bytes.length / 2)));

    StatusRuntimeException failure = DesignFixtures.fail(() -> sendQuietly(messages));

    assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(DesignFixtures.reason(failure)).isEqualTo("STREAM_INCOMPLETE");
    assertThat(DesignFixtures.fieldViolations(failure)).containsExactly("end");
    assertThat(counts()).isEqualTo(before);
  }

  @Test
  void importDocument_cancelledMidStream_storesNothing() throws Exception {
    List<Long> before = counts();
    byte[] bytes = aSmallHall(suffix()).getBytes(StandardCharsets.UTF_8);
    CompletableFuture<ImportDesignDocumentResponse> result = new CompletableFuture<>();
    var requests =
        (ClientCallStreamObserver<ImportDesignDocumentRequest>)
            uploader.importDesignDocument(observer(result));

    requests.onNext(header(false));
    requests.onNext(chunk(0, Arrays.copyOf(bytes, bytes.length / 2)));
    requests.cancel("client gave up", null);

    ExecutionException failure =
        assertThrows(ExecutionException.class, () -> result.get(10, TimeUnit.SECONDS));
    assertThat(Status.fromThrowable(failure.getCause()).getCode()).isEqualTo(Status.Code.CANCELLED);
    assertThat(counts()).isEqualTo(before);
  }

  @Test
  void importDocument_chunkGapOrWrongTotal_isIncomplete() {
    byte[] bytes = aSmallHall(suffix()).getBytes(StandardCharsets.UTF_8);
    int half = bytes.length / 2;
    List<Long> before = counts();

    StatusRuntimeException gap =
        DesignFixtures.fail(
            () ->
                sendQuietly(
                    List.of(
                        header(false),
                        chunk(0, Arrays.copyOf(bytes, half)),
                        chunk(half + 1, Arrays.copyOfRange(bytes, half + 1, bytes.length)),
                        end(bytes, bytes.length))));
    StatusRuntimeException wrongTotal =
        DesignFixtures.fail(
            () ->
                sendQuietly(List.of(header(false), chunk(0, bytes), end(bytes, bytes.length + 1))));

    assertThat(DesignFixtures.reason(gap)).isEqualTo("STREAM_INCOMPLETE");
    assertThat(DesignFixtures.fieldViolations(gap)).containsExactly("chunk.offset");
    assertThat(DesignFixtures.reason(wrongTotal)).isEqualTo("STREAM_INCOMPLETE");
    assertThat(DesignFixtures.fieldViolations(wrongTotal)).containsExactly("end.total_bytes");
    assertThat(counts()).isEqualTo(before);
  }

  @Test
  void importDocument_overLimit_isPayloadTooLarge() {
    List<Long> before = counts();
    byte[] filler = new byte[CHUNK_BYTES];
    Arrays.fill(filler, (byte) '#');
    CompletableFuture<ImportDesignDocumentResponse> result = new CompletableFuture<>();
    StreamObserver<ImportDesignDocumentRequest> requests =
        uploader.importDesignDocument(observer(result));

    requests.onNext(header(false));
    // 65 chunks of 1 MiB pass the 64 MiB limit, so the server fails the call at the 65th.
    for (int i = 0; i < 65 && !result.isDone(); i++) {
      requests.onNext(chunk((long) i * CHUNK_BYTES, filler));
    }
    requests.onCompleted();
    StatusRuntimeException failure = DesignFixtures.fail(() -> await(result));

    assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(DesignFixtures.reason(failure)).isEqualTo("PAYLOAD_TOO_LARGE");
    assertThat(counts()).isEqualTo(before);
  }

  /**
   * Returns a document with a utility feed and a rack system, released, and a design with one hall,
   * two racks fed from the feed and a Texas alternative.
   */
  static String aSmallHall(String suffix) {
    return """
        parts:
        - id: feed-%1$s
          display_name: Utility feed
          equipment_class: UTILITY_FEED
          revisions:
          - release: true
            spec:
              rated_power_kw: 2000
            ports:
            - {id: out, domain: ELECTRICAL, max_connections: 10}
        - id: rack-%1$s
          display_name: GB200 NVL72
          equipment_class: RACK_SYSTEM
          manufacturer: NVIDIA
          revisions:
          - release: true
            spec:
              rated_power_kw: 132
              design_power_kw:
                value: 120
                source: NVIDIA cooling target for the rack at OCP
              heat_to_liquid_fraction: 0.9
              coolant_flow_lpm_per_kw: 1.5
              rack:
                gpu_count: 72
                gpu_power_w: 1200
            ports:
            - {id: power-a, domain: ELECTRICAL, power_path: A}
            - {id: tcs-in, domain: TCS_SUPPLY}
        designs:
        - id: hall-%1$s
          display_name: Small hall
          site:
            display_name: Leesburg
            latitude_deg: 39.1
            longitude_deg: -77.6
            weather_data_set: USA_VA_Leesburg.Exec.epw
            power_source: {grid_region: PJM}
          halls:
          - id: hall-1
          rows:
          - id: hall-1.row-1
          placements:
          - id: feed-1
            part_revision: parts/feed-%1$s/revisions/a
          - id: hall-1.row-1.rack-1
            part_revision: parts/rack-%1$s/revisions/a
            position: {x_m: 0.6}
          - id: hall-1.row-1.rack-2
            part_revision: parts/rack-%1$s/revisions/a
            position: {x_m: 1.2}
          connections:
          - {source_placement: feed-1, source_port: out, target_placement: hall-1.row-1.rack-1, target_port: power-a}
          - {source_placement: feed-1, source_port: out, target_placement: hall-1.row-1.rack-2, target_port: power-a}
          alternatives:
          - id: texas
            display_name: Texas
            site:
              display_name: Dallas
              latitude_deg: 32.9
              longitude_deg: -97.0
              weather_data_set: USA_TX_Dallas-Fort.Worth.epw
              power_source:
                grid_region: ERCO
                on_site_generation:
                - {kind: SOLAR_PV, capacity_kw: 5000}
        """
        .formatted(suffix);
  }

  private static String suffix() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  private static int lineOf(String document, String text) {
    String before = document.substring(0, document.indexOf(text));
    return (int) before.chars().filter(c -> c == '\n').count() + 1;
  }

  private ImportDesignDocumentResponse upload(String document, boolean validateOnly)
      throws Exception {
    byte[] bytes = document.getBytes(StandardCharsets.UTF_8);
    return send(List.of(header(validateOnly), chunk(0, bytes), end(bytes, bytes.length)));
  }

  private void uploadQuietly(String document, boolean validateOnly) {
    byte[] bytes = document.getBytes(StandardCharsets.UTF_8);
    sendQuietly(List.of(header(validateOnly), chunk(0, bytes), end(bytes, bytes.length)));
  }

  private void sendQuietly(List<ImportDesignDocumentRequest> messages) {
    try {
      send(messages);
    } catch (StatusRuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Sends the messages in order, half-closes and waits for the response. */
  private ImportDesignDocumentResponse send(List<ImportDesignDocumentRequest> messages)
      throws Exception {
    CompletableFuture<ImportDesignDocumentResponse> result = new CompletableFuture<>();
    StreamObserver<ImportDesignDocumentRequest> requests =
        uploader.importDesignDocument(observer(result));
    for (ImportDesignDocumentRequest message : messages) {
      requests.onNext(message);
    }
    requests.onCompleted();
    return await(result);
  }

  private static ImportDesignDocumentResponse await(
      CompletableFuture<ImportDesignDocumentResponse> result) {
    try {
      return result.get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StatusRuntimeException status) {
        throw status;
      }
      throw new AssertionError(e.getCause());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static StreamObserver<ImportDesignDocumentResponse> observer(
      CompletableFuture<ImportDesignDocumentResponse> result) {
    return new StreamObserver<>() {
      @Override
      public void onNext(ImportDesignDocumentResponse value) {
        result.complete(value);
      }

      @Override
      public void onError(Throwable failure) {
        result.completeExceptionally(failure);
      }

      @Override
      public void onCompleted() {
        result.complete(null);
      }
    };
  }

  private static ImportDesignDocumentRequest header(boolean validateOnly) {
    return ImportDesignDocumentRequest.newBuilder()
        .setHeader(
            ImportHeader.newBuilder()
                .setDocumentName("test.yaml")
                .setValidateOnly(validateOnly)
                .setRequestId(UUID.randomUUID().toString()))
        .build();
  }

  private static ImportDesignDocumentRequest chunk(long offset, byte[] data) {
    return ImportDesignDocumentRequest.newBuilder()
        .setChunk(DocumentChunk.newBuilder().setOffset(offset).setData(ByteString.copyFrom(data)))
        .build();
  }

  private static ImportDesignDocumentRequest end(byte[] document, long totalBytes) {
    try {
      String sha256 =
          HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(document));
      return ImportDesignDocumentRequest.newBuilder()
          .setEnd(ImportEnd.newBuilder().setTotalBytes(totalBytes).setSha256(sha256))
          .build();
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private List<Long> counts() {
    return TABLES.stream().map(table -> fixtures.count("select count(*) from " + table)).toList();
  }
}
