package io.factorytwin.simulation.agent;

import io.factorytwin.simulation.transients.FeedForwardPolicy;
import io.factorytwin.simulation.transients.TransientRun;
import io.factorytwin.simulation.v1.AgentEvaluationResult;
import io.factorytwin.simulation.v1.CoolingEnergy;
import io.factorytwin.simulation.v1.EpisodeComparison;
import io.factorytwin.simulation.v1.TransientKpis;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;

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
