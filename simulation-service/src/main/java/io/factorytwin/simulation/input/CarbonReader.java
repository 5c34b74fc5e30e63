package io.factorytwin.simulation.input;

import io.factorytwin.support.error.InvalidArgumentException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads an hourly grid-carbon CSV: a header with at least the columns {@code timestamp} and {@code
 * avg_CI}, then one row per hour with a timestamp such as {@code 2022-01-01 00:00:00+00:00} and the
 * average carbon intensity in gCO2/kWh.
 *
 * <p>A row with an empty {@code avg_CI} and an hour that has no row at all are gaps: they are
 * filled by linear interpolation between the neighbouring reported hours and listed in {@link
 * CarbonSeries#gapHours()}. Everything else that is wrong rejects the file with {@link
 * InvalidArgumentException} (reason DATA_SET_INVALID) naming the line: a missing column, a wrong
 * field count, a timestamp that does not parse, is not on the hour, repeats or goes backwards, and
 * a value that is not a number or lies outside 0 to {@value #MAX_GRAMS_PER_KWH} gCO2/kWh.
 */
public final class CarbonReader {

  /**
   * Highest accepted hourly intensity in gCO2/kWh. It is a plausibility bound chosen by us, not a
   * sourced figure: the five bundled 2022 files peak at 749 gCO2/kWh (AZPS), and a grid average
   * twice that would mean a broken file.
   */
  static final double MAX_GRAMS_PER_KWH = 1_500.0;

  /** Longest accepted series: ten years of hours, which bounds the memory a file can claim. */
  static final int MAX_HOURS = 87_840;

  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ssXXX");

  private final String field;

  /** Creates a reader that reports errors on the request field {@code carbon}. */
  public CarbonReader() {
    this("carbon");
  }

  /** Creates a reader that reports errors on the named request field. */
  public CarbonReader(String field) {
    this.field = field;
  }

  /** Reads a file; errors name it by its file name only. */
  public CarbonSeries read(Path file) {
    String fileName = file.getFileName().toString();
    // ISO-8859-1 decodes every byte, so stray bytes surface as a parse error naming the line
    // rather than as a decoding failure without one.
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
      return read(fileName, reader);
    } catch (IOException e) {
      throw new UncheckedIOException("failed to read carbon file " + fileName, e);
    }
  }

  /** Reads CSV text; {@code fileName} names it in errors. */
  public CarbonSeries read(String fileName, BufferedReader reader) throws IOException {
    String headerLine = reader.readLine();
    if (headerLine == null) {
      throw InputErrors.atLine(field, fileName, 1, "the file is empty; expected a CSV header");
    }
    List<String> header = Arrays.asList(headerLine.split(",", -1));
    int timestampColumn = header.indexOf("timestamp");
    int intensityColumn = header.indexOf("avg_CI");
    if (timestampColumn < 0 || intensityColumn < 0) {
      throw InputErrors.atLine(
          field,
          fileName,
          1,
          "missing header: expected the columns 'timestamp' and 'avg_CI', found '"
              + headerLine
              + "'");
    }

    double[] values = new double[9000];
    List<Instant> gaps = new ArrayList<>();
    long firstHour = Long.MIN_VALUE;
    int hours = 0;
    double reportedSum = 0;
    int reported = 0;
    int line = 1;
    String text;
    while ((text = reader.readLine()) != null) {
      line++;
      if (text.isBlank()) {
        continue;
      }
      String[] fields = text.split(",", -1);
      if (fields.length != header.size()) {
        throw InputErrors.atLine(
            field,
            fileName,
            line,
            "expected " + header.size() + " comma-separated fields, found " + fields.length);
      }
      long hour = parseHour(fileName, line, fields[timestampColumn]);
      if (firstHour == Long.MIN_VALUE) {
        firstHour = hour;
      }
      long index = (hour - firstHour) / 3600;
      if (index < hours) {
        throw InputErrors.atLine(
            field,
            fileName,
            line,
            "timestamp " + fields[timestampColumn] + " repeats or goes back in time");
      }
      if (index >= MAX_HOURS) {
        throw InputErrors.atLine(
            field,
            fileName,
            line,
            "timestamp "
                + fields[timestampColumn]
                + " lies more than 10 years after the first row");
      }
      // Hours without a row are gaps, like rows with an empty value.
      while (hours < index) {
        values = ensureCapacity(values, hours);
        values[hours] = Double.NaN;
        gaps.add(Instant.ofEpochSecond(firstHour + hours * 3600L));
        hours++;
      }
      values = ensureCapacity(values, hours);
      String raw = fields[intensityColumn].trim();
      if (raw.isEmpty()) {
        values[hours] = Double.NaN;
        gaps.add(Instant.ofEpochSecond(hour));
      } else {
        double value = intensity(fileName, line, raw);
        values[hours] = value;
        reportedSum += value;
        reported++;
      }
      hours++;
    }
    if (reported == 0) {
      throw InputErrors.inFile(field, fileName, "no hour has a carbon intensity value");
    }
    double[] series = Arrays.copyOf(values, hours);
    Interpolation.fillGaps(series);
    return new CarbonSeries(fileName, firstHour, series, gaps, reportedSum / reported);
  }

  private long parseHour(String fileName, int line, String text) {
    OffsetDateTime time;
    try {
      time = OffsetDateTime.parse(text.trim(), TIMESTAMP);
    } catch (DateTimeParseException e) {
      throw InputErrors.atLine(
          field,
          fileName,
          line,
          "timestamp '" + text + "' is not of the form 2022-01-01 00:00:00+00:00");
    }
    long epochSecond = time.toEpochSecond();
    if (epochSecond % 3600 != 0) {
      throw InputErrors.atLine(
          field, fileName, line, "timestamp '" + text + "' is not on a whole UTC hour");
    }
    return epochSecond;
  }

  private double intensity(String fileName, int line, String text) {
    double value;
    try {
      value = Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw InputErrors.atLine(field, fileName, line, "avg_CI '" + text + "' is not a number");
    }
    if (!(value >= 0 && value <= MAX_GRAMS_PER_KWH)) {
      throw InputErrors.atLine(
          field,
          fileName,
          line,
          "avg_CI " + text + " is outside 0 to " + MAX_GRAMS_PER_KWH + " gCO2/kWh");
    }
    return value;
  }

  private static double[] ensureCapacity(double[] values, int index) {
    return index < values.length ? values : Arrays.copyOf(values, values.length * 2);
  }
}
