package io.factorytwin.simulation.physics.thermal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.factorytwin.simulation.physics.Fluid;
import org.junit.jupiter.api.Test;

class CduTest {

  private static final AffinityLaws PUMP = new AffinityLaws(720.0, 150.0, 3_000.0);

  /** Creates a CDU whose controller cannot move the valve (Kp 0, no integral). */
  private static Cdu fixedValveCdu(double valve) {
    PidController frozen =
        new PidController(0.0, Double.POSITIVE_INFINITY, 0.0, 10.0, 0.0, 1.0, true);
    return new Cdu(150_000.0, Fluid.WATER, Fluid.WATER, PUMP, 200.0, frozen, 30.0, 800.0, valve);
  }

  @Test
  void exchangerDutyMatchesBothStreams() {
    Cdu cdu = fixedValveCdu(0.6);
    cdu.step(1.0, 40.0, 25.0);

    double secondaryRate = Fluid.WATER.capacityRate(720.0);
    double facilityRate = Fluid.WATER.capacityRate(800.0);
    double expected =
        EffectivenessNtu.counterflowDuty(150_000.0, 0.6 * secondaryRate, facilityRate, 40.0, 25.0);
    assertThat(cdu.heatToFacilityW()).isCloseTo(expected, within(1e-6));
    assertThat(facilityRate * (cdu.facilityReturnTemperatureC() - 25.0))
        .isCloseTo(expected, within(1e-6));
    assertThat(secondaryRate * (40.0 - cdu.mixedTemperatureC())).isCloseTo(expected, within(1e-6));
  }

  @Test
  void closedValveBypassesExchanger() {
    Cdu cdu = fixedValveCdu(0.0);
    cdu.step(1.0, 40.0, 25.0);

    assertThat(cdu.heatToFacilityW()).isZero();
    assertThat(cdu.mixedTemperatureC()).isEqualTo(40.0);
  }

  @Test
  void supplySettlesAtMixPlusPumpHeat() {
    Cdu cdu = fixedValveCdu(0.6);
    for (int i = 0; i < 600; i++) {
      cdu.step(1.0, 40.0, 25.0);
    }

    double secondaryRate = Fluid.WATER.capacityRate(720.0);
    assertThat(cdu.supplyTemperatureC())
        .isCloseTo(cdu.mixedTemperatureC() + 3_000.0 / secondaryRate, within(1e-9));
  }

  @Test
  void pumpSpeedScalesFlowAndPower() {
    Cdu cdu = fixedValveCdu(0.6);
    cdu.setPumpSpeed(0.8);
    cdu.step(1.0, 40.0, 25.0);

    assertThat(cdu.secondaryFlowLitersPerMinute()).isCloseTo(576.0, within(1e-9));
    assertThat(cdu.pumpPowerW()).isCloseTo(0.512 * 3_000.0, within(1e-9));
  }

  @Test
  void controllerOpensValveWhenSupplyWarm() {
    PidController pid = new PidController(0.2, 20.0, 0.0, 10.0, 0.0, 1.0, true);
    Cdu cdu = new Cdu(150_000.0, Fluid.WATER, Fluid.WATER, PUMP, 200.0, pid, 30.0, 800.0, 0.3);
    cdu.resetSupplyTemperature(33.0);

    cdu.step(1.0, 40.0, 25.0);

    assertThat(cdu.supplyTemperatureC()).isGreaterThan(30.0);
    assertThat(cdu.valvePosition()).isGreaterThan(0.3);
  }
}
