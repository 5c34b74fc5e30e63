package io.factorytwin.simulation.input;

import static io.factorytwin.simulation.input.InputFixtures.assertDataSetInvalid;
import static io.factorytwin.simulation.input.InputFixtures.fixture;
import static io.factorytwin.simulation.input.InputFixtures.syntheticYear;
import static io.factorytwin.simulation.input.InputFixtures.weather;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EpwReaderTest {

  private final EpwReader reader = new EpwReader();

  @Test
  void leesburg_readsLocationAndDesignConditions() {
    WeatherYear year = reader.read(weather("USA_VA_Leesburg.Exec.epw"));

    assertThat(year.city()).isEqualTo("Leesburg.Exec.AP-Godfrey.Field");
    assertThat(year.latitudeDeg()).isEqualTo(39.078);
    assertThat(year.longitudeDeg()).isEqualTo(-77.558);
    assertThat(year.timeZoneHours()).isEqualTo(-5.0);
    assertThat(year.elevationM()).isEqualTo(119.0);
    DesignConditions design = year.designConditions().orElseThrow();
    assertThat(design.heatingDryBulb996C()).isEqualTo(-10.1);
    assertThat(design.heatingDryBulb990C()).isEqualTo(-7.7);
    assertThat(design.coolingDryBulb004C()).isEqualTo(35.0);
    assertThat(design.coolingDewPoint004C()).isEqualTo(24.9);
    assertThat(design.extremeMeanMinDryBulbC()).isEqualTo(-13.8);
    assertThat(design.extremeMeanMaxDryBulbC()).isEqualTo(37.1);
    assertThat(design.extreme50YearMinDryBulbC()).isEqualTo(-21.3);
    assertThat(design.extreme50YearMaxDryBulbC()).isEqualTo(40.1);
  }

  @Test
  void leesburg_keepsTheFieldsOfEveryRow() throws Exception {
    Path file = weather("USA_VA_Leesburg.Exec.epw");
    List<String> lines = Files.readAllLines(file, java.nio.charset.StandardCharsets.ISO_8859_1);

    WeatherYear year = reader.read(file);

    assertThat(year.anomalies()).isEmpty();
    for (int row : new int[] {0, 1, 4000, 8759}) {
      String[] fields = lines.get(8 + row).split(",");
      assertThat(year.dryBulbC(row)).isEqualTo(Double.parseDouble(fields[6]));
      assertThat(year.dewPointC(row)).isEqualTo(Double.parseDouble(fields[7]));
      assertThat(year.relativeHumidityPct(row)).isEqualTo(Double.parseDouble(fields[8]));
      assertThat(year.stationPressurePa(row)).isEqualTo(Double.parseDouble(fields[9]));
      assertThat(year.globalHorizontalWhPerM2(row)).isEqualTo(Double.parseDouble(fields[13]));
    }
  }

  @Test
  void leesburg_rowsStartInUtc() {
    WeatherYear year = reader.read(weather("USA_VA_Leesburg.Exec.epw"));

    // Hour 1 covers 00:00 to 01:00 local standard time, UTC-5.
    assertThat(year.utcStart(0)).isEqualTo(Instant.parse("2022-01-01T05:00:00Z"));
    assertThat(year.utcStart(1)).isEqualTo(Instant.parse("2022-01-01T06:00:00Z"));
    assertThat(year.utcStart(8759)).isEqualTo(Instant.parse("2023-01-01T04:00:00Z"));
  }

  @Test
  void referenceYear_isConfigurable() {
    EpwReader reader2023 = new EpwReader("weather", 2023, 5, 5);

    WeatherYear year = reader2023.read(weather("USA_AZ_Phoenix-Sky.Harbor.epw"));

    assertThat(year.referenceYear()).isEqualTo(2023);
    assertThat(year.utcStart(0)).isEqualTo(Instant.parse("2023-01-01T07:00:00Z"));
  }

  @Test
  void phoenix_reportsJulyHumidityAnomalies() throws Exception {
    Path file = weather("USA_AZ_Phoenix-Sky.Harbor.epw");
    List<String> lines = Files.readAllLines(file, java.nio.charset.StandardCharsets.ISO_8859_1);

    WeatherYear year = reader.read(file);

    List<WeatherAnomaly> dewPoints =
        year.anomalies().stream().filter(a -> a.field().equals("dew_point_c")).toList();
    List<WeatherAnomaly> humidities =
        year.anomalies().stream().filter(a -> a.field().equals("relative_humidity_pct")).toList();
    System.out.printf(
        "Phoenix: %d anomalies, %d dew point, %d relative humidity%n",
        year.anomalies().size(), dewPoints.size(), humidities.size());
    assertThat(dewPoints).isNotEmpty();
    assertThat(humidities)
        .extracting(WeatherAnomaly::line)
        .containsExactlyElementsOf(dewPoints.stream().map(WeatherAnomaly::line).toList());
    // Every raw dew point of 28 °C or more in the file is reported, and all reports are summer.
    for (int line = 9; line < lines.size() + 1; line++) {
      String[] fields = lines.get(line - 1).split(",");
      if (Double.parseDouble(fields[7]) >= 28.0) {
        int reportedLine = line;
        assertThat(dewPoints).anySatisfy(a -> assertThat(a.line()).isEqualTo(reportedLine));
        assertThat(fields[1]).isEqualTo("7");
      }
    }
    for (WeatherAnomaly anomaly : dewPoints) {
      String month = lines.get(anomaly.line() - 1).split(",")[1];
      assertThat(month).isIn("7", "8");
      assertThat(anomaly.value()).isGreaterThan(21.9 + EpwReader.DEFAULT_DEW_POINT_MARGIN_K);
      assertThat(anomaly.reason()).contains("0.4 % design dew point 21.9");
    }
    assertThat(dewPoints).extracting(WeatherAnomaly::value).contains(32.0, 31.0, 30.9, 28.3);
    // Replaced values lie within the limit.
    for (int row = 0; row < WeatherYear.HOURS; row++) {
      assertThat(year.dewPointC(row)).isLessThanOrEqualTo(21.9 + 5.0);
    }
  }

  @ParameterizedTest
  @CsvSource({
    "USA_VA_Leesburg.Exec.epw, 0",
    "USA_TX_Dallas-Fort.Worth.epw, 0",
    "USA_IL_Chicago.OHare.epw, 0",
    "USA_WA_Seattle-Tacoma.epw, 4"
  })
  void otherSites_readWithFewAnomalies(String name, int dewPointAnomalies) {
    WeatherYear year = reader.read(weather(name));

    Map<String, Long> byField = new TreeMap<>();
    year.anomalies().forEach(a -> byField.merge(a.field(), 1L, Long::sum));
    System.out.printf("%s: %d anomalies %s%n", name, year.anomalies().size(), byField);
    assertThat(byField.getOrDefault("dew_point_c", 0L)).isEqualTo(dewPointAnomalies);
    assertThat(year.anomalies()).hasSize(2 * dewPointAnomalies);
  }

  @Test
  void seattle_reportsHighDewPoints() {
    WeatherYear year = reader.read(weather("USA_WA_Seattle-Tacoma.epw"));

    assertThat(year.anomalies())
        .filteredOn(a -> a.field().equals("dew_point_c"))
        .extracting(WeatherAnomaly::line)
        .containsExactly(4359, 4364, 5397, 5420);
  }

  @Test
  void read_fullYear_isFast() {
    Path file = weather("USA_TX_Dallas-Fort.Worth.epw");
    for (int i = 0; i < 5; i++) {
      reader.read(file);
    }
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      long start = System.nanoTime();
      reader.read(file);
      best = Math.min(best, System.nanoTime() - start);
    }

    System.out.printf("EPW read, best of 5 after warm-up: %.1f ms%n", best / 1e6);
    assertThat(best).isLessThan(100_000_000L);
  }

  @Test
  void missingValueCodes_areReportedAndInterpolated() throws Exception {
    WeatherYear year =
        reader.read(
            "synthetic.epw",
            syntheticYear(
                (row, fields) -> {
                  if (row == 100) {
                    fields[7] = "99.9";
                    fields[9] = "999999";
                  }
                  if (row == 200) {
                    fields[13] = "9999";
                  }
                }));

    assertThat(year.anomalies())
        .extracting(WeatherAnomaly::line, WeatherAnomaly::field, WeatherAnomaly::reason)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(109, "dew_point_c", "missing-value code"),
            org.assertj.core.groups.Tuple.tuple(
                109, "relative_humidity_pct", "computed from a rejected dew point"),
            org.assertj.core.groups.Tuple.tuple(109, "station_pressure_pa", "missing-value code"),
            org.assertj.core.groups.Tuple.tuple(
                209, "global_horizontal_wh_per_m2", "missing-value code"));
    assertThat(year.dewPointC(100))
        .isCloseTo((year.dewPointC(99) + year.dewPointC(101)) / 2, within(1e-9));
    assertThat(year.stationPressurePa(100)).isEqualTo(100500.0);
    assertThat(year.globalHorizontalWhPerM2(200))
        .isEqualTo((year.globalHorizontalWhPerM2(199) + year.globalHorizontalWhPerM2(201)) / 2);
  }

  @Test
  void implausibleValues_areReportedWithTheirLimit() throws Exception {
    WeatherYear year =
        reader.read(
            "synthetic.epw",
            syntheticYear(
                (row, fields) -> {
                  switch (row) {
                    case 10 -> fields[6] = "47.0"; // 50-year max 40.0 + 5 K
                    case 11 -> fields[7] = "29.5"; // design dew point 24.0 + 5 K
                    case 12 -> fields[9] = "59000";
                    case 13 -> fields[7] = "25.0"; // above its dry bulb, below the dew limit
                    case 14 -> fields[13] = "-3";
                    default -> {}
                  }
                }));

    assertThat(year.anomalies())
        .extracting(WeatherAnomaly::line, WeatherAnomaly::field)
        .contains(
            org.assertj.core.groups.Tuple.tuple(19, "dry_bulb_c"),
            org.assertj.core.groups.Tuple.tuple(20, "dew_point_c"),
            org.assertj.core.groups.Tuple.tuple(21, "station_pressure_pa"),
            org.assertj.core.groups.Tuple.tuple(22, "dew_point_c"),
            org.assertj.core.groups.Tuple.tuple(23, "global_horizontal_wh_per_m2"));
    assertThat(year.anomalies().get(0).reason()).contains("outside -25.0 to 45.0");
    assertThat(year.anomalies())
        .filteredOn(a -> a.line() == 22 && a.field().equals("dew_point_c"))
        .extracting(WeatherAnomaly::reason)
        .singleElement()
        .asString()
        .startsWith("above the dry bulb");
    assertThat(year.dryBulbC(10)).isLessThan(45.0);
  }

  @Test
  void noDesignConditions_fallsBackToWideLimits() throws Exception {
    List<String> header = new java.util.ArrayList<>(InputFixtures.syntheticHeader());
    header.set(1, "DESIGN CONDITIONS,0");

    WeatherYear year =
        reader.read(
            "plain.epw",
            InputFixtures.syntheticYear(
                header,
                (row, fields) -> {
                  if (row == 10) {
                    fields[6] = "47.0";
                    fields[7] = "29.5";
                  }
                  if (row == 11) {
                    fields[6] = "61.0";
                  }
                }));

    assertThat(year.designConditions()).isEmpty();
    assertThat(year.anomalies())
        .extracting(WeatherAnomaly::line, WeatherAnomaly::field)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(20, "dry_bulb_c"));
    assertThat(year.dryBulbC(10)).isEqualTo(47.0);
    assertThat(year.dewPointC(10)).isEqualTo(29.5);
  }

  @Test
  void pressureInHectopascals_isRejected() throws Exception {
    Throwable thrown =
        catchThrowable(
            () ->
                reader.read(
                    "hpa.epw",
                    syntheticYear(
                        (row, fields) -> {
                          if (row >= 4) {
                            fields[9] = "1005";
                          }
                        })));

    assertDataSetInvalid(
        thrown, "weather", "hpa.epw line 13:", "8756 hours of station_pressure_pa are implausible");
  }

  @Test
  void manyAnomalies_upToTheLimitAreRepaired() throws Exception {
    WeatherYear year =
        reader.read(
            "gaps.epw",
            syntheticYear(
                (row, fields) -> {
                  if (row % 10 == 0) {
                    fields[9] = "999999";
                  }
                }));

    assertThat(year.anomalies()).hasSize(EpwReader.MAX_ANOMALOUS_HOURS);
    assertThat(year.stationPressurePa(0)).isEqualTo(100500.0);
  }

  @Test
  void plausibleYear_hasNoAnomalies() throws Exception {
    WeatherYear year = reader.read("synthetic.epw", syntheticYear((row, fields) -> {}));

    assertThat(year.anomalies()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "epw-missing-header.epw | line 1: | missing header",
        "epw-wrong-column-count.epw | line 11: | expected 35 comma-separated fields, found 34",
        "epw-non-numeric.epw | line 10: | dry bulb (field 7) 'warm' is not a number",
        "epw-hour-out-of-range.epw | line 9: | hour 25 is out of order",
        "epw-truncated.epw | line 11: | ends after 3 hourly rows"
      })
  void brokenFile_isRejectedNamingTheLine(String name, String line, String problem) {
    Throwable thrown = catchThrowable(() -> reader.read(fixture(name)));

    assertDataSetInvalid(thrown, "weather", name + " " + line, problem);
  }

  @Test
  void extraRow_isRejectedNamingTheLine() throws Exception {
    java.io.BufferedReader year = syntheticYear((row, fields) -> {});
    String text = year.lines().collect(java.util.stream.Collectors.joining("\n"));
    String lastRow = text.substring(text.lastIndexOf('\n') + 1);

    Throwable thrown =
        catchThrowable(
            () ->
                reader.read(
                    "long.epw",
                    new java.io.BufferedReader(
                        new java.io.StringReader(text + "\n" + lastRow + "\n"))));

    assertDataSetInvalid(thrown, "weather", "long.epw line 8769:", "more than 8760");
  }

  @Test
  void errorField_followsTheReader() {
    EpwReader named = new EpwReader("design_evaluation.weather_data_set", 2022, 5, 5);

    Throwable thrown = catchThrowable(() -> named.read(fixture("epw-missing-header.epw")));

    assertDataSetInvalid(thrown, "design_evaluation.weather_data_set", "line 1:");
  }
}
