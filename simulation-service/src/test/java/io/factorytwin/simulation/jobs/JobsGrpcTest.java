package io.factorytwin.simulation.jobs;

import static io.factorytwin.simulation.jobs.JobFixtures.count;
import static io.factorytwin.simulation.jobs.JobFixtures.transientJob;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.agroal.api.AgroalDataSource;
import io.factorytwin.simulation.v1.CancelJobRequest;
import io.factorytwin.simulation.v1.DesignEvaluationSpec;
import io.factorytwin.simulation.v1.GetJobRequest;
import io.factorytwin.simulation.v1.GetJobResultRequest;
import io.factorytwin.simulation.v1.Job;
import io.factorytwin.simulation.v1.JobResult;
import io.factorytwin.simulation.v1.ListJobSeriesRequest;
import io.factorytwin.simulation.v1.ListJobSeriesResponse;
import io.factorytwin.simulation.v1.ListJobsRequest;
import io.factorytwin.simulation.v1.ListJobsResponse;
import io.factorytwin.simulation.v1.ModelSource;
import io.factorytwin.simulation.v1.SeriesAggregation;
import io.factorytwin.simulation.v1.SimulationServiceGrpc;
import io.factorytwin.simulation.v1.SubmitJobRequest;
import io.factorytwin.simulation.v1.WatchJobRequest;
import io.factorytwin.simulation.v1.WatchJobResponse;
import io.factorytwin.testing.GrpcClients;
import io.factorytwin.testing.PostgresDatabase;
import io.factorytwin.testing.StatusDetails;
import io.factorytwin.testing.TestKeys;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The job calls end to end, with the two worker threads of the test profile and the stepping test
 * runner for TRANSIENT jobs.
 */
@QuarkusTest
@WithTestResource(PostgresDatabase.class)
@WithTestResource(TestKeys.class)
class JobsGrpcTest {

  @ConfigProperty(name = "quarkus.http.test-port")
  int port;

  @Inject SteppingTransientRunner runner;
  @Inject JobStore store;
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

  /** Cancels what a test left running, so the next test finds both workers free. */
  @AfterEach
  void cancelLeftovers() throws InterruptedException {
    for (JobRecord job :
        store.page(Set.of(JobState.QUEUED, JobState.RUNNING), Set.of(), null, null, 1000)) {
      store.cancel(job.id(), record -> {});
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (count(dataSource, "SELECT COUNT(*) FROM job WHERE state IN ('QUEUED', 'RUNNING')") > 0
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    GrpcClients.close(channel);
  }

  private SimulationServiceGrpc.SimulationServiceBlockingStub stub() {
    return operator.withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private Job submit(Job job) {
    return stub().submitJob(SubmitJobRequest.newBuilder().setJob(job).build());
  }

  private Job get(String name) {
    return stub().getJob(GetJobRequest.newBuilder().setName(name).build());
  }

  private Job await(String name, Predicate<Job> condition, long timeoutMillis)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    Job job = get(name);
    while (!condition.test(job)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeoutMillis + " ms waiting on " + job);
      }
      Thread.sleep(20);
      job = get(name);
    }
    return job;
  }

  private static boolean terminal(Job job) {
    return job.getState() == Job.State.STATE_SUCCEEDED
        || job.getState() == Job.State.STATE_FAILED
        || job.getState() == Job.State.STATE_CANCELLED;
  }

  private long jobCount() {
    return count(dataSource, "SELECT COUNT(*) FROM job");
  }

  @Test
  void submit_runsToSucceeded_withDeterministicResult() throws InterruptedException {
    Job submitted = submit(transientJob(7, 5));

    assertThat(submitted.getState()).isEqualTo(Job.State.STATE_QUEUED);
    assertThat(submitted.getKind()).isEqualTo(Job.Kind.KIND_TRANSIENT);
    assertThat(submitted.getCreator()).isEqualTo("planner");
    Job done = await(submitted.getName(), JobsGrpcTest::terminal, 10_000);
    assertThat(done.getState()).isEqualTo(Job.State.STATE_SUCCEEDED);
    assertThat(done.getAttemptCount()).isEqualTo(1);
    assertThat(done.getProgress().getFraction()).isEqualTo(1.0);
    assertThat(done.hasEndTime()).isTrue();

    JobResult result =
        stub().getJobResult(GetJobResultRequest.newBuilder().setJob(done.getName()).build());
    assertThat(result.getJob()).isEqualTo(done.getName());
    assertThat(result.getKind()).isEqualTo(Job.Kind.KIND_TRANSIENT);
    assertThat(result.getTransient().getSeed()).isEqualTo(7);
    assertThat(result.getTransient().getKpis().getMaxGpuTemperatureC())
        .isEqualTo(SteppingTransientRunner.maxGpuTemperatureC(7));
    assertThat(result.getSeriesList()).hasSize(1);
    assertThat(result.getSeries(0).getName()).isEqualTo("facility_power_kw");
    assertThat(result.getSeries(0).getPointCount()).isEqualTo(5);
    assertThat(result.getSeries(0).getResolution().getSeconds()).isEqualTo(1);
    assertThat(store.series(done.getName().substring(5)).getFirst().getValuesList())
        .containsExactly(100.0, 101.0, 102.0, 103.0, 104.0);
  }

  @Test
  void listJobSeries_downSamplesPagesAndRejectsBadArguments() throws InterruptedException {
    Job done = await(submit(transientJob(9, 5)).getName(), JobsGrpcTest::terminal, 10_000);
    assertThat(done.getState()).isEqualTo(Job.State.STATE_SUCCEEDED);

    ListJobSeriesResponse all =
        stub().listJobSeries(ListJobSeriesRequest.newBuilder().setJob(done.getName()).build());
    assertThat(all.getSeriesList()).hasSize(1);
    assertThat(all.getSeries(0).getValuesList()).containsExactly(102.0, 103.0, 104.0, 105.0, 106.0);

    // Buckets of 2 s from the first point: {102, 103}, {104, 105}, {106}.
    ListJobSeriesRequest twoSeconds =
        ListJobSeriesRequest.newBuilder()
            .setJob(done.getName())
            .setFilter("name = \"facility_power_kw\" AND labels.policy = \"test\"")
            .setResolution(com.google.protobuf.Duration.newBuilder().setSeconds(2))
            .setAggregation(SeriesAggregation.SERIES_AGGREGATION_MAX)
            .setPageSize(2)
            .build();
    ListJobSeriesResponse first = stub().listJobSeries(twoSeconds);
    assertThat(first.getSeries(0).getValuesList()).containsExactly(103.0, 105.0);
    assertThat(first.getNextPageToken()).isNotEmpty();
    ListJobSeriesResponse second =
        stub().listJobSeries(twoSeconds.toBuilder().setPageToken(first.getNextPageToken()).build());
    assertThat(second.getSeries(0).getValuesList()).containsExactly(106.0);
    assertThat(second.getNextPageToken()).isEmpty();

    assertThat(
            stub()
                .listJobSeries(
                    ListJobSeriesRequest.newBuilder()
                        .setJob(done.getName())
                        .setFilter("labels.policy = \"agent\"")
                        .build())
                .getSeriesList())
        .isEmpty();

    for (ListJobSeriesRequest bad :
        List.of(
            twoSeconds.toBuilder().setFilter("name ~ \"x\"").build(),
            twoSeconds.toBuilder()
                .setResolution(com.google.protobuf.Duration.newBuilder().setNanos(750_000_000))
                .build(),
            twoSeconds.toBuilder().setPageSize(-1).build(),
            twoSeconds.toBuilder()
                .setPageToken(first.getNextPageToken())
                .setAggregation(SeriesAggregation.SERIES_AGGREGATION_MIN)
                .build())) {
      StatusRuntimeException failure =
          catchThrowableOfType(StatusRuntimeException.class, () -> stub().listJobSeries(bad));
      assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    }
  }

  @Test
  void submit_sameRequestId_returnsFirstJob() throws InterruptedException {
    String requestId = UUID.randomUUID().toString();
    SubmitJobRequest request =
        SubmitJobRequest.newBuilder().setJob(transientJob(3, 1)).setRequestId(requestId).build();

    Job first = stub().submitJob(request);
    long afterFirst = jobCount();
    Job retry = stub().submitJob(request);

    assertThat(retry.getName()).isEqualTo(first.getName());
    assertThat(jobCount()).isEqualTo(afterFirst);

    StatusRuntimeException reused =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> stub().submitJob(request.toBuilder().setJob(transientJob(4, 1)).build()));
    assertThat(reused.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(StatusDetails.reason(reused)).isEqualTo("REQUEST_ID_REUSED");
    assertThat(StatusDetails.fields(reused)).containsExactly("request_id");
    assertThat(jobCount()).isEqualTo(afterFirst);

    // The same key from another caller is another key.
    Job other =
        SimulationServiceGrpc.newBlockingStub(channel)
            .withCallCredentials(GrpcClients.bearer(TestKeys.token("analyst", "operator")))
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .submitJob(request);
    assertThat(other.getName()).isNotEqualTo(first.getName());
    await(first.getName(), JobsGrpcTest::terminal, 10_000);
    await(other.getName(), JobsGrpcTest::terminal, 10_000);
  }

  @Test
  void submit_invalidSpecs_nameFieldAndStoreNothing() {
    Job valid = transientJob(1, 1);
    record Case(SubmitJobRequest request, String reason, String field) {}
    List<Case> cases =
        List.of(
            new Case(SubmitJobRequest.newBuilder().build(), "INVALID_FIELD", "job"),
            new Case(
                SubmitJobRequest.newBuilder().setJob(Job.newBuilder().setDisplayName("x")).build(),
                "INVALID_FIELD",
                "job.spec"),
            new Case(
                SubmitJobRequest.newBuilder()
                    .setJob(
                        valid.toBuilder()
                            .setTransient(valid.getTransient().toBuilder().clearScenario()))
                    .build(),
                "INVALID_FIELD",
                "job.transient.scenario"),
            new Case(
                SubmitJobRequest.newBuilder()
                    .setJob(
                        valid.toBuilder()
                            .setTransient(
                                valid.getTransient().toBuilder()
                                    .setScenario(
                                        valid.getTransient().getScenario().toBuilder()
                                            .clearDuration())))
                    .build(),
                "INVALID_FIELD",
                "job.transient.scenario.duration"),
            new Case(
                SubmitJobRequest.newBuilder()
                    .setJob(
                        valid.toBuilder()
                            .setTransient(
                                valid.getTransient().toBuilder()
                                    .setScenario(
                                        valid.getTransient().getScenario().toBuilder()
                                            .setDuration(
                                                com.google.protobuf.Duration.newBuilder()
                                                    .setSeconds(8 * 86_400)))))
                    .build(),
                "INVALID_FIELD",
                "job.transient.scenario.duration"),
            new Case(
                SubmitJobRequest.newBuilder()
                    .setJob(
                        valid.toBuilder()
                            .setTransient(valid.getTransient().toBuilder().clearPolicy()))
                    .build(),
                "INVALID_FIELD",
                "job.transient.policy"),
            new Case(
                SubmitJobRequest.newBuilder()
                    .setJob(
                        valid.toBuilder()
                            .setTransient(
                                valid.getTransient().toBuilder()
                                    .setScenario(
                                        valid.getTransient().getScenario().toBuilder()
                                            .setModel(
                                                ModelSource.newBuilder()
                                                    .setTwinRevision("twins/Hall")))))
                    .build(),
                "INVALID_FIELD",
                "job.transient.scenario.model.twin_revision"),
            new Case(
                SubmitJobRequest.newBuilder()
                    .setJob(
                        valid.toBuilder()
                            .setTransient(
                                valid.getTransient().toBuilder()
                                    .setScenario(
                                        valid.getTransient().getScenario().toBuilder()
                                            .setWorkloadDataSet("../../etc/passwd"))))
                    .build(),
                "PATH_OUTSIDE_DATA_DIR",
                "job.transient.scenario.workload_data_set"),
            new Case(
                SubmitJobRequest.newBuilder().setJob(valid).setJobId("Bad_Id").build(),
                "INVALID_FIELD",
                "job_id"),
            new Case(
                SubmitJobRequest.newBuilder().setJob(valid).setRequestId("not-a-uuid").build(),
                "INVALID_FIELD",
                "request_id"),
            new Case(
                SubmitJobRequest.newBuilder()
                    .setJob(
                        Job.newBuilder()
                            .setComparison(
                                io.factorytwin.simulation.v1.ComparisonSpec.newBuilder()
                                    .addAlternatives(DesignEvaluationSpec.getDefaultInstance())))
                    .build(),
                "INVALID_FIELD",
                "job.comparison.alternatives"));
    long before = jobCount();

    for (Case c : cases) {
      StatusRuntimeException failure =
          catchThrowableOfType(StatusRuntimeException.class, () -> stub().submitJob(c.request()));

      assertThat(failure).as(c.field()).isNotNull();
      assertThat(failure.getStatus().getCode())
          .as(c.field())
          .isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(StatusDetails.reason(failure)).as(c.field()).isEqualTo(c.reason());
      assertThat(StatusDetails.fields(failure)).as(c.field()).contains(c.field());
    }
    assertThat(jobCount()).isEqualTo(before);
  }

  @Test
  void submit_evaluationOfMissingVersion_isNotFound() {
    // Every kind has a runner now; a runner's preflight still rejects before anything is stored.
    Job evaluation =
        Job.newBuilder()
            .setAgentEvaluation(
                io.factorytwin.simulation.v1.AgentEvaluationSpec.newBuilder()
                    .setPolicyVersion("policies/tcs-agent/versions/1")
                    .addSeeds(1))
            .build();
    long before = jobCount();

    StatusRuntimeException failure =
        catchThrowableOfType(StatusRuntimeException.class, () -> submit(evaluation));

    assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(jobCount()).isEqualTo(before);
  }

  @Test
  void submit_takenJobId_isAlreadyExists() throws InterruptedException {
    SubmitJobRequest request =
        SubmitJobRequest.newBuilder().setJobId("fixed-id").setJob(transientJob(2, 1)).build();
    Job first = stub().submitJob(request);

    StatusRuntimeException failure =
        catchThrowableOfType(StatusRuntimeException.class, () -> stub().submitJob(request));

    assertThat(first.getName()).isEqualTo("jobs/fixed-id");
    assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
    await(first.getName(), JobsGrpcTest::terminal, 10_000);
  }

  @Test
  void manyJobs_twoWorkers_eachJobRunsOnce() throws InterruptedException {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      names.add(submit(transientJob(100 + i, 1 + i % 3)).getName());
    }

    for (String name : names) {
      Job job = await(name, JobsGrpcTest::terminal, 30_000);
      assertThat(job.getState()).as(name).isEqualTo(Job.State.STATE_SUCCEEDED);
      assertThat(job.getAttemptCount()).as(name).isEqualTo(1);
      assertThat(runner.starts(name)).as(name).isEqualTo(1);
      assertThat(runner.finishes(name)).as(name).isEqualTo(1);
    }
    assertThat(
            count(
                dataSource,
                "SELECT COUNT(*) FROM job_result WHERE job_id IN ("
                    + String.join(",", names.stream().map(n -> "'" + n.substring(5) + "'").toList())
                    + ")"))
        .isEqualTo(names.size());
  }

  @Test
  void cancel_running_stopsWithinOneProgressInterval() throws InterruptedException {
    Job submitted = submit(transientJob(5, 400));
    Job running =
        await(
            submitted.getName(),
            job -> job.getState() == Job.State.STATE_RUNNING && job.hasProgress(),
            10_000);

    long start = System.nanoTime();
    Job requested =
        stub().cancelJob(CancelJobRequest.newBuilder().setName(running.getName()).build());
    assertThat(requested.getCancelRequested()).isTrue();
    assertThat(requested.getState()).isEqualTo(Job.State.STATE_RUNNING);
    Job cancelled =
        await(running.getName(), job -> job.getState() == Job.State.STATE_CANCELLED, 5_000);
    long stoppedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    // One progress interval of the test runner is 50 ms; the rest is the GetJob poll.
    assertThat(stoppedMillis).isLessThan(1_000);
    assertThat(cancelled.getCancelRequested()).isFalse();
    assertThat(cancelled.hasEndTime()).isTrue();
    assertThat(runner.stepsAtStop(running.getName())).isLessThan(SteppingTransientRunner.MAX_STEPS);
    assertThat(runner.finishes(running.getName())).isZero();

    // A repeated cancel returns the job unchanged.
    Job again = stub().cancelJob(CancelJobRequest.newBuilder().setName(running.getName()).build());
    assertThat(again.getEtag()).isEqualTo(cancelled.getEtag());

    StatusRuntimeException noResult =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                stub()
                    .getJobResult(
                        GetJobResultRequest.newBuilder().setJob(running.getName()).build()));
    assertThat(noResult.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(StatusDetails.preconditions(noResult).getFirst().getDescription())
        .contains("CANCELLED");
  }

  @Test
  void cancel_queuedJob_isCancelledAtOnce() throws InterruptedException {
    // Two long jobs take both workers, so the third stays QUEUED.
    Job first = submit(transientJob(21, 400));
    Job second = submit(transientJob(22, 400));
    await(first.getName(), job -> job.getState() == Job.State.STATE_RUNNING, 10_000);
    await(second.getName(), job -> job.getState() == Job.State.STATE_RUNNING, 10_000);
    Job queued = submit(transientJob(23, 1));

    Job cancelled =
        stub()
            .cancelJob(
                CancelJobRequest.newBuilder()
                    .setName(queued.getName())
                    .setEtag(queued.getEtag())
                    .build());

    assertThat(cancelled.getState()).isEqualTo(Job.State.STATE_CANCELLED);
    assertThat(cancelled.getEtag()).isNotEqualTo(queued.getEtag());
    assertThat(cancelled.getAttemptCount()).isZero();
    Thread.sleep(300);
    assertThat(runner.starts(queued.getName())).isZero();
  }

  @Test
  void cancel_staleEtag_isAbortedAndChangesNothing() throws InterruptedException {
    Job submitted = submit(transientJob(31, 400));
    Job seen = await(submitted.getName(), job -> job.getState() == Job.State.STATE_RUNNING, 10_000);
    // Each progress report changes the etag.
    Job later = await(seen.getName(), job -> !job.getEtag().equals(seen.getEtag()), 5_000);

    StatusRuntimeException failure =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                stub()
                    .cancelJob(
                        CancelJobRequest.newBuilder()
                            .setName(seen.getName())
                            .setEtag(seen.getEtag())
                            .build()));

    assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.ABORTED);
    assertThat(StatusDetails.reason(failure)).isEqualTo("ETAG_MISMATCH");
    Job after = get(seen.getName());
    assertThat(after.getCancelRequested()).isFalse();
    assertThat(after.getState()).isEqualTo(Job.State.STATE_RUNNING);
    assertThat(later.getEtag()).isNotEqualTo(seen.getEtag());
  }

  @Test
  void cancel_succeededJob_isFailedPrecondition() throws InterruptedException {
    Job done = await(submit(transientJob(41, 1)).getName(), JobsGrpcTest::terminal, 10_000);

    StatusRuntimeException failure =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> stub().cancelJob(CancelJobRequest.newBuilder().setName(done.getName()).build()));

    assertThat(done.getState()).isEqualTo(Job.State.STATE_SUCCEEDED);
    assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(StatusDetails.reason(failure)).isEqualTo("ILLEGAL_STATE_TRANSITION");
  }

  @Test
  void get_unknownOrMalformedName() {
    StatusRuntimeException missing =
        catchThrowableOfType(StatusRuntimeException.class, () -> get("jobs/no-such-job"));
    StatusRuntimeException malformed =
        catchThrowableOfType(StatusRuntimeException.class, () -> get("designs/x"));
    StatusRuntimeException missingResult =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                stub()
                    .getJobResult(
                        GetJobResultRequest.newBuilder().setJob("jobs/no-such-job").build()));

    assertThat(missing.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(malformed.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(StatusDetails.fields(malformed)).containsExactly("name");
    assertThat(missingResult.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void result_ofRunningJob_isFailedPrecondition() throws InterruptedException {
    Job running =
        await(
            submit(transientJob(51, 400)).getName(),
            job -> job.getState() == Job.State.STATE_RUNNING,
            10_000);

    StatusRuntimeException failure =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                stub()
                    .getJobResult(
                        GetJobResultRequest.newBuilder().setJob(running.getName()).build()));

    assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(StatusDetails.preconditions(failure).getFirst().getDescription())
        .contains("RUNNING");
  }

  @Test
  void failingRunner_usesAllAttempts_thenFailed() throws InterruptedException {
    Job failed =
        await(
            submit(transientJob(SteppingTransientRunner.FAILING_SEED, 1)).getName(),
            JobsGrpcTest::terminal,
            10_000);

    assertThat(failed.getState()).isEqualTo(Job.State.STATE_FAILED);
    assertThat(failed.getAttemptCount()).isEqualTo(3);
    assertThat(runner.starts(failed.getName())).isEqualTo(3);
    assertThat(failed.getFailure().getReason()).isEqualTo("INTERNAL");
    assertThat(failed.getFailure().getMessage()).contains("3 attempts");
  }

  @Test
  void watch_streamsProgress_andEndsAtTerminalState() {
    Job submitted = submit(transientJob(61, 10));

    Iterator<WatchJobResponse> stream =
        operator
            .withDeadlineAfter(20, TimeUnit.SECONDS)
            .watchJob(WatchJobRequest.newBuilder().setName(submitted.getName()).build());
    List<WatchJobResponse> messages = new ArrayList<>();
    stream.forEachRemaining(messages::add);

    List<WatchJobResponse> jobs = messages.stream().filter(WatchJobResponse::hasJob).toList();
    assertThat(jobs).isNotEmpty();
    for (int i = 1; i < jobs.size(); i++) {
      assertThat(jobs.get(i).getSequence()).isGreaterThan(jobs.get(i - 1).getSequence());
    }
    assertThat(jobs)
        .anyMatch(
            m ->
                m.getJob().getState() == Job.State.STATE_RUNNING
                    && m.getJob().getProgress().getFraction() > 0
                    && m.getJob().getProgress().getFraction() < 1);
    WatchJobResponse last = jobs.getLast();
    assertThat(last.getJob().getState()).isEqualTo(Job.State.STATE_SUCCEEDED);
    assertThat(last.getJob().getEtag()).isEqualTo("\"" + last.getSequence() + "\"");
    assertThat(messages.getLast()).isEqualTo(last);

    // Resume after the last but one: only the terminal message comes, then the end.
    List<WatchJobResponse> resumed = new ArrayList<>();
    operator
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .watchJob(
            WatchJobRequest.newBuilder()
                .setName(submitted.getName())
                .setAfterSequence(last.getSequence() - 1)
                .build())
        .forEachRemaining(resumed::add);
    assertThat(resumed).containsExactly(last);

    // Resume after the terminal message: nothing more to send.
    List<WatchJobResponse> caughtUp = new ArrayList<>();
    operator
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .watchJob(
            WatchJobRequest.newBuilder()
                .setName(submitted.getName())
                .setAfterSequence(last.getSequence())
                .build())
        .forEachRemaining(caughtUp::add);
    assertThat(caughtUp).isEmpty();
  }

  @Test
  void watch_idleQueuedJob_sendsKeepalives() throws InterruptedException {
    Job first = submit(transientJob(71, 400));
    Job second = submit(transientJob(72, 400));
    await(first.getName(), job -> job.getState() == Job.State.STATE_RUNNING, 10_000);
    await(second.getName(), job -> job.getState() == Job.State.STATE_RUNNING, 10_000);
    Job queued = submit(transientJob(73, 1));

    Iterator<WatchJobResponse> stream =
        operator
            .withDeadlineAfter(20, TimeUnit.SECONDS)
            .watchJob(WatchJobRequest.newBuilder().setName(queued.getName()).build());
    WatchJobResponse current = stream.next();
    WatchJobResponse keepalive = stream.next();
    stub().cancelJob(CancelJobRequest.newBuilder().setName(queued.getName()).build());
    List<WatchJobResponse> rest = new ArrayList<>();
    stream.forEachRemaining(rest::add);

    assertThat(current.getJob().getState()).isEqualTo(Job.State.STATE_QUEUED);
    assertThat(keepalive.hasKeepalive()).isTrue();
    assertThat(keepalive.getSequence()).isEqualTo(current.getSequence());
    assertThat(rest.getLast().getJob().getState()).isEqualTo(Job.State.STATE_CANCELLED);
  }

  @Test
  void list_pagedWithFilter() throws InterruptedException {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      names.add(submit(transientJob(80 + i, 1)).getName());
    }
    for (String name : names) {
      await(name, JobsGrpcTest::terminal, 10_000);
    }
    String filter = "state = SUCCEEDED AND kind = TRANSIENT";

    List<Job> paged = new ArrayList<>();
    String token = "";
    do {
      ListJobsResponse page =
          stub()
              .listJobs(
                  ListJobsRequest.newBuilder()
                      .setPageSize(2)
                      .setFilter(filter)
                      .setPageToken(token)
                      .build());
      assertThat(page.getJobsCount()).isLessThanOrEqualTo(2);
      paged.addAll(page.getJobsList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());

    Set<String> seen = new HashSet<>();
    for (int i = 0; i < paged.size(); i++) {
      assertThat(seen.add(paged.get(i).getName())).as(paged.get(i).getName()).isTrue();
      assertThat(paged.get(i).getState()).isEqualTo(Job.State.STATE_SUCCEEDED);
      if (i > 0) {
        assertThat(timestamp(paged.get(i).getCreateTime()))
            .isBeforeOrEqualTo(timestamp(paged.get(i - 1).getCreateTime()));
      }
    }
    assertThat(seen).containsAll(names);
    assertThat(
            stub()
                .listJobs(ListJobsRequest.newBuilder().setFilter("state = QUEUED").build())
                .getJobsList())
        .noneMatch(job -> names.contains(job.getName()));
  }

  @Test
  void list_badArguments() {
    String token =
        stub().listJobs(ListJobsRequest.newBuilder().setPageSize(1).build()).getNextPageToken();
    record Case(ListJobsRequest request, String field) {}
    List<Case> cases =
        List.of(
            new Case(ListJobsRequest.newBuilder().setFilter("creator = \"x\"").build(), "filter"),
            new Case(ListJobsRequest.newBuilder().setFilter("state = DONE").build(), "filter"),
            new Case(ListJobsRequest.newBuilder().setOrderBy("display_name").build(), "order_by"),
            new Case(ListJobsRequest.newBuilder().setPageSize(-1).build(), "page_size"),
            new Case(ListJobsRequest.newBuilder().setPageToken("garbage!").build(), "page_token"),
            new Case(
                ListJobsRequest.newBuilder()
                    .setPageToken(token)
                    .setFilter("state = QUEUED")
                    .build(),
                "page_token"));

    assertThat(token).isNotEmpty();
    for (Case c : cases) {
      StatusRuntimeException failure =
          catchThrowableOfType(StatusRuntimeException.class, () -> stub().listJobs(c.request()));
      assertThat(failure.getStatus().getCode())
          .as(c.toString())
          .isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(StatusDetails.fields(failure)).as(c.toString()).containsExactly(c.field());
    }
  }

  @Test
  void deadWorkersJob_runsAgainOnce() throws InterruptedException {
    // A worker claimed the job and died: the row is RUNNING under an owner that no longer renews,
    // and its lease ends 1 s from now.
    Job spec = transientJob(91, 2);
    JobFixtures.insertOrphan(dataSource, "orphan", spec);

    Thread.sleep(500);
    assertThat(runner.starts("jobs/orphan")).as("claimed before its lease expired").isZero();
    Job done = await("jobs/orphan", JobsGrpcTest::terminal, 10_000);

    assertThat(done.getState()).isEqualTo(Job.State.STATE_SUCCEEDED);
    assertThat(done.getAttemptCount()).isEqualTo(2);
    assertThat(runner.starts("jobs/orphan")).isEqualTo(1);
    assertThat(runner.finishes("jobs/orphan")).isEqualTo(1);

    // The dead worker comes back and tries to write: every write is rejected.
    JobResult forged =
        JobResult.newBuilder()
            .setTransient(io.factorytwin.simulation.v1.TransientResult.newBuilder().setSeed(666))
            .build();
    assertThat(store.succeed("orphan", "dead-worker", forged, List.of())).isFalse();
    assertThat(store.stop("orphan", "dead-worker", JobState.CANCELLED, null)).isFalse();
    assertThat(
            store.progress(
                "orphan", "dead-worker", 0.5, "late", null, java.time.Duration.ofSeconds(1)))
        .isEqualTo(JobStore.ProgressCheck.LEASE_LOST);
    JobResult stored =
        stub().getJobResult(GetJobResultRequest.newBuilder().setJob("jobs/orphan").build());
    assertThat(stored.getTransient().getSeed()).isEqualTo(91);
    assertThat(get("jobs/orphan").getEtag()).isEqualTo(done.getEtag());
  }

  private static Instant timestamp(com.google.protobuf.Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }
}
