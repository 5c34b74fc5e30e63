package io.factorytwin.simulation.physics.thermal;

/**
 * First-law bookkeeping for a run: {@code IT energy + losses = heat rejected + stored heat change}.
 * Each unit adds what it moved over a step, computed by the unit itself: heat carried off by liquid
 * as {@code ṁ·cp·ΔT·dt}, heat to air as a share of IT power. The caller supplies the stored heat
 * {@code Σ C·T} at the start and whenever it checks. A residual larger than the tolerance means
 * some unit creates or destroys energy, for example a rack that computes its outlet rise with a
 * different cp than the loop that carries the heat away.
 */
public final class EnergyLedger {

  private final double initialStoredHeatJoules;
  private double itEnergyJoules;
  private double lossesJoules;
  private double heatRejectedJoules;

  /** Starts a ledger at the stored heat of every node at time zero, in J. */
  public EnergyLedger(double initialStoredHeatJoules) {
    this.initialStoredHeatJoules = initialStoredHeatJoules;
  }

  /** Adds electrical energy drawn by IT equipment, in J. */
  public void addItEnergy(double joules) {
    itEnergyJoules += joules;
  }

  /** Adds facility losses that end up as heat inside the boundary (pumps, fans), in J. */
  public void addLosses(double joules) {
    lossesJoules += joules;
  }

  /** Adds heat that left the boundary (to the plant, to room air), in J. */
  public void addHeatRejected(double joules) {
    heatRejectedJoules += joules;
  }

  /** Returns the energy that entered the boundary, IT energy plus losses, in J. */
  public double energyInJoules() {
    return itEnergyJoules + lossesJoules;
  }

  public double itEnergyJoules() {
    return itEnergyJoules;
  }

  public double lossesJoules() {
    return lossesJoules;
  }

  public double heatRejectedJoules() {
    return heatRejectedJoules;
  }

  /** Returns the stored heat change since the start, in J. */
  public double storedHeatChangeJoules(double storedHeatJoules) {
    return storedHeatJoules - initialStoredHeatJoules;
  }

  /** Returns {@code energy in − heat rejected − stored heat change}, in J. */
  public double imbalanceJoules(double storedHeatJoules) {
    return energyInJoules() - heatRejectedJoules - storedHeatChangeJoules(storedHeatJoules);
  }

  /**
   * Returns the imbalance as a fraction of the energy that entered.
   *
   * @throws IllegalStateException when no energy entered yet, since the ratio is then undefined
   */
  public double relativeError(double storedHeatJoules) {
    double in = energyInJoules();
    if (!(in > 0)) {
      throw new IllegalStateException(
          "relative energy error is undefined before any energy entered; add IT energy first");
    }
    return Math.abs(imbalanceJoules(storedHeatJoules)) / in;
  }

  /** Returns whether the relative error is within a tolerance, for example 0.001 for 0.1 %. */
  public boolean isBalanced(double storedHeatJoules, double tolerance) {
    return relativeError(storedHeatJoules) <= tolerance;
  }
}
