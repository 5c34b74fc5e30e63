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
}
