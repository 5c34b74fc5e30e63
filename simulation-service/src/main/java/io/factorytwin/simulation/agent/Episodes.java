package io.factorytwin.simulation.agent;

import io.factorytwin.simulation.input.TransientLoadGenerator;
import io.factorytwin.simulation.input.WorkloadTrace;
import io.factorytwin.simulation.transients.CoolingPolicy;
import io.factorytwin.simulation.transients.Hall;
import io.factorytwin.simulation.transients.TransientEngine;
import io.factorytwin.simulation.transients.TransientRun;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * The setting shared by the episodes of a policy search or evaluation: one hall, trace, weather,
 * start and length. Episodes differ only in the seed of the load swings and in the policy.
 *
 * <p>Every episode builds its own engine and load generator, and the hall, trace and weather are
 * only read, so episodes may run on several threads at once. Results come back in the order of the
 * requests whatever the thread timing, so a search over them stays deterministic.
 *
 * @param hall the hall
 * @param trace hourly utilization trace
 * @param loadStartSeconds start on the load generator's clock (seconds from the start of the year)
 *     <p>Episodes may start later than the scenario's start, anywhere in a window of whole hours,
 *     so that a search meets the trace's hours across a day and not only one. {@link
 *     #startOffsetSeconds(int, int)} spreads the episodes of a seed list evenly over the window.
 * @param weather hourly weather from the scenario's start, covering the window and one more hour
 * @param durationSeconds length of one episode, a whole multiple of the loop step
 * @param options engine steps and series resolution
 * @param windowSeconds span from the scenario's start in which every episode starts and ends; at
 *     least the duration
 */
public record Episodes(
    Hall hall,
    WorkloadTrace trace,
    double loadStartSeconds,
    TransientEngine.Weather weather,
    double durationSeconds,
    TransientEngine.Options options,
    double windowSeconds) {

  private static final double SECONDS_PER_HOUR = 3600.0;

  public Episodes {
    if (!(windowSeconds >= durationSeconds)) {
      throw new IllegalArgumentException(
          "episode window of "
              + windowSeconds
              + " s is shorter than the episode duration of "
              + durationSeconds
              + " s");
    }
  }

  /** Episodes that all start at the scenario's start. */
  public Episodes(
      Hall hall,
      WorkloadTrace trace,
      double loadStartSeconds,
      TransientEngine.Weather weather,
      double durationSeconds,
      TransientEngine.Options options) {
    this(hall, trace, loadStartSeconds, weather, durationSeconds, options, durationSeconds);
  }

  /**
   * One episode to run: a fresh policy instance, the seed of the load swings and the episode's
   * start after the scenario's start, in seconds and a whole number of hours.
   */
  public record Request(Supplier<CoolingPolicy> policy, long seed, double startOffsetSeconds) {}

  /**
   * Returns the start offset of the episode of the {@code index}-th of {@code count} seeds: the
   * whole hour nearest to {@code index · (window − duration) / (count − 1)}, rounded down where
   * rounding would end the episode past the window. A single seed, or a window no longer than the
   * duration, starts at offset 0.
   */
  public double startOffsetSeconds(int index, int count) {
    if (index < 0 || index >= count) {
      throw new IllegalArgumentException("seed index " + index + " outside 0.." + (count - 1));
    }
    double slack = windowSeconds - durationSeconds;
    if (count == 1 || slack < SECONDS_PER_HOUR) {
      return 0.0;
    }
    double lastStartHours = Math.floor(slack / SECONDS_PER_HOUR);
    double hours = Math.round(index * lastStartHours / (count - 1));
    return Math.min(hours, lastStartHours) * SECONDS_PER_HOUR;
  }

  /**
   * Returns the setting of the one episode that starts {@code startOffsetSeconds} after the
   * scenario's start (a whole hour inside the window), with a window of its own length.
   */
  public Episodes single(double startOffsetSeconds) {
    int firstHour = firstHour(startOffsetSeconds);
    return new Episodes(
        hall,
        trace,
        loadStartSeconds + startOffsetSeconds,
        weather.slice(firstHour, (int) Math.ceil(durationSeconds / SECONDS_PER_HOUR) + 1),
        durationSeconds,
        options);
  }

  /** Runs one episode, started at the scenario's start, on the calling thread. */
  public TransientRun run(CoolingPolicy policy, long seed) {
    return run(policy, seed, 0.0);
  }

  /** Runs one episode on the calling thread, {@code startOffsetSeconds} after the start. */
  public TransientRun run(CoolingPolicy policy, long seed, double startOffsetSeconds) {
    int firstHour = firstHour(startOffsetSeconds);
    TransientLoadGenerator load =
        new TransientLoadGenerator(
            trace, hall.rackCount(), 1, seed, TransientLoadGenerator.Shape.defaults());
    TransientEngine.Weather episodeWeather =
        firstHour == 0
            ? weather
            : weather.slice(firstHour, (int) Math.ceil(durationSeconds / SECONDS_PER_HOUR) + 1);
    return new TransientEngine(
            hall,
            load,
            loadStartSeconds + startOffsetSeconds,
            episodeWeather,
            policy,
            durationSeconds,
            options)
        .run(null);
  }

  /** Returns the hour of the weather at which an episode starts; rejects a bad start offset. */
  private int firstHour(double startOffsetSeconds) {
    int firstHour = (int) Math.round(startOffsetSeconds / SECONDS_PER_HOUR);
    if (firstHour * SECONDS_PER_HOUR != startOffsetSeconds
        || startOffsetSeconds + durationSeconds > windowSeconds) {
      throw new IllegalArgumentException(
          "episode start offset "
              + startOffsetSeconds
              + " s is not a whole hour inside the window of "
              + windowSeconds
              + " s");
    }
    return firstHour;
  }

  /**
   * Runs the episodes on the executor and returns their runs in request order.
   *
   * @param executor the threads; null runs every episode on the calling thread
   * @param afterEach called on the calling thread after each finished episode, in request order; it
   *     may throw to stop, which cancels the episodes not yet started
   */
  public List<TransientRun> runAll(
      List<Request> requests, ExecutorService executor, Runnable afterEach) {
    List<TransientRun> runs = new ArrayList<>(requests.size());
    if (executor == null) {
      for (Request request : requests) {
        runs.add(run(request.policy().get(), request.seed(), request.startOffsetSeconds()));
        afterEach.run();
      }
      return runs;
    }
    List<Future<TransientRun>> futures = new ArrayList<>(requests.size());
    for (Request request : requests) {
      futures.add(
          executor.submit(
              () -> run(request.policy().get(), request.seed(), request.startOffsetSeconds())));
    }
    try {
      for (Future<TransientRun> future : futures) {
        runs.add(future.get());
        afterEach.run();
      }
      return runs;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for an episode", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException("an episode failed", e.getCause());
    } finally {
      for (Future<TransientRun> future : futures) {
        future.cancel(false);
      }
    }
  }
}
