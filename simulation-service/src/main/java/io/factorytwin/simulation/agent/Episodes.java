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
 * @param weather hourly weather from the episode start
 * @param durationSeconds length of one episode, a whole multiple of the loop step
 * @param options engine steps and series resolution
 */
public record Episodes(
    Hall hall,
    WorkloadTrace trace,
    double loadStartSeconds,
    TransientEngine.Weather weather,
    double durationSeconds,
    TransientEngine.Options options) {

  /** One episode to run: a fresh policy instance and the seed of the load swings. */
  public record Request(Supplier<CoolingPolicy> policy, long seed) {}

  /** Runs one episode on the calling thread. */
  public TransientRun run(CoolingPolicy policy, long seed) {
    TransientLoadGenerator load =
        new TransientLoadGenerator(
            trace, hall.rackCount(), 1, seed, TransientLoadGenerator.Shape.defaults());
    return new TransientEngine(
            hall, load, loadStartSeconds, weather, policy, durationSeconds, options)
        .run(null);
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
        runs.add(run(request.policy().get(), request.seed()));
        afterEach.run();
      }
      return runs;
    }
    List<Future<TransientRun>> futures = new ArrayList<>(requests.size());
    for (Request request : requests) {
      futures.add(executor.submit(() -> run(request.policy().get(), request.seed())));
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
