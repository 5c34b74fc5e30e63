package io.factorytwin.simulation.physics.plant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;

class ChillerTest {

  private final Chiller chiller =
      Chiller.of(ElectricEirChiller.MCQUAY_PFH_2124KW, ElectricEirChiller.MCQUAY_PFH_2124KW_RANGE);
  private final ChillerOperation op = new ChillerOperation();

  private double fullLoadCop(double tel, double tce) {
    chiller.evaluate(chiller.availableCapacityW(tel, tce), tel, tce, op);
    return op.cop();
  }

  @Test
  void carnotMatchesEirAtCalibrationPoint() {
    double capacity = chiller.eir().availableCapacityW(8.89, 23.89);
    ChillerOperation eir = new ChillerOperation();
    chiller.eir().evaluate(capacity, 8.89, 23.89, eir);
    ChillerOperation carnot = new ChillerOperation();
    chiller.carnot().evaluate(capacity, 8.89, 23.89, carnot);

    assertThat(carnot.cop()).isCloseTo(eir.cop(), Percentage.withPercentage(0.1));
    assertThat(carnot.availableCapacityW).isCloseTo(capacity, Percentage.withPercentage(0.1));
    assertThat(chiller.carnot().carnotEffectiveness()).isBetween(0.3, 0.6);
  }

  @Test
  void carnotCopRisesWithLeavingWater() {
    double conventional = fullLoadCop(8.89, 29.44);
    double warm = fullLoadCop(18.0, 29.44);
    assertThat(op.carnotModel).isTrue();
    assertThat(warm).isGreaterThan(conventional * 1.3);
  }

  @Test
  void selectsModelByFittedRange() {
    // The McQuay curves were fitted on Tel 5.56 to 8.89 °C and Tce 12.78 to 29.44 °C.
    assertThat(chiller.usesEir(7.0, 25.0)).isTrue();
    assertThat(chiller.usesEir(8.89, 29.44)).isTrue();
    assertThat(chiller.usesEir(9.5, 25.0)).isFalse();
    assertThat(chiller.usesEir(7.0, 33.0)).isFalse();
    assertThat(chiller.usesEir(7.0, 10.0)).isFalse();
    assertThat(chiller.usesEir(5.0, 25.0)).isFalse();

    fullLoadCop(7.0, 25.0);
    assertThat(op.carnotModel).isFalse();
    fullLoadCop(9.5, 25.0);
    assertThat(op.carnotModel).isTrue();
    fullLoadCop(7.0, 33.0);
    assertThat(op.carnotModel).isTrue();
  }

  @Test
  void zeroLoadDrawsNoPowerInBothModels() {
    chiller.evaluate(0, 7.0, 25.0, op);
    assertThat(op.powerW).isZero();
    chiller.evaluate(0, 20.0, 25.0, op);
    assertThat(op.powerW).isZero();
  }

  @Test
  void rejectsInputsOutsideEveryRange() {
    assertThatThrownBy(() -> chiller.evaluate(1e6, Double.NaN, 25.0, op))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("leavingChilledWaterC");
    assertThatThrownBy(() -> chiller.evaluate(1e6, 7.0, Double.NaN, op))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("enteringCondenserWaterC");
    assertThatThrownBy(() -> chiller.evaluate(Double.NaN, 7.0, 25.0, op))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("loadW");
    assertThatThrownBy(() -> chiller.evaluate(1e6, 20.0, 15.0, op))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("enteringCondenserWaterC");
    assertThatThrownBy(() -> chiller.evaluate(1e6, 2.0, 25.0, op))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("leavingChilledWaterC");
    assertThatThrownBy(() -> chiller.evaluate(1e6, 50.0, 55.0, op))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("leavingChilledWaterC");
    assertThatThrownBy(() -> chiller.evaluate(1e6, 20.0, 70.0, op))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("enteringCondenserWaterC");
  }
}
