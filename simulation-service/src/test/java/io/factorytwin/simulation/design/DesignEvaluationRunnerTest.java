package io.factorytwin.simulation.design;

import static org.assertj.core.api.Assertions.assertThat;

import io.factorytwin.simulation.input.InputDataSets;
import io.factorytwin.simulation.jobs.JobContext;
import io.factorytwin.simulation.jobs.JobOutcome;
import io.factorytwin.simulation.model.FacilityModel;
import io.factorytwin.simulation.model.ModelLoader;
import io.factorytwin.simulation.physics.Fluid;
import io.factorytwin.simulation.v1.DesignEvaluationSpec;
import io.factorytwin.simulation.v1.Job;
import io.factorytwin.simulation.v1.ModelSource;
import io.factorytwin.support.data.DataSets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DESIGN_EVALUATION runner on a model given directly (no lifecycle-service), for the failures
 * that the gRPC tests cannot provoke: a unit with a wrong heat capacity and a broken weather file.
 */
class DesignEvaluationRunnerTest {

  private static final FacilityModel HALL =
      ReferenceHalls.hall(8, ReferenceHalls.virginia(), new FacilityModel.PowerSource("PJM", 0));

  private static final Job JOB =
      Job.newBuilder()
          .setName("jobs/runner-test")
          .setDesignEvaluation(
              DesignEvaluationSpec.newBuilder()
                  .setModel(
                      ModelSource.newBuilder()
                          .setDesignRevision("designs/reference-hall/revisions/a"))
                  .setWorkloadDataSet("Alibaba_CPU_Data_Hourly_1.csv"))
          .build();

  /** Returns a fixed model whatever the source, with the loader's rack check. */
  private static final class FixedModel extends ModelLoader {
    private final FacilityModel model;

    FixedModel(FacilityModel model) {
      super(null, null);
      this.model = model;
    }

    @Override
    public FacilityModel load(String field, ModelSource source) {
      requireCooledRacks(model);
      return model;
    }
  }

  private static final class Context implements JobContext {
    final List<Double> fractions = new ArrayList<>();

    @Override
    public Job job() {
      return JOB;
    }

    @Override
    public Instant deadline() {
      return Instant.now().plusSeconds(600);
    }

    @Override
    public void progress(double fraction, String message, Instant simulatedTime) {
      fractions.add(fraction);
    }
  }

  private static DesignEvaluations evaluations(Path dataFolder) {
    return evaluations(dataFolder, HALL);
  }

  private static DesignEvaluations evaluations(Path dataFolder, FacilityModel model) {
    DataSets dataSets = ReferenceHalls.dataSets(dataFolder);
    return new DesignEvaluations(new FixedModel(model), new InputDataSets(dataSets), dataSets);
  }

  @Test
  void run_rackOnNoCdu_failsNamingTheRack() {
    List<FacilityModel.Rack> racks = new ArrayList<>(HALL.racks());
    FacilityModel.Rack cut = racks.get(17);
    racks.set(
        17,
        new FacilityModel.Rack(
            cut.id(),
            cut.ratedPowerW(),
            cut.designPowerW(),
            cut.heatToLiquidFraction(),
            cut.gpuCount(),
            cut.gpuTdpW(),
            FacilityModel.NO_CDU,
            cut.gpuLimits(),
            cut.throughputTokensPerSecond()));
    FacilityModel broken =
        new FacilityModel(
            HALL.name(),
            HALL.site(),
            HALL.powerSource(),
            HALL.cdus(),
            racks,
            HALL.plant(),
            HALL.setpoints());

    JobOutcome outcome =
        new DesignEvaluationRunner(evaluations(ReferenceHalls.DATA, broken)).run(new Context());

    assertThat(outcome.result()).isNull();
    assertThat(outcome.failure().getReason()).isEqualTo("MODEL_INCOMPLETE");
    assertThat(outcome.failure().getSubject()).isEqualTo(cut.id());
    assertThat(outcome.failure().getMessage()).contains(cut.id());
  }

  @Test
  void run_realData_succeeds() {
    Context context = new Context();

    JobOutcome outcome = new DesignEvaluationRunner(evaluations(ReferenceHalls.DATA)).run(context);

    assertThat(outcome.failure()).isNull();
    assertThat(outcome.result().getDesignEvaluation().getKpis().getPue()).isBetween(1.05, 1.4);
    assertThat(context.fractions).isSortedAccordingTo(Double::compare);
    assertThat(context.fractions.getLast()).isEqualTo(1.0);
  }

  @Test
  void run_wrongHeatCapacityInOneUnit_failsEnergyBalance() {
    DesignEvaluationRunner runner =
        new DesignEvaluationRunner(evaluations(ReferenceHalls.DATA)) {
          @Override
          protected DesignEvaluation.Options options(FacilityModel model) {
            List<Fluid> fluids =
                new ArrayList<>(
                    Collections.nCopies(model.plant().heatRejectionUnits(), Fluid.WATER));
            // A heat capacity 10 % low on the first unit only.
            fluids.set(0, new Fluid("water with a wrong cp", 997.0, 3762.0));
            return new DesignEvaluation.Options(ThroughputTable.DEFAULT_WORKLOAD, fluids);
          }
        };

    JobOutcome outcome = runner.run(new Context());

    assertThat(outcome.result()).isNull();
    assertThat(outcome.failure().getReason()).isEqualTo("ENERGY_BALANCE_FAILED");
    assertThat(outcome.failure().getMessage()).contains("relative error");
    assertThat(outcome.failure().getSubject()).isEqualTo(HALL.name());
  }

  @Test
  void run_weatherWithBadRow_failsNamingTheLine(@TempDir Path folder) throws IOException {
    for (String kind : List.of("weather", "carbon-intensity", "workload")) {
      Files.createDirectories(folder.resolve(kind));
    }
    Files.copy(
        ReferenceHalls.DATA.resolve("carbon-intensity/PJM.csv"),
        folder.resolve("carbon-intensity/PJM.csv"));
    Files.copy(
        ReferenceHalls.DATA.resolve("workload/Alibaba_CPU_Data_Hourly_1.csv"),
        folder.resolve("workload/Alibaba_CPU_Data_Hourly_1.csv"));
    List<String> lines =
        Files.readAllLines(
            ReferenceHalls.DATA.resolve("weather/USA_VA_Leesburg.Exec.epw"),
            StandardCharsets.ISO_8859_1);
    // Line 120 (1-based) loses its last field, so it has 34 fields instead of 35.
    String row = lines.get(119);
    lines.set(119, row.substring(0, row.lastIndexOf(',')));
    Files.write(
        folder.resolve("weather/USA_VA_Leesburg.Exec.epw"), lines, StandardCharsets.ISO_8859_1);

    JobOutcome outcome = new DesignEvaluationRunner(evaluations(folder)).run(new Context());

    assertThat(outcome.result()).isNull();
    assertThat(outcome.failure().getReason()).isEqualTo("DATA_SET_INVALID");
    assertThat(outcome.failure().getMessage()).contains("line 120");
    assertThat(outcome.failure().getSubject()).isEqualTo("job.design_evaluation.weather_data_set");
  }
}
