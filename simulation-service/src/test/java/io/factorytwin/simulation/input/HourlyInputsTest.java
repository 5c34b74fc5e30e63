package io.factorytwin.simulation.input;

import static io.factorytwin.simulation.input.InputFixtures.assertDataSetInvalid;
import static io.factorytwin.simulation.input.InputFixtures.carbon;
import static io.factorytwin.simulation.input.InputFixtures.weather;
import static io.factorytwin.simulation.input.InputFixtures.workload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HourlyInputsTest {

  private static WeatherYear leesburg;
  private static CarbonSeries pjm;
  private static WorkloadTrace google;

  @BeforeAll
  static void readInputs() {
    leesburg = new EpwReader().read(weather("USA_VA_Leesburg.Exec.epw"));
    pjm = new CarbonReader().read(carbon("PJM.csv"));
    google = WorkloadTrace.read(workload("GoogleClusteData_CPU_Data_Hourly_1.csv"));
  }

  @Test
  void join_coversTheYearInUtc() {
    HourlyInputs inputs = HourlyInputs.join(leesburg, pjm, google, 2022);

    assertThat(inputs.hours()).isEqualTo(8760);
    assertThat(inputs.dryBulbC()).hasSize(8760);
    assertThat(inputs.carbonGramsPerKwh()).hasSize(8760);
    assertThat(inputs.utcEpochSecond(0)).isEqualTo(1_640_995_200L); // 2022-01-01T00:00Z
    assertThat(inputs.monthUtc()[0]).isEqualTo(1);
    assertThat(inputs.monthUtc()[743]).isEqualTo(1);
    assertThat(inputs.monthUtc()[744]).isEqualTo(2);
    assertThat(inputs.monthUtc()[8759]).isEqualTo(12);
  }

  @Test
  void leesburg_localOneAmJoinsSixAmUtc() throws Exception {
    List<String> epw = Files.readAllLines(weather("USA_VA_Leesburg.Exec.epw"));
    // Line 10 is January 1, hour 2: 01:00 to 02:00 local standard time (UTC-5).
    String[] localOneAm = epw.get(9).split(",");
    assertThat(localOneAm[3]).isEqualTo("2");
    String utcSixAm =
        Files.readAllLines(carbon("PJM.csv")).stream()
            .filter(line -> line.startsWith("2022-01-01 06:00:00+00:00"))
            .findFirst()
            .orElseThrow();

    HourlyInputs inputs = HourlyInputs.join(leesburg, pjm, google, 2022);

    assertThat(inputs.dryBulbC()[6]).isEqualTo(Double.parseDouble(localOneAm[6]));
    assertThat(inputs.dewPointC()[6]).isEqualTo(Double.parseDouble(localOneAm[7]));
    assertThat(inputs.stationPressurePa()[6]).isEqualTo(Double.parseDouble(localOneAm[9]));
    assertThat(inputs.globalHorizontalWhPerM2()[6]).isEqualTo(Double.parseDouble(localOneAm[13]));
    assertThat(inputs.carbonGramsPerKwh()[6])
        .isEqualTo(Double.parseDouble(utcSixAm.substring(utcSixAm.lastIndexOf(',') + 1)));
    assertThat(inputs.utilization()[6]).isEqualTo(google.utilization(6));
  }

  @Test
  void firstUtcHours_takeTheLastLocalHoursOfTheTypicalYear() {
    HourlyInputs inputs = HourlyInputs.join(leesburg, pjm, google, 2022);

    // 00:00 UTC on January 1 is 19:00 local on December 31, row hour 20 of that day.
    assertThat(inputs.dryBulbC()[0]).isEqualTo(leesburg.dryBulbC(WeatherYear.rowOf(12, 31, 20)));
    assertThat(inputs.dryBulbC()[5]).isEqualTo(leesburg.dryBulbC(0));
    assertThat(inputs.dryBulbC()[8759]).isEqualTo(leesburg.dryBulbC(WeatherYear.rowOf(12, 31, 19)));
  }

  @Test
  void everyWeatherRow_isUsedOnceInANonLeapYear() {
    HourlyInputs inputs = HourlyInputs.join(leesburg, pjm, google, 2022);

    // Rows meet UTC hours one to one, so the sums over the year agree.
    double joined = 0;
    double file = 0;
    for (int hour = 0; hour < 8760; hour++) {
      joined += inputs.globalHorizontalWhPerM2()[hour];
      file += leesburg.globalHorizontalWhPerM2(hour);
    }
    assertThat(joined).isEqualTo(file);
  }

  @Test
  void phoenix_joinsWithItsOwnOffset() {
    WeatherYear phoenix = new EpwReader().read(weather("USA_AZ_Phoenix-Sky.Harbor.epw"));
    CarbonSeries azps = new CarbonReader().read(carbon("AZPS.csv"));

    HourlyInputs inputs = HourlyInputs.join(phoenix, azps, google, 2022);

    // UTC-7: 07:00 UTC on January 1 is hour 1 local.
    assertThat(inputs.dryBulbC()[7]).isEqualTo(phoenix.dryBulbC(0));
    assertThat(inputs.dryBulbC()[6]).isEqualTo(phoenix.dryBulbC(8759));
  }

  @Test
  void leapYear_repeatsFebruary28() throws Exception {
    WeatherYear synthetic =
        new EpwReader("weather", 2024, 5, 5)
            .read("synthetic.epw", InputFixtures.syntheticYear((row, fields) -> {}));
    CarbonSeries flat = flatCarbon(2024, 8784);

    HourlyInputs inputs = HourlyInputs.join(synthetic, flat, google, 2024);

    assertThat(inputs.hours()).isEqualTo(8784);
    // UTC-5: February 29, 05:00 UTC is local 00:00 on February 29, which takes February 28.
    int february29 = (31 + 28) * 24 + 5;
    assertThat(inputs.dryBulbC()[february29])
        .isEqualTo(synthetic.dryBulbC(WeatherYear.rowOf(2, 28, 1)));
    assertThat(inputs.monthUtc()[february29]).isEqualTo(2);
    assertThat(inputs.utilization()[8760]).isEqualTo(google.utilization(0));
  }

  @Test
  void halfHourOffset_interpolatesTwoRows() throws Exception {
    List<String> header = new java.util.ArrayList<>(InputFixtures.syntheticHeader());
    header.set(0, header.get(0).replace(",-5.0,", ",5.5,"));
    WeatherYear synthetic =
        new EpwReader().read("india.epw", InputFixtures.syntheticYear(header, (row, fields) -> {}));

    HourlyInputs inputs = HourlyInputs.join(synthetic, flatCarbon(2022, 8760), google, 2022);

    // 00:00 UTC is 05:30 local: halfway between the rows of local 05:00 and 06:00.
    double expected = (synthetic.dryBulbC(5) + synthetic.dryBulbC(6)) / 2;
    assertThat(inputs.dryBulbC()[0])
        .isCloseTo(expected, org.assertj.core.api.Assertions.within(1e-9));
  }

  private static CarbonSeries flatCarbon(int year, int hours) throws Exception {
    StringBuilder csv = new StringBuilder("timestamp,avg_CI\n");
    java.time.LocalDateTime start = java.time.LocalDateTime.of(year, 1, 1, 0, 0);
    java.time.format.DateTimeFormatter format =
        java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    for (int hour = 0; hour < hours; hour++) {
      csv.append(start.plusHours(hour).format(format)).append("+00:00,400\n");
    }
    return new CarbonReader()
        .read("flat.csv", new java.io.BufferedReader(new java.io.StringReader(csv.toString())));
  }

  @Test
  void carbonOfAnotherYear_isRejectedOnTheCarbonField() {
    Throwable thrown = catchThrowable(() -> HourlyInputs.join(leesburg, pjm, google, 2023));

    assertDataSetInvalid(thrown, "carbon", "PJM.csv", "does not cover every UTC hour of 2023");
  }
}
