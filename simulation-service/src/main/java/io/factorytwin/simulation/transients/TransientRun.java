package io.factorytwin.simulation.transients;

import java.util.List;

/**
 * The outcome of one transient run: KPIs, the energy ledger and the down-sampled series.
 *
 * @param itEnergyJ IT energy, in J
 * @param chillersJ chiller compressor energy, in J
 * @param heatRejectionFansJ tower or dry-cooler fan energy, in J
 * @param pumpsJ CDU, facility and condenser pump energy, in J
 * @param crahsJ CRAH fan energy, in J
 * @param maxGpuTemperatureC highest GPU temperature reached, including the ripple peak, in °C
 * @param gpuOverLimitMinutes simulated minutes in which any GPU was above its maximum operating
 *     temperature
 * @param thermalSpikeCount GPU excursions above the maximum operating temperature; see {@link
 *     TransientEngine} for the definition
 * @param tokens tokens produced, a model estimate
 * @param peakFacilityPowerW highest mean facility power over a plant step, in W
 * @param energyInJ IT energy plus every loss that ends as heat in the loops, in J
 * @param heatRejectedJ heat rejected by the towers or dry coolers, from their own flow, heat
 *     capacity and temperature difference, plus air heat handed to the CRAHs, in J
 * @param unmetHeatJ heat the plant could not remove, in J
 * @param storedHeatChangeJ change of the heat stored in GPU nodes, pipes, CDUs and facility loop
 * @param energyBalanceError |energy in − heat rejected − unmet − stored change| over energy in
 * @param simulatedSeconds simulated time covered, in s
 * @param thermalSteps thermal steps taken per rack
 * @param series the down-sampled series
 */
public record TransientRun(
    double itEnergyJ,
    double chillersJ,
    double heatRejectionFansJ,
    double pumpsJ,
    double crahsJ,
    double maxGpuTemperatureC,
    double gpuOverLimitMinutes,
    long thermalSpikeCount,
    double tokens,
    double peakFacilityPowerW,
    double energyInJ,
    double heatRejectedJ,
    double unmetHeatJ,
    double storedHeatChangeJ,
    double energyBalanceError,
    double simulatedSeconds,
    long thermalSteps,
    List<SeriesData> series) {

  /**
   * One down-sampled series.
   *
   * @param name lower_snake_case name with the unit as suffix
   * @param unit unit as twin-service spells it
   * @param resolutionSeconds bucket width on the simulation clock, in s
   * @param values one value per bucket, the first bucket starting at the run start
   */
  public record SeriesData(String name, String unit, double resolutionSeconds, double[] values) {}

  /** Returns the cooling energy over every component, in J. */
  public double coolingEnergyJ() {
    return chillersJ + heatRejectionFansJ + pumpsJ + crahsJ;
  }

  /** Returns IT plus cooling energy, in J. Power-chain losses are not modelled here. */
  public double facilityEnergyJ() {
    return itEnergyJ + coolingEnergyJ();
  }

  /** Returns the series of a name, or throws when the run has none. */
  public SeriesData series(String name) {
    for (SeriesData data : series) {
      if (data.name().equals(name)) {
        return data;
      }
    }
    throw new IllegalArgumentException("no series " + name);
  }
}
