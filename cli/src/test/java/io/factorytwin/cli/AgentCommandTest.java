package io.factorytwin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.Timestamps;
import io.factorytwin.simulation.v1.GetPolicyVersionRequest;
import io.factorytwin.simulation.v1.PolicyParameters;
import io.factorytwin.simulation.v1.PolicyVersion;
import io.factorytwin.simulation.v1.SimulationServiceGrpc;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * factoryctl agent run's checks before it calls any service, and its request_ids. The loop itself
 * runs against real services in AgentRunCliTest.
 */
class AgentCommandTest {

  private static final String VALID =
      """
      {"algorithm": "predictive-liquid-cooling", "values": {"setpoint_c": 40,
       "setpoint_load_gain_k": 10, "lead_time_s": 30, "filter_time_s": 20,
       "pump_speed_min": 0.5, "pump_speed_load_gain": 0.4}}
      """;

  @TempDir Path folder;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  /**
   * Runs agent run against closed ports, so that any call to a service fails UNAVAILABLE, unless
   * the arguments name an address themselves.
   */
  private int run(String... args) throws Exception {
    String closed = "127.0.0.1:" + ServiceJarProcess.freePort();
    List<String> all = new ArrayList<>(List.of("agent", "run"));
    all.addAll(List.of(args));
    for (String option :
        List.of("--twin-address=", "--control-address=", "--simulation-address=")) {
      if (all.stream().noneMatch(arg -> arg.startsWith(option))) {
        all.add(option + closed);
      }
    }
    all.add(
        "--token="
            + DevCommand.sign(
                java.security.KeyPairGenerator.getInstance("RSA").generateKeyPair().getPrivate(),
                "lc-agent",
                java.util.Set.of("agent"),
                java.time.Duration.ofMinutes(5)));
    return FactoryCtl.execute(
        new PrintWriter(out, true), new PrintWriter(err, true), all.toArray(String[]::new));
  }

  private Path parameters(String json) throws Exception {
    Path file = folder.resolve("parameters.json");
    Files.writeString(file, json);
    return file;
  }

  @Test
  void parameters_missingKey_namedBeforeAnyCall() throws Exception {
    Path file = parameters(VALID.replace("\"lead_time_s\": 30,", ""));

    int code = run("--parameters=" + file, "--twin=hall");

    assertThat(code).isEqualTo(ErrorReporter.FAILED);
    assertThat(err.toString()).contains("invalid policy parameters: missing parameter lead_time_s");
  }

  @Test
  void parameters_otherAlgorithm_isRejected() throws Exception {
    Path file = parameters(VALID.replace("predictive-liquid-cooling", "pid"));

    int code = run("--parameters=" + file, "--twin=hall");

    assertThat(code).isEqualTo(ErrorReporter.FAILED);
    assertThat(err.toString()).contains("unknown policy algorithm 'pid'");
  }

  @Test
  void parameters_notJson_isRejected() throws Exception {
    Path file = parameters("setpoint_c = 40");

    int code = run("--parameters=" + file, "--twin=hall");

    assertThat(code).isEqualTo(ErrorReporter.FAILED);
    assertThat(err.toString()).contains("invalid --parameters " + file);
  }

  @Test
  void policySources_bothGiven_isUsageError() throws Exception {
    Path file = parameters(VALID);

    int code =
        run("--parameters=" + file, "--policy-version=policies/lc/versions/1", "--twin=hall");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("mutually exclusive");
  }

  @Test
  void untilAndDuration_bothGiven_isUsageError() throws Exception {
    Path file = parameters(VALID);

    int code =
        run("--parameters=" + file, "--twin=hall", "--until=2026-07-15T14:00:00Z", "--duration=1h");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("mutually exclusive");
  }

  @Test
  void interval_invalid_isUsageError() throws Exception {
    Path file = parameters(VALID);

    int code = run("--parameters=" + file, "--twin=hall", "--interval=soon");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("invalid --interval 'soon'");
  }

  @Test
  void twinUnreachable_failsUnavailable() throws Exception {
    Path file = parameters(VALID);

    int code = run("--parameters=" + file, "--twin=hall");

    assertThat(code).isEqualTo(ErrorReporter.UNREACHABLE);
    assertThat(err.toString()).contains("UNAVAILABLE");
  }

  @Test
  void policyVersion_readFromSimulation_parametersChecked() throws Exception {
    List<GetPolicyVersionRequest> requests = new ArrayList<>();
    PolicyVersion stored =
        PolicyVersion.newBuilder()
            .setName("policies/lc/versions/2")
            .setParameters(
                PolicyParameters.newBuilder()
                    .setAlgorithm("predictive-liquid-cooling")
                    .putValues("setpoint_c", 40))
            .build();
    Server simulation =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(
                new SimulationServiceGrpc.SimulationServiceImplBase() {
                  @Override
                  public void getPolicyVersion(
                      GetPolicyVersionRequest request, StreamObserver<PolicyVersion> response) {
                    requests.add(request);
                    response.onNext(stored);
                    response.onCompleted();
                  }
                })
            .build()
            .start();
    try {
      int code =
          run(
              "--policy-version=policies/lc/versions/2",
              "--twin=hall",
              "--simulation-address=127.0.0.1:" + simulation.getPort());

      assertThat(code).isEqualTo(ErrorReporter.FAILED);
      assertThat(requests)
          .extracting(GetPolicyVersionRequest::getName)
          .containsExactly("policies/lc/versions/2");
      assertThat(err.toString())
          .contains("invalid policy parameters: missing parameter filter_time_s");
    } finally {
      simulation.shutdownNow();
    }
  }

  @Test
  void policyVersion_malformedName_isUsageError() throws Exception {
    int code = run("--policy-version=lc/2", "--twin=hall");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("invalid --policy-version 'lc/2'");
  }

  @Test
  void requestId_dependsOnAgentPointAndTime() {
    var time = Timestamps.fromSeconds(1_780_000_000);
    var later = Timestamps.fromSeconds(1_780_000_060);
    String point = "twins/t/points/hall-1.row-01.cdu-1.pump-speed-sp";

    String id = AgentRunner.requestId("agents/a", point, time);

    assertThat(AgentRunner.requestId("agents/a", point, time)).isEqualTo(id);
    assertThat(AgentRunner.requestId("agents/a", point, later)).isNotEqualTo(id);
    assertThat(AgentRunner.requestId("agents/b", point, time)).isNotEqualTo(id);
    assertThat(AgentRunner.requestId("agents/a", point + "x", time)).isNotEqualTo(id);
    assertThat(java.util.UUID.fromString(id).toString()).isEqualTo(id);
  }
}
