package io.factorytwin.cli;

import com.google.protobuf.Timestamp;
import io.factorytwin.control.v1.Action;
import io.factorytwin.control.v1.ControlServiceGrpc;
import io.factorytwin.control.v1.ListActionsRequest;
import io.factorytwin.control.v1.ListActionsResponse;
import io.factorytwin.control.v1.VerifyAuditRequest;
import io.factorytwin.control.v1.VerifyAuditResponse;
import io.factorytwin.simulation.v1.AgentEvaluationResult;
import io.factorytwin.simulation.v1.CoolingEnergy;
import io.factorytwin.simulation.v1.DesignEvaluationResult;
import io.factorytwin.simulation.v1.GetJobResultRequest;
import io.factorytwin.simulation.v1.JobResult;
import io.factorytwin.simulation.v1.ListJobSeriesRequest;
import io.factorytwin.simulation.v1.ListJobSeriesResponse;
import io.factorytwin.simulation.v1.PlantEmulationResult;
import io.factorytwin.simulation.v1.Series;
import io.factorytwin.simulation.v1.SeriesAggregation;
import io.factorytwin.simulation.v1.SeriesInfo;
import io.factorytwin.simulation.v1.SimulationServiceGrpc;
import io.factorytwin.simulation.v1.TransientKpis;
import io.factorytwin.twin.v1.Insight;
import io.factorytwin.twin.v1.ListInsightsRequest;
import io.factorytwin.twin.v1.ListInsightsResponse;
import io.factorytwin.twin.v1.TwinServiceGrpc;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParsingException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * factoryctl report: reads the results of a demo's jobs and the closed loop's traces from the
 * services and writes {@code report.html} and {@code summary.json}.
 */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description =
        "Write report.html and summary.json from a comparison, an agent evaluation and a closed"
            + " loop (plant emulation job, twin insights, agent actions, audit).")
public final class ReportCommand implements Callable<Integer> {

  /** The published range of cooling-energy savings that the report compares the agent with. */
  static final double PUBLISHED_SAVING_LOW = 0.09;

  static final double PUBLISHED_SAVING_HIGH = 0.30;

  /** Charts keep at most about this many points per series, so the page stays small. */
  private static final int CHART_POINTS = 400;

  @Mixin Connection connection;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--out",
      required = true,
      description = "Folder for report.html and summary.json.")
  Path out;

  @Option(names = "--comparison", description = "COMPARISON job, jobs/{job}.")
  String comparison;

  @Option(names = "--evaluation", description = "AGENT_EVALUATION job, jobs/{job}.")
  String evaluation;

  @Option(names = "--emulation", description = "PLANT_EMULATION job of the closed loop.")
  String emulation;

  @Option(names = "--twin", description = "Twin of the closed loop, twins/{twin}: its insights.")
  String twin;

  @Option(names = "--agent", description = "Agent of the closed loop, agents/{agent}.")
  String agent;

  @Option(names = "--agent-log", description = "JSON-lines log of `factoryctl agent run`.")
  Path agentLog;

  @Option(
      names = "--stages",
      description = "Tab-separated stage timings (name, seconds), one per line, from the demo.")
  Path stages;

  @Override
  public Integer call() throws IOException {
    JsonObjectBuilder summary =
        Json.createObjectBuilder().add("generated", Instant.now().toString());
    JsonArrayBuilder charts = Json.createArrayBuilder();
    if (stages != null) {
      summary.add("stages", stages(stages));
    }
    if (comparison != null) {
      summary.add("alternatives", alternatives(charts));
    }
    if (evaluation != null) {
      summary.add("agent", agentSection(charts));
    }
    if (emulation != null || twin != null || agent != null) {
      summary.add("closedLoop", closedLoop(charts));
    }
    JsonObject built = summary.build();
    ReportWriter.write(out, built, charts.build());
    PrintWriter printer = spec.commandLine().getOut();
    printer.println("wrote " + out.resolve("report.html") + " and " + out.resolve("summary.json"));
    printer.print(terminalSummary(built));
    printer.flush();
    return 0;
  }

  private JsonArray alternatives(JsonArrayBuilder charts) {
    JobResult result = result(comparison);
    if (!result.hasComparison()) {
      throw new CliException(comparison + " is not a COMPARISON job");
    }
    JsonArrayBuilder rows = Json.createArrayBuilder();
    List<String> labels = new ArrayList<>();
    double[][] bars = new double[4][result.getComparison().getRowsCount()];
    int i = 0;
    for (DesignEvaluationResult row : result.getComparison().getRowsList()) {
      String label = shortName(row.getModel());
      labels.add(label);
      var k = row.getKpis();
      rows.add(
          Json.createObjectBuilder()
              .add("alternative", label)
              .add("model", row.getModel())
              .add("pue", round(k.getPue(), 4))
              .add("tokensPerWatt", round(k.getTokensPerWatt(), 4))
              .add("cueKgPerKwh", round(k.getCueKgPerKwh(), 4))
              .add("wueLPerKwh", round(k.getWueLPerKwh(), 4))
              .add("freeCoolingHours", round(k.getFreeCoolingHours(), 0))
              .add("facilityEnergyMwh", round(k.getFacilityEnergyKwh() / 1000, 1))
              .add("coolingEnergyMwh", round(k.getCoolingEnergy().getTotalKwh() / 1000, 1))
              .add("carbonTonnes", round(k.getCarbonKg() / 1000, 1))
              .add("gpuOverLimitHours", round(k.getGpuOverLimitHours(), 1)));
      bars[0][i] = k.getPue();
      bars[1][i] = k.getTokensPerWatt();
      bars[2][i] = k.getCueKgPerKwh();
      bars[3][i] = k.getFreeCoolingHours();
      i++;
    }
    String[][] barCharts = {
      {"alt-pue", "Annual PUE", "PUE"},
      {"alt-tokens-per-watt", "Annual tokens per watt (tokens per joule)", "tokens/J"},
      {"alt-cue", "Carbon usage effectiveness", "kgCO2/kWh"},
      {"alt-free-cooling", "Hours without a chiller compressor", "h"}
    };
    for (int c = 0; c < barCharts.length; c++) {
      charts.add(barChart(barCharts[c], "alternatives", labels, List.of(barCharts[c][2]), bars[c]));
    }
    List<Series> pue =
        series(comparison, "pue", "", null, SeriesAggregation.SERIES_AGGREGATION_MEAN);
    charts.add(
        lineChart(
            "pue-year",
            "alternatives",
            "Daily PUE through the year",
            "PUE",
            pue,
            "alternative",
            null));
    List<Series> tokens =
        series(comparison, "tokens_per_watt", "", null, SeriesAggregation.SERIES_AGGREGATION_MEAN);
    charts.add(
        lineChart(
            "tokens-per-watt-year",
            "alternatives",
            "Daily tokens per watt through the year",
            "tokens/J",
            tokens,
            "alternative",
            null));
    return rows.build();
  }

  private JsonObject agentSection(JsonArrayBuilder charts) {
    JobResult result = result(evaluation);
    if (!result.hasAgentEvaluation()) {
      throw new CliException(evaluation + " is not an AGENT_EVALUATION job");
    }
    AgentEvaluationResult e = result.getAgentEvaluation();
    double saving = e.getCoolingEnergySavingFraction();
    JsonObjectBuilder section =
        Json.createObjectBuilder()
            .add("policyVersion", e.getPolicyVersion())
            .add("heldOutEpisodes", e.getEpisodesCount())
            .add("coolingEnergySavingPercent", round(saving * 100, 2))
            .add("agentCoolingKwh", round(e.getAgent().getCoolingEnergy().getTotalKwh(), 2))
            .add("baselineCoolingKwh", round(e.getBaseline().getCoolingEnergy().getTotalKwh(), 2))
            .add("agentGpuOverLimitMinutes", round(e.getAgent().getGpuOverLimitMinutes(), 1))
            .add("baselineGpuOverLimitMinutes", round(e.getBaseline().getGpuOverLimitMinutes(), 1))
            .add("agentMaxGpuTemperatureC", round(e.getAgent().getMaxGpuTemperatureC(), 2))
            .add("baselineMaxGpuTemperatureC", round(e.getBaseline().getMaxGpuTemperatureC(), 2))
            .add("tokensPerWattChangePercent", round(e.getTokensPerWattChangeFraction() * 100, 3))
            .add(
                "baselineTcsSupplySetpointC",
                round(e.getBaselineTcsSupplyTemperatureSetpointC(), 2))
            .add("baselinePumpRiseTargetK", round(e.getBaselinePumpRiseTargetK(), 2))
            .add("agentPue", round(e.getAgent().getPue(), 4))
            .add("baselinePue", round(e.getBaseline().getPue(), 4));
    if (e.hasHourlyOracle()) {
      section
          .add(
              "hourlyOracleSavingPercent",
              round(e.getHourlyOracle().getCoolingEnergySavingFraction() * 100, 2))
          .add(
              "hourlyOracleCoolingKwh",
              round(e.getHourlyOracle().getKpis().getCoolingEnergy().getTotalKwh(), 2))
          .add(
              "hourlyOracleGpuOverLimitMinutes",
              round(e.getHourlyOracle().getKpis().getGpuOverLimitMinutes(), 1));
    }
    boolean inBand = saving >= PUBLISHED_SAVING_LOW && saving <= PUBLISHED_SAVING_HIGH;
    section.add("withinPublishedBand", inBand);
    if (!inBand) {
      section.add("bandNote", bandNote(e));
    }
    String[] components = {"chillers", "heat-rejection fans", "pumps", "CRAHs"};
    double[] agentKwh = components(e.getAgent().getCoolingEnergy());
    double[] baselineKwh = components(e.getBaseline().getCoolingEnergy());
    JsonObjectBuilder byComponent = Json.createObjectBuilder();
    double[] savedKwh = components(e.getCoolingEnergySaving());
    for (int c = 0; c < components.length; c++) {
      byComponent.add(components[c], round(savedKwh[c], 3));
    }
    section.add("savingByComponentKwh", byComponent);
    charts.add(
        barChart(
            new String[] {
              "cooling-by-component", "Cooling energy by component, held-out episodes", "kWh"
            },
            "agent",
            List.of(components),
            List.of("agent", "baseline"),
            agentKwh,
            baselineKwh));
    String firstSeed =
        e.getEpisodesCount() > 0 ? Long.toUnsignedString(e.getEpisodes(0).getSeed()) : null;
    String seedTerm = firstSeed == null ? "" : " AND labels.seed = \"" + firstSeed + "\"";
    List<Series> gpu =
        series(
            evaluation,
            "max_gpu_temperature_c",
            seedTerm,
            result,
            SeriesAggregation.SERIES_AGGREGATION_MAX);
    charts.add(
        lineChart(
            "agent-gpu-temperature",
            "agent",
            "Hottest GPU, agent and baseline, held-out episode (seed " + firstSeed + ")",
            "°C",
            gpu,
            "policy",
            null));
    List<Series> setpoint =
        series(
            evaluation,
            "tcs_supply_temperature_setpoint_c",
            seedTerm,
            result,
            SeriesAggregation.SERIES_AGGREGATION_MEAN);
    charts.add(
        lineChart(
            "agent-tcs-setpoint",
            "agent",
            "TCS supply temperature setpoint (mean over CDUs), agent and baseline",
            "°C",
            setpoint,
            "policy",
            null));
    return section.build();
  }

  /**
   * Explains, from the figures themselves, why a saving lies outside the published band, and states
   * the hourly oracle's saving when the evaluation computed it.
   */
  static String bandNote(AgentEvaluationResult e) {
    String note = bandReason(e);
    if (!e.hasHourlyOracle()) {
      return note;
    }
    double oracle = e.getHourlyOracle().getCoolingEnergySavingFraction();
    String meaning =
        e.getCoolingEnergySavingFraction() <= oracle
            ? "That estimates the most a policy can save against this baseline by adapting the"
                + " setpoints to each hour's load and weather."
            : "The agent saves more, so its edge lies within the hour or outside the baseline's"
                + " controller, which the oracle does not cover.";
    return note
        + String.format(
            Locale.ROOT,
            " The hourly oracle, the baseline with both setpoints chosen anew for each held-out"
                + " episode knowing it in advance, saves %.1f %%. %s",
            oracle * 100,
            meaning);
  }

  private static String bandReason(AgentEvaluationResult e) {
    double saving = e.getCoolingEnergySavingFraction();
    String[] components = {"chillers", "heat-rejection fans", "pumps", "CRAHs"};
    double[] saved = components(e.getCoolingEnergySaving());
    double total = e.getBaseline().getCoolingEnergy().getTotalKwh();
    if (saving <= 0) {
      int grown = 0;
      for (int c = 1; c < saved.length; c++) {
        if (saved[c] < saved[grown]) {
          grown = c;
        }
      }
      return String.format(
          Locale.ROOT,
          "The agent used %.1f %% more cooling energy than the baseline, most of it in %s"
              + " (%.1f kWh more). The baseline holds the pair of fixed setpoints, TCS supply"
              + " and pump rise target, that the same search budget found safe on the training"
              + " episodes at the least cooling energy; its pump controller trims speed on the"
              + " measured rise, and it gets the same facility supply reset. The policy sets its"
              + " pump speed from load alone, without that feedback, and lowers its setpoint"
              + " with load to stay safe at the peak.",
          -saving * 100,
          components[grown],
          -saved[grown]);
    }
    int largest = 0;
    for (int c = 1; c < saved.length; c++) {
      if (saved[c] > saved[largest]) {
        largest = c;
      }
    }
    String share =
        String.format(
            Locale.ROOT,
            "%s give %.0f %% of the saving",
            components[largest],
            total > 0 && e.getCoolingEnergySaving().getTotalKwh() != 0
                ? 100 * saved[largest] / e.getCoolingEnergySaving().getTotalKwh()
                : 0);
    if (saving > PUBLISHED_SAVING_HIGH) {
      return String.format(
          Locale.ROOT,
          "The saving of %.1f %% is above the published 9 to 30 %% band. %s. Published figures"
              + " are for whole plants with fixed air-side loads and chillers in every hour;"
              + " here the episodes are short, the plant is in free cooling, and fan power"
              + " falls with the cube of speed, so a warmer supply saves a larger share of a"
              + " smaller cooling bill.",
          saving * 100,
          share);
    }
    return String.format(
        Locale.ROOT,
        "The saving of %.1f %% is below the published 9 to 30 %% band. %s. Published savings are"
            + " measured against fixed, conservative setpoints. The baseline here is stronger: its"
            + " TCS supply setpoint and pump rise target are the pair that stayed safe on the"
            + " training episodes at the least cooling energy, its pump controller trims speed"
            + " on the measured rise, and it gets the same facility supply reset, so the dry"
            + " coolers run without chillers for both. In this model most of what remains is"
            + " facility and condenser pumping, which follows the heat load and not the"
            + " setpoints, so only the load swings and the CDU pumps are left to exploit.",
        saving * 100,
        share);
  }

  private JsonObject closedLoop(JsonArrayBuilder charts) throws IOException {
    JsonObjectBuilder section = Json.createObjectBuilder();
    if (emulation != null) {
      JobResult result = result(emulation);
      if (!result.hasPlantEmulation()) {
        throw new CliException(emulation + " is not a PLANT_EMULATION job");
      }
      PlantEmulationResult p = result.getPlantEmulation();
      TransientKpis k = p.getKpis();
      section
          .add("emulationJob", emulation)
          .add("twinRevision", p.getTwinRevision())
          .add("telemetrySamplesAccepted", p.getTelemetrySamplesAccepted())
          .add("telemetrySamplesRejected", p.getTelemetrySamplesRejected())
          .add("setpointChangesFollowed", p.getSetpointChangesFollowed())
          .add("simulatedHours", round(k.getSimulatedDuration().getSeconds() / 3600.0, 2))
          .add("coolingEnergyKwh", round(k.getCoolingEnergy().getTotalKwh(), 2))
          .add("pue", round(k.getPue(), 4))
          .add("tokensPerWatt", round(k.getTokensPerWatt(), 4))
          .add("maxGpuTemperatureC", round(k.getMaxGpuTemperatureC(), 2))
          .add("gpuOverLimitMinutes", round(k.getGpuOverLimitMinutes(), 1));
      if (!result.getSeriesList().isEmpty()) {
        charts.add(
            lineChart(
                "loop-gpu-temperature",
                "closedLoop",
                "Closed loop: hottest GPU",
                "°C",
                series(
                    emulation,
                    "max_gpu_temperature_c",
                    "",
                    result,
                    SeriesAggregation.SERIES_AGGREGATION_MAX),
                null,
                null));
        charts.add(
            lineChart(
                "loop-tcs-setpoint",
                "closedLoop",
                "Closed loop: TCS supply temperature setpoint followed by the plant (mean over CDUs)",
                "°C",
                series(
                    emulation,
                    "tcs_supply_temperature_setpoint_c",
                    "",
                    result,
                    SeriesAggregation.SERIES_AGGREGATION_MEAN),
                null,
                null));
      }
    }
    if (agent != null) {
      List<Action> actions = actions(agent);
      Map<String, Integer> outcomes = new TreeMap<>();
      TreeMap<Long, int[]> hourly = new TreeMap<>();
      Map<String, Action> byName = new HashMap<>();
      for (Action action : actions) {
        outcomes.merge(action.getOutcome().name().replace("OUTCOME_", ""), 1, Integer::sum);
        byName.put(action.getName(), action);
        Timestamp at =
            action.hasCheckFacilityTime() ? action.getCheckFacilityTime() : action.getCreateTime();
        int[] counts = hourly.computeIfAbsent(at.getSeconds() / 3600, h -> new int[2]);
        if (action.getOutcome() == Action.Outcome.OUTCOME_APPLIED) {
          counts[0]++;
        } else if (action.getOutcome() == Action.Outcome.OUTCOME_REJECTED) {
          counts[1]++;
        }
      }
      JsonObjectBuilder counts = Json.createObjectBuilder();
      outcomes.forEach(counts::add);
      section.add("agent", agent).add("actions", actions.size()).add("actionOutcomes", counts);
      List<String> hours = new ArrayList<>();
      double[] applied = new double[hourly.size()];
      double[] rejected = new double[hourly.size()];
      int h = 0;
      for (Map.Entry<Long, int[]> entry : hourly.entrySet()) {
        hours.add(Instant.ofEpochSecond(entry.getKey() * 3600).toString().substring(11, 13) + "h");
        applied[h] = entry.getValue()[0];
        rejected[h] = entry.getValue()[1];
        h++;
      }
      if (!hours.isEmpty()) {
        charts.add(
            barChart(
                new String[] {"loop-actions", "Agent actions per facility hour (UTC)", "actions"},
                "closedLoop",
                hours,
                List.of("applied", "rejected"),
                applied,
                rejected));
      }
      VerifyAuditResponse audit =
          connection.call(
              Connection.Service.CONTROL,
              ControlServiceGrpc::newBlockingStub,
              stub -> stub.verifyAudit(VerifyAuditRequest.getDefaultInstance()));
      section
          .add("auditValid", audit.getValid())
          .add("auditEntriesChecked", audit.getCheckedEntryCount());
      if (agentLog != null) {
        section.add("agentLog", agentLogCheck(agentLog, byName));
      }
    }
    if (twin != null) {
      List<Insight> insights = insights(twin);
      JsonArrayBuilder rows = Json.createArrayBuilder();
      Map<String, Integer> byRule = new TreeMap<>();
      int listed = 0;
      for (Insight insight : insights) {
        byRule.merge(insight.getRule(), 1, Integer::sum);
        // The page lists the first 50; the counts by rule cover all of them.
        if (listed++ < 50) {
          rows.add(
              Json.createObjectBuilder()
                  .add("rule", insight.getRule())
                  .add("severity", insight.getSeverity().name().replace("SEVERITY_", ""))
                  .add("state", insight.getState().name().replace("STATE_", ""))
                  .add("node", insight.getNode())
                  .add("firstSeen", time(insight.getFirstSeenFacilityTime()))
                  .add("summary", insight.getSummary()));
        }
      }
      section.add("insightsRaised", insights.size()).add("insights", rows);
      if (!byRule.isEmpty()) {
        charts.add(
            barChart(
                new String[] {"loop-insights", "Insights raised by rule", "insights"},
                "closedLoop",
                new ArrayList<>(byRule.keySet()),
                List.of("insights"),
                byRule.values().stream().mapToDouble(Integer::doubleValue).toArray()));
      }
    }
    return section.build();
  }

  /**
   * Reads the agent's log and checks it against control-service: every proposal the log records as
   * APPLIED must be an APPLIED action there. A missing one is an acknowledged action that was lost.
   */
  static JsonObject agentLogCheck(Path log, Map<String, Action> actions) throws IOException {
    int entries = 0;
    int appliedInLog = 0;
    int found = 0;
    int unreadable = 0;
    int unavailable = 0;
    List<String> missing = new ArrayList<>();
    for (String line : Files.readAllLines(log)) {
      if (line.isBlank()) {
        continue;
      }
      entries++;
      JsonObject entry;
      try (JsonReader reader = Json.createReader(new StringReader(line))) {
        entry = reader.readObject();
      } catch (JsonParsingException | ClassCastException e) {
        unreadable++;
        continue;
      }
      String outcome = entry.getString("outcome", "");
      if ("UNAVAILABLE".equals(entry.getString("status", "")) || outcome.contains("UNAVAILABLE")) {
        unavailable++;
      }
      if (!outcome.endsWith("APPLIED")) {
        continue;
      }
      appliedInLog++;
      String name = entry.getString("action", "");
      Action action = actions.get(name);
      if (action != null && action.getOutcome() == Action.Outcome.OUTCOME_APPLIED) {
        found++;
      } else if (missing.size() < 20) {
        missing.add(name.isEmpty() ? "(no action name)" : name);
      }
    }
    JsonArrayBuilder missingNames = Json.createArrayBuilder();
    missing.forEach(missingNames::add);
    return Json.createObjectBuilder()
        .add("entries", entries)
        .add("unreadableLines", unreadable)
        .add("unavailableErrors", unavailable)
        .add("appliedInLog", appliedInLog)
        .add("appliedFoundInControl", found)
        .add("appliedMissingFromControl", appliedInLog - found)
        .add("missingExamples", missingNames)
        .build();
  }

  private JobResult result(String job) {
    return connection.call(
        Connection.Service.SIMULATION,
        SimulationServiceGrpc::newBlockingStub,
        stub -> stub.getJobResult(GetJobResultRequest.newBuilder().setJob(job).build()));
  }

  /**
   * Reads every series of a job with the name and the label terms, down-sampled to at most about
   * {@link #CHART_POINTS} points each, using the stored resolution in the result's series list.
   *
   * @param labelTerms further AIP-160 terms, each starting with " AND ", or empty
   */
  private List<Series> series(
      String job, String name, String labelTerms, JobResult result, SeriesAggregation aggregation) {
    String filter = "name = \"" + name + "\"" + labelTerms;
    long resolutionNanos = 0;
    if (result != null) {
      for (SeriesInfo info : result.getSeriesList()) {
        if (info.getName().equals(name) && info.getPointCount() > CHART_POINTS) {
          long stored =
              info.getResolution().getSeconds() * 1_000_000_000L + info.getResolution().getNanos();
          long factor = (info.getPointCount() + CHART_POINTS - 1) / CHART_POINTS;
          resolutionNanos = Math.max(resolutionNanos, stored * factor);
        }
      }
    }
    ListJobSeriesRequest.Builder request =
        ListJobSeriesRequest.newBuilder()
            .setJob(job)
            .setFilter(filter)
            .setAggregation(aggregation)
            .setPageSize(100_000);
    if (resolutionNanos > 0) {
      request.setResolution(
          com.google.protobuf.Duration.newBuilder()
              .setSeconds(resolutionNanos / 1_000_000_000L)
              .setNanos((int) (resolutionNanos % 1_000_000_000L)));
    }
    Map<String, Series.Builder> merged = new LinkedHashMap<>();
    String token = "";
    do {
      ListJobSeriesRequest page = request.setPageToken(token).build();
      ListJobSeriesResponse response =
          connection.call(
              Connection.Service.SIMULATION,
              SimulationServiceGrpc::newBlockingStub,
              stub -> stub.listJobSeries(page));
      for (Series slice : response.getSeriesList()) {
        String key = slice.getName() + slice.getLabelsMap();
        Series.Builder builder =
            merged.computeIfAbsent(
                key,
                k ->
                    Series.newBuilder()
                        .setName(slice.getName())
                        .putAllLabels(slice.getLabelsMap())
                        .setUnit(slice.getUnit()));
        builder.addAllTimestamps(slice.getTimestampsList()).addAllValues(slice.getValuesList());
      }
      token = response.getNextPageToken();
    } while (!token.isEmpty());
    List<Series> out = new ArrayList<>();
    merged.values().forEach(b -> out.add(b.build()));
    return out;
  }

  private List<Action> actions(String agentName) {
    List<Action> out = new ArrayList<>();
    String token = "";
    do {
      ListActionsRequest request =
          ListActionsRequest.newBuilder().setPageSize(1000).setPageToken(token).build();
      ListActionsResponse response =
          connection.call(
              Connection.Service.CONTROL,
              ControlServiceGrpc::newBlockingStub,
              stub -> stub.listActions(request));
      for (Action action : response.getActionsList()) {
        if (action.getAgent().equals(agentName)) {
          out.add(action);
        }
      }
      token = response.getNextPageToken();
    } while (!token.isEmpty());
    return out;
  }

  private List<Insight> insights(String twinName) {
    List<Insight> out = new ArrayList<>();
    String token = "";
    do {
      ListInsightsRequest request =
          ListInsightsRequest.newBuilder()
              .setParent(twinName)
              .setPageSize(1000)
              .setPageToken(token)
              .build();
      ListInsightsResponse response =
          connection.call(
              Connection.Service.TWIN,
              TwinServiceGrpc::newBlockingStub,
              s -> s.listInsights(request));
      out.addAll(response.getInsightsList());
      token = response.getNextPageToken();
    } while (!token.isEmpty());
    return out;
  }

  static JsonArray stages(Path file) throws IOException {
    JsonArrayBuilder out = Json.createArrayBuilder();
    for (String line : Files.readAllLines(file)) {
      String[] parts = line.split("\t");
      if (parts.length == 2) {
        try {
          out.add(
              Json.createObjectBuilder()
                  .add("name", parts[0])
                  .add("seconds", Double.parseDouble(parts[1])));
        } catch (NumberFormatException e) {
          throw new CliException("--stages: not a number of seconds in line '" + line + "'");
        }
      }
    }
    return out.build();
  }

  static JsonObject lineChart(
      String id,
      String section,
      String title,
      String unit,
      List<Series> series,
      String labelKey,
      Double limit) {
    JsonArrayBuilder lines = Json.createArrayBuilder();
    for (Series s : series) {
      JsonArrayBuilder points = Json.createArrayBuilder();
      for (int i = 0; i < s.getValuesCount(); i++) {
        double v = s.getValues(i);
        if (Double.isFinite(v)) {
          Timestamp t = s.getTimestamps(i);
          points.add(
              Json.createArrayBuilder()
                  .add(t.getSeconds() * 1000 + t.getNanos() / 1_000_000)
                  .add(v));
        }
      }
      String label =
          labelKey == null ? s.getName() : shortName(s.getLabelsOrDefault(labelKey, s.getName()));
      lines.add(Json.createObjectBuilder().add("label", label).add("points", points));
    }
    JsonObjectBuilder chart =
        Json.createObjectBuilder()
            .add("id", id)
            .add("section", section)
            .add("type", "line")
            .add("title", title)
            .add("unit", unit)
            .add("series", lines);
    if (limit != null) {
      chart.add("limit", limit);
    }
    return chart.build();
  }

  static JsonObject barChart(
      String[] idTitleUnit,
      String section,
      List<String> categories,
      List<String> seriesLabels,
      double[]... values) {
    JsonArrayBuilder names = Json.createArrayBuilder();
    categories.forEach(names::add);
    JsonArrayBuilder series = Json.createArrayBuilder();
    for (int s = 0; s < values.length; s++) {
      JsonArrayBuilder v = Json.createArrayBuilder();
      for (double value : values[s]) {
        v.add(Double.isFinite(value) ? Json.createValue(value) : JsonValue.NULL);
      }
      series.add(Json.createObjectBuilder().add("label", seriesLabels.get(s)).add("values", v));
    }
    return Json.createObjectBuilder()
        .add("id", idTitleUnit[0])
        .add("section", section)
        .add("type", "bar")
        .add("title", idTitleUnit[1])
        .add("unit", idTitleUnit[2])
        .add("categories", names)
        .add("series", series)
        .build();
  }

  /** Formats the terminal's closing table: the figures a person looks for first. */
  static String terminalSummary(JsonObject summary) {
    StringBuilder out = new StringBuilder();
    if (summary.containsKey("alternatives")) {
      out.append(
          String.format(
              Locale.ROOT, "%-22s %7s %10s %10s%n", "alternative", "PUE", "tokens/J", "CUE"));
      for (JsonValue row : summary.getJsonArray("alternatives")) {
        JsonObject r = row.asJsonObject();
        out.append(
            String.format(
                Locale.ROOT,
                "%-22s %7.3f %10.3f %10.3f%n",
                r.getString("alternative"),
                r.getJsonNumber("pue").doubleValue(),
                r.getJsonNumber("tokensPerWatt").doubleValue(),
                r.getJsonNumber("cueKgPerKwh").doubleValue()));
      }
    }
    if (summary.containsKey("agent")) {
      JsonObject a = summary.getJsonObject("agent");
      out.append(
          String.format(
              Locale.ROOT,
              "agent vs baseline: cooling energy saving %.1f %%, GPU over limit %.0f min (baseline"
                  + " %.0f), tokens per watt change %+.2f %%%n",
              a.getJsonNumber("coolingEnergySavingPercent").doubleValue(),
              a.getJsonNumber("agentGpuOverLimitMinutes").doubleValue(),
              a.getJsonNumber("baselineGpuOverLimitMinutes").doubleValue(),
              a.getJsonNumber("tokensPerWattChangePercent").doubleValue()));
      if (a.containsKey("hourlyOracleSavingPercent")) {
        out.append(
            String.format(
                Locale.ROOT,
                "hourly oracle vs baseline (an estimate of the ceiling): cooling energy saving %.1f %%%n",
                a.getJsonNumber("hourlyOracleSavingPercent").doubleValue()));
      }
    }
    if (summary.containsKey("closedLoop")) {
      JsonObject c = summary.getJsonObject("closedLoop");
      if (c.containsKey("actionOutcomes")) {
        out.append("closed loop actions: ").append(c.getJsonObject("actionOutcomes")).append('\n');
      }
      if (c.containsKey("auditValid")) {
        out.append("audit verifies: ").append(c.getBoolean("auditValid")).append('\n');
      }
      if (c.containsKey("insightsRaised")) {
        out.append("insights raised: ").append(c.getInt("insightsRaised")).append('\n');
      }
    }
    return out.toString();
  }

  private static double[] components(CoolingEnergy energy) {
    return new double[] {
      energy.getChillersKwh(),
      energy.getHeatRejectionFansKwh(),
      energy.getPumpsKwh(),
      energy.getCrahsKwh()
    };
  }

  private static String shortName(String name) {
    int slash = name.lastIndexOf('/');
    return slash >= 0 ? name.substring(slash + 1) : name;
  }

  private static String time(Timestamp t) {
    return t.getSeconds() == 0 && t.getNanos() == 0
        ? ""
        : Instant.ofEpochSecond(t.getSeconds(), t.getNanos()).toString();
  }

  private static JsonValue round(double value, int digits) {
    if (!Double.isFinite(value)) {
      return JsonValue.NULL;
    }
    return Json.createValue(
        new java.math.BigDecimal(value).setScale(digits, java.math.RoundingMode.HALF_EVEN));
  }
}
