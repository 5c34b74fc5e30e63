package io.factorytwin.simulation.physics.plant;

import io.factorytwin.simulation.physics.Fluid;

/** A bank of identical cooling towers or dry coolers that cools one water loop. */
public sealed interface HeatRejectionUnit permits CoolingTower, DryCooler {

  /**
   * Returns the air temperature the unit approaches, in °C: the wet bulb for an evaporative tower,
   * the dry bulb for a dry cooler.
   */
  double sinkTemperatureC(double dryBulbC, double wetBulbC);

  /** Returns the approach in K at design heat rejection and full airflow. */
  double designApproachK();

  /** Returns the leaving water temperature in °C when rejecting {@code heatW} at full airflow. */
  double leavingAtFullAirflowC(double sinkTemperatureC, double heatW);

  /** Returns the water whose properties the unit uses to compute the heat it rejects. */
  Fluid fluid();

  /**
   * Evaluates the unit for water entering at a temperature and flow and writes the result into
   * {@code result}. The fans run at the least airflow that brings the water down to the setpoint,
   * or at full airflow when the setpoint is out of reach.
   *
   * @param enteringWaterC water temperature entering the unit, in °C
   * @param flowLitersPerMinute water flow through the whole bank, in L/min
   * @param dryBulbC outdoor dry bulb in °C
   * @param wetBulbC outdoor wet bulb in °C
   * @param leavingSetpointC requested leaving water temperature, in °C
   */
  void evaluate(
      double enteringWaterC,
      double flowLitersPerMinute,
      double dryBulbC,
      double wetBulbC,
      double leavingSetpointC,
      HeatRejectionOperation result);
}
