package io.factorytwin.simulation.emulation;

import static io.factorytwin.simulation.emulation.EmulationTwinProcess.TWIN;
import static io.factorytwin.simulation.emulation.EmulationTwinProcess.cdu;
import static io.factorytwin.simulation.emulation.EmulationTwinProcess.rack;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import io.agroal.api.AgroalDataSource;
import io.factorytwin.common.v1.TimeRange;
import io.factorytwin.simulation.jobs.JobFixtures;
import io.factorytwin.simulation.jobs.JobRecord;
import io.factorytwin.simulation.jobs.JobState;
import io.factorytwin.simulation.jobs.JobStore;
import io.factorytwin.simulation.v1.CancelJobRequest;
import io.factorytwin.simulation.v1.GetJobRequest;
import io.factorytwin.simulation.v1.GetJobResultRequest;
import io.factorytwin.simulation.v1.Job;
import io.factorytwin.simulation.v1.JobResult;
import io.factorytwin.simulation.v1.PlantEmulationResult;
import io.factorytwin.simulation.v1.PlantEmulationSpec;
import io.factorytwin.simulation.v1.SeriesInfo;
import io.factorytwin.simulation.v1.SimulationServiceGrpc;
import io.factorytwin.simulation.v1.SubmitJobRequest;
import io.factorytwin.testing.GrpcClients;
import io.factorytwin.testing.PostgresDatabase;
import io.factorytwin.testing.ServiceProcess;
import io.factorytwin.testing.StatusDetails;
import io.factorytwin.testing.TestKeys;
import io.factorytwin.twin.v1.ApplySetpointRequest;
import io.factorytwin.twin.v1.GetHistoryRequest;
import io.factorytwin.twin.v1.GetLatestValuesRequest;
import io.factorytwin.twin.v1.GetLatestValuesResponse;
import io.factorytwin.twin.v1.HistoryBucket;
import io.factorytwin.twin.v1.PointValue;
import io.factorytwin.twin.v1.TwinServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * PLANT_EMULATION jobs against a real twin-service on PostgreSQL with the reference hall (128
 * racks, 24 CDUs) published: telemetry stamped with facility time at the requested interval,
 * setpoints followed, pacing, a twin outage and the checks of SubmitJob.
 */
@QuarkusTest
@WithTestResource(PostgresDatabase.class)
@WithTestResource(TestKeys.class)
@WithTestResource(EmulationTwinProcess.class)
// The outage test stops the twin-service process the others share, so it runs last.
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PlantEmulationGrpcTest {

  private static final String WORKLOAD = "Alibaba_CPU_Data_Hourly_1.csv";

  /**
   * Sensor points the emulator maps in the reference hall: 6 per rack, 7 per CDU, the hall dew
   * point and supply and return of 9 dry coolers.
   */
  private static final long POINTS = 128 * 6 + 24 * 7 + 1 + 9 * 2;

  /**
   * Pacing tolerance: the facility clock may run up to 10 % off the requested speed-up over a span
   * of 10 s of wall time. An assumption that allows for progress polling and a shared 2-core host.
   */
  private static final double PACE_TOLERANCE = 0.10;

  /** The twin's facility clock when the outage test stopped its twin-service. */
  private static Instant lastTwinClock;

  @ConfigProperty(name = "quarkus.http.test-port")
  int port;

  // Read from the configuration, not injected: an injected property would be required by every
  // test application, and only this class's resource sets these.
  private final int twinPort = config("test.emulation.twin-port", Integer.class);
  private final long twinPid = config("test.emulation.twin-pid", Long.class);
  private final String twinWork = config("test.emulation.twin-work", String.class);
  private final String twinDatabase = config("test.emulation.twin-database", String.class);

  @Inject JobStore store;

  @Inject AgroalDataSource dataSource;

  private ManagedChannel channel;
  private ManagedChannel twinChannel;
  private SimulationServiceGrpc.SimulationServiceBlockingStub operator;

  @BeforeEach
  void connect() {
    channel = GrpcClients.channel(port);
    twinChannel = GrpcClients.channel(twinPort);
    operator =
        SimulationServiceGrpc.newBlockingStub(channel)
            .withCallCredentials(GrpcClients.bearer(TestKeys.token("planner", "operator")));
  }

  @AfterEach
  void cancelLeftovers() throws InterruptedException {
    for (JobRecord job :
        store.page(Set.of(JobState.QUEUED, JobState.RUNNING), Set.of(), null, null, 1000)) {
      store.cancel(job.id(), record -> {});
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!store
            .page(Set.of(JobState.QUEUED, JobState.RUNNING), Set.of(), null, null, 10)
            .isEmpty()
        && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    GrpcClients.close(channel);
    GrpcClients.close(twinChannel);
  }

  @Test
  @Order(3)
  void emulation_streamsTelemetry_followsSetpoint_keepsPace() throws Exception {
    // 20x with 10 s samples: two samples a wall second, 128 racks and 24 CDUs. The 6 h duration
    // keeps the stored series at one point a minute; the test cancels long before it ends.
    Instant start = nextStart();
    Job job =
        submit(
            spec(20, 10_000)
                .setStartTime(timestamp(start))
                .setDuration(Duration.newBuilder().setSeconds(6 * 3600))
                .build());
    job =
        await(
            job.getName(),
            j -> j.getProgress().hasSimulatedTime() && emulated(j, start) > 60,
            60_000);

    // Samples arrive stamped with facility time on the 10 s grid from the start time.
    String rackPower = point(rack(1, 1) + ".rack-power");
    String supply1 = point(cdu(1, 1) + ".liquid-temperature.secondary-supply");
    String supply2 = point(cdu(1, 2) + ".liquid-temperature.secondary-supply");
    GetLatestValuesResponse latest = latest(rackPower, supply1, supply2);
    assertThat(latest.getValuesList()).allMatch(PointValue::hasValue);
    long clock = millis(latest.getFacilityTime());
    assertThat(clock).isGreaterThan(start.toEpochMilli());
    assertThat((clock - start.toEpochMilli()) % 10_000).isZero();
    assertThat(latest.getValues(0).getValue()).isBetween(30.0, 132.0);
    List<Long> times = rawTimes(rackPower, start, Instant.ofEpochMilli(clock));
    assertThat(times.getFirst()).isEqualTo(start.toEpochMilli());
    for (int k = 1; k < times.size(); k++) {
      assertThat(times.get(k) - times.get(k - 1)).as("gap after sample %d", k).isEqualTo(10_000);
    }

    // Pacing: over 10 s of wall time the facility clock moves 20 x 10 s within the tolerance.
    Job before = get(job.getName());
    long wallBefore = System.nanoTime();
    Thread.sleep(10_000);
    Job after = get(job.getName());
    double wall = (System.nanoTime() - wallBefore) / 1e9;
    double rate = (simulated(after) - simulated(before)) / wall;
    System.out.printf("facility clock at 20x requested: %.2f simulated s per wall s%n", rate);
    assertThat(rate).isBetween(20 * (1 - PACE_TOLERANCE), 20 * (1 + PACE_TOLERANCE));

    // An ApplySetpoint on CDU 1 moves its emulated supply temperature; CDU 2 stays. The step is
    // upward because the facility water at 25 C keeps the supply from going much below 29 C.
    double before1 = latest(supply1).getValues(0).getValue();
    applySetpoint(cdu(1, 1) + ".liquid-temperature-sp.secondary-supply", 34.0);
    long applied = millis(latest(supply1).getFacilityTime());
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    GetLatestValuesResponse moved = latest(supply1, supply2);
    long started = 0;
    while (moved.getValues(0).getValue() < 33.5 && System.nanoTime() < until) {
      if (started == 0 && moved.getValues(0).getValue() > before1 + 1.0) {
        started = millis(moved.getValues(0).getFacilityTime());
      }
      Thread.sleep(50);
      moved = latest(supply1, supply2);
    }
    long reached = millis(moved.getValues(0).getFacilityTime());
    System.out.printf(
        "supply setpoint 30 -> 34 C: CDU 1 supply up 1 K %d s and at %.2f C %d s of facility time"
            + " after the apply%n",
        (started - applied) / 1000, moved.getValues(0).getValue(), (reached - applied) / 1000);
    assertThat(before1).isBetween(29.0, 31.0);
    assertThat(moved.getValues(0).getValue()).isBetween(33.5, 34.5);
    assertThat(moved.getValues(1).getValue()).isBetween(29.0, 31.0);
    // The emulator reads setpoints once per 10 s sample, so the engine has the change within 10 s
    // and the next sample or two show it. The valve PID and the supply volume then take about a
    // minute to settle.
    assertThat(started - applied).isBetween(1L, 20_000L);
    assertThat(reached - applied).isLessThanOrEqualTo(120_000);

    // CancelJob ends it with a result.
    cancel(job.getName());
    Job ended = await(job.getName(), PlantEmulationGrpcTest::terminal, 30_000);
    assertThat(ended.getState()).isEqualTo(Job.State.STATE_CANCELLED);
    JobResult result =
        operator
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .getJobResult(GetJobResultRequest.newBuilder().setJob(job.getName()).build());
    PlantEmulationResult emulation = result.getPlantEmulation();
    assertThat(emulation.getTwin()).isEqualTo(TWIN);
    assertThat(emulation.getTwinRevision()).startsWith(TWIN + "/revisions/");
    assertThat(emulation.getTelemetrySamplesAccepted()).isGreaterThan(0);
    assertThat(emulation.getTelemetrySamplesRejected()).isZero();
    assertThat(emulation.getSetpointChangesFollowed()).isEqualTo(1);
    assertThat(emulation.getKpis().getItEnergyKwh()).isGreaterThan(0);
    assertThat(emulation.getKpis().getEnergyBalanceErrorFraction()).isLessThan(1e-3);

    // One point per complete minute of facility time that ran, with no labels.
    long minutes = emulation.getKpis().getSimulatedDuration().getSeconds() / 60;
    SeriesInfo gpu =
        result.getSeriesList().stream()
            .filter(info -> info.getName().equals("max_gpu_temperature_c"))
            .findFirst()
            .orElseThrow();
    assertThat(gpu.getPointCount()).isEqualTo(minutes);
    assertThat(gpu.getResolution().getSeconds()).isEqualTo(60);
    assertThat(gpu.getLabelsMap()).isEmpty();
    assertThat(millis(gpu.getStartTime())).isEqualTo(start.toEpochMilli());
    assertThat(result.getSeriesList())
        .extracting(SeriesInfo::getName)
        .contains("tcs_supply_temperature_setpoint_c", "pump_speed", "it_power_kw");
  }

  @Test
  @Order(4)
  void staleStart_countsRejectedSamples() throws Exception {
    // Samples an hour behind the twin's clock are past its 15 minute maximum age: all rejected.
    Instant clock = nextStart().minusSeconds(60);
    Instant start = clock.minusSeconds(3600);
    Job job = submit(spec(20, 10_000).setStartTime(timestamp(start)).build());
    await(
        job.getName(), j -> j.getProgress().hasSimulatedTime() && emulated(j, start) > 60, 60_000);
    cancel(job.getName());
    Job ended = await(job.getName(), PlantEmulationGrpcTest::terminal, 30_000);

    assertThat(ended.getState()).isEqualTo(Job.State.STATE_CANCELLED);
    PlantEmulationResult result =
        operator
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .getJobResult(GetJobResultRequest.newBuilder().setJob(job.getName()).build())
            .getPlantEmulation();
    assertThat(result.getTelemetrySamplesAccepted()).isZero();
    // At least the first sample and six more at 10 s: 7 batches.
    assertThat(result.getTelemetrySamplesRejected()).isGreaterThanOrEqualTo(7L * POINTS);
    assertThat(result.getTelemetrySamplesRejected() % POINTS).isZero();
  }

  @Test
  @Order(5)
  void deadWorkersEmulation_resumesAfterTheTwinClock() throws Exception {
    // A first job delivers 60 s of facility time. A second job with the same start and 120 s was
    // claimed by a worker that died: its row is RUNNING under an owner that no longer renews, and
    // its lease ends 1 s from now. The retry must resume at start + 70 s, not resend from start.
    Instant start = nextStart();
    Job first =
        submit(spec(20, 10_000).setStartTime(timestamp(start)).setDuration(seconds(60)).build());
    assertThat(await(first.getName(), PlantEmulationGrpcTest::terminal, 60_000).getState())
        .isEqualTo(Job.State.STATE_SUCCEEDED);
    Job orphan =
        Job.newBuilder()
            .setPlantEmulation(
                spec(20, 10_000).setStartTime(timestamp(start)).setDuration(seconds(120)))
            .build();
    JobFixtures.insertOrphan(dataSource, "orphan-emulation", orphan);

    Job ended = await("jobs/orphan-emulation", PlantEmulationGrpcTest::terminal, 60_000);

    assertThat(ended.getState())
        .as(ended.getFailure().toString())
        .isEqualTo(Job.State.STATE_SUCCEEDED);
    assertThat(ended.getAttemptCount()).isEqualTo(2);
    JobResult result =
        operator
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .getJobResult(GetJobResultRequest.newBuilder().setJob(ended.getName()).build());
    // Batches at start + 70, 80, ..., 120 s: six, all new to the twin.
    assertThat(result.getPlantEmulation().getTelemetrySamplesRejected()).isZero();
    assertThat(result.getPlantEmulation().getTelemetrySamplesAccepted()).isEqualTo(6 * POINTS);
    assertThat(result.getWarningsList()).anyMatch(w -> w.contains("attempt 2 resumed at"));
    GetLatestValuesResponse latest = latest(point(rack(1, 1) + ".rack-power"));
    assertThat(millis(latest.getFacilityTime())).isEqualTo(start.plusSeconds(120).toEpochMilli());
  }

  @Test
  @Order(6)
  void twinOutage_pausesClock_andResumes() throws Exception {
    Instant start = nextStart();
    Job job = submit(spec(20, 10_000).setStartTime(timestamp(start)).build());
    job =
        await(
            job.getName(),
            j -> j.getProgress().hasSimulatedTime() && emulated(j, start) > 30,
            60_000);
    Path work = Path.of(twinWork);

    ProcessHandle.of(twinPid).orElseThrow().destroy();
    ProcessHandle.of(twinPid).orElseThrow().onExit().get(30, TimeUnit.SECONDS);
    // The job stays RUNNING and its facility clock stops while twin-service is down.
    Thread.sleep(3_000);
    Job paused = get(job.getName());
    Thread.sleep(4_000);
    Job stillPaused = get(job.getName());
    assertThat(stillPaused.getState()).isEqualTo(Job.State.STATE_RUNNING);
    assertThat(simulated(stillPaused)).isEqualTo(simulated(paused));
    assertThat(stillPaused.getProgress().getMessage()).contains("twin-service unreachable");

    try (ServiceProcess restarted =
        ServiceProcess.start(
            "twin-service",
            EmulationTwinProcess.JAR,
            work,
            "768m",
            EmulationTwinProcess.environment(twinDatabase),
            twinPort)) {
      double pausedAt = simulated(paused);
      Job resumed = await(job.getName(), j -> simulated(j) > pausedAt + 100, 60_000);
      assertThat(resumed.getState()).isEqualTo(Job.State.STATE_RUNNING);
      long clock = millis(latest(point(rack(8, 16) + ".gpu-temperature")).getFacilityTime());
      assertThat(clock).isGreaterThan(millis(paused.getProgress().getSimulatedTime()));

      cancel(job.getName());
      Job ended = await(job.getName(), PlantEmulationGrpcTest::terminal, 30_000);
      assertThat(ended.getState()).isEqualTo(Job.State.STATE_CANCELLED);
      lastTwinClock =
          Instant.ofEpochMilli(millis(latest(point(rack(1, 1) + ".rack-power")).getFacilityTime()));
      JobResult result =
          operator
              .withDeadlineAfter(10, TimeUnit.SECONDS)
              .getJobResult(GetJobResultRequest.newBuilder().setJob(job.getName()).build());
      // No sample is lost across the outage: one batch of every mapped point per 10 s of
      // facility time, from the start time to the end of the run.
      long samples =
          result.getPlantEmulation().getKpis().getSimulatedDuration().getSeconds() / 10 + 1;
      assertThat(result.getPlantEmulation().getTelemetrySamplesAccepted())
          .isEqualTo(samples * POINTS);
      assertThat(result.getPlantEmulation().getTelemetrySamplesRejected()).isZero();
      assertThat(result.getWarningsList())
          .anyMatch(w -> w.startsWith("twin-service was unreachable"));
    }
  }

  @Test
  @Order(7)
  void twinDownAtStart_jobWaits_thenRuns() throws Exception {
    // The previous test stopped its twin-service, so the twin is down here. SubmitJob would read
    // the twin and fail, so the job goes into the queue directly, as if the twin fell over
    // between the submit and the claim.
    Instant start = lastTwinClock.plusSeconds(60).truncatedTo(ChronoUnit.SECONDS);
    String id = "emulation-waits-" + UUID.randomUUID().toString().substring(0, 8);
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    Job submitted =
        Job.newBuilder().setPlantEmulation(spec(20, 10_000).setStartTime(timestamp(start))).build();
    assertThat(
            store.insert(
                new JobRecord(
                    id,
                    Job.Kind.KIND_PLANT_EMULATION,
                    JobState.QUEUED,
                    submitted,
                    "planner",
                    null,
                    "inserted-by-test",
                    1,
                    0,
                    null,
                    null,
                    false,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    now,
                    now,
                    null,
                    null)))
        .isTrue();
    String name = "jobs/" + id;
    Job waiting =
        await(name, j -> j.getProgress().getMessage().contains("starts when it is back"), 30_000);
    assertThat(waiting.getState()).isEqualTo(Job.State.STATE_RUNNING);
    assertThat(waiting.getAttemptCount()).isEqualTo(1);

    try (ServiceProcess restarted =
        ServiceProcess.start(
            "twin-service",
            EmulationTwinProcess.JAR,
            Path.of(twinWork),
            "768m",
            EmulationTwinProcess.environment(twinDatabase),
            twinPort)) {
      Job running =
          await(name, j -> j.getProgress().hasSimulatedTime() && emulated(j, start) > 60, 60_000);
      assertThat(running.getAttemptCount()).isEqualTo(1);
      cancel(name);
      Job ended = await(name, PlantEmulationGrpcTest::terminal, 30_000);
      assertThat(ended.getState()).isEqualTo(Job.State.STATE_CANCELLED);
      PlantEmulationResult result =
          operator
              .withDeadlineAfter(10, TimeUnit.SECONDS)
              .getJobResult(GetJobResultRequest.newBuilder().setJob(name).build())
              .getPlantEmulation();
      assertThat(result.getTelemetrySamplesAccepted()).isGreaterThanOrEqualTo(7 * POINTS);
      assertThat(result.getTelemetrySamplesRejected()).isZero();
    }
  }

  @Test
  @Order(2)
  void submit_secondEmulationOfTwin_namesTheRunningJob() throws Exception {
    Job first = submit(spec(10, 10_000).setStartTime(timestamp(nextStart())).build());
    StatusRuntimeException failure =
        catchThrowableOfType(StatusRuntimeException.class, () -> submit(spec(10, 10_000).build()));
    assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(StatusDetails.reason(failure)).isEqualTo("ILLEGAL_STATE_TRANSITION");
    assertThat(StatusDetails.preconditions(failure).getFirst().getSubject())
        .isEqualTo(first.getName());
    cancel(first.getName());
  }

  @Test
  @Order(1)
  void submit_invalidSpecs_nameTheField() {
    assertInvalid(spec(0, 10_000), "job.plant_emulation.speed_up_factor");
    assertInvalid(spec(10_001, 10_000), "job.plant_emulation.speed_up_factor");
    assertInvalid(spec(10, 50), "job.plant_emulation.telemetry_interval");
    assertInvalid(spec(10, 61_000), "job.plant_emulation.telemetry_interval");
    // 1.5 s is inside the range but not a whole number of 1 s loop steps.
    assertInvalid(spec(10, 1_500), "job.plant_emulation.telemetry_interval");
    assertInvalid(
        spec(10, 10_000).setDuration(Duration.newBuilder().setNanos(500_000_000)),
        "job.plant_emulation.duration");
    assertInvalid(spec(10, 10_000).setTwin("emulation-test"), "job.plant_emulation.twin");
    assertInvalid(spec(10, 10_000).clearWorkloadDataSet(), "job.plant_emulation.workload_data_set");
    assertInvalid(
        spec(10, 10_000).setWeatherDataSet("../USA_WA_Seattle-Tacoma.epw"),
        "job.plant_emulation.weather_data_set");
    StatusRuntimeException missing =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> submit(spec(10, 10_000).setTwin("twins/no-such-twin").build()));
    assertThat(missing.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    StatusRuntimeException noWeather =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> submit(spec(10, 10_000).setWeatherDataSet("no-such-weather.epw").build()));
    assertThat(noWeather.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(noWeather.getStatus().getDescription()).contains("no-such-weather.epw");
  }

  private void assertInvalid(PlantEmulationSpec.Builder spec, String field) {
    StatusRuntimeException failure =
        catchThrowableOfType(StatusRuntimeException.class, () -> submit(spec.build()));
    assertThat(failure).as(field).isNotNull();
    assertThat(failure.getStatus().getCode()).as(field).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(StatusDetails.fields(failure)).as(field).contains(field);
  }

  static PlantEmulationSpec.Builder spec(double speedUp, long intervalMillis) {
    return PlantEmulationSpec.newBuilder()
        .setTwin(TWIN)
        .setSpeedUpFactor(speedUp)
        .setWorkloadDataSet(WORKLOAD)
        .setTelemetryInterval(
            Duration.newBuilder()
                .setSeconds(intervalMillis / 1000)
                .setNanos((int) (intervalMillis % 1000) * 1_000_000));
  }

  private Job submit(PlantEmulationSpec spec) {
    return operator
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .submitJob(
            SubmitJobRequest.newBuilder().setJob(Job.newBuilder().setPlantEmulation(spec)).build());
  }

  private Job get(String name) {
    return operator
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .getJob(GetJobRequest.newBuilder().setName(name).build());
  }

  private void cancel(String name) {
    operator
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .cancelJob(CancelJobRequest.newBuilder().setName(name).build());
  }

  private Job await(String name, Predicate<Job> condition, long timeoutMillis)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    Job job = get(name);
    while (!condition.test(job)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeoutMillis + " ms waiting on " + job);
      }
      Thread.sleep(100);
      job = get(name);
    }
    return job;
  }

  private static boolean terminal(Job job) {
    return job.getState() == Job.State.STATE_SUCCEEDED
        || job.getState() == Job.State.STATE_FAILED
        || job.getState() == Job.State.STATE_CANCELLED;
  }

  /**
   * Returns a start time one minute past the twin's facility clock, or the present when it has
   * none, so that each test's samples are newer than those of the tests before it.
   */
  private Instant nextStart() {
    GetLatestValuesResponse latest = latest(point(rack(1, 1) + ".rack-power"));
    Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    if (!latest.hasFacilityTime()) {
      return now;
    }
    Instant clock = Instant.ofEpochMilli(millis(latest.getFacilityTime()));
    Instant after = clock.plusSeconds(60).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    return after.isAfter(now) ? after : now;
  }

  /** Facility seconds the job has emulated since its start time, from its progress. */
  private static double emulated(Job job, Instant start) {
    return simulated(job) - start.getEpochSecond();
  }

  /** Facility time the job has reached, in s since the epoch, from its progress. */
  private static double simulated(Job job) {
    Timestamp at = job.getProgress().getSimulatedTime();
    return at.getSeconds() + at.getNanos() / 1e9;
  }

  private static String point(String id) {
    return TWIN + "/points/" + id;
  }

  private TwinServiceGrpc.TwinServiceBlockingStub twin(String role) {
    return TwinServiceGrpc.newBlockingStub(twinChannel)
        .withCallCredentials(GrpcClients.bearer(TestKeys.token("emulation-test", role)))
        .withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private GetLatestValuesResponse latest(String... points) {
    return twin("reader")
        .getLatestValues(
            GetLatestValuesRequest.newBuilder()
                .setParent(TWIN)
                .addAllPoints(List.of(points))
                .build());
  }

  private void applySetpoint(String pointId, double value) {
    GetLatestValuesResponse current = latest(point(pointId));
    twin("setpoint-writer")
        .applySetpoint(
            ApplySetpointRequest.newBuilder()
                .setPoint(point(pointId))
                .setValue(value)
                .setExpectedVersion(current.getValues(0).getVersion())
                .setRequestId(UUID.randomUUID().toString())
                .setFacilityTime(current.getFacilityTime())
                .setAction("actions/emulation-test")
                .build());
  }

  /** Facility times of the raw samples of a point in a range, in ms. */
  private List<Long> rawTimes(String point, Instant from, Instant to) {
    return twin("reader")
        .getHistory(
            GetHistoryRequest.newBuilder()
                .setPoint(point)
                .setTimeRange(
                    TimeRange.newBuilder()
                        .setStartTime(timestamp(from))
                        .setEndTime(timestamp(to.plusMillis(1))))
                .setPageSize(1000)
                .build())
        .getBucketsList()
        .stream()
        .map(HistoryBucket::getStartFacilityTime)
        .map(PlantEmulationGrpcTest::millis)
        .toList();
  }

  private static <T> T config(String name, Class<T> type) {
    return ConfigProvider.getConfig().getValue(name, type);
  }

  private static Timestamp timestamp(Instant at) {
    return Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build();
  }

  private static Duration seconds(long value) {
    return Duration.newBuilder().setSeconds(value).build();
  }

  private static long millis(Timestamp at) {
    return at.getSeconds() * 1000 + at.getNanos() / 1_000_000;
  }
}
