package io.factorytwin.simulation.jobs;

import com.google.protobuf.Timestamp;
import io.factorytwin.simulation.v1.Job;
import io.factorytwin.simulation.v1.JobResult;
import io.factorytwin.simulation.v1.Series;
import io.factorytwin.simulation.v1.TransientKpis;
import io.factorytwin.simulation.v1.TransientResult;
import io.factorytwin.simulation.v1.TransientSpec;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test double for the physics runners: runs TRANSIENT jobs without any physics. It takes one step
 * of {@value #STEP_MILLIS} ms per simulated second of the scenario's duration (at most {@value
 * #MAX_STEPS} steps), reports progress after each step, and returns KPIs and one series computed
 * from the seed and the step count, so a test can predict them. It records every run it starts and
 * every run it finishes, so the tests can count runs per job.
 *
 * <p>Seed {@value #FAILING_SEED} makes every run throw, to exercise retries and the attempt limit.
 * As an enabled alternative it replaces a real TRANSIENT runner in the tests.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class SteppingTransientRunner implements JobRunner {

  static final long STEP_MILLIS = 50;
  static final int MAX_STEPS = 400;
  static final long FAILING_SEED = 13;

  /** Simulated start when the scenario sets none: 2025-01-01T00:00:00Z. */
  static final long DEFAULT_START_SECONDS = 1_735_689_600L;

  private final Map<String, AtomicInteger> starts = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> finishes = new ConcurrentHashMap<>();
  private final Map<String, Integer> stepsAtStop = new ConcurrentHashMap<>();

  @Override
  public Job.Kind kind() {
    return Job.Kind.KIND_TRANSIENT;
  }

  @Override
  public JobOutcome run(JobContext context) {
    String name = context.job().getName();
    starts.computeIfAbsent(name, key -> new AtomicInteger()).incrementAndGet();
    TransientSpec spec = context.job().getTransient();
    if (spec.getSeed() == FAILING_SEED) {
      throw new IllegalStateException("test runner fails every run with seed " + FAILING_SEED);
    }
    int steps = steps(spec);
    long start =
        spec.getScenario().hasStartTime()
            ? spec.getScenario().getStartTime().getSeconds()
            : DEFAULT_START_SECONDS;
    Series.Builder power =
        Series.newBuilder().setName("facility_power_kw").setUnit("kW").putLabels("policy", "test");
    for (int step = 0; step < steps; step++) {
      try {
        Thread.sleep(STEP_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      power.addTimestamps(Timestamp.newBuilder().setSeconds(start + step));
      power.addValues(facilityPowerKw(spec.getSeed(), step));
      try {
        context.progress(
            (step + 1) / (double) steps,
            "simulated second " + (step + 1) + " of " + steps,
            java.time.Instant.ofEpochSecond(start + step + 1));
      } catch (JobCancelledException e) {
        stepsAtStop.put(name, step + 1);
        throw e;
      }
    }
    finishes.computeIfAbsent(name, key -> new AtomicInteger()).incrementAndGet();
    TransientResult result =
        TransientResult.newBuilder()
            .setModel(spec.getScenario().getModel().getTwinRevision())
            .setSeed(spec.getSeed())
            .setKpis(
                TransientKpis.newBuilder()
                    .setMaxGpuTemperatureC(maxGpuTemperatureC(spec.getSeed()))
                    .setSimulatedDuration(
                        com.google.protobuf.Duration.newBuilder().setSeconds(steps)))
            .build();
    return JobOutcome.succeeded(
        JobResult.newBuilder().setTransient(result).build(), List.of(power.build()));
  }

  static int steps(TransientSpec spec) {
    long seconds = spec.getScenario().getDuration().getSeconds();
    return (int) Math.max(1, Math.min(MAX_STEPS, seconds));
  }

  static double facilityPowerKw(long seed, int step) {
    return 100 + (seed + step) % 7;
  }

  static double maxGpuTemperatureC(long seed) {
    return 60 + seed % 20;
  }

  /** Returns the number of runs started for the job. */
  int starts(String name) {
    AtomicInteger count = starts.get(name);
    return count == null ? 0 : count.get();
  }

  /** Returns the number of runs of the job that reached their last step. */
  int finishes(String name) {
    AtomicInteger count = finishes.get(name);
    return count == null ? 0 : count.get();
  }

  /** Returns the step at which a run of the job stopped on a cancellation, or null. */
  Integer stepsAtStop(String name) {
    return stepsAtStop.get(name);
  }

  List<String> started() {
    return new ArrayList<>(starts.keySet());
  }
}
