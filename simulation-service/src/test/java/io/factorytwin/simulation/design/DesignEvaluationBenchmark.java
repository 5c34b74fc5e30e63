package io.factorytwin.simulation.design;

import static org.assertj.core.api.Assertions.assertThat;

import io.factorytwin.simulation.input.HourlyInputs;
import io.factorytwin.simulation.model.FacilityModel;
import io.factorytwin.simulation.v1.AnnualKpis;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * DESIGN_EVALUATION of a 1,000-rack hall on the real Leesburg weather, PJM carbon and an Alibaba
 * trace: reading the inputs is timed apart from the 8,760 hourly steps. The name keeps it out of
 * the default test run; bench/sim-design-eval.sh runs it.
 *
 * <p>System properties: {@code bench.racks} (1,000), {@code bench.runs} (10), {@code bench.max-ms}
 * (limit on the median computation, 1,000).
 */
class DesignEvaluationBenchmark {

  @Test
  void designEvaluation_thousandRacks() {
    int racks = Integer.getInteger("bench.racks", 1000);
    int runs = Integer.getInteger("bench.runs", 10);
    long maxMillis = Long.getLong("bench.max-ms", 1000);
    FacilityModel hall =
        ReferenceHalls.hallOfRacks(
            racks, ReferenceHalls.virginia(), new FacilityModel.PowerSource("PJM", 0));

    long readStart = System.nanoTime();
    HourlyInputs inputs = ReferenceHalls.inputs(hall.site(), "Alibaba_CPU_Data_Hourly_1.csv");
    double readMillis = (System.nanoTime() - readStart) / 1e6;

    double[] millis = new double[runs];
    AnnualKpis kpis = null;
    for (int i = 0; i < runs; i++) {
      long start = System.nanoTime();
      DesignEvaluation.Result result =
          new DesignEvaluation(hall, DesignEvaluation.Options.DEFAULT).run(inputs, -5, null);
      millis[i] = (System.nanoTime() - start) / 1e6;
      assertThat(result.balanced()).as(result.balanceFailure()).isTrue();
      kpis = result.kpis();
    }
    double first = millis[0];
    double[] sorted = millis.clone();
    Arrays.sort(sorted);
    double median = sorted[runs / 2];

    System.out.println("SIM DESIGN EVAL BENCHMARK");
    System.out.printf(
        "racks %d, design IT %.1f MW, hours %d, runs %d%n",
        hall.racks().size(), hall.designItPowerW() / 1e6, inputs.hours(), runs);
    System.out.printf("read and join inputs: %.0f ms%n", readMillis);
    System.out.printf(
        "computation: first %.0f ms, median %.0f ms, best %.0f ms, worst %.0f ms (limit %d ms)%n",
        first, median, sorted[0], sorted[runs - 1], maxMillis);
    System.out.printf(
        "PUE %.3f, free-cooling hours %.0f, balance error %.2e%n",
        kpis.getPue(), kpis.getFreeCoolingHours(), kpis.getEnergyBalanceErrorFraction());
    System.out.println("END SIM DESIGN EVAL BENCHMARK");

    assertThat(median).as("median computation in ms").isLessThanOrEqualTo(maxMillis);
  }
}
