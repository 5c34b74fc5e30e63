package io.factorytwin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.factorytwin.simulation.v1.AgentEvaluationResult;
import io.factorytwin.simulation.v1.CoolingEnergy;
import io.factorytwin.simulation.v1.HourlyOracle;
import io.factorytwin.simulation.v1.Series;
import io.factorytwin.simulation.v1.TransientKpis;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The report page and summary. The test also leaves two pages under target/report-fixtures/ (one
 * good, one with a chart that has no data) for tests/report/check.sh, which opens them in headless
 * Chromium and must pass the first and fail the second.
 */
class ReportWriterTest {

  private static final Path FIXTURES = Path.of("target", "report-fixtures");

  @Test
  void writesSelfContainedPageAndSummary() throws Exception {
    JsonObject summary = summary();
    JsonArray charts =
        Json.createArrayBuilder()
            .add(
                ReportCommand.lineChart(
                    "pue-year",
                    "alternatives",
                    "Daily PUE </script> through the year",
                    "PUE",
                    List.of(series("pue", "alternative", "designs/d/alternatives/texas", 1.2, 1.1)),
                    "alternative",
                    null))
            .add(
                ReportCommand.barChart(
                    new String[] {"cooling-by-component", "By component", "kWh"},
                    "agent",
                    List.of("chillers", "fans"),
                    List.of("agent", "baseline"),
                    new double[] {1, 2},
                    new double[] {3, Double.NaN}))
            .build();
    Path folder = FIXTURES.resolve("good");

    ReportWriter.write(folder, summary, charts);

    String html = Files.readString(folder.resolve("report.html"));
    assertThat(html).contains("data-chart=\"pue-year\"", "data-chart=\"cooling-by-component\"");
    // Self-contained: no external script, style sheet or image.
    assertThat(html).doesNotContain("<script src", "<link", "<img", "url(");
    // A title with "</script>" must not end the data block early.
    assertThat(html).contains("<\\/script>");
    assertThat(html.indexOf("</script>")).isGreaterThan(html.indexOf("id=\"report-data\""));
    // The section of the chart exists; the closed-loop section, absent from the summary, does not.
    assertThat(html).contains("<section id=\"alternatives\">").doesNotContain("id=\"closedLoop\"");
    JsonObject written =
        Json.createReader(Files.newBufferedReader(folder.resolve("summary.json"))).readObject();
    assertThat(
            written
                .getJsonObject("agent")
                .getJsonNumber("coolingEnergySavingPercent")
                .doubleValue())
        .isEqualTo(24.5);
  }

  @Test
  void write_chartWithoutData() throws Exception {
    JsonArray charts =
        Json.createArrayBuilder()
            .add(
                ReportCommand.lineChart(
                    "pue-year", "alternatives", "empty", "PUE", List.of(), "alternative", null))
            .build();

    ReportWriter.write(FIXTURES.resolve("broken"), summary(), charts);

    assertThat(Files.readString(FIXTURES.resolve("broken").resolve("report.html")))
        .contains("data-chart=\"pue-year\"");
  }

  @Test
  void bandNote_explainsSavingOutsidePublishedRange() {
    AgentEvaluationResult high = evaluation(0.42, 10, 90, 5);
    AgentEvaluationResult low = evaluation(0.05, 1, 2, 0);

    assertThat(ReportCommand.bandNote(high)).contains("above", "heat-rejection fans");
    assertThat(ReportCommand.bandNote(low)).contains("below", "heat-rejection fans");
  }

  @Test
  void bandNote_statesTheOracleCeiling() {
    AgentEvaluationResult low =
        evaluation(0.05, 1, 2, 0).toBuilder()
            .setHourlyOracle(HourlyOracle.newBuilder().setCoolingEnergySavingFraction(0.064))
            .build();

    AgentEvaluationResult aboveOracle =
        evaluation(0.42, 10, 90, 5).toBuilder()
            .setHourlyOracle(HourlyOracle.newBuilder().setCoolingEnergySavingFraction(0.064))
            .build();

    assertThat(ReportCommand.bandNote(low)).contains("hourly oracle").contains("saves 6.4 %");
    assertThat(ReportCommand.bandNote(low)).contains("estimates the most a policy can save");
    assertThat(ReportCommand.bandNote(aboveOracle)).contains("The agent saves more");
    assertThat(ReportCommand.bandNote(evaluation(0.05, 1, 2, 0))).doesNotContain("oracle");
  }

  @Test
  void bandNote_namesTheComponentThatGrew() {
    AgentEvaluationResult worse = evaluation(-0.038, 0, -21.0, -12.8);

    String note = ReportCommand.bandNote(worse);

    assertThat(note).contains("3.8 % more cooling energy");
    assertThat(note).contains("heat-rejection fans (21.0 kWh more)");
    assertThat(note).doesNotContain("of the saving");
  }

  @Test
  void agentLogCheck_countsMissingApplied() throws Exception {
    Path log = Files.createTempFile("agent", ".jsonl");
    Files.writeString(
        log,
        String.join(
            "\n",
            "{\"outcome\":\"APPLIED\",\"action\":\"actions/a1\"}",
            "{\"outcome\":\"APPLIED\",\"action\":\"actions/lost\"}",
            "{\"outcome\":\"REJECTED\",\"action\":\"actions/r1\"}",
            "{\"event\":\"error\",\"status\":\"UNAVAILABLE\"}",
            "not json"));
    io.factorytwin.control.v1.Action applied =
        io.factorytwin.control.v1.Action.newBuilder()
            .setName("actions/a1")
            .setOutcome(io.factorytwin.control.v1.Action.Outcome.OUTCOME_APPLIED)
            .build();

    JsonObject check = ReportCommand.agentLogCheck(log, Map.of("actions/a1", applied));

    assertThat(check.getInt("entries")).isEqualTo(5);
    assertThat(check.getInt("appliedInLog")).isEqualTo(2);
    assertThat(check.getInt("appliedFoundInControl")).isEqualTo(1);
    assertThat(check.getInt("appliedMissingFromControl")).isEqualTo(1);
    assertThat(check.getInt("unreadableLines")).isEqualTo(1);
    assertThat(check.getInt("unavailableErrors")).isEqualTo(1);
  }

  private static AgentEvaluationResult evaluation(
      double saving, double chillers, double fans, double pumps) {
    CoolingEnergy saved =
        CoolingEnergy.newBuilder()
            .setChillersKwh(chillers)
            .setHeatRejectionFansKwh(fans)
            .setPumpsKwh(pumps)
            .setTotalKwh(chillers + fans + pumps)
            .build();
    return AgentEvaluationResult.newBuilder()
        .setCoolingEnergySavingFraction(saving)
        .setCoolingEnergySaving(saved)
        .setBaseline(
            TransientKpis.newBuilder()
                .setCoolingEnergy(CoolingEnergy.newBuilder().setTotalKwh(1000)))
        .build();
  }

  private static JsonObject summary() {
    return Json.createObjectBuilder()
        .add("generated", "2026-12-05T00:00:00Z")
        .add(
            "stages",
            Json.createArrayBuilder()
                .add(Json.createObjectBuilder().add("name", "build").add("seconds", 12.5)))
        .add(
            "alternatives",
            Json.createArrayBuilder()
                .add(Json.createObjectBuilder().add("alternative", "texas").add("pue", 1.12)))
        .add("agent", Json.createObjectBuilder().add("coolingEnergySavingPercent", 24.5))
        .build();
  }

  private static Series series(String name, String key, String label, double... values) {
    Series.Builder series = Series.newBuilder().setName(name).putLabels(key, label).setUnit("1");
    for (int i = 0; i < values.length; i++) {
      series.addTimestamps(com.google.protobuf.Timestamp.newBuilder().setSeconds(86_400L * i));
      series.addValues(values[i]);
    }
    return series.build();
  }
}
