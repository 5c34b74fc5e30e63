package io.factorytwin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import io.factorytwin.simulation.v1.AgentEvaluationResult;
import io.factorytwin.simulation.v1.AgentTrainingResult;
import io.factorytwin.simulation.v1.CoolingEnergy;
import io.factorytwin.simulation.v1.GetJobResultRequest;
import io.factorytwin.simulation.v1.GetPolicyVersionRequest;
import io.factorytwin.simulation.v1.HourlyOracle;
import io.factorytwin.simulation.v1.Job;
import io.factorytwin.simulation.v1.JobResult;
import io.factorytwin.simulation.v1.ListPoliciesRequest;
import io.factorytwin.simulation.v1.ListPoliciesResponse;
import io.factorytwin.simulation.v1.ListPolicyVersionsRequest;
import io.factorytwin.simulation.v1.ListPolicyVersionsResponse;
import io.factorytwin.simulation.v1.Policy;
import io.factorytwin.simulation.v1.PolicyParameters;
import io.factorytwin.simulation.v1.PolicyVersion;
import io.factorytwin.simulation.v1.SimulationServiceGrpc;
import io.factorytwin.simulation.v1.SubmitJobRequest;
import io.factorytwin.simulation.v1.TrainingMetrics;
import io.factorytwin.simulation.v1.TransientKpis;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * factoryctl sim train, evaluate, emulate and the policy commands against an in-process stand-in of
 * simulation-service: the requests the commands build, what they print and their exit codes.
 */
class SimAgentCommandsTest {

  private static final String VERSION = "policies/lc/versions/3";

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private final List<Object> requests = new ArrayList<>();
  private Server server;

  private static final PolicyVersion STORED =
      PolicyVersion.newBuilder()
          .setName(VERSION)
          .setTrainingJob("jobs/train-1")
          .setParameters(
              PolicyParameters.newBuilder()
                  .setAlgorithm("predictive-liquid-cooling")
                  .putValues("setpoint_c", 38.5)
                  .putValues("lead_time_s", 20))
          .setMetrics(
              TrainingMetrics.newBuilder()
                  .setObjective(1234.5)
                  .setCoolingEnergyKwh(1200)
                  .setCandidatesEvaluated(64)
                  .setEpisodesRun(256))
          .addTrainingSeeds(1)
          .addTrainingSeeds(-1)
          .setCreateTime(Timestamps.fromSeconds(1_780_000_000))
          .build();

  @BeforeEach
  void startServer() throws Exception {
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(new StandIn())
            .build()
            .start();
  }

  @AfterEach
  void stopServer() {
    server.shutdownNow();
  }

  private int run(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    requests.clear();
    String[] all = new String[args.length + 3];
    all[0] = "sim";
    System.arraycopy(args, 0, all, 1, args.length);
    all[args.length + 1] = "--simulation-address=127.0.0.1:" + server.getPort();
    all[args.length + 2] = "--token=t";
    return FactoryCtl.execute(new PrintWriter(out, true), new PrintWriter(err, true), all);
  }

  private <T> T request(Class<T> type) {
    List<T> matching = requests.stream().filter(type::isInstance).map(type::cast).toList();
    assertThat(matching).as("requests of type " + type.getSimpleName()).hasSize(1);
    return matching.get(0);
  }

  @Test
  void train_buildsAgentTrainingSpec() {
    int code =
        run(
            "train",
            "--design-revision=designs/hall/revisions/a",
            "--workload=A.csv",
            "--duration=15m",
            "--seed=1,2",
            "--seed=18446744073709551615",
            "--search-budget=64",
            "--search-seed=9",
            "--episodes=4",
            "--policy=lc");

    assertThat(code).as(err.toString()).isZero();
    SubmitJobRequest submitted = request(SubmitJobRequest.class);
    var training = submitted.getJob().getAgentTraining();
    assertThat(training.getScenario().getModel().getDesignRevision())
        .isEqualTo("designs/hall/revisions/a");
    assertThat(training.getScenario().getWorkloadDataSet()).isEqualTo("A.csv");
    assertThat(training.getScenario().getDuration()).isEqualTo(Durations.fromMinutes(15));
    assertThat(training.getSeedsList()).containsExactly(1L, 2L, -1L);
    assertThat(training.getSearchBudget()).isEqualTo(64);
    assertThat(training.getSearchSeed()).isEqualTo(9);
    assertThat(training.getEpisodes()).isEqualTo(4);
    assertThat(training.getPolicy()).isEqualTo("policies/lc");
    assertThat(out.toString()).contains("jobs/j-1").contains("AGENT_TRAINING");
  }

  @Test
  void train_duplicateSeed_isUsageError() {
    int code =
        run(
            "train",
            "--model=designs/hall/revisions/a",
            "--workload=A.csv",
            "--duration=15m",
            "--seed=5,5",
            "--search-budget=8",
            "--policy=lc");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("duplicate --seed 5");
    assertThat(requests).isEmpty();
  }

  @Test
  void train_withoutDuration_isUsageError() {
    int code =
        run(
            "train",
            "--model=designs/hall/revisions/a",
            "--workload=A.csv",
            "--seed=1",
            "--search-budget=8",
            "--policy=lc");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("AGENT_TRAINING needs --duration");
  }

  @Test
  void evaluate_withoutScenario_leavesItUnset() {
    int code = run("evaluate", VERSION, "--seed=101,102");

    assertThat(code).as(err.toString()).isZero();
    var evaluation = request(SubmitJobRequest.class).getJob().getAgentEvaluation();
    assertThat(evaluation.getPolicyVersion()).isEqualTo(VERSION);
    assertThat(evaluation.getSeedsList()).containsExactly(101L, 102L);
    assertThat(evaluation.hasScenario()).isFalse();
    assertThat(evaluation.getHourlyOracle()).isFalse();
  }

  @Test
  void evaluate_hourlyOracle_setsFlag() {
    int code = run("evaluate", VERSION, "--seed=101", "--hourly-oracle");

    assertThat(code).as(err.toString()).isZero();
    assertThat(request(SubmitJobRequest.class).getJob().getAgentEvaluation().getHourlyOracle())
        .isTrue();
  }

  @Test
  void result_evaluationWithOracle_printsThreeColumns() {
    int code = run("result", "eval-1");

    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString())
        .containsPattern("KPI\\s+AGENT\\s+BASELINE\\s+HOURLY ORACLE")
        .containsPattern("cooling kWh\\s+110.0\\s+100.0\\s+94.0")
        .contains(
            "cooling energy saving: agent -10.0 %, hourly oracle 6.0 % (an estimate of the ceiling)");
  }

  @Test
  void evaluate_withWorkload_setsOnlyIt() {
    int code = run("evaluate", VERSION, "--seed=101", "--workload=B.csv");

    assertThat(code).as(err.toString()).isZero();
    var scenario = request(SubmitJobRequest.class).getJob().getAgentEvaluation().getScenario();
    assertThat(scenario.getWorkloadDataSet()).isEqualTo("B.csv");
    assertThat(scenario.hasModel()).isFalse();
    assertThat(scenario.hasDuration()).isFalse();
  }

  @Test
  void emulate_buildsPlantEmulationSpec() {
    int code =
        run(
            "emulate",
            "--twin=reference-hall",
            "--speed-up=60",
            "--workload=A.csv",
            "--duration=2h",
            "--start=2026-07-15T14:00:00Z",
            "--seed=7",
            "--telemetry-interval=500ms");

    assertThat(code).as(err.toString()).isZero();
    var emulation = request(SubmitJobRequest.class).getJob().getPlantEmulation();
    assertThat(emulation.getTwin()).isEqualTo("twins/reference-hall");
    assertThat(emulation.getSpeedUpFactor()).isEqualTo(60);
    assertThat(emulation.getDuration()).isEqualTo(Durations.fromHours(2));
    assertThat(Timestamps.toString(emulation.getStartTime())).isEqualTo("2026-07-15T14:00:00Z");
    assertThat(emulation.getSeed()).isEqualTo(7);
    assertThat(emulation.getTelemetryInterval()).isEqualTo(Durations.fromMillis(500));
  }

  @Test
  void emulate_nonFiniteSpeedUp_isUsageError() {
    int code = run("emulate", "--twin=t", "--speed-up=NaN", "--workload=A.csv");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("invalid --speed-up 'NaN'");
    assertThat(requests).isEmpty();
  }

  @Test
  void policies_listsTable() {
    int code = run("policies", "--filter=algorithm = \"predictive-liquid-cooling\"");

    assertThat(code).as(err.toString()).isZero();
    assertThat(request(ListPoliciesRequest.class).getFilter())
        .isEqualTo("algorithm = \"predictive-liquid-cooling\"");
    assertThat(out.toString())
        .containsPattern("policies/lc\\s+predictive-liquid-cooling\\s+" + VERSION);
  }

  @Test
  void policyVersions_namesParent() {
    int code = run("policy-versions", "lc");

    assertThat(code).as(err.toString()).isZero();
    assertThat(request(ListPolicyVersionsRequest.class).getParent()).isEqualTo("policies/lc");
    assertThat(out.toString()).containsPattern(VERSION + "\\s+jobs/train-1\\s+1234.5\\s+1200");
  }

  @Test
  void policyVersion_printsParametersAndSeeds() {
    int code = run("policy-version", VERSION);

    assertThat(code).as(err.toString()).isZero();
    assertThat(request(GetPolicyVersionRequest.class).getName()).isEqualTo(VERSION);
    assertThat(out.toString())
        .containsPattern("lead_time_s\\s+20\\n")
        .containsPattern("setpoint_c\\s+38.5\\n")
        .contains("training seeds: 1,18446744073709551615");
  }

  @Test
  void policyVersion_json_isProtoJson() {
    int code = run("policy-version", VERSION, "-o", "json");

    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("\"algorithm\": \"predictive-liquid-cooling\"")
        .contains("\"setpoint_c\": 38.5");
  }

  @Test
  void result_agentTraining_printsMetrics() {
    int code = run("result", "train-1");

    assertThat(code).as(err.toString()).isZero();
    assertThat(request(GetJobResultRequest.class).getJob()).isEqualTo("jobs/train-1");
    assertThat(out.toString())
        .contains("policy version " + VERSION)
        .containsPattern("1234.5\\s+1200\\s+0\\s+0\\s+64\\s+256");
  }

  private static TransientKpis cooling(double kwh) {
    return TransientKpis.newBuilder()
        .setCoolingEnergy(CoolingEnergy.newBuilder().setTotalKwh(kwh))
        .build();
  }

  private static JobResult evaluationResult(String job) {
    return JobResult.newBuilder()
        .setJob(job)
        .setKind(Job.Kind.KIND_AGENT_EVALUATION)
        .setAgentEvaluation(
            AgentEvaluationResult.newBuilder()
                .setPolicyVersion(VERSION)
                .setAgent(cooling(110))
                .setBaseline(cooling(100))
                .setCoolingEnergySavingFraction(-0.10)
                .setHourlyOracle(
                    HourlyOracle.newBuilder()
                        .setKpis(cooling(94))
                        .setCoolingEnergySavingFraction(0.06)))
        .build();
  }

  private final class StandIn extends SimulationServiceGrpc.SimulationServiceImplBase {

    private <T> void reply(Object request, StreamObserver<T> response, T message) {
      requests.add(request);
      response.onNext(message);
      response.onCompleted();
    }

    @Override
    public void submitJob(SubmitJobRequest request, StreamObserver<Job> response) {
      Job.Kind kind =
          switch (request.getJob().getSpecCase()) {
            case AGENT_TRAINING -> Job.Kind.KIND_AGENT_TRAINING;
            case AGENT_EVALUATION -> Job.Kind.KIND_AGENT_EVALUATION;
            case PLANT_EMULATION -> Job.Kind.KIND_PLANT_EMULATION;
            default -> Job.Kind.KIND_UNSPECIFIED;
          };
      reply(
          request,
          response,
          request.getJob().toBuilder()
              .setName("jobs/j-1")
              .setKind(kind)
              .setState(Job.State.STATE_QUEUED)
              .build());
    }

    @Override
    public void listPolicies(
        ListPoliciesRequest request, StreamObserver<ListPoliciesResponse> response) {
      reply(
          request,
          response,
          ListPoliciesResponse.newBuilder()
              .addPolicies(
                  Policy.newBuilder()
                      .setName("policies/lc")
                      .setAlgorithm("predictive-liquid-cooling")
                      .setLatestVersion(VERSION))
              .build());
    }

    @Override
    public void listPolicyVersions(
        ListPolicyVersionsRequest request, StreamObserver<ListPolicyVersionsResponse> response) {
      reply(
          request,
          response,
          ListPolicyVersionsResponse.newBuilder().addPolicyVersions(STORED).build());
    }

    @Override
    public void getPolicyVersion(
        GetPolicyVersionRequest request, StreamObserver<PolicyVersion> response) {
      reply(request, response, STORED);
    }

    @Override
    public void getJobResult(GetJobResultRequest request, StreamObserver<JobResult> response) {
      if (request.getJob().equals("jobs/eval-1")) {
        reply(request, response, evaluationResult(request.getJob()));
        return;
      }
      reply(
          request,
          response,
          JobResult.newBuilder()
              .setJob(request.getJob())
              .setKind(Job.Kind.KIND_AGENT_TRAINING)
              .setAgentTraining(
                  AgentTrainingResult.newBuilder()
                      .setPolicyVersion(VERSION)
                      .setMetrics(STORED.getMetrics()))
              .build());
    }
  }
}
