package io.factorytwin.simulation.physics.thermal;

/**
 * One technology cooling system loop: a bank of racks fed by one CDU through a supply pipe, a
 * return pipe back to the CDU, and the facility water loop behind the CDU.
 *
 * <p>Within a step the units run in flow order, each with its inputs held constant: the racks draw
 * the step's volume from the supply pipe, push their mixed outlet into the return pipe, the CDU
 * takes the same volume from the return pipe, and its supply is pushed back into the supply pipe
 * for the next step. Because every transfer is a parcel of known volume and temperature and every
 * node is solved exactly, enthalpy is conserved to rounding error, which {@link EnergyLedger}
 * checks.
 *
 * <p>The pump flow is split equally between the racks.
 */
public final class TcsLoop {

  private static final double SECONDS_PER_MINUTE = 60.0;

  private final RackBank racks;
  private final TransportDelay supplyPipe;
  private final TransportDelay returnPipe;
  private final Cdu cdu;
  private final FacilityWaterLoop facility;
  private double rackFlowLitersPerMinute = Double.NaN;
  private double rackInletTemperatureC;
  private double cduReturnTemperatureC;

  /**
   * Wires the units together. The pipes' liquid is taken to be the CDU's secondary fluid.
   *
   * @param supplyPipe pipe from the CDU to the racks; its volume must exceed one step's flow
   */
  public TcsLoop(
      RackBank racks,
      TransportDelay supplyPipe,
      TransportDelay returnPipe,
      Cdu cdu,
      FacilityWaterLoop facility) {
    this.racks = racks;
    this.supplyPipe = supplyPipe;
    this.returnPipe = returnPipe;
    this.cdu = cdu;
    this.facility = facility;
  }

  /**
   * Advances the loop by one step.
   *
   * @param dtSeconds step length in s
   * @param plantSupplyTemperatureC facility water temperature returning from the plant, in °C
   * @param plantFlowLitersPerMinute facility water flow through the plant, in L/min
   */
  public void step(
      double dtSeconds, double plantSupplyTemperatureC, double plantFlowLitersPerMinute) {
    double flow = cdu.secondaryFlowLitersPerMinute();
    double perRack = flow / racks.size();
    if (perRack != rackFlowLitersPerMinute) {
      for (int i = 0; i < racks.size(); i++) {
        racks.setFlow(i, perRack);
      }
      rackFlowLitersPerMinute = perRack;
    }
    double volume = flow / SECONDS_PER_MINUTE * dtSeconds;

    rackInletTemperatureC = supplyPipe.pop(volume);
    racks.step(dtSeconds, rackInletTemperatureC);
    returnPipe.push(volume, racks.mixedOutletTemperatureC());
    cduReturnTemperatureC = returnPipe.pop(volume);
    cdu.step(dtSeconds, cduReturnTemperatureC, facility.temperatureC());
    supplyPipe.push(volume, cdu.supplyStepMeanC());
    facility.step(
        dtSeconds, cdu.heatToFacilityW(), plantSupplyTemperatureC, plantFlowLitersPerMinute);
  }

  /** Adds the last step's IT energy, pump heat and heat rejected to a ledger. */
  public void record(EnergyLedger ledger, double dtSeconds) {
    ledger.addItEnergy(racks.totalItPowerW() * dtSeconds);
    ledger.addLosses(cdu.pumpPowerW() * dtSeconds);
    ledger.addHeatRejected((racks.totalAirHeatW() + facility.heatToPlantW()) * dtSeconds);
  }

  /** Returns the heat stored in every node of the loop, {@code Σ C·T} in J with T in °C. */
  public double storedHeatJoules() {
    return racks.storedHeatJoules()
        + supplyPipe.storedHeatJoules(cdu.secondaryFluid())
        + returnPipe.storedHeatJoules(cdu.secondaryFluid())
        + cdu.storedHeatJoules()
        + facility.storedHeatJoules();
  }

  public RackBank racks() {
    return racks;
  }

  public Cdu cdu() {
    return cdu;
  }

  public FacilityWaterLoop facility() {
    return facility;
  }

  /** Returns the coolant temperature the racks received over the last step, in °C. */
  public double rackInletTemperatureC() {
    return rackInletTemperatureC;
  }

  /** Returns the return temperature that reached the CDU over the last step, in °C. */
  public double cduReturnTemperatureC() {
    return cduReturnTemperatureC;
  }
}
