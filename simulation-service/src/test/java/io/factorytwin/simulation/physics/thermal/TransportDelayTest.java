package io.factorytwin.simulation.physics.thermal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.factorytwin.simulation.physics.Fluid;
import org.junit.jupiter.api.Test;

class TransportDelayTest {

  @Test
  void stepArrivesAfterVolumeOverFlow() {
    // 100 L at 600 L/min: a delay of 10 s, so 10 steps of 1 s.
    TransportDelay pipe = new TransportDelay(100.0, 30.0, 64);
    double volumePerStep = 10.0;
    assertThat(pipe.delaySeconds(600.0)).isCloseTo(10.0, within(1e-12));

    double[] outlet = new double[15];
    for (int i = 0; i < outlet.length; i++) {
      pipe.push(volumePerStep, 40.0);
      outlet[i] = pipe.pop(volumePerStep);
    }

    for (int i = 0; i < 9; i++) {
      assertThat(outlet[i]).as("step %d", i).isCloseTo(30.0, within(1e-12));
    }
    for (int i = 10; i < outlet.length; i++) {
      assertThat(outlet[i]).as("step %d", i).isCloseTo(40.0, within(1e-12));
    }
  }

  @Test
  void fractionalDelayBlendsOneStep() {
    // 25 L at 10 L per step: 2.5 steps, so the third outlet parcel is half old, half new.
    TransportDelay pipe = new TransportDelay(25.0, 20.0, 16);
    double[] outlet = new double[4];
    for (int i = 0; i < outlet.length; i++) {
      pipe.push(10.0, 30.0);
      outlet[i] = pipe.pop(10.0);
    }

    assertThat(outlet[1]).isCloseTo(20.0, within(1e-12));
    assertThat(outlet[2]).isCloseTo(25.0, within(1e-12));
    assertThat(outlet[3]).isCloseTo(30.0, within(1e-12));
  }

  @Test
  void enthalpyConservedWhenRingOverflows() {
    Fluid water = Fluid.WATER;
    TransportDelay pipe = new TransportDelay(50.0, 25.0, 3);
    double before = pipe.storedHeatJoules(water);
    double enthalpyIn = 0.0;
    double enthalpyOut = 0.0;
    double perLiter = water.densityKgPerM3() * water.specificHeatJPerKgK() / 1000.0;

    for (int i = 0; i < 40; i++) {
      double temperature = 25.0 + 10.0 * Math.sin(i * 0.7);
      double volume = 3.0 + (i % 5);
      pipe.push(volume, temperature);
      enthalpyIn += volume * temperature * perLiter;
      enthalpyOut += volume * pipe.pop(volume) * perLiter;
    }

    double stored = pipe.storedHeatJoules(water) - before;
    assertThat(enthalpyIn - enthalpyOut - stored).isCloseTo(0.0, within(1e-6 * enthalpyIn));
    assertThat(pipe.contentLiters()).isCloseTo(50.0, within(1e-9));
  }

  @Test
  void popBeyondContentRejected() {
    TransportDelay pipe = new TransportDelay(10.0, 25.0, 8);

    assertThatThrownBy(() -> pipe.pop(11.0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("pipe underflow");
  }
}
