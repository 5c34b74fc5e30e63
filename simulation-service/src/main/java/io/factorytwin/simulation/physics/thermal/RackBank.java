package io.factorytwin.simulation.physics.thermal;

import io.factorytwin.simulation.physics.Fluid;
import java.util.Arrays;

/**
 * Liquid-cooled AI racks held as parallel primitive arrays, so that one step over a thousand racks
 * is a loop of a few floating-point operations per rack with no allocation and one exponential per
 * step for the whole bank.
 *
 * <p>Per rack and step, with the inputs held constant over the step:
 *
 * <ul>
 *   <li>IT power {@code P = P_rated·(idle + (1 − idle)·u·f)}, where u is the utilization and f the
 *       clock fraction left by thermal throttling; the linear utilization model is the usual server
 *       power model (Fan, Weber and Barroso, "Power provisioning for a warehouse-sized computer",
 *       ISCA 2007).
 *   <li>Throttling from the GPU temperature at the start of the step: {@code f = 1} up to the
 *       slowdown temperature, falling linearly to {@code minClockFraction} at the shutdown
 *       temperature. At or above shutdown the rack latches off ({@code f = 0}, no tokens) until
 *       {@link #clearShutdown}, but keeps drawing idle power, which overstates the heat of a real
 *       GPU shutdown. Dynamic power and tokens scale with f, which treats power as linear in clock
 *       at fixed voltage.
 *   <li>One representative GPU per rack: a lumped cold plate and die with heat capacity {@code C =
 *       τ/R} between the GPU power {@code P_gpu = P·gpuShare/gpuCount} and the coolant inlet,
 *       {@code C·dT/dt = P_gpu − (T − T_in)/R}. Its steady state is {@code T_in + P_gpu·R} at the
 *       rated flow, and rises as the flow falls ({@link ColdPlateFlow}); it is advanced with the
 *       exact first-order update, so a piecewise-constant power is followed exactly whatever the
 *       step.
 *   <li>Heat to the coolant: the GPUs' heat leaving the cold plates, {@code P_gpu·dt − C·ΔT} per
 *       GPU, plus {@code (liquidShare − gpuShare)·P} from the other liquid-cooled parts; the rest,
 *       {@code (1 − liquidShare)·P}, goes to room air.
 *   <li>Outlet temperature from the energy balance {@code T_out = T_in + Q_liquid/(ṁ·cp)} with the
 *       step-mean heat, which makes the enthalpy carried away equal to the heat put in.
 * </ul>
 */
public final class RackBank {

  /**
   * Parameters shared by every rack of the bank.
   *
   * @param ratedPowerWatts IT power at full utilization, in W
   * @param idleFraction IT power at zero utilization as a fraction of rated power
   * @param liquidShare fraction of IT power that goes to the liquid
   * @param gpuShare fraction of IT power drawn by the GPUs, at most liquidShare because every GPU
   *     sits on a cold plate
   * @param gpuCount GPUs per rack
   * @param thermalResistanceKPerW junction-to-coolant thermal resistance of one GPU, in K/W
   * @param gpuTimeConstantSeconds time constant of the GPU and cold-plate node, in s
   * @param maxOperatingC GPU temperature above which the rack counts as out of its operating range
   * @param slowdownC GPU temperature at which throttling starts
   * @param shutdownC GPU temperature at which the rack shuts down
   * @param minClockFraction clock fraction reached just below the shutdown temperature
   * @param peakTokensPerSecond token throughput of one rack at full utilization and clock
   * @param coldPlateFlow how the GPU's rise over the rack inlet depends on the coolant flow
   */
  public record Parameters(
      double ratedPowerWatts,
      double idleFraction,
      double liquidShare,
      double gpuShare,
      int gpuCount,
      double thermalResistanceKPerW,
      double gpuTimeConstantSeconds,
      double maxOperatingC,
      double slowdownC,
      double shutdownC,
      double minClockFraction,
      double peakTokensPerSecond,
      ColdPlateFlow coldPlateFlow) {

    public Parameters {
      require(ratedPowerWatts > 0, "rated power must be positive", ratedPowerWatts);
      require(
          idleFraction >= 0 && idleFraction <= 1, "idle fraction must be in [0, 1]", idleFraction);
      require(liquidShare >= 0 && liquidShare <= 1, "liquid share must be in [0, 1]", liquidShare);
      require(
          gpuShare >= 0 && gpuShare <= liquidShare,
          "GPU share must be in [0, liquid share]",
          gpuShare);
      require(gpuCount > 0, "GPU count must be positive", gpuCount);
      require(
          thermalResistanceKPerW > 0,
          "thermal resistance must be positive",
          thermalResistanceKPerW);
      require(
          gpuTimeConstantSeconds > 0, "GPU time constant must be positive", gpuTimeConstantSeconds);
      require(
          maxOperatingC <= slowdownC && slowdownC < shutdownC,
          "temperatures must satisfy max operating ≤ slowdown < shutdown",
          slowdownC);
      require(
          minClockFraction >= 0 && minClockFraction <= 1,
          "minimum clock fraction must be in [0, 1]",
          minClockFraction);
      require(
          peakTokensPerSecond >= 0,
          "peak tokens per second must not be negative",
          peakTokensPerSecond);
      if (coldPlateFlow == null) {
        throw new IllegalArgumentException("cold plate flow must be set, got null");
      }
    }

    /**
     * Returns parameters for a GB200 NVL72 rack. Sources: about 120 kW rack power, NVIDIA's OCP
     * cooling target as quoted by introl.com and sipoch.com (secondary sources range 120 to 142
     * kW); 72 GPUs (18 trays of 4, setloop.io); 1,200 W per GB200 GPU (supercomputing.news on
     * Meta's GB200 paper), so the GPUs draw 72 · 1,200 / 120,000 = 0.72 of rack power; 0.9 to
     * liquid, the middle of the 0.85 to 0.95 band derived from a GB300 tray sending about 94 % to
     * liquid (epium.com); 0.03 K/W, inside the 0.02 to 0.05 K/W junction-to-coolant range
     * (cooling-thermal.com); Hopper limits 87, 89 and 92 °C from nvidia-smi on an H800 system,
     * because no Blackwell figure is published; about 865,000 tokens/s for Llama 2 70B on one rack
     * (Azure's reported result); the cold plate flow model of {@link
     * ColdPlateFlow#atRatedFlow(double)} at 1.5 L/min per kW (OCP guideline).
     */
    public static Parameters gb200Nvl72() {
      // NOTE: the idle fraction (0.3), the GPU time constant (3 s) and the clock floor before
      // shutdown (0.5) are estimates without a published source. Tune them per workload.
      return new Parameters(
          120_000.0,
          0.3,
          0.9,
          0.72,
          72,
          0.03,
          3.0,
          87.0,
          89.0,
          92.0,
          0.5,
          865_000.0,
          // 1.5 L/min per kW of the 120 kW rack.
          ColdPlateFlow.atRatedFlow(180.0));
    }

    /**
     * Returns the steady rise of the representative GPU over the rack's coolant inlet per watt of
     * rack power, in K/W, at a coolant flow through one rack.
     *
     * @param rackFlowLpm coolant flow through the rack, in L/min
     * @param coolantRatePerLpm capacity rate of the coolant per L/min of flow, in W/K
     */
    public double gpuRisePerRackWatt(double rackFlowLpm, double coolantRatePerLpm) {
      double perGpu = thermalResistanceKPerW * gpuShare / gpuCount;
      return coldPlateFlow.rise(perGpu, liquidShare, rackFlowLpm, coolantRatePerLpm);
    }

    /** Returns the heat capacity in J/K of one GPU node, τ/R. */
    public double gpuHeatCapacityJPerK() {
      return gpuTimeConstantSeconds / thermalResistanceKPerW;
    }

    static void require(boolean condition, String message, double value) {
      if (!condition) {
        throw new IllegalArgumentException(message + ", got " + value);
      }
    }
  }

  /**
   * Model of the GPU's rise over the rack inlet as a function of the coolant flow through the rack.
   * The junction-to-coolant resistance R of {@link Parameters} applies at the rated flow and is the
   * sum of conduction (interface material, plate base), which flow does not change, and film
   * convection in the plate's channels, whose coefficient grows with the Reynolds number as {@code
   * Re^n}. The coolant reaching the representative GPU's plate is also warmer than the rack inlet
   * by a share of the rack's own coolant rise, because plates downstream in a tray see the heat of
   * those upstream. So, per watt of GPU power and with {@code r = flow / ratedFlow}:
   *
   * <pre>
   *   R(r) = R·((1 − convectiveShare) + convectiveShare·r^(−n))
   *   T_gpu = T_inlet + P_gpu·R(r) + upstreamRiseShare·Q_liquid/(ṁ·cp)
   * </pre>
   *
   * <p>The node's time constant stays at its rated value: R changes the steady state, not the heat
   * capacity's response time. Below {@link #MIN_FLOW_RATIO} of the rated flow the rise is held at
   * that ratio's value, so a dry rack does not divide by zero.
   *
   * @param ratedFlowLpm coolant flow through one rack at which R was rated, in L/min
   * @param convectiveShare share of R that is film convection, in [0, 1]
   * @param convectionExponent exponent n of the Reynolds number in the film coefficient
   * @param upstreamRiseShare share of the rack's coolant rise seen at the representative GPU's
   *     plate inlet, in [0, 1]
   */
  public record ColdPlateFlow(
      double ratedFlowLpm,
      double convectiveShare,
      double convectionExponent,
      double upstreamRiseShare) {

    /** Rise independent of flow: R alone over the rack inlet at any flow. */
    public static final ColdPlateFlow FIXED = new ColdPlateFlow(1.0, 0.0, 0.0, 0.0);

    /**
     * Share of R that is convection. cooling-thermal.com ("Liquid cold plate thermal resistance",
     * 2026) names convection the dominant one of the three series terms (interface material, base
     * conduction, convection) of a GPU cold plate; 0.6 is an assumed split, a parameter to study.
     */
    public static final double DEFAULT_CONVECTIVE_SHARE = 0.6;

    /**
     * Reynolds exponent of the film coefficient: Dittus–Boelter, {@code Nu = 0.023·Re^0.8·Pr^0.4},
     * which the same cooling-thermal.com page applies to turbulent flow in microchannels. Laminar
     * flow has a smaller exponent, which would make flow matter less.
     */
    public static final double DEFAULT_CONVECTION_EXPONENT = 0.8;

    /**
     * Share of the rack's coolant rise at the representative GPU's plate inlet. NOTE: an
     * assumption. No published plumbing of a GB200 compute tray was at hand; 0.5 is a GPU halfway
     * along the tray's coolant path, 0 would be every plate fed straight from the manifold.
     */
    public static final double DEFAULT_UPSTREAM_RISE_SHARE = 0.5;

    /** Flow ratio below which the rise stops growing, so that zero flow stays finite. */
    public static final double MIN_FLOW_RATIO = 0.05;

    public ColdPlateFlow {
      Parameters.require(ratedFlowLpm > 0, "rated flow must be positive", ratedFlowLpm);
      Parameters.require(
          convectiveShare >= 0 && convectiveShare <= 1,
          "convective share must be in [0, 1]",
          convectiveShare);
      Parameters.require(
          convectionExponent >= 0, "convection exponent must not be negative", convectionExponent);
      Parameters.require(
          upstreamRiseShare >= 0 && upstreamRiseShare <= 1,
          "upstream rise share must be in [0, 1]",
          upstreamRiseShare);
    }

    /** Returns the default model for a rack rated at {@code ratedFlowLpm} of coolant. */
    public static ColdPlateFlow atRatedFlow(double ratedFlowLpm) {
      return new ColdPlateFlow(
          ratedFlowLpm,
          DEFAULT_CONVECTIVE_SHARE,
          DEFAULT_CONVECTION_EXPONENT,
          DEFAULT_UPSTREAM_RISE_SHARE);
    }

    /**
     * Returns the GPU rise over the rack inlet per watt of rack power, in K/W.
     *
     * @param gpuResistancePerRackWatt R·gpuShare/gpuCount, the rated rise per watt of rack power
     * @param liquidShare fraction of rack power that goes to the coolant
     * @param rackFlowLpm coolant flow through the rack, in L/min
     * @param coolantRatePerLpm capacity rate of the coolant per L/min, in W/K
     */
    double rise(
        double gpuResistancePerRackWatt,
        double liquidShare,
        double rackFlowLpm,
        double coolantRatePerLpm) {
      if (convectiveShare == 0 && upstreamRiseShare == 0) {
        return gpuResistancePerRackWatt;
      }
      double ratio = Math.max(MIN_FLOW_RATIO, rackFlowLpm / ratedFlowLpm);
      double film = 1 - convectiveShare + convectiveShare * Math.pow(ratio, -convectionExponent);
      double upstream =
          upstreamRiseShare * liquidShare / (coolantRatePerLpm * ratio * ratedFlowLpm);
      return gpuResistancePerRackWatt * film + upstream;
    }
  }

  private final Parameters parameters;
  private final Fluid coolant;
  private final int size;
  private final double gpuHeatCapacity;

  private final double[] utilization;
  private final double[] capacityRate;
  private final double[] inverseCapacityRate;
  private final double[] gpuRisePerRackWatt;
  private final double[] gpuTemperatureC;
  private final boolean[] shutDown;
  private final double[] itPowerW;
  private final double[] liquidHeatW;
  private final double[] outletTemperatureC;
  private final double[] clockFraction;
  private final double[] tokensPerSecond;

  private double totalItPowerW;
  private double totalLiquidHeatW;
  private double totalAirHeatW;
  private double totalCapacityRate;
  private double mixedOutletTemperatureC;
  private double totalTokensPerSecond;

  /**
   * Creates a bank of racks at rest: zero utilization and every GPU at the initial coolant
   * temperature.
   *
   * @param size number of racks
   * @param parameters rack parameters
   * @param coolant liquid in the rack loop, whose ρ·cp sets the outlet temperature rise
   * @param initialTemperatureC initial GPU and outlet temperature in °C
   */
  public RackBank(int size, Parameters parameters, Fluid coolant, double initialTemperatureC) {
    if (size <= 0) {
      throw new IllegalArgumentException("rack count must be positive, got " + size);
    }
    this.parameters = parameters;
    this.coolant = coolant;
    this.size = size;
    this.gpuHeatCapacity = parameters.gpuHeatCapacityJPerK();
    utilization = new double[size];
    capacityRate = new double[size];
    inverseCapacityRate = new double[size];
    gpuRisePerRackWatt = new double[size];
    Arrays.fill(gpuRisePerRackWatt, parameters.gpuRisePerRackWatt(0.0, coolant.capacityRate(1.0)));
    gpuTemperatureC = new double[size];
    shutDown = new boolean[size];
    itPowerW = new double[size];
    liquidHeatW = new double[size];
    outletTemperatureC = new double[size];
    clockFraction = new double[size];
    tokensPerSecond = new double[size];
    Arrays.fill(gpuTemperatureC, initialTemperatureC);
    Arrays.fill(outletTemperatureC, initialTemperatureC);
    Arrays.fill(clockFraction, 1.0);
    mixedOutletTemperatureC = initialTemperatureC;
  }

  /** Sets the utilization of one rack, clamped to [0, 1]. */
  public void setUtilization(int rack, double value) {
    utilization[rack] = Math.max(0.0, Math.min(1.0, value));
  }

  /** Sets the coolant flow through one rack, in L/min. */
  public void setFlow(int rack, double flowLitersPerMinute) {
    if (!(flowLitersPerMinute >= 0)) {
      throw new IllegalArgumentException(
          "rack flow must be zero or positive, got " + flowLitersPerMinute + " L/min");
    }
    double rate = coolant.capacityRate(flowLitersPerMinute);
    totalCapacityRate += rate - capacityRate[rack];
    capacityRate[rack] = rate;
    inverseCapacityRate[rack] = rate > 0 ? 1.0 / rate : 0.0;
    gpuRisePerRackWatt[rack] =
        parameters.gpuRisePerRackWatt(flowLitersPerMinute, coolant.capacityRate(1.0));
  }

  /**
   * Advances every rack by one step with utilization, flow and inlet temperature held constant.
   *
   * <p>NOTE: a rack with zero flow keeps its outlet at the inlet temperature while its liquid heat
   * is still counted, so the energy balance fails for a rack run dry.
   *
   * @param dtSeconds step length in s
   * @param inletTemperatureC coolant supply temperature, the same for every rack, in °C
   */
  public void step(double dtSeconds, double inletTemperatureC) {
    if (!(dtSeconds > 0)) {
      throw new IllegalArgumentException("time step must be positive, got " + dtSeconds + " s");
    }
    Parameters p = parameters;
    double fraction = FirstOrderNode.stepFraction(dtSeconds, p.gpuTimeConstantSeconds());
    double directLiquidShare = p.liquidShare() - p.gpuShare();
    double dynamicShare = 1.0 - p.idleFraction();
    double throttleSlope = (1.0 - p.minClockFraction()) / (p.shutdownC() - p.slowdownC());
    double storedHeatPerSecond = gpuHeatCapacity * p.gpuCount() / dtSeconds;

    double sumPower = 0.0;
    double sumLiquid = 0.0;
    double sumEnthalpyRate = 0.0;
    double sumTokens = 0.0;
    for (int i = 0; i < size; i++) {
      double gpuTemperature = gpuTemperatureC[i];
      if (gpuTemperature >= p.shutdownC()) {
        shutDown[i] = true;
      }
      double clock;
      if (shutDown[i]) {
        clock = 0.0;
      } else if (gpuTemperature > p.slowdownC()) {
        clock = 1.0 - throttleSlope * (gpuTemperature - p.slowdownC());
      } else {
        clock = 1.0;
      }
      double power =
          p.ratedPowerWatts() * (p.idleFraction() + dynamicShare * utilization[i] * clock);
      double target = inletTemperatureC + power * gpuRisePerRackWatt[i];
      double updated = gpuTemperature + (target - gpuTemperature) * fraction;
      // Heat leaving the cold plates over the step is the GPU energy minus what the node stored.
      double liquid =
          power * (p.gpuShare() + directLiquidShare)
              - storedHeatPerSecond * (updated - gpuTemperature);
      gpuTemperatureC[i] = updated;
      clockFraction[i] = clock;
      itPowerW[i] = power;
      liquidHeatW[i] = liquid;
      double outlet = inletTemperatureC + liquid * inverseCapacityRate[i];
      outletTemperatureC[i] = outlet;
      double tokens = p.peakTokensPerSecond() * utilization[i] * clock;
      tokensPerSecond[i] = tokens;
      sumPower += power;
      sumLiquid += liquid;
      sumEnthalpyRate += capacityRate[i] * outlet;
      sumTokens += tokens;
    }
    totalItPowerW = sumPower;
    totalLiquidHeatW = sumLiquid;
    totalAirHeatW = sumPower * (1.0 - p.liquidShare());
    totalTokensPerSecond = sumTokens;
    mixedOutletTemperatureC =
        totalCapacityRate > 0 ? sumEnthalpyRate / totalCapacityRate : inletTemperatureC;
  }

  /** Clears the shutdown latch of one rack, as an operator restart would. */
  public void clearShutdown(int rack) {
    shutDown[rack] = false;
  }

  public int size() {
    return size;
  }

  public Parameters parameters() {
    return parameters;
  }

  public Fluid coolant() {
    return coolant;
  }

  /** Returns the GPU temperature of one rack at the end of the last step, in °C. */
  public double gpuTemperatureC(int rack) {
    return gpuTemperatureC[rack];
  }

  /** Sets the GPU temperature of one rack, for example to start at a steady state. */
  public void setGpuTemperatureC(int rack, double temperatureC) {
    gpuTemperatureC[rack] = temperatureC;
  }

  public boolean isShutDown(int rack) {
    return shutDown[rack];
  }

  /** Returns whether the rack's GPU is above its maximum operating temperature. */
  public boolean isAboveMaxOperating(int rack) {
    return gpuTemperatureC[rack] > parameters.maxOperatingC();
  }

  /** Returns the clock fraction that applied over the last step. */
  public double clockFraction(int rack) {
    return clockFraction[rack];
  }

  /** Returns the IT power of one rack over the last step, in W. */
  public double itPowerW(int rack) {
    return itPowerW[rack];
  }

  /** Returns the mean heat to the coolant of one rack over the last step, in W. */
  public double liquidHeatW(int rack) {
    return liquidHeatW[rack];
  }

  /** Returns the coolant outlet temperature of one rack over the last step, in °C. */
  public double outletTemperatureC(int rack) {
    return outletTemperatureC[rack];
  }

  public double tokensPerSecond(int rack) {
    return tokensPerSecond[rack];
  }

  /** Returns the IT power of the bank over the last step, in W. */
  public double totalItPowerW() {
    return totalItPowerW;
  }

  /** Returns the mean heat to the coolant of the bank over the last step, in W. */
  public double totalLiquidHeatW() {
    return totalLiquidHeatW;
  }

  /** Returns the heat to room air of the bank over the last step, in W. */
  public double totalAirHeatW() {
    return totalAirHeatW;
  }

  public double totalTokensPerSecond() {
    return totalTokensPerSecond;
  }

  /** Returns the flow-weighted mean outlet temperature of the bank, in °C. */
  public double mixedOutletTemperatureC() {
    return mixedOutletTemperatureC;
  }

  /** Returns the total coolant capacity rate ṁ·cp of the bank, in W/K. */
  public double totalCapacityRate() {
    return totalCapacityRate;
  }

  /** Returns the heat stored in the GPU nodes, {@code Σ C·T} in J with T in °C. */
  public double storedHeatJoules() {
    double sum = 0.0;
    for (int i = 0; i < size; i++) {
      sum += gpuTemperatureC[i];
    }
    return sum * gpuHeatCapacity * parameters.gpuCount();
  }
}
