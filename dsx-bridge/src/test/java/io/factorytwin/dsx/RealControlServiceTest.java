package io.factorytwin.dsx;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import io.factorytwin.control.v1.Action;
import io.factorytwin.control.v1.Agent;
import io.factorytwin.control.v1.ControlServiceGrpc;
import io.factorytwin.control.v1.CreateGuardrailRequest;
import io.factorytwin.control.v1.Guardrail;
import io.factorytwin.control.v1.HeartbeatRequest;
import io.factorytwin.control.v1.ProposeSetpointRequest;
import io.factorytwin.control.v1.ProposeSetpointResponse;
import io.factorytwin.control.v1.RegisterAgentRequest;
import io.factorytwin.testing.GrpcClients;
import io.factorytwin.testing.ServiceProcess;
import io.factorytwin.testing.TestKeys;
import io.grpc.ManagedChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The whole outbound path with real services: an agent's proposal, checked by a real
 * control-service (started from its built H2 jar) and applied to a real twin-service, reaches the
 * test BMS on the shared broker as the integration's CDU request. Build both jars first: {@code
 * ./mvnw install -DskipTests -pl proto,service-support,test-support,twin-service,control-service}.
 */
class RealControlServiceTest {

  private static final Path CONTROL_JAR =
      Path.of("..", "control-service", "target", "quarkus-app", "quarkus-run.jar");
  private static final String AGENT_ID = "dsx-cooling";

  @Test
  void outbound_acceptedProposalBecomesRequest() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String root = "ft-control-" + run + "/BMS/v1";
    Path persistence = Files.createTempDirectory("dsx-bridge-mqtt");
    try (TwinFixture twin = TwinFixture.start();
        ServiceProcess control = startControl(twin);
        TestBms bms = new TestBms(DsxBridgeTest.BROKER, root, DsxBridgeTest.INTEGRATION)) {
      java.util.List<String> retained = DsxBridgeTest.publishMetadata(bms);
      BridgeConfig base =
          DsxBridgeTest.config(
              DsxBridgeTest.BROKER, run, root, twin, "127.0.0.1:" + control.port(), persistence);
      BridgeConfig config = base.withAgents(Set.of("agents/" + AGENT_ID));
      try (DsxBridge bridge = new DsxBridge(config, new BridgeCounters())) {
        bridge.start();
        await(
            "request metadata",
            30_000,
            () -> bridge.requestTopic(TwinFixture.CDU_SETPOINT).isPresent());
        String requestTopic = bridge.requestTopic(TwinFixture.CDU_SETPOINT).orElseThrow();
        // Telemetry through the bridge starts the twin's facility clock, which control's rate
        // check needs.
        bms.value("CDU", "LiquidTemperature", "site1/row1/cdu1/TCS-SupplyTemp", 30.5, 1);
        String sensor = TwinFixture.CDU + ".liquid-temperature.secondary-supply";
        await("telemetry in the twin", 20_000, () -> twin.latest(sensor).get(0).hasValue());

        ManagedChannel channel = GrpcClients.channel(control.port());
        try {
          prepare(channel, 5);
          // WatchActions without after_sequence starts after the newest audit entry; give the
          // bridge's stream time to open before the proposal.
          Thread.sleep(1500);
          assertThat(propose(channel, 31.5).getAction().getState())
              .isEqualTo(Action.State.STATE_APPLIED);

          TestBms.Received request = bms.next(requestTopic, 15_000);
          assertThat(request).as("request on %s", requestTopic).isNotNull();
          assertThat(request.payload()).contains("\"value\":31.5").contains("\"quality\":1");
        } finally {
          GrpcClients.close(channel);
        }
      } finally {
        bms.clearRetained(retained);
        TestBms.dropSession(DsxBridgeTest.BROKER, "ft-bridge-" + run);
      }
    }
    TestBms.dropSession(DsxBridgeTest.BROKER, "bms-" + root.hashCode());
  }

  /**
   * A setpoint that control-service applies while the bridge is stopped reaches the BMS after the
   * bridge starts again: the bridge resumes WatchActions after the sequence it saved, not at the
   * newest audit entry.
   */
  @Test
  void bridgeRestart_missedRequestSent() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String root = "ft-resume-" + run + "/BMS/v1";
    Path persistence = Files.createTempDirectory("dsx-bridge-mqtt");
    String sensor = TwinFixture.CDU + ".liquid-temperature.secondary-supply";
    try (TwinFixture twin = TwinFixture.start();
        ServiceProcess control = startControl(twin);
        TestBms bms = new TestBms(DsxBridgeTest.BROKER, root, DsxBridgeTest.INTEGRATION)) {
      java.util.List<String> retained = DsxBridgeTest.publishMetadata(bms);
      BridgeConfig config =
          DsxBridgeTest.config(
                  DsxBridgeTest.BROKER, run, root, twin, "127.0.0.1:" + control.port(), persistence)
              .withAgents(Set.of("agents/" + AGENT_ID));
      ManagedChannel channel = GrpcClients.channel(control.port());
      try {
        String requestTopic;
        try (DsxBridge bridge = new DsxBridge(config, new BridgeCounters())) {
          bridge.start();
          await(
              "request metadata",
              30_000,
              () -> bridge.requestTopic(TwinFixture.CDU_SETPOINT).isPresent());
          requestTopic = bridge.requestTopic(TwinFixture.CDU_SETPOINT).orElseThrow();
          bms.value("CDU", "LiquidTemperature", "site1/row1/cdu1/TCS-SupplyTemp", 30.5, 1);
          await("telemetry in the twin", 20_000, () -> twin.latest(sensor).get(0).hasValue());
          // 600 K per minute: the second change needs only 0.1 s of facility time.
          prepare(channel, 600);
          Thread.sleep(1500);
          assertThat(propose(channel, 31.5).getAction().getState())
              .isEqualTo(Action.State.STATE_APPLIED);
          TestBms.Received first = bms.next(requestTopic, 15_000);
          assertThat(first).isNotNull();
          assertThat(first.payload()).contains("\"value\":31.5");
          // Later telemetry moves the facility clock on, which the next change's rate check needs.
          bms.value("CDU", "LiquidTemperature", "site1/row1/cdu1/TCS-SupplyTemp", 30.75, 1);
          await("newer telemetry", 20_000, () -> twin.latest(sensor).get(0).getValue() == 30.75);
          // Saved while running, not only when the bridge stops.
          Path state = persistence.resolve(OutboxFile.FILE_NAME);
          await(
              "the outbox state saved",
              5_000,
              () -> Files.exists(state) && readQuietly(state).startsWith("seen "));
        }

        assertThat(propose(channel, 32.5).getAction().getState())
            .as("a change while the bridge is stopped")
            .isEqualTo(Action.State.STATE_APPLIED);
        assertThat(bms.next(requestTopic, 1_000)).isNull();

        try (DsxBridge restarted = new DsxBridge(config, new BridgeCounters())) {
          restarted.start();
          TestBms.Received missed = bms.next(requestTopic, 30_000);
          assertThat(missed).as("the request of the change made while stopped").isNotNull();
          assertThat(missed.payload()).contains("\"value\":32.5");
        }
      } finally {
        GrpcClients.close(channel);
        bms.clearRetained(retained);
        TestBms.dropSession(DsxBridgeTest.BROKER, "ft-bridge-" + run);
      }
      TestBms.dropSession(DsxBridgeTest.BROKER, bms.clientId);
    }
  }

  private static String readQuietly(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      return "";
    }
  }

  private static ProposeSetpointResponse propose(ManagedChannel channel, double value) {
    return ControlServiceGrpc.newBlockingStub(channel)
        .withCallCredentials(GrpcClients.bearer(TestKeys.token(AGENT_ID, "agent")))
        .withDeadlineAfter(20, TimeUnit.SECONDS)
        .proposeSetpoint(
            ProposeSetpointRequest.newBuilder()
                .setPoint(TwinFixture.CDU_SETPOINT)
                .setValue(value)
                .setUnit("C")
                .setRequestId(UUID.randomUUID().toString())
                .setRationale("warmer supply at part load")
                .build());
  }

  private static ServiceProcess startControl(TwinFixture twin) throws Exception {
    Path work = twin.work.resolve("control");
    Files.createDirectories(work);
    Path writer = work.resolve("setpoint-writer.jwt");
    Files.writeString(writer, TestKeys.token("control-service", "setpoint-writer"));
    return ServiceProcess.start(
        "control-service",
        CONTROL_JAR,
        work,
        "384m",
        Map.of(
            "FACTORYTWIN_JWT_PUBLIC_KEY",
            Path.of("target", "test-jwt", "public.pem").toAbsolutePath().toString(),
            "FACTORYTWIN_JWT_ISSUER",
            TestKeys.ISSUER,
            "CONTROL_TWIN_ADDRESS",
            "127.0.0.1:" + twin.process.port(),
            "CONTROL_TWIN_TOKEN_FILE",
            writer.toString(),
            "CONTROL_AUDIT_CHECKPOINT_DIR",
            work.resolve("checkpoints").toString(),
            "CONTROL_AUDIT_CHECKPOINT_KEY_FILE",
            work.resolve("checkpoint.key").toString()));
  }

  /**
   * Creates a TCS supply guardrail with the given rate limit in K per minute and an autonomous
   * agent with a live lease.
   */
  private static void prepare(ManagedChannel channel, double maxRatePerMinute) {
    var operator =
        ControlServiceGrpc.newBlockingStub(channel)
            .withCallCredentials(GrpcClients.bearer(TestKeys.token("ops-lead", "operator")));
    operator.createGuardrail(
        CreateGuardrailRequest.newBuilder()
            .setGuardrailId("tcs-supply")
            .setGuardrail(
                Guardrail.newBuilder()
                    .setPointPattern("twins/*/points/*.liquid-temperature-sp.secondary-supply")
                    .setUnit("C")
                    .setMinValue(20)
                    .setMaxValue(45)
                    .setMaxRatePerMinute(maxRatePerMinute)
                    .setApprovalMinValue(25)
                    .setApprovalMaxValue(40)
                    .setSafeDefaultValue(30))
            .build());
    operator.registerAgent(
        RegisterAgentRequest.newBuilder()
            .setAgentId(AGENT_ID)
            .setAgent(
                Agent.newBuilder()
                    .setOwner("ops@example.com")
                    .addScopes(TwinFixture.TWIN + "/points/*")
                    .setMode(Agent.Mode.MODE_AUTONOMOUS)
                    .setEnabled(true)
                    .setLeaseDuration(Duration.newBuilder().setSeconds(300)))
            .build());
    ControlServiceGrpc.newBlockingStub(channel)
        .withCallCredentials(GrpcClients.bearer(TestKeys.token(AGENT_ID, "agent")))
        .heartbeat(HeartbeatRequest.newBuilder().setAgent("agents/" + AGENT_ID).build());
  }

  private static void await(String what, long timeoutMs, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(50);
    }
  }
}
