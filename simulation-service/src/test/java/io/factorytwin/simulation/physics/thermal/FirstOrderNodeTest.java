package io.factorytwin.simulation.physics.thermal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FirstOrderNodeTest {

  private static final double TIME_CONSTANT_S = 10.0;
  private static final double STEP_K = 10.0;

  /** Step response 10·(1 − e^(−t/10)): 6.321 K at 10 s and 9.502 K at 30 s for any step size. */
  @ParameterizedTest
  @ValueSource(doubles = {0.01, 0.1, 0.5, 1.0, 2.0, 5.0, 10.0})
  void stepResponseIndependentOfStepSize(double dt) {
    FirstOrderNode node = new FirstOrderNode(0.0, TIME_CONSTANT_S);
    int stepsTo10 = (int) Math.round(10.0 / dt);
    int stepsTo30 = (int) Math.round(30.0 / dt);

    for (int i = 0; i < stepsTo10; i++) {
      node.step(dt, STEP_K);
    }
    assertThat(node.value()).isCloseTo(6.321, within(1e-3));

    for (int i = stepsTo10; i < stepsTo30; i++) {
      node.step(dt, STEP_K);
    }
    assertThat(node.value()).isCloseTo(9.502, within(1e-3));
  }

  @Test
  void stepMeanMatchesFineIntegration() {
    FirstOrderNode coarse = new FirstOrderNode(2.0, TIME_CONSTANT_S);
    coarse.step(5.0, 12.0);

    FirstOrderNode fine = new FirstOrderNode(2.0, TIME_CONSTANT_S);
    double integral = 0.0;
    for (int i = 0; i < 50_000; i++) {
      fine.step(1e-4, 12.0);
      integral += fine.lastStepMean() * 1e-4;
    }

    assertThat(coarse.lastStepMean()).isCloseTo(integral / 5.0, within(1e-9));
    assertThat(coarse.value()).isCloseTo(fine.value(), within(1e-9));
  }

  @Test
  void perStepTimeConstantOverridesDefault() {
    FirstOrderNode node = new FirstOrderNode(0.0, TIME_CONSTANT_S);

    node.step(2.0, 1.0, 2.0);

    assertThat(node.value()).isCloseTo(1.0 - Math.exp(-1.0), within(1e-12));
  }

  @Test
  void nonPositiveStepOrTimeConstantRejected() {
    FirstOrderNode node = new FirstOrderNode(0.0, TIME_CONSTANT_S);

    assertThatThrownBy(() -> node.step(0.0, 1.0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> node.step(1.0, 1.0, -1.0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new FirstOrderNode(0.0, 0.0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
