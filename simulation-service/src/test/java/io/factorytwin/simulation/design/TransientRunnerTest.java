package io.factorytwin.simulation.design;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import io.factorytwin.simulation.input.InputDataSets;
import io.factorytwin.simulation.jobs.JobContext;
import io.factorytwin.simulation.jobs.JobOutcome;
import io.factorytwin.simulation.model.FacilityModel;
import io.factorytwin.simulation.model.ModelLoader;
import io.factorytwin.simulation.physics.Fluid;
import io.factorytwin.simulation.transients.Hall;
import io.factorytwin.simulation.transients.TransientRunner;
import io.factorytwin.simulation.v1.BaselinePolicy;
import io.factorytwin.simulation.v1.Job;
import io.factorytwin.simulation.v1.ModelSource;
import io.factorytwin.simulation.v1.Series;
import io.factorytwin.simulation.v1.TransientScenario;
import io.factorytwin.simulation.v1.TransientSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The TRANSIENT runner without the queue: real data files, a fixed model and a recording context.
 */
class TransientRunnerTest {

  private static final FacilityModel ROW =
      ReferenceHalls.hall(1, ReferenceHalls.seattle(), new FacilityModel.PowerSource("BPAT", 0));

  private static final Job JOB =
      Job.newBuilder()
          .setName("jobs/transient-runner-test")
          .setTransient(
              TransientSpec.newBuilder()
                  .setScenario(
                      TransientScenario.newBuilder()
                          .setModel(
                              ModelSource.newBuilder()
                                  .setDesignRevision("designs/reference-hall/revisions/a"))
                          .setWorkloadDataSet("Alibaba_CPU_Data_Hourly_1.csv")
                          .setDuration(Duration.newBuilder().setSeconds(300)))
                  .setSeed(21)
                  .setBaseline(BaselinePolicy.getDefaultInstance()))
          .build();

  private static final class FixedModel extends ModelLoader {
    FixedModel() {
      super(null, null);
    }

    @Override
    public FacilityModel load(String field, ModelSource source) {
      return ROW;
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

  private static InputDataSets inputs() {
    return ReferenceHalls.inputDataSets();
  }

  @Test
  void run_siteWeather_succeedsWithKpisAndSeries() {
    Context context = new Context();
    JobOutcome outcome = new TransientRunner(inputs(), new FixedModel(), null).run(context);

    assertThat(outcome.failure()).isNull();
    var kpis = outcome.result().getTransient().getKpis();
    assertThat(kpis.getEnergyBalanceErrorFraction()).isLessThan(1e-3);
    assertThat(kpis.getPue()).isBetween(1.0, 1.5);
    assertThat(kpis.getTokensPerWatt()).isPositive();
    assertThat(outcome.result().getWarningsList()).isEmpty();
    assertThat(outcome.series()).hasSize(12);
    assertThat(outcome.series().getFirst().getValuesCount()).isEqualTo(300);
    // The CDU pumps are part of all pumps, bucket by bucket.
    List<Double> all = values(outcome.series(), "pumps_power_kw");
    List<Double> cdu = values(outcome.series(), "cdu_pumps_power_kw");
    assertThat(cdu).hasSameSizeAs(all);
    for (int i = 0; i < all.size(); i++) {
      assertThat(cdu.get(i)).as("bucket %d", i).isPositive().isLessThan(all.get(i));
    }
    assertThat(context.fractions).isNotEmpty();
  }

  @Test
  void run_wrongHeatCapacityInOneCdu_failsTheEnergyBalance() {
    TransientRunner broken =
        new TransientRunner(inputs(), new FixedModel(), null) {
          @Override
          protected Hall hall(FacilityModel facility) {
            Hall hall = super.hall(facility);
            Hall.Group first = hall.groups().getFirst();
            Fluid wrong = new Fluid("water, cp 5 % high", 997.0, 4180.0 * 1.05);
            return hall.withGroup(
                0, new Hall.Group(first.cdu().withRackCoolant(wrong), first.rackNames()));
          }
        };

    JobOutcome outcome = broken.run(new Context());

    assertThat(outcome.result()).isNull();
    assertThat(outcome.failure().getReason()).isEqualTo("ENERGY_BALANCE_FAILED");
    assertThat(outcome.failure().getMessage()).contains("energy balance error");
  }

  private static List<Double> values(List<Series> series, String name) {
    return series.stream()
        .filter(s -> s.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no series " + name))
        .getValuesList();
  }
}
