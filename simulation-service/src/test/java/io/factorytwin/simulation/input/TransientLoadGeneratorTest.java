package io.factorytwin.simulation.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class TransientLoadGeneratorTest {

  private static final WorkloadTrace FULL = WorkloadTrace.of("full", 1.0);
  private static final WorkloadTrace VARYING = WorkloadTrace.of("varying", 0.3, 0.9, 0.6, 1.0);

  @Test
  void sameSeed_givesTheSameSeries() {
    var first =
        new TransientLoadGenerator(VARYING, 8, 42L, TransientLoadGenerator.Shape.defaults());
    var second =
        new TransientLoadGenerator(VARYING, 8, 42L, TransientLoadGenerator.Shape.defaults());

    for (int rack = 0; rack < 8; rack++) {
      for (double t = 0; t < 7200; t += 0.37) {
        assertThat(second.utilization(rack, t)).isEqualTo(first.utilization(rack, t));
      }
    }
  }

  @Test
  void differentSeeds_giveDifferentSeries() {
    var first = new TransientLoadGenerator(VARYING, 4, 1L, TransientLoadGenerator.Shape.defaults());
    var second =
        new TransientLoadGenerator(VARYING, 4, 2L, TransientLoadGenerator.Shape.defaults());

    int differing = 0;
    int samples = 0;
    for (int rack = 0; rack < 4; rack++) {
      assertThat(second.iterationFrequencyHz(rack)).isNotEqualTo(first.iterationFrequencyHz(rack));
      for (double t = 0; t < 600; t += 0.5) {
        samples++;
        if (first.utilization(rack, t) != second.utilization(rack, t)) {
          differing++;
        }
      }
    }
    assertThat(differing).isGreaterThan(samples / 2);
  }

  @Test
  void values_stayWithinZeroAndOne() {
    var generator =
        new TransientLoadGenerator(
            VARYING,
            16,
            7L,
            new TransientLoadGenerator.Shape(1.0, 0.2, 3.0, 0.2, 900, 30, 300, 15));
    double[] out = new double[16];

    double min = 1;
    double max = 0;
    for (double t = 0; t < 4 * 3600; t += 0.1) {
      generator.fill(t, out);
      for (double value : out) {
        min = Math.min(min, value);
        max = Math.max(max, value);
      }
    }

    assertThat(min).isGreaterThanOrEqualTo(0.0);
    assertThat(max).isLessThanOrEqualTo(1.0);
    assertThat(max - min).isGreaterThan(0.5);
  }

  @Test
  void iterationFrequencies_lieInTheTrainingBand() {
    var generator =
        new TransientLoadGenerator(FULL, 200, 3L, TransientLoadGenerator.Shape.defaults());

    for (int rack = 0; rack < 200; rack++) {
      assertThat(generator.iterationFrequencyHz(rack)).isBetween(0.2, 3.0);
    }
  }

  @Test
  void iterationSwing_repeatsAtTheDrawnFrequency() {
    // No job restarts or checkpoints inside the window: delay 0, checkpoints of zero length.
    var shape = new TransientLoadGenerator.Shape(0.4, 0.2, 3.0, 0.2, 3600, 0, 600, 0);
    var generator = new TransientLoadGenerator(FULL, 3, 11L, shape);

    for (int rack = 0; rack < 3; rack++) {
      double period = 1 / generator.iterationFrequencyHz(rack);
      double min = 1;
      for (double t = 100; t < 100 + period; t += period / 200) {
        assertThat(generator.utilization(rack, t + period))
            .isCloseTo(generator.utilization(rack, t), within(1e-9));
        min = Math.min(min, generator.utilization(rack, t));
      }
      assertThat(min).isCloseTo(0.6, within(0.01));
    }
  }

  @Test
  void jobStart_stepsUpFromIdle() {
    var shape = new TransientLoadGenerator.Shape(0.3, 0.2, 3.0, 0.2, 3600, 60, 600, 0);
    var generator = new TransientLoadGenerator(FULL, 1, 5L, shape);
    double start = jobStart(generator);

    assertThat(generator.utilization(0, start - 30)).isEqualTo(0.2);
    assertThat(generator.utilization(0, start - 0.01)).isEqualTo(0.2);
    assertThat(generator.utilization(0, start + 0.01)).isGreaterThanOrEqualTo(0.7 - 1e-9);
    assertThat(generator.utilization(0, start + 3570)).isEqualTo(0.2);
  }

  @Test
  void checkpoint_dipsToIdleForItsDuration() {
    var shape = new TransientLoadGenerator.Shape(0.0, 1.0, 1.0, 0.2, 3600, 0, 600, 20);
    var generator = new TransientLoadGenerator(FULL, 1, 9L, shape);

    int dipSamples = 0;
    for (double t = 0; t < 600; t += 0.5) {
      double value = generator.utilization(0, t);
      assertThat(value).isIn(0.2, 1.0);
      if (value == 0.2) {
        dipSamples++;
      }
    }
    assertThat(dipSamples).isEqualTo(40);
  }

  @Test
  void fill_matchesUtilizationAndFollowsTheHourlyTrace() {
    var generator =
        new TransientLoadGenerator(VARYING, 5, 13L, TransientLoadGenerator.Shape.defaults());
    double[] out = new double[5];

    for (double t : new double[] {10.0, 3700.5, 7300.25, 11_000.0}) {
      generator.fill(t, out);
      double level = VARYING.utilization((int) (t / 3600));
      for (int rack = 0; rack < 5; rack++) {
        assertThat(out[rack]).isEqualTo(generator.utilization(rack, t));
        assertThat(out[rack]).isLessThanOrEqualTo(level);
      }
    }
  }

  @Test
  void racksOfOneJob_moveInLockstep() {
    var generator =
        new TransientLoadGenerator(VARYING, 6, 3, 21L, TransientLoadGenerator.Shape.defaults());
    double[] out = new double[6];

    int differentJobsDiffer = 0;
    for (double t = 0; t < 3600; t += 0.7) {
      generator.fill(t, out);
      assertThat(out[1]).isEqualTo(out[0]);
      assertThat(out[2]).isEqualTo(out[0]);
      assertThat(out[4]).isEqualTo(out[3]);
      assertThat(out[5]).isEqualTo(out[3]);
      if (out[3] != out[0]) {
        differentJobsDiffer++;
      }
    }
    assertThat(generator.iterationFrequencyHz(2)).isEqualTo(generator.iterationFrequencyHz(0));
    assertThat(generator.iterationFrequencyHz(3)).isNotEqualTo(generator.iterationFrequencyHz(0));
    assertThat(differentJobsDiffer).isGreaterThan(1000);
  }

  @Test
  void invalidShape_isRejected() {
    assertThatThrownBy(() -> new TransientLoadGenerator.Shape(1.5, 0.2, 3, 0.2, 3600, 60, 600, 20))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("iteration amplitude");
    assertThatThrownBy(() -> new TransientLoadGenerator.Shape(0.3, 3, 0.2, 0.2, 3600, 60, 600, 20))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** Returns the first time at which the rack leaves the idle level after being idle. */
  private static double jobStart(TransientLoadGenerator generator) {
    boolean idle = false;
    for (double t = 0; t < 7200; t += 0.01) {
      double value = generator.utilization(0, t);
      if (value == 0.2) {
        idle = true;
      } else if (idle) {
        return t;
      }
    }
    throw new AssertionError("no job start within two hours");
  }
}
