package io.factorytwin.simulation.physics.thermal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EffectivenessNtuTest {

  private static final double TOLERANCE = 1e-4;

  @ParameterizedTest(name = "NTU {0}, Cr {1}: {2}")
  @CsvSource({"2, 0.5, 0.7746", "2, 1, 0.6667", "4, 0.25, 0.9622"})
  void counterflowValidationCases(double ntu, double capacityRatio, double expected) {
    assertThat(EffectivenessNtu.counterflow(ntu, capacityRatio))
        .isCloseTo(expected, within(TOLERANCE));
  }

  @Test
  void parallelFlowValidationCase() {
    assertThat(EffectivenessNtu.parallelFlow(2.0, 0.5)).isCloseTo(0.6335, within(TOLERANCE));
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.1, 1.0, 2.0, 5.0})
  void zeroCapacityRatioIsOneMinusExp(double ntu) {
    double expected = 1.0 - Math.exp(-ntu);

    assertThat(EffectivenessNtu.zeroCapacityRatio(ntu)).isCloseTo(expected, within(TOLERANCE));
    assertThat(EffectivenessNtu.counterflow(ntu, 0.0)).isCloseTo(expected, within(TOLERANCE));
    assertThat(EffectivenessNtu.parallelFlow(ntu, 0.0)).isCloseTo(expected, within(TOLERANCE));
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.5, 2.0, 10.0})
  void balancedCounterflowIsContinuous(double ntu) {
    double limit = ntu / (1.0 + ntu);

    assertThat(EffectivenessNtu.counterflow(ntu, 1.0)).isCloseTo(limit, within(1e-12));
    assertThat(EffectivenessNtu.counterflow(ntu, 1.0 - 1e-6)).isCloseTo(limit, within(1e-5));
  }

  @Test
  void dutyUsesSmallerCapacityRate() {
    // Cold stream is Cmin: 1,000 W/K against 2,000 W/K, NTU 2, Cr 0.5, 30 K inlet difference.
    double duty = EffectivenessNtu.counterflowDuty(2_000.0, 2_000.0, 1_000.0, 40.0, 10.0);
    double swapped = EffectivenessNtu.counterflowDuty(2_000.0, 1_000.0, 2_000.0, 40.0, 10.0);

    assertThat(duty)
        .isCloseTo(EffectivenessNtu.counterflow(2.0, 0.5) * 1_000.0 * 30.0, within(1e-9));
    assertThat(swapped).isCloseTo(duty, within(1e-9));
  }

  @Test
  void dutyZeroWithoutFlow() {
    assertThat(EffectivenessNtu.counterflowDuty(2_000.0, 0.0, 1_000.0, 40.0, 10.0)).isZero();
  }

  @Test
  void invalidArgumentsRejected() {
    assertThatThrownBy(() -> EffectivenessNtu.counterflow(-1.0, 0.5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EffectivenessNtu.counterflow(1.0, 1.5))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
