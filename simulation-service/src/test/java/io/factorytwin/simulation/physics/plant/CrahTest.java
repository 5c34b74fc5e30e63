package io.factorytwin.simulation.physics.plant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;

class CrahTest {

  private final CrahOperation op = new CrahOperation();

  @Test
  void airSideHeatIsTheNonLiquidShare() {
    Crah crah = Crah.withDefaults(1_000_000);
    crah.evaluate(10_000_000, 0.95, op);
    assertThat(op.airHeatW).isCloseTo(500_000, Percentage.withPercentage(1e-9));
    assertThat(op.airflowFraction).isCloseTo(0.5, Percentage.withPercentage(1e-9));
    assertThat(op.fanPowerW).isCloseTo(30_000 * 0.125, Percentage.withPercentage(1e-9));
    assertThat(op.heatToWaterW).isCloseTo(500_000 + 3_750, Percentage.withPercentage(1e-9));
    assertThat(op.latentHeatW).isZero();
  }

  @Test
  void sensibleHeatRatioAddsLatentLoad() {
    Crah crah = new Crah(1_000_000, 30_000, 0.3, 0.9, Crah.CoolingSource.CHILLED_WATER);
    crah.evaluateAirHeat(900_000, op);
    double sensible = 900_000 + 30_000 * 0.729;
    assertThat(op.heatToWaterW).isCloseTo(sensible / 0.9, Percentage.withPercentage(1e-9));
    assertThat(op.latentHeatW)
        .isCloseTo(sensible / 0.9 - sensible, Percentage.withPercentage(1e-9));
  }

  @Test
  void minimumAirflowAndOverload() {
    Crah crah = Crah.withDefaults(1_000_000);
    crah.evaluateAirHeat(100_000, op);
    assertThat(op.airflowFraction).isEqualTo(0.3);
    crah.evaluateAirHeat(1_200_000, op);
    assertThat(op.airflowFraction).isEqualTo(1.0);
    assertThat(op.unmetAirHeatW).isCloseTo(200_000, Percentage.withPercentage(1e-9));
  }

  @Test
  void zeroLoadAndInvalidInput() {
    Crah crah = Crah.withDefaults(1_000_000);
    crah.evaluate(1_000_000, 1.0, op);
    assertThat(op.fanPowerW).isZero();
    assertThat(op.heatToWaterW).isZero();
    assertThatThrownBy(() -> crah.evaluate(Double.NaN, 0.9, op))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rackHeatW");
    assertThatThrownBy(() -> crah.evaluate(1000, Double.NaN, op))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("liquidFraction");
    assertThatThrownBy(() -> new Crah(1000, 10, 0.3, 0.0, Crah.CoolingSource.FACILITY_WATER))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sensibleHeatRatio");
  }
}
