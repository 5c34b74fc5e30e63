package io.factorytwin.simulation.agent;

import io.factorytwin.simulation.design.DesignEvaluations;
import io.factorytwin.simulation.jobs.JobContext;
import io.factorytwin.simulation.jobs.JobOutcome;
import io.factorytwin.simulation.jobs.JobRunner;
import io.factorytwin.simulation.transients.FeedForwardPolicy;
import io.factorytwin.simulation.v1.AgentTrainingResult;
import io.factorytwin.simulation.v1.AgentTrainingSpec;
import io.factorytwin.simulation.v1.Job;
import io.factorytwin.simulation.v1.JobResult;
import io.factorytwin.simulation.v1.PolicyParameters;
import io.factorytwin.simulation.v1.PolicyVersion;
import io.factorytwin.simulation.v1.TrainingMetrics;
import io.factorytwin.support.error.DomainException;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.ExecutorService;

/**
 * Runs AGENT_TRAINING jobs: the cross-entropy search of {@link PolicySearch} over the parameters of
 * {@code predictive-liquid-cooling} on the spec's episodes, then stores the best candidate as the
 * next version of the spec's policy in the transaction that marks the job SUCCEEDED.
 *
 * <p>Episode {@code k} of every candidate uses seed {@code seeds[k mod seeds.length]}, so all
 * candidates are scored on the same episodes. Episodes run on {@link AgentThreads}; the result does
 * not depend on the thread count.
 */
@ApplicationScoped
@Unremovable
public class AgentTrainingRunner implements JobRunner {

  private final AgentScenarios scenarios;
  private final AgentThreads threads;

  public AgentTrainingRunner(AgentScenarios scenarios, AgentThreads threads) {
    this.scenarios = scenarios;
    this.threads = threads;
  }

  @Override
  public Job.Kind kind() {
    return Job.Kind.KIND_AGENT_TRAINING;
  }

  @Override
  public JobOutcome run(JobContext context) {
    try {
      return runChecked(context);
    } catch (DomainException e) {
      return DesignEvaluations.failure(context.job().getName(), e);
    }
  }

  private JobOutcome runChecked(JobContext context) {
    AgentTrainingSpec spec = context.job().getAgentTraining();
    AgentScenarios.Built built;
    try {
      built =
          scenarios.build(
              "agent_training.scenario", spec.getScenario(), false, spec.getEpisodeWindow());
    } catch (IllegalArgumentException e) {
      return JobOutcome.failed("INVALID_FIELD", e.getMessage(), "agent_training.scenario");
    }
    long[] seeds = episodeSeeds(spec);
    int budget = spec.getSearchBudget();
    ExecutorService executor = threads.executor();
    ProgressGate gate = new ProgressGate(context);
    context.progress(
        0.0,
        String.format(
            "training on %d episodes of %.0f s, %d candidates at most",
            seeds.length, built.episodes().durationSeconds(), budget));
    PolicySearch.Outcome outcome =
        PolicySearch.search(
            built.episodes(),
            seeds,
            budget,
            spec.getSearchSeed(),
            executor,
            (done, planned, candidates, best) ->
                gate.report(
                    (double) done / planned,
                    best == null
                        ? String.format("%d of %d candidates scored", candidates, budget)
                        : String.format(
                            "%d of %d candidates scored, best objective %.1f kWh",
                            candidates, budget, best.objective())));

    PolicySearch.Score best = outcome.best();
    FeedForwardPolicy policy = new FeedForwardPolicy(best.parameters());
    TrainingMetrics metrics =
        TrainingMetrics.newBuilder()
            .setObjective(best.objective())
            .setCoolingEnergyKwh(best.coolingKwh())
            .setGpuOverLimitMinutes(best.overLimitMinutes())
            .setMaxGpuTemperatureC(best.maxGpuC())
            .setCandidatesEvaluated(outcome.candidates())
            .setEpisodesRun(outcome.episodes())
            .build();
    PolicyVersion.Builder artifact =
        PolicyVersion.newBuilder()
            .setParameters(
                PolicyParameters.newBuilder()
                    .setAlgorithm(FeedForwardPolicy.ALGORITHM)
                    .putAllValues(policy.named()))
            .setMetrics(metrics);
    for (long seed : distinct(spec.getSeedsList())) {
      artifact.addTrainingSeeds(seed);
    }
    String policyId = spec.getPolicy().substring("policies/".length());
    JobResult result =
        JobResult.newBuilder()
            .setAgentTraining(AgentTrainingResult.newBuilder().setMetrics(metrics))
            .addAllWarnings(built.warnings())
            .build();
    PolicyVersion version = artifact.build();
    return JobOutcome.succeeded(
        result,
        List.of(),
        (connection, jobId, stored) ->
            PolicyStore.addVersion(
                connection, jobId, policyId, FeedForwardPolicy.ALGORITHM, version, stored));
  }

  /** Returns the seed of each episode: {@code episodes} entries taken in order, wrapping. */
  static long[] episodeSeeds(AgentTrainingSpec spec) {
    int count = spec.getEpisodes() == 0 ? spec.getSeedsCount() : spec.getEpisodes();
    long[] seeds = new long[count];
    for (int k = 0; k < count; k++) {
      seeds[k] = spec.getSeeds(k % spec.getSeedsCount());
    }
    return seeds;
  }

  private static List<Long> distinct(List<Long> seeds) {
    return seeds.stream().distinct().toList();
  }
}
