package io.factorytwin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * factoryctl sim against a real simulation-service: the jar the build made in
 * simulation-service/target, started by {@link ServiceJarProcess} on H2 with the reference data
 * folder, so the requests the commands build pass the service's own checks. The jar has no physics
 * runner yet, so every valid submit fails with FAILED_PRECONDITION naming the kind. Watch, result
 * and cancel of running jobs are tested against the stand-in in SimCommandTest.
 */
class SimServiceCliTest {

  /** A design revision as lifecycle-service names them. */
  private static final String REVISION = "designs/hall/revisions/a";

  private static ServiceJarProcess service;
  private static String operator;
  private static String reader;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeAll
  static void startService() throws Exception {
    String data = Path.of("..", "..", "shared", "data").toAbsolutePath().normalize().toString();
    service = ServiceJarProcess.start("simulation-service", Map.of("FACTORYTWIN_DATA_DIR", data));
    operator = service.token("ops-lead", "operator");
    reader = service.token("viewer", "reader");
  }

  @AfterAll
  static void stopService() throws Exception {
    if (service != null) {
      service.close();
    }
  }

  private int run(String token, String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    String[] all = new String[args.length + 3];
    all[0] = "sim";
    System.arraycopy(args, 0, all, 1, args.length);
    all[args.length + 1] = "--simulation-address=" + service.address;
    all[args.length + 2] = "--token=" + token;
    return FactoryCtl.execute(new PrintWriter(out, true), new PrintWriter(err, true), all);
  }

  @Test
  void submit_transient_isQueued() {
    int code =
        run(
            operator,
            "submit",
            "transient",
            "--model=" + REVISION,
            "--workload=Alibaba_CPU_Data_Hourly_1.csv",
            "--duration=15m");

    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).contains("jobs/");

    assertThat(run(reader, "jobs")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("TRANSIENT");
  }

  @Test
  void submit_outOfRangeYear_namesTheField() {
    int code =
        run(
            operator,
            "submit",
            "design-evaluation",
            "--design-revision=" + REVISION,
            "--workload=Alibaba_CPU_Data_Hourly_1.csv",
            "--year=3000");

    assertThat(code).isEqualTo(ErrorReporter.REJECTED);
    assertThat(err.toString())
        .contains("error: INVALID_ARGUMENT")
        .contains("field job.design_evaluation.year");
  }

  @Test
  void submit_asReader_isPermissionDenied() {
    int code =
        run(
            reader,
            "submit",
            "design-evaluation",
            "--design-revision=" + REVISION,
            "--workload=Alibaba_CPU_Data_Hourly_1.csv");

    assertThat(code).isEqualTo(ErrorReporter.REJECTED);
    assertThat(err.toString()).contains("error: PERMISSION_DENIED");
  }

  @Test
  void jobs_filterOptions_passTheServiceFilterCheck() {
    assertThat(run(reader, "jobs", "--state=failed", "--kind=comparison", "-o", "json"))
        .as(err.toString())
        .isZero();
    assertThat(out.toString().trim()).isEqualTo("{\n}");
  }

  @Test
  void watchAndCancel_unknownJob_areNotFound() {
    assertThat(run(reader, "watch", "no-such-job")).isEqualTo(ErrorReporter.REJECTED);
    assertThat(err.toString()).startsWith("error: NOT_FOUND");

    assertThat(run(operator, "cancel", "no-such-job")).isEqualTo(ErrorReporter.REJECTED);
    assertThat(err.toString()).startsWith("error: NOT_FOUND");
  }

  @Test
  void dataSets_listTheReferenceFiles() {
    assertThat(run(reader, "data-sets", "--kind=carbon-intensity")).as(err.toString()).isZero();
    assertThat(out.toString())
        .containsPattern("PJM.csv\\s+carbon-intensity\\s+\\d+")
        .doesNotContain(".epw");
  }
}
