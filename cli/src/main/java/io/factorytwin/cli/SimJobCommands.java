package io.factorytwin.cli;

import io.factorytwin.simulation.v1.AgentEvaluationResult;
import io.factorytwin.simulation.v1.AnnualKpis;
import io.factorytwin.simulation.v1.BestAlternative;
import io.factorytwin.simulation.v1.CancelJobRequest;
import io.factorytwin.simulation.v1.ComparisonResult;
import io.factorytwin.simulation.v1.DataSet;
import io.factorytwin.simulation.v1.DataSetKind;
import io.factorytwin.simulation.v1.DesignEvaluationResult;
import io.factorytwin.simulation.v1.GetJobResultRequest;
import io.factorytwin.simulation.v1.HourlyOracle;
import io.factorytwin.simulation.v1.Job;
import io.factorytwin.simulation.v1.JobResult;
import io.factorytwin.simulation.v1.ListDataSetsRequest;
import io.factorytwin.simulation.v1.ListDataSetsResponse;
import io.factorytwin.simulation.v1.ListJobsRequest;
import io.factorytwin.simulation.v1.ListJobsResponse;
import io.factorytwin.simulation.v1.TransientKpis;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** factoryctl sim jobs, watch, result, cancel and data-sets: the commands on existing jobs. */
final class SimJobCommands {

  private SimJobCommands() {}

  /**
   * One column of the annual KPI tables: the AnnualKpis field name that ComparisonResult.best uses,
   * a heading with the unit, and how to read and format it.
   */
  record AnnualColumn(
      String field, String heading, ToDoubleFunction<AnnualKpis> value, int digits) {
    String format(AnnualKpis kpis) {
      return String.format(Locale.ROOT, "%,." + digits + "f", value.applyAsDouble(kpis));
    }
  }

  static final List<AnnualColumn> ANNUAL =
      List.of(
          new AnnualColumn("pue", "PUE", AnnualKpis::getPue, 3),
          new AnnualColumn("wue_l_per_kwh", "WUE L/kWh", AnnualKpis::getWueLPerKwh, 3),
          new AnnualColumn("cue_kg_per_kwh", "CUE kg/kWh", AnnualKpis::getCueKgPerKwh, 3),
          new AnnualColumn("it_energy_kwh", "IT MWh", k -> k.getItEnergyKwh() / 1000, 0),
          new AnnualColumn(
              "facility_energy_kwh", "facility MWh", k -> k.getFacilityEnergyKwh() / 1000, 0),
          new AnnualColumn("water_l", "water m3", k -> k.getWaterL() / 1000, 0),
          new AnnualColumn("carbon_kg", "carbon t", k -> k.getCarbonKg() / 1000, 0),
          new AnnualColumn("tokens_per_watt", "tokens/W", AnnualKpis::getTokensPerWatt, 3),
          new AnnualColumn(
              "free_cooling_hours", "free cooling h", AnnualKpis::getFreeCoolingHours, 0),
          new AnnualColumn(
              "gpu_over_limit_hours", "GPU over limit h", AnnualKpis::getGpuOverLimitHours, 1),
          new AnnualColumn(
              "peak_facility_power_kw", "peak facility kW", AnnualKpis::getPeakFacilityPowerKw, 0));

  @Command(
      name = "jobs",
      mixinStandardHelpOptions = true,
      description = "List jobs, newest first, one page.")
  static final class Jobs implements Callable<Integer> {

    @Mixin Connection connection;

    @Mixin PageOptions page;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--state",
        converter = SimCommand.StateConverter.class,
        description = "Only jobs in this state: queued, running, succeeded, failed or cancelled.")
    Job.State state;

    @Option(
        names = "--kind",
        converter = SimCommand.KindConverter.class,
        description = "Only jobs of this kind, such as transient or design-evaluation.")
    Job.Kind kind;

    /** Builds the filter that ListJobs accepts: `state = X AND kind = Y`, either term optional. */
    String filter() {
      List<String> terms = new ArrayList<>();
      if (state != null) {
        terms.add("state = " + SimCommand.state(state));
      }
      if (kind != null) {
        terms.add("kind = " + SimCommand.kind(kind));
      }
      return String.join(" AND ", terms);
    }

    @Override
    public Integer call() {
      ListJobsResponse response =
          SimCommand.withSimulation(
              connection,
              stub ->
                  stub.listJobs(
                      ListJobsRequest.newBuilder()
                          .setFilter(filter())
                          .setPageSize(page.pageSize)
                          .setPageToken(page.pageToken)
                          .build()));
      Output.page(
          connection.output,
          spec.commandLine().getOut(),
          response,
          SimCommand.JOB_HEADER,
          response.getJobsList(),
          SimCommand::jobRow,
          response.getNextPageToken());
      return 0;
    }
  }

  @Command(
      name = "watch",
      mixinStandardHelpOptions = true,
      description =
          "Follow a job to its end: a progress bar on a terminal, one line per change otherwise."
              + " Exits 0 when it SUCCEEDED, 4 when it FAILED, 5 when it was CANCELLED.")
  static final class Watch implements Callable<Integer> {

    @Mixin Connection connection;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "The job: an id or jobs/{job}.")
    String job;

    @Option(
        names = "--progress",
        defaultValue = "auto",
        description =
            "auto (a bar on a terminal, lines otherwise), bar or lines (default ${DEFAULT-VALUE}).")
    SimCommand.ProgressMode progress;

    @Override
    public Integer call() {
      return SimCommand.watch(connection, spec, SimCommand.jobName(job), progress);
    }
  }

  @Command(
      name = "result",
      mixinStandardHelpOptions = true,
      description =
          "Print a finished job's KPIs; for a comparison, one row per alternative with the best"
              + " value of each KPI marked *.")
  static final class Result implements Callable<Integer> {

    @Mixin Connection connection;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "The job: an id or jobs/{job}.")
    String job;

    @Override
    public Integer call() {
      JobResult result =
          SimCommand.withSimulation(
              connection,
              stub ->
                  stub.getJobResult(
                      GetJobResultRequest.newBuilder().setJob(SimCommand.jobName(job)).build()));
      PrintWriter out = spec.commandLine().getOut();
      if (connection.output == Connection.OutputFormat.json) {
        Output.json(out, result);
        return 0;
      }
      switch (result.getResultCase()) {
        case DESIGN_EVALUATION -> {
          out.println("model " + result.getDesignEvaluation().getModel());
          printAnnual(out, result.getDesignEvaluation().getKpis());
        }
        case COMPARISON -> printComparison(out, result.getComparison());
        case TRANSIENT -> {
          out.println(
              "model "
                  + result.getTransient().getModel()
                  + ", seed "
                  + Long.toUnsignedString(result.getTransient().getSeed()));
          printTransient(out, result.getTransient().getKpis());
        }
        case AGENT_EVALUATION -> printEvaluation(out, result.getAgentEvaluation());
        case PLANT_EMULATION -> printTransient(out, result.getPlantEmulation().getKpis());
        case AGENT_TRAINING -> {
          out.println("policy version " + result.getAgentTraining().getPolicyVersion());
          List<String> row = SimAgentCommands.metricsRow(result.getAgentTraining().getMetrics());
          Output.table(out, SimAgentCommands.METRICS_HEADER, List.of(row));
        }
        default -> {
          // Kinds newer than this client: the JSON carries everything.
          out.println("no table for " + SimCommand.kind(result.getKind()) + "; the result is:");
          Output.json(out, result);
        }
      }
      for (String warning : result.getWarningsList()) {
        out.println("warning: " + warning);
      }
      out.flush();
      return 0;
    }
  }

  /**
   * Prints the agent and the baseline side by side, the hourly oracle beside them when the job
   * computed it, then the savings against the baseline.
   */
  static void printEvaluation(PrintWriter out, AgentEvaluationResult evaluation) {
    out.println("policy version " + evaluation.getPolicyVersion());
    if (!evaluation.hasHourlyOracle()) {
      Output.table(
          out,
          List.of("KPI", "AGENT", "BASELINE"),
          transientRows(evaluation.getAgent(), evaluation.getBaseline()));
      out.printf(
          Locale.ROOT,
          "cooling energy saving: agent %.1f %%%n",
          100 * evaluation.getCoolingEnergySavingFraction());
      return;
    }
    HourlyOracle oracle = evaluation.getHourlyOracle();
    Output.table(
        out,
        List.of("KPI", "AGENT", "BASELINE", "HOURLY ORACLE"),
        transientRows(evaluation.getAgent(), evaluation.getBaseline(), oracle.getKpis()));
    out.printf(
        Locale.ROOT,
        "cooling energy saving: agent %.1f %%, hourly oracle %.1f %% (an estimate of the ceiling)%n",
        100 * evaluation.getCoolingEnergySavingFraction(),
        100 * oracle.getCoolingEnergySavingFraction());
  }

  static void printAnnual(PrintWriter out, AnnualKpis kpis) {
    List<List<String>> rows = new ArrayList<>();
    for (AnnualColumn column : ANNUAL) {
      rows.add(List.of(column.heading(), column.format(kpis)));
    }
    rows.add(
        List.of(
            "energy balance error",
            String.format(Locale.ROOT, "%.5f", kpis.getEnergyBalanceErrorFraction())));
    Output.table(out, List.of("KPI", "VALUE"), rows);
  }

  /**
   * Prints one row per alternative and one column per KPI. The cell of the alternative that the
   * server named best for a KPI carries a trailing *. The marks come from ComparisonResult.best, so
   * the client does not decide whether lower or higher is better.
   */
  static void printComparison(PrintWriter out, ComparisonResult comparison) {
    Set<String> best = new HashSet<>();
    for (BestAlternative entry : comparison.getBestList()) {
      best.add(entry.getKpi() + "\n" + entry.getModel());
    }
    List<String> header = new ArrayList<>();
    header.add("ALTERNATIVE");
    ANNUAL.forEach(column -> header.add(column.heading()));
    List<List<String>> rows = new ArrayList<>();
    for (DesignEvaluationResult row : comparison.getRowsList()) {
      List<String> cells = new ArrayList<>();
      cells.add(TwinCommand.shortName(row.getModel()));
      for (AnnualColumn column : ANNUAL) {
        String mark = best.contains(column.field() + "\n" + row.getModel()) ? "*" : "";
        cells.add(column.format(row.getKpis()) + mark);
      }
      rows.add(cells);
    }
    Output.table(out, header, rows);
    out.println("* best of the alternatives for that KPI");
  }

  static void printTransient(PrintWriter out, TransientKpis kpis) {
    Output.table(out, List.of("KPI", "VALUE"), transientRows(kpis));
  }

  /** Rows of transient KPIs, one value column per given run. */
  static List<List<String>> transientRows(TransientKpis... runs) {
    List<List<String>> rows = new ArrayList<>();
    addRow(rows, "PUE", "%.3f", runs, TransientKpis::getPue);
    addRow(rows, "max GPU °C", "%.2f", runs, TransientKpis::getMaxGpuTemperatureC);
    addRow(rows, "GPU over limit min", "%.2f", runs, TransientKpis::getGpuOverLimitMinutes);
    addRow(rows, "thermal spikes", "%.0f", runs, k -> k.getThermalSpikeCount());
    addRow(rows, "IT kWh", "%,.1f", runs, TransientKpis::getItEnergyKwh);
    addRow(rows, "facility kWh", "%,.1f", runs, TransientKpis::getFacilityEnergyKwh);
    addRow(rows, "cooling kWh", "%,.1f", runs, k -> k.getCoolingEnergy().getTotalKwh());
    addRow(rows, "tokens/W", "%.3f", runs, TransientKpis::getTokensPerWatt);
    addRow(rows, "peak facility kW", "%,.0f", runs, TransientKpis::getPeakFacilityPowerKw);
    addRow(
        rows, "energy balance error", "%.5f", runs, TransientKpis::getEnergyBalanceErrorFraction);
    return rows;
  }

  private static void addRow(
      List<List<String>> rows,
      String name,
      String format,
      TransientKpis[] runs,
      ToDoubleFunction<TransientKpis> value) {
    List<String> row = new ArrayList<>();
    row.add(name);
    for (TransientKpis run : runs) {
      row.add(String.format(Locale.ROOT, format, value.applyAsDouble(run)));
    }
    rows.add(row);
  }

  @Command(
      name = "cancel",
      mixinStandardHelpOptions = true,
      description =
          "Cancel a job: a QUEUED job at once, a RUNNING one within about a second. With --etag"
              + " the cancel happens only if the job has not changed since that read.")
  static final class Cancel implements Callable<Integer> {

    @Mixin Connection connection;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "The job: an id or jobs/{job}.")
    String job;

    @Option(
        names = "--etag",
        description =
            "Etag of the job as last read; the cancel is rejected (ABORTED) if the job has"
                + " changed since. Without it the job is cancelled whatever its etag.")
    String etag;

    @Override
    public Integer call() {
      String name = SimCommand.jobName(job);
      Job cancelled =
          SimCommand.withSimulation(
              connection,
              // Without --etag the request carries none: a RUNNING job changes its etag with every
              // progress report, so an etag read just before would often be stale by the cancel.
              stub ->
                  stub.cancelJob(
                      CancelJobRequest.newBuilder()
                          .setName(name)
                          .setEtag(etag == null ? "" : etag)
                          .build()));
      SimCommand.printJob(connection, spec.commandLine().getOut(), cancelled);
      return 0;
    }
  }

  @Command(
      name = "data-sets",
      mixinStandardHelpOptions = true,
      description = "List the data sets in the service's data folder, one page.")
  static final class DataSets implements Callable<Integer> {

    @Mixin Connection connection;

    @Mixin PageOptions page;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--kind",
        description = "Only this kind: weather, carbon-intensity or workload.")
    String kind;

    DataSetKind kind() {
      if (kind == null) {
        return DataSetKind.DATA_SET_KIND_UNSPECIFIED;
      }
      String name =
          "DATA_SET_KIND_"
              + kind.toUpperCase(Locale.ROOT).replace('-', '_').replaceFirst("^DATA_SET_KIND_", "");
      for (DataSetKind value :
          List.of(
              DataSetKind.DATA_SET_KIND_WEATHER,
              DataSetKind.DATA_SET_KIND_CARBON_INTENSITY,
              DataSetKind.DATA_SET_KIND_WORKLOAD)) {
        if (value.name().equals(name)) {
          return value;
        }
      }
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "unknown --kind '" + kind + "': expected weather, carbon-intensity or workload");
    }

    @Override
    public Integer call() {
      DataSetKind wanted = kind();
      ListDataSetsResponse response =
          SimCommand.withSimulation(
              connection,
              stub ->
                  stub.listDataSets(
                      ListDataSetsRequest.newBuilder()
                          .setKind(wanted)
                          .setPageSize(page.pageSize)
                          .setPageToken(page.pageToken)
                          .build()));
      Output.page(
          connection.output,
          spec.commandLine().getOut(),
          response,
          List.of("FILE", "KIND", "BYTES", "UPDATED"),
          response.getDataSetsList(),
          (DataSet dataSet) ->
              List.of(
                  dataSet.getFileName(),
                  dataSet
                      .getKind()
                      .name()
                      .replace("DATA_SET_KIND_", "")
                      .toLowerCase(Locale.ROOT)
                      .replace('_', '-'),
                  Long.toString(dataSet.getSizeBytes()),
                  Output.time(dataSet.hasUpdateTime(), dataSet.getUpdateTime())),
          response.getNextPageToken());
      return 0;
    }
  }
}
