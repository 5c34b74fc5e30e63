package io.factorytwin.simulation.physics.plant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.factorytwin.simulation.physics.Fluid;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;

class DryCoolerTest {

  private static final double DESIGN_W = 5_000_000.0;
  private static final double FLOW_LPM = DESIGN_W / (Fluid.WATER.capacityRate(1.0) * 8.0);

  private final DryCooler cooler = DryCooler.withDefaults(DESIGN_W);
  private final HeatRejectionOperation op = new HeatRejectionOperation();

  @Test
  void designLoadLeavesAtDryBulbPlusApproach() {
    double leaving = cooler.leavingAtFullAirflowC(30.0, DESIGN_W);
    assertThat(leaving).isCloseTo(37.0, within(1e-9));
    cooler.evaluate(leaving + 8.0, FLOW_LPM, 30.0, 20.0, leaving, op);
    assertThat(op.leavingWaterC).isCloseTo(37.0, within(1e-6));
    assertThat(op.heatRejectedW).isCloseTo(DESIGN_W, Percentage.withPercentage(1e-6));
    assertThat(op.fanPowerW).isCloseTo(0.02 * DESIGN_W, Percentage.withPercentage(1e-4));
  }

  @Test
  void usesDryBulbAndNoWater() {
    assertThat(cooler.sinkTemperatureC(30.0, 20.0)).isEqualTo(30.0);
    cooler.evaluate(45.0, FLOW_LPM, 30.0, 20.0, 40.0, op);
    assertThat(op.heatRejectedW).isPositive();
    assertThat(op.evaporationLitersPerHour).isZero();
    assertThat(op.makeupWaterLitersPerHour).isZero();
  }

  @Test
  void fanPowerFollowsCubeLaw() {
    // 40 % of design heat with the full 7 K approach allowed needs 40 % airflow.
    double heat = 0.4 * DESIGN_W;
    double entering = 37.0 + heat / Fluid.WATER.capacityRate(FLOW_LPM);
    cooler.evaluate(entering, FLOW_LPM, 30.0, 20.0, 37.0, op);
    assertThat(op.airflowFraction).isCloseTo(0.4, within(1e-9));
    assertThat(op.fanPowerW).isCloseTo(0.02 * DESIGN_W * 0.064, Percentage.withPercentage(1e-6));
  }

  @Test
  void zeroLoadAndInvalidInput() {
    cooler.evaluate(35.0, FLOW_LPM, 30.0, 20.0, 36.0, op);
    assertThat(op.heatRejectedW).isZero();
    assertThat(op.fanPowerW).isZero();
    assertThatThrownBy(() -> cooler.evaluate(45.0, FLOW_LPM, Double.NaN, 20.0, 40.0, op))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dryBulbC");
    assertThatThrownBy(() -> new DryCooler(DESIGN_W, Double.NaN, 1000, 0.1, Fluid.WATER))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("designApproachK");
  }

  @Test
  void adiabaticPadsCoolIntakeAir() {
    DryCooler wet = DryCooler.withDefaults(DESIGN_W, DryCooler.AdiabaticPads.withDefaults());
    // 35 °C dry bulb, 22 °C wet bulb: the pads remove 80 % of the 13 K depression.
    assertThat(wet.sinkTemperatureC(35.0, 22.0)).isCloseTo(24.6, within(1e-9));
    assertThat(wet.sinkTemperatureC(20.0, 15.0)).isEqualTo(20.0);

    double leaving = wet.leavingAtFullAirflowC(24.6, DESIGN_W);
    wet.evaluate(leaving + 8.0, FLOW_LPM, 35.0, 22.0, leaving, op);
    assertThat(op.leavingWaterC).isCloseTo(31.6, within(1e-6));
    assertThat(op.heatRejectedW).isCloseTo(DESIGN_W, Percentage.withPercentage(1e-6));
    // Full airflow: 5 MW over a 10 K air rise is 497 kg/s of air, cooled by 10.4 K, evaporating
    // 497 · 1.006 · 10.4 / (2501 − 2.326 · 22) kJ/kg = 2.12 kg/s, about 7,640 L/h.
    double air = DESIGN_W / (1006.0 * 10.0);
    double expected = air * 1006.0 * 10.4 / ((2501.0 - 2.326 * 22.0) * 1000.0) * 3600.0;
    assertThat(op.evaporationLitersPerHour).isCloseTo(expected, Percentage.withPercentage(1e-6));
    assertThat(expected).isBetween(7_500.0, 7_800.0);
    assertThat(op.makeupWaterLitersPerHour).isEqualTo(op.evaporationLitersPerHour);
  }

  @Test
  void padsStayDryBelowSwitchOn() {
    DryCooler wet = DryCooler.withDefaults(DESIGN_W, DryCooler.AdiabaticPads.withDefaults());
    wet.evaluate(40.0, FLOW_LPM, 20.0, 15.0, 30.0, op);
    assertThat(op.heatRejectedW).isPositive();
    assertThat(op.makeupWaterLitersPerHour).isZero();
    assertThatThrownBy(() -> wet.evaluate(40.0, FLOW_LPM, 20.0, 25.0, 30.0, op))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("wetBulbC");
    assertThatThrownBy(() -> new DryCooler.AdiabaticPads(25.0, 1.5, 10.0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("saturationEffectiveness");
  }
}
