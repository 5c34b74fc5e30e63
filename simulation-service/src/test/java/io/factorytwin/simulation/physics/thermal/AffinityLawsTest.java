package io.factorytwin.simulation.physics.thermal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class AffinityLawsTest {

  private final AffinityLaws pump = new AffinityLaws(720.0, 150.0, 3_000.0);

  @Test
  void eightyPercentFlowNeedsHalfPower() {
    double power = pump.powerForFlow(0.8 * 720.0);

    assertThat(power / 3_000.0).isCloseTo(0.512, within(1e-9));
  }

  @Test
  void flowHeadAndPowerScaleWithSpeed() {
    assertThat(pump.flowAt(0.5)).isCloseTo(360.0, within(1e-9));
    assertThat(pump.headAt(0.5)).isCloseTo(37.5, within(1e-9));
    assertThat(pump.powerAt(0.5)).isCloseTo(375.0, within(1e-9));
    assertThat(pump.speedForFlow(pump.flowAt(0.7))).isCloseTo(0.7, within(1e-12));
  }

  @Test
  void nonPositiveDesignFlowRejected() {
    assertThatThrownBy(() -> new AffinityLaws(0.0, 150.0, 3_000.0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0.0 L/min");
  }
}
