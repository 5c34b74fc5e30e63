package io.factorytwin.simulation.physics.plant;

/** A CRAH bank's operating point, written into a caller-owned instance. Heat flows in W. */
public final class CrahOperation {

  /** Rack heat released to the room air, in W. */
  public double airHeatW;

  /** Rack heat to air above the bank's capacity, in W; the room warms when this is positive. */
  public double unmetAirHeatW;

  /** Airflow as a fraction of design airflow. */
  public double airflowFraction;

  /** Fan electric power in W. */
  public double fanPowerW;

  /** Latent heat of the moisture the coils condense, in W. */
  public double latentHeatW;

  /** Total coil load passed to the water loop, in W: sensible (air heat met + fan) + latent. */
  public double heatToWaterW;
}
