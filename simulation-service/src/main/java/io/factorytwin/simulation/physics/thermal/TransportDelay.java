package io.factorytwin.simulation.physics.thermal;

import io.factorytwin.simulation.physics.Fluid;

/**
 * Plug flow through a pipe: liquid leaves in the order it entered, so a temperature change at the
 * inlet reaches the outlet after {@code pipe volume / flow}. The pipe contents are a queue of
 * parcels (volume, temperature) in a fixed ring buffer. Each step pushes the volume that entered
 * and pops the same volume at the outlet, splitting the oldest parcel where needed. Volume and
 * enthalpy are conserved exactly, which an upwind finite-volume pipe would also do but only by
 * smearing a step change over many cells.
 *
 * <p>When the ring is full, the incoming parcel is mixed into the newest one: enthalpy stays
 * conserved and only the sharpness of the front suffers. Size the ring for at least {@code delay /
 * dt} parcels to avoid that.
 */
public final class TransportDelay {

  private static final double LITERS_PER_CUBIC_METER = 1000.0;

  private final double[] parcelVolumeLiters;
  private final double[] parcelTemperatureC;
  private final double pipeVolumeLiters;
  private int oldest;
  private int count;
  private double contentLiters;

  /**
   * Creates a pipe filled with liquid at one temperature.
   *
   * @param pipeVolumeLiters internal volume in L, positive
   * @param initialTemperatureC temperature of the initial fill in °C
   * @param parcelCapacity ring size; needs at least {@code delay / dt + 2} for an unsmeared front
   */
  public TransportDelay(double pipeVolumeLiters, double initialTemperatureC, int parcelCapacity) {
    if (!(pipeVolumeLiters > 0)) {
      throw new IllegalArgumentException(
          "pipe volume must be positive, got " + pipeVolumeLiters + " L");
    }
    if (parcelCapacity < 2) {
      throw new IllegalArgumentException(
          "parcel capacity must be at least 2, got " + parcelCapacity);
    }
    this.pipeVolumeLiters = pipeVolumeLiters;
    this.parcelVolumeLiters = new double[parcelCapacity];
    this.parcelTemperatureC = new double[parcelCapacity];
    parcelVolumeLiters[0] = pipeVolumeLiters;
    parcelTemperatureC[0] = initialTemperatureC;
    count = 1;
    contentLiters = pipeVolumeLiters;
  }

  /** Adds a parcel at the inlet. A zero volume (no flow) is ignored. */
  public void push(double volumeLiters, double temperatureC) {
    if (!(volumeLiters >= 0)) {
      throw new IllegalArgumentException(
          "pushed volume must be zero or positive, got " + volumeLiters + " L");
    }
    if (volumeLiters == 0) {
      return;
    }
    contentLiters += volumeLiters;
    if (count == parcelVolumeLiters.length) {
      int newest = (oldest + count - 1) % parcelVolumeLiters.length;
      double merged = parcelVolumeLiters[newest] + volumeLiters;
      parcelTemperatureC[newest] =
          (parcelVolumeLiters[newest] * parcelTemperatureC[newest] + volumeLiters * temperatureC)
              / merged;
      parcelVolumeLiters[newest] = merged;
      return;
    }
    int slot = (oldest + count) % parcelVolumeLiters.length;
    parcelVolumeLiters[slot] = volumeLiters;
    parcelTemperatureC[slot] = temperatureC;
    count++;
  }

  /**
   * Removes a volume at the outlet and returns its mean temperature in °C. A zero volume returns
   * the temperature at the outlet face without removing anything.
   *
   * @throws IllegalStateException when the pipe contains less than the requested volume, which
   *     means a caller popped more than it pushed plus the pipe volume
   */
  public double pop(double volumeLiters) {
    if (!(volumeLiters >= 0)) {
      throw new IllegalArgumentException(
          "popped volume must be zero or positive, got " + volumeLiters + " L");
    }
    if (volumeLiters == 0) {
      return parcelTemperatureC[oldest];
    }
    // Rounding in repeated push/pop sums can leave the last parcel a few ulps short.
    double slack = 1e-9 * Math.max(volumeLiters, pipeVolumeLiters);
    if (volumeLiters > contentLiters + slack) {
      throw new IllegalStateException(
          "pipe underflow: requested "
              + volumeLiters
              + " L but the pipe contains "
              + contentLiters
              + " L; push each step's flow before popping it or enlarge the pipe volume");
    }
    double remaining = volumeLiters;
    double volumeTimesTemperature = 0.0;
    while (remaining > slack) {
      double available = parcelVolumeLiters[oldest];
      if (available > remaining) {
        volumeTimesTemperature += remaining * parcelTemperatureC[oldest];
        parcelVolumeLiters[oldest] = available - remaining;
        contentLiters -= remaining;
        remaining = 0.0;
        break;
      }
      volumeTimesTemperature += available * parcelTemperatureC[oldest];
      remaining -= available;
      contentLiters -= available;
      if (count == 1) {
        // An emptied pipe keeps its last parcel at zero volume as the outlet temperature.
        parcelVolumeLiters[oldest] = 0.0;
        break;
      }
      oldest = (oldest + 1) % parcelVolumeLiters.length;
      count--;
    }
    double removed = volumeLiters - Math.max(remaining, 0.0);
    return removed > 0 ? volumeTimesTemperature / removed : parcelTemperatureC[oldest];
  }

  /** Returns the transport delay in s at a flow in L/min. */
  public double delaySeconds(double flowLitersPerMinute) {
    return pipeVolumeLiters / flowLitersPerMinute * 60.0;
  }

  /**
   * Returns the volume now in the pipe, in L: the pipe volume plus what was pushed and not popped.
   */
  public double contentLiters() {
    return contentLiters;
  }

  /**
   * Returns the heat stored in the pipe contents, {@code ρ·cp·Σ V·T} in J with T in °C. Only
   * differences of this value mean anything, and only while the contents keep the same volume.
   */
  public double storedHeatJoules(Fluid fluid) {
    double sum = 0.0;
    for (int i = 0; i < count; i++) {
      int slot = (oldest + i) % parcelVolumeLiters.length;
      sum += parcelVolumeLiters[slot] * parcelTemperatureC[slot];
    }
    return sum / LITERS_PER_CUBIC_METER * fluid.densityKgPerM3() * fluid.specificHeatJPerKgK();
  }
}
