package io.factorytwin.simulation.physics.thermal;

/**
 * Pump and fan affinity laws at fixed impeller diameter: flow is proportional to speed, head to
 * speed squared and shaft power to speed cubed (turn2engineering.com, "Pump affinity laws
 * formula"). They hold along a system curve that passes through the origin (pure friction, no
 * static head), which is the case of a closed cooling loop.
 *
 * @param designFlowLitersPerMinute flow at full speed, in L/min
 * @param designHeadKilopascals pressure rise at full speed, in kPa
 * @param designPowerWatts electrical input at full speed, in W
 */
public record AffinityLaws(
    double designFlowLitersPerMinute, double designHeadKilopascals, double designPowerWatts) {

  public AffinityLaws {
    if (!(designFlowLitersPerMinute > 0)
        || !(designHeadKilopascals >= 0)
        || !(designPowerWatts >= 0)) {
      throw new IllegalArgumentException(
          "design point needs a positive flow and a non-negative head and power, got "
              + designFlowLitersPerMinute
              + " L/min, "
              + designHeadKilopascals
              + " kPa, "
              + designPowerWatts
              + " W");
    }
  }

  /** Returns the flow in L/min at a speed given as a fraction of design speed. */
  public double flowAt(double speedFraction) {
    return designFlowLitersPerMinute * speedFraction;
  }

  /** Returns the head in kPa at a speed given as a fraction of design speed. */
  public double headAt(double speedFraction) {
    return designHeadKilopascals * speedFraction * speedFraction;
  }

  /** Returns the power in W at a speed given as a fraction of design speed. */
  public double powerAt(double speedFraction) {
    return designPowerWatts * speedFraction * speedFraction * speedFraction;
  }

  /** Returns the speed fraction that delivers a flow in L/min. */
  public double speedForFlow(double flowLitersPerMinute) {
    return flowLitersPerMinute / designFlowLitersPerMinute;
  }

  /** Returns the power in W needed for a flow in L/min. */
  public double powerForFlow(double flowLitersPerMinute) {
    return powerAt(speedForFlow(flowLitersPerMinute));
  }
}
