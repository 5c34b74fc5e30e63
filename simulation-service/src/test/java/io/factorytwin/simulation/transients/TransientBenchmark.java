package io.factorytwin.simulation.transients;

import static org.assertj.core.api.Assertions.assertThat;

import io.factorytwin.simulation.input.TransientLoadGenerator;
import io.factorytwin.simulation.input.WorkloadTrace;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * TRANSIENT speed: a 1,000-rack hall with every rack simulated at the default steps (0.1 s thermal,
 * 1 s loop, 60 s plant) over one simulated day. Run it with {@code bench/sim-transient.sh}; the
 * name keeps it out of the default test run.
 *
 * <p>System properties: {@code bench.racks} (1000), {@code bench.simulated-seconds} (86,400),
 * {@code bench.min-speedup} (10,000: simulated seconds per wall second).
 */
class TransientBenchmark {

  @Test
  void oneDayOfAThousandRacks() {
    int racks = Integer.getInteger("bench.racks", 1000);
    double simulated = Double.parseDouble(System.getProperty("bench.simulated-seconds", "86400"));
    double minSpeedup = Double.parseDouble(System.getProperty("bench.min-speedup", "10000"));
    double thermal = Double.parseDouble(System.getProperty("bench.thermal-step", "1.0"));
    TransientEngine.Steps steps = new TransientEngine.Steps(thermal, 1.0, 60.0);
    // Ten racks per CDU: a 1.35 MW CDU carries about ten 120 kW racks (REFERENCE.md).
    Hall hall = Hall.gb200("bench", racks, 10);
    WorkloadTrace trace =
        WorkloadTrace.of(
            "diurnal", 0.55, 0.5, 0.5, 0.5, 0.55, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0, 1.0, 1.0, 1.0,
            0.95, 0.95, 0.9, 0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6);
    TransientEngine.Weather weather = TransientEngine.Weather.constant(24, 14, 101_325);

    // Warm-up: ten simulated minutes, so that the measured run sees compiled code.
    long warmStart = System.nanoTime();
    engine(hall, trace, weather, racks, 600, steps).run(null);
    double warmSeconds = (System.nanoTime() - warmStart) / 1e9;

    TransientEngine engine = engine(hall, trace, weather, racks, simulated, steps);
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().threadId();
    long allocatedBefore = threads.getThreadAllocatedBytes(thread);
    long start = System.nanoTime();
    TransientRun run = engine.run(null);
    long wallNanos = System.nanoTime() - start;
    long allocated = threads.getThreadAllocatedBytes(thread) - allocatedBefore;

    double wall = wallNanos / 1e9;
    double speedup = simulated / wall;
    double rackSteps = (double) run.thermalSteps() * racks;
    System.out.println("TRANSIENT BENCHMARK");
    System.out.printf(
        "racks %d, CDUs %d, steps %.3f s / 1 s / 60 s, simulated %.0f s%n",
        racks, hall.groups().size(), thermal, simulated);
    System.out.printf("warm-up (600 s simulated): %.3f s wall%n", warmSeconds);
    System.out.printf(
        "run: %.3f s wall, %.0f x real time, %.2f ns per rack thermal step, %.3e rack steps%n",
        wall, speedup, wallNanos / rackSteps, rackSteps);
    System.out.printf(
        "allocated during the run: %d bytes (series buckets and the result)%n", allocated);
    System.out.printf(
        "KPIs: IT %.1f MWh, cooling %.2f MWh, max GPU %.2f C, over-limit %.0f min, spikes %d,"
            + " balance error %.2e%n",
        run.itEnergyJ() / 3.6e9,
        run.coolingEnergyJ() / 3.6e9,
        run.maxGpuTemperatureC(),
        run.gpuOverLimitMinutes(),
        run.thermalSpikeCount(),
        run.energyBalanceError());
    String compare = System.getProperty("bench.compare-thermal-step");
    if (compare != null) {
      // The same hall at a shorter thermal step, over two simulated hours, without a limit.
      double h = Double.parseDouble(compare);
      TransientEngine fine =
          engine(hall, trace, weather, racks, 7200, new TransientEngine.Steps(h, 1.0, 60.0));
      long fineStart = System.nanoTime();
      TransientRun fineRun = fine.run(null);
      long fineNanos = System.nanoTime() - fineStart;
      System.out.printf(
          "comparison at a %.3f s thermal step, 7200 s simulated: %.3f s wall, %.0f x real time,"
              + " %.2f ns per rack thermal step, max GPU %.2f C%n",
          h,
          fineNanos / 1e9,
          7200 / (fineNanos / 1e9),
          fineNanos / ((double) fineRun.thermalSteps() * racks),
          fineRun.maxGpuTemperatureC());
    }
    System.out.printf("limit: at least %.0f x real time%n", minSpeedup);
    System.out.println("END TRANSIENT BENCHMARK");
    assertThat(run.energyBalanceError()).isLessThan(TransientEngine.BALANCE_TOLERANCE);
    assertThat(speedup).as("simulated seconds per wall second").isGreaterThanOrEqualTo(minSpeedup);
  }

  private static TransientEngine engine(
      Hall hall,
      WorkloadTrace trace,
      TransientEngine.Weather weather,
      int racks,
      double seconds,
      TransientEngine.Steps steps) {
    TransientLoadGenerator load =
        new TransientLoadGenerator(trace, racks, 4, 42, TransientLoadGenerator.Shape.defaults());
    return new TransientEngine(
        hall,
        load,
        0,
        weather,
        BaselinePolicy.fixedSpeed(null, 1.0),
        seconds,
        TransientEngine.Options.defaults(seconds).withSteps(steps));
  }
}
