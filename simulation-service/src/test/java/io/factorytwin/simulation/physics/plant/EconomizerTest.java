package io.factorytwin.simulation.physics.plant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EconomizerTest {

  private static final double SUPPLY = 25.0;
  private static final double RETURN = 35.0;
  private static final double MINUTE = 60.0;

  private final Economizer economizer = new Economizer(1.0, 30 * MINUTE);

  @Test
  void firstSelectionUsesPlainThresholds() {
    assertThat(economizer.select(new EconomizerState(), 24.9, SUPPLY, RETURN, MINUTE))
        .isEqualTo(EconomizerMode.FREE_COOLING);
    assertThat(economizer.select(new EconomizerState(), 30.0, SUPPLY, RETURN, MINUTE))
        .isEqualTo(EconomizerMode.PARTIAL);
    assertThat(economizer.select(new EconomizerState(), 35.0, SUPPLY, RETURN, MINUTE))
        .isEqualTo(EconomizerMode.MECHANICAL);
  }

  @Test
  void enteringFreeCoolingNeedsTheDeadband() {
    EconomizerState state = new EconomizerState(EconomizerMode.PARTIAL, 3600);
    assertThat(economizer.select(state, SUPPLY - 0.5, SUPPLY, RETURN, MINUTE))
        .isEqualTo(EconomizerMode.PARTIAL);
    assertThat(economizer.select(state, SUPPLY - 1.0, SUPPLY, RETURN, MINUTE))
        .isEqualTo(EconomizerMode.FREE_COOLING);
  }

  @Test
  void leavingFreeCoolingNeedsOnlyTheThreshold() {
    EconomizerState state = new EconomizerState(EconomizerMode.FREE_COOLING, 3600);
    assertThat(economizer.select(state, SUPPLY, SUPPLY, RETURN, MINUTE))
        .isEqualTo(EconomizerMode.FREE_COOLING);
    assertThat(economizer.select(state, SUPPLY + 0.1, SUPPLY, RETURN, MINUTE))
        .isEqualTo(EconomizerMode.PARTIAL);
  }

  @Test
  void holdTimeDelaysChange() {
    EconomizerState state = new EconomizerState(EconomizerMode.MECHANICAL, 0);
    for (int minute = 0; minute < 30; minute++) {
      assertThat(economizer.select(state, 20.0, SUPPLY, RETURN, MINUTE))
          .as("minute %d", minute)
          .isEqualTo(EconomizerMode.MECHANICAL);
    }
    assertThat(economizer.select(state, 20.0, SUPPLY, RETURN, MINUTE))
        .isEqualTo(EconomizerMode.FREE_COOLING);
    assertThat(state.secondsInMode()).isEqualTo(MINUTE);
  }

  @Test
  void oscillatingWeatherDoesNotChatter() {
    EconomizerState state = new EconomizerState();
    int changes = 0;
    EconomizerMode previous = null;
    for (int minute = 0; minute < 240; minute++) {
      // ±0.4 K around the supply setpoint, inside the 1 K deadband.
      double available = SUPPLY + (minute % 2 == 0 ? 0.4 : -0.4);
      EconomizerMode mode = economizer.select(state, available, SUPPLY, RETURN, MINUTE);
      if (previous != null && mode != previous) {
        changes++;
      }
      previous = mode;
    }
    assertThat(changes).isZero();
  }

  @Test
  void withoutHysteresisOrHoldItWouldChatter() {
    Economizer bare = new Economizer(0.0, 0.0);
    EconomizerState state = new EconomizerState();
    int changes = 0;
    EconomizerMode previous = null;
    for (int minute = 0; minute < 20; minute++) {
      double available = SUPPLY + (minute % 2 == 0 ? 0.4 : -0.4);
      EconomizerMode mode = bare.select(state, available, SUPPLY, RETURN, MINUTE);
      if (previous != null && mode != previous) {
        changes++;
      }
      previous = mode;
    }
    assertThat(changes).isEqualTo(19);
  }

  @Test
  void invalidInputsNameTheArgument() {
    EconomizerState state = new EconomizerState();
    assertThatThrownBy(() -> economizer.select(state, Double.NaN, SUPPLY, RETURN, MINUTE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("availableWaterC");
    assertThatThrownBy(() -> economizer.select(state, 20, Double.NaN, RETURN, MINUTE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("supplySetpointC");
    assertThatThrownBy(() -> economizer.select(state, 20, SUPPLY, SUPPLY - 1, MINUTE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("returnC");
    assertThatThrownBy(() -> economizer.select(state, 20, SUPPLY, RETURN, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("stepSeconds");
  }
}
