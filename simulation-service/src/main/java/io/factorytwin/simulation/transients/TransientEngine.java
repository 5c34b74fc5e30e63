package io.factorytwin.simulation.transients;

import io.factorytwin.simulation.input.TransientLoadGenerator;
import io.factorytwin.simulation.input.WeatherYear;
import io.factorytwin.simulation.physics.Fluid;
import io.factorytwin.simulation.physics.plant.Chiller;
import io.factorytwin.simulation.physics.plant.EconomizerState;
import io.factorytwin.simulation.physics.plant.PlantHour;
import io.factorytwin.simulation.physics.plant.PlantModel;
import io.factorytwin.simulation.physics.thermal.Cdu;
import io.factorytwin.simulation.physics.thermal.EffectivenessNtu;
import io.factorytwin.simulation.physics.thermal.FacilityWaterLoop;
import io.factorytwin.simulation.physics.thermal.FirstOrderNode;
import io.factorytwin.simulation.physics.thermal.PidController;
import io.factorytwin.simulation.physics.thermal.RackBank;
import io.factorytwin.simulation.physics.thermal.TransportDelay;
import java.util.ArrayList;
import java.util.List;

/**
 * A multi-rate transient simulation of one hall with every rack simulated.
 *
 * <p>Rates:
 *
 * <ul>
 *   <li>Thermal step (default 0.1 s): every rack's GPU node. Rack power is a piecewise-constant
 *       part (idle, hourly level, job starts, checkpoints, throttling) plus the training-iteration
 *       swing {@code P_ac·cos(ω·t + φ)} of {@link TransientLoadGenerator}. The GPU node {@code
 *       τ·dT/dt = T_in + R_g·P(t) − T} is linear, so its exact solution splits into a slow part
 *       {@code y} that follows the constant part with the exact first-order update, and the
 *       periodic response to the swing, {@code R_g·P_ac·G·cos(ω·t + φ − θ)} with {@code G = 1/√(1 +
 *       (ωτ)²)} and {@code θ = atan(ωτ)}. The swing is therefore followed exactly at any thermal
 *       step; a step that held the power constant would attenuate a 3 Hz ripple at 0.1 s by the
 *       zero-order-hold factor sin(πfh)/(πfh) = 0.86. The phase is advanced by a rotation of a
 *       (cos, sin) pair per rack, with no trigonometric call in the loop. When the constant part or
 *       the swing amplitude changes at a step boundary, y jumps so that T stays continuous.
 *   <li>Loop step (default 1 s): CDUs, supply and return pipes (plug flow), the valve PIDs, the
 *       policy, and the facility water loop. The CDUs draw facility water at the plant's supply
 *       temperature, and their heat goes into the facility loop's well-mixed volume, which acts as
 *       the return header that the plant cools.
 *   <li>Plant step (default 60 s): {@link PlantModel} with the heat the facility loop delivered
 *       over the step and the hour's weather; its supply temperature and flow apply to the next
 *       plant step.
 * </ul>
 *
 * <p>Peak temperature within a thermal step: the slow part is monotone within a step, so its
 * maximum is at an end; the ripple's maximum is its amplitude when the step contains a crest
 * (detected from the sign change of {@code sin(ψ − θ)} while the step spans less than half a
 * period), otherwise the larger end value. The sum of the two is the step's peak, exact when either
 * part is constant and at most slightly high otherwise.
 *
 * <p>Thermal spike: a rack's GPU peak rises above its maximum operating temperature while the rack
 * is armed; the rack re-arms once its peak falls {@value #SPIKE_REARM_K} K below that limit, so
 * that a ripple around the limit is one spike, not one per swing. Each spike counts once per GPU of
 * the rack ({@code gpuCount}), because the rack's GPUs share one representative temperature.
 *
 * <p>Energy balance: IT energy (integrated exactly, swing included) + CDU pump power + the plant's
 * pump, fan, chiller and latent heat = heat rejected by the tower or dry-cooler bank, computed by
 * the bank from its own flow, heat capacity and temperature difference + heat the plant left unmet
 * + the change of stored heat (GPU nodes, pipes, CDU volumes, facility loop). The air-side heat
 * reaches the bank through the CRAH coils on facility water. A run whose relative error is over
 * {@link #BALANCE_TOLERANCE} is a failed run; the caller reads {@link
 * TransientRun#energyBalanceError()}.
 *
 * <p>Not thread-safe; one instance runs once.
 */
public final class TransientEngine {

  /** Hysteresis of the spike detector, in K. NOTE: a chosen value, not a standard. */
  public static final double SPIKE_REARM_K = 0.5;

  /** Relative energy balance error above which a run fails (0.1 %, the contract's limit). */
  public static final double BALANCE_TOLERANCE = 1e-3;

  private static final double SECONDS_PER_HOUR = 3600.0;

  /**
   * Margin of the facility supply reset below the CDUs' design approach, in K. NOTE: a chosen
   * value. At exactly the design approach, a CDU at rated load plus its pump heat runs its valve
   * wide open and cannot hold its setpoint. The margin stops the reset while the valve is nearly
   * wide open.
   */
  public static final double RESET_MARGIN_K = 1.0;

  /**
   * The three rates of the engine, each a whole multiple of the one before.
   *
   * @param thermalSeconds GPU node step, in s
   * @param loopSeconds CDU, pipe and facility loop step, in s
   * @param plantSeconds plant step, in s
   */
  public record Steps(double thermalSeconds, double loopSeconds, double plantSeconds) {
    public Steps {
      if (!(thermalSeconds > 0) || !(loopSeconds > 0) || !(plantSeconds > 0)) {
        throw new IllegalArgumentException("time steps must be positive");
      }
      requireMultiple(loopSeconds, thermalSeconds, "loop step", "thermal step");
      requireMultiple(plantSeconds, loopSeconds, "plant step", "loop step");
    }

    /** Returns the contract's defaults: 100 ms, 1 s and 60 s. */
    public static Steps defaults() {
      return new Steps(0.1, 1.0, 60.0);
    }

    int thermalPerLoop() {
      return (int) Math.round(loopSeconds / thermalSeconds);
    }

    int loopsPerPlant() {
      return (int) Math.round(plantSeconds / loopSeconds);
    }

    private static void requireMultiple(double longer, double shorter, String a, String b) {
      double ratio = longer / shorter;
      if (ratio < 1 - 1e-9 || Math.abs(ratio - Math.rint(ratio)) > 1e-6) {
        throw new IllegalArgumentException(
            a + " " + longer + " s must be a whole multiple of the " + b + " " + shorter + " s");
      }
    }
  }

  /**
   * Hourly weather from the start of the run; hour k covers [k h, (k + 1) h) of the run and the
   * arrays wrap around.
   */
  public record Weather(double[] dryBulbC, double[] dewPointC, double[] pressurePa) {
    public Weather {
      if (dryBulbC.length == 0
          || dryBulbC.length != dewPointC.length
          || dryBulbC.length != pressurePa.length) {
        throw new IllegalArgumentException("weather arrays must be non-empty and of one length");
      }
    }

    /** Constant weather. */
    public static Weather constant(double dryBulbC, double dewPointC, double pressurePa) {
      return new Weather(
          new double[] {dryBulbC}, new double[] {dewPointC}, new double[] {pressurePa});
    }

    /** Returns {@code hours} hours of an EPW year, starting at a row. */
    public static Weather fromYear(WeatherYear year, int firstRow, int hours) {
      int n = Math.max(1, hours);
      double[] db = new double[n];
      double[] dp = new double[n];
      double[] p = new double[n];
      for (int k = 0; k < n; k++) {
        int row = Math.floorMod(firstRow + k, WeatherYear.HOURS);
        db[k] = year.dryBulbC(row);
        dp[k] = Math.min(year.dewPointC(row), db[k]);
        p[k] = year.stationPressurePa(row);
      }
      return new Weather(db, dp, p);
    }

    /** Returns {@code hours} hours from hour {@code firstHour}, wrapping around the end. */
    public Weather slice(int firstHour, int hours) {
      int n = Math.max(1, hours);
      double[] db = new double[n];
      double[] dp = new double[n];
      double[] p = new double[n];
      for (int k = 0; k < n; k++) {
        int row = Math.floorMod(firstHour + k, dryBulbC.length);
        db[k] = dryBulbC[row];
        dp[k] = dewPointC[row];
        p[k] = pressurePa[row];
      }
      return new Weather(db, dp, p);
    }

    int hourIndex(double runSeconds) {
      return (int) Math.floorMod((long) Math.floor(runSeconds / SECONDS_PER_HOUR), dryBulbC.length);
    }
  }

  /** Receives a rack's thermal steps, for tests that look inside a step. */
  public interface RackProbe {
    /**
     * Called after each thermal step of the probed rack.
     *
     * @param endSeconds run time at the end of the step, in s
     * @param peakC highest GPU temperature within the step, in °C
     * @param troughC lowest GPU temperature within the step, in °C
     * @param endC GPU temperature at the end of the step, in °C
     * @param meanPowerW mean rack IT power over the step, in W
     */
    void step(double endSeconds, double peakC, double troughC, double endC, double meanPowerW);
  }

  /** Receives progress; it may throw to stop the run, which then propagates to the caller. */
  public interface ProgressListener {
    void progress(double simulatedSeconds, double fraction);
  }

  /**
   * Called on the engine's thread after every loop step, once the CDUs and the facility loop have
   * stepped and before the plant step that may fall due. It may read the engine's state through its
   * accessors, change what the policy decides next, block (a plant emulation paces itself here), or
   * throw to stop the run.
   */
  public interface LoopHook {
    /**
     * @param engine the running engine
     * @param endSeconds run time at the end of the loop step, in s
     * @return false to end the run after this loop step; the run then returns its totals so far
     */
    boolean afterLoopStep(TransientEngine engine, double endSeconds);
  }

  /**
   * Run settings.
   *
   * @param steps the three rates
   * @param seriesResolutionSeconds bucket width of the series, a whole multiple of the loop step
   * @param progressIntervalNanos wall time between progress calls
   * @param probeRack rack whose thermal steps go to {@code probe}, or −1
   * @param probe receiver of the probed rack's steps, or null
   * @param loopHook called after every loop step, or null
   */
  public record Options(
      Steps steps,
      double seriesResolutionSeconds,
      long progressIntervalNanos,
      int probeRack,
      RackProbe probe,
      LoopHook loopHook) {

    public Options(
        Steps steps,
        double seriesResolutionSeconds,
        long progressIntervalNanos,
        int probeRack,
        RackProbe probe) {
      this(steps, seriesResolutionSeconds, progressIntervalNanos, probeRack, probe, null);
    }

    public static Options defaults(double durationSeconds) {
      // One-second points for runs up to an hour, one-minute points for longer ones, so that a
      // day stays at 1,440 points per series.
      double resolution = durationSeconds <= SECONDS_PER_HOUR ? 1.0 : 60.0;
      return new Options(Steps.defaults(), resolution, 500_000_000L, -1, null);
    }

    public Options withSteps(Steps value) {
      double resolution =
          Math.max(
              value.loopSeconds(),
              Math.rint(seriesResolutionSeconds / value.loopSeconds()) * value.loopSeconds());
      return new Options(value, resolution, progressIntervalNanos, probeRack, probe, loopHook);
    }

    public Options withProbe(int rack, RackProbe receiver) {
      return new Options(
          steps, seriesResolutionSeconds, progressIntervalNanos, rack, receiver, loopHook);
    }

    public Options withSeriesResolution(double seconds) {
      return new Options(steps, seconds, progressIntervalNanos, probeRack, probe, loopHook);
    }

    public Options withLoopHook(LoopHook hook) {
      return new Options(
          steps, seriesResolutionSeconds, progressIntervalNanos, probeRack, probe, hook);
    }
  }

  // ---- configuration
  private final Hall hall;
  private final RackBank.Parameters rack;
  private final TransientLoadGenerator load;
  private final double loadStartSeconds;
  private final Weather weather;
  private final CoolingPolicy policy;
  private final double durationSeconds;
  private final Options options;
  private final Steps steps;
  private final int racks;
  private final int cdus;
  private final int[] groupStart;
  private final int[] groupEnd;

  // ---- per-rack state, struct of arrays
  private final double[] slowC;
  private final double[] amplitudeK;
  private final double[] cosPhase;
  private final double[] sinPhase;
  private final double[] cosStep;
  private final double[] sinStep;
  private final double[] gainCos;
  private final double[] gainSin;
  private final double[] gain;
  private final double[] inverseOmega;
  private final boolean[] wideStep;
  private final double[] constantUtilization;
  private final double[] swingUtilization;
  private final double[] nextChange;
  private final boolean[] running;
  private final boolean[] shutDown;
  private final boolean[] armed;
  private final double iterationAmplitude;
  private final double thermalFraction;
  private double level;
  private double idleLevel;

  // ---- loop units
  private final Cdu[] cduUnits;
  private final TransportDelay[] supplyPipes;
  private final TransportDelay[] returnPipes;
  private final double[] rackCoolantRatePerLpm;
  // GPU rise over the rack inlet per W of rack power at the group's current flow, in K/W.
  private final double[] gpuRise;
  private final double[] groupRatedW;
  private final double[] groupLoadFraction;
  private final double[] lastReturnC;
  private final double[] lastInletC;
  private final double[] lastOutletC;
  private final CoolingPolicy.Decision[] decisions;
  private final FacilityWaterLoop facility;
  private final PlantModel plant;
  private final PlantHour plantHour = new PlantHour();
  private EconomizerState economizer = new EconomizerState();
  private double plantSupplyC;
  private double plantFlowLpm;

  // ---- scratch results of one group's thermal steps
  private double groupEnergyJ;
  private double groupTemperatureChangeK;
  private double groupTokenSeconds;
  private double groupPeakC;
  private int groupSpikes;
  private boolean groupOverLimit;

  /**
   * Prepares a run. The racks start in the periodic steady state of their load at the start, the
   * loops at the steady state of that load, so the run shows no start-up transient.
   *
   * @param hall the hall
   * @param load second-scale load over the hourly trace, built for {@code hall.rackCount()} racks
   * @param loadStartSeconds time on the load generator's clock at which the run starts
   * @param weather hourly weather from the run start
   * @param policy the control policy; one instance per run
   * @param durationSeconds simulated length, a whole multiple of the loop step
   */
  public TransientEngine(
      Hall hall,
      TransientLoadGenerator load,
      double loadStartSeconds,
      Weather weather,
      CoolingPolicy policy,
      double durationSeconds,
      Options options) {
    this.hall = hall;
    this.rack = hall.rack();
    this.load = load;
    this.loadStartSeconds = loadStartSeconds;
    this.weather = weather;
    this.policy = policy;
    this.options = options;
    this.steps = options.steps();
    this.racks = hall.rackCount();
    this.cdus = hall.groups().size();
    if (load.racks() != racks) {
      throw new IllegalArgumentException(
          "load generator has " + load.racks() + " racks, the hall " + racks);
    }
    double loops = durationSeconds / steps.loopSeconds();
    if (!(durationSeconds > 0) || Math.abs(loops - Math.rint(loops)) > 1e-6) {
      throw new IllegalArgumentException(
          "duration " + durationSeconds + " s must be a positive multiple of the loop step");
    }
    this.durationSeconds = durationSeconds;
    double resolutionRatio = options.seriesResolutionSeconds() / steps.loopSeconds();
    if (resolutionRatio < 1 - 1e-9
        || Math.abs(resolutionRatio - Math.rint(resolutionRatio)) > 1e-6) {
      throw new IllegalArgumentException("series resolution must be a multiple of the loop step");
    }

    groupStart = new int[cdus];
    groupEnd = new int[cdus];
    int next = 0;
    for (int g = 0; g < cdus; g++) {
      groupStart[g] = next;
      next += hall.groups().get(g).rackNames().size();
      groupEnd[g] = next;
    }

    slowC = new double[racks];
    amplitudeK = new double[racks];
    cosPhase = new double[racks];
    sinPhase = new double[racks];
    cosStep = new double[racks];
    sinStep = new double[racks];
    gainCos = new double[racks];
    gainSin = new double[racks];
    gain = new double[racks];
    inverseOmega = new double[racks];
    wideStep = new boolean[racks];
    constantUtilization = new double[racks];
    swingUtilization = new double[racks];
    nextChange = new double[racks];
    running = new boolean[racks];
    shutDown = new boolean[racks];
    armed = new boolean[racks];
    iterationAmplitude = load.shape().iterationAmplitude();
    thermalFraction =
        FirstOrderNode.stepFraction(steps.thermalSeconds(), rack.gpuTimeConstantSeconds());

    double h = steps.thermalSeconds();
    double tau = rack.gpuTimeConstantSeconds();
    for (int i = 0; i < racks; i++) {
      double omega = load.angularFrequency(i);
      double psi = omega * loadStartSeconds + load.phase(i);
      cosPhase[i] = Math.cos(psi);
      sinPhase[i] = Math.sin(psi);
      cosStep[i] = Math.cos(omega * h);
      sinStep[i] = Math.sin(omega * h);
      double g = 1.0 / Math.sqrt(1.0 + omega * tau * omega * tau);
      // cos θ = 1/√(1 + (ωτ)²) and sin θ = ωτ/√(1 + (ωτ)²), so G·cos θ = G² and G·sin θ = G²ωτ.
      gain[i] = g;
      gainCos[i] = g * g;
      gainSin[i] = g * g * omega * tau;
      inverseOmega[i] = 1.0 / omega;
      wideStep[i] = omega * h >= Math.PI;
      armed[i] = true;
    }
    setLevel(load.level(loadStartSeconds));
    for (int i = 0; i < racks; i++) {
      refresh(i, loadStartSeconds);
    }

    cduUnits = new Cdu[cdus];
    supplyPipes = new TransportDelay[cdus];
    returnPipes = new TransportDelay[cdus];
    rackCoolantRatePerLpm = new double[cdus];
    gpuRise = new double[cdus];
    groupRatedW = new double[cdus];
    groupLoadFraction = new double[cdus];
    lastReturnC = new double[cdus];
    lastInletC = new double[cdus];
    lastOutletC = new double[cdus];
    decisions = new CoolingPolicy.Decision[cdus];
    policy.reset(cdus, hall.tcsSupplySetpointC());

    double designLiquid = racks * rack.ratedPowerWatts() * rack.liquidShare();
    double designAir = racks * rack.ratedPowerWatts() * (1 - rack.liquidShare());
    plant =
        new PlantModel(
            PlantModel.Configuration.sizedFor(designLiquid, designAir, hall.coolingTower()));
    facility =
        new FacilityWaterLoop(
            hall.facilityLoopLiters(),
            plant.configuration().facilityFluid(),
            hall.facilitySupplySetpointC());
    initialize();
  }

  private void setLevel(double value) {
    level = value;
    idleLevel = Math.min(load.shape().idleUtilization(), value);
  }

  /** Re-reads whether a rack runs its job, and so its constant and swing utilization. */
  private void refresh(int i, double loadSeconds) {
    running[i] = load.running(i, loadSeconds);
    nextChange[i] = load.nextChangeSeconds(i, loadSeconds) - loadStartSeconds;
    applyLevel(i);
  }

  private void applyLevel(int i) {
    if (running[i]) {
      constantUtilization[i] = level * (1 - 0.5 * iterationAmplitude);
      swingUtilization[i] = level * 0.5 * iterationAmplitude;
    } else {
      constantUtilization[i] = idleLevel;
      swingUtilization[i] = 0.0;
    }
  }

  /** Puts every node at the steady state of the start load. */
  private void initialize() {
    double rated = rack.ratedPowerWatts();
    double dynamic = 1 - rack.idleFraction();
    double totalDuty = 0;
    double totalAir = 0;
    double[] liquid = new double[cdus];
    double[] setpoint = new double[cdus];
    double[] speed = new double[cdus];
    for (int g = 0; g < cdus; g++) {
      double power = 0;
      for (int i = groupStart[g]; i < groupEnd[g]; i++) {
        power += rated * (rack.idleFraction() + dynamic * constantUtilization[i]);
      }
      groupRatedW[g] = rated * (groupEnd[g] - groupStart[g]);
      groupLoadFraction[g] = power / groupRatedW[g];
      liquid[g] = power * rack.liquidShare();
      totalAir += power * (1 - rack.liquidShare());
      CduDesign design = hall.groups().get(g).cdu();
      CoolingPolicy.Decision decision = new CoolingPolicy.Decision();
      decision.supplySetpointC = hall.tcsSupplySetpointC();
      decision.pumpSpeed = 1.0;
      double rate = design.secondaryFluid().capacityRate(design.pump().designFlowLitersPerMinute());
      policy.decide(
          g,
          steps.loopSeconds(),
          groupLoadFraction[g],
          decision.supplySetpointC,
          decision.supplySetpointC + liquid[g] / rate,
          decision);
      decisions[g] = decision;
      setpoint[g] = decision.supplySetpointC;
      speed[g] = Math.max(BaselinePolicy.MIN_PUMP_SPEED, Math.min(1, decision.pumpSpeed));
      totalDuty += liquid[g] + design.pump().powerAt(speed[g]);
    }
    evaluatePlant(totalDuty, totalAir, 0.0, steps.plantSeconds());
    Fluid facilityFluid = plant.configuration().facilityFluid();
    double returnHeaderC = plantSupplyC + totalDuty / facilityFluid.capacityRate(plantFlowLpm);
    // FacilityWaterLoop has no setter: one step at a huge plant flow puts it at the target. The
    // step must be long against the volume's time constant (1 s against about 1e-8 s here),
    // otherwise the loop keeps its construction temperature and the plant receives negative heat.
    facility.step(1.0, 0.0, returnHeaderC, 1e12);
    double facilityTemperature = plantSupplyC;

    for (int g = 0; g < cdus; g++) {
      CduDesign design = hall.groups().get(g).cdu();
      double flow = design.pump().flowAt(speed[g]);
      double rate = design.secondaryFluid().capacityRate(flow);
      double pumpPower = design.pump().powerAt(speed[g]);
      rackCoolantRatePerLpm[g] = design.rackCoolant().capacityRate(1.0);
      updateGpuRise(g, flow);
      double rg = gpuRise[g];
      double returnC = setpoint[g] + liquid[g] / (rackCoolantRatePerLpm[g] * flow);
      double duty = liquid[g] + pumpPower;
      double facilityRate = facilityFluid.capacityRate(design.facilityFlowLitersPerMinute());
      // Valve position whose exchanger duty carries the start load; duty grows with the valve.
      double low = 0;
      double high = 1;
      for (int k = 0; k < 60; k++) {
        double mid = 0.5 * (low + high);
        double q =
            EffectivenessNtu.counterflowDuty(
                design.uaWattsPerKelvin(), mid * rate, facilityRate, returnC, facilityTemperature);
        if (q < duty) {
          low = mid;
        } else {
          high = mid;
        }
      }
      PidController valve =
          new PidController(
              design.valveGain(), design.valveIntegralSeconds(), 0.0, 10.0, 0.0, 1.0, true);
      Cdu cdu =
          new Cdu(
              design.uaWattsPerKelvin(),
              design.secondaryFluid(),
              facilityFluid,
              design.pump(),
              design.supplyVolumeLiters(),
              valve,
              setpoint[g],
              design.facilityFlowLitersPerMinute(),
              0.5 * (low + high));
      cdu.setPumpSpeed(speed[g]);
      cduUnits[g] = cdu;
      double minStepVolume =
          design.pump().flowAt(BaselinePolicy.MIN_PUMP_SPEED) / 60.0 * steps.loopSeconds();
      double maxStepVolume = design.pump().designFlowLitersPerMinute() / 60.0 * steps.loopSeconds();
      if (maxStepVolume >= design.pipeVolumeLiters()) {
        throw new IllegalArgumentException(
            "CDU "
                + design.name()
                + ": one loop step of "
                + steps.loopSeconds()
                + " s moves more than the pipe volume; use a shorter loop step");
      }
      int parcels = (int) Math.min(8192, Math.ceil(design.pipeVolumeLiters() / minStepVolume) + 4);
      supplyPipes[g] = new TransportDelay(design.pipeVolumeLiters(), setpoint[g], parcels);
      returnPipes[g] = new TransportDelay(design.pipeVolumeLiters(), returnC, parcels);
      lastReturnC[g] = returnC;
      lastInletC[g] = setpoint[g];
      lastOutletC[g] = returnC;
      for (int i = groupStart[g]; i < groupEnd[g]; i++) {
        double constantPower = rated * (rack.idleFraction() + dynamic * constantUtilization[i]);
        slowC[i] = setpoint[g] + rg * constantPower;
        amplitudeK[i] = rg * rated * dynamic * swingUtilization[i];
      }
    }
  }

  /** Sets the GPU rise of a group for a CDU secondary flow shared equally by its racks. */
  private void updateGpuRise(int g, double cduFlowLpm) {
    double perRack = cduFlowLpm / (groupEnd[g] - groupStart[g]);
    gpuRise[g] = rack.gpuRisePerRackWatt(perRack, rackCoolantRatePerLpm[g]);
  }

  private void evaluatePlant(double liquidW, double airW, double runSeconds, double dt) {
    double setpoint = facilitySupplySetpointC();
    if (setpoint <= Chiller.DEFAULT_MAX_LEAVING_C) {
      evaluatePlant(liquidW, airW, runSeconds, dt, setpoint);
    } else {
      // Water above the chillers' warmest leaving temperature comes from free cooling alone. When
      // the plant needs its chillers at that setpoint, their range check rejects it, and the step
      // runs again at the chillers' warmest water from the mode memory it started with.
      EconomizerState before = copy(economizer);
      try {
        evaluatePlant(liquidW, airW, runSeconds, dt, setpoint);
      } catch (IllegalArgumentException chillerRange) {
        economizer = before;
        evaluatePlant(liquidW, airW, runSeconds, dt, Chiller.DEFAULT_MAX_LEAVING_C);
      }
    }
    plantSupplyC = plantHour.supplyTemperatureC;
    plantFlowLpm = plantHour.facilityFlowLitersPerMinute;
  }

  private void evaluatePlant(
      double liquidW, double airW, double runSeconds, double dt, double setpointC) {
    Weather w = weather;
    int hour = w.hourIndex(runSeconds);
    plant.evaluate(
        Math.max(0.0, liquidW),
        Math.max(0.0, airW),
        w.dryBulbC()[hour],
        w.dewPointC()[hour],
        w.pressurePa()[hour],
        setpointC,
        dt,
        economizer,
        plantHour);
  }

  private static EconomizerState copy(EconomizerState state) {
    return state.mode() == null
        ? new EconomizerState()
        : new EconomizerState(state.mode(), state.secondsInMode());
  }

  /**
   * Returns the facility water supply setpoint of the next plant step, in °C: supply-temperature
   * reset to the warmest water that still lets every CDU hold its TCS setpoint, that is the lowest
   * TCS setpoint minus that CDU's design approach and {@link #RESET_MARGIN_K}. This is the reset of
   * ASHRAE 90.1-2016 section 6.5.4.4, which raises the chilled-water supply temperature until one
   * valve is nearly wide open (summary: pnnl.github.io/ConStrain/CHWReset.html), with the design
   * approach standing in for the valve position. The result never falls below the hall's design
   * facility supply setpoint nor below {@link Chiller#DEFAULT_MIN_LEAVING_C} °C. Above {@link
   * Chiller#DEFAULT_MAX_LEAVING_C} °C only free cooling can make it; see {@code evaluatePlant}.
   */
  double facilitySupplySetpointC() {
    double reset = Double.POSITIVE_INFINITY;
    for (int g = 0; g < cdus; g++) {
      double approach = hall.groups().get(g).cdu().designApproachK() + RESET_MARGIN_K;
      reset = Math.min(reset, decisions[g].supplySetpointC - approach);
    }
    return Math.max(Chiller.DEFAULT_MIN_LEAVING_C, Math.max(hall.facilitySupplySetpointC(), reset));
  }

  /** Returns the heat stored in every node, Σ C·T in J. */
  private double storedHeatJ() {
    double gpuCapacity = rack.gpuHeatCapacityJPerK() * rack.gpuCount();
    double sum = 0;
    for (int i = 0; i < racks; i++) {
      sum += gpuCapacity * gpuTemperature(i);
    }
    for (int g = 0; g < cdus; g++) {
      Fluid fluid = hall.groups().get(g).cdu().secondaryFluid();
      sum += supplyPipes[g].storedHeatJoules(fluid) + returnPipes[g].storedHeatJoules(fluid);
      sum += cduUnits[g].storedHeatJoules();
    }
    return sum + facility.storedHeatJoules();
  }

  private double gpuTemperature(int i) {
    return slowC[i] + amplitudeK[i] * (cosPhase[i] * gainCos[i] + sinPhase[i] * gainSin[i]);
  }

  /**
   * Runs the whole duration.
   *
   * @param listener progress receiver, called about every {@code progressIntervalNanos} of wall
   *     time; an exception it throws stops the run
   */
  public TransientRun run(ProgressListener listener) {
    double dtLoop = steps.loopSeconds();
    double dtPlant = steps.plantSeconds();
    int thermalPerLoop = steps.thermalPerLoop();
    int loopsPerPlant = steps.loopsPerPlant();
    long loopCount = Math.round(durationSeconds / dtLoop);
    double liquidShare = rack.liquidShare();
    double gpuCapacity = rack.gpuHeatCapacityJPerK() * rack.gpuCount();

    Series series = new Series(durationSeconds, options.seriesResolutionSeconds());
    double initialStored = storedHeatJ();
    double itJ = 0;
    double cduPumpJ = 0;
    double plantExtraJ = 0;
    double rejectedJ = 0;
    double unmetJ = 0;
    double chillersJ = 0;
    double fansJ = 0;
    double plantPumpsJ = 0;
    double crahsJ = 0;
    double tokenSeconds = 0;
    double maxGpu = Double.NEGATIVE_INFINITY;
    long spikes = 0;
    long overMinutes = 0;
    long lastOverMinute = -1;
    double peakFacilityW = 0;
    double plantLiquidJ = 0;
    double plantAirJ = 0;
    double plantItJ = 0;
    double plantCduPumpJ = 0;
    double plantStartSeconds = 0;
    int hourIndex = (int) Math.floor(loadStartSeconds / SECONDS_PER_HOUR);
    long lastReport = System.nanoTime();

    LoopHook hook = options.loopHook();
    long stepsRun = loopCount;
    for (long step = 0; step < loopCount; step++) {
      double t = step * dtLoop;
      int hourNow = (int) Math.floor((loadStartSeconds + t) / SECONDS_PER_HOUR);
      if (hourNow != hourIndex) {
        hourIndex = hourNow;
        setLevel(load.level(loadStartSeconds + t));
        for (int i = 0; i < racks; i++) {
          applyLevel(i);
          // Rounding in the phase rotation grows by about 1e-16 per step; renormalize hourly.
          double norm = 1.0 / Math.sqrt(cosPhase[i] * cosPhase[i] + sinPhase[i] * sinPhase[i]);
          cosPhase[i] *= norm;
          sinPhase[i] *= norm;
        }
      }
      double stepIt = 0;
      double stepAir = 0;
      double stepDuty = 0;
      double stepPump = 0;
      double stepPeak = Double.NEGATIVE_INFINITY;
      boolean stepOver = false;
      double supplySum = 0;
      double setpointSum = 0;
      double speedSum = 0;
      for (int g = 0; g < cdus; g++) {
        Cdu cdu = cduUnits[g];
        CoolingPolicy.Decision decision = decisions[g];
        policy.decide(
            g, dtLoop, groupLoadFraction[g], cdu.supplyTemperatureC(), lastReturnC[g], decision);
        cdu.setSupplySetpoint(decision.supplySetpointC);
        cdu.setPumpSpeed(Math.max(BaselinePolicy.MIN_PUMP_SPEED, decision.pumpSpeed));
        double flow = cdu.secondaryFlowLitersPerMinute();
        double volume = flow / 60.0 * dtLoop;
        double inlet = supplyPipes[g].pop(volume);
        updateGpuRise(g, flow);

        thermalSteps(g, t, inlet, thermalPerLoop);

        double energy = groupEnergyJ;
        double liquidJ = liquidShare * energy - gpuCapacity * groupTemperatureChangeK;
        double outlet = inlet + liquidJ / dtLoop / (rackCoolantRatePerLpm[g] * flow);
        returnPipes[g].push(volume, outlet);
        double returnC = returnPipes[g].pop(volume);
        lastReturnC[g] = returnC;
        lastInletC[g] = inlet;
        lastOutletC[g] = outlet;
        // The CDUs draw the plant's supply; the facility loop node is the warm return header.
        cdu.step(dtLoop, returnC, plantSupplyC);
        supplyPipes[g].push(volume, cdu.supplyStepMeanC());

        groupLoadFraction[g] = energy / dtLoop / groupRatedW[g];
        stepIt += energy;
        stepAir += (1 - liquidShare) * energy;
        stepDuty += cdu.heatToFacilityW();
        stepPump += cdu.pumpPowerW();
        tokenSeconds += groupTokenSeconds;
        spikes += groupSpikes;
        stepPeak = Math.max(stepPeak, groupPeakC);
        stepOver |= groupOverLimit;
        supplySum += cdu.supplyTemperatureC();
        setpointSum += decision.supplySetpointC;
        speedSum += Math.max(BaselinePolicy.MIN_PUMP_SPEED, Math.min(1.0, decision.pumpSpeed));
      }
      facility.step(dtLoop, stepDuty, plantSupplyC, plantFlowLpm);
      plantLiquidJ += facility.heatToPlantW() * dtLoop;
      plantAirJ += stepAir;
      plantItJ += stepIt;
      plantCduPumpJ += stepPump * dtLoop;
      itJ += stepIt;
      cduPumpJ += stepPump * dtLoop;
      maxGpu = Math.max(maxGpu, stepPeak);
      if (stepOver) {
        long minute = (long) Math.floor(t / 60.0);
        if (minute != lastOverMinute) {
          overMinutes++;
          lastOverMinute = minute;
        }
      }
      series.max(Series.MAX_GPU, t, stepPeak);
      series.mean(Series.SUPPLY, t, dtLoop, supplySum / cdus);
      series.mean(Series.SETPOINT, t, dtLoop, setpointSum / cdus);
      series.mean(Series.PUMP_SPEED, t, dtLoop, speedSum / cdus);
      series.mean(Series.IT_POWER, t, dtLoop, stepIt / dtLoop / 1000.0);
      series.mean(Series.CDU_PUMPS, t, dtLoop, stepPump / 1000.0);

      boolean stop = hook != null && !hook.afterLoopStep(this, (step + 1) * dtLoop);
      if (stop) {
        stepsRun = step + 1;
      }
      // A run that stops early closes its partial plant step, so the energy balance still holds.
      boolean plantDue = (step + 1) % loopsPerPlant == 0 || step + 1 == loopCount || stop;
      if (plantDue) {
        double end = (step + 1) * dtLoop;
        double dt = end - plantStartSeconds;
        evaluatePlant(plantLiquidJ / dt, plantAirJ / dt, plantStartSeconds, dt);
        PlantHour p = plantHour;
        // Pump, fan, chiller and latent heat the plant adds to the water it rejects.
        plantExtraJ +=
            (p.heatInW - Math.max(0.0, plantLiquidJ / dt) - Math.max(0.0, plantAirJ / dt)) * dt;
        rejectedJ += p.heatRejectedW * dt;
        unmetJ += p.unmetHeatW * dt;
        chillersJ += p.chillerPowerW * dt;
        fansJ += p.heatRejectionFanPowerW * dt;
        plantPumpsJ += (p.facilityPumpPowerW + p.condenserPumpPowerW) * dt;
        crahsJ += p.crahFanPowerW * dt;
        double facilityW = (plantItJ + plantCduPumpJ) / dt + p.coolingPowerW();
        peakFacilityW = Math.max(peakFacilityW, facilityW);
        series.mean(Series.CHILLERS, plantStartSeconds, dt, p.chillerPowerW / 1000.0);
        series.mean(Series.FANS, plantStartSeconds, dt, p.heatRejectionFanPowerW / 1000.0);
        series.mean(
            Series.PLANT_PUMPS,
            plantStartSeconds,
            dt,
            (p.facilityPumpPowerW + p.condenserPumpPowerW) / 1000.0);
        series.mean(Series.CRAHS, plantStartSeconds, dt, p.crahFanPowerW / 1000.0);
        plantLiquidJ = 0;
        plantAirJ = 0;
        plantItJ = 0;
        plantCduPumpJ = 0;
        plantStartSeconds = end;
      }
      if (listener != null) {
        long now = System.nanoTime();
        if (now - lastReport >= options.progressIntervalNanos()) {
          lastReport = now;
          double done = (step + 1) * dtLoop;
          listener.progress(done, done / durationSeconds);
        }
      }
      if (stop) {
        break;
      }
    }

    double stored = storedHeatJ() - initialStored;
    double energyIn = itJ + cduPumpJ + plantExtraJ;
    double error = Math.abs(energyIn - rejectedJ - unmetJ - stored) / energyIn;
    double tokens = tokenSeconds * rack.peakTokensPerSecond();
    return new TransientRun(
        itJ,
        chillersJ,
        fansJ,
        cduPumpJ + plantPumpsJ,
        crahsJ,
        maxGpu,
        overMinutes,
        spikes * rack.gpuCount(),
        tokens,
        peakFacilityW,
        energyIn,
        rejectedJ,
        unmetJ,
        stored,
        error,
        stepsRun * dtLoop,
        stepsRun * thermalPerLoop,
        series.finish());
  }

  /**
   * Advances the racks of one CDU through the thermal steps of one loop step at a constant inlet
   * temperature, and leaves the group's sums in the scratch fields. The loop reads and writes only
   * primitive arrays and allocates nothing.
   */
  private void thermalSteps(int g, double loopStartSeconds, double inletC, int substeps) {
    RackBank.Parameters p = rack;
    double h = steps.thermalSeconds();
    double fraction = thermalFraction;
    double rated = p.ratedPowerWatts();
    double idle = p.idleFraction();
    double dynamic = 1 - idle;
    double rg = gpuRise[g];
    double slowdown = p.slowdownC();
    double shutdown = p.shutdownC();
    double limit = p.maxOperatingC();
    double rearm = limit - SPIKE_REARM_K;
    double throttleSlope = (1.0 - p.minClockFraction()) / (shutdown - slowdown);
    int probe = options.probeRack();
    int start = groupStart[g];
    int end = groupEnd[g];

    double energy = 0;
    double temperatureChange = 0;
    double tokenSeconds = 0;
    double peakMax = Double.NEGATIVE_INFINITY;
    int spikes = 0;
    boolean over = false;
    for (int k = 0; k < substeps; k++) {
      double t = loopStartSeconds + k * h;
      for (int i = start; i < end; i++) {
        if (t >= nextChange[i]) {
          refresh(i, loadStartSeconds + t);
        }
        double c0 = cosPhase[i];
        double s0 = sinPhase[i];
        double gc = gainCos[i];
        double gs = gainSin[i];
        double ripple0 = c0 * gc + s0 * gs;
        double t0 = slowC[i] + amplitudeK[i] * ripple0;
        double clock;
        if (t0 >= shutdown) {
          shutDown[i] = true;
        }
        if (shutDown[i]) {
          clock = 0.0;
        } else if (t0 > slowdown) {
          clock = 1.0 - throttleSlope * (t0 - slowdown);
        } else {
          clock = 1.0;
        }
        double uConstant = constantUtilization[i] * clock;
        double uSwing = swingUtilization[i] * clock;
        double powerConstant = rated * (idle + dynamic * uConstant);
        double powerSwing = rated * dynamic * uSwing;
        double amplitude = rg * powerSwing;
        double y0 = t0 - amplitude * ripple0;
        double y1 = y0 + (inletC + rg * powerConstant - y0) * fraction;
        double cs = cosStep[i];
        double ss = sinStep[i];
        double c1 = c0 * cs - s0 * ss;
        double s1 = s0 * cs + c0 * ss;
        double ripple1 = c1 * gc + s1 * gs;
        double t1 = y1 + amplitude * ripple1;
        double swingIntegral = (s1 - s0) * inverseOmega[i];
        energy += powerConstant * h + powerSwing * swingIntegral;
        tokenSeconds += uConstant * h + uSwing * swingIntegral;
        temperatureChange += t1 - t0;
        // Crest inside the step: sin(ψ − θ) goes from negative to non-negative.
        double q0 = s0 * gc - c0 * gs;
        double q1 = s1 * gc - c1 * gs;
        double rippleMax =
            wideStep[i] || (q0 < 0 && q1 >= 0) ? gain[i] : Math.max(ripple0, ripple1);
        double peak = Math.max(y0, y1) + amplitude * rippleMax;
        if (peak > peakMax) {
          peakMax = peak;
        }
        if (peak > limit) {
          over = true;
          if (armed[i]) {
            armed[i] = false;
            spikes++;
          }
        } else if (peak < rearm) {
          armed[i] = true;
        }
        slowC[i] = y1;
        amplitudeK[i] = amplitude;
        cosPhase[i] = c1;
        sinPhase[i] = s1;
        if (i == probe) {
          double rippleMin =
              wideStep[i] || (q0 > 0 && q1 <= 0) ? -gain[i] : Math.min(ripple0, ripple1);
          options
              .probe()
              .step(
                  t + h,
                  peak,
                  Math.min(y0, y1) + amplitude * rippleMin,
                  t1,
                  (powerConstant * h + powerSwing * swingIntegral) / h);
        }
      }
    }
    groupEnergyJ = energy;
    groupTemperatureChangeK = temperatureChange;
    groupTokenSeconds = tokenSeconds;
    groupPeakC = peakMax;
    groupSpikes = spikes;
    groupOverLimit = over;
  }

  // ---- read-only state for a LoopHook; values are those at the end of the last loop step

  /** Returns the number of CDUs, which is the number of rack groups. */
  public int cduCount() {
    return cdus;
  }

  /** Returns the index of the first rack of a CDU's group; its racks run to the next group's. */
  public int firstRack(int cdu) {
    return groupStart[cdu];
  }

  /** Returns the TCS supply temperature leaving the CDU, in °C. */
  public double cduSupplyC(int cdu) {
    return cduUnits[cdu].supplyTemperatureC();
  }

  /** Returns the TCS return temperature that reached the CDU over the last loop step, in °C. */
  public double cduReturnC(int cdu) {
    return lastReturnC[cdu];
  }

  /** Returns the facility water temperature the CDU sends back to the plant, in °C. */
  public double cduFacilityReturnC(int cdu) {
    return cduUnits[cdu].facilityReturnTemperatureC();
  }

  /** Returns the secondary (TCS) flow of the CDU, in L/min. */
  public double cduSecondaryFlowLpm(int cdu) {
    return cduUnits[cdu].secondaryFlowLitersPerMinute();
  }

  /** Returns the pump speed the CDU runs at, as a fraction of design speed. */
  public double cduPumpSpeed(int cdu) {
    return Math.max(BaselinePolicy.MIN_PUMP_SPEED, Math.min(1.0, decisions[cdu].pumpSpeed));
  }

  /** Returns the CDU pump's electric power, in W. */
  public double cduPumpPowerW(int cdu) {
    return cduUnits[cdu].pumpPowerW();
  }

  /** Returns the coolant temperature that reached the group's racks over the last step, in °C. */
  public double rackInletC(int cdu) {
    return lastInletC[cdu];
  }

  /** Returns the mean coolant temperature leaving the group's racks over the last step, in °C. */
  public double rackOutletC(int cdu) {
    return lastOutletC[cdu];
  }

  /** Returns the facility water supply temperature the plant delivers, in °C. */
  public double facilitySupplyC() {
    return plantSupplyC;
  }

  /** Returns the temperature of the facility loop's return header, in °C. */
  public double facilityReturnC() {
    return facility.temperatureC();
  }

  /** Returns the GPU temperature of a rack, in °C. */
  public double gpuTemperatureC(int rackIndex) {
    return gpuTemperature(rackIndex);
  }

  /**
   * Returns a rack's IT power without the training-iteration swing, which averages to zero over a
   * period, in W.
   */
  public double rackPowerW(int rackIndex) {
    return rack.ratedPowerWatts()
        * (rack.idleFraction()
            + (1 - rack.idleFraction()) * constantUtilization[rackIndex] * clock(rackIndex));
  }

  /** Returns a rack's token rate without the iteration swing, in tokens/s. */
  public double rackTokensPerSecond(int rackIndex) {
    return rack.peakTokensPerSecond() * constantUtilization[rackIndex] * clock(rackIndex);
  }

  /** Returns the outdoor dew point of the weather hour that contains a run time, in °C. */
  public double dewPointC(double runSeconds) {
    return weather.dewPointC()[weather.hourIndex(runSeconds)];
  }

  /** Returns the outdoor dry bulb of the weather hour that contains a run time, in °C. */
  public double dryBulbC(double runSeconds) {
    return weather.dryBulbC()[weather.hourIndex(runSeconds)];
  }

  /** Returns the clock fraction of a rack at its present GPU temperature, as the loop sets it. */
  private double clock(int i) {
    if (shutDown[i]) {
      return 0.0;
    }
    double t = gpuTemperature(i);
    if (t > rack.slowdownC()) {
      double slope = (1.0 - rack.minClockFraction()) / (rack.shutdownC() - rack.slowdownC());
      return Math.max(0.0, 1.0 - slope * (t - rack.slowdownC()));
    }
    return 1.0;
  }

  /** Returns the rack names in engine order: group by group. */
  public List<String> rackNames() {
    List<String> names = new ArrayList<>(racks);
    for (Hall.Group group : hall.groups()) {
      names.addAll(group.rackNames());
    }
    return names;
  }

  /** Series accumulated into fixed buckets; values are finished into means or maxima. */
  private static final class Series {
    static final int MAX_GPU = 0;
    static final int SUPPLY = 1;
    static final int SETPOINT = 2;
    static final int PUMP_SPEED = 3;
    static final int IT_POWER = 4;
    static final int CDU_PUMPS = 5;
    static final int CHILLERS = 6;
    static final int FANS = 7;
    static final int PLANT_PUMPS = 8;
    static final int CRAHS = 9;

    private final double resolution;
    private final int buckets;
    private final double[][] values;

    Series(double durationSeconds, double resolution) {
      this.resolution = resolution;
      this.buckets = (int) Math.ceil(durationSeconds / resolution - 1e-9);
      this.values = new double[10][buckets];
      java.util.Arrays.fill(values[MAX_GPU], Double.NEGATIVE_INFINITY);
    }

    void max(int series, double t, double value) {
      int b = Math.min(buckets - 1, (int) Math.floor(t / resolution + 1e-9));
      if (value > values[series][b]) {
        values[series][b] = value;
      }
    }

    /** Adds a value held over [t, t + dt) to the buckets it overlaps, weighted by overlap. */
    void mean(int series, double t, double dt, double value) {
      double end = t + dt;
      int b = Math.min(buckets - 1, (int) Math.floor(t / resolution + 1e-9));
      double from = t;
      while (from < end - 1e-9 && b < buckets) {
        double bucketEnd = (b + 1) * resolution;
        double to = Math.min(end, bucketEnd);
        values[series][b] += value * (to - from);
        from = to;
        b++;
      }
    }

    List<TransientRun.SeriesData> finish() {
      for (int s = 1; s < values.length; s++) {
        for (int b = 0; b < buckets; b++) {
          values[s][b] /= resolution;
        }
      }
      double[] pumps = new double[buckets];
      double[] cooling = new double[buckets];
      double[] facilityPower = new double[buckets];
      for (int b = 0; b < buckets; b++) {
        pumps[b] = values[CDU_PUMPS][b] + values[PLANT_PUMPS][b];
        cooling[b] = pumps[b] + values[CHILLERS][b] + values[FANS][b] + values[CRAHS][b];
        facilityPower[b] = values[IT_POWER][b] + cooling[b];
      }
      return List.of(
          data("max_gpu_temperature_c", "C", values[MAX_GPU]),
          data("tcs_supply_temperature_c", "C", values[SUPPLY]),
          data("tcs_supply_temperature_setpoint_c", "C", values[SETPOINT]),
          data("pump_speed", "1", values[PUMP_SPEED]),
          data("it_power_kw", "kW", values[IT_POWER]),
          data("cooling_power_kw", "kW", cooling),
          data("chillers_power_kw", "kW", values[CHILLERS]),
          data("heat_rejection_fans_power_kw", "kW", values[FANS]),
          data("pumps_power_kw", "kW", pumps),
          data("cdu_pumps_power_kw", "kW", values[CDU_PUMPS]),
          data("crahs_power_kw", "kW", values[CRAHS]),
          data("facility_power_kw", "kW", facilityPower));
    }

    private TransientRun.SeriesData data(String name, String unit, double[] v) {
      return new TransientRun.SeriesData(name, unit, resolution, v);
    }
  }
}
