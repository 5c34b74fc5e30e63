package io.factorytwin.simulation.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.factorytwin.simulation.design.ReferenceHalls;
import io.factorytwin.simulation.input.WeatherYear;
import io.factorytwin.simulation.input.WorkloadTrace;
import io.factorytwin.simulation.model.FacilityModel;
import io.factorytwin.simulation.transients.FacilityHalls;
import io.factorytwin.simulation.transients.Hall;
import io.factorytwin.simulation.transients.TransientEngine;
import io.factorytwin.simulation.transients.TransientRun;
import io.factorytwin.simulation.v1.HourlyOracle;
import io.factorytwin.simulation.v1.OracleEpisode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * How much a controller could save against the fair baseline by choosing the baseline's two
 * setpoints (TCS supply temperature and pump rise target) anew for every held-out episode, knowing
 * that episode in advance. Run it with {@code bench/agent-oracle.sh}; the name keeps it out of the
 * default test run.
 *
 * <p>The fair baseline is found as AGENT_EVALUATION finds it, on the training seeds. Then, for each
 * held-out episode, {@link BaselineSearch} runs on that one episode with the whole budget: the safe
 * pair with the least energy on it. The sum over the episodes is what an hour-by-hour schedule of
 * the two setpoints with perfect foresight would use. It estimates the most that a policy can save
 * by adapting to the hour's load and weather. It is not a bound: the search can miss a cheaper
 * pair, and a policy that acts within the hour, on job starts and checkpoints, is outside it. The
 * look-ahead experiment in docs/benchmarks.md found acting within the hour worth nothing in this
 * model.
 *
 * <p>System properties as in {@link AgentTrainingBenchmark}: {@code bench.weather}, {@code
 * bench.workload}, {@code bench.start-hour}, {@code bench.hours}, {@code bench.window-hours},
 * {@code bench.budget}, and {@code bench.seeds} (training seeds 1..n, held-out seeds 1001..1000+n).
 */
class HourlyOracleBenchmark {

  @Test
  void hourlyOracleAgainstTheFairBaseline() {
    String epw = System.getProperty("bench.weather", "USA_AZ_Phoenix-Sky.Harbor.epw");
    String workload =
        System.getProperty("bench.workload", "GoogleClusteData_CPU_Data_Hourly_1.csv");
    int startHour = Integer.getInteger("bench.start-hour", 4574);
    double duration = Double.parseDouble(System.getProperty("bench.hours", "1")) * 3600;
    int windowHours = Integer.getInteger("bench.window-hours", 24);
    int budget = Integer.getInteger("bench.budget", 300);
    int count = Integer.getInteger("bench.seeds", 24);
    int threads = Integer.getInteger("bench.threads", Runtime.getRuntime().availableProcessors());

    Hall hall =
        FacilityHalls.toHall(
            ReferenceHalls.hallOfRacks(
                128, ReferenceHalls.virginia(), new FacilityModel.PowerSource("PJM", 0)));
    var data = ReferenceHalls.inputDataSets();
    WeatherYear year = data.weather("weather", epw, 2022);
    WorkloadTrace trace = data.workload("workload", workload);
    double window = Math.max(duration, windowHours * 3600.0);
    int weatherHours = (int) Math.ceil(window / 3600) + 1;
    TransientEngine.Weather weather =
        TransientEngine.Weather.fromYear(year, startHour, weatherHours);
    // One series bucket per episode: only the totals are read.
    TransientEngine.Options options =
        TransientEngine.Options.defaults(duration).withSeriesResolution(duration);
    Episodes training =
        new Episodes(hall, trace, startHour * 3600.0, weather, duration, options, window);
    long[] trainingSeeds = new long[count];
    long[] heldOutSeeds = new long[count];
    for (int i = 0; i < count; i++) {
      trainingSeeds[i] = i + 1;
      heldOutSeeds[i] = 1001 + i;
    }
    ExecutorService pool =
        Executors.newFixedThreadPool(threads, Thread.ofPlatform().daemon().factory());
    try {
      long start = System.nanoTime();
      BaselineSearch.Outcome fair =
          BaselineSearch.search(
              training,
              trainingSeeds,
              budget,
              AgentEvaluation.BASELINE_LOW_C,
              AgentEvaluation.BASELINE_HIGH_C,
              pool,
              () -> {});
      assertThat(fair.safeFound()).as("a safe fair baseline").isTrue();
      System.out.println("HOURLY ORACLE BENCHMARK");
      System.out.printf(
          "weather %s from hour %d, workload %s, %d episodes of %.2f h over %.0f h, budget %d%n",
          epw, startHour, workload, count, duration / 3600, window / 3600, budget);
      System.out.printf(
          "fair baseline: %.2f C supply at %.2f K rise (training seeds)%n",
          fair.setpointC(), fair.riseTargetK());
      List<Episodes.Request> requests = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        requests.add(
            new Episodes.Request(
                () -> BaselineSearch.baseline(fair.setpointC(), fair.riseTargetK()),
                heldOutSeeds[i],
                training.startOffsetSeconds(i, count)));
      }
      List<TransientRun> fairRuns = training.runAll(requests, pool, () -> {});
      AgentEvaluation.Oracle oracle =
          AgentEvaluation.hourlyOracle(training, heldOutSeeds, budget, pool, () -> {});
      HourlyOracle result = AgentEvaluation.hourlyOracleResult(heldOutSeeds, oracle, fairRuns);
      double fairTotal = 0;
      int fairOverLimit = 0;
      for (int i = 0; i < count; i++) {
        int hour = (int) Math.round(training.startOffsetSeconds(i, count) / 3600);
        TransientRun fairRun = fairRuns.get(i);
        OracleEpisode best = result.getEpisodes(i);
        double fairKwh = fairRun.coolingEnergyJ() / 3.6e6;
        double oracleKwh = best.getKpis().getCoolingEnergy().getTotalKwh();
        assertThat(best.getSafeFound())
            .as("a safe pair for held-out seed %d", best.getSeed())
            .isTrue();
        if (fairRun.gpuOverLimitMinutes() == 0) {
          // Where the fair pair is safe, the per-episode search must do at least as well: its
          // grid contains the fair rise target and it bisects to the highest safe setpoint. Worse
          // means the search is broken. The margin covers the bisection's 0.01 K resolution.
          assertThat(oracleKwh)
              .as("oracle energy on held-out seed %d", best.getSeed())
              .isLessThanOrEqualTo(fairKwh * 1.002);
        } else {
          fairOverLimit++;
        }
        fairTotal += fairKwh;
        System.out.printf(
            "hour %2d, utilization %.3f, dry bulb %4.1f C: fair %6.2f kWh (%2.0f min over),"
                + " oracle %.2f C at %5.2f K %6.2f kWh, %5.1f %%%n",
            hour,
            trace.utilization(startHour + hour),
            weather.dryBulbC()[hour],
            fairKwh,
            fairRun.gpuOverLimitMinutes(),
            best.getTcsSupplyTemperatureSetpointC(),
            best.getPumpRiseTargetK(),
            oracleKwh,
            100 * (fairKwh - oracleKwh) / fairKwh);
      }
      System.out.printf(
          "cooling energy: fair baseline %.1f kWh (over the limit in %d of %d episodes), hourly"
              + " oracle %.1f kWh; ceiling of the saving %.1f %%%n",
          fairTotal,
          fairOverLimit,
          count,
          result.getKpis().getCoolingEnergy().getTotalKwh(),
          100 * result.getCoolingEnergySavingFraction());
      System.out.printf("wall time: %.1f s%n", (System.nanoTime() - start) / 1e9);
      System.out.println("END HOURLY ORACLE BENCHMARK");
    } finally {
      pool.shutdownNow();
    }
  }
}
