package io.factorytwin.simulation.design;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.factorytwin.simulation.model.FacilityModel;
import io.factorytwin.simulation.model.ModelLoader;
import io.factorytwin.simulation.v1.AnnualKpis;
import io.factorytwin.simulation.v1.BestAlternative;
import io.factorytwin.simulation.v1.ComparisonResult;
import io.factorytwin.simulation.v1.ComparisonSpec;
import io.factorytwin.simulation.v1.DesignEvaluationResult;
import io.factorytwin.simulation.v1.DesignEvaluationSpec;
import io.factorytwin.simulation.v1.GetJobRequest;
import io.factorytwin.simulation.v1.GetJobResultRequest;
import io.factorytwin.simulation.v1.Job;
import io.factorytwin.simulation.v1.JobResult;
import io.factorytwin.simulation.v1.ModelSource;
import io.factorytwin.simulation.v1.SimulationServiceGrpc;
import io.factorytwin.simulation.v1.SubmitJobRequest;
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
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * DESIGN_EVALUATION and COMPARISON jobs end to end: the models come over gRPC from a real
 * lifecycle-service process ({@link LifecycleServiceProcess}) holding the reference hall, and the
 * inputs are the real weather, carbon and workload files.
 */
@QuarkusTest
@WithTestResource(PostgresDatabase.class)
@WithTestResource(TestKeys.class)
@WithTestResource(LifecycleServiceProcess.class)
class DesignJobsGrpcTest {

  private static final String WORKLOAD = "Alibaba_CPU_Data_Hourly_1.csv";
  private static final String ALTERNATIVES = LifecycleServiceProcess.HALL + "/alternatives/";

  @ConfigProperty(name = "quarkus.http.test-port")
  int port;

  @Inject ModelLoader loader;

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
    return operator.withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  private Job await(String name) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
    Job job = stub().getJob(GetJobRequest.newBuilder().setName(name).build());
    while (job.getState() == Job.State.STATE_QUEUED || job.getState() == Job.State.STATE_RUNNING) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting on " + job);
      }
      Thread.sleep(100);
      job = stub().getJob(GetJobRequest.newBuilder().setName(name).build());
    }
    return job;
  }

  private static DesignEvaluationSpec alternative(String id) {
    return DesignEvaluationSpec.newBuilder()
        .setModel(ModelSource.newBuilder().setAlternative(ALTERNATIVES + id))
        .setWorkloadDataSet(WORKLOAD)
        .build();
  }

  @Test
  void loader_readsReferenceHallOverGrpc() {
    FacilityModel model =
        loader.load(
            "model", ModelSource.newBuilder().setAlternative(ALTERNATIVES + "texas").build());

    assertThat(model.racks()).hasSize(128);
    assertThat(model.cdus()).hasSize(24);
    assertThat(model.racksWithoutCdu()).isEmpty();
    assertThat(model.plant().heatRejectionKind())
        .isEqualTo(FacilityModel.HeatRejectionKind.DRY_COOLER);
    assertThat(model.plant().heatRejectionUnits()).isEqualTo(9);
    assertThat(model.plant().chillers()).isEqualTo(2);
    assertThat(model.designItPowerW()).isEqualTo(128 * 120_000.0);
    assertThat(model.racks().getFirst().heatToLiquidFraction()).isEqualTo(0.9);
    assertThat(model.racks().getFirst().gpuTdpW()).isEqualTo(1200);
    assertThat(model.powerSource().gridRegion()).isEqualTo("ERCO");
    assertThat(model.powerSource().solarCapacityW()).isEqualTo(10_000_000);
    assertThat(model.site().weatherDataSet()).isEqualTo("USA_TX_Dallas-Fort.Worth.epw");
    // The 16 racks of a row spread over its three CDUs: 6, 5 and 5.
    Map<Integer, Integer> perCdu = new HashMap<>();
    for (FacilityModel.Rack rack : model.racks()) {
      perCdu.merge(rack.cduIndex(), 1, Integer::sum);
    }
    assertThat(perCdu.values()).allMatch(count -> count == 5 || count == 6);
  }

  @Test
  void submit_rackOnNoCdu_failedPreconditionNamingRack() {
    Job job =
        Job.newBuilder()
            .setDesignEvaluation(
                DesignEvaluationSpec.newBuilder()
                    .setModel(
                        ModelSource.newBuilder()
                            .setDesignRevision(LifecycleServiceProcess.UNCOOLED + "/revisions/a"))
                    .setWorkloadDataSet(WORKLOAD))
            .build();

    StatusRuntimeException failure =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> stub().submitJob(SubmitJobRequest.newBuilder().setJob(job).build()));

    assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(StatusDetails.reason(failure)).isEqualTo("MODEL_INCOMPLETE");
    assertThat(StatusDetails.preconditions(failure).getFirst().getSubject())
        .isEqualTo(LifecycleServiceProcess.UNCOOLED_RACK);
    assertThat(failure.getStatus().getDescription())
        .contains(LifecycleServiceProcess.UNCOOLED_RACK);
  }

  @Test
  void submit_missingDataSet_notFound() {
    Job job =
        Job.newBuilder()
            .setDesignEvaluation(
                alternative("virginia").toBuilder().setWeatherDataSet("Nowhere.epw"))
            .build();

    StatusRuntimeException failure =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> stub().submitJob(SubmitJobRequest.newBuilder().setJob(job).build()));

    assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(failure.getStatus().getDescription()).contains("Nowhere.epw");
  }

  @Test
  void submit_unknownAlternative_notFound() {
    Job job = Job.newBuilder().setDesignEvaluation(alternative("atlantis")).build();

    StatusRuntimeException failure =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> stub().submitJob(SubmitJobRequest.newBuilder().setJob(job).build()));

    assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(failure.getStatus().getDescription()).contains("atlantis");
  }

  @Test
  void designEvaluation_succeedsWithKpisAndDailySeries() throws InterruptedException {
    Job submitted =
        stub()
            .submitJob(
                SubmitJobRequest.newBuilder()
                    .setJob(Job.newBuilder().setDesignEvaluation(alternative("virginia")))
                    .build());

    Job done = await(submitted.getName());
    assertThat(done.getState())
        .as(done.getFailure().getMessage())
        .isEqualTo(Job.State.STATE_SUCCEEDED);
    JobResult result =
        stub().getJobResult(GetJobResultRequest.newBuilder().setJob(done.getName()).build());
    AnnualKpis kpis = result.getDesignEvaluation().getKpis();

    assertThat(result.getDesignEvaluation().getModel()).isEqualTo(ALTERNATIVES + "virginia");
    assertThat(kpis.getPue()).isBetween(1.05, 1.4);
    assertThat(kpis.getEnergyBalanceErrorFraction()).isLessThan(1e-3);
    assertThat(kpis.getMonthlyPueCount()).isEqualTo(12);
    assertThat(result.getSeriesList())
        .extracting(s -> s.getName())
        .contains("pue", "facility_power_kw");
    assertThat(result.getSeries(0).getPointCount()).isEqualTo(365);
    assertThat(result.getWarningsList()).anyMatch(w -> w.contains("PJM.csv"));
  }

  @Test
  void comparison_threeReferenceAlternatives() throws InterruptedException {
    Job submitted =
        stub()
            .submitJob(
                SubmitJobRequest.newBuilder()
                    .setJob(
                        Job.newBuilder()
                            .setComparison(
                                ComparisonSpec.newBuilder()
                                    .addAlternatives(alternative("virginia"))
                                    .addAlternatives(alternative("texas"))
                                    .addAlternatives(alternative("pacific-northwest"))))
                    .build());

    Job done = await(submitted.getName());
    assertThat(done.getState())
        .as(done.getFailure().getMessage())
        .isEqualTo(Job.State.STATE_SUCCEEDED);
    ComparisonResult comparison =
        stub()
            .getJobResult(GetJobResultRequest.newBuilder().setJob(done.getName()).build())
            .getComparison();
    System.out.println(ComparisonTable.markdown(comparison));

    assertThat(comparison.getRowsCount()).isEqualTo(3);
    Map<String, AnnualKpis> rows = new HashMap<>();
    for (DesignEvaluationResult row : comparison.getRowsList()) {
      rows.put(row.getModel().substring(ALTERNATIVES.length()), row.getKpis());
      assertThat(row.getKpis().getPue()).as(row.getModel()).isBetween(1.05, 1.4);
    }
    assertThat(rows.get("pacific-northwest").getFreeCoolingHours())
        .isGreaterThan(rows.get("texas").getFreeCoolingHours());
    Map<String, BestAlternative> best = new HashMap<>();
    for (BestAlternative entry : comparison.getBestList()) {
      best.put(entry.getKpi(), entry);
    }
    assertThat(best).hasSize(11);
    assertThat(best.get("cue_kg_per_kwh").getModel()).isEqualTo(ALTERNATIVES + "pacific-northwest");
    assertThat(rows.get("texas").getOnsiteGenerationKwh()).isPositive();
    assertThat(rows.get("virginia").getOnsiteGenerationKwh()).isZero();
  }
}
