package io.factorytwin.simulation.input;

import io.factorytwin.support.error.InvalidArgumentException;
import java.time.LocalDateTime;
import java.time.Year;
import java.time.ZoneOffset;

/**
 * Weather, grid carbon and utilization joined on the UTC hours of one calendar year, as primitive
 * arrays indexed by the hour of the year (0 is January 1, 00:00 to 01:00 UTC).
 *
 * <p>The weather file is in local standard time, so UTC hour {@code h} takes the EPW row of the
 * local standard hour that starts at {@code h + time zone}: for Leesburg (UTC-5) the row of local
 * 01:00 to 02:00 on January 1 joins UTC 06:00. The first UTC hours of the year fall on the last
 * local hours of December 31 and take those rows, because a typical year repeats. For a time zone
 * with a fraction of an hour the two overlapping rows are interpolated. On February 29 of a leap
 * year the weather of February 28 repeats, since EPW typical years have no such day.
 *
 * <p>Carbon rows are taken as hour-beginning UTC timestamps, the same convention as the EPW rows
 * after conversion. The workload trace has no timestamps and starts at UTC hour 0.
 *
 * <p>NOTE: the carbon files do not state whether a timestamp starts or ends its hour. If they are
 * hour-ending, every carbon value here is joined one hour late.
 *
 * <p>Wet bulb and other psychrometric quantities are not computed here. The array accessors return
 * the arrays themselves, not copies, so that a year-long loop reads them without allocating;
 * callers must not write to them.
 */
public final class HourlyInputs {

  private final int year;
  private final long firstHourEpochSecond;
  private final int[] monthUtc;
  private final double[] dryBulbC;
  private final double[] dewPointC;
  private final double[] relativeHumidityPct;
  private final double[] stationPressurePa;
  private final double[] globalHorizontalWhPerM2;
  private final double[] carbonGramsPerKwh;
  private final double[] utilization;

  private HourlyInputs(int year, int hours) {
    this.year = year;
    this.firstHourEpochSecond = LocalDateTime.of(year, 1, 1, 0, 0).toEpochSecond(ZoneOffset.UTC);
    this.monthUtc = new int[hours];
    this.dryBulbC = new double[hours];
    this.dewPointC = new double[hours];
    this.relativeHumidityPct = new double[hours];
    this.stationPressurePa = new double[hours];
    this.globalHorizontalWhPerM2 = new double[hours];
    this.carbonGramsPerKwh = new double[hours];
    this.utilization = new double[hours];
  }

  /**
   * Joins the three inputs on the UTC hours of {@code year}.
   *
   * @throws InvalidArgumentException on the field {@code carbon} when the carbon series does not
   *     cover every hour of the year
   */
  public static HourlyInputs join(
      WeatherYear weather, CarbonSeries carbon, WorkloadTrace workload, int year) {
    return join(weather, carbon, workload, year, "carbon");
  }

  /** Joins as {@link #join(WeatherYear, CarbonSeries, WorkloadTrace, int)} with a named field. */
  public static HourlyInputs join(
      WeatherYear weather,
      CarbonSeries carbon,
      WorkloadTrace workload,
      int year,
      String carbonField) {
    int hours = Year.of(year).length() * 24;
    HourlyInputs inputs = new HourlyInputs(year, hours);
    long first = inputs.firstHourEpochSecond;
    int firstCarbon = carbon.indexOf(first);
    if (firstCarbon < 0 || carbon.indexOf(first + (hours - 1) * 3600L) < 0) {
      throw InputErrors.inFile(
          carbonField,
          carbon.fileName(),
          "the series covers "
              + carbon.firstHour()
              + " and "
              + carbon.hours()
              + " hours after it, which does not cover every UTC hour of "
              + year);
    }
    int offsetSeconds = (int) Math.round(weather.timeZoneHours() * 3600);
    ZoneOffset local = ZoneOffset.ofTotalSeconds(offsetSeconds);
    for (int hour = 0; hour < hours; hour++) {
      long utc = first + hour * 3600L;
      LocalDateTime utcTime = LocalDateTime.ofEpochSecond(utc, 0, ZoneOffset.UTC);
      inputs.monthUtc[hour] = utcTime.getMonthValue();

      LocalDateTime localTime = LocalDateTime.ofEpochSecond(utc, 0, local);
      int month = localTime.getMonthValue();
      int day = localTime.getDayOfMonth();
      if (month == 2 && day == 29) {
        day = 28;
      }
      int row = WeatherYear.rowOf(month, day, localTime.getHour() + 1);
      int next = (row + 1) % WeatherYear.HOURS;
      double fraction = (localTime.getMinute() * 60 + localTime.getSecond()) / 3600.0;
      inputs.dryBulbC[hour] = mix(weather.dryBulbC(row), weather.dryBulbC(next), fraction);
      inputs.dewPointC[hour] = mix(weather.dewPointC(row), weather.dewPointC(next), fraction);
      inputs.relativeHumidityPct[hour] =
          mix(weather.relativeHumidityPct(row), weather.relativeHumidityPct(next), fraction);
      inputs.stationPressurePa[hour] =
          mix(weather.stationPressurePa(row), weather.stationPressurePa(next), fraction);
      inputs.globalHorizontalWhPerM2[hour] =
          mix(
              weather.globalHorizontalWhPerM2(row),
              weather.globalHorizontalWhPerM2(next),
              fraction);
      inputs.carbonGramsPerKwh[hour] = carbon.gramsPerKwh(firstCarbon + hour);
      inputs.utilization[hour] = workload.utilization(hour);
    }
    return inputs;
  }

  private static double mix(double a, double b, double fraction) {
    return fraction == 0 ? a : a + (b - a) * fraction;
  }

  public int year() {
    return year;
  }

  /** Number of hours: 8,760, or 8,784 in a leap year. */
  public int hours() {
    return monthUtc.length;
  }

  /** Returns the UTC start of an hour of the year in epoch seconds. */
  public long utcEpochSecond(int hour) {
    return firstHourEpochSecond + hour * 3600L;
  }

  /** Month 1..12 of each hour in UTC. */
  public int[] monthUtc() {
    return monthUtc;
  }

  /** Dry bulb in °C per UTC hour. */
  public double[] dryBulbC() {
    return dryBulbC;
  }

  /** Dew point in °C per UTC hour. */
  public double[] dewPointC() {
    return dewPointC;
  }

  /** Relative humidity in % per UTC hour. */
  public double[] relativeHumidityPct() {
    return relativeHumidityPct;
  }

  /** Station pressure in Pa per UTC hour. */
  public double[] stationPressurePa() {
    return stationPressurePa;
  }

  /** Global horizontal irradiation in Wh/m² per UTC hour. */
  public double[] globalHorizontalWhPerM2() {
    return globalHorizontalWhPerM2;
  }

  /** Grid carbon intensity in gCO2/kWh per UTC hour. */
  public double[] carbonGramsPerKwh() {
    return carbonGramsPerKwh;
  }

  /** IT utilization 0..1 per UTC hour. */
  public double[] utilization() {
    return utilization;
  }
}
