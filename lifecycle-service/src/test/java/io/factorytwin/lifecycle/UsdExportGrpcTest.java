package io.factorytwin.lifecycle;

import static io.factorytwin.lifecycle.DesignFixtures.fail;
import static io.factorytwin.lifecycle.DesignFixtures.fieldViolations;
import static io.factorytwin.lifecycle.DesignFixtures.reason;
import static org.assertj.core.api.Assertions.assertThat;

import io.factorytwin.lifecycle.v1.DesignRevision;
import io.factorytwin.lifecycle.v1.ExportDesignUsdRequest;
import io.factorytwin.lifecycle.v1.ExportDesignUsdResponse;
import io.factorytwin.lifecycle.v1.GetDesignRevisionRequest;
import io.factorytwin.lifecycle.v1.LifecycleServiceGrpc;
import io.factorytwin.lifecycle.v1.ListDesignsRequest;
import io.factorytwin.testing.GrpcClients;
import io.factorytwin.testing.PostgresDatabase;
import io.factorytwin.testing.TestKeys;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Exports the reference hall, imported from the examples folder, as an OpenUSD stage. The stage is
 * also written to {@code target/usd/reference-hall.usda}, where the independent parser check in
 * {@code tests/usd/} reads it.
 */
@QuarkusTest
@WithTestResource(PostgresDatabase.class)
@WithTestResource(TestKeys.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UsdExportGrpcTest {

  private static final String REVISION = "designs/reference-hall/revisions/a";

  /** Where the parser check of {@code bin/factory test} reads the stage. */
  static final Path STAGE_FILE = Path.of("target", "usd", "reference-hall.usda");

  /** The largest chunk the contract allows, in bytes of UTF-8. */
  private static final int MAX_CHUNK_BYTES = 1024 * 1024;

  @ConfigProperty(name = "quarkus.http.test-port")
  int port;

  private ManagedChannel channel;
  private LifecycleServiceGrpc.LifecycleServiceBlockingStub alice;
  private LifecycleServiceGrpc.LifecycleServiceStub uploader;

  /** The whole stream of one export, checked for its order and offsets. */
  record Export(String etag, long startOffset, String text, long totalBytes, String sha256) {}

  @BeforeEach
  void connect() throws Exception {
    channel = GrpcClients.channel(port);
    var credentials = GrpcClients.bearer(TestKeys.token("alice", "operator"));
    alice =
        LifecycleServiceGrpc.newBlockingStub(channel)
            .withCallCredentials(credentials)
            .withDeadlineAfter(60, TimeUnit.SECONDS);
    uploader = LifecycleServiceGrpc.newStub(channel).withCallCredentials(credentials);
    boolean imported =
        !alice.listDesigns(ListDesignsRequest.getDefaultInstance()).getDesignsList().isEmpty();
    if (!imported) {
      DocumentUploads.upload(uploader, DocumentUploads.EXAMPLES.resolve("catalog.yaml"));
      DocumentUploads.upload(uploader, DocumentUploads.EXAMPLES.resolve("reference-hall.yaml"));
    }
  }

  @AfterEach
  void disconnect() {
    GrpcClients.close(channel);
  }

  @Test
  @Order(1)
  void export_referenceHallStage() throws Exception {
    DesignRevision revision =
        alice.getDesignRevision(GetDesignRevisionRequest.newBuilder().setName(REVISION).build());

    Export export = export(request().setIncludeAlternatives(true).build());
    Files.createDirectories(STAGE_FILE.getParent());
    Files.writeString(STAGE_FILE, export.text(), StandardCharsets.UTF_8);
    Map<String, List<String>> prims = outline(export.text());

    assertThat(export.text()).startsWith("#usda 1.0\n");
    assertThat(export.etag()).isEqualTo(revision.getEtag());
    assertThat(export.totalBytes())
        .isEqualTo(export.text().getBytes(StandardCharsets.UTF_8).length);
    assertThat(export.sha256()).isEqualTo(sha256(export.text()));
    // The site, 1 hall, 8 rows and every placement.
    assertThat(revision.getPlacementCount()).isEqualTo(239);
    assertThat(prims).hasSize(1 + 1 + 8 + 239);
    assertThat(prims.keySet().stream().filter(path -> path.matches(".*/rack_\\d+"))).hasSize(128);

    List<String> rack = prims.get("/Site/hall_1/row_02/rack_03");
    assertThat(rack).contains("custom string factorytwin:id = \"hall-1.row-02.rack-03\"");
    assertThat(rack).contains("double3 xformOp:translate = (2.4, 0, 0)");
    assertThat(rack).contains("double3 xformOp:rotateXYZ = (0, 0, 0)");
    assertThat(rack)
        .contains("uniform token[] xformOpOrder = [\"xformOp:translate\", \"xformOp:rotateXYZ\"]");
    assertThat(rack).contains("custom double factorytwin:ratedPowerKw = 132");
    assertThat(rack).contains("custom double factorytwin:designPowerKw = 120");
    assertThat(rack).contains("custom int factorytwin:rack:gpuCount = 72");
    assertThat(rack).contains("custom token factorytwin:equipmentClass = \"RACK_SYSTEM\"");
    assertThat(prims.get("/Site/hall_1/row_02"))
        .contains("double3 xformOp:translate = (0, 3.6, 0)");

    assertThat(prims.get("/Site/hall_1/row_01/rpp_a1"))
        .contains(
            "rel factorytwin:feedsPowerPathA = [</Site/hall_1/row_01/rack_01>,"
                + " </Site/hall_1/row_01/rack_02>, </Site/hall_1/row_01/rack_03>,"
                + " </Site/hall_1/row_01/rack_04>, </Site/hall_1/row_01/rack_05>,"
                + " </Site/hall_1/row_01/rack_06>, </Site/hall_1/row_01/rack_07>,"
                + " </Site/hall_1/row_01/rack_08>]");
    assertThat(prims.get("/Site/utility_a"))
        .contains(
            "rel factorytwin:feedsPower = [</Site/transformer_a1>, </Site/transformer_a2>,"
                + " </Site/transformer_a3>, </Site/transformer_a4>]");

    assertThat(prims.get("/Site"))
        .contains("custom string factorytwin:designRevision = \"" + REVISION + "\"")
        .contains("custom string factorytwin:powerSource:gridRegion = \"PJM\"")
        .contains("prepend variantSets = \"alternative\"")
        .contains("string alternative = \"Base\"");
    assertThat(export.text())
        .contains("        \"texas\" {\n")
        .contains("custom string factorytwin:powerSource:gridRegion = \"ERCO\"")
        .contains("custom token[] factorytwin:powerSource:onSiteGeneration:kind = [\"SOLAR_PV\"]")
        .contains("custom double[] factorytwin:powerSource:onSiteGeneration:capacityKw = [10000]")
        .contains("        \"pacific-northwest\" {\n");
  }

  @Test
  @Order(2)
  void export_sameBytesTwice() {
    Export first = export(request().setIncludeAlternatives(true).build());
    Export second = export(request().setIncludeAlternatives(true).build());
    Export withoutAlternatives = export(request().build());

    assertThat(second.text()).isEqualTo(first.text());
    assertThat(second.sha256()).isEqualTo(first.sha256());
    assertThat(withoutAlternatives.text()).doesNotContain("variantSet");
  }

  @Test
  @Order(3)
  void export_resumesAtOffset() {
    Export whole = export(request().build());
    String text = whole.text();
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    int offset = text.indexOf("def Xform \"hall_1\"");
    long byteOffset = text.substring(0, offset).getBytes(StandardCharsets.UTF_8).length;

    Export resumed =
        export(request().setResumeOffset(byteOffset).setExpectedEtag(whole.etag()).build());
    Export atEnd =
        export(request().setResumeOffset(bytes.length).setExpectedEtag(whole.etag()).build());

    assertThat(resumed.startOffset()).isEqualTo(byteOffset);
    assertThat(resumed.text()).isEqualTo(text.substring(offset));
    assertThat(resumed.totalBytes()).isEqualTo(bytes.length);
    assertThat(resumed.sha256()).isEqualTo(whole.sha256());
    assertThat(atEnd.text()).isEmpty();
    assertThat(atEnd.totalBytes()).isEqualTo(bytes.length);
  }

  @Test
  @Order(4)
  void export_rejectsBadResume() {
    Export whole = export(request().build());
    long size = whole.totalBytes();

    StatusRuntimeException pastEnd =
        fail(
            () ->
                export(request().setResumeOffset(size + 1).setExpectedEtag(whole.etag()).build()));
    StatusRuntimeException staleEtag =
        fail(() -> export(request().setResumeOffset(10).setExpectedEtag("stale").build()));
    StatusRuntimeException noEtag = fail(() -> export(request().setResumeOffset(10).build()));

    assertThat(pastEnd.getStatus().getCode()).isEqualTo(Status.Code.OUT_OF_RANGE);
    assertThat(fieldViolations(pastEnd)).containsExactly("resume_offset");
    assertThat(staleEtag.getStatus().getCode()).isEqualTo(Status.Code.ABORTED);
    assertThat(reason(staleEtag)).isEqualTo("ETAG_MISMATCH");
    assertThat(noEtag.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(fieldViolations(noEtag)).containsExactly("expected_etag");
  }

  @Test
  @Order(5)
  void export_unknownOrBadNames() {
    StatusRuntimeException unknownRevision =
        fail(
            () ->
                export(
                    ExportDesignUsdRequest.newBuilder()
                        .setName("designs/reference-hall/revisions/z")
                        .build()));
    StatusRuntimeException unknownDesign =
        fail(
            () ->
                export(
                    ExportDesignUsdRequest.newBuilder()
                        .setName("designs/no-such-hall/revisions/a")
                        .build()));
    StatusRuntimeException badName =
        fail(() -> export(ExportDesignUsdRequest.newBuilder().setName("designs/Hall/a").build()));
    StatusRuntimeException noName = fail(() -> export(ExportDesignUsdRequest.getDefaultInstance()));

    assertThat(unknownRevision.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(unknownDesign.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(badName.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(fieldViolations(badName)).containsExactly("name");
    assertThat(noName.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(fieldViolations(noName)).containsExactly("name");
  }

  private static ExportDesignUsdRequest.Builder request() {
    return ExportDesignUsdRequest.newBuilder().setName(REVISION);
  }

  /**
   * Reads a whole export stream and checks its shape: one header first, chunks whose offsets follow
   * each other without a gap, each under 1 MiB, and one end last.
   */
  private Export export(ExportDesignUsdRequest request) {
    Iterator<ExportDesignUsdResponse> stream = alice.exportDesignUsd(request);
    ExportDesignUsdResponse first = stream.next();
    assertThat(first.hasHeader()).as("first message is the header").isTrue();
    StringBuilder text = new StringBuilder();
    long expectedOffset = first.getHeader().getStartOffset();
    ExportDesignUsdResponse last = null;
    while (stream.hasNext()) {
      ExportDesignUsdResponse message = stream.next();
      assertThat(last).as("nothing follows the end message").isNull();
      switch (message.getMessageCase()) {
        case CHUNK -> {
          int length = message.getChunk().getText().getBytes(StandardCharsets.UTF_8).length;
          assertThat(message.getChunk().getOffset()).isEqualTo(expectedOffset);
          assertThat(length).isPositive().isLessThanOrEqualTo(MAX_CHUNK_BYTES);
          text.append(message.getChunk().getText());
          expectedOffset += length;
        }
        case END -> last = message;
        case KEEPALIVE -> {}
        default -> throw new AssertionError("unexpected message " + message.getMessageCase());
      }
    }
    assertThat(last).as("the stream ends with an end message").isNotNull();
    assertThat(last.getEnd().getTotalBytes()).isEqualTo(expectedOffset);
    return new Export(
        first.getHeader().getEtag(),
        first.getHeader().getStartOffset(),
        text.toString(),
        last.getEnd().getTotalBytes(),
        last.getEnd().getSha256());
  }

  private static String sha256(String text) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * Returns the property lines of each prim by path. It reads the layout this service writes, four
   * spaces per level, and stops at the variant set, so it is no general USD parser; the check in
   * {@code tests/usd/} parses the stage with TinyUSDZ.
   */
  static Map<String, List<String>> outline(String text) {
    Map<String, List<String>> prims = new LinkedHashMap<>();
    List<String> path = new ArrayList<>();
    for (String line : text.split("\n")) {
      String trimmed = line.strip();
      int depth = (line.length() - line.stripLeading().length()) / 4;
      if (trimmed.startsWith("variantSet ")) {
        break;
      }
      if (trimmed.startsWith("def Xform \"")) {
        while (path.size() > depth) {
          path.removeLast();
        }
        path.add(trimmed.substring("def Xform \"".length(), trimmed.indexOf('"', 11)));
        prims.put("/" + String.join("/", path), new ArrayList<>());
      } else if (depth > 0
          && !path.isEmpty()
          && !trimmed.isEmpty()
          && !trimmed.equals("{")
          && !trimmed.equals("}")) {
        prims
            .get("/" + String.join("/", path.subList(0, Math.min(depth, path.size()))))
            .add(trimmed);
      }
    }
    return prims;
  }
}
