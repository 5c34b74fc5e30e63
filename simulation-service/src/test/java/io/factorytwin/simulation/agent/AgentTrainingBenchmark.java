package io.factorytwin.simulation.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.factorytwin.simulation.design.ReferenceHalls;
import io.factorytwin.simulation.input.WeatherYear;
import io.factorytwin.simulation.input.WorkloadTrace;
import io.factorytwin.simulation.model.FacilityModel;
import io.factorytwin.simulation.transients.FacilityHalls;
import io.factorytwin.simulation.transients.FeedForwardPolicy;
import io.factorytwin.simulation.transients.Hall;
import io.factorytwin.simulation.transients.TransientEngine;
import io.factorytwin.simulation.transients.TransientRun;
import io.factorytwin.simulation.v1.AgentEvaluationResult;
import io.factorytwin.simulation.v1.CoolingEnergy;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * Agent training and evaluation on the 128-rack reference hall (8 rows of 16 GB200 NVL72 racks on
 * 24 CDUs), with the search, baseline search and result code that the AGENT_TRAINING and
 * AGENT_EVALUATION runners use, without the database. Run it with {@code bench/agent-training.sh};
 * the name keeps it out of the default test run.
 *
 * <p>System properties: {@code bench.weather} (EPW file), {@code bench.workload}, {@code
 * bench.start-hour} (hour of the year, local standard time of the weather file), {@code
 * bench.hours} (episode length), {@code bench.window-hours} (span over which the episodes are
 * spread; default the episode length), {@code bench.budget}, {@code bench.training-seeds} and
 * {@code bench.held-out-seeds} (counts; training seeds are 1..n, held-out seeds 1001..1000+m),
 * {@code bench.threads}, and the checks {@code bench.min-saving} (fraction), {@code
 * bench.min-tokens-per-watt-change} (fraction) and {@code bench.baseline-edge-k} (largest gap, in
 * K, between the baseline's hottest GPU and the limit).
 */
class AgentTrainingBenchmark {

  @Test
  void trainAndEvaluateOnTheReferenceHall() {
    String epw = System.getProperty("bench.weather", "USA_AZ_Phoenix-Sky.Harbor.epw");
    String workload =
        System.getProperty("bench.workload", "GoogleClusteData_CPU_Data_Hourly_1.csv");
    int startHour = Integer.getInteger("bench.start-hour", 4574);
    double hours = Double.parseDouble(System.getProperty("bench.hours", "1"));
    double windowHours =
        Double.parseDouble(System.getProperty("bench.window-hours", Double.toString(hours)));
    int budget = Integer.getInteger("bench.budget", 24);
    int trainingCount = Integer.getInteger("bench.training-seeds", 3);
    int heldOutCount = Integer.getInteger("bench.held-out-seeds", 3);
    int threads = Integer.getInteger("bench.threads", Runtime.getRuntime().availableProcessors());
    double minSaving = Double.parseDouble(System.getProperty("bench.min-saving", "0.20"));
    double minTokensChange =
        Double.parseDouble(System.getProperty("bench.min-tokens-per-watt-change", "0.0"));
    double baselineEdgeK = Double.parseDouble(System.getProperty("bench.baseline-edge-k", "1000"));

    Hall hall =
        FacilityHalls.toHall(
            ReferenceHalls.hallOfRacks(
                128, ReferenceHalls.virginia(), new FacilityModel.PowerSource("PJM", 0)));
    var data = ReferenceHalls.inputDataSets();
    WeatherYear year = data.weather("weather", epw, 2022);
    WorkloadTrace trace = data.workload("workload", workload);
    double duration = hours * 3600;
    double window = Math.max(duration, windowHours * 3600);
    TransientEngine.Weather weather =
        TransientEngine.Weather.fromYear(year, startHour, (int) Math.ceil(window / 3600) + 1);
    // Training episodes keep one series bucket; evaluation episodes the job's default series.
    Episodes training =
        new Episodes(
            hall,
            trace,
            startHour * 3600.0,
            weather,
            duration,
            TransientEngine.Options.defaults(duration).withSeriesResolution(duration),
            window);
    Episodes heldOut =
        new Episodes(
            hall,
            trace,
            startHour * 3600.0,
            weather,
            duration,
            TransientEngine.Options.defaults(duration),
            window);
    long[] trainingSeeds = new long[trainingCount];
    for (int i = 0; i < trainingCount; i++) {
      trainingSeeds[i] = i + 1;
    }
    long[] heldOutSeeds = new long[heldOutCount];
    for (int i = 0; i < heldOutCount; i++) {
      heldOutSeeds[i] = 1001 + i;
    }
    ExecutorService pool =
        Executors.newFixedThreadPool(threads, Thread.ofPlatform().daemon().factory());
    try {
      long start = System.nanoTime();
      PolicySearch.Outcome trained =
          PolicySearch.search(training, trainingSeeds, budget, 0, pool, (a, b, c, d) -> {});
      double trainingWall = (System.nanoTime() - start) / 1e9;
      long evaluationStart = System.nanoTime();
      AgentEvaluation.Outcome outcome =
          AgentEvaluation.run(
              training,
              trainingSeeds,
              heldOut,
              heldOutSeeds,
              budget,
              new FeedForwardPolicy(trained.best().parameters()),
              pool,
              () -> {});
      double evaluationWall = (System.nanoTime() - evaluationStart) / 1e9;
      AgentEvaluationResult result =
          AgentEvaluation.result("policies/bench/versions/1", heldOutSeeds, outcome);

      CoolingEnergy agent = result.getAgent().getCoolingEnergy();
      CoolingEnergy baseline = result.getBaseline().getCoolingEnergy();
      CoolingEnergy saving = result.getCoolingEnergySaving();
      System.out.println("AGENT TRAINING BENCHMARK");
      System.out.printf(
          "hall %d racks, %d CDUs; weather %s from hour %d, workload %s, episodes of %.2f h"
              + " spread over %.1f h%n",
          hall.rackCount(), hall.groups().size(), epw, startHour, workload, hours, window / 3600);
      System.out.printf(
          "training: %d candidates, %d episodes, %.1f s wall on %d threads; best %s%n",
          trained.candidates(),
          trained.episodes(),
          trainingWall,
          threads,
          Arrays.toString(trained.best().parameters()));
      System.out.printf(
          "evaluation: baseline setpoint %.2f C, pump rise %.2f K from %d candidates, %d held-out"
              + " seeds, %.1f s wall%n",
          result.getBaselineTcsSupplyTemperatureSetpointC(),
          result.getBaselinePumpRiseTargetK(),
          outcome.baseline().candidates(),
          heldOutCount,
          evaluationWall);
      System.out.printf(
          "cooling energy kWh: agent %.1f, baseline %.1f; saving %.1f %% (chillers %.1f, fans"
              + " %.1f, pumps %.1f, CRAHs %.1f kWh)%n",
          agent.getTotalKwh(),
          baseline.getTotalKwh(),
          100 * result.getCoolingEnergySavingFraction(),
          saving.getChillersKwh(),
          saving.getHeatRejectionFansKwh(),
          saving.getPumpsKwh(),
          saving.getCrahsKwh());
      System.out.printf(
          "baseline cooling kWh by component: chillers %.1f, fans %.1f, pumps %.1f, CRAHs %.1f%n",
          baseline.getChillersKwh(),
          baseline.getHeatRejectionFansKwh(),
          baseline.getPumpsKwh(),
          baseline.getCrahsKwh());
      double agentCduPumps = cduPumpsKwh(outcome.agentRuns());
      double baselineCduPumps = cduPumpsKwh(outcome.baselineRuns());
      System.out.printf(
          "pumps kWh, CDU and plant: agent %.1f and %.1f, baseline %.1f and %.1f%n",
          agentCduPumps,
          agent.getPumpsKwh() - agentCduPumps,
          baselineCduPumps,
          baseline.getPumpsKwh() - baselineCduPumps);
      System.out.printf(
          "GPU over-limit minutes: agent %.0f, baseline %.0f; max GPU agent %.2f C, baseline"
              + " %.2f C%n",
          result.getAgent().getGpuOverLimitMinutes(),
          result.getBaseline().getGpuOverLimitMinutes(),
          result.getAgent().getMaxGpuTemperatureC(),
          result.getBaseline().getMaxGpuTemperatureC());
      System.out.printf(
          "tokens per watt change: %+.2f %%%n", 100 * result.getTokensPerWattChangeFraction());
      System.out.printf("wall time: %.1f s%n", trainingWall + evaluationWall);
      System.out.println("END AGENT TRAINING BENCHMARK");

      for (TransientRun run : outcome.agentRuns()) {
        assertThat(run.energyBalanceError()).isLessThan(TransientEngine.BALANCE_TOLERANCE);
      }
      for (TransientRun run : outcome.baselineRuns()) {
        assertThat(run.energyBalanceError()).isLessThan(TransientEngine.BALANCE_TOLERANCE);
      }
      assertThat(result.getAgent().getGpuOverLimitMinutes())
          .as("agent over-limit minutes")
          .isZero();
      // The baseline is only required to be safe on the training seeds, so a held-out seed may
      // take it over the limit; the output above reports its minutes.
      assertThat(result.getCoolingEnergySavingFraction())
          .as("saving")
          .isGreaterThanOrEqualTo(minSaving);
      assertThat(result.getTokensPerWattChangeFraction())
          .as("tokens per watt change")
          .isGreaterThanOrEqualTo(minTokensChange);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Returns the CDU pumps' energy over the runs, in kWh, from their power series. */
  private static double cduPumpsKwh(List<TransientRun> runs) {
    double kwh = 0;
    for (TransientRun run : runs) {
      TransientRun.SeriesData series = run.series("cdu_pumps_power_kw");
      for (double kw : series.values()) {
        kwh += kw * series.resolutionSeconds() / 3600.0;
      }
    }
    return kwh;
  }
}
