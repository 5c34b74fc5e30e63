package io.factorytwin.simulation.physics.thermal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.factorytwin.simulation.physics.Fluid;
import org.junit.jupiter.api.Test;

class RackBankTest {

  private static final RackBank.Parameters GB200 = RackBank.Parameters.gb200Nvl72();
  private static final double INLET_C = 30.0;

  /** GB200 parameters with another liquid share and cold plate flow model. */
  private static RackBank.Parameters gb200With(double liquidShare, RackBank.ColdPlateFlow flow) {
    RackBank.Parameters p = GB200;
    return new RackBank.Parameters(
        p.ratedPowerWatts(),
        p.idleFraction(),
        liquidShare,
        p.gpuShare(),
        p.gpuCount(),
        p.thermalResistanceKPerW(),
        p.gpuTimeConstantSeconds(),
        p.maxOperatingC(),
        p.slowdownC(),
        p.shutdownC(),
        p.minClockFraction(),
        p.peakTokensPerSecond(),
        flow);
  }

  /** GB200 parameters with every watt going to the liquid, as the validation case assumes. */
  private static RackBank.Parameters allToLiquid() {
    return gb200With(1.0, RackBank.ColdPlateFlow.FIXED);
  }

  @Test
  void outletRiseMatchesValidationCase() {
    // 120 kW to water at 1.5 L/min per kW = 180 L/min, ρ 997 kg/m³, cp 4,180 J/(kg·K): 9.6 K.
    RackBank bank = new RackBank(1, allToLiquid(), Fluid.WATER, INLET_C);
    bank.setUtilization(0, 1.0);
    bank.setFlow(0, 1.5 * 120.0);
    for (int i = 0; i < 100; i++) {
      bank.step(1.0, INLET_C);
    }

    assertThat(bank.itPowerW(0)).isCloseTo(120_000.0, within(1e-6));
    assertThat(bank.outletTemperatureC(0) - INLET_C).isCloseTo(9.6, within(0.01));
  }

  @Test
  void gpuSettlesAtInletPlusPowerTimesResistance() {
    RackBank.Parameters fixed = gb200With(GB200.liquidShare(), RackBank.ColdPlateFlow.FIXED);
    RackBank bank = new RackBank(1, fixed, Fluid.WATER, INLET_C);
    bank.setUtilization(0, 1.0);
    bank.setFlow(0, 180.0);
    for (int i = 0; i < 60; i++) {
      bank.step(1.0, INLET_C);
    }

    double gpuPower = 120_000.0 * GB200.gpuShare() / GB200.gpuCount();
    assertThat(bank.gpuTemperatureC(0))
        .isCloseTo(INLET_C + gpuPower * GB200.thermalResistanceKPerW(), within(1e-6));
    assertThat(bank.liquidHeatW(0)).isCloseTo(0.9 * 120_000.0, within(1e-3));
    assertThat(bank.totalAirHeatW()).isCloseTo(0.1 * 120_000.0, within(1e-6));
  }

  /**
   * The GB200 defaults: R = 0.03 K/W at 180 L/min per rack, 60 % of it convective with a Reynolds
   * exponent of 0.8, and the GPU's plate fed coolant half a rack rise above the inlet. Expected
   * temperatures worked by hand for 1,200 W per GPU and 108 kW to the liquid.
   */
  @Test
  void gpuRise_growsAsFlowFalls() {
    // An inlet of 20 °C keeps the half-flow GPU below its 89 °C slowdown, so the clock stays 1.
    double inlet = 20.0;
    double rate180 = Fluid.WATER.capacityRate(180.0);
    // Rated flow: the film term is R itself; the upstream rise is 0.5 · 108,000 W / ṁcp.
    double atRated = inlet + 1200 * 0.03 + 0.5 * 108_000 / rate180;
    // Half flow: film (0.4 + 0.6 · 2^0.8) · R = 1.44465 · 36 K = 52.007 K; the upstream rise
    // doubles.
    double atHalf = inlet + 1200 * 0.03 * (0.4 + 0.6 * Math.pow(2, 0.8)) + 108_000 / rate180;
    assertThat(atHalf - inlet).isCloseTo(52.007 + 8.638, within(0.01));
    double[] flows = {180.0, 90.0};
    double[] expected = {atRated, atHalf};
    for (int k = 0; k < flows.length; k++) {
      RackBank bank = new RackBank(1, GB200, Fluid.WATER, inlet);
      bank.setUtilization(0, 1.0);
      bank.setFlow(0, flows[k]);
      for (int i = 0; i < 60; i++) {
        bank.step(1.0, inlet);
      }
      assertThat(bank.gpuTemperatureC(0))
          .as("%s L/min", flows[k])
          .isCloseTo(expected[k], within(1e-6));
    }
    // Zero flow is held at 5 % of the rated flow rather than dividing by zero.
    double dry = GB200.gpuRisePerRackWatt(0.0, Fluid.WATER.capacityRate(1.0));
    assertThat(dry)
        .isFinite()
        .isEqualTo(GB200.gpuRisePerRackWatt(9.0, Fluid.WATER.capacityRate(1.0)));
  }

  @Test
  void coldPlateFlow_rejectsInvalidValues() {
    assertThatThrownBy(() -> new RackBank.ColdPlateFlow(180, 1.2, 0.8, 0.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("convective share");
    assertThatThrownBy(() -> new RackBank.ColdPlateFlow(180, 0.6, 0.8, -0.1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("upstream rise share");
    assertThatThrownBy(() -> new RackBank.ColdPlateFlow(0, 0.6, 0.8, 0.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rated flow");
  }

  @Test
  void idlePowerAtZeroUtilization() {
    RackBank bank = new RackBank(1, GB200, Fluid.WATER, INLET_C);
    bank.setFlow(0, 180.0);
    bank.step(1.0, INLET_C);

    assertThat(bank.itPowerW(0)).isCloseTo(GB200.idleFraction() * 120_000.0, within(1e-9));
    assertThat(bank.tokensPerSecond(0)).isZero();
  }

  @Test
  void liquidHeatPlusStoredEqualsPowerDuringTransient() {
    RackBank bank = new RackBank(2, GB200, Fluid.WATER, INLET_C);
    bank.setFlow(0, 180.0);
    bank.setFlow(1, 180.0);
    double before = bank.storedHeatJoules();
    double liquidJoules = 0.0;
    double itLiquidJoules = 0.0;
    for (int i = 0; i < 50; i++) {
      bank.setUtilization(0, (i % 7) / 6.0);
      bank.setUtilization(1, 1.0 - (i % 3) / 2.0);
      bank.step(0.5, INLET_C + (i % 4));
      liquidJoules += bank.totalLiquidHeatW() * 0.5;
      itLiquidJoules += bank.totalItPowerW() * GB200.liquidShare() * 0.5;
    }

    double stored = bank.storedHeatJoules() - before;
    assertThat(liquidJoules + stored).isCloseTo(itLiquidJoules, within(1e-6 * itLiquidJoules));
  }

  @Test
  void throttlingCutsClockLinearly() {
    RackBank bank = new RackBank(1, GB200, Fluid.WATER, INLET_C);
    bank.setUtilization(0, 1.0);
    bank.setFlow(0, 180.0);
    // Halfway between slowdown (89 °C) and shutdown (92 °C): clock 1 − (1 − 0.5)·0.5 = 0.75.
    bank.setGpuTemperatureC(0, 90.5);
    bank.step(0.01, 60.0);

    assertThat(bank.clockFraction(0)).isCloseTo(0.75, within(1e-12));
    assertThat(bank.itPowerW(0)).isCloseTo(120_000.0 * (0.3 + 0.7 * 0.75), within(1e-6));
    assertThat(bank.tokensPerSecond(0)).isCloseTo(0.75 * GB200.peakTokensPerSecond(), within(1e-6));
    assertThat(bank.isAboveMaxOperating(0)).isTrue();
  }

  @Test
  void shutdownLatchesUntilCleared() {
    RackBank bank = new RackBank(1, GB200, Fluid.WATER, INLET_C);
    bank.setUtilization(0, 1.0);
    bank.setFlow(0, 180.0);
    bank.setGpuTemperatureC(0, 92.0);
    bank.step(1.0, INLET_C);
    assertThat(bank.isShutDown(0)).isTrue();

    for (int i = 0; i < 30; i++) {
      bank.step(1.0, INLET_C);
    }
    assertThat(bank.isShutDown(0)).isTrue();
    assertThat(bank.itPowerW(0)).isCloseTo(GB200.idleFraction() * 120_000.0, within(1e-9));
    assertThat(bank.tokensPerSecond(0)).isZero();

    bank.clearShutdown(0);
    bank.step(1.0, INLET_C);
    assertThat(bank.clockFraction(0)).isEqualTo(1.0);
  }

  @Test
  void hotInletDrivesThrottling() {
    RackBank bank = new RackBank(1, GB200, Fluid.WATER, 55.0);
    bank.setUtilization(0, 1.0);
    bank.setFlow(0, 180.0);
    // 55 °C inlet plus 36 K at full power exceeds slowdown, so the clock must fall below 1 and
    // settle where the cut power balances the slope.
    for (int i = 0; i < 300; i++) {
      bank.step(0.1, 55.0);
    }

    assertThat(bank.clockFraction(0)).isLessThan(1.0);
    assertThat(bank.gpuTemperatureC(0)).isBetween(GB200.slowdownC(), GB200.shutdownC());
    assertThat(bank.isShutDown(0)).isFalse();
  }

  /**
   * A 3 Hz swing of amplitude A in one rack's GPU power gives a GPU temperature ripple of amplitude
   * A·R/√(1 + (ωτ)²), the gain of a first-order lag. With τ = 3 s, ωτ = 56.5, so the ripple is
   * 1/56.5 of the static swing A·R.
   */
  @Test
  void threeHertzRippleMatchesFirstOrderGain() {
    double frequencyHz = 3.0;
    double omega = 2 * Math.PI * frequencyHz;
    double swing = 0.3;
    double dt = 0.01;
    RackBank bank = rippleBank();

    // Settle 15 τ (45 s), then fit over 10 s, exactly 30 periods.
    int settleSteps = 4_500;
    int fitSteps = 1_000;
    double sumSin = 0.0;
    double sumCos = 0.0;
    double sum = 0.0;
    double otherMin = Double.MAX_VALUE;
    double otherMax = -Double.MAX_VALUE;
    for (int i = 0; i < settleSteps + fitSteps; i++) {
      double midpoint = (i + 0.5) * dt;
      bank.setUtilization(0, 0.6 + swing * Math.sin(omega * midpoint));
      bank.step(dt, INLET_C);
      if (i >= settleSteps) {
        double end = (i + 1) * dt;
        double temperature = bank.gpuTemperatureC(0);
        sumSin += temperature * Math.sin(omega * end);
        sumCos += temperature * Math.cos(omega * end);
        sum += temperature;
        otherMin = Math.min(otherMin, bank.gpuTemperatureC(1));
        otherMax = Math.max(otherMax, bank.gpuTemperatureC(1));
      }
    }
    double measured = 2.0 / fitSteps * Math.hypot(sumSin, sumCos);

    double rackPowerAmplitude = GB200.ratedPowerWatts() * (1 - GB200.idleFraction()) * swing;
    double omegaTau = omega * GB200.gpuTimeConstantSeconds();
    double expected = rackPowerAmplitude * riseAt180() / Math.sqrt(1 + omegaTau * omegaTau);
    System.out.printf(
        "3 Hz ripple: measured %.4f K, first-order gain %.4f K%n", measured, expected);
    assertThat(measured).isCloseTo(expected, within(0.02 * expected));
    assertThat(sum / fitSteps).isLessThan(GB200.slowdownC());
    assertThat(otherMax - otherMin).as("ripple on a steady rack").isLessThan(1e-9);

    // The same swing stepped at 1 s with the utilization averaged over each step: three whole
    // periods per step average to zero, so the ripple disappears.
    RackBank coarse = rippleBank();
    double coarseMin = Double.MAX_VALUE;
    double coarseMax = -Double.MAX_VALUE;
    for (int i = 0; i < 60; i++) {
      double start = i;
      double end = i + 1.0;
      double mean = (Math.cos(omega * start) - Math.cos(omega * end)) / omega;
      coarse.setUtilization(0, 0.6 + swing * mean);
      coarse.step(1.0, INLET_C);
      if (i >= 45) {
        coarseMin = Math.min(coarseMin, coarse.gpuTemperatureC(0));
        coarseMax = Math.max(coarseMax, coarse.gpuTemperatureC(0));
      }
    }
    System.out.printf("3 Hz ripple with 1 s steps: %.2e K%n", (coarseMax - coarseMin) / 2);
    assertThat((coarseMax - coarseMin) / 2).isLessThan(0.01 * expected);
  }

  private static double riseAt180() {
    return GB200.gpuRisePerRackWatt(180.0, Fluid.WATER.capacityRate(1.0));
  }

  private static RackBank rippleBank() {
    RackBank bank = new RackBank(4, GB200, Fluid.WATER, INLET_C);
    for (int i = 0; i < bank.size(); i++) {
      bank.setFlow(i, 180.0);
      bank.setUtilization(i, 0.6);
    }
    // Start every GPU at its steady state for 60 % utilization to shorten the transient.
    double power =
        GB200.ratedPowerWatts() * (GB200.idleFraction() + (1 - GB200.idleFraction()) * 0.6);
    double steady = INLET_C + power * riseAt180();
    for (int i = 0; i < bank.size(); i++) {
      bank.setGpuTemperatureC(i, steady);
    }
    return bank;
  }

  @Test
  void invalidParametersRejected() {
    assertThatThrownBy(
            () ->
                new RackBank.Parameters(
                    120_000.0,
                    0.3,
                    0.7,
                    0.72,
                    72,
                    0.03,
                    3.0,
                    87.0,
                    89.0,
                    92.0,
                    0.5,
                    0.0,
                    RackBank.ColdPlateFlow.FIXED))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("GPU share");
    assertThatThrownBy(
            () ->
                new RackBank.Parameters(
                    120_000.0,
                    0.3,
                    0.9,
                    0.72,
                    72,
                    0.03,
                    3.0,
                    87.0,
                    92.0,
                    89.0,
                    0.5,
                    0.0,
                    RackBank.ColdPlateFlow.FIXED))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
