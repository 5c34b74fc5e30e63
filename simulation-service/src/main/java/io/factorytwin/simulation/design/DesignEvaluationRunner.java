package io.factorytwin.simulation.design;

import io.factorytwin.simulation.jobs.JobContext;
import io.factorytwin.simulation.jobs.JobOutcome;
import io.factorytwin.simulation.jobs.JobRunner;
import io.factorytwin.simulation.model.FacilityModel;
import io.factorytwin.simulation.v1.DesignEvaluationResult;
import io.factorytwin.simulation.v1.DesignEvaluationSpec;
import io.factorytwin.simulation.v1.Job;
import io.factorytwin.simulation.v1.JobResult;
import io.factorytwin.support.error.DomainException;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Runs DESIGN_EVALUATION jobs: one model over a year of hourly steps. A run whose energy balance is
 * off by more than 0.1 % fails with ENERGY_BALANCE_FAILED; a model with a rack on no CDU fails with
 * MODEL_INCOMPLETE naming the rack; a broken data set fails with DATA_SET_INVALID naming the line.
 */
@ApplicationScoped
@Unremovable
public class DesignEvaluationRunner implements JobRunner {

  static final String PATH = "job.design_evaluation";

  private final DesignEvaluations evaluations;

  public DesignEvaluationRunner(DesignEvaluations evaluations) {
    this.evaluations = evaluations;
  }

  @Override
  public Job.Kind kind() {
    return Job.Kind.KIND_DESIGN_EVALUATION;
  }

  @Override
  public void preflight(Job job) {
    evaluations.preflight(PATH, job.getDesignEvaluation());
  }

  @Override
  public JobOutcome run(JobContext context) {
    DesignEvaluationSpec spec = context.job().getDesignEvaluation();
    DesignEvaluations.Prepared prepared;
    try {
      prepared = evaluations.prepare(PATH, spec);
    } catch (DomainException e) {
      return DesignEvaluations.failure(context.job().getName(), e);
    }
    context.progress(0.05, "read the model and the data sets");
    int hours = prepared.inputs().hours();
    DesignEvaluation.Result result =
        evaluations.evaluate(
            prepared,
            options(prepared.model()),
            done ->
                context.progress(
                    0.05 + 0.95 * done / hours, "simulated hour " + done + " of " + hours));
    if (!result.balanced()) {
      return JobOutcome.failed(
          "ENERGY_BALANCE_FAILED", result.balanceFailure(), prepared.model().name());
    }
    JobResult jobResult =
        JobResult.newBuilder()
            .setDesignEvaluation(
                DesignEvaluationResult.newBuilder()
                    .setModel(prepared.model().name())
                    .setKpis(result.kpis()))
            .addAllWarnings(prepared.warnings())
            .build();
    return JobOutcome.succeeded(jobResult, result.series());
  }

  /** The run options for a model; tests override it to break one unit's heat capacity. */
  protected DesignEvaluation.Options options(FacilityModel model) {
    return DesignEvaluation.Options.DEFAULT;
  }
}
