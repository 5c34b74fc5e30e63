package io.factorytwin.simulation.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.factorytwin.simulation.design.ReferenceHalls;
import io.factorytwin.simulation.input.WeatherYear;
import io.factorytwin.simulation.input.WorkloadTrace;
import io.factorytwin.simulation.model.FacilityModel;
import io.factorytwin.simulation.transients.BaselinePolicy;
import io.factorytwin.simulation.transients.FacilityHalls;
import io.factorytwin.simulation.transients.TransientEngine;
import io.factorytwin.simulation.transients.TransientRun;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fair baseline's search over its two setpoints, on a 16-rack row of the reference hall in
 * Phoenix's July afternoon with 10-minute episodes.
 */
class BaselineSearchTest {

  private static final int START_HOUR = 4574;
  private static final double TEN_MINUTES = 600;
  private static final long[] SEEDS = {1, 2};
  private static final Runnable NOTHING = () -> {};

  private static Episodes episodes;
  private static ExecutorService executor;

  @BeforeAll
  static void load() {
    var data = ReferenceHalls.inputDataSets();
    WeatherYear year = data.weather("weather", "USA_AZ_Phoenix-Sky.Harbor.epw", 2022);
    WorkloadTrace trace = data.workload("workload", "GoogleClusteData_CPU_Data_Hourly_1.csv");
    episodes =
        new Episodes(
            FacilityHalls.toHall(
                ReferenceHalls.hallOfRacks(
                    16, ReferenceHalls.virginia(), new FacilityModel.PowerSource("PJM", 0))),
            trace,
            START_HOUR * 3600.0,
            TransientEngine.Weather.fromYear(year, START_HOUR, 4),
            TEN_MINUTES,
            TransientEngine.Options.defaults(TEN_MINUTES),
            3 * 3600.0);
    executor = Executors.newFixedThreadPool(2);
  }

  @AfterAll
  static void stop() {
    executor.shutdownNow();
  }

  @Test
  void riseTargets_evenGrid() {
    double[] grid = BaselineSearch.riseTargets(300);
    assertThat(grid).hasSize(21);
    assertThat(grid[0]).isEqualTo(BaselineSearch.HIGHEST_RISE_K);
    assertThat(grid[20]).isEqualTo(BaselineSearch.LOWEST_RISE_K);
    assertThat(grid[1] - grid[0]).isEqualTo(-0.45, org.assertj.core.api.Assertions.within(1e-12));
    // Below two bisections' worth the search keeps the design rise.
    assertThat(BaselineSearch.riseTargets(27))
        .containsExactly(BaselinePolicy.DEFAULT_RISE_TARGET_K);
  }

  @Test
  void search_picksCheaperSafePair() {
    // Budget 28: one bisection at 12 K and one at 3 K.
    BaselineSearch.Outcome outcome =
        BaselineSearch.search(
            episodes,
            SEEDS,
            28,
            AgentEvaluation.BASELINE_LOW_C,
            AgentEvaluation.BASELINE_HIGH_C,
            executor,
            NOTHING);
    BaselineSearch.Bisection high = bisect(12.0, 14);
    BaselineSearch.Bisection low = bisect(3.0, 14);
    System.out.printf(
        "baseline search: 12 K -> %.2f C, %.1f kWh; 3 K -> %.2f C, %.1f kWh; kept %.2f C, %.1f K%n",
        high.setpointC(),
        high.energyJ() / 3.6e6,
        low.setpointC(),
        low.energyJ() / 3.6e6,
        outcome.setpointC(),
        outcome.riseTargetK());

    assertThat(outcome.safeFound()).isTrue();
    assertThat(outcome.candidates()).isLessThanOrEqualTo(28);
    assertThat(high.safeFound()).isTrue();
    assertThat(low.safeFound()).isTrue();
    BaselineSearch.Bisection cheaper = high.energyJ() <= low.energyJ() ? high : low;
    assertThat(outcome.riseTargetK()).isEqualTo(cheaper.riseK());
    assertThat(outcome.setpointC()).isEqualTo(cheaper.setpointC());
    assertThat(outcome.trainingCoolingEnergyJ()).isEqualTo(cheaper.energyJ());
    // The two rises reach different setpoints: flow sets GPU temperature, so a smaller rise
    // allows a warmer supply.
    assertThat(low.setpointC()).isGreaterThan(high.setpointC() + 0.5);
    // Each setpoint is the edge: 0.02 K warmer puts a GPU over its limit in a training episode.
    for (BaselineSearch.Bisection b : new BaselineSearch.Bisection[] {high, low}) {
      if (b.setpointC() < AgentEvaluation.BASELINE_HIGH_C) {
        assertThat(overLimitMinutes(b.setpointC() + 2 * BaselineSearch.RESOLUTION_K, b.riseK()))
            .as("%.1f K at %.2f C + 0.02 K", b.riseK(), b.setpointC())
            .isPositive();
      }
      assertThat(overLimitMinutes(b.setpointC(), b.riseK())).isZero();
    }
  }

  @Test
  void search_noSafeSetpoint_reportsIt() {
    // Even idle, a GB200 GPU sits over 10 K above an 80 °C supply, so past its 87 °C limit.
    BaselineSearch.Outcome outcome =
        BaselineSearch.search(episodes, SEEDS, 28, 80.0, 85.0, executor, NOTHING);
    assertThat(outcome.safeFound()).isFalse();
    assertThat(outcome.setpointC()).isEqualTo(80.0);
    assertThat(outcome.trainingCoolingEnergyJ()).isNaN();
  }

  private static BaselineSearch.Bisection bisect(double riseK, int budget) {
    return BaselineSearch.bisect(
        episodes,
        SEEDS,
        budget,
        AgentEvaluation.BASELINE_LOW_C,
        AgentEvaluation.BASELINE_HIGH_C,
        riseK,
        executor,
        NOTHING);
  }

  private static long overLimitMinutes(double setpointC, double riseK) {
    long minutes = 0;
    for (int i = 0; i < SEEDS.length; i++) {
      TransientRun run =
          episodes.run(
              BaselineSearch.baseline(setpointC, riseK),
              SEEDS[i],
              episodes.startOffsetSeconds(i, SEEDS.length));
      minutes += run.gpuOverLimitMinutes();
    }
    return minutes;
  }
}
