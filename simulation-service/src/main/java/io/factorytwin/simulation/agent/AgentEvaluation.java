package io.factorytwin.simulation.agent;

import io.factorytwin.simulation.transients.FeedForwardPolicy;
import io.factorytwin.simulation.transients.TransientRun;
import io.factorytwin.simulation.v1.AgentEvaluationResult;
import io.factorytwin.simulation.v1.CoolingEnergy;
import io.factorytwin.simulation.v1.EpisodeComparison;
import io.factorytwin.simulation.v1.HourlyOracle;
import io.factorytwin.simulation.v1.OracleEpisode;
import io.factorytwin.simulation.v1.TransientKpis;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Compares a trained policy with the fair baseline on held-out episodes. The baseline's setpoints
 * are searched on the training episodes ({@link BaselineSearch}); then the policy and the baseline
 * run the same held-out seeds. Plain Java, so the benchmark runs the same code as the job.
 */
public final class AgentEvaluation {

  /**
   * Lowest setpoint the baseline search tries, in °C: the same lower bound as the policy search.
   */
  static final double BASELINE_LOW_C = PolicySearch.LOWER[0];

  /**
   * Highest setpoint the baseline search tries, in °C: the same upper bound as the policy search.
   */
  static final double BASELINE_HIGH_C = PolicySearch.UPPER[0];

  /**
   * Everything an evaluation found.
   *
   * @param baseline the baseline search
   * @param agentRuns the policy's held-out runs, in seed order
   * @param baselineRuns the baseline's held-out runs, in seed order
   */
  public record Outcome(
      BaselineSearch.Outcome baseline,
      List<TransientRun> agentRuns,
      List<TransientRun> baselineRuns) {}

  private AgentEvaluation() {}

  /**
   * Runs the evaluation.
   *
   * @param training episodes of the training scenario, for the baseline search
   * @param heldOut episodes of the evaluation scenario
   * @param budget the training job's search budget
   */
  public static Outcome run(
      Episodes training,
      long[] trainingSeeds,
      Episodes heldOut,
      long[] heldOutSeeds,
      int budget,
      FeedForwardPolicy policy,
      ExecutorService executor,
      Runnable afterEachEpisode) {
    BaselineSearch.Outcome baseline =
        BaselineSearch.search(
            training,
            trainingSeeds,
            budget,
            BASELINE_LOW_C,
            BASELINE_HIGH_C,
            executor,
            afterEachEpisode);
    double[] parameters = policy.vector();
    List<Episodes.Request> requests = new ArrayList<>();
    int n = heldOutSeeds.length;
    for (int i = 0; i < n; i++) {
      requests.add(
          new Episodes.Request(
              () -> new FeedForwardPolicy(parameters),
              heldOutSeeds[i],
              heldOut.startOffsetSeconds(i, n)));
    }
    for (int i = 0; i < n; i++) {
      requests.add(
          new Episodes.Request(
              () -> BaselineSearch.baseline(baseline.setpointC(), baseline.riseTargetK()),
              heldOutSeeds[i],
              heldOut.startOffsetSeconds(i, n)));
    }
    List<TransientRun> runs = heldOut.runAll(requests, executor, afterEachEpisode);
    return new Outcome(baseline, runs.subList(0, n), runs.subList(n, 2 * n));
  }

  /**
   * The hourly oracle: the baseline with its pair of setpoints searched anew on each held-out
   * episode alone.
   *
   * @param pairs the search outcome per held-out episode, in seed order
   * @param runs each episode run at its pair, in seed order
   */
  public record Oracle(List<BaselineSearch.Outcome> pairs, List<TransientRun> runs) {}

  /**
   * Runs {@link BaselineSearch} on each held-out episode alone, with the whole budget, and then
   * each episode at the pair found for it. The searches run side by side on the executor, each on
   * one thread, because a search on one episode is a sequence of single runs.
   *
   * @param executor the threads, each running one whole search; null runs everything on the calling
   *     thread
   * @param afterEachEpisode called on the calling thread once per episode run, in batches every 200
   *     ms. It may throw to stop, and then each search ends when its current run ends.
   */
  public static Oracle hourlyOracle(
      Episodes heldOut,
      long[] heldOutSeeds,
      int budget,
      ExecutorService executor,
      Runnable afterEachEpisode) {
    int n = heldOutSeeds.length;
    List<Episodes> episodes = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      // One series bucket: the oracle's series are not stored.
      Episodes episode = heldOut.single(heldOut.startOffsetSeconds(i, n));
      episodes.add(
          new Episodes(
              episode.hall(),
              episode.trace(),
              episode.loadStartSeconds(),
              episode.weather(),
              episode.durationSeconds(),
              episode.options().withSeriesResolution(episode.durationSeconds())));
    }
    List<BaselineSearch.Outcome> pairs = new ArrayList<>(n);
    List<TransientRun> runs = new ArrayList<>(n);
    if (executor == null) {
      for (int i = 0; i < n; i++) {
        SearchedEpisode episode =
            search(episodes.get(i), heldOutSeeds[i], budget, afterEachEpisode);
        pairs.add(episode.pair());
        runs.add(episode.run());
      }
      return new Oracle(pairs, runs);
    }
    // Worker threads only count their runs, and the calling thread passes the count on to the
    // callback. So the callback stays on one thread, and a stop reaches the workers within one run.
    AtomicLong finished = new AtomicLong();
    AtomicBoolean stopped = new AtomicBoolean();
    Runnable count =
        () -> {
          if (stopped.get()) {
            throw new CancellationException("the hourly oracle was stopped");
          }
          finished.incrementAndGet();
        };
    List<Future<SearchedEpisode>> futures = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Episodes one = episodes.get(i);
      long seed = heldOutSeeds[i];
      futures.add(executor.submit(() -> search(one, seed, budget, count)));
    }
    long reported = 0;
    try {
      for (Future<SearchedEpisode> future : futures) {
        SearchedEpisode episode = null;
        while (episode == null) {
          try {
            episode = future.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
          } catch (TimeoutException e) {
            // Still running: pass on the runs finished so far.
          }
          for (long done = finished.get(); reported < done; reported++) {
            afterEachEpisode.run();
          }
        }
        pairs.add(episode.pair());
        runs.add(episode.run());
      }
      return new Oracle(pairs, runs);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for an oracle search", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException("an oracle search failed", e.getCause());
    } finally {
      stopped.set(true);
      for (Future<SearchedEpisode> future : futures) {
        future.cancel(false);
      }
    }
  }

  /** How often the calling thread passes on the workers' progress, in ms. */
  private static final long POLL_MILLIS = 200;

  /** One held-out episode of the oracle: its search and its run at the pair found. */
  private record SearchedEpisode(BaselineSearch.Outcome pair, TransientRun run) {}

  private static SearchedEpisode search(Episodes one, long seed, int budget, Runnable after) {
    BaselineSearch.Outcome pair =
        BaselineSearch.search(
            one, new long[] {seed}, budget, BASELINE_LOW_C, BASELINE_HIGH_C, null, after);
    TransientRun run =
        one.run(BaselineSearch.baseline(pair.setpointC(), pair.riseTargetK()), seed, 0.0);
    after.run();
    return new SearchedEpisode(pair, run);
  }

  /** Builds the job result's hourly oracle against the baseline's held-out runs. */
  public static HourlyOracle hourlyOracleResult(
      long[] heldOutSeeds, Oracle oracle, List<TransientRun> baselineRuns) {
    TransientKpis kpis = Kpis.sum(oracle.runs());
    double baseline = Kpis.sum(baselineRuns).getCoolingEnergy().getTotalKwh();
    HourlyOracle.Builder result =
        HourlyOracle.newBuilder()
            .setKpis(kpis)
            .setCoolingEnergySavingFraction(
                (baseline - kpis.getCoolingEnergy().getTotalKwh()) / baseline);
    for (int i = 0; i < heldOutSeeds.length; i++) {
      BaselineSearch.Outcome pair = oracle.pairs().get(i);
      result.addEpisodes(
          OracleEpisode.newBuilder()
              .setSeed(heldOutSeeds[i])
              .setTcsSupplyTemperatureSetpointC(pair.setpointC())
              .setPumpRiseTargetK(pair.riseTargetK())
              .setSafeFound(pair.safeFound())
              .setKpis(Kpis.of(oracle.runs().get(i))));
    }
    return result.build();
  }

  /** Builds the job result: KPIs summed over the episodes, savings and per-episode KPIs. */
  public static AgentEvaluationResult result(
      String policyVersion, long[] heldOutSeeds, Outcome outcome) {
    TransientKpis agent = Kpis.sum(outcome.agentRuns());
    TransientKpis baseline = Kpis.sum(outcome.baselineRuns());
    CoolingEnergy a = agent.getCoolingEnergy();
    CoolingEnergy b = baseline.getCoolingEnergy();
    AgentEvaluationResult.Builder result =
        AgentEvaluationResult.newBuilder()
            .setPolicyVersion(policyVersion)
            .setAgent(agent)
            .setBaseline(baseline)
            .setBaselineTcsSupplyTemperatureSetpointC(outcome.baseline().setpointC())
            .setBaselinePumpRiseTargetK(outcome.baseline().riseTargetK())
            .setCoolingEnergySavingFraction((b.getTotalKwh() - a.getTotalKwh()) / b.getTotalKwh())
            .setCoolingEnergySaving(
                CoolingEnergy.newBuilder()
                    .setTotalKwh(b.getTotalKwh() - a.getTotalKwh())
                    .setChillersKwh(b.getChillersKwh() - a.getChillersKwh())
                    .setHeatRejectionFansKwh(
                        b.getHeatRejectionFansKwh() - a.getHeatRejectionFansKwh())
                    .setPumpsKwh(b.getPumpsKwh() - a.getPumpsKwh())
                    .setCrahsKwh(b.getCrahsKwh() - a.getCrahsKwh()))
            .setTokensPerWattChangeFraction(
                (agent.getTokensPerWatt() - baseline.getTokensPerWatt())
                    / baseline.getTokensPerWatt());
    for (int i = 0; i < heldOutSeeds.length; i++) {
      result.addEpisodes(
          EpisodeComparison.newBuilder()
              .setSeed(heldOutSeeds[i])
              .setAgent(Kpis.of(outcome.agentRuns().get(i)))
              .setBaseline(Kpis.of(outcome.baselineRuns().get(i))));
    }
    return result.build();
  }
}
