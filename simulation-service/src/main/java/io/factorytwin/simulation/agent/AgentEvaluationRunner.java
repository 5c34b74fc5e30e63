package io.factorytwin.simulation.agent;

import io.factorytwin.simulation.design.DesignEvaluations;
import io.factorytwin.simulation.jobs.JobContext;
import io.factorytwin.simulation.jobs.JobOutcome;
import io.factorytwin.simulation.jobs.JobRecord;
import io.factorytwin.simulation.jobs.JobRunner;
import io.factorytwin.simulation.jobs.JobStore;
import io.factorytwin.simulation.transients.FeedForwardPolicy;
import io.factorytwin.simulation.transients.TransientRun;
import io.factorytwin.simulation.transients.TransientRunner;
import io.factorytwin.simulation.v1.AgentEvaluationResult;
import io.factorytwin.simulation.v1.AgentEvaluationSpec;
import io.factorytwin.simulation.v1.AgentTrainingSpec;
import io.factorytwin.simulation.v1.Job;
import io.factorytwin.simulation.v1.JobResult;
import io.factorytwin.simulation.v1.PolicyVersion;
import io.factorytwin.simulation.v1.Series;
import io.factorytwin.simulation.v1.TransientScenario;
import io.factorytwin.support.error.DomainException;
import io.factorytwin.support.error.FailedPreconditionException;
import io.factorytwin.support.error.InvalidArgumentException;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Runs AGENT_EVALUATION jobs with {@link AgentEvaluation}: the stored version against the baseline
 * on held-out seeds, in the scenario of the version's training job with the evaluation's fields
 * laid over it. Stores the KPIs, the savings and, per held-out seed and policy, the series of the
 * run labelled {@code policy} ({@code agent} or {@code baseline}) and {@code seed}.
 */
@ApplicationScoped
@Unremovable
public class AgentEvaluationRunner implements JobRunner {

  private final AgentScenarios scenarios;
  private final AgentThreads threads;
  private final Policies policies;
  private final JobStore jobs;

  public AgentEvaluationRunner(
      AgentScenarios scenarios, AgentThreads threads, Policies policies, JobStore jobs) {
    this.scenarios = scenarios;
    this.threads = threads;
    this.policies = policies;
    this.jobs = jobs;
  }

  @Override
  public Job.Kind kind() {
    return Job.Kind.KIND_AGENT_EVALUATION;
  }

  /**
   * Rejects a version that does not exist (NOT_FOUND) and held-out seeds that are training seeds of
   * the version (INVALID_ARGUMENT naming each such seed).
   */
  @Override
  public void preflight(Job job) {
    AgentEvaluationSpec spec = job.getAgentEvaluation();
    PolicyVersion version =
        policies.stored(spec.getPolicyVersion(), "job.agent_evaluation.policy_version").version();
    Set<Long> training = new HashSet<>(version.getTrainingSeedsList());
    List<InvalidArgumentException.FieldViolation> violations = new ArrayList<>();
    for (int i = 0; i < spec.getSeedsCount(); i++) {
      long seed = spec.getSeeds(i);
      if (training.contains(seed)) {
        violations.add(
            new InvalidArgumentException.FieldViolation(
                "job.agent_evaluation.seeds[" + i + "]",
                "seed "
                    + Long.toUnsignedString(seed)
                    + " is a training seed of "
                    + spec.getPolicyVersion()
                    + "; held-out seeds must not be training seeds"));
      }
    }
    if (!violations.isEmpty()) {
      throw new InvalidArgumentException(violations);
    }
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
    AgentEvaluationSpec spec = context.job().getAgentEvaluation();
    PolicyVersion version =
        policies.stored(spec.getPolicyVersion(), "agent_evaluation.policy_version").version();
    FeedForwardPolicy policy;
    try {
      policy = FeedForwardPolicy.fromValues(version.getParameters().getValuesMap());
    } catch (IllegalArgumentException e) {
      return JobOutcome.failed("INVALID_FIELD", e.getMessage(), spec.getPolicyVersion());
    }
    AgentTrainingSpec training = trainingSpec(version);
    TransientScenario scenario = AgentScenarios.merge(training.getScenario(), spec.getScenario());
    AgentScenarios.Built trainingEpisodes;
    AgentScenarios.Built heldOut;
    try {
      trainingEpisodes =
          scenarios.build(
              "agent_evaluation.scenario",
              training.getScenario(),
              false,
              training.getEpisodeWindow());
      heldOut =
          scenarios.build("agent_evaluation.scenario", scenario, true, training.getEpisodeWindow());
    } catch (IllegalArgumentException e) {
      return JobOutcome.failed("INVALID_FIELD", e.getMessage(), "agent_evaluation.scenario");
    }
    long[] trainingSeeds = AgentTrainingRunner.episodeSeeds(training);
    long[] seeds = spec.getSeedsList().stream().mapToLong(Long::longValue).toArray();
    int budget = training.getSearchBudget();
    // Baseline search: up to budget candidates on the training seeds; then 2 runs per seed. The
    // hourly oracle adds a search of up to budget candidates and one more run per seed.
    long planned = (long) budget * trainingSeeds.length + 2L * seeds.length;
    if (spec.getHourlyOracle()) {
      planned += (long) (budget + 1) * seeds.length;
    }
    long plannedEpisodes = planned;
    ProgressGate gate = new ProgressGate(context);
    long[] done = {0};
    context.progress(
        0.0,
        String.format(
            "evaluating %s on %d held-out episodes", spec.getPolicyVersion(), seeds.length));
    AgentEvaluation.Outcome outcome =
        AgentEvaluation.run(
            trainingEpisodes.episodes(),
            trainingSeeds,
            heldOut.episodes(),
            seeds,
            budget,
            policy,
            threads.executor(),
            () -> progress(gate, ++done[0], plannedEpisodes));
    for (TransientRun run : concat(outcome.agentRuns(), outcome.baselineRuns())) {
      if (!(run.energyBalanceError()
          <= io.factorytwin.simulation.transients.TransientEngine.BALANCE_TOLERANCE)) {
        return JobOutcome.failed(
            "ENERGY_BALANCE_FAILED",
            String.format("an episode's energy balance error is %.3e", run.energyBalanceError()),
            heldOut.model());
      }
    }
    AgentEvaluationResult evaluation =
        AgentEvaluation.result(spec.getPolicyVersion(), seeds, outcome);
    List<String> warnings = new ArrayList<>(heldOut.warnings());
    if (spec.getHourlyOracle()) {
      AgentEvaluation.Oracle oracle =
          AgentEvaluation.hourlyOracle(
              heldOut.episodes(),
              seeds,
              budget,
              threads.searchExecutor(),
              () -> progress(gate, ++done[0], plannedEpisodes));
      for (TransientRun run : oracle.runs()) {
        if (!(run.energyBalanceError()
            <= io.factorytwin.simulation.transients.TransientEngine.BALANCE_TOLERANCE)) {
          return JobOutcome.failed(
              "ENERGY_BALANCE_FAILED",
              String.format(
                  "an oracle episode's energy balance error is %.3e", run.energyBalanceError()),
              heldOut.model());
        }
      }
      evaluation =
          evaluation.toBuilder()
              .setHourlyOracle(
                  AgentEvaluation.hourlyOracleResult(seeds, oracle, outcome.baselineRuns()))
              .build();
      long unsafe = oracle.pairs().stream().filter(p -> !p.safeFound()).count();
      if (unsafe > 0) {
        warnings.add(
            String.format(
                "the hourly oracle found no safe pair on %d of %d held-out episodes; those run"
                    + " at %.1f °C with the default %.1f K rise target and count in its KPIs",
                unsafe,
                seeds.length,
                AgentEvaluation.BASELINE_LOW_C,
                io.factorytwin.simulation.transients.BaselinePolicy.DEFAULT_RISE_TARGET_K));
      }
    }
    if (!outcome.baseline().safeFound()) {
      warnings.add(
          String.format(
              "no baseline setpoint from %.1f to %.1f °C kept the training episodes under the GPU"
                  + " limit at any pump rise target tried; the baseline runs at %.1f °C and %.1f K",
              AgentEvaluation.BASELINE_LOW_C,
              AgentEvaluation.BASELINE_HIGH_C,
              outcome.baseline().setpointC(),
              outcome.baseline().riseTargetK()));
    }
    List<Series> series = new ArrayList<>();
    Instant start = heldOut.start();
    for (int i = 0; i < seeds.length; i++) {
      series.addAll(TransientRunner.series(outcome.agentRuns().get(i), start, "agent", seeds[i]));
      series.addAll(
          TransientRunner.series(outcome.baselineRuns().get(i), start, "baseline", seeds[i]));
    }
    JobResult result =
        JobResult.newBuilder().setAgentEvaluation(evaluation).addAllWarnings(warnings).build();
    return JobOutcome.succeeded(result, series);
  }

  private static void progress(ProgressGate gate, long done, long planned) {
    gate.report(
        (double) done / planned,
        String.format("%d episodes run, at most %d planned", done, planned));
  }

  /** Reads the spec of the version's training job, which the evaluation's defaults come from. */
  private AgentTrainingSpec trainingSpec(PolicyVersion version) {
    String job = version.getTrainingJob();
    JobRecord record = jobs.find(job.substring("jobs/".length()));
    if (record == null || !record.submitted().hasAgentTraining()) {
      throw new FailedPreconditionException(
          "TRAINING_JOB_MISSING",
          List.of(
              new FailedPreconditionException.Violation(
                  "TRAINING_JOB",
                  job,
                  "the training job of "
                      + version.getName()
                      + " is gone, so its scenario and budget are unknown")));
    }
    return record.submitted().getAgentTraining();
  }

  private static List<TransientRun> concat(List<TransientRun> a, List<TransientRun> b) {
    List<TransientRun> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
