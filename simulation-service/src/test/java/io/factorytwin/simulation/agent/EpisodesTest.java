package io.factorytwin.simulation.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.factorytwin.simulation.design.ReferenceHalls;
import io.factorytwin.simulation.input.WeatherYear;
import io.factorytwin.simulation.input.WorkloadTrace;
import io.factorytwin.simulation.model.FacilityModel;
import io.factorytwin.simulation.transients.BaselinePolicy;
import io.factorytwin.simulation.transients.FacilityHalls;
import io.factorytwin.simulation.transients.Hall;
import io.factorytwin.simulation.transients.TransientEngine;
import io.factorytwin.simulation.transients.TransientRun;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Episodes spread over a window: their start offsets and what an offset changes. */
class EpisodesTest {

  private static final int START_HOUR = 4574;
  private static final double TEN_MINUTES = 600;
  private static final double DAY = 86_400;

  private static Hall hall;
  private static WeatherYear year;
  private static WorkloadTrace trace;

  @BeforeAll
  static void load() {
    hall =
        FacilityHalls.toHall(
            ReferenceHalls.hallOfRacks(
                16, ReferenceHalls.virginia(), new FacilityModel.PowerSource("PJM", 0)));
    var data = ReferenceHalls.inputDataSets();
    year = data.weather("weather", "USA_AZ_Phoenix-Sky.Harbor.epw", 2022);
    trace = data.workload("workload", "GoogleClusteData_CPU_Data_Hourly_1.csv");
  }

  private static Episodes episodes(int firstHour, double windowSeconds) {
    return new Episodes(
        hall,
        trace,
        firstHour * 3600.0,
        TransientEngine.Weather.fromYear(year, firstHour, (int) (windowSeconds / 3600) + 1),
        TEN_MINUTES,
        TransientEngine.Options.defaults(TEN_MINUTES),
        windowSeconds);
  }

  @Test
  void offsets_spreadOverEveryHourOfADay() {
    Episodes day = episodes(START_HOUR, DAY);
    for (int i = 0; i < 24; i++) {
      assertThat(day.startOffsetSeconds(i, 24)).as("episode %d of 24", i).isEqualTo(i * 3600.0);
    }
  }

  @Test
  void offsets_stayInsideTheWindow() {
    Episodes day = episodes(START_HOUR, DAY);
    // 23.8 h of slack round down to 23 whole hours for the last start.
    assertThat(day.startOffsetSeconds(4, 5)).isEqualTo(23 * 3600.0);
    assertThat(day.startOffsetSeconds(2, 5)).isEqualTo(12 * 3600.0);
    assertThat(day.startOffsetSeconds(0, 1)).isZero();
    assertThat(episodes(START_HOUR, TEN_MINUTES).startOffsetSeconds(2, 3)).isZero();
    assertThatThrownBy(() -> day.startOffsetSeconds(5, 5))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void offsetRun_matchesARunStartedThatHourLater() {
    double offset = 7 * 3600.0;
    TransientRun shifted =
        episodes(START_HOUR, DAY).run(BaselinePolicy.pidSpeed(50.0, 10.0), 3, offset);
    TransientRun direct =
        episodes(START_HOUR + 7, TEN_MINUTES).run(BaselinePolicy.pidSpeed(50.0, 10.0), 3);
    TransientRun unshifted =
        episodes(START_HOUR, DAY).run(BaselinePolicy.pidSpeed(50.0, 10.0), 3, 0.0);

    assertThat(shifted.itEnergyJ()).isEqualTo(direct.itEnergyJ());
    assertThat(shifted.coolingEnergyJ()).isEqualTo(direct.coolingEnergyJ());
    assertThat(shifted.maxGpuTemperatureC()).isEqualTo(direct.maxGpuTemperatureC());
    // Seven hours later the trace level differs, so the offset changed the episode.
    assertThat(shifted.itEnergyJ()).isNotEqualTo(unshifted.itEnergyJ());
  }

  @Test
  void run_rejectsAnOffsetPastTheWindow() {
    Episodes day = episodes(START_HOUR, DAY);
    BaselinePolicy policy = BaselinePolicy.pidSpeed(50.0, 10.0);
    assertThatThrownBy(() -> day.run(policy, 1, DAY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("inside the window");
    assertThatThrownBy(() -> day.run(policy, 1, 1800))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("whole hour");
  }

  @Test
  void window_shorterThanTheDuration_isRejected() {
    assertThatThrownBy(() -> episodes(START_HOUR, 300))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("shorter than the episode duration");
  }
}
