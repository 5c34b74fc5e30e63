package io.factorytwin.simulation.input;

/** Linear gap filling for hourly series in which NaN marks a missing or rejected hour. */
final class Interpolation {

  private Interpolation() {}

  /**
   * Replaces each NaN by linear interpolation between the nearest valid hours before and after it.
   * NaNs before the first or after the last valid hour take that hour's value.
   *
   * @return false if the series has no valid hour at all, and then nothing is changed
   */
  static boolean fillGaps(double[] values) {
    int previous = -1;
    for (int i = 0; i < values.length; i++) {
      if (Double.isNaN(values[i])) {
        continue;
      }
      if (previous == -1) {
        for (int j = 0; j < i; j++) {
          values[j] = values[i];
        }
      } else if (i - previous > 1) {
        double step = (values[i] - values[previous]) / (i - previous);
        for (int j = previous + 1; j < i; j++) {
          values[j] = values[previous] + step * (j - previous);
        }
      }
      previous = i;
    }
    if (previous == -1) {
      return false;
    }
    for (int j = previous + 1; j < values.length; j++) {
      values[j] = values[previous];
    }
    return true;
  }
}
