package io.factorytwin.simulation.input;

import java.time.Instant;
import java.util.List;

/**
 * Hourly grid carbon intensity in gCO2/kWh on consecutive UTC hours, with gaps already filled by
 * linear interpolation and listed in {@link #gapHours()}.
 */
public final class CarbonSeries {

  private final String fileName;
  private final long firstHourEpochSecond;
  private final double[] gramsPerKwh;
  private final List<Instant> gapHours;
  private final double meanReportedGramsPerKwh;

  CarbonSeries(
      String fileName,
      long firstHourEpochSecond,
      double[] gramsPerKwh,
      List<Instant> gapHours,
      double meanReportedGramsPerKwh) {
    this.fileName = fileName;
    this.firstHourEpochSecond = firstHourEpochSecond;
    this.gramsPerKwh = gramsPerKwh;
    this.gapHours = List.copyOf(gapHours);
    this.meanReportedGramsPerKwh = meanReportedGramsPerKwh;
  }

  public String fileName() {
    return fileName;
  }

  /** The UTC start of the first hour. */
  public Instant firstHour() {
    return Instant.ofEpochSecond(firstHourEpochSecond);
  }

  /** Number of consecutive hours, gaps included. */
  public int hours() {
    return gramsPerKwh.length;
  }

  /** Carbon intensity of the hour at an index from {@link #firstHour()}, in gCO2/kWh. */
  public double gramsPerKwh(int hour) {
    return gramsPerKwh[hour];
  }

  /**
   * Returns the index of the hour that starts at a UTC instant, given in epoch seconds, or -1 when
   * the series does not cover it or the instant is not on a whole hour.
   */
  public int indexOf(long utcEpochSecond) {
    long offset = utcEpochSecond - firstHourEpochSecond;
    if (offset < 0 || offset % 3600 != 0 || offset / 3600 >= gramsPerKwh.length) {
      return -1;
    }
    return (int) (offset / 3600);
  }

  /** The UTC starts of the hours that had no value in the file and were interpolated. */
  public List<Instant> gapHours() {
    return gapHours;
  }

  /** Mean in gCO2/kWh over the hours that had a value in the file, gaps left out. */
  public double meanReportedGramsPerKwh() {
    return meanReportedGramsPerKwh;
  }
}
