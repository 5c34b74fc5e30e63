package io.factorytwin.simulation.physics.thermal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PidControllerTest {

  @Test
  void directActingOpensWhenMeasurementHigh() {
    PidController pid = new PidController(0.1, Double.POSITIVE_INFINITY, 0.0, 10.0, 0.0, 1.0, true);
    pid.reset(0.5);

    double output = pid.update(30.0, 32.0, 1.0);

    // Proportional only: 0.5 + 0.1 /K · 2 K.
    assertThat(output).isCloseTo(0.7, within(1e-12));
  }

  @Test
  void reverseActingClosesWhenMeasurementHigh() {
    PidController pid =
        new PidController(0.1, Double.POSITIVE_INFINITY, 0.0, 10.0, 0.0, 1.0, false);
    pid.reset(0.5);

    assertThat(pid.update(30.0, 32.0, 1.0)).isCloseTo(0.3, within(1e-12));
  }

  @Test
  void setpointStepGivesNoDerivativeKick() {
    PidController pid =
        new PidController(0.1, Double.POSITIVE_INFINITY, 5.0, 10.0, -10.0, 10.0, true);
    pid.reset(0.0);
    pid.update(30.0, 30.0, 1.0);

    double afterSetpointStep = pid.update(28.0, 30.0, 1.0);

    assertThat(afterSetpointStep).isCloseTo(0.2, within(1e-12));
  }

  @Test
  void measurementStepGivesDerivativeKick() {
    PidController pid =
        new PidController(0.1, Double.POSITIVE_INFINITY, 5.0, 10.0, -10.0, 10.0, true);
    pid.reset(0.0);
    pid.update(30.0, 30.0, 1.0);

    double afterMeasurementStep = pid.update(30.0, 32.0, 1.0);

    // P 0.2 plus filtered derivative Kp·Td/(Td/N + dt)·Δy = 0.1·5/1.5·2.
    assertThat(afterMeasurementStep).isCloseTo(0.2 + 0.1 * 5.0 / 1.5 * 2.0, within(1e-12));
  }

  @Test
  void integralRemovesOffsetOnFirstOrderPlant() {
    // Plant y' = (−y + 10·u + 3)/5, where +3 is a constant disturbance. The setpoint is 20.
    PidController pid = new PidController(0.2, 10.0, 0.0, 10.0, -5.0, 5.0, false);
    pid.reset(0.0);
    double y = 0.0;
    for (int i = 0; i < 2_000; i++) {
      double u = pid.update(20.0, y, 0.1);
      y += 0.1 * (-y + 10.0 * u + 3.0) / 5.0;
    }

    assertThat(y).isCloseTo(20.0, within(1e-3));
  }

  @Test
  void antiWindupLeavesSaturationAtOnce() {
    PidController pid = new PidController(0.1, 5.0, 0.0, 10.0, 0.0, 1.0, true);
    pid.reset(0.5);
    // 10 K above setpoint: P alone (1.0) plus the integral (0.5) saturates the output at once.
    for (int i = 0; i < 1_000; i++) {
      pid.update(30.0, 40.0, 1.0);
    }
    assertThat(pid.output()).isEqualTo(1.0);
    assertThat(pid.integralTerm()).isCloseTo(0.5, within(1e-12));

    // The error reverses to 1 K below setpoint: P −0.1 plus the frozen integral 0.5. Had the
    // integral kept running during saturation it would sit at the upper limit and the output
    // would be 0.9.
    double output = pid.update(30.0, 29.0, 1.0);

    assertThat(output).isCloseTo(0.5 - 0.1 - 0.1 * 1.0 / 5.0 * 1.0, within(1e-12));
  }
}
