package io.factorytwin.simulation.input;

import io.factorytwin.support.error.InvalidArgumentException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Hourly IT utilization as a fraction 0..1 over 8,760 hours, read from a CSV with a {@code
 * cpu_load} column. The trace has no timestamps: its first row is hour 0 of the simulated year in
 * UTC.
 *
 * <p>A trace shorter than a year is repeated from its start until 8,760 hours are filled; rows
 * after the 8,760th are dropped and counted. Values outside 0..1 are clamped and listed in {@link
 * #clamped()}. A missing {@code cpu_load} column, a wrong field count and a value that is not a
 * finite number reject the file with {@link InvalidArgumentException} (reason DATA_SET_INVALID)
 * naming the line.
 */
public final class WorkloadTrace {

  /** Hours of the trace after wrapping or truncation. */
  public static final int HOURS = 8760;

  /**
   * One value outside 0..1 that was clamped.
   *
   * @param line 1-based line number in the file
   * @param value the value as read
   * @param clampedTo the value used instead, 0 or 1
   */
  public record ClampedValue(int line, double value, double clampedTo) {}

  private final String fileName;
  private final double[] utilization;
  private final int sourceHours;
  private final List<ClampedValue> clamped;

  private WorkloadTrace(
      String fileName, double[] utilization, int sourceHours, List<ClampedValue> clamped) {
    this.fileName = fileName;
    this.utilization = utilization;
    this.sourceHours = sourceHours;
    this.clamped = List.copyOf(clamped);
  }

  /** Reads a file, reporting errors on the request field {@code workload}. */
  public static WorkloadTrace read(Path file) {
    return read(file, "workload");
  }

  /** Reads a file, reporting errors on the named request field. */
  public static WorkloadTrace read(Path file, String field) {
    String fileName = file.getFileName().toString();
    // ISO-8859-1 decodes every byte, so stray bytes surface as a parse error naming the line
    // rather than as a decoding failure without one.
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
      return read(fileName, reader, field);
    } catch (IOException e) {
      throw new UncheckedIOException("failed to read workload file " + fileName, e);
    }
  }

  /** Reads CSV text; {@code fileName} names it in errors. */
  public static WorkloadTrace read(String fileName, BufferedReader reader, String field)
      throws IOException {
    String headerLine = reader.readLine();
    if (headerLine == null) {
      throw InputErrors.atLine(field, fileName, 1, "the file is empty; expected a CSV header");
    }
    String[] header = headerLine.split(",", -1);
    int column = Arrays.asList(header).indexOf("cpu_load");
    if (column < 0) {
      throw InputErrors.atLine(
          field,
          fileName,
          1,
          "missing header: expected a 'cpu_load' column, found '" + headerLine + "'");
    }
    double[] values = new double[HOURS];
    List<ClampedValue> clamped = new ArrayList<>();
    int rows = 0;
    int line = 1;
    String text;
    while ((text = reader.readLine()) != null) {
      line++;
      if (text.isBlank()) {
        continue;
      }
      String[] fields = text.split(",", -1);
      if (fields.length != header.length) {
        throw InputErrors.atLine(
            field,
            fileName,
            line,
            "expected " + header.length + " comma-separated fields, found " + fields.length);
      }
      double value = parse(field, fileName, line, fields[column]);
      if (rows < HOURS) {
        double bounded = Math.min(1.0, Math.max(0.0, value));
        if (bounded != value) {
          clamped.add(new ClampedValue(line, value, bounded));
        }
        values[rows] = bounded;
      }
      rows++;
    }
    if (rows == 0) {
      throw InputErrors.inFile(field, fileName, "no utilization rows after the header");
    }
    for (int hour = rows; hour < HOURS; hour++) {
      values[hour] = values[hour % rows];
    }
    return new WorkloadTrace(fileName, values, rows, clamped);
  }

  /** Builds a trace from hourly values, for tests and synthetic runs; values must be in 0..1. */
  public static WorkloadTrace of(String name, double... hourly) {
    if (hourly.length == 0) {
      throw new IllegalArgumentException("a workload trace needs at least one hour");
    }
    double[] values = new double[HOURS];
    for (int hour = 0; hour < HOURS; hour++) {
      double value = hourly[hour % hourly.length];
      if (!(value >= 0 && value <= 1)) {
        throw new IllegalArgumentException("utilization must be in 0..1: " + value);
      }
      values[hour] = value;
    }
    return new WorkloadTrace(name, values, hourly.length, List.of());
  }

  private static double parse(String field, String fileName, int line, String text) {
    try {
      double value = Double.parseDouble(text.trim());
      if (Double.isFinite(value)) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below with the line
    }
    throw InputErrors.atLine(
        field, fileName, line, "cpu_load '" + text + "' is not a finite number");
  }

  public String fileName() {
    return fileName;
  }

  /**
   * Returns the utilization of an hour, 0..1; hours past the year wrap around, so hour 8,760 of a
   * leap year repeats hour 0.
   */
  public double utilization(int hour) {
    return utilization[Math.floorMod(hour, HOURS)];
  }

  /** Rows the file had; fewer than 8,760 means the trace was repeated, more means cut. */
  public int sourceHours() {
    return sourceHours;
  }

  /** Whether the file was shorter than a year and was repeated to fill it. */
  public boolean wrapped() {
    return sourceHours < HOURS;
  }

  /** Rows after the 8,760th that were dropped. */
  public int droppedHours() {
    return Math.max(0, sourceHours - HOURS);
  }

  /** Values outside 0..1 that were clamped, in file order; only rows that were kept. */
  public List<ClampedValue> clamped() {
    return clamped;
  }
}
