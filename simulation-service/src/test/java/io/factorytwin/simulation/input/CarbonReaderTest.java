package io.factorytwin.simulation.input;

import static io.factorytwin.simulation.input.InputFixtures.assertDataSetInvalid;
import static io.factorytwin.simulation.input.InputFixtures.carbon;
import static io.factorytwin.simulation.input.InputFixtures.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CarbonReaderTest {

  private final CarbonReader reader = new CarbonReader();

  /** Means over the hours with a value, 2022, from the validation cases of the reference data. */
  @ParameterizedTest
  @CsvSource({
    "PJM.csv, 362.6, 23",
    "ERCO.csv, 347.2, 0",
    "BPAT.csv, 54.7, 0",
    "AZPS.csv, 575.0, 0",
    "MISO.csv, 440.5, 3"
  })
  void referenceFiles_matchTheirMeansAndGaps(String name, double mean, int gaps) {
    CarbonSeries series = reader.read(carbon(name));

    assertThat(series.meanReportedGramsPerKwh()).isCloseTo(mean, within(0.05));
    assertThat(series.gapHours()).hasSize(gaps);
    assertThat(series.hours()).isEqualTo(8760);
    assertThat(series.firstHour()).isEqualTo(Instant.parse("2022-01-01T00:00:00Z"));
  }

  @Test
  void pjm_fillsItsGapsBetweenTheNeighbours() {
    CarbonSeries series = reader.read(carbon("PJM.csv"));

    Instant firstGap = series.gapHours().getFirst();
    assertThat(firstGap).isEqualTo(Instant.parse("2022-03-13T07:00:00Z"));
    java.util.Set<Integer> gaps = new java.util.HashSet<>();
    series.gapHours().forEach(hour -> gaps.add(series.indexOf(hour.getEpochSecond())));
    int gap = series.indexOf(firstGap.getEpochSecond());
    int after = gap;
    while (gaps.contains(after)) {
      after++;
    }
    double before = series.gramsPerKwh(gap - 1);
    double next = series.gramsPerKwh(after);
    for (int hour = gap; hour < after; hour++) {
      double expected = before + (next - before) * (hour - gap + 1) / (after - gap + 1);
      assertThat(series.gramsPerKwh(hour)).isCloseTo(expected, within(1e-9));
    }
    double mean = 0;
    for (int hour = 0; hour < series.hours(); hour++) {
      assertThat(series.gramsPerKwh(hour)).isFinite();
      mean += series.gramsPerKwh(hour) / series.hours();
    }
    System.out.printf("PJM mean with gaps filled: %.2f gCO2/kWh%n", mean);
  }

  @Test
  void missingRow_isAGapFilledLinearly() {
    CarbonSeries series = reader.read(fixture("carbon-missing-row.csv"));

    assertThat(series.gapHours()).containsExactly(Instant.parse("2022-01-01T02:00:00Z"));
    assertThat(series.hours()).isEqualTo(6);
    assertThat(series.gramsPerKwh(2)).isCloseTo(320.0, within(1e-9));
    assertThat(series.meanReportedGramsPerKwh())
        .isCloseTo((300 + 310 + 330 + 340 + 350) / 5.0, within(1e-9));
  }

  @Test
  void indexOf_rejectsInstantsOutsideTheSeries() {
    CarbonSeries series = reader.read(fixture("carbon-missing-row.csv"));
    long first = series.firstHour().getEpochSecond();

    assertThat(series.indexOf(first + 5 * 3600)).isEqualTo(5);
    assertThat(series.indexOf(first + 6 * 3600)).isEqualTo(-1);
    assertThat(series.indexOf(first - 3600)).isEqualTo(-1);
    assertThat(series.indexOf(first + 1800)).isEqualTo(-1);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "carbon-missing-column.csv | line 1: | 'avg_CI'",
        "carbon-non-numeric.csv | line 3: | avg_CI 'high' is not a number",
        "carbon-backwards.csv | line 5: | repeats or goes back in time",
        "carbon-negative.csv | line 4: | outside 0 to 1500.0 gCO2/kWh"
      })
  void brokenFile_isRejectedNamingTheLine(String name, String line, String problem) {
    Throwable thrown = catchThrowable(() -> reader.read(fixture(name)));

    assertDataSetInvalid(thrown, "carbon", name + " " + line, problem);
  }

  @Test
  void badTimestamp_isRejectedNamingTheLine() throws Exception {
    String text = "timestamp,avg_CI\n2022-01-01 00:00:00+00:00,300\n2022-01-01T01:00,310\n";

    Throwable thrown =
        catchThrowable(
            () ->
                reader.read("bad.csv", new java.io.BufferedReader(new java.io.StringReader(text))));

    assertDataSetInvalid(thrown, "carbon", "bad.csv line 3:", "is not of the form");
  }

  @Test
  void offsetTimestamps_areConvertedToUtc() throws Exception {
    String text =
        "timestamp,avg_CI\n2022-01-01 01:00:00+01:00,300\n2022-01-01 01:00:00+00:00,310\n";

    CarbonSeries series =
        reader.read("offset.csv", new java.io.BufferedReader(new java.io.StringReader(text)));

    assertThat(series.firstHour()).isEqualTo(Instant.parse("2022-01-01T00:00:00Z"));
    assertThat(series.hours()).isEqualTo(2);
  }
}
