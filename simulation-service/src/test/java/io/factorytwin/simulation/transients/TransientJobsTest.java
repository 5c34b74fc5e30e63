package io.factorytwin.simulation.transients;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import io.factorytwin.simulation.v1.BaselinePolicy;
import io.factorytwin.simulation.v1.CancelJobRequest;
import io.factorytwin.simulation.v1.GetJobRequest;
import io.factorytwin.simulation.v1.GetJobResultRequest;
import io.factorytwin.simulation.v1.Job;
import io.factorytwin.simulation.v1.JobResult;
import io.factorytwin.simulation.v1.ModelSource;
import io.factorytwin.simulation.v1.SimulationServiceGrpc;
import io.factorytwin.simulation.v1.SubmitJobRequest;
import io.factorytwin.simulation.v1.TransientKpis;
import io.factorytwin.simulation.v1.TransientScenario;
import io.factorytwin.simulation.v1.TransientSpec;
import io.factorytwin.testing.GrpcClients;
import io.factorytwin.testing.PostgresDatabase;
import io.factorytwin.testing.TestKeys;
import io.grpc.ManagedChannel;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * TRANSIENT jobs through the queue with the real {@link TransientRunner} on PostgreSQL: a short run
 * stores KPIs and series, and a long one stops within one progress interval when cancelled.
 */
@QuarkusTest
@TestProfile(TransientJobsTest.RealRunner.class)
@WithTestResource(PostgresDatabase.class)
@WithTestResource(TestKeys.class)
class TransientJobsTest {

  /**
   * Removes the stepping test double, so the real runner takes TRANSIENT jobs, and loads every
   * model as the 1,000-rack hall of {@link ReferenceModelLoader}.
   */
  public static class RealRunner implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "quarkus.arc.exclude-types", "io.factorytwin.simulation.jobs.SteppingTransientRunner");
    }

    @Override
    public Set<Class<?>> getEnabledAlternatives() {
      return Set.of(ReferenceModelLoader.class);
    }
  }

  @ConfigProperty(name = "quarkus.http.test-port")
  int port;

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

  private static Job transientJob(long seed, long seconds) {
    return Job.newBuilder()
        .setDisplayName("transient seed " + seed)
        .setTransient(
            TransientSpec.newBuilder()
                .setScenario(
                    TransientScenario.newBuilder()
                        .setModel(
                            ModelSource.newBuilder().setTwinRevision("twins/hall-1/revisions/1"))
                        .setWorkloadDataSet("Alibaba_CPU_Data_Hourly_1.csv")
                        .setDuration(Duration.newBuilder().setSeconds(seconds)))
                .setSeed(seed)
                .setBaseline(BaselinePolicy.getDefaultInstance()))
        .build();
  }

  private Job await(String name, Predicate<Job> condition, long timeoutMillis)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    Job job = stub().getJob(GetJobRequest.newBuilder().setName(name).build());
    while (!condition.test(job)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeoutMillis + " ms waiting on " + job);
      }
      Thread.sleep(20);
      job = stub().getJob(GetJobRequest.newBuilder().setName(name).build());
    }
    return job;
  }

  private static boolean terminal(Job job) {
    return job.getState() == Job.State.STATE_SUCCEEDED
        || job.getState() == Job.State.STATE_FAILED
        || job.getState() == Job.State.STATE_CANCELLED;
  }

  @Test
  void shortRun_storesKpisAndSeries() throws InterruptedException {
    Job submitted =
        stub().submitJob(SubmitJobRequest.newBuilder().setJob(transientJob(3, 120)).build());
    Job done = await(submitted.getName(), TransientJobsTest::terminal, 120_000);
    assertThat(done.getState())
        .as(done.getFailure().toString())
        .isEqualTo(Job.State.STATE_SUCCEEDED);

    JobResult result =
        stub().getJobResult(GetJobResultRequest.newBuilder().setJob(done.getName()).build());
    TransientKpis kpis = result.getTransient().getKpis();
    assertThat(result.getTransient().getSeed()).isEqualTo(3);
    assertThat(result.getTransient().getModel()).isEqualTo("twins/hall-1/revisions/1");
    assertThat(kpis.getEnergyBalanceErrorFraction()).isLessThan(1e-3);
    assertThat(kpis.getItEnergyKwh()).isGreaterThan(0);
    assertThat(kpis.getCoolingEnergy().getTotalKwh())
        .isCloseTo(
            kpis.getCoolingEnergy().getChillersKwh()
                + kpis.getCoolingEnergy().getHeatRejectionFansKwh()
                + kpis.getCoolingEnergy().getPumpsKwh()
                + kpis.getCoolingEnergy().getCrahsKwh(),
            org.assertj.core.api.Assertions.within(1e-9));
    assertThat(kpis.getMaxGpuTemperatureC()).isBetween(30.0, 100.0);
    assertThat(kpis.getSimulatedDuration().getSeconds()).isEqualTo(120);
    assertThat(result.getSeriesList())
        .anySatisfy(
            series -> {
              assertThat(series.getName()).isEqualTo("max_gpu_temperature_c");
              assertThat(series.getPointCount()).isEqualTo(120);
            });
  }

  @Test
  void cancel_stopsARunningTransientJobWithinOneProgressInterval() throws InterruptedException {
    // A simulated day of 1,000 racks at 0.1 s takes far longer than this test waits.
    Job submitted =
        stub().submitJob(SubmitJobRequest.newBuilder().setJob(transientJob(9, 86_400)).build());
    Job running =
        await(
            submitted.getName(),
            job ->
                job.getState() == Job.State.STATE_RUNNING
                    && job.hasProgress()
                    && job.getProgress().getFraction() > 0,
            60_000);

    long start = System.nanoTime();
    Job requested =
        stub().cancelJob(CancelJobRequest.newBuilder().setName(running.getName()).build());
    assertThat(requested.getCancelRequested()).isTrue();
    Job cancelled =
        await(running.getName(), job -> job.getState() == Job.State.STATE_CANCELLED, 10_000);
    long stoppedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    System.out.printf(
        "TRANSIENT cancel: stopped %d ms after CancelJob at fraction %.4f%n",
        stoppedMillis, cancelled.getProgress().getFraction());

    // One progress interval of the runner is 0.5 s of wall time; the rest is the GetJob poll and
    // the shared test machine.
    assertThat(stoppedMillis)
        .isLessThan(TimeUnit.NANOSECONDS.toMillis(TransientRunner.PROGRESS_INTERVAL_NANOS) + 1_500);
    assertThat(cancelled.getProgress().getFraction()).isLessThan(1.0);
    assertThat(cancelled.hasEndTime()).isTrue();
  }
}
