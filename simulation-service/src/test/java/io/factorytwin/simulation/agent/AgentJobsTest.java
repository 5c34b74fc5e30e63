package io.factorytwin.simulation.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

import com.google.protobuf.Duration;
import io.agroal.api.AgroalDataSource;
import io.factorytwin.simulation.jobs.JobRecord;
import io.factorytwin.simulation.jobs.JobState;
import io.factorytwin.simulation.jobs.JobStore;
import io.factorytwin.simulation.transients.FeedForwardPolicy;
import io.factorytwin.simulation.v1.AgentEvaluationResult;
import io.factorytwin.simulation.v1.AgentEvaluationSpec;
import io.factorytwin.simulation.v1.AgentTrainingResult;
import io.factorytwin.simulation.v1.AgentTrainingSpec;
import io.factorytwin.simulation.v1.CoolingEnergy;
import io.factorytwin.simulation.v1.GetJobRequest;
import io.factorytwin.simulation.v1.GetJobResultRequest;
import io.factorytwin.simulation.v1.GetPolicyRequest;
import io.factorytwin.simulation.v1.GetPolicyVersionRequest;
import io.factorytwin.simulation.v1.HourlyOracle;
import io.factorytwin.simulation.v1.Job;
import io.factorytwin.simulation.v1.JobResult;
import io.factorytwin.simulation.v1.ListPoliciesRequest;
import io.factorytwin.simulation.v1.ListPolicyVersionsRequest;
import io.factorytwin.simulation.v1.ListPolicyVersionsResponse;
import io.factorytwin.simulation.v1.ModelSource;
import io.factorytwin.simulation.v1.OracleEpisode;
import io.factorytwin.simulation.v1.Policy;
import io.factorytwin.simulation.v1.PolicyParameters;
import io.factorytwin.simulation.v1.PolicyVersion;
import io.factorytwin.simulation.v1.SeriesInfo;
import io.factorytwin.simulation.v1.SimulationServiceGrpc;
import io.factorytwin.simulation.v1.SubmitJobRequest;
import io.factorytwin.simulation.v1.TrainingMetrics;
import io.factorytwin.simulation.v1.TransientScenario;
import io.factorytwin.simulation.v1.TransientSpec;
import io.factorytwin.testing.GrpcClients;
import io.factorytwin.testing.PostgresDatabase;
import io.factorytwin.testing.StatusDetails;
import io.factorytwin.testing.TestKeys;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * AGENT_TRAINING, AGENT_EVALUATION, TRANSIENT with a stored version and the policy RPCs, through
 * the queue with the real runners on PostgreSQL. Every model is one row of the reference hall
 * ({@link SmallHallLoader}) and episodes last five simulated minutes, so the searches take seconds.
 */
@QuarkusTest
@TestProfile(AgentJobsTest.RealRunners.class)
@WithTestResource(PostgresDatabase.class)
@WithTestResource(TestKeys.class)
class AgentJobsTest {

  /** Uses the real TRANSIENT runner and loads every model as {@link SmallHallLoader}'s row. */
  public static class RealRunners implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "quarkus.arc.exclude-types", "io.factorytwin.simulation.jobs.SteppingTransientRunner");
    }

    @Override
    public Set<Class<?>> getEnabledAlternatives() {
      return Set.of(SmallHallLoader.class);
    }
  }

  @ConfigProperty(name = "quarkus.http.test-port")
  int port;

  @Inject JobStore jobs;
  @Inject AgroalDataSource dataSource;

  private ManagedChannel channel;
  private SimulationServiceGrpc.SimulationServiceBlockingStub operator;

  @BeforeEach
  void connect() {
    channel = GrpcClients.channel(port);
    operator =
        SimulationServiceGrpc.newBlockingStub(channel)
            .withCallCredentials(GrpcClients.bearer(TestKeys.token("planner", "operator")));
  }

  @AfterEach
  void close() {
    GrpcClients.close(channel);
  }

  private SimulationServiceGrpc.SimulationServiceBlockingStub stub() {
    return operator.withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private static TransientScenario scenario() {
    return TransientScenario.newBuilder()
        .setModel(ModelSource.newBuilder().setTwinRevision("twins/hall-1/revisions/1"))
        .setWorkloadDataSet("GoogleClusteData_CPU_Data_Hourly_1.csv")
        .setStartTime(com.google.protobuf.Timestamp.newBuilder().setSeconds(1_656_680_400L))
        .setDuration(Duration.newBuilder().setSeconds(300))
        .build();
  }

  private static AgentTrainingSpec trainingSpec(String policy) {
    return AgentTrainingSpec.newBuilder()
        .setScenario(scenario())
        .addSeeds(1)
        .addSeeds(2)
        .setSearchBudget(6)
        .setSearchSeed(11)
        .setPolicy(policy)
        .build();
  }

  private Job submit(Job job) {
    return stub().submitJob(SubmitJobRequest.newBuilder().setJob(job).build());
  }

  private Job await(String name, Predicate<Job> condition, long timeoutMillis)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    Job job = stub().getJob(GetJobRequest.newBuilder().setName(name).build());
    while (!condition.test(job)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeoutMillis + " ms waiting on " + job);
      }
      Thread.sleep(50);
      job = stub().getJob(GetJobRequest.newBuilder().setName(name).build());
    }
    return job;
  }

  private JobResult succeeded(Job submitted) throws InterruptedException {
    Job done =
        await(
            submitted.getName(),
            job ->
                job.getState() == Job.State.STATE_SUCCEEDED
                    || job.getState() == Job.State.STATE_FAILED
                    || job.getState() == Job.State.STATE_CANCELLED,
            180_000);
    assertThat(done.getState())
        .as(done.getFailure().toString())
        .isEqualTo(Job.State.STATE_SUCCEEDED);
    return stub().getJobResult(GetJobResultRequest.newBuilder().setJob(done.getName()).build());
  }

  /** Runs an AGENT_EVALUATION of a version on held-out seeds and returns its result. */
  private JobResult evaluate(String version, long... seeds) throws InterruptedException {
    AgentEvaluationSpec.Builder spec = AgentEvaluationSpec.newBuilder().setPolicyVersion(version);
    for (long seed : seeds) {
      spec.addSeeds(seed);
    }
    return succeeded(submit(Job.newBuilder().setAgentEvaluation(spec).build()));
  }

  private AgentTrainingResult train(String policy) throws InterruptedException {
    return succeeded(submit(Job.newBuilder().setAgentTraining(trainingSpec(policy)).build()))
        .getAgentTraining();
  }

  @Test
  void training_storesVersionOneThenTwo() throws InterruptedException {
    AgentTrainingResult first = train("policies/store-order");
    AgentTrainingResult second = train("policies/store-order");

    assertThat(first.getPolicyVersion()).isEqualTo("policies/store-order/versions/1");
    assertThat(second.getPolicyVersion()).isEqualTo("policies/store-order/versions/2");
    TrainingMetrics metrics = first.getMetrics();
    assertThat(metrics.getCandidatesEvaluated()).isEqualTo(6);
    assertThat(metrics.getEpisodesRun()).isEqualTo(12);
    assertThat(metrics.getObjective())
        .isCloseTo(
            metrics.getCoolingEnergyKwh()
                + PolicySearch.OVER_LIMIT_PENALTY_KWH_PER_MINUTE * metrics.getGpuOverLimitMinutes(),
            within(1e-6));

    Policy policy =
        stub().getPolicy(GetPolicyRequest.newBuilder().setName("policies/store-order").build());
    assertThat(policy.getAlgorithm()).isEqualTo(FeedForwardPolicy.ALGORITHM);
    assertThat(policy.getLatestVersion()).isEqualTo("policies/store-order/versions/2");

    PolicyVersion version =
        stub()
            .getPolicyVersion(
                GetPolicyVersionRequest.newBuilder()
                    .setName("policies/store-order/versions/1")
                    .build());
    assertThat(version.getTrainingSeedsList()).containsExactly(1L, 2L);
    assertThat(version.getTrainingJob()).startsWith("jobs/");
    assertThat(version.getParameters().getValuesMap().keySet())
        .containsExactlyInAnyOrder(FeedForwardPolicy.KEYS);
    assertThat(version.getMetrics()).isEqualTo(metrics);

    ListPolicyVersionsResponse list =
        stub()
            .listPolicyVersions(
                ListPolicyVersionsRequest.newBuilder()
                    .setParent("policies/store-order")
                    .setPageSize(1)
                    .build());
    assertThat(list.getPolicyVersionsList())
        .extracting(PolicyVersion::getName)
        .containsExactly("policies/store-order/versions/2");
    ListPolicyVersionsResponse next =
        stub()
            .listPolicyVersions(
                ListPolicyVersionsRequest.newBuilder()
                    .setParent("policies/store-order")
                    .setPageSize(1)
                    .setPageToken(list.getNextPageToken())
                    .build());
    assertThat(next.getPolicyVersionsList())
        .extracting(PolicyVersion::getName)
        .containsExactly("policies/store-order/versions/1");
    assertThat(next.getNextPageToken()).isEmpty();
  }

  @Test
  void training_cancel_stopsWithinSeconds() throws InterruptedException {
    // 100,000 candidates of one-hour episodes run far longer than this test waits.
    AgentTrainingSpec spec =
        trainingSpec("policies/cancelled").toBuilder()
            .setScenario(scenario().toBuilder().setDuration(seconds(3600)))
            .setSearchBudget(100_000)
            .build();
    Job submitted = submit(Job.newBuilder().setAgentTraining(spec).build());
    Job running =
        await(
            submitted.getName(),
            job ->
                job.getState() == Job.State.STATE_RUNNING
                    && job.hasProgress()
                    && job.getProgress().getFraction() > 0,
            60_000);

    long start = System.nanoTime();
    stub()
        .cancelJob(
            io.factorytwin.simulation.v1.CancelJobRequest.newBuilder()
                .setName(running.getName())
                .build());
    Job cancelled =
        await(running.getName(), job -> job.getState() == Job.State.STATE_CANCELLED, 15_000);
    long stoppedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    System.out.printf("AGENT_TRAINING cancel: stopped %d ms after CancelJob%n", stoppedMillis);

    // One progress interval (1 s) plus the episodes in flight on the shared test machine.
    assertThat(stoppedMillis).isLessThan(5_000);
    assertThat(cancelled.getProgress().getFraction()).isLessThan(1.0);
    StatusRuntimeException noPolicy =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                stub()
                    .getPolicy(
                        GetPolicyRequest.newBuilder().setName("policies/cancelled").build()));
    assertThat(noPolicy.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void training_sameSearchSeed_sameParameters() throws InterruptedException {
    AgentTrainingResult first = train("policies/repeat-a");
    AgentTrainingResult second = train("policies/repeat-b");
    PolicyVersion a = version(first.getPolicyVersion());
    PolicyVersion b = version(second.getPolicyVersion());
    assertThat(a.getParameters()).isEqualTo(b.getParameters());
  }

  @Test
  void rerunOfAJob_addsNoSecondVersion() throws SQLException {
    PolicyVersion artifact = artifact(poorParameters());
    JobResult empty =
        JobResult.newBuilder().setAgentTraining(AgentTrainingResult.getDefaultInstance()).build();
    String firstName;
    String secondName;
    try (Connection connection = dataSource.getConnection()) {
      firstName =
          PolicyStore.addVersion(
                  connection, "rerun-job", "rerun", FeedForwardPolicy.ALGORITHM, artifact, empty)
              .getAgentTraining()
              .getPolicyVersion();
      // The same job again, as after a crash between storing and reporting the result.
      secondName =
          PolicyStore.addVersion(
                  connection, "rerun-job", "rerun", FeedForwardPolicy.ALGORITHM, artifact, empty)
              .getAgentTraining()
              .getPolicyVersion();
    }
    assertThat(firstName).isEqualTo("policies/rerun/versions/1");
    assertThat(secondName).isEqualTo(firstName);
    assertThat(versionCount("rerun")).isEqualTo(1);
  }

  @Test
  void versionWrite_rolledBack_leavesNoVersion() throws SQLException {
    PolicyVersion artifact = artifact(poorParameters());
    JobResult empty =
        JobResult.newBuilder().setAgentTraining(AgentTrainingResult.getDefaultInstance()).build();
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      PolicyStore.addVersion(
          connection, "rolled-back", "rollback", FeedForwardPolicy.ALGORITHM, artifact, empty);
      // The job's SUCCEEDED write failed: the whole transaction, version included, goes.
      connection.rollback();
      connection.setAutoCommit(true);
    }
    assertThat(versionCount("rollback")).isZero();
    StatusRuntimeException failure =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                stub()
                    .getPolicy(GetPolicyRequest.newBuilder().setName("policies/rollback").build()));
    assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void evaluation_ofAPoorPolicy_reportsNoSaving() throws InterruptedException, SQLException {
    // A fixed 30 °C setpoint with the pumps at full speed: colder and costlier than the baseline.
    String version = storeWithTrainingJob("poor-training", "poor", poorParameters());

    AgentEvaluationResult result =
        succeeded(
                submit(
                    Job.newBuilder()
                        .setAgentEvaluation(
                            AgentEvaluationSpec.newBuilder()
                                .setPolicyVersion(version)
                                .addSeeds(101)
                                .addSeeds(102)
                                .setHourlyOracle(true))
                        .build()))
            .getAgentEvaluation();

    System.out.printf(
        "poor policy: saving %.3f, baseline setpoint %.2f C%n",
        result.getCoolingEnergySavingFraction(), result.getBaselineTcsSupplyTemperatureSetpointC());
    assertThat(result.getPolicyVersion()).isEqualTo(version);
    assertThat(result.getCoolingEnergySavingFraction()).isLessThan(0.05);
    assertThat(result.getBaselineTcsSupplyTemperatureSetpointC()).isGreaterThan(30.0);
    CoolingEnergy agent = result.getAgent().getCoolingEnergy();
    CoolingEnergy baseline = result.getBaseline().getCoolingEnergy();
    CoolingEnergy saving = result.getCoolingEnergySaving();
    assertThat(saving.getTotalKwh())
        .isCloseTo(baseline.getTotalKwh() - agent.getTotalKwh(), within(1e-9));
    assertThat(saving.getPumpsKwh())
        .isCloseTo(baseline.getPumpsKwh() - agent.getPumpsKwh(), within(1e-9));
    assertThat(result.getCoolingEnergySavingFraction())
        .isCloseTo(saving.getTotalKwh() / baseline.getTotalKwh(), within(1e-12));
    assertThat(result.getEpisodesList()).extracting(e -> e.getSeed()).containsExactly(101L, 102L);
    assertThat(result.getBaseline().getGpuOverLimitMinutes()).isZero();
    assertThat(result.getTokensPerWattChangeFraction())
        .isCloseTo(
            (result.getAgent().getTokensPerWatt() - result.getBaseline().getTokensPerWatt())
                / result.getBaseline().getTokensPerWatt(),
            within(1e-12));

    // The hourly oracle searches each held-out episode alone. Where the baseline's pair is safe
    // (both episodes here), the oracle's pair is at least as warm at the same rise target, so it
    // costs no more. The margin covers cooling energy that does not fall strictly as the
    // setpoint rises.
    HourlyOracle oracle = result.getHourlyOracle();
    assertThat(oracle.getEpisodesList()).extracting(e -> e.getSeed()).containsExactly(101L, 102L);
    double oracleKwh = 0;
    for (int i = 0; i < 2; i++) {
      OracleEpisode episode = oracle.getEpisodes(i);
      assertThat(episode.getSafeFound()).isTrue();
      assertThat(episode.getKpis().getGpuOverLimitMinutes()).isZero();
      assertThat(episode.getTcsSupplyTemperatureSetpointC())
          .isGreaterThanOrEqualTo(result.getBaselineTcsSupplyTemperatureSetpointC() - 1e-9);
      assertThat(episode.getKpis().getCoolingEnergy().getTotalKwh())
          .isLessThanOrEqualTo(
              result.getEpisodes(i).getBaseline().getCoolingEnergy().getTotalKwh() * 1.002);
      oracleKwh += episode.getKpis().getCoolingEnergy().getTotalKwh();
    }
    assertThat(oracle.getKpis().getCoolingEnergy().getTotalKwh())
        .isCloseTo(oracleKwh, within(1e-9));
    assertThat(oracle.getCoolingEnergySavingFraction())
        .isCloseTo((baseline.getTotalKwh() - oracleKwh) / baseline.getTotalKwh(), within(1e-12));
  }

  @Test
  void evaluation_ofATrainedPolicy_storesLabelledSeries() throws InterruptedException {
    AgentTrainingResult trained = train("policies/series");
    JobResult result = evaluate(trained.getPolicyVersion(), 7);
    List<SeriesInfo> series = result.getSeriesList();
    for (String policy : List.of("agent", "baseline")) {
      for (String name : List.of("max_gpu_temperature_c", "tcs_supply_temperature_setpoint_c")) {
        assertThat(series)
            .as(policy + " " + name)
            .anySatisfy(
                info -> {
                  assertThat(info.getName()).isEqualTo(name);
                  assertThat(info.getLabelsMap())
                      .containsEntry("policy", policy)
                      .containsEntry("seed", "7");
                  assertThat(info.getPointCount()).isEqualTo(300);
                });
      }
    }
    AgentEvaluationResult evaluation = result.getAgentEvaluation();
    assertThat(evaluation.hasHourlyOracle()).as("oracle without asking").isFalse();
    assertThat(evaluation.getAgent().getEnergyBalanceErrorFraction()).isLessThan(1e-3);
    assertThat(evaluation.getEpisodes(0).getAgent().getCoolingEnergy().getTotalKwh())
        .isCloseTo(evaluation.getAgent().getCoolingEnergy().getTotalKwh(), within(1e-9));
  }

  @Test
  void training_overADayWindow_isEvaluatedOverIt() throws InterruptedException {
    AgentTrainingSpec spec =
        trainingSpec("policies/day-window").toBuilder()
            .setEpisodeWindow(Duration.newBuilder().setSeconds(86_400))
            .build();
    AgentTrainingResult trained =
        succeeded(submit(Job.newBuilder().setAgentTraining(spec).build())).getAgentTraining();
    assertThat(trained.getMetrics().getEpisodesRun()).isEqualTo(12);

    JobResult evaluated = evaluate(trained.getPolicyVersion(), 101, 102);
    // Over a day the two held-out episodes start 23 h apart, at different trace levels.
    var episodes = evaluated.getAgentEvaluation().getEpisodesList();
    assertThat(episodes).hasSize(2);
    assertThat(episodes.get(0).getAgent().getItEnergyKwh())
        .isNotEqualTo(episodes.get(1).getAgent().getItEnergyKwh());
  }

  @Test
  void training_windowShorterThanAnEpisode_isRejected() {
    AgentTrainingSpec spec =
        trainingSpec("policies/short-window").toBuilder()
            .setEpisodeWindow(Duration.newBuilder().setSeconds(60))
            .build();
    StatusRuntimeException failure =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> submit(Job.newBuilder().setAgentTraining(spec).build()));
    assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(StatusDetails.fields(failure)).containsExactly("job.agent_training.episode_window");
    assertThat(failure.getStatus().getDescription()).contains("at least the episode duration");
  }

  @Test
  void evaluation_withATrainingSeed_isRejected() throws InterruptedException {
    AgentTrainingResult trained = train("policies/overlap");
    StatusRuntimeException failure =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                submit(
                    Job.newBuilder()
                        .setAgentEvaluation(
                            AgentEvaluationSpec.newBuilder()
                                .setPolicyVersion(trained.getPolicyVersion())
                                .addSeeds(50)
                                .addSeeds(2))
                        .build()));
    assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(StatusDetails.fields(failure)).containsExactly("job.agent_evaluation.seeds[1]");
    assertThat(failure.getStatus().getDescription()).contains("seed 2");
  }

  @Test
  void evaluation_ofAMissingVersion_isNotFound() {
    StatusRuntimeException failure =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                submit(
                    Job.newBuilder()
                        .setAgentEvaluation(
                            AgentEvaluationSpec.newBuilder()
                                .setPolicyVersion("policies/absent/versions/3")
                                .addSeeds(5))
                        .build()));
    assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void transient_withAStoredVersion_runsItsParameters() throws InterruptedException, SQLException {
    String version = storeWithTrainingJob("fixed-training", "fixed", poorParameters());
    JobResult result =
        succeeded(
            submit(
                Job.newBuilder()
                    .setTransient(
                        TransientSpec.newBuilder()
                            .setScenario(scenario().toBuilder().setDuration(seconds(120)))
                            .setSeed(4)
                            .setPolicyVersion(version))
                    .build()));
    // The run uses the stored policy, whose series carry the label of a parameterized policy.
    assertThat(result.getTransient().getKpis().getEnergyBalanceErrorFraction()).isLessThan(1e-3);
    assertThat(result.getSeriesList())
        .anySatisfy(info -> assertThat(info.getLabelsMap()).containsEntry("policy", "policy"));

    StatusRuntimeException missing =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                submit(
                    Job.newBuilder()
                        .setTransient(
                            TransientSpec.newBuilder()
                                .setScenario(scenario())
                                .setPolicyVersion("policies/fixed/versions/9"))
                        .build()));
    assertThat(missing.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void policyRpcs_checkNamesAndPageSize() {
    assertInvalid(
        () -> stub().getPolicy(GetPolicyRequest.newBuilder().setName("policy/x").build()), "name");
    assertInvalid(
        () ->
            stub()
                .getPolicyVersion(
                    GetPolicyVersionRequest.newBuilder().setName("policies/x/versions/0").build()),
        "name");
    assertInvalid(
        () ->
            stub()
                .listPolicyVersions(
                    ListPolicyVersionsRequest.newBuilder().setParent("policies/X").build()),
        "parent");
    assertInvalid(
        () -> stub().listPolicies(ListPoliciesRequest.newBuilder().setPageSize(-1).build()),
        "page_size");
    assertInvalid(
        () -> stub().listPolicies(ListPoliciesRequest.newBuilder().setPageToken("bm9wZQ").build()),
        "page_token");

    StatusRuntimeException missing =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                stub()
                    .getPolicyVersion(
                        GetPolicyVersionRequest.newBuilder()
                            .setName("policies/nowhere/versions/1")
                            .build()));
    assertThat(missing.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    ListPolicyVersionsResponse none =
        stub()
            .listPolicyVersions(
                ListPolicyVersionsRequest.newBuilder().setParent("policies/nowhere").build());
    assertThat(none.getPolicyVersionsList()).isEmpty();
    assertThat(none.getNextPageToken()).isEmpty();
  }

  private static void assertInvalid(Runnable call, String field) {
    StatusRuntimeException failure = catchThrowableOfType(StatusRuntimeException.class, call::run);
    assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(StatusDetails.fields(failure)).containsExactly(field);
  }

  private PolicyVersion version(String name) {
    return stub().getPolicyVersion(GetPolicyVersionRequest.newBuilder().setName(name).build());
  }

  private static Duration seconds(long value) {
    return Duration.newBuilder().setSeconds(value).build();
  }

  private static Map<String, Double> poorParameters() {
    return new FeedForwardPolicy(30.0, 0.0, 0.0, 0.0, 1.0, 0.0).named();
  }

  private static PolicyVersion artifact(Map<String, Double> values) {
    return PolicyVersion.newBuilder()
        .setParameters(
            PolicyParameters.newBuilder()
                .setAlgorithm(FeedForwardPolicy.ALGORITHM)
                .putAllValues(values))
        .addTrainingSeeds(1)
        .addTrainingSeeds(2)
        .build();
  }

  /**
   * Stores a hand-made version with a SUCCEEDED training job of {@link #trainingSpec}, as a
   * training job would leave them; returns the version's name.
   */
  private String storeWithTrainingJob(String jobId, String policyId, Map<String, Double> values)
      throws SQLException {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    Job submitted = Job.newBuilder().setAgentTraining(trainingSpec("policies/" + policyId)).build();
    assertThat(
            jobs.insert(
                new JobRecord(
                    jobId,
                    Job.Kind.KIND_AGENT_TRAINING,
                    JobState.SUCCEEDED,
                    submitted,
                    "test",
                    null,
                    UUID.randomUUID().toString().replace("-", ""),
                    1,
                    1,
                    null,
                    null,
                    false,
                    1.0,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    now,
                    now,
                    now,
                    now)))
        .isTrue();
    try (Connection connection = dataSource.getConnection()) {
      return PolicyStore.addVersion(
              connection,
              jobId,
              policyId,
              FeedForwardPolicy.ALGORITHM,
              artifact(values),
              JobResult.newBuilder()
                  .setAgentTraining(AgentTrainingResult.getDefaultInstance())
                  .build())
          .getAgentTraining()
          .getPolicyVersion();
    }
  }

  private int versionCount(String policyId) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT COUNT(*) FROM policy_version WHERE policy_id = ?")) {
      select.setString(1, policyId);
      try (ResultSet row = select.executeQuery()) {
        row.next();
        return row.getInt(1);
      }
    }
  }
}
