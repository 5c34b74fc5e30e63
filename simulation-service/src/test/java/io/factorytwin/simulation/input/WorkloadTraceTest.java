package io.factorytwin.simulation.input;

import static io.factorytwin.simulation.input.InputFixtures.assertDataSetInvalid;
import static io.factorytwin.simulation.input.InputFixtures.fixture;
import static io.factorytwin.simulation.input.InputFixtures.workload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkloadTraceTest {

  @Test
  void alibaba_isCutToOneYear() throws Exception {
    List<String> lines = Files.readAllLines(workload("Alibaba_CPU_Data_Hourly_1.csv"));

    WorkloadTrace trace = WorkloadTrace.read(workload("Alibaba_CPU_Data_Hourly_1.csv"));

    assertThat(trace.sourceHours()).isEqualTo(lines.size() - 1);
    assertThat(trace.droppedHours()).isEqualTo(lines.size() - 1 - 8760);
    assertThat(trace.wrapped()).isFalse();
    assertThat(trace.clamped()).isEmpty();
    assertThat(trace.utilization(0)).isEqualTo(Double.parseDouble(lines.get(1).split(",")[1]));
    assertThat(trace.utilization(8759))
        .isEqualTo(Double.parseDouble(lines.get(8760).split(",")[1]));
  }

  @Test
  void google_coversExactlyOneYear() {
    WorkloadTrace trace = WorkloadTrace.read(workload("GoogleClusteData_CPU_Data_Hourly_1.csv"));

    assertThat(trace.sourceHours()).isEqualTo(8760);
    assertThat(trace.droppedHours()).isZero();
    for (int hour = 0; hour < WorkloadTrace.HOURS; hour++) {
      assertThat(trace.utilization(hour)).isBetween(0.0, 1.0);
    }
  }

  @Test
  void shortTrace_isClampedAndWrapped() {
    WorkloadTrace trace = WorkloadTrace.read(fixture("workload-short.csv"));

    assertThat(trace.clamped())
        .containsExactly(
            new WorkloadTrace.ClampedValue(3, 1.2, 1.0),
            new WorkloadTrace.ClampedValue(4, -0.1, 0.0));
    assertThat(trace.wrapped()).isTrue();
    assertThat(trace.utilization(0)).isEqualTo(0.5);
    assertThat(trace.utilization(1)).isEqualTo(1.0);
    assertThat(trace.utilization(2)).isEqualTo(0.0);
    assertThat(trace.utilization(3)).isEqualTo(0.5);
    assertThat(trace.utilization(8759)).isEqualTo(trace.utilization(8759 % 3));
    assertThat(trace.utilization(8760)).isEqualTo(trace.utilization(0));
  }

  @Test
  void nonNumericValue_isRejectedNamingTheLine() {
    Throwable thrown =
        catchThrowable(() -> WorkloadTrace.read(fixture("workload-non-numeric.csv")));

    assertDataSetInvalid(
        thrown, "workload", "workload-non-numeric.csv line 4:", "'busy' is not a finite number");
  }

  @Test
  void missingColumn_isRejectedNamingTheLine() throws Exception {
    String text = "hour,load\n0,0.5\n";

    Throwable thrown =
        catchThrowable(
            () ->
                WorkloadTrace.read(
                    "plain.csv",
                    new java.io.BufferedReader(new java.io.StringReader(text)),
                    "workload"));

    assertDataSetInvalid(thrown, "workload", "plain.csv line 1:", "'cpu_load'");
  }
}
