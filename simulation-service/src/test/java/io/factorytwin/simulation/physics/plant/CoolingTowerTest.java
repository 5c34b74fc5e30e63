package io.factorytwin.simulation.physics.plant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.factorytwin.simulation.physics.Fluid;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;

class CoolingTowerTest {

  private static final double DESIGN_W = 10_000_000.0;
  private static final double RANGE_K = 5.6;

  private final CoolingTower tower = CoolingTower.withDefaults(DESIGN_W);
  private final HeatRejectionOperation op = new HeatRejectionOperation();

  /** Flow that carries the design heat at the design range. */
  private static double designFlowLpm() {
    return DESIGN_W / (Fluid.WATER.capacityRate(1.0) * RANGE_K);
  }

  /** Evaluates the tower with entering water set so that it rejects {@code heatW} at full fan. */
  private void rejectAtFullAirflow(double heatW, double wetBulbC) {
    double leaving = tower.leavingAtFullAirflowC(wetBulbC, heatW);
    double entering = leaving + heatW / Fluid.WATER.capacityRate(designFlowLpm());
    tower.evaluate(entering, designFlowLpm(), 30, wetBulbC, leaving, op);
  }

  @Test
  void designLoadLeavesAtWetBulbPlusApproach() {
    rejectAtFullAirflow(DESIGN_W, 24.0);
    assertThat(op.leavingWaterC).isCloseTo(24.0 + 3.0, within(1e-6));
    assertThat(op.heatRejectedW).isCloseTo(DESIGN_W, Percentage.withPercentage(1e-6));
    assertThat(op.airflowFraction).isCloseTo(1.0, within(1e-6));
    assertThat(op.fanPowerW).isCloseTo(0.013 * DESIGN_W, Percentage.withPercentage(1e-4));
  }

  @Test
  void approachGrowsWithLoad() {
    rejectAtFullAirflow(0.5 * DESIGN_W, 24.0);
    assertThat(op.leavingWaterC - 24.0).isCloseTo(1.5, within(1e-6));
    rejectAtFullAirflow(1.2 * DESIGN_W, 24.0);
    assertThat(op.leavingWaterC - 24.0).isCloseTo(3.6, within(1e-6));
  }

  @Test
  void fansSlowToHoldSetpoint() {
    // Half the design heat with a 3 K approach allowed needs half the airflow: fan power 1/8.
    double heat = 0.5 * DESIGN_W;
    double entering = 27.0 + heat / Fluid.WATER.capacityRate(designFlowLpm());
    tower.evaluate(entering, designFlowLpm(), 30, 24.0, 27.0, op);
    assertThat(op.leavingWaterC).isEqualTo(27.0);
    assertThat(op.heatRejectedW).isCloseTo(heat, Percentage.withPercentage(1e-6));
    assertThat(op.airflowFraction).isCloseTo(0.5, within(1e-9));
    assertThat(op.fanPowerW).isCloseTo(0.013 * DESIGN_W / 8, Percentage.withPercentage(1e-6));
  }

  @Test
  void fansCycleBelowMinimumSpeed() {
    double heat = 0.05 * DESIGN_W;
    double entering = 27.0 + heat / Fluid.WATER.capacityRate(designFlowLpm());
    tower.evaluate(entering, designFlowLpm(), 30, 24.0, 27.0, op);
    assertThat(op.airflowFraction).isCloseTo(0.05, within(1e-9));
    // At 20 % minimum speed, cycling a quarter of the time.
    assertThat(op.fanPowerW)
        .isCloseTo(0.013 * DESIGN_W * 0.008 * 0.25, Percentage.withPercentage(1e-6));
  }

  @Test
  void waterUseFollowsHeatRejected() {
    rejectAtFullAirflow(DESIGN_W, 24.0);
    // 10 MW for an hour is 10,000 kWh: 15,500 L evaporated, × 4/3 make-up at 4 cycles.
    assertThat(op.evaporationLitersPerHour).isCloseTo(15_500, Percentage.withPercentage(1e-4));
    assertThat(op.makeupWaterLitersPerHour)
        .isCloseTo(15_500 * 4.0 / 3.0, Percentage.withPercentage(1e-4));
  }

  @Test
  void zeroLoadRejectsNothing() {
    tower.evaluate(27.0, designFlowLpm(), 30, 24.0, 27.0, op);
    assertThat(op.heatRejectedW).isZero();
    assertThat(op.fanPowerW).isZero();
    assertThat(op.makeupWaterLitersPerHour).isZero();
    tower.evaluate(30.0, 0, 30, 24.0, 27.0, op);
    assertThat(op.heatRejectedW).isZero();
  }

  @Test
  void heatComesFromTheTowersOwnFluid() {
    CoolingTower glycol =
        new CoolingTower(
            DESIGN_W, 3.0, 0.013 * DESIGN_W, 0.2, 1.55, 4.0, Fluid.PROPYLENE_GLYCOL_25);
    glycol.evaluate(32.0, designFlowLpm(), 30, 24.0, 27.0, op);
    assertThat(op.heatRejectedW)
        .isCloseTo(
            Fluid.PROPYLENE_GLYCOL_25.capacityRate(designFlowLpm()) * 5.0,
            Percentage.withPercentage(1e-9));
  }

  @Test
  void invalidInputsNameTheArgument() {
    assertThatThrownBy(() -> tower.evaluate(Double.NaN, 1000, 30, 24, 27, op))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("enteringWaterC");
    assertThatThrownBy(() -> tower.evaluate(30, Double.NaN, 30, 24, 27, op))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("flowLitersPerMinute");
    assertThatThrownBy(() -> tower.evaluate(30, 1000, 30, Double.NaN, 27, op))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("wetBulbC");
    assertThatThrownBy(() -> tower.evaluate(30, 1000, 30, 24, Double.NaN, op))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("leavingSetpointC");
    assertThatThrownBy(() -> new CoolingTower(DESIGN_W, 3, 1000, 0.2, 1.55, 1.0, Fluid.WATER))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cyclesOfConcentration");
  }
}
