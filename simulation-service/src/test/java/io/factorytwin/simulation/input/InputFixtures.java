package io.factorytwin.simulation.input;

import static org.assertj.core.api.Assertions.assertThat;

import io.factorytwin.support.error.InvalidArgumentException;
import java.io.BufferedReader;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/** Paths of the reference data and builders of synthetic input files for the reader tests. */
final class InputFixtures {

  /** The shared reference data, outside the repository, as seen from the module folder. */
  static final Path DATA = Path.of("../../shared/data");

  static final Path FIXTURES = Path.of("src/test/resources/input");

  private InputFixtures() {}

  static Path weather(String name) {
    return DATA.resolve("weather").resolve(name);
  }

  static Path carbon(String name) {
    return DATA.resolve("carbon-intensity").resolve(name);
  }

  static Path workload(String name) {
    return DATA.resolve("workload").resolve(name);
  }

  static Path fixture(String name) {
    return FIXTURES.resolve(name);
  }

  /** Returns the 8 header lines of the synthetic fixture site (UTC-5, 0.4 % dew point 24.0 °C). */
  static List<String> syntheticHeader() throws Exception {
    return Files.readAllLines(fixture("epw-truncated.epw")).subList(0, 8);
  }

  /**
   * Builds a synthetic EPW year of 8,760 rows with a daily dry-bulb cycle; {@code edit} receives
   * the 0-based row index and its 35 fields and may change them.
   */
  static BufferedReader syntheticYear(BiConsumer<Integer, String[]> edit) throws Exception {
    return syntheticYear(syntheticHeader(), edit);
  }

  /** Builds a synthetic EPW year as {@link #syntheticYear(BiConsumer)} below the given header. */
  static BufferedReader syntheticYear(List<String> header, BiConsumer<Integer, String[]> edit) {
    List<String> lines = new ArrayList<>(header);
    int[] daysInMonth = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int row = 0;
    for (int month = 1; month <= 12; month++) {
      for (int day = 1; day <= daysInMonth[month - 1]; day++) {
        for (int hour = 1; hour <= 24; hour++) {
          String[] fields = new String[35];
          java.util.Arrays.fill(fields, "0");
          fields[0] = "2001";
          fields[1] = Integer.toString(month);
          fields[2] = Integer.toString(day);
          fields[3] = Integer.toString(hour);
          fields[5] = "flags";
          double dryBulb = 10 + 8 * Math.sin(2 * Math.PI * (hour - 9) / 24.0);
          fields[6] = String.format(java.util.Locale.ROOT, "%.2f", dryBulb);
          fields[7] = String.format(java.util.Locale.ROOT, "%.2f", dryBulb - 6);
          fields[8] = "60";
          fields[9] = "100500";
          fields[13] = hour > 6 && hour < 19 ? "400" : "0";
          edit.accept(row, fields);
          lines.add(String.join(",", fields));
          row++;
        }
      }
    }
    return new BufferedReader(new StringReader(String.join("\n", lines) + "\n"));
  }

  /** Asserts that a failure is a DATA_SET_INVALID on the field and names the text given. */
  static void assertDataSetInvalid(Throwable thrown, String field, String... fragments) {
    assertThat(thrown).isInstanceOf(InvalidArgumentException.class);
    InvalidArgumentException failure = (InvalidArgumentException) thrown;
    assertThat(failure.reason()).isEqualTo("DATA_SET_INVALID");
    assertThat(failure.violations()).hasSize(1);
    assertThat(failure.violations().getFirst().field()).isEqualTo(field);
    for (String fragment : fragments) {
      assertThat(failure.violations().getFirst().description()).contains(fragment);
    }
  }
}
