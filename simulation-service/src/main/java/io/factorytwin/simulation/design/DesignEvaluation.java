package io.factorytwin.simulation.design;

import com.google.protobuf.Timestamp;
import io.factorytwin.simulation.input.HourlyInputs;
import io.factorytwin.simulation.model.FacilityModel;
import io.factorytwin.simulation.model.FacilityModel.Cdu;
import io.factorytwin.simulation.model.FacilityModel.HeatRejectionKind;
import io.factorytwin.simulation.model.FacilityModel.Plant;
import io.factorytwin.simulation.model.FacilityModel.Rack;
import io.factorytwin.simulation.physics.Fluid;
import io.factorytwin.simulation.physics.plant.Chiller;
import io.factorytwin.simulation.physics.plant.CoolingTower;
import io.factorytwin.simulation.physics.plant.Crah;
import io.factorytwin.simulation.physics.plant.DryCooler;
import io.factorytwin.simulation.physics.plant.EconomizerState;
import io.factorytwin.simulation.physics.plant.ElectricEirChiller;
import io.factorytwin.simulation.physics.plant.HeatRejectionUnit;
import io.factorytwin.simulation.physics.plant.PlantHour;
import io.factorytwin.simulation.physics.plant.PlantModel;
import io.factorytwin.simulation.physics.plant.PowerChain;
import io.factorytwin.simulation.physics.plant.PowerChainLosses;
import io.factorytwin.simulation.physics.plant.Pump;
import io.factorytwin.simulation.v1.AnnualKpis;
import io.factorytwin.simulation.v1.CoolingEnergy;
import io.factorytwin.simulation.v1.Series;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * A year of hourly quasi-steady steps of one facility: rack power from utilization, CDU approach,
 * the plant (economizer, chillers, towers or dry coolers, CRAHs, pumps), power-chain losses and
 * on-site solar, with the annual KPIs, daily series and the energy balance.
 *
 * <p>Energy balance over the year: electricity in (IT, power-chain losses, CDU pumps, cooling
 * plant) plus latent heat taken from the room air equals the heat rejected plus the heat stored.
 * The heat rejected is integrated per heat-rejection unit from that unit's flow share, its own
 * fluid's heat capacity and its entering and leaving water temperatures, and not derived from the
 * IT power. Heat-rejection fan power leaves with the exhaust air, power-chain losses are taken out
 * by the electrical rooms' ventilation, and heat the plant could not remove (unmet) counts as
 * stored in the water.
 *
 * <p>An instance is built for one model and is not thread-safe.
 */
public final class DesignEvaluation {

  /** Relative energy balance error above which a run fails: 0.1 %, as the job contract states. */
  public static final double ENERGY_BALANCE_TOLERANCE = 1e-3;

  /**
   * Idle share of rack power, as in {@code RackBank.Parameters.gb200Nvl72()}: an estimate without a
   * published source.
   */
  static final double IDLE_FRACTION = 0.3;

  /** CDU secondary pump head in m: an assumption for a row-scale TCS loop. */
  static final double CDU_PUMP_HEAD_M = 20.0;

  /** Lowest CDU pump flow fraction: an assumption, as for the facility pumps. */
  static final double CDU_MIN_FLOW_FRACTION = 0.3;

  /**
   * Power-chain rating over design IT power: an assumption (UPS and transformers at 80 % of their
   * rating at design load).
   */
  static final double POWER_CHAIN_RATING_FACTOR = 1.25;

  /**
   * Run options.
   *
   * @param workload the throughput table row to count tokens with
   * @param unitFluids the fluid of each heat-rejection unit, used to integrate the heat it rejects;
   *     null for water in every unit. A test gives one unit a wrong heat capacity here.
   */
  public record Options(String workload, List<Fluid> unitFluids) {
    public static final Options DEFAULT = new Options(ThroughputTable.DEFAULT_WORKLOAD, null);
  }

  /**
   * The outcome of a run.
   *
   * @param kpis the annual KPIs, the energy balance error included
   * @param series daily series, without labels
   * @param balanceFailure a sentence on the failed energy balance, or null when it held
   */
  public record Result(AnnualKpis kpis, List<Series> series, String balanceFailure) {
    public boolean balanced() {
      return balanceFailure == null;
    }
  }

  private final FacilityModel model;
  private final Options options;
  private final PlantModel plant;
  private final Fluid[] unitFluids;
  private final PowerChain powerChain;
  private final Pump[] cduPumps;
  private final int[] rackCdu;
  private final double[] rackDesignW;
  private final double[] rackLiquidFraction;
  private final double[] rackGpuTdpW;
  private final double[] rackResistance;
  private final double[] rackMaxOperatingC;
  private final double[] rackTokensPerSecond;
  private final double[] cduCapacityW;
  private final double[] cduApproachK;

  public DesignEvaluation(FacilityModel model, Options options) {
    this.model = model;
    this.options = options;
    int racks = model.racks().size();
    rackCdu = new int[racks];
    rackDesignW = new double[racks];
    rackLiquidFraction = new double[racks];
    rackGpuTdpW = new double[racks];
    rackResistance = new double[racks];
    rackMaxOperatingC = new double[racks];
    rackTokensPerSecond = new double[racks];
    for (int i = 0; i < racks; i++) {
      Rack rack = model.racks().get(i);
      rackCdu[i] = rack.cduIndex();
      rackDesignW[i] = rack.designPowerW();
      rackLiquidFraction[i] = rack.heatToLiquidFraction();
      rackGpuTdpW[i] = rack.gpuTdpW();
      rackResistance[i] = rack.gpuLimits().coldPlateResistanceKPerW();
      rackMaxOperatingC[i] = rack.gpuLimits().maxOperatingC();
      rackTokensPerSecond[i] = ThroughputTable.tokensPerSecond(rack, options.workload());
    }
    int cdus = model.cdus().size();
    cduPumps = new Pump[cdus];
    cduCapacityW = new double[cdus];
    cduApproachK = new double[cdus];
    for (int c = 0; c < cdus; c++) {
      Cdu cdu = model.cdus().get(c);
      cduPumps[c] =
          new Pump(
              cdu.designFlowLpm(),
              CDU_PUMP_HEAD_M,
              Pump.DEFAULT_WIRE_TO_WATER_EFFICIENCY,
              CDU_MIN_FLOW_FRACTION,
              Fluid.WATER);
      cduCapacityW[c] = cdu.capacityW();
      cduApproachK[c] = cdu.approachK();
    }
    double designIt = Math.max(model.designItPowerW(), 1.0);
    powerChain =
        PowerChain.withDefaults(
            designIt * POWER_CHAIN_RATING_FACTOR, designIt * POWER_CHAIN_RATING_FACTOR);
    plant = new PlantModel(configuration(model));
    int units = model.plant().heatRejectionUnits();
    unitFluids = new Fluid[units];
    Arrays.fill(unitFluids, Fluid.WATER);
    if (options.unitFluids() != null) {
      if (options.unitFluids().size() != units) {
        throw new IllegalArgumentException(
            "unitFluids has " + options.unitFluids().size() + " entries for " + units + " units");
      }
      for (int u = 0; u < units; u++) {
        unitFluids[u] = options.unitFluids().get(u);
      }
    }
  }

  /**
   * Builds the plant from the model. The plant model puts its chillers on the facility water
   * return, so they must carry the whole facility load when the economizer cannot; the design's
   * chillers are kept when they can, otherwise the bank is sized by {@link
   * PlantModel.Configuration#sizedFor}.
   */
  static PlantModel.Configuration configuration(FacilityModel model) {
    double liquid = Math.max(model.designLiquidHeatW(), 1.0);
    double air = Math.max(model.designItPowerW() - model.designLiquidHeatW(), 0.0);
    Plant p = model.plant();
    boolean tower = p.heatRejectionKind() == HeatRejectionKind.COOLING_TOWER;
    PlantModel.Configuration sized = PlantModel.Configuration.sizedFor(liquid, air, tower);
    double bankHeat = p.heatRejectionCapacityW();
    HeatRejectionUnit bank;
    if (tower) {
      double fan =
          Double.isNaN(p.heatRejectionFanPowerW())
              ? CoolingTower.DEFAULT_FAN_POWER_FRACTION * bankHeat
              : p.heatRejectionFanPowerW() * p.heatRejectionUnits();
      bank =
          new CoolingTower(
              bankHeat,
              p.heatRejectionApproachK(),
              fan,
              CoolingTower.DEFAULT_MIN_AIRFLOW_FRACTION,
              CoolingTower.DEFAULT_EVAPORATION_LITERS_PER_KWH,
              CoolingTower.DEFAULT_CYCLES_OF_CONCENTRATION,
              Fluid.WATER);
    } else {
      double fan =
          Double.isNaN(p.heatRejectionFanPowerW())
              ? DryCooler.DEFAULT_FAN_POWER_FRACTION * bankHeat
              : p.heatRejectionFanPowerW() * p.heatRejectionUnits();
      bank =
          new DryCooler(
              bankHeat,
              p.heatRejectionApproachK(),
              fan,
              DryCooler.DEFAULT_MIN_AIRFLOW_FRACTION,
              Fluid.WATER);
    }
    double crahCapacity = Math.max(p.crahs() * p.crahCapacityW(), air * 1.2);
    Crah crah =
        Double.isNaN(p.crahFanPowerW()) || p.crahs() == 0
            ? Crah.withDefaults(Math.max(crahCapacity, 1.0))
            : new Crah(
                Math.max(crahCapacity, 1.0),
                p.crahFanPowerW() * p.crahs(),
                Crah.DEFAULT_MIN_AIRFLOW_FRACTION,
                Crah.DEFAULT_SENSIBLE_HEAT_RATIO,
                Crah.CoolingSource.FACILITY_WATER);
    double referenceCapacity = ElectricEirChiller.MCQUAY_PFH_2124KW.referenceCapacityW();
    int designChillers =
        p.chillers() == 0
            ? 0
            : (int) Math.floor(p.chillers() * p.chillerCapacityW() / referenceCapacity);
    // NOTE: every chiller is modelled with the McQuay PFH curves; a design's own curves are not
    // read yet, only its capacity.
    Chiller chiller =
        Chiller.of(
            ElectricEirChiller.MCQUAY_PFH_2124KW, ElectricEirChiller.MCQUAY_PFH_2124KW_RANGE);
    return new PlantModel.Configuration(
        chiller,
        Math.max(designChillers, sized.chillerCount()),
        bank,
        crah,
        sized.economizer(),
        sized.economizerApproachK(),
        sized.minCondenserWaterC(),
        sized.facilityPumps(),
        sized.facilityDesignDeltaK(),
        sized.condenserPumps(),
        sized.facilityFluid(),
        sized.condenserFluid());
  }

  /**
   * Runs the year.
   *
   * @param inputs weather, carbon and utilization joined on UTC hours
   * @param utcOffsetHours local standard time minus UTC, for the monthly PUE
   * @param monthDone called with the number of hours done after each UTC month; may throw to stop
   */
  public Result run(HourlyInputs inputs, double utcOffsetHours, IntConsumer monthDone) {
    int hours = inputs.hours();
    double[] dryBulb = inputs.dryBulbC();
    double[] dewPoint = inputs.dewPointC();
    double[] pressure = inputs.stationPressurePa();
    double[] ghi = inputs.globalHorizontalWhPerM2();
    double[] carbon = inputs.carbonGramsPerKwh();
    double[] utilization = inputs.utilization();
    int[] monthUtc = inputs.monthUtc();

    int racks = rackCdu.length;
    int cdus = cduPumps.length;
    double[] cduLoad = new double[cdus];
    double[] cduTcsSupply = new double[cdus];
    PlantHour hour = new PlantHour();
    PowerChainLosses losses = new PowerChainLosses();
    EconomizerState economizer = new EconomizerState();
    double tcsSetpoint = model.setpoints().tcsSupplyC();
    double fwSetpoint = model.setpoints().facilityWaterSupplyC();
    double solarW = model.powerSource().solarCapacityW();
    double solarEfficiency = model.powerSource().solarSystemEfficiency();
    int units = unitFluids.length;

    double itWh = 0;
    double facilityWh = 0;
    double gridWh = 0;
    double solarWh = 0;
    double carbonG = 0;
    double waterL = 0;
    double tokens = 0;
    double freeCoolingHours = 0;
    double overLimitHours = 0;
    double peakFacilityW = 0;
    double peakItW = 0;
    double chillerWh = 0;
    double fanWh = 0;
    double pumpWh = 0;
    double crahWh = 0;
    double energyInWh = 0;
    double rejectedWh = 0;
    double storedWh = 0;
    double[] monthIt = new double[12];
    double[] monthFacility = new double[12];

    int days = (hours + 23) / 24;
    double[] dayIt = new double[days];
    double[] dayFacility = new double[days];
    double[] daySolar = new double[days];
    double[] dayMaxSupply = new double[days];
    double[] dayMaxGpu = new double[days];
    double[] dayTokens = new double[days];
    Arrays.fill(dayMaxSupply, Double.NEGATIVE_INFINITY);
    Arrays.fill(dayMaxGpu, Double.NEGATIVE_INFINITY);
    long offsetSeconds = Math.round(utcOffsetHours * 3600.0);

    for (int h = 0; h < hours; h++) {
      double u = utilization[h];
      double load = IDLE_FRACTION + (1 - IDLE_FRACTION) * u;
      Arrays.fill(cduLoad, 0);
      double itW = 0;
      double liquidW = 0;
      double rackTokens = 0;
      for (int r = 0; r < racks; r++) {
        double power = rackDesignW[r] * load;
        double liquid = power * rackLiquidFraction[r];
        itW += power;
        liquidW += liquid;
        int c = rackCdu[r];
        if (c >= 0) {
          cduLoad[c] += liquid;
        }
        rackTokens += rackTokensPerSecond[r] * u;
      }
      double cduPumpW = 0;
      for (int c = 0; c < cdus; c++) {
        Pump pump = cduPumps[c];
        double fraction = pump.flowFraction(cduLoad[c] / cduCapacityW[c]);
        cduPumpW += pump.powerW(fraction);
      }
      double airW = itW - liquidW;
      double dew = Math.min(dewPoint[h], dryBulb[h]);
      plant.evaluate(
          liquidW + cduPumpW,
          airW,
          dryBulb[h],
          dew,
          pressure[h],
          fwSetpoint,
          3600.0,
          economizer,
          hour);
      double supply = hour.supplyTemperatureC;
      for (int c = 0; c < cdus; c++) {
        double approach = cduApproachK[c] * Math.min(1.0, cduLoad[c] / cduCapacityW[c]);
        cduTcsSupply[c] = Math.max(tcsSetpoint, supply + approach);
      }
      double maxGpu = Double.NEGATIVE_INFINITY;
      boolean overLimit = false;
      for (int r = 0; r < racks; r++) {
        int c = rackCdu[r];
        double inlet = c >= 0 ? cduTcsSupply[c] : tcsSetpoint;
        double gpu = inlet + rackGpuTdpW[r] * load * rackResistance[r];
        if (gpu > maxGpu) {
          maxGpu = gpu;
        }
        if (gpu > rackMaxOperatingC[r]) {
          overLimit = true;
        }
      }

      powerChain.evaluate(itW, losses);
      double chainLossW = losses.totalLossW();
      double coolingW = hour.coolingPowerW();
      double facilityW = itW + chainLossW + cduPumpW + coolingW;
      double pvW = solarW * ghi[h] / 1000.0 * solarEfficiency;
      double usedPvW = Math.min(pvW, facilityW);
      double gridW = facilityW - usedPvW;

      // Heat rejected, unit by unit: each takes an equal share of the bank's flow.
      double unitFlow = hour.heatRejectionFlowLitersPerMinute / units;
      double deltaT = hour.heatRejectionEnteringC - hour.heatRejectionLeavingC;
      double rejectedW = 0;
      for (int k = 0; k < units; k++) {
        rejectedW += unitFluids[k].capacityRate(unitFlow) * deltaT;
      }
      double waterInW =
          liquidW
              + cduPumpW
              + airW
              + hour.crahFanPowerW
              + hour.facilityPumpPowerW
              + hour.condenserPumpPowerW
              + hour.chillerPowerW;
      // Latent heat the CRAH coils take from the room air enters the water on top of the power.
      double latentW = Math.max(0.0, hour.heatInW - waterInW);
      energyInWh += itW + chainLossW + cduPumpW + coolingW + latentW;
      rejectedWh += rejectedW + hour.heatRejectionFanPowerW + chainLossW;
      storedWh += hour.unmetHeatW;

      itWh += itW;
      facilityWh += facilityW;
      gridWh += gridW;
      solarWh += usedPvW;
      carbonG += gridW / 1000.0 * carbon[h];
      waterL += hour.waterUseLiters;
      tokens += rackTokens * 3600.0;
      if (hour.freeCooling) {
        freeCoolingHours++;
      }
      if (overLimit) {
        overLimitHours++;
      }
      peakFacilityW = Math.max(peakFacilityW, facilityW);
      peakItW = Math.max(peakItW, itW);
      chillerWh += hour.chillerPowerW;
      fanWh += hour.heatRejectionFanPowerW;
      pumpWh += hour.facilityPumpPowerW + hour.condenserPumpPowerW + cduPumpW;
      crahWh += hour.crahFanPowerW;

      int localMonth = localMonth(inputs.utcEpochSecond(h) + offsetSeconds);
      monthIt[localMonth] += itW;
      monthFacility[localMonth] += facilityW;
      int day = h / 24;
      dayIt[day] += itW / 24.0;
      dayFacility[day] += facilityW / 24.0;
      daySolar[day] += usedPvW / 24.0;
      dayMaxSupply[day] = Math.max(dayMaxSupply[day], supply);
      dayMaxGpu[day] = Math.max(dayMaxGpu[day], maxGpu);
      dayTokens[day] += rackTokens * 3600.0;

      if (monthDone != null && (h == hours - 1 || monthUtc[h + 1] != monthUtc[h])) {
        monthDone.accept(h + 1);
      }
    }

    double balanceError = Math.abs(energyInWh - rejectedWh - storedWh) / Math.max(itWh, 1.0);
    String failure = null;
    if (!(balanceError <= ENERGY_BALANCE_TOLERANCE)) {
      failure =
          String.format(
              "energy balance of %s failed: energy in %.1f MWh, heat rejected %.1f MWh, stored"
                  + " %.1f MWh, relative error %.3g above %.1e; check the fluid and flow of each"
                  + " heat-rejection unit",
              model.name(),
              energyInWh / 1e6,
              rejectedWh / 1e6,
              storedWh / 1e6,
              balanceError,
              ENERGY_BALANCE_TOLERANCE);
    }

    AnnualKpis.Builder kpis =
        AnnualKpis.newBuilder()
            .setItEnergyKwh(itWh / 1000.0)
            .setFacilityEnergyKwh(facilityWh / 1000.0)
            .setPue(itWh > 0 ? facilityWh / itWh : 0)
            .setWaterL(waterL)
            .setWueLPerKwh(itWh > 0 ? waterL / (itWh / 1000.0) : 0)
            .setCarbonKg(carbonG / 1000.0)
            .setCueKgPerKwh(itWh > 0 ? carbonG / 1000.0 / (itWh / 1000.0) : 0)
            .setTokens(tokens)
            .setTokensPerWatt(facilityWh > 0 ? tokens / (facilityWh * 3600.0) : 0)
            .setFreeCoolingHours(freeCoolingHours)
            .setGpuOverLimitHours(overLimitHours)
            .setPeakFacilityPowerKw(peakFacilityW / 1000.0)
            .setPeakItPowerKw(peakItW / 1000.0)
            .setGridEnergyKwh(gridWh / 1000.0)
            .setOnsiteGenerationKwh(solarWh / 1000.0)
            .setCoolingEnergy(
                CoolingEnergy.newBuilder()
                    .setChillersKwh(chillerWh / 1000.0)
                    .setHeatRejectionFansKwh(fanWh / 1000.0)
                    .setPumpsKwh(pumpWh / 1000.0)
                    .setCrahsKwh(crahWh / 1000.0)
                    .setTotalKwh((chillerWh + fanWh + pumpWh + crahWh) / 1000.0))
            .setEnergyBalanceErrorFraction(balanceError);
    for (int m = 0; m < 12; m++) {
      kpis.addMonthlyPue(monthIt[m] > 0 ? monthFacility[m] / monthIt[m] : 0);
    }

    long start = inputs.utcEpochSecond(0);
    double[] dayPue = new double[days];
    double[] dayTokensPerWatt = new double[days];
    for (int d = 0; d < days; d++) {
      dayPue[d] = dayIt[d] > 0 ? dayFacility[d] / dayIt[d] : 0;
      // dayFacility is the day's mean power in W, so the day's energy is that times 86,400 s.
      // A short last day is still divided by 24 h, so its energy stays consistent with tokens.
      dayTokensPerWatt[d] = dayFacility[d] > 0 ? dayTokens[d] / (dayFacility[d] * 86_400.0) : 0;
    }
    List<Series> series = new ArrayList<>();
    series.add(daily("it_power_kw", "kW", start, scale(dayIt, 1e-3)));
    series.add(daily("facility_power_kw", "kW", start, scale(dayFacility, 1e-3)));
    series.add(daily("pue", "1", start, dayPue));
    series.add(daily("tokens_per_watt", "tokens/J", start, dayTokensPerWatt));
    series.add(daily("solar_power_kw", "kW", start, scale(daySolar, 1e-3)));
    series.add(daily("facility_water_supply_temperature_c", "C", start, dayMaxSupply));
    series.add(daily("max_gpu_temperature_c", "C", start, dayMaxGpu));
    return new Result(kpis.build(), series, failure);
  }

  private static int localMonth(long epochSecond) {
    return Instant.ofEpochSecond(epochSecond).atOffset(ZoneOffset.UTC).getMonthValue() - 1;
  }

  private static double[] scale(double[] values, double factor) {
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i] * factor;
    }
    return out;
  }

  private static Series daily(String name, String unit, long startEpochSecond, double[] values) {
    Series.Builder series = Series.newBuilder().setName(name).setUnit(unit);
    for (int d = 0; d < values.length; d++) {
      series.addTimestamps(Timestamp.newBuilder().setSeconds(startEpochSecond + d * 86_400L));
      series.addValues(values[d]);
    }
    return series.build();
  }

  /** Returns a copy of the series with a label added to each, for comparisons. */
  static List<Series> labelled(List<Series> series, String key, String value) {
    List<Series> out = new ArrayList<>(series.size());
    for (Series s : series) {
      out.add(s.toBuilder().putAllLabels(Map.of(key, value)).build());
    }
    return out;
  }
}
