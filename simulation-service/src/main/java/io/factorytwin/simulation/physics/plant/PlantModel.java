package io.factorytwin.simulation.physics.plant;

import io.factorytwin.simulation.physics.Fluid;

/**
 * The heat-rejection plant of one hall for one quasi-steady step: facility water loop, CRAHs,
 * economizer, chillers and a cooling-tower or dry-cooler bank.
 *
 * <p>Topology. The CDUs (modelled elsewhere) and the CRAH coils put their heat into the facility
 * water loop, which is supplied at a setpoint. On its way back the facility water passes first a
 * plate heat exchanger cooled by the heat-rejection loop (the economizer), then the chiller
 * evaporators. The heat-rejection loop runs in series the other way: from the towers or dry coolers
 * through the economizer heat exchanger, then the chiller condensers, and back.
 *
 * <ul>
 *   <li>FREE_COOLING: chillers off; the bank's fans hold the economizer leaving water at the supply
 *       setpoint, or run at full speed and let the supply float above it.
 *   <li>PARTIAL: the bank's fans run at full speed to precool as much as possible; the chillers
 *       cool from the precooled temperature to the setpoint.
 *   <li>MECHANICAL: the economizer is bypassed; the bank's fans hold the condenser water at the
 *       higher of its minimum and the supply setpoint.
 * </ul>
 *
 * <p>Heat rejected is computed by the bank from its own flow, fluid and temperatures, while the
 * loop temperatures come from heat balances on the plant's loop fluids. The two agree only when the
 * bank's water properties and flow match the loop, so {@link #checkEnergyBalance(PlantHour,
 * double)} catches a unit configured inconsistently.
 *
 * <p>An instance keeps scratch results between calls so that evaluation allocates nothing; it is
 * not thread-safe.
 */
public final class PlantModel {

  /** Relative tolerance of the energy balance over a step. */
  public static final double ENERGY_BALANCE_TOLERANCE = 1e-3;

  private static final int MAX_ITERATIONS = 50;
  private static final double ITERATION_TOLERANCE_K = 1e-6;

  /**
   * Plant equipment and loop parameters.
   *
   * @param chiller one chiller of the bank
   * @param chillerCount chillers installed; they share the load equally when staged on
   * @param heatRejection the cooling-tower or dry-cooler bank
   * @param crah the CRAH bank; its coils must be on facility water
   * @param economizer mode selection
   * @param economizerApproachK approach of the economizer heat exchanger, in K
   * @param minCondenserWaterC lowest condenser water the bank makes for the chillers, in °C
   * @param facilityPumps facility water pumps
   * @param facilityDesignDeltaK facility water rise at design flow, in K; sets the flow
   * @param condenserPumps heat-rejection loop pumps; they follow the facility pumps' flow fraction,
   *     down to their own minimum
   * @param facilityFluid liquid of the facility water loop
   * @param condenserFluid liquid of the heat-rejection loop in the plant's heat balance
   */
  public record Configuration(
      Chiller chiller,
      int chillerCount,
      HeatRejectionUnit heatRejection,
      Crah crah,
      Economizer economizer,
      double economizerApproachK,
      double minCondenserWaterC,
      Pump facilityPumps,
      double facilityDesignDeltaK,
      Pump condenserPumps,
      Fluid facilityFluid,
      Fluid condenserFluid) {

    /** Economizer plate heat-exchanger approach in K; an assumption (1 to 2 K is common). */
    public static final double DEFAULT_ECONOMIZER_APPROACH_K = 1.5;

    /** Lowest condenser water in °C; an assumption, inside the McQuay curves' fitted range. */
    public static final double DEFAULT_MIN_CONDENSER_WATER_C = 18.0;

    /** Facility water rise in K; an assumption in the 8 to 12 K that CDU designs use. */
    public static final double DEFAULT_FACILITY_DELTA_K = 10.0;

    /** Condenser water range in K: 5.6 K is the conventional 10 °F of tower ratings. */
    public static final double DEFAULT_CONDENSER_DELTA_K = 5.6;

    /** Facility pump head in m; an assumption for a hall-scale loop with CDUs. */
    public static final double DEFAULT_FACILITY_HEAD_M = 30.0;

    /** Condenser pump head in m; an assumption for an open tower loop. */
    public static final double DEFAULT_CONDENSER_HEAD_M = 25.0;

    /** Lowest facility pump flow fraction; an assumption. */
    public static final double DEFAULT_FACILITY_MIN_FLOW_FRACTION = 0.3;

    /** Lowest condenser pump flow fraction, kept for water distribution over the tower fill. */
    public static final double DEFAULT_CONDENSER_MIN_FLOW_FRACTION = 0.5;

    /** Design margin on chillers and heat rejection over the design load; an assumption. */
    public static final double DEFAULT_SIZING_MARGIN = 1.2;

    public Configuration {
      if (chiller == null
          || heatRejection == null
          || crah == null
          || economizer == null
          || facilityPumps == null
          || condenserPumps == null
          || facilityFluid == null
          || condenserFluid == null) {
        throw new IllegalArgumentException("plant configuration: no component may be null");
      }
      if (chillerCount < 1) {
        throw new IllegalArgumentException("chillerCount must be at least 1, got " + chillerCount);
      }
      if (crah.coolingSource() != Crah.CoolingSource.FACILITY_WATER) {
        // NOTE: a separate chilled-water loop for the CRAHs is not modelled yet.
        throw new IllegalArgumentException(
            "crah.coolingSource must be FACILITY_WATER; chilled-water CRAHs are not modelled");
      }
      Arguments.nonNegative("economizerApproachK", economizerApproachK);
      Arguments.finite("minCondenserWaterC", minCondenserWaterC);
      Arguments.positive("facilityDesignDeltaK", facilityDesignDeltaK);
    }

    /**
     * Creates a plant sized for a design IT heat with the documented defaults: McQuay PFH chillers
     * and a heat-rejection bank, both with the default margin.
     *
     * @param designLiquidHeatW IT heat to liquid at design, in W
     * @param designAirHeatW IT heat to air at design, in W
     * @param coolingTower true for an evaporative tower bank, false for dry coolers
     */
    public static Configuration sizedFor(
        double designLiquidHeatW, double designAirHeatW, boolean coolingTower) {
      Arguments.nonNegative("designLiquidHeatW", designLiquidHeatW);
      Arguments.nonNegative("designAirHeatW", designAirHeatW);
      double designHeat = designLiquidHeatW + designAirHeatW;
      Arguments.positive("designLiquidHeatW + designAirHeatW", designHeat);

      Chiller chiller =
          Chiller.of(
              ElectricEirChiller.MCQUAY_PFH_2124KW, ElectricEirChiller.MCQUAY_PFH_2124KW_RANGE);
      double chillerCapacity = ElectricEirChiller.MCQUAY_PFH_2124KW.referenceCapacityW();
      int chillers = (int) Math.ceil(designHeat * DEFAULT_SIZING_MARGIN / chillerCapacity);
      // The bank rejects the IT heat plus chiller power, about 1/COP more.
      double rejection = designHeat * DEFAULT_SIZING_MARGIN * (1 + 1 / 6.0);
      HeatRejectionUnit unit =
          coolingTower ? CoolingTower.withDefaults(rejection) : DryCooler.withDefaults(rejection);
      Crah crah = Crah.withDefaults(Math.max(designAirHeatW, 1.0) * DEFAULT_SIZING_MARGIN);

      Fluid water = Fluid.WATER;
      double facilityFlow =
          designHeat * DEFAULT_SIZING_MARGIN / (water.capacityRate(1.0) * DEFAULT_FACILITY_DELTA_K);
      double condenserFlow = rejection / (water.capacityRate(1.0) * DEFAULT_CONDENSER_DELTA_K);
      Pump facilityPumps =
          new Pump(
              facilityFlow,
              DEFAULT_FACILITY_HEAD_M,
              Pump.DEFAULT_WIRE_TO_WATER_EFFICIENCY,
              DEFAULT_FACILITY_MIN_FLOW_FRACTION,
              water);
      Pump condenserPumps =
          new Pump(
              condenserFlow,
              DEFAULT_CONDENSER_HEAD_M,
              Pump.DEFAULT_WIRE_TO_WATER_EFFICIENCY,
              DEFAULT_CONDENSER_MIN_FLOW_FRACTION,
              water);
      return new Configuration(
          chiller,
          chillers,
          unit,
          crah,
          Economizer.withDefaults(),
          DEFAULT_ECONOMIZER_APPROACH_K,
          DEFAULT_MIN_CONDENSER_WATER_C,
          facilityPumps,
          DEFAULT_FACILITY_DELTA_K,
          condenserPumps,
          water,
          water);
    }

    /** Returns a copy with another heat-rejection bank. */
    public Configuration withHeatRejection(HeatRejectionUnit unit) {
      return new Configuration(
          chiller,
          chillerCount,
          unit,
          crah,
          economizer,
          economizerApproachK,
          minCondenserWaterC,
          facilityPumps,
          facilityDesignDeltaK,
          condenserPumps,
          facilityFluid,
          condenserFluid);
    }
  }

  private final Configuration configuration;
  private final double facilityDesignHeatW;
  private final ChillerOperation chillerScratch = new ChillerOperation();
  private final HeatRejectionOperation rejectionScratch = new HeatRejectionOperation();
  private final CrahOperation crahScratch = new CrahOperation();

  public PlantModel(Configuration configuration) {
    if (configuration == null) {
      throw new IllegalArgumentException("configuration must not be null");
    }
    this.configuration = configuration;
    this.facilityDesignHeatW =
        configuration
                .facilityFluid()
                .capacityRate(configuration.facilityPumps().designFlowLitersPerMinute())
            * configuration.facilityDesignDeltaK();
  }

  public Configuration configuration() {
    return configuration;
  }

  /**
   * Evaluates the plant over one step and writes the result into {@code result}.
   *
   * @param itHeatToLiquidW IT heat the CDUs pass to facility water, in W
   * @param itHeatToAirW IT heat released to the room air, in W
   * @param dryBulbC outdoor dry bulb in °C
   * @param dewPointC outdoor dew point in °C
   * @param pressurePa station pressure in Pa
   * @param supplySetpointC facility water supply setpoint in °C
   * @param stepSeconds step length in s (3,600 for design evaluation)
   * @param modeMemory economizer mode memory, updated in place
   */
  public void evaluate(
      double itHeatToLiquidW,
      double itHeatToAirW,
      double dryBulbC,
      double dewPointC,
      double pressurePa,
      double supplySetpointC,
      double stepSeconds,
      EconomizerState modeMemory,
      PlantHour result) {
    Arguments.nonNegative("itHeatToLiquidW", itHeatToLiquidW);
    Arguments.nonNegative("itHeatToAirW", itHeatToAirW);
    Arguments.finite("dryBulbC", dryBulbC);
    Arguments.finite("dewPointC", dewPointC);
    Arguments.positive("pressurePa", pressurePa);
    Arguments.finite("supplySetpointC", supplySetpointC);
    Arguments.positive("stepSeconds", stepSeconds);
    if (modeMemory == null) {
      throw new IllegalArgumentException("modeMemory must not be null");
    }
    Configuration c = configuration;
    HeatRejectionUnit bank = c.heatRejection();

    double wetBulb = Psychrometrics.wetBulb(dryBulbC, dewPointC, pressurePa);
    double sink = bank.sinkTemperatureC(dryBulbC, wetBulb);

    c.crah().evaluateAirHeat(itHeatToAirW, crahScratch);
    double facilityLoad = itHeatToLiquidW + crahScratch.heatToWaterW;

    // Variable facility flow that keeps the design rise; the pump power ends in the water.
    Pump facilityPumps = c.facilityPumps();
    double facilityFraction = facilityPumps.flowFraction(facilityLoad / facilityDesignHeatW);
    double facilityPumpPower = facilityPumps.powerW(facilityFraction);
    double facilityFlow = facilityFraction * facilityPumps.designFlowLitersPerMinute();
    double facilityHeat = facilityLoad + facilityPumpPower;
    double facilityRate = c.facilityFluid().capacityRate(facilityFlow);
    double returnAtSetpoint = supplySetpointC + facilityHeat / facilityRate;

    Pump condenserPumps = c.condenserPumps();
    // Both loops follow the same load signal, so the condenser pumps track the facility pumps.
    double condenserFraction = condenserPumps.flowFraction(facilityFraction);
    double condenserFlow = condenserFraction * condenserPumps.designFlowLitersPerMinute();
    double condenserPumpPower = condenserPumps.powerW(condenserFraction);
    double condenserRate = c.condenserFluid().capacityRate(condenserFlow);

    double available =
        bank.leavingAtFullAirflowC(sink, facilityHeat + condenserPumpPower)
            + c.economizerApproachK();
    EconomizerMode mode =
        c.economizer()
            .select(modeMemory, available, supplySetpointC, returnAtSetpoint, stepSeconds);

    clear(result);
    result.mode = mode;
    result.freeCooling = mode == EconomizerMode.FREE_COOLING;
    result.wetBulbC = wetBulb;
    result.facilityFlowLitersPerMinute = facilityFlow;
    result.facilityPumpPowerW = facilityPumpPower;
    result.condenserPumpPowerW = condenserPumpPower;
    result.crahFanPowerW = crahScratch.fanPowerW;

    double bankLeaving;
    double bankHeat;
    double supply;
    switch (mode) {
      case FREE_COOLING -> {
        bankHeat = facilityHeat + condenserPumpPower;
        bankLeaving =
            Math.max(
                supplySetpointC - c.economizerApproachK(),
                bank.leavingAtFullAirflowC(sink, bankHeat));
        supply = bankLeaving + c.economizerApproachK();
        result.economizerHeatW = facilityHeat;
      }
      case PARTIAL -> {
        bankLeaving = bank.leavingAtFullAirflowC(sink, facilityHeat + condenserPumpPower);
        bankHeat = facilityHeat + condenserPumpPower;
        for (int i = 0; i < MAX_ITERATIONS; i++) {
          double precooled =
              Math.min(
                  returnAtSetpoint,
                  Math.max(supplySetpointC, bankLeaving + c.economizerApproachK()));
          double economizerHeat = facilityRate * (returnAtSetpoint - precooled);
          double enteringCondenser = bankLeaving + economizerHeat / condenserRate;
          runChillers(facilityHeat - economizerHeat, supplySetpointC, enteringCondenser, result);
          result.economizerHeatW = economizerHeat;
          bankHeat = economizerHeat + result.chillerCondenserHeatW + condenserPumpPower;
          double next = bank.leavingAtFullAirflowC(sink, bankHeat);
          boolean converged = Math.abs(next - bankLeaving) < ITERATION_TOLERANCE_K;
          bankLeaving = next;
          if (converged) {
            break;
          }
        }
        supply = supplySetpointC;
      }
      case MECHANICAL -> {
        double target = Math.max(c.minCondenserWaterC(), supplySetpointC);
        bankLeaving = Math.max(target, bank.leavingAtFullAirflowC(sink, facilityHeat));
        bankHeat = facilityHeat + condenserPumpPower;
        for (int i = 0; i < MAX_ITERATIONS; i++) {
          runChillers(facilityHeat, supplySetpointC, bankLeaving, result);
          bankHeat = result.chillerCondenserHeatW + condenserPumpPower;
          double next = Math.max(target, bank.leavingAtFullAirflowC(sink, bankHeat));
          boolean converged = Math.abs(next - bankLeaving) < ITERATION_TOLERANCE_K;
          bankLeaving = next;
          if (converged) {
            break;
          }
        }
        supply = supplySetpointC;
      }
      default -> throw new IllegalStateException("unknown economizer mode " + mode);
    }
    // Load the chillers could not carry leaves the evaporators warmer than the setpoint.
    supply += result.unmetHeatW / facilityRate;

    // The bank computes its heat from its own fluid; the entering temperature comes from the
    // plant's heat balance on the condenser loop.
    double bankEntering = bankLeaving + bankHeat / condenserRate;
    bank.evaluate(bankEntering, condenserFlow, dryBulbC, wetBulb, bankLeaving, rejectionScratch);

    result.supplyTemperatureC = supply;
    result.returnTemperatureC = supply + facilityHeat / facilityRate;
    result.heatRejectionFanPowerW = rejectionScratch.fanPowerW;
    result.heatRejectedW = rejectionScratch.heatRejectedW;
    result.heatRejectionEnteringC = bankEntering;
    result.heatRejectionLeavingC = rejectionScratch.leavingWaterC;
    result.heatRejectionFlowLitersPerMinute = condenserFlow;
    result.waterUseLiters = rejectionScratch.makeupWaterLitersPerHour * stepSeconds / 3600.0;
    result.unmetHeatW += crahScratch.unmetAirHeatW;
    result.heatInW =
        itHeatToLiquidW
            + itHeatToAirW
            + crahScratch.fanPowerW
            + crahScratch.latentHeatW
            + facilityPumpPower
            + condenserPumpPower
            + result.chillerPowerW;
  }

  /** Stages the chillers on for an evaporator load and stores their totals in the result. */
  private void runChillers(
      double loadW, double leavingC, double enteringCondenserC, PlantHour result) {
    Chiller chiller = configuration.chiller();
    // Below zero lift the curves do not apply; the chillers then run at zero lift.
    double condenser = Math.max(enteringCondenserC, leavingC);
    result.enteringCondenserWaterC = condenser;
    if (loadW <= 0) {
      result.chillersRunning = 0;
      result.chillerLoadW = 0;
      result.chillerPowerW = 0;
      result.chillerCondenserHeatW = 0;
      result.unmetHeatW = 0;
      return;
    }
    double capacity = chiller.availableCapacityW(leavingC, condenser);
    int running =
        (int) Math.min(configuration.chillerCount(), Math.max(1, Math.ceil(loadW / capacity)));
    chiller.evaluate(loadW / running, leavingC, condenser, chillerScratch);
    result.chillersRunning = running;
    result.chillerLoadW = chillerScratch.loadMetW * running;
    result.chillerPowerW = chillerScratch.powerW * running;
    result.chillerCondenserHeatW = chillerScratch.condenserHeatW * running;
    result.unmetHeatW = chillerScratch.unmetLoadW * running;
  }

  private static void clear(PlantHour result) {
    result.economizerHeatW = 0;
    result.chillersRunning = 0;
    result.chillerLoadW = 0;
    result.chillerPowerW = 0;
    result.chillerCondenserHeatW = 0;
    result.enteringCondenserWaterC = Double.NaN;
    result.unmetHeatW = 0;
  }

  /**
   * Checks that the heat entering the loops equals the heat rejected plus the heat left unmet.
   *
   * @throws IllegalStateException when the relative error exceeds {@code tolerance}
   */
  public static void checkEnergyBalance(PlantHour hour, double tolerance) {
    double error = hour.energyBalanceError();
    if (!(error <= tolerance)) {
      throw new IllegalStateException(
          String.format(
              "plant energy balance failed: heat in %.1f W, rejected %.1f W, unmet %.1f W,"
                  + " relative error %.2e above %.1e; check the fluid and flow of each"
                  + " heat-rejection unit",
              hour.heatInW, hour.heatRejectedW, hour.unmetHeatW, error, tolerance));
    }
  }
}
