package io.factorytwin.simulation.input;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A typical weather year read from an EPW file: 8,760 hourly rows in the file's order (January 1,
 * hour 1, to December 31, hour 24), with implausible values already replaced by interpolation and
 * listed in {@link #anomalies()}.
 *
 * <p>Row {@code r} covers one hour of local standard time, starting at {@code (hour - 1):00}.
 * {@link #utcStart(int)} places that hour on the reference year in UTC.
 */
public final class WeatherYear {

  /** Rows of a typical year: 365 days of 24 hours; EPW typical years have no February 29. */
  public static final int HOURS = 8760;

  private static final int[] DAYS_BEFORE_MONTH = {
    0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334
  };

  private final String fileName;
  private final String city;
  private final double latitudeDeg;
  private final double longitudeDeg;
  private final double timeZoneHours;
  private final double elevationM;
  private final DesignConditions designConditions;
  private final int referenceYear;
  private final double[] dryBulbC;
  private final double[] dewPointC;
  private final double[] relativeHumidityPct;
  private final double[] stationPressurePa;
  private final double[] globalHorizontalWhPerM2;
  private final long[] utcStartEpochSeconds;
  private final List<WeatherAnomaly> anomalies;

  WeatherYear(
      String fileName,
      String city,
      double latitudeDeg,
      double longitudeDeg,
      double timeZoneHours,
      double elevationM,
      DesignConditions designConditions,
      int referenceYear,
      double[] dryBulbC,
      double[] dewPointC,
      double[] relativeHumidityPct,
      double[] stationPressurePa,
      double[] globalHorizontalWhPerM2,
      long[] utcStartEpochSeconds,
      List<WeatherAnomaly> anomalies) {
    this.fileName = fileName;
    this.city = city;
    this.latitudeDeg = latitudeDeg;
    this.longitudeDeg = longitudeDeg;
    this.timeZoneHours = timeZoneHours;
    this.elevationM = elevationM;
    this.designConditions = designConditions;
    this.referenceYear = referenceYear;
    this.dryBulbC = dryBulbC;
    this.dewPointC = dewPointC;
    this.relativeHumidityPct = relativeHumidityPct;
    this.stationPressurePa = stationPressurePa;
    this.globalHorizontalWhPerM2 = globalHorizontalWhPerM2;
    this.utcStartEpochSeconds = utcStartEpochSeconds;
    this.anomalies = List.copyOf(anomalies);
  }

  /** Returns the row index of a local-standard-time hour; {@code hour} runs from 1 to 24. */
  public static int rowOf(int month, int day, int hour) {
    return (DAYS_BEFORE_MONTH[month - 1] + day - 1) * 24 + hour - 1;
  }

  public String fileName() {
    return fileName;
  }

  public String city() {
    return city;
  }

  public double latitudeDeg() {
    return latitudeDeg;
  }

  /** Longitude in degrees, east positive. */
  public double longitudeDeg() {
    return longitudeDeg;
  }

  /** Offset of local standard time from UTC in hours, such as -5.0 for US Eastern. */
  public double timeZoneHours() {
    return timeZoneHours;
  }

  public double elevationM() {
    return elevationM;
  }

  /** The ASHRAE design values of the file, empty when its DESIGN CONDITIONS line has none. */
  public Optional<DesignConditions> designConditions() {
    return Optional.ofNullable(designConditions);
  }

  /** The calendar year on which the typical-year rows are placed for {@link #utcStart}. */
  public int referenceYear() {
    return referenceYear;
  }

  /** Dry-bulb temperature in °C (EPW field 7). */
  public double dryBulbC(int row) {
    return dryBulbC[row];
  }

  /** Dew-point temperature in °C (EPW field 8). */
  public double dewPointC(int row) {
    return dewPointC[row];
  }

  /** Relative humidity in % (EPW field 9). */
  public double relativeHumidityPct(int row) {
    return relativeHumidityPct[row];
  }

  /** Atmospheric station pressure in Pa (EPW field 10). */
  public double stationPressurePa(int row) {
    return stationPressurePa[row];
  }

  /** Global horizontal irradiation over the hour in Wh/m² (EPW field 14). */
  public double globalHorizontalWhPerM2(int row) {
    return globalHorizontalWhPerM2[row];
  }

  /** Returns the UTC instant at which the row's hour starts, on the reference year. */
  public Instant utcStart(int row) {
    return Instant.ofEpochSecond(utcStartEpochSeconds[row]);
  }

  /** The values that were replaced by interpolation, in file order. */
  public List<WeatherAnomaly> anomalies() {
    return anomalies;
  }
}
