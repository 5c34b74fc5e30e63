package io.factorytwin.simulation.physics.thermal;

import io.factorytwin.simulation.physics.Fluid;

/**
 * A coolant distribution unit between the technology cooling system (TCS, the secondary loop
 * through the racks) and facility water.
 *
 * <p>The secondary return splits at a three-way mixing valve: the valve position x sends {@code
 * x·ṁ} through a counterflow plate heat exchanger (effectiveness-NTU with a fixed UA, see {@link
 * EffectivenessNtu}) and bypasses the rest. Mixing the two streams gives {@code T_mix = T_return −
 * Q/(ṁ·cp)}. A well-mixed volume (reservoir and exchanger holdup) then lags the supply, {@code
 * C·dT/dt = ṁ·cp·(T_mix − T) + P_pump}, with all pump power ending as heat in the liquid. The pump
 * follows the affinity laws. A {@link PidController} moves the valve once per step to hold the TCS
 * supply temperature at its setpoint; the valve has no actuator lag.
 *
 * <p>Vendor literature gives CDU approaches (secondary supply minus facility supply) of 3 to 5 K at
 * design; choose UA for that at the design flows.
 */
public final class Cdu {

  private static final double LITERS_PER_CUBIC_METER = 1000.0;

  private final double uaWattsPerKelvin;
  private final Fluid secondaryFluid;
  private final Fluid facilityFluid;
  private final AffinityLaws pump;
  private final PidController controller;
  private final double volumeHeatCapacity;
  private final FirstOrderNode supply;

  private double supplySetpointC;
  private double pumpSpeedFraction = 1.0;
  private double facilityFlowLitersPerMinute;
  private double valvePosition;

  private double heatToFacilityW;
  private double pumpPowerW;
  private double mixedTemperatureC;
  private double facilityReturnTemperatureC;

  /**
   * Creates a CDU with its supply volume at the setpoint and the valve at an initial position.
   *
   * @param uaWattsPerKelvin exchanger conductance UA in W/K
   * @param secondaryFluid TCS liquid
   * @param facilityFluid facility water
   * @param pump secondary pump design point
   * @param supplyVolumeLiters well-mixed secondary volume (reservoir and exchanger) in L
   * @param controller valve controller; direct acting, output limits within [0, 1]
   * @param supplySetpointC TCS supply setpoint in °C
   * @param facilityFlowLitersPerMinute facility water flow through the exchanger in L/min
   * @param initialValvePosition valve position at the start, in [0, 1]
   */
  public Cdu(
      double uaWattsPerKelvin,
      Fluid secondaryFluid,
      Fluid facilityFluid,
      AffinityLaws pump,
      double supplyVolumeLiters,
      PidController controller,
      double supplySetpointC,
      double facilityFlowLitersPerMinute,
      double initialValvePosition) {
    if (!(uaWattsPerKelvin > 0) || !(supplyVolumeLiters > 0)) {
      throw new IllegalArgumentException(
          "UA and supply volume must be positive, got "
              + uaWattsPerKelvin
              + " W/K and "
              + supplyVolumeLiters
              + " L");
    }
    this.uaWattsPerKelvin = uaWattsPerKelvin;
    this.secondaryFluid = secondaryFluid;
    this.facilityFluid = facilityFluid;
    this.pump = pump;
    this.controller = controller;
    this.volumeHeatCapacity =
        supplyVolumeLiters
            / LITERS_PER_CUBIC_METER
            * secondaryFluid.densityKgPerM3()
            * secondaryFluid.specificHeatJPerKgK();
    this.supplySetpointC = supplySetpointC;
    setFacilityFlow(facilityFlowLitersPerMinute);
    this.valvePosition = Math.max(0.0, Math.min(1.0, initialValvePosition));
    controller.reset(valvePosition);
    // The time constant passed here is replaced each step by C/(ṁ·cp) of that step's flow.
    this.supply = new FirstOrderNode(supplySetpointC, 1.0);
    this.mixedTemperatureC = supplySetpointC;
  }

  /**
   * Advances the CDU by one step with inlet temperatures and flows held constant, then lets the
   * controller set the valve for the next step from the supply temperature at the end of this one.
   *
   * @param dtSeconds step length in s
   * @param returnTemperatureC secondary return temperature arriving at the CDU, in °C
   * @param facilitySupplyTemperatureC facility water temperature entering the exchanger, in °C
   */
  public void step(double dtSeconds, double returnTemperatureC, double facilitySupplyTemperatureC) {
    double secondaryRate = secondaryFluid.capacityRate(secondaryFlowLitersPerMinute());
    double facilityRate = facilityFluid.capacityRate(facilityFlowLitersPerMinute);
    pumpPowerW = pump.powerAt(pumpSpeedFraction);
    heatToFacilityW =
        EffectivenessNtu.counterflowDuty(
            uaWattsPerKelvin,
            valvePosition * secondaryRate,
            facilityRate,
            returnTemperatureC,
            facilitySupplyTemperatureC);
    facilityReturnTemperatureC =
        facilityRate > 0
            ? facilitySupplyTemperatureC + heatToFacilityW / facilityRate
            : facilitySupplyTemperatureC;

    if (secondaryRate > 0) {
      mixedTemperatureC = returnTemperatureC - heatToFacilityW / secondaryRate;
      double target = mixedTemperatureC + pumpPowerW / secondaryRate;
      supply.step(dtSeconds, target, volumeHeatCapacity / secondaryRate);
    } else {
      // No secondary flow: the exchanger moves no heat (its duty is 0 above) and the volume rests.
      mixedTemperatureC = supply.value();
      supply.step(dtSeconds, supply.value());
    }

    valvePosition = controller.update(supplySetpointC, supply.value(), dtSeconds);
  }

  /** Returns the secondary flow the pump delivers at its present speed, in L/min. */
  public double secondaryFlowLitersPerMinute() {
    return pump.flowAt(pumpSpeedFraction);
  }

  /** Sets the pump speed as a fraction of design speed, clamped to [0, 1]. */
  public void setPumpSpeed(double speedFraction) {
    pumpSpeedFraction = Math.max(0.0, Math.min(1.0, speedFraction));
  }

  /** Sets the facility water flow through the exchanger, in L/min. */
  public void setFacilityFlow(double flowLitersPerMinute) {
    if (!(flowLitersPerMinute >= 0)) {
      throw new IllegalArgumentException(
          "facility flow must be zero or positive, got " + flowLitersPerMinute + " L/min");
    }
    facilityFlowLitersPerMinute = flowLitersPerMinute;
  }

  public void setSupplySetpoint(double temperatureC) {
    supplySetpointC = temperatureC;
  }

  /** Sets the supply volume temperature, for example to start at a steady state. */
  public void resetSupplyTemperature(double temperatureC) {
    supply.reset(temperatureC);
  }

  /** Returns the mean supply temperature over the last step, the liquid sent to the racks. */
  public double supplyStepMeanC() {
    return supply.lastStepMean();
  }

  /** Returns the supply temperature at the end of the last step, the controller's measurement. */
  public double supplyTemperatureC() {
    return supply.value();
  }

  public double supplySetpointC() {
    return supplySetpointC;
  }

  /** Returns the temperature after the mixing valve over the last step, in °C. */
  public double mixedTemperatureC() {
    return mixedTemperatureC;
  }

  /** Returns the exchanger duty over the last step, in W. */
  public double heatToFacilityW() {
    return heatToFacilityW;
  }

  /** Returns the pump's electrical power over the last step, in W. */
  public double pumpPowerW() {
    return pumpPowerW;
  }

  /** Returns the facility water temperature leaving the exchanger over the last step, in °C. */
  public double facilityReturnTemperatureC() {
    return facilityReturnTemperatureC;
  }

  /** Returns the valve position the controller set for the next step, in [0, 1]. */
  public double valvePosition() {
    return valvePosition;
  }

  public double uaWattsPerKelvin() {
    return uaWattsPerKelvin;
  }

  public Fluid secondaryFluid() {
    return secondaryFluid;
  }

  public Fluid facilityFluid() {
    return facilityFluid;
  }

  public double facilityFlowLitersPerMinute() {
    return facilityFlowLitersPerMinute;
  }

  /** Returns the heat capacity of the supply volume, in J/K. */
  public double supplyVolumeHeatCapacity() {
    return volumeHeatCapacity;
  }

  /** Returns the heat stored in the supply volume, {@code C·T} in J with T in °C. */
  public double storedHeatJoules() {
    return volumeHeatCapacity * supply.value();
  }
}
