package io.factorytwin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * factoryctl change against a real lifecycle-service: the jar that the build made in
 * lifecycle-service/target, started by {@link ServiceJarProcess}. The reference hall from the
 * examples folder is imported and released first, so change notices have a released base.
 */
class ChangeCommandTest {

  private static final Path EXAMPLES = Path.of("..", "examples");
  private static final String HALL = "designs/reference-hall";

  private static ServiceJarProcess service;
  private static Path work;
  private static String address;
  private static String alice;
  private static String bob;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeAll
  static void startServiceWithReleasedHall() throws Exception {
    service = ServiceJarProcess.start("lifecycle-service", Map.of());
    work = service.work;
    address = service.address;
    alice = service.token("alice", "operator");
    bob = service.token("bob", "operator");

    for (String document : new String[] {"catalog.yaml", "reference-hall.yaml"}) {
      runOk(alice, "design", "import", EXAMPLES.resolve(document).toString());
    }
    runOk(alice, "design", "submit", HALL + "/revisions/a");
    runOk(alice, "design", "release", HALL + "/revisions/a", "--timeout=60");
  }

  @AfterAll
  static void stopService() throws Exception {
    if (service != null) {
      service.close();
    }
  }

  @Test
  void changeNotice_endToEnd_releasesRevisionB() throws IOException {
    Path edits = work.resolve("raise-tcs.json");
    Files.writeString(
        edits,
        """
        [{"updateSetpoints": {"tcsSupplyTemperatureC": 40}},
         {"upsertHall": {"id": "hall-1", "displayName": "Hall one"}}]
        """);
    String change = HALL + "/changes/raise-tcs";

    int created =
        run(
            alice,
            "change",
            "create",
            HALL,
            "--id=raise-tcs",
            "--base=" + HALL + "/revisions/a",
            "--title=Raise the TCS supply temperature",
            "--edits=" + edits);
    assertThat(created).as(err.toString()).isZero();
    assertThat(out.toString()).contains(change).contains("DRAFT");

    assertThat(run(alice, "change", "submit", change)).as(err.toString()).isZero();
    assertThat(out.toString()).contains("UNDER_REVIEW");

    assertThat(run(bob, "change", "approve", change, "--comment=Within the GPU limits."))
        .as(err.toString())
        .isZero();
    assertThat(out.toString()).contains("APPROVED").contains("bob");

    assertThat(run(alice, "change", "apply", change, "--timeout=60")).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("APPLIED")
        .contains(HALL + "/revisions/b")
        .contains("RELEASED");

    assertThat(run(alice, "change", "show", change, "-o", "json")).isZero();
    assertThat(out.toString())
        .contains("\"state\": \"STATE_APPLIED\"")
        .contains("\"resultingRevision\": \"" + HALL + "/revisions/b\"")
        .contains("\"reviewComment\": \"Within the GPU limits.\"");

    assertThat(run(alice, "design", "show", HALL + "/revisions/a")).isZero();
    assertThat(out.toString()).contains("SUPERSEDED");

    assertThat(run(alice, "change", "list", HALL, "--filter=state = STATE_APPLIED")).isZero();
    assertThat(out.toString()).contains(change);
  }

  @Test
  void changeApprove_byAuthor_isRejected() throws IOException {
    String change = submittedChange("self-approval", alice);

    int code = run(alice, "change", "approve", change);

    assertThat(code).isEqualTo(ErrorReporter.REJECTED);
    assertThat(err.toString()).startsWith("error: PERMISSION_DENIED");
    assertThat(err.toString()).contains("SELF_APPROVAL_FORBIDDEN");
    assertThat(run(alice, "change", "show", change)).isZero();
    assertThat(out.toString()).contains("UNDER_REVIEW");
  }

  @Test
  void changeReject_withComment_isFinal() throws IOException {
    String change = submittedChange("too-warm", alice);

    assertThat(run(bob, "change", "reject", change, "--comment=Too close to the dew point."))
        .as(err.toString())
        .isZero();
    assertThat(out.toString()).contains("REJECTED");

    assertThat(run(alice, "change", "apply", change)).isEqualTo(ErrorReporter.REJECTED);
    assertThat(err.toString()).startsWith("error: FAILED_PRECONDITION");
  }

  @Test
  void changeReject_withoutComment_isUsageError() {
    int code = run(bob, "change", "reject", HALL + "/changes/anything");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--comment");
  }

  @Test
  void changeCreate_invalidEdits_failsLocally() throws IOException {
    Path edits = work.resolve("broken.json");
    Files.writeString(edits, "[{\"noSuchEdit\": 1}]");

    int code =
        run(
            alice,
            "change",
            "create",
            HALL,
            "--id=broken",
            "--base=" + HALL + "/revisions/a",
            "--title=Broken",
            "--edits=" + edits);

    assertThat(code).isEqualTo(ErrorReporter.FAILED);
    assertThat(err.toString()).contains("invalid edits in " + edits);
  }

  /** Creates and submits a change notice against the hall's released revision. */
  private String submittedChange(String id, String token) throws IOException {
    Path edits = work.resolve(id + ".json");
    Files.writeString(edits, "[{\"updateSetpoints\": {\"tcsSupplyTemperatureC\": 45}}]");
    String released = releasedRevision();
    assertThat(
            run(
                token,
                "change",
                "create",
                HALL,
                "--id=" + id,
                "--base=" + released,
                "--title=Change " + id,
                "--edits=" + edits))
        .as(err.toString())
        .isZero();
    String change = HALL + "/changes/" + id;
    assertThat(run(token, "change", "submit", change)).as(err.toString()).isZero();
    return change;
  }

  /** Returns the hall's released revision, which the end-to-end test may have moved to B. */
  private String releasedRevision() {
    assertThat(run(alice, "design", "list", "-o", "json")).isZero();
    String json = out.toString();
    String key = "\"releasedRevision\": \"";
    int start = json.indexOf(key) + key.length();
    return json.substring(start, json.indexOf('"', start));
  }

  private int run(String token, String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    String[] withConnection = new String[args.length + 2];
    System.arraycopy(args, 0, withConnection, 0, args.length);
    withConnection[args.length] = "--lifecycle-address=" + address;
    withConnection[args.length + 1] = "--token=" + token;
    return FactoryCtl.execute(
        new PrintWriter(out, true), new PrintWriter(err, true), withConnection);
  }

  private static void runOk(String token, String... args) {
    ChangeCommandTest test = new ChangeCommandTest();
    assertThat(test.run(token, args)).as(test.err.toString()).isZero();
  }
}
