package io.factorytwin.simulation.physics.thermal;

import io.factorytwin.simulation.physics.Fluid;

/**
 * The facility water loop between the CDUs and the heat-rejection plant as one well-mixed volume:
 * {@code C·dT/dt = Q_cdu + ṁ_plant·cp·(T_plant,supply − T)}, with {@code C = V·ρ·cp}. The CDUs'
 * warm return mixes into the volume, which is also the water the CDUs draw. The single node ignores
 * transport delay and stratification in the facility pipes.
 *
 * <p>For a constant CDU heat and plant inlet over a step the ODE is first order with {@code τ =
 * C/(ṁ·cp)} and target {@code T_plant,supply + Q_cdu/(ṁ·cp)}, solved exactly; the heat sent to the
 * plant is {@code ṁ·cp·(mean T over the step − T_plant,supply)}, so stored heat plus heat to the
 * plant equals heat in, step by step.
 */
public final class FacilityWaterLoop {

  private static final double LITERS_PER_CUBIC_METER = 1000.0;

  private final Fluid fluid;
  private final double heatCapacity;
  private final FirstOrderNode node;
  private double heatToPlantW;

  /**
   * Creates the loop at a uniform temperature.
   *
   * @param volumeLiters water volume of pipes, headers and tanks, in L
   * @param fluid facility water
   * @param initialTemperatureC temperature at the start, in °C
   */
  public FacilityWaterLoop(double volumeLiters, Fluid fluid, double initialTemperatureC) {
    if (!(volumeLiters > 0)) {
      throw new IllegalArgumentException(
          "loop volume must be positive, got " + volumeLiters + " L");
    }
    this.fluid = fluid;
    this.heatCapacity =
        volumeLiters
            / LITERS_PER_CUBIC_METER
            * fluid.densityKgPerM3()
            * fluid.specificHeatJPerKgK();
    // The time constant is replaced each step by C/(ṁ·cp) of that step's plant flow.
    this.node = new FirstOrderNode(initialTemperatureC, 1.0);
  }

  /**
   * Advances the loop by one step.
   *
   * @param dtSeconds step length in s
   * @param heatInW heat from the CDUs over the step, in W
   * @param plantSupplyTemperatureC water temperature returning from the plant, in °C
   * @param plantFlowLitersPerMinute flow through the plant, in L/min
   */
  public void step(
      double dtSeconds,
      double heatInW,
      double plantSupplyTemperatureC,
      double plantFlowLitersPerMinute) {
    double plantRate = fluid.capacityRate(plantFlowLitersPerMinute);
    if (plantRate > 0) {
      double target = plantSupplyTemperatureC + heatInW / plantRate;
      node.step(dtSeconds, target, heatCapacity / plantRate);
      heatToPlantW = plantRate * (node.lastStepMean() - plantSupplyTemperatureC);
    } else {
      // No plant flow: the volume only warms, linearly.
      node.reset(node.value() + heatInW * dtSeconds / heatCapacity);
      heatToPlantW = 0.0;
    }
  }

  /** Returns the water temperature at the end of the last step, what the CDUs draw, in °C. */
  public double temperatureC() {
    return node.value();
  }

  /** Returns the mean heat sent to the plant over the last step, in W. */
  public double heatToPlantW() {
    return heatToPlantW;
  }

  /** Returns the heat capacity V·ρ·cp, in J/K. */
  public double heatCapacityJPerK() {
    return heatCapacity;
  }

  /** Returns the stored heat {@code C·T} in J with T in °C. */
  public double storedHeatJoules() {
    return heatCapacity * node.value();
  }

  public Fluid fluid() {
    return fluid;
  }
}
