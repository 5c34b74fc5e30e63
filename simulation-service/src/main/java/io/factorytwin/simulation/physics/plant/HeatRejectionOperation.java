package io.factorytwin.simulation.physics.plant;

/**
 * One heat-rejection unit's operating point, written into a caller-owned instance so that hourly
 * evaluation allocates nothing.
 */
public final class HeatRejectionOperation {

  /** Water temperature leaving the unit, in °C. */
  public double leavingWaterC;

  /** Heat rejected to the atmosphere in W, from the unit's own flow · cp · (in − out). */
  public double heatRejectedW;

  /** Time-averaged airflow as a fraction of design airflow. */
  public double airflowFraction;

  /** Fan electric power in W, time-averaged over the step. */
  public double fanPowerW;

  /** Water evaporated in L/h; 0 for a dry cooler. */
  public double evaporationLitersPerHour;

  /** Make-up water in L/h: evaporation plus blowdown; 0 for a dry cooler. */
  public double makeupWaterLitersPerHour;

  void clear(double enteringWaterC) {
    leavingWaterC = enteringWaterC;
    heatRejectedW = 0;
    airflowFraction = 0;
    fanPowerW = 0;
    evaporationLitersPerHour = 0;
    makeupWaterLitersPerHour = 0;
  }
}
