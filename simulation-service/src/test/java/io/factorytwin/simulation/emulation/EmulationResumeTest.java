package io.factorytwin.simulation.emulation;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.factorytwin.twin.v1.Twin;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Where a plant emulation that runs again after its worker died resumes. */
class EmulationResumeTest {

  private static final Instant START = Instant.parse("2026-07-10T21:00:00Z");

  private static Twin clockAt(Instant clock) {
    return Twin.newBuilder()
        .setFacilityTime(
            Timestamp.newBuilder().setSeconds(clock.getEpochSecond()).setNanos(clock.getNano()))
        .build();
  }

  @Test
  void firstAttempt_startsAtStartTime() {
    Twin twin = clockAt(START.plusSeconds(600));

    assertThat(PlantEmulationRunner.resumeOffsetSeconds(1, twin, START, 10)).isZero();
  }

  @Test
  void retry_resumesOnGridAfterClock() {
    assertThat(
            PlantEmulationRunner.resumeOffsetSeconds(2, clockAt(START.plusSeconds(60)), START, 10))
        .isEqualTo(70.0);
    assertThat(
            PlantEmulationRunner.resumeOffsetSeconds(
                2, clockAt(START.plusMillis(64_500)), START, 10))
        .isEqualTo(70.0);
    assertThat(PlantEmulationRunner.resumeOffsetSeconds(3, clockAt(START), START, 0.5))
        .isEqualTo(0.5);
  }

  @Test
  void resumedDuration_owesTheSampleAtTheEnd() {
    // 120 s job, 10 s samples, 1 s loop steps: a resume at 70 s leaves 50 s, one at 120 s still
    // sends the sample at the end, and one past the end owes nothing.
    assertThat(PlantEmulationRunner.resumedDurationSeconds(120, 70, 1)).isEqualTo(50.0);
    assertThat(PlantEmulationRunner.resumedDurationSeconds(120, 120, 1)).isEqualTo(1.0);
    assertThat(PlantEmulationRunner.resumedDurationSeconds(125, 120, 1)).isEqualTo(5.0);
    assertThat(PlantEmulationRunner.resumedDurationSeconds(120, 130, 1)).isNegative();
  }

  @Test
  void retry_noClockAhead_startsAtStart() {
    assertThat(
            PlantEmulationRunner.resumeOffsetSeconds(2, clockAt(START.minusSeconds(1)), START, 10))
        .isZero();
    assertThat(PlantEmulationRunner.resumeOffsetSeconds(2, Twin.getDefaultInstance(), START, 10))
        .isZero();
  }
}
