package io.factorytwin.simulation.transients;

import io.factorytwin.simulation.physics.Fluid;
import io.factorytwin.simulation.physics.thermal.AffinityLaws;
import io.factorytwin.simulation.physics.thermal.RackBank;

/**
 * Design of one CDU and its TCS loop as the transient engine needs it.
 *
 * @param name CDU name, used in failure messages
 * @param uaWattsPerKelvin exchanger conductance UA in W/K
 * @param pump secondary pump design point
 * @param supplyVolumeLiters well-mixed secondary volume (reservoir and exchanger), in L
 * @param pipeVolumeLiters volume of the supply pipe, and again of the return pipe, in L
 * @param facilityFlowLitersPerMinute facility water flow through the exchanger, in L/min
 * @param secondaryFluid TCS liquid in the CDU and its pipes
 * @param rackCoolant liquid the racks of this CDU use to compute their outlet rise; the same as
 *     {@code secondaryFluid} in a consistent model. A different value models a unit configured with
 *     the wrong heat capacity, which the energy balance must catch.
 * @param valveGain proportional gain of the valve PID, in valve fraction per K
 * @param valveIntegralSeconds integral time of the valve PID, in s
 * @param designApproachK TCS supply minus facility water supply at the design duty, in K; the
 *     plant's supply temperature reset keeps the facility supply at least this far below the TCS
 *     setpoint
 */
public record CduDesign(
    String name,
    double uaWattsPerKelvin,
    AffinityLaws pump,
    double supplyVolumeLiters,
    double pipeVolumeLiters,
    double facilityFlowLitersPerMinute,
    Fluid secondaryFluid,
    Fluid rackCoolant,
    double valveGain,
    double valveIntegralSeconds,
    double designApproachK) {

  /** OCP guideline flow per kW of rack power, in L/min per kW (REFERENCE.md, OCP OAI v1.0). */
  public static final double FLOW_LITERS_PER_MINUTE_PER_KW = 1.5;

  /** CDU approach the exchanger is sized for at full valve, in K; vendors quote 3 to 5 K. */
  public static final double DESIGN_APPROACH_K = 3.0;

  /**
   * Secondary pump head at design flow, in kPa. NOTE: an assumption for a hall-scale TCS loop (cold
   * plates, manifolds and exchanger); no vendor figure at hand.
   */
  public static final double PUMP_HEAD_KPA = 250.0;

  /** Wire-to-water pump efficiency; the same assumption as the plant's {@code Pump}. */
  public static final double PUMP_EFFICIENCY = 0.7;

  /** Supply volume per rack, in L; an assumption for reservoir and exchanger holdup. */
  public static final double SUPPLY_LITERS_PER_RACK = 20.0;

  /** Pipe volume per rack and direction, in L; an assumption (about 7 s of transport delay). */
  public static final double PIPE_LITERS_PER_RACK = 20.0;

  /** Valve PID gains, tuned on the transient engine for a damped response with 2 × 7 s delay. */
  public static final double DEFAULT_VALVE_GAIN = 0.08;

  public static final double DEFAULT_VALVE_INTEGRAL_SECONDS = 40.0;

  public CduDesign {
    if (!(uaWattsPerKelvin > 0)
        || !(supplyVolumeLiters > 0)
        || !(pipeVolumeLiters > 0)
        || !(facilityFlowLitersPerMinute > 0)
        || !(valveGain >= 0)
        || !(valveIntegralSeconds > 0)
        || !(designApproachK >= 0)) {
      throw new IllegalArgumentException(
          "CDU "
              + name
              + ": UA, volumes, facility flow and integral time must be positive, and the design"
              + " approach must not be negative");
    }
  }

  /**
   * Sizes a CDU for a number of racks: secondary flow 1.5 L/min per kW of rated rack power, the
   * facility flow for the same rise, and UA for a {@value #DESIGN_APPROACH_K} K approach at the
   * rated liquid heat with the valve fully open (counterflow ε-NTU solved for NTU).
   */
  public static CduDesign sizedFor(String name, int racks, RackBank.Parameters rack, Fluid fluid) {
    double ratedKw = racks * rack.ratedPowerWatts() / 1000.0;
    double flow = FLOW_LITERS_PER_MINUTE_PER_KW * ratedKw;
    double heat = racks * rack.ratedPowerWatts() * rack.liquidShare();
    double rate = fluid.capacityRate(flow);
    double rise = heat / rate;
    // Equal capacity rates on both sides (Cr = 1): ε = NTU/(1 + NTU), so NTU = ε/(1 − ε).
    double effectiveness = rise / (rise + DESIGN_APPROACH_K);
    double ntu = effectiveness / (1 - effectiveness);
    double pumpPower = PUMP_HEAD_KPA * 1000.0 * flow / 60_000.0 / PUMP_EFFICIENCY;
    return new CduDesign(
        name,
        ntu * rate,
        new AffinityLaws(flow, PUMP_HEAD_KPA, pumpPower),
        SUPPLY_LITERS_PER_RACK * racks,
        PIPE_LITERS_PER_RACK * racks,
        flow,
        fluid,
        fluid,
        DEFAULT_VALVE_GAIN,
        DEFAULT_VALVE_INTEGRAL_SECONDS,
        DESIGN_APPROACH_K);
  }

  /** Returns a copy whose racks compute their outlet rise with another liquid. */
  public CduDesign withRackCoolant(Fluid coolant) {
    return new CduDesign(
        name,
        uaWattsPerKelvin,
        pump,
        supplyVolumeLiters,
        pipeVolumeLiters,
        facilityFlowLitersPerMinute,
        secondaryFluid,
        coolant,
        valveGain,
        valveIntegralSeconds,
        designApproachK);
  }

  /** Returns a copy with other valve PID gains. */
  public CduDesign withValveGains(double gain, double integralSeconds) {
    return new CduDesign(
        name,
        uaWattsPerKelvin,
        pump,
        supplyVolumeLiters,
        pipeVolumeLiters,
        facilityFlowLitersPerMinute,
        secondaryFluid,
        rackCoolant,
        gain,
        integralSeconds,
        designApproachK);
  }
}
