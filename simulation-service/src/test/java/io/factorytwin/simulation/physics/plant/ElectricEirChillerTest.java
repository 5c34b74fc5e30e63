package io.factorytwin.simulation.physics.plant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;

class ElectricEirChillerTest {

  // Published operating points of the Modelica Buildings McQuay PFH record; tolerance 0.1 %.
  private static final Percentage TOLERANCE = Percentage.withPercentage(0.1);

  private final ElectricEirChiller chiller =
      new ElectricEirChiller(ElectricEirChiller.MCQUAY_PFH_2124KW);
  private final ChillerOperation op = new ChillerOperation();

  private void runFullLoad(double tel, double tce) {
    chiller.evaluate(chiller.availableCapacityW(tel, tce), tel, tce, op);
  }

  @Test
  void referencePointFullLoad() {
    assertThat(chiller.capacityFactor(8.89, 23.89)).isCloseTo(1.0049, TOLERANCE);
    assertThat(chiller.eirTemperatureFactor(8.89, 23.89)).isCloseTo(1.0195, TOLERANCE);
    runFullLoad(8.89, 23.89);
    assertThat(op.powerW).isCloseTo(360_400, TOLERANCE);
    assertThat(op.cop()).isCloseTo(5.92, TOLERANCE);
    assertThat(op.partLoadRatio).isCloseTo(1.0, within(1e-12));
  }

  @Test
  void referencePointHalfLoad() {
    double capacity = chiller.availableCapacityW(8.89, 23.89);
    chiller.evaluate(0.5 * capacity, 8.89, 23.89, op);
    assertThat(op.powerW).isCloseTo(136_900, TOLERANCE);
    assertThat(op.cop()).isCloseTo(7.80, TOLERANCE);
  }

  @Test
  void coldCondenserWater() {
    runFullLoad(8.89, 18.0);
    assertThat(op.cop()).isCloseTo(6.63, TOLERANCE);
  }

  @Test
  void warmCondenserWater() {
    runFullLoad(8.89, 29.44);
    assertThat(op.availableCapacityW).isCloseTo(1_873_000, TOLERANCE);
    assertThat(op.cop()).isCloseTo(5.40, TOLERANCE);
  }

  @Test
  void zeroLoadDrawsNoPower() {
    chiller.evaluate(0, 8.89, 23.89, op);
    assertThat(op.powerW).isZero();
    assertThat(op.condenserHeatW).isZero();
    assertThat(op.cop()).isZero();
  }

  @Test
  void cyclesBelowMinimumPartLoad() {
    double capacity = chiller.availableCapacityW(8.89, 23.89);
    chiller.evaluate(0.09 * capacity, 8.89, 23.89, op);
    double powerAtMinimum = op.powerW;
    chiller.evaluate(0.045 * capacity, 8.89, 23.89, op);
    assertThat(op.cyclingRatio).isCloseTo(0.5, within(1e-12));
    assertThat(op.powerW).isCloseTo(powerAtMinimum / 2, within(1e-6));
    assertThat(op.condenserHeatW).isCloseTo(op.loadMetW + op.powerW, within(1e-6));
  }

  @Test
  void falseLoadsBetweenMinimumAndUnloading() {
    ElectricEirChiller.Parameters base = ElectricEirChiller.MCQUAY_PFH_2124KW;
    ElectricEirChiller bypass =
        new ElectricEirChiller(
            new ElectricEirChiller.Parameters(
                "hot-gas bypass variant",
                base.referenceCapacityW(),
                base.referenceCop(),
                base.referenceLeavingChilledWaterC(),
                base.referenceEnteringCondenserWaterC(),
                base.capacityCoefficients(),
                base.eirTemperatureCoefficients(),
                base.eirPartLoadCoefficients(),
                0.05,
                0.20,
                1.03));
    double capacity = bypass.availableCapacityW(8.89, 23.89);
    bypass.evaluate(0.10 * capacity, 8.89, 23.89, op);
    double powerAtTen = op.powerW;
    assertThat(op.cyclingRatio).isEqualTo(1.0);
    assertThat(op.falseLoadW).isCloseTo(0.10 * capacity, Percentage.withPercentage(1e-9));
    bypass.evaluate(0.15 * capacity, 8.89, 23.89, op);
    // Unloading stops at 20 %, so the power stays that of 20 % load.
    assertThat(op.powerW).isCloseTo(powerAtTen, within(1e-6));
    assertThat(op.falseLoadW).isCloseTo(0.05 * capacity, Percentage.withPercentage(1e-9));
  }

  @Test
  void loadAboveMaximumIsUnmet() {
    double capacity = chiller.availableCapacityW(8.89, 23.89);
    chiller.evaluate(1.2 * capacity, 8.89, 23.89, op);
    assertThat(op.partLoadRatio).isCloseTo(1.03, within(1e-12));
    assertThat(op.unmetLoadW).isCloseTo((1.2 - 1.03) * capacity, Percentage.withPercentage(1e-9));
  }

  @Test
  void sharedRecordCannotBeChanged() {
    ElectricEirChiller.MCQUAY_PFH_2124KW.capacityCoefficients()[0] = 99;
    assertThat(chiller.capacityFactor(8.89, 23.89)).isCloseTo(1.0049, TOLERANCE);
  }

  @Test
  void invalidInputsNameTheArgument() {
    assertThatThrownBy(() -> chiller.evaluate(Double.NaN, 8.89, 23.89, op))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("loadW");
    assertThatThrownBy(() -> chiller.evaluate(1000, Double.NaN, 23.89, op))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("leavingChilledWaterC");
    assertThatThrownBy(() -> chiller.evaluate(1000, 8.89, Double.NaN, op))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("enteringCondenserWaterC");
    assertThatThrownBy(() -> chiller.evaluate(-1, 8.89, 23.89, op))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("loadW");
  }
}
