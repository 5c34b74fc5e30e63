package io.factorytwin.simulation.transients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.factorytwin.simulation.input.TransientLoadGenerator;
import io.factorytwin.simulation.input.WorkloadTrace;
import io.factorytwin.simulation.physics.Fluid;
import io.factorytwin.simulation.physics.thermal.RackBank;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TransientEngineTest {

  /** A mild day: 20 °C dry bulb, 10 °C dew point, sea-level pressure. */
  static final TransientEngine.Weather MILD = TransientEngine.Weather.constant(20, 10, 101_325);

  /** A 3 Hz swing of 30 % with no job starts and no checkpoints. */
  static final TransientLoadGenerator.Shape STEADY_3HZ =
      new TransientLoadGenerator.Shape(0.3, 3.0, 3.0, 0.2, 3600, 0, 600, 0);

  /**
   * Returns the GPU rise over the rack inlet per W of rack power in a group whose pump runs at full
   * speed, the flow shared equally by its racks.
   */
  private static double riseAtFullSpeed(Hall hall, int group) {
    Hall.Group g = hall.groups().get(group);
    double perRack = g.cdu().pump().flowAt(1.0) / g.rackNames().size();
    return hall.rack().gpuRisePerRackWatt(perRack, g.cdu().rackCoolant().capacityRate(1.0));
  }

  private static TransientRun run(
      Hall hall,
      TransientLoadGenerator load,
      double loadStart,
      CoolingPolicy policy,
      double duration,
      TransientEngine.Options options) {
    return new TransientEngine(hall, load, loadStart, MILD, policy, duration, options).run(null);
  }

  @Test
  void threeHertzSwing_givesFirstOrderRipple_atTheEngineSteps() {
    Hall hall = Hall.gb200("ripple", 20, 10);
    double level = 0.8;
    TransientLoadGenerator load =
        new TransientLoadGenerator(WorkloadTrace.of("flat", level), 20, 1, STEADY_3HZ);
    List<double[]> steps = new ArrayList<>();
    TransientEngine.Options options =
        TransientEngine.Options.defaults(120)
            .withProbe(
                3,
                (end, peak, trough, last, power) ->
                    steps.add(new double[] {end, peak, trough, power}));

    run(hall, load, 0, BaselinePolicy.fixedSpeed(null, 1.0), 120, options);

    RackBank.Parameters p = hall.rack();
    // First-order prediction: the swing of utilization is level·A/2·cos(ωt + φ); the GPU sees
    // the rack's dynamic power through its rise per rack watt at the group's flow (R·gpuShare/
    // gpuCount and the upstream coolant rise), attenuated by 1/√(1 + (ωτ)²).
    double powerAmplitude = p.ratedPowerWatts() * (1 - p.idleFraction()) * level * 0.3 / 2;
    double omegaTau = 2 * Math.PI * 3.0 * p.gpuTimeConstantSeconds();
    double predicted =
        riseAtFullSpeed(hall, 0) * powerAmplitude / Math.sqrt(1 + omegaTau * omegaTau);

    // Half the peak-to-trough range within each simulated second (three full periods at 3 Hz),
    // after the first minute; the coolant inlet changes only between seconds.
    assertThat(steps).hasSize(1200);
    List<Double> amplitudes = new ArrayList<>();
    for (int second = 60; second < 120; second++) {
      double max = Double.NEGATIVE_INFINITY;
      double min = Double.POSITIVE_INFINITY;
      for (int k = 0; k < 10; k++) {
        double[] s = steps.get(second * 10 + k);
        max = Math.max(max, s[1]);
        min = Math.min(min, s[2]);
      }
      amplitudes.add((max - min) / 2);
    }
    double measured = amplitudes.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    System.out.printf(
        "3 Hz ripple: measured %.5f K, first-order prediction %.5f K, ratio %.4f%n",
        measured, predicted, measured / predicted);
    assertThat(measured / predicted).isCloseTo(1.0, within(0.02));
    // A step that held the power constant for 0.1 s would show the zero-order-hold attenuation
    // sin(πfh)/(πfh) = 0.86, which this check would reject.
    double zeroOrderHold = Math.sin(Math.PI * 0.3) / (Math.PI * 0.3);
    assertThat(Math.abs(measured / predicted - zeroOrderHold)).isGreaterThan(0.1);

    // The rack's power swings at 3 Hz by the generator's amplitude: the mean over a 0.1 s step
    // of a 3 Hz cosine keeps at most sin(0.3π)/(0.3π) of it, and steps that start every 108° of
    // phase come within 18° of a crest, which keeps at least cos 18° of that.
    double powerMax = steps.stream().skip(600).mapToDouble(s -> s[3]).max().orElseThrow();
    double powerMin = steps.stream().skip(600).mapToDouble(s -> s[3]).min().orElseThrow();
    assertThat((powerMax - powerMin) / 2 / powerAmplitude)
        .isBetween(zeroOrderHold * Math.cos(Math.toRadians(18)) - 1e-3, zeroOrderHold + 1e-3);
  }

  /**
   * The 3 Hz ripple at longer and shorter thermal steps: 1 s is the step of the benchmark, where
   * the swing is followed only through the exact solution within each step.
   */
  @Test
  void threeHertzRipple_staysFirstOrder_atOtherThermalSteps() {
    Hall hall = Hall.gb200("ripple", 10, 10);
    RackBank.Parameters p = hall.rack();
    double level = 0.8;
    double powerAmplitude = p.ratedPowerWatts() * (1 - p.idleFraction()) * level * 0.3 / 2;
    double omegaTau = 2 * Math.PI * 3.0 * p.gpuTimeConstantSeconds();
    double predicted =
        riseAtFullSpeed(hall, 0) * powerAmplitude / Math.sqrt(1 + omegaTau * omegaTau);
    for (double thermal : new double[] {1.0, 0.5, 0.02}) {
      TransientLoadGenerator load =
          new TransientLoadGenerator(WorkloadTrace.of("flat", level), 10, 1, STEADY_3HZ);
      // Highest peak and lowest trough within each simulated second after the first minute.
      double[] peak = new double[120];
      double[] trough = new double[120];
      Arrays.fill(peak, Double.NEGATIVE_INFINITY);
      Arrays.fill(trough, Double.POSITIVE_INFINITY);
      TransientEngine.Options options =
          TransientEngine.Options.defaults(120)
              .withSteps(new TransientEngine.Steps(thermal, 1.0, 60.0))
              .withProbe(
                  0,
                  (end, high, low, last, power) -> {
                    int second = (int) Math.ceil(end - 1e-9) - 1;
                    peak[second] = Math.max(peak[second], high);
                    trough[second] = Math.min(trough[second], low);
                  });
      run(hall, load, 0, BaselinePolicy.fixedSpeed(null, 1.0), 120, options);
      double sum = 0;
      for (int second = 60; second < 120; second++) {
        sum += (peak[second] - trough[second]) / 2;
      }
      double measured = sum / 60;
      System.out.printf(
          "3 Hz ripple at a %.2f s thermal step: %.5f K, ratio to first order %.4f%n",
          thermal, measured, measured / predicted);
      assertThat(measured / predicted)
          .as("thermal step %s s", thermal)
          .isCloseTo(1.0, within(0.02));
    }
  }

  /** Finds a load-clock time a few seconds before the hall's single job starts. */
  private static double secondsBeforeJobStart(TransientLoadGenerator load, double lead) {
    double t = 0;
    while (load.running(0, t)) {
      t = load.nextChangeSeconds(0, t) + 1e-3;
    }
    // Now idle before a job start; the start is the next change.
    return load.nextChangeSeconds(0, t) - lead;
  }

  @Test
  void workloadStep_givesBoundedOvershoot_underBaselinePid() {
    Hall hall = Hall.gb200("step", 20, 20);
    TransientLoadGenerator.Shape stepShape =
        new TransientLoadGenerator.Shape(0.0, 1.0, 1.0, 0.2, 3600, 60, 600, 0);
    double lead = 30;
    double duration = 900;
    RackBank.Parameters p = hall.rack();

    TransientLoadGenerator load =
        new TransientLoadGenerator(WorkloadTrace.of("full", 1.0), 20, 20, 5, stepShape);
    double start = secondsBeforeJobStart(load, lead);
    TransientRun pid =
        run(
            hall,
            load,
            start,
            BaselinePolicy.fixedSpeed(null, 1.0),
            duration,
            TransientEngine.Options.defaults(duration));
    // The same step with the valve frozen at its start position shows the open-loop rise.
    Hall frozen =
        hall.withGroup(
            0,
            new Hall.Group(
                hall.groups().get(0).cdu().withValveGains(0.0, 1e9),
                hall.groups().get(0).rackNames()));
    TransientRun open =
        run(
            frozen,
            new TransientLoadGenerator(WorkloadTrace.of("full", 1.0), 20, 20, 5, stepShape),
            start,
            BaselinePolicy.fixedSpeed(null, 1.0),
            duration,
            TransientEngine.Options.defaults(duration));

    double setpoint = hall.tcsSupplySetpointC();
    double[] supply = pid.series("tcs_supply_temperature_c").values();
    double[] openSupply = open.series("tcs_supply_temperature_c").values();
    double[] gpu = pid.series("max_gpu_temperature_c").values();
    double overshoot = Arrays.stream(supply).max().orElseThrow() - setpoint;
    double openRise = openSupply[openSupply.length - 1] - setpoint;
    int peakSecond = 0;
    for (int s = 0; s < supply.length; s++) {
      if (supply[s] > supply[peakSecond]) {
        peakSecond = s;
      }
    }
    System.out.printf(
        "workload step 20 -> 100 %%: supply overshoot %.3f K at %d s after the step,"
            + " open-loop rise %.3f K, final supply %.3f C, GPU peak %.2f C%n",
        overshoot,
        peakSecond - (int) lead,
        openRise,
        supply[supply.length - 1],
        Arrays.stream(gpu).max().orElseThrow());

    // Before the step and until the return pipe has carried the warmer water back (pipe volume
    // over flow), the supply holds its setpoint.
    double delay =
        hall.groups().get(0).cdu().pipeVolumeLiters()
            / hall.groups().get(0).cdu().pump().designFlowLitersPerMinute()
            * 60;
    for (int s = 0; s < (int) (lead + delay) - 1; s++) {
      assertThat(supply[s]).isCloseTo(setpoint, within(0.02));
    }
    // The PID lets the supply overshoot, by less than the open-loop rise, then brings it back.
    assertThat(openRise).isGreaterThan(1.0);
    assertThat(overshoot).isGreaterThan(0.05).isLessThan(0.8 * openRise);
    assertThat(peakSecond).isGreaterThan((int) (lead + delay));
    assertThat(supply[supply.length - 1]).isCloseTo(setpoint, within(0.1));
    // The GPU follows: its final temperature is the supply plus its rise at full load, and its
    // peak exceeds that by about the supply overshoot.
    double gpuFinal = setpoint + riseAtFullSpeed(hall, 0) * p.ratedPowerWatts();
    assertThat(gpu[gpu.length - 1]).isCloseTo(gpuFinal, within(0.15));
    assertThat(Arrays.stream(gpu).max().orElseThrow() - gpuFinal)
        .isCloseTo(overshoot, within(0.3 * overshoot + 0.05));
  }

  @Test
  void energyBalance_closesOnANormalRun() {
    Hall hall = Hall.gb200("balance", 30, 10);
    TransientLoadGenerator load =
        new TransientLoadGenerator(
            WorkloadTrace.of("trace", 0.9, 0.6),
            30,
            3,
            11,
            TransientLoadGenerator.Shape.defaults());
    TransientRun result =
        run(
            hall,
            load,
            3000,
            BaselinePolicy.pidSpeed(null, 10.0),
            1800,
            TransientEngine.Options.defaults(1800));
    System.out.printf(
        "energy balance: in %.4e J, rejected %.4e J, stored change %.4e J, error %.3e%n",
        result.energyInJ(),
        result.heatRejectedJ(),
        result.storedHeatChangeJ(),
        result.energyBalanceError());
    assertThat(result.energyBalanceError()).isLessThan(TransientEngine.BALANCE_TOLERANCE);
    assertThat(result.heatRejectedJ()).isGreaterThan(0.9 * result.itEnergyJ());
    assertThat(result.itEnergyJ()).isGreaterThan(0);
  }

  @Test
  void energyBalance_failsWithAWrongCoolantHeatCapacityInOneUnit() {
    Hall hall = Hall.gb200("broken", 30, 10);
    Hall.Group first = hall.groups().get(0);
    // The racks of one CDU compute their outlet rise with 5 % too much heat capacity.
    Fluid wrong = new Fluid("water, cp 5 % high", 997.0, 4180.0 * 1.05);
    Hall broken =
        hall.withGroup(0, new Hall.Group(first.cdu().withRackCoolant(wrong), first.rackNames()));
    TransientLoadGenerator load =
        new TransientLoadGenerator(
            WorkloadTrace.of("trace", 0.9), 30, 3, 11, TransientLoadGenerator.Shape.defaults());
    TransientRun result =
        run(
            broken,
            load,
            0,
            BaselinePolicy.fixedSpeed(null, 1.0),
            1800,
            TransientEngine.Options.defaults(1800));
    System.out.printf(
        "wrong heat capacity in one CDU's racks: error %.3e%n", result.energyBalanceError());
    assertThat(result.energyBalanceError()).isGreaterThan(TransientEngine.BALANCE_TOLERANCE);
  }

  @Test
  void sameSeed_sameKpis_otherSeed_otherSeries() {
    Hall hall = Hall.gb200("seeds", 20, 10);
    TransientRun[] runs = new TransientRun[3];
    long[] seeds = {7, 7, 8};
    for (int k = 0; k < 3; k++) {
      TransientLoadGenerator load =
          new TransientLoadGenerator(
              WorkloadTrace.of("trace", 0.9),
              20,
              2,
              seeds[k],
              TransientLoadGenerator.Shape.defaults());
      runs[k] =
          run(
              hall,
              load,
              0,
              BaselinePolicy.fixedSpeed(null, 1.0),
              600,
              TransientEngine.Options.defaults(600));
    }
    assertThat(runs[1].itEnergyJ()).isEqualTo(runs[0].itEnergyJ());
    assertThat(runs[1].coolingEnergyJ()).isEqualTo(runs[0].coolingEnergyJ());
    assertThat(runs[1].maxGpuTemperatureC()).isEqualTo(runs[0].maxGpuTemperatureC());
    assertThat(runs[1].tokens()).isEqualTo(runs[0].tokens());
    assertThat(runs[1].thermalSpikeCount()).isEqualTo(runs[0].thermalSpikeCount());
    assertThat(runs[1].series("it_power_kw").values())
        .containsExactly(runs[0].series("it_power_kw").values());
    assertThat(runs[2].series("it_power_kw").values())
        .isNotEqualTo(runs[0].series("it_power_kw").values());
    assertThat(runs[2].itEnergyJ()).isNotEqualTo(runs[0].itEnergyJ());
  }

  @Test
  void hotSetpoint_countsSpikesAndMinutesOverTheLimit() {
    // At 56 °C supply a rack at 0.85 mean utilization sits near 56 + 32 = 88 °C, above the 87 °C
    // limit, and
    // checkpoint dips take it below again, so spikes repeat.
    Hall hall = Hall.gb200("hot", 10, 10);
    TransientLoadGenerator load =
        new TransientLoadGenerator(
            WorkloadTrace.of("full", 1.0), 10, 1, 3, TransientLoadGenerator.Shape.defaults());
    TransientRun hot =
        run(
            hall,
            load,
            0,
            BaselinePolicy.fixedSpeed(56.0, 1.0),
            1800,
            TransientEngine.Options.defaults(1800));
    TransientRun cool =
        run(
            hall,
            new TransientLoadGenerator(
                WorkloadTrace.of("full", 1.0), 10, 1, 3, TransientLoadGenerator.Shape.defaults()),
            0,
            BaselinePolicy.fixedSpeed(30.0, 1.0),
            1800,
            TransientEngine.Options.defaults(1800));
    System.out.printf(
        "56 C supply: max GPU %.2f C, %.0f minutes over, %d spikes; 30 C supply: max %.2f C%n",
        hot.maxGpuTemperatureC(),
        hot.gpuOverLimitMinutes(),
        hot.thermalSpikeCount(),
        cool.maxGpuTemperatureC());
    assertThat(hot.maxGpuTemperatureC()).isGreaterThan(87.0);
    assertThat(hot.gpuOverLimitMinutes()).isGreaterThan(0);
    assertThat(hot.thermalSpikeCount()).isGreaterThan(0);
    assertThat(hot.thermalSpikeCount() % hall.rack().gpuCount()).isZero();
    assertThat(cool.maxGpuTemperatureC()).isLessThan(87.0);
    assertThat(cool.thermalSpikeCount()).isZero();
    assertThat(cool.gpuOverLimitMinutes()).isZero();
    assertThat(hot.energyBalanceError()).isLessThan(TransientEngine.BALANCE_TOLERANCE);
  }

  @Test
  void feedForwardPolicy_movesSetpointAndPumpWithLoad() {
    Hall hall = Hall.gb200("policy", 20, 10);
    FeedForwardPolicy policy = new FeedForwardPolicy(36.0, 8.0, 10.0, 5.0, 0.4, 0.6);
    TransientLoadGenerator load =
        new TransientLoadGenerator(
            WorkloadTrace.of("trace", 0.9), 20, 2, 4, TransientLoadGenerator.Shape.defaults());
    TransientRun result = run(hall, load, 0, policy, 900, TransientEngine.Options.defaults(900));
    double[] setpoint = result.series("tcs_supply_temperature_setpoint_c").values();
    double[] speed = result.series("pump_speed").values();
    assertThat(
            Arrays.stream(setpoint).max().orElseThrow()
                - Arrays.stream(setpoint).min().orElseThrow())
        .isGreaterThan(0.1);
    assertThat(Arrays.stream(speed).max().orElseThrow()).isLessThan(1.0);
    assertThat(result.energyBalanceError()).isLessThan(TransientEngine.BALANCE_TOLERANCE);
  }
}
