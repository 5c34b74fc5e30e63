package io.factorytwin.simulation.emulation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Bucket width of a plant emulation's stored series. */
class EmulationSeriesResolutionTest {

  @Test
  void day_storesOnePointAMinute() {
    assertThat(PlantEmulationRunner.seriesResolution(86_400, 1.0)).isEqualTo(60.0);
  }

  @Test
  void year_widensToTenThousandPoints() {
    double width =
        PlantEmulationRunner.seriesResolution(PlantEmulationRunner.MAX_DURATION_SECONDS, 1.0);

    assertThat(width).isEqualTo(3154.0);
    assertThat(PlantEmulationRunner.MAX_DURATION_SECONDS / width)
        .isLessThanOrEqualTo(PlantEmulationRunner.MAX_SERIES_BUCKETS);
  }

  @Test
  void width_isAWholeNumberOfLoopSteps() {
    double width = PlantEmulationRunner.seriesResolution(3600, 0.7);

    assertThat(width).isCloseTo(60.2, org.assertj.core.data.Offset.offset(1e-9));
  }
}
