package io.factorytwin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * factoryctl control against a real control-service: the jar the build made in
 * control-service/target, started by {@link ServiceJarProcess}, so the requests the commands build
 * pass the service's own validation. twin-service does not run, so calls that need it (an in-scope
 * proposal, a hold) fail UNAVAILABLE; the proposal outcomes are tested against a stand-in in
 * ControlCommandTest and against a real twin in control-service's ProposeSetpointTest. The tests
 * share one service and run in order, because each builds on the state before it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ControlServiceCliTest {

  private static final String PATTERN =
      "twins/hall/points/*.liquid-temperature-sp.secondary-supply";

  private static ServiceJarProcess service;
  private static String operator;
  private static String agent;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeAll
  static void startService() throws Exception {
    // A closed port as twin-service's address, tried once, so calls that need it fail at once.
    String closed = "127.0.0.1:" + ServiceJarProcess.freePort();
    service =
        ServiceJarProcess.start(
            "control-service",
            Map.of("CONTROL_TWIN_ADDRESS", closed, "CONTROL_TWIN_ATTEMPTS", "1"));
    operator = service.token("ops-lead", "operator");
    agent = service.token("lc-agent", "agent");
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
    all[0] = "control";
    System.arraycopy(args, 0, all, 1, args.length);
    all[args.length + 1] = "--control-address=" + service.address;
    all[args.length + 2] = "--token=" + token;
    return FactoryCtl.execute(new PrintWriter(out, true), new PrintWriter(err, true), all);
  }

  @Test
  @Order(1)
  void guardrailCreateAndSet_raiseVersion() {
    int created =
        run(
            operator,
            "guardrails",
            "create",
            "tcs-supply",
            "--pattern=" + PATTERN,
            "--unit=C",
            "--min=25",
            "--max=40",
            "--rate=0.5",
            "--approval-max=35",
            "--safe-default=30");
    assertThat(created).as(err.toString()).isZero();

    int changed = run(operator, "guardrails", "set", "tcs-supply", "--max=38");
    assertThat(changed).as(err.toString()).isZero();

    assertThat(run(operator, "guardrails")).as(err.toString()).isZero();
    assertThat(out.toString())
        .containsPattern(
            "guardrails/tcs-supply\\s+\\S+\\s+C\\s+25\\s+38\\s+0.5\\s+25\\.\\.35\\s+30\\s+0\\s+2");
  }

  @Test
  @Order(2)
  void guardrailCreate_invalidRange_namesFields() {
    int code =
        run(
            operator,
            "guardrails",
            "create",
            "inverted",
            "--pattern=" + PATTERN,
            "--unit=C",
            "--min=40",
            "--max=25",
            "--rate=0.5",
            "--safe-default=30");

    assertThat(code).isEqualTo(ErrorReporter.REJECTED);
    assertThat(err.toString()).startsWith("error: INVALID_ARGUMENT");
    assertThat(err.toString()).contains("field guardrail.min_value");
  }

  @Test
  @Order(3)
  void registerAndHeartbeat_useTokenSubject() {
    int registered =
        run(
            operator,
            "register",
            "lc-agent",
            "--owner=cooling-team@example.com",
            "--scope=twins/hall/points/hall-1.row-01.cdu-*.liquid-temperature-sp.*",
            "--mode=autonomous",
            "--enabled",
            "--lease-seconds=300");
    assertThat(registered).as(err.toString()).isZero();

    assertThat(run(agent, "heartbeat")).as(err.toString()).isZero();
    assertThat(out.toString()).containsPattern("agents/lc-agent\\s+AUTONOMOUS\\s+\\d{4}-");

    assertThat(run(operator, "agents")).as(err.toString()).isZero();
    assertThat(out.toString()).containsPattern("agents/lc-agent\\s+AUTONOMOUS\\s+true");
  }

  @Test
  @Order(4)
  void propose_outOfScope_isPermissionDenied() {
    int code =
        run(agent, "propose", "twins/hall/points/hall-1.row-09.pump-speed-sp", "50", "--unit=%");

    assertThat(code).isEqualTo(ErrorReporter.REJECTED);
    assertThat(err.toString()).startsWith("error: PERMISSION_DENIED");
    assertThat(err.toString()).contains("OUT_OF_SCOPE");
  }

  @Test
  @Order(5)
  void propose_withOperatorToken_isPermissionDenied() {
    int code =
        run(
            operator,
            "propose",
            "twins/hall/points/hall-1.row-01.cdu-1.liquid-temperature-sp.secondary-supply",
            "30",
            "--unit=C");

    assertThat(code).isEqualTo(ErrorReporter.REJECTED);
    assertThat(err.toString()).contains("requires one of the roles [agent]");
  }

  @Test
  @Order(6)
  void estopThenEnable_restoresAgent() {
    assertThat(run(operator, "estop", "--reason=chiller 2 trip")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("disabled 1 agents");

    assertThat(run(operator, "agents", "lc-agent")).as(err.toString()).isZero();
    assertThat(out.toString()).containsPattern("false.*emergency stop by ops-lead: chiller 2 trip");

    assertThat(run(operator, "enable", "lc-agent")).as(err.toString()).isZero();
    assertThat(out.toString()).containsPattern("agents/lc-agent\\s+AUTONOMOUS\\s+true");
  }

  @Test
  @Order(7)
  void auditAndVerify_listEveryChange() {
    assertThat(run(operator, "audit")).as(err.toString()).isZero();
    assertThat(out.toString())
        .containsPattern("1\\s+GUARDRAIL_CREATED\\s+ops-lead\\s+guardrails/tcs-supply")
        .contains("AGENT_REGISTERED")
        .contains("PROPOSAL_REFUSED")
        .contains("EMERGENCY_STOP");

    assertThat(run(operator, "verify-audit")).as(err.toString()).isZero();
    assertThat(out.toString()).containsPattern("valid\\s+true");
    assertThat(err.toString()).isEmpty();
  }
}
