package io.factorytwin.simulation.physics.plant;

/**
 * One chiller's operating point, written by the chiller models into a caller-owned instance so that
 * hourly evaluation allocates nothing. Powers and heat flows in W.
 */
public final class ChillerOperation {

  /** Capacity available at the evaluated temperatures, in W. */
  public double availableCapacityW;

  /** Evaporator load the chiller removes, in W: the requested load up to its maximum. */
  public double loadMetW;

  /** Requested load above the chiller's maximum part-load capacity, in W. */
  public double unmetLoadW;

  /** Part-load ratio: load met over available capacity, before the minimum-unloading limit. */
  public double partLoadRatio;

  /** Fraction of the step the compressor runs; below 1 only when the load is under PLRmin. */
  public double cyclingRatio;

  /** Hot-gas-bypass load added between PLRmin and PLRminUnload, in W (time-averaged). */
  public double falseLoadW;

  /** Compressor electric power, time-averaged over the step, in W. */
  public double powerW;

  /**
   * Heat to the condenser water in W: the evaporator load plus the compressor power. Energy is
   * conserved here because the false load circulates inside the refrigerant circuit.
   */
  public double condenserHeatW;

  /** True when the warm-water Carnot model produced this point, false for the EIR curves. */
  public boolean carnotModel;

  /** Returns the coefficient of performance: load met over compressor power, 0 when off. */
  public double cop() {
    return powerW > 0 ? loadMetW / powerW : 0.0;
  }

  void clear() {
    availableCapacityW = 0;
    loadMetW = 0;
    unmetLoadW = 0;
    partLoadRatio = 0;
    cyclingRatio = 0;
    falseLoadW = 0;
    powerW = 0;
    condenserHeatW = 0;
    carnotModel = false;
  }
}
