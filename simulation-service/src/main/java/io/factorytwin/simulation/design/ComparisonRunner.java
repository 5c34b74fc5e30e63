package io.factorytwin.simulation.design;

import io.factorytwin.simulation.jobs.JobContext;
import io.factorytwin.simulation.jobs.JobOutcome;
import io.factorytwin.simulation.jobs.JobRunner;
import io.factorytwin.simulation.v1.AnnualKpis;
import io.factorytwin.simulation.v1.BestAlternative;
import io.factorytwin.simulation.v1.ComparisonResult;
import io.factorytwin.simulation.v1.ComparisonSpec;
import io.factorytwin.simulation.v1.DesignEvaluationResult;
import io.factorytwin.simulation.v1.Job;
import io.factorytwin.simulation.v1.JobResult;
import io.factorytwin.simulation.v1.Series;
import io.factorytwin.support.error.DomainException;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Runs COMPARISON jobs: each alternative is evaluated as a DESIGN_EVALUATION, in spec order, and
 * the result contains one row per alternative and the best alternative per KPI. The first
 * alternative that fails fails the job, naming it.
 */
@ApplicationScoped
@Unremovable
public class ComparisonRunner implements JobRunner {

  static final String PATH = "job.comparison.alternatives";

  /** A KPI of the table, and whether a lower value is better. */
  private record Kpi(String name, boolean lowerIsBetter, ToDoubleFunction<AnnualKpis> value) {}

  /** The KPIs that ComparisonResult.best lists, in its order. */
  private static final List<Kpi> KPIS =
      List.of(
          new Kpi("pue", true, AnnualKpis::getPue),
          new Kpi("wue_l_per_kwh", true, AnnualKpis::getWueLPerKwh),
          new Kpi("cue_kg_per_kwh", true, AnnualKpis::getCueKgPerKwh),
          new Kpi("facility_energy_kwh", true, AnnualKpis::getFacilityEnergyKwh),
          new Kpi("water_l", true, AnnualKpis::getWaterL),
          new Kpi("carbon_kg", true, AnnualKpis::getCarbonKg),
          new Kpi("peak_facility_power_kw", true, AnnualKpis::getPeakFacilityPowerKw),
          new Kpi("gpu_over_limit_hours", true, AnnualKpis::getGpuOverLimitHours),
          new Kpi("tokens", false, AnnualKpis::getTokens),
          new Kpi("tokens_per_watt", false, AnnualKpis::getTokensPerWatt),
          new Kpi("free_cooling_hours", false, AnnualKpis::getFreeCoolingHours));

  private final DesignEvaluations evaluations;

  public ComparisonRunner(DesignEvaluations evaluations) {
    this.evaluations = evaluations;
  }

  @Override
  public Job.Kind kind() {
    return Job.Kind.KIND_COMPARISON;
  }

  @Override
  public void preflight(Job job) {
    ComparisonSpec spec = job.getComparison();
    for (int i = 0; i < spec.getAlternativesCount(); i++) {
      evaluations.preflight(PATH + "[" + i + "]", spec.getAlternatives(i));
    }
  }

  @Override
  public JobOutcome run(JobContext context) {
    ComparisonSpec spec = context.job().getComparison();
    int count = spec.getAlternativesCount();
    ComparisonResult.Builder comparison = ComparisonResult.newBuilder();
    List<Series> series = new ArrayList<>();
    JobResult.Builder result = JobResult.newBuilder();
    for (int i = 0; i < count; i++) {
      String path = PATH + "[" + i + "]";
      DesignEvaluations.Prepared prepared;
      try {
        prepared = evaluations.prepare(path, spec.getAlternatives(i));
      } catch (DomainException e) {
        return DesignEvaluations.failure(context.job().getName(), e);
      }
      int index = i;
      int hours = prepared.inputs().hours();
      DesignEvaluation.Result evaluated =
          evaluations.evaluate(
              prepared,
              DesignEvaluation.Options.DEFAULT,
              done ->
                  context.progress(
                      (index + (double) done / hours) / count,
                      "evaluating alternative "
                          + (index + 1)
                          + " of "
                          + count
                          + ", simulated hour "
                          + done));
      String model = prepared.model().name();
      if (!evaluated.balanced()) {
        return JobOutcome.failed("ENERGY_BALANCE_FAILED", evaluated.balanceFailure(), model);
      }
      comparison.addRows(
          DesignEvaluationResult.newBuilder().setModel(model).setKpis(evaluated.kpis()));
      series.addAll(DesignEvaluation.labelled(evaluated.series(), "alternative", model));
      result.addAllWarnings(prepared.warnings());
    }
    comparison.addAllBest(best(comparison.getRowsList()));
    return JobOutcome.succeeded(result.setComparison(comparison).build(), series);
  }

  /** Returns the best row per KPI; on a tie the first row in spec order wins. */
  static List<BestAlternative> best(List<DesignEvaluationResult> rows) {
    List<BestAlternative> best = new ArrayList<>();
    for (Kpi kpi : KPIS) {
      DesignEvaluationResult winner = null;
      double winning = 0;
      for (DesignEvaluationResult row : rows) {
        double value = kpi.value().applyAsDouble(row.getKpis());
        boolean better =
            winner == null || (kpi.lowerIsBetter() ? value < winning : value > winning);
        if (better) {
          winner = row;
          winning = value;
        }
      }
      if (winner != null) {
        best.add(
            BestAlternative.newBuilder()
                .setKpi(kpi.name())
                .setModel(winner.getModel())
                .setValue(winning)
                .build());
      }
    }
    return best;
  }
}
