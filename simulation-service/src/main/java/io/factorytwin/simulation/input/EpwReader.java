package io.factorytwin.simulation.input;

import io.factorytwin.support.error.InvalidArgumentException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an EnergyPlus weather (EPW) file: 8 header lines and 8,760 hourly rows of 35 fields.
 *
 * <p>Structural faults reject the file with {@link InvalidArgumentException} (reason
 * DATA_SET_INVALID) naming the file and line: a missing or misplaced header line, a row without 35
 * fields, a field that is not a number, rows out of calendar order, a row count other than 8,760.
 *
 * <p>Physically implausible values are not trusted, but they do not reject the file either: each
 * one becomes a {@link WeatherAnomaly} and is replaced by linear interpolation between the nearest
 * plausible hours of the same field. The limits come from the file's own DESIGN CONDITIONS, so a
 * humid July in a desert file is caught even though the same dew point is normal elsewhere.
 *
 * <p>Instances are immutable and may be shared between threads.
 */
public final class EpwReader {

  /** Year on which typical-year rows are placed; the bundled grid-carbon files are for 2022. */
  public static final int DEFAULT_REFERENCE_YEAR = 2022;

  /**
   * Default margin in K above the 0.4 % dehumidification design dew point. That design value is
   * exceeded about 35 hours a year, so a few hours a little above it are real weather. With 5 K,
   * the Leesburg, Dallas and Chicago files pass unchanged and Seattle has four summer hours at 21.4
   * to 22.1 °C flagged. Phoenix has 17 hours of 27 to 32 °C flagged (design value 21.9 °C).
   */
  public static final double DEFAULT_DEW_POINT_MARGIN_K = 5.0;

  /** Default margin in K outside the 50-year return-period extremes of the dry bulb. */
  public static final double DEFAULT_DRY_BULB_MARGIN_K = 5.0;

  /** Most hours per field that may be repaired by interpolation: a tenth of the year. */
  static final int MAX_ANOMALOUS_HOURS = 876;

  /** Fields per data row in the EPW format. */
  static final int FIELDS_PER_ROW = 35;

  /** Header lines and the keyword each must start with, in file order. */
  private static final String[] HEADER_KEYWORDS = {
    "LOCATION",
    "DESIGN CONDITIONS",
    "TYPICAL/EXTREME PERIODS",
    "GROUND TEMPERATURES",
    "HOLIDAYS/DAYLIGHT SAVINGS",
    "COMMENTS 1",
    "COMMENTS 2",
    "DATA PERIODS"
  };

  // Plausibility limits for any site, used for files without design conditions and as outer
  // bounds of the design-based limits. They are chosen generously rather than sourced: no
  // inhabited site reaches -90 °C or 60 °C air temperature.
  private static final double ABSOLUTE_MIN_TEMPERATURE_C = -90.0;
  private static final double ABSOLUTE_MAX_TEMPERATURE_C = 60.0;
  // Accepted station pressure runs from 60 kPa, roughly the pressure at 4,000 m elevation, to
  // 110 kPa, above sea-level pressure in any weather. No data center site lies outside this band.
  private static final double MIN_PRESSURE_PA = 60_000.0;
  private static final double MAX_PRESSURE_PA = 110_000.0;
  // One hour of irradiance on a horizontal surface cannot exceed the solar constant, about
  // 1,361 W/m² at the top of the atmosphere; 1,500 Wh/m² leaves room for rounding.
  private static final double MAX_GLOBAL_HORIZONTAL_WH_PER_M2 = 1_500.0;
  // A dew point may equal the dry bulb at saturation; the files round both to 0.1 K.
  private static final double DEW_POINT_ABOVE_DRY_BULB_TOLERANCE_K = 0.1;

  // EPW missing-value codes: the EPW data dictionary marks a missing temperature with 99.9 and the
  // EnergyPlus weather converter writes 999 for temperatures and relative humidity, 999999 for
  // pressure and 9999 for radiation (DataMissingValues of its standard EPW definition).
  private static final double MISSING_TEMPERATURE_C = 99.9;
  private static final double MISSING_RELATIVE_HUMIDITY_PCT = 999.0;
  private static final double MISSING_PRESSURE_PA = 999_999.0;
  private static final double MISSING_RADIATION_WH_PER_M2 = 9_999.0;

  private final String field;
  private final int referenceYear;
  private final double dewPointMarginK;
  private final double dryBulbMarginK;

  /** Creates a reader with the defaults, reporting errors on the request field {@code weather}. */
  public EpwReader() {
    this("weather", DEFAULT_REFERENCE_YEAR, DEFAULT_DEW_POINT_MARGIN_K, DEFAULT_DRY_BULB_MARGIN_K);
  }

  /**
   * Creates a reader.
   *
   * @param field the request field that named the file, used in error details
   * @param referenceYear calendar year on which the typical-year rows are placed, 1900 to 2100
   * @param dewPointMarginK margin above the 0.4 % design dew point before a dew point is an
   *     anomaly, at least 0
   * @param dryBulbMarginK margin outside the 50-year extreme dry bulbs before a dry bulb is an
   *     anomaly, at least 0
   */
  public EpwReader(String field, int referenceYear, double dewPointMarginK, double dryBulbMarginK) {
    if (referenceYear < 1900 || referenceYear > 2100) {
      throw new IllegalArgumentException("reference year must be 1900 to 2100: " + referenceYear);
    }
    if (!(dewPointMarginK >= 0) || !(dryBulbMarginK >= 0)) {
      throw new IllegalArgumentException("margins must be finite and at least 0 K");
    }
    this.field = field;
    this.referenceYear = referenceYear;
    this.dewPointMarginK = dewPointMarginK;
    this.dryBulbMarginK = dryBulbMarginK;
  }

  /** Reads a file; errors name it by its file name only, never by its full path. */
  public WeatherYear read(Path file) {
    String fileName = file.getFileName().toString();
    // ISO-8859-1 decodes every byte, so stray bytes surface as a parse error naming the line
    // rather than as a decoding failure without one.
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
      return read(fileName, reader);
    } catch (IOException e) {
      throw new UncheckedIOException("failed to read weather file " + fileName, e);
    }
  }

  /**
   * Reads EPW text.
   *
   * @param fileName the name used in error messages and anomaly reports
   */
  public WeatherYear read(String fileName, BufferedReader reader) throws IOException {
    String[][] header = new String[HEADER_KEYWORDS.length][];
    for (int i = 0; i < HEADER_KEYWORDS.length; i++) {
      int line = i + 1;
      String text = reader.readLine();
      if (text == null || !text.startsWith(HEADER_KEYWORDS[i] + ",")) {
        throw InputErrors.atLine(
            field,
            fileName,
            line,
            "missing header: expected a line starting with '"
                + HEADER_KEYWORDS[i]
                + ",' (an EPW file starts with 8 header lines, LOCATION to DATA PERIODS)");
      }
      header[i] = text.split(",", -1);
    }
    Location location = parseLocation(fileName, header[0]);
    DesignConditions design = parseDesignConditions(fileName, header[1]);
    checkDataPeriods(fileName, header[7]);

    Limits limits = Limits.of(design, dewPointMarginK, dryBulbMarginK);
    Rows rows = new Rows();
    int line = HEADER_KEYWORDS.length;
    String text;
    while ((text = reader.readLine()) != null) {
      line++;
      if (text.isBlank()) {
        continue;
      }
      if (rows.count == WeatherYear.HOURS) {
        throw InputErrors.atLine(
            field, fileName, line, "more than 8760 hourly rows; a typical year has 8760");
      }
      parseRow(fileName, line, text, rows, limits);
    }
    if (rows.count < WeatherYear.HOURS) {
      throw InputErrors.atLine(
          field,
          fileName,
          line,
          "the file ends after " + rows.count + " hourly rows; a typical year has 8760");
    }

    fill(fileName, "dry_bulb_c", rows.dryBulbC, rows.anomalies);
    fill(fileName, "dew_point_c", rows.dewPointC, rows.anomalies);
    fill(fileName, "relative_humidity_pct", rows.relativeHumidityPct, rows.anomalies);
    fill(fileName, "station_pressure_pa", rows.stationPressurePa, rows.anomalies);
    fill(fileName, "global_horizontal_wh_per_m2", rows.globalHorizontalWhPerM2, rows.anomalies);

    return new WeatherYear(
        fileName,
        location.city,
        location.latitudeDeg,
        location.longitudeDeg,
        location.timeZoneHours,
        location.elevationM,
        design,
        referenceYear,
        rows.dryBulbC,
        rows.dewPointC,
        rows.relativeHumidityPct,
        rows.stationPressurePa,
        rows.globalHorizontalWhPerM2,
        utcStarts(location.timeZoneHours),
        rows.anomalies);
  }

  private record Location(
      String city,
      double latitudeDeg,
      double longitudeDeg,
      double timeZoneHours,
      double elevationM) {}

  private Location parseLocation(String fileName, String[] fields) {
    if (fields.length < 10) {
      throw InputErrors.atLine(
          field,
          fileName,
          1,
          "LOCATION has "
              + (fields.length - 1)
              + " fields; expected 9 (city, state, country, source, WMO, latitude, longitude,"
              + " time zone, elevation)");
    }
    double latitude = number(fileName, 1, fields[6], "latitude");
    double longitude = number(fileName, 1, fields[7], "longitude");
    double timeZone = number(fileName, 1, fields[8], "time zone");
    double elevation = number(fileName, 1, fields[9], "elevation");
    if (latitude < -90 || latitude > 90) {
      throw InputErrors.atLine(
          field, fileName, 1, "latitude " + fields[6] + " is outside -90 to 90 degrees");
    }
    if (longitude < -180 || longitude > 180) {
      throw InputErrors.atLine(
          field, fileName, 1, "longitude " + fields[7] + " is outside -180 to 180 degrees");
    }
    // UTC offsets in use run from -12 h (Baker Island) to +14 h (Line Islands).
    if (timeZone < -12 || timeZone > 14) {
      throw InputErrors.atLine(
          field, fileName, 1, "time zone " + fields[8] + " is outside -12 to +14 hours");
    }
    return new Location(fields[1], latitude, longitude, timeZone, elevation);
  }

  /**
   * Reads the ASHRAE design values from {@code DESIGN CONDITIONS,n,source,,Heating,...,Cooling,...,
   * Extremes,...}. Blocks are found by their label, so a format with extra fields still reads.
   * Offsets inside a block follow the ASHRAE 2009 to 2021 layout:
   *
   * <ul>
   *   <li>Heating: coldest month, then the 99.6 % and 99.0 % dry bulbs.
   *   <li>Cooling: hottest month, daily range, the 0.4 % dry bulb, and the 0.4 % dew point 16
   *       fields after the hottest month.
   *   <li>Extremes ends with 12 dry bulbs: mean and standard deviation of the annual minimum and
   *       maximum, then the minimum and maximum for return periods of 5, 10, 20 and 50 years.
   * </ul>
   */
  private DesignConditions parseDesignConditions(String fileName, String[] fields) {
    if (fields.length > 1 && "0".equals(fields[1].trim())) {
      return null;
    }
    int heating = indexOf(fields, "Heating");
    int cooling = indexOf(fields, "Cooling");
    int extremes = indexOf(fields, "Extremes");
    if (heating < 0 || cooling < heating || extremes < cooling) {
      throw InputErrors.atLine(
          field,
          fileName,
          2,
          "DESIGN CONDITIONS lacks the Heating, Cooling and Extremes blocks in that order");
    }
    if (cooling - heating < 4 || extremes - cooling < 18 || fields.length - extremes < 13) {
      throw InputErrors.atLine(
          field,
          fileName,
          2,
          "DESIGN CONDITIONS has too few fields in a Heating, Cooling or" + " Extremes block");
    }
    int end = fields.length;
    return new DesignConditions(
        number(fileName, 2, fields[heating + 2], "heating 99.6 % dry bulb"),
        number(fileName, 2, fields[heating + 3], "heating 99.0 % dry bulb"),
        number(fileName, 2, fields[cooling + 3], "cooling 0.4 % dry bulb"),
        number(fileName, 2, fields[cooling + 17], "cooling 0.4 % dew point"),
        number(fileName, 2, fields[end - 12], "extreme annual mean minimum dry bulb"),
        number(fileName, 2, fields[end - 11], "extreme annual mean maximum dry bulb"),
        number(fileName, 2, fields[end - 2], "50-year minimum dry bulb"),
        number(fileName, 2, fields[end - 1], "50-year maximum dry bulb"));
  }

  private void checkDataPeriods(String fileName, String[] fields) {
    // DATA PERIODS,<periods>,<records per hour>,...: only one period of hourly records is read.
    if (fields.length < 3 || !"1".equals(fields[1].trim()) || !"1".equals(fields[2].trim())) {
      throw InputErrors.atLine(
          field,
          fileName,
          8,
          "DATA PERIODS must declare one period with one record per hour, found '"
              + String.join(",", fields)
              + "'");
    }
  }

  private static int indexOf(String[] fields, String label) {
    for (int i = 0; i < fields.length; i++) {
      if (label.equals(fields[i].trim())) {
        return i;
      }
    }
    return -1;
  }

  /** Column arrays filled row by row; NaN marks a value replaced later by interpolation. */
  private static final class Rows {
    final double[] dryBulbC = new double[WeatherYear.HOURS];
    final double[] dewPointC = new double[WeatherYear.HOURS];
    final double[] relativeHumidityPct = new double[WeatherYear.HOURS];
    final double[] stationPressurePa = new double[WeatherYear.HOURS];
    final double[] globalHorizontalWhPerM2 = new double[WeatherYear.HOURS];
    final List<WeatherAnomaly> anomalies = new ArrayList<>();
    // Start offsets of each field of the current row, plus one past the end of the row.
    final int[] fieldStarts = new int[FIELDS_PER_ROW + 1];
    int count;
  }

  private void parseRow(String fileName, int line, String text, Rows rows, Limits limits) {
    // Only 8 of the 35 fields are read, so the row is scanned for commas instead of split, which
    // keeps a year's read free of about 300,000 substrings.
    int[] starts = rows.fieldStarts;
    int fieldCount = 1;
    starts[0] = 0;
    for (int i = text.indexOf(','); i >= 0; i = text.indexOf(',', i + 1)) {
      if (fieldCount < FIELDS_PER_ROW) {
        starts[fieldCount] = i + 1;
      }
      fieldCount++;
    }
    if (fieldCount != FIELDS_PER_ROW) {
      throw InputErrors.atLine(
          field,
          fileName,
          line,
          "expected " + FIELDS_PER_ROW + " comma-separated fields, found " + fieldCount);
    }
    starts[FIELDS_PER_ROW] = text.length() + 1;
    int row = rows.count;
    int month = integer(fileName, line, text, starts, 1, "month");
    int day = integer(fileName, line, text, starts, 2, "day");
    int hour = integer(fileName, line, text, starts, 3, "hour");
    int expectedMonth = monthOfRow(row);
    int expectedDay = row / 24 - DAYS_BEFORE[expectedMonth - 1] + 1;
    int expectedHour = row % 24 + 1;
    if (month != expectedMonth || day != expectedDay || hour != expectedHour) {
      throw InputErrors.atLine(
          field,
          fileName,
          line,
          "row for month "
              + month
              + ", day "
              + day
              + ", hour "
              + hour
              + " is out of order; expected month "
              + expectedMonth
              + ", day "
              + expectedDay
              + ", hour "
              + expectedHour
              + " (8760 hours of a year without February 29)");
    }
    double dryBulb = number(fileName, line, fieldText(text, starts, 6), "dry bulb (field 7)");
    double dewPoint = number(fileName, line, fieldText(text, starts, 7), "dew point (field 8)");
    double humidity =
        number(fileName, line, fieldText(text, starts, 8), "relative humidity (field 9)");
    double pressure =
        number(fileName, line, fieldText(text, starts, 9), "station pressure (field 10)");
    double ghi =
        number(
            fileName, line, fieldText(text, starts, 13), "global horizontal radiation (field 14)");

    List<WeatherAnomaly> anomalies = rows.anomalies;
    String dryBulbProblem = limits.checkDryBulb(dryBulb);
    if (dryBulbProblem != null) {
      anomalies.add(new WeatherAnomaly(line, "dry_bulb_c", dryBulb, dryBulbProblem));
    }
    String dewPointProblem =
        limits.checkDewPoint(dewPoint, dryBulbProblem == null ? dryBulb : Double.NaN);
    if (dewPointProblem != null) {
      anomalies.add(new WeatherAnomaly(line, "dew_point_c", dewPoint, dewPointProblem));
    }
    String humidityProblem = Limits.checkRelativeHumidity(humidity);
    if (humidityProblem == null && dewPointProblem != null) {
      // The converter derives relative humidity from the same dew point, so it shares its fault.
      humidityProblem = "computed from a rejected dew point";
    }
    if (humidityProblem != null) {
      anomalies.add(new WeatherAnomaly(line, "relative_humidity_pct", humidity, humidityProblem));
    }
    String pressureProblem = Limits.checkPressure(pressure);
    if (pressureProblem != null) {
      anomalies.add(new WeatherAnomaly(line, "station_pressure_pa", pressure, pressureProblem));
    }
    String ghiProblem = Limits.checkGlobalHorizontal(ghi);
    if (ghiProblem != null) {
      anomalies.add(new WeatherAnomaly(line, "global_horizontal_wh_per_m2", ghi, ghiProblem));
    }

    rows.dryBulbC[row] = dryBulbProblem == null ? dryBulb : Double.NaN;
    rows.dewPointC[row] = dewPointProblem == null ? dewPoint : Double.NaN;
    rows.relativeHumidityPct[row] = humidityProblem == null ? humidity : Double.NaN;
    rows.stationPressurePa[row] = pressureProblem == null ? pressure : Double.NaN;
    rows.globalHorizontalWhPerM2[row] = ghiProblem == null ? ghi : Double.NaN;
    rows.count++;
  }

  private static final int[] DAYS_BEFORE = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};

  private static int monthOfRow(int row) {
    int dayOfYear = row / 24;
    int month = 12;
    while (DAYS_BEFORE[month - 1] > dayOfYear) {
      month--;
    }
    return month;
  }

  private void fill(String fileName, String column, double[] values, List<WeatherAnomaly> found) {
    int rejected = 0;
    int firstLine = 0;
    for (WeatherAnomaly anomaly : found) {
      if (anomaly.field().equals(column)) {
        firstLine = rejected == 0 ? anomaly.line() : firstLine;
        rejected++;
      }
    }
    // Interpolating over a tenth of the year would invent the weather rather than repair it; a
    // file this broken is more likely in other units or shifted columns.
    if (rejected > MAX_ANOMALOUS_HOURS) {
      throw InputErrors.atLine(
          field,
          fileName,
          firstLine,
          rejected
              + " hours of "
              + column
              + " are implausible, the first on this line, and at most "
              + MAX_ANOMALOUS_HOURS
              + " are repaired. Check the units and column order of the file");
    }
    if (!Interpolation.fillGaps(values)) {
      throw InputErrors.inFile(
          field, fileName, "no plausible value of " + column + " in any hour of the year");
    }
  }

  /** Returns the UTC start of every row, placed on the reference year. */
  private long[] utcStarts(double timeZoneHours) {
    ZoneOffset offset = ZoneOffset.ofTotalSeconds((int) Math.round(timeZoneHours * 3600));
    long[] starts = new long[WeatherYear.HOURS];
    for (int row = 0; row < WeatherYear.HOURS; row++) {
      int month = monthOfRow(row);
      int day = row / 24 - DAYS_BEFORE[month - 1] + 1;
      // Hour h of an EPW row covers (h - 1):00 to h:00 local standard time.
      LocalDateTime localStart = LocalDateTime.of(referenceYear, month, day, row % 24, 0);
      starts[row] = localStart.toEpochSecond(offset);
    }
    return starts;
  }

  private double number(String fileName, int line, String text, String what) {
    try {
      double value = Double.parseDouble(text.trim());
      if (!Double.isFinite(value)) {
        throw new NumberFormatException();
      }
      return value;
    } catch (NumberFormatException e) {
      throw InputErrors.atLine(field, fileName, line, what + " '" + text + "' is not a number");
    }
  }

  private static String fieldText(String text, int[] starts, int index) {
    return text.substring(starts[index], starts[index + 1] - 1);
  }

  private int integer(
      String fileName, int line, String text, int[] starts, int index, String what) {
    try {
      return Integer.parseInt(text, starts[index], starts[index + 1] - 1, 10);
    } catch (NumberFormatException e) {
      throw InputErrors.atLine(
          field,
          fileName,
          line,
          what + " '" + fieldText(text, starts, index) + "' is not an integer");
    }
  }

  /** Plausibility limits of one file; each check returns null or the reason for rejection. */
  private record Limits(
      double minDryBulbC, double maxDryBulbC, double maxDewPointC, String dewPointBasis) {

    static Limits of(DesignConditions design, double dewPointMarginK, double dryBulbMarginK) {
      if (design == null) {
        return new Limits(
            ABSOLUTE_MIN_TEMPERATURE_C,
            ABSOLUTE_MAX_TEMPERATURE_C,
            ABSOLUTE_MAX_TEMPERATURE_C,
            "the highest plausible air temperature");
      }
      return new Limits(
          Math.max(ABSOLUTE_MIN_TEMPERATURE_C, design.extreme50YearMinDryBulbC() - dryBulbMarginK),
          Math.min(ABSOLUTE_MAX_TEMPERATURE_C, design.extreme50YearMaxDryBulbC() + dryBulbMarginK),
          design.coolingDewPoint004C() + dewPointMarginK,
          "the 0.4 % design dew point "
              + design.coolingDewPoint004C()
              + " °C + "
              + dewPointMarginK
              + " K");
    }

    String checkDryBulb(double value) {
      if (value >= MISSING_TEMPERATURE_C) {
        return "missing-value code";
      }
      if (value < minDryBulbC || value > maxDryBulbC) {
        return "outside "
            + minDryBulbC
            + " to "
            + maxDryBulbC
            + " °C (50-year extremes of the design conditions and a margin)";
      }
      return null;
    }

    /** Checks a dew point; {@code dryBulbC} is NaN when the row's dry bulb was rejected. */
    String checkDewPoint(double value, double dryBulbC) {
      if (value >= MISSING_TEMPERATURE_C) {
        return "missing-value code";
      }
      if (value > maxDewPointC) {
        return "above " + maxDewPointC + " °C (" + dewPointBasis + ")";
      }
      if (value < ABSOLUTE_MIN_TEMPERATURE_C) {
        return "below " + ABSOLUTE_MIN_TEMPERATURE_C + " °C";
      }
      if (value > dryBulbC + DEW_POINT_ABOVE_DRY_BULB_TOLERANCE_K) {
        return "above the dry bulb " + dryBulbC + " °C";
      }
      return null;
    }

    static String checkRelativeHumidity(double value) {
      if (value >= MISSING_RELATIVE_HUMIDITY_PCT) {
        return "missing-value code";
      }
      if (value < 0 || value > 100) {
        return "outside 0 to 100 %";
      }
      return null;
    }

    static String checkPressure(double value) {
      if (value >= MISSING_PRESSURE_PA) {
        return "missing-value code";
      }
      if (value < MIN_PRESSURE_PA || value > MAX_PRESSURE_PA) {
        return "outside 60 to 110 kPa";
      }
      return null;
    }

    static String checkGlobalHorizontal(double value) {
      if (value >= MISSING_RADIATION_WH_PER_M2) {
        return "missing-value code";
      }
      if (value < 0 || value > MAX_GLOBAL_HORIZONTAL_WH_PER_M2) {
        return "outside 0 to " + MAX_GLOBAL_HORIZONTAL_WH_PER_M2 + " Wh/m²";
      }
      return null;
    }
  }
}
