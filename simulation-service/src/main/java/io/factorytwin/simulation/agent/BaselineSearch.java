package io.factorytwin.simulation.agent;

import io.factorytwin.simulation.transients.BaselinePolicy;
import io.factorytwin.simulation.transients.TransientRun;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;

/**
 * Finds the fair baseline of an agent evaluation: the reactive controller ({@link BaselinePolicy}
 * with its pump-speed PID on the loop rise) at the highest fixed TCS supply setpoint that keeps
 * every training episode free of GPU minutes over the limit. Bisection over the setpoint, with at
 * most the training job's search budget of candidates, each scored on every training seed.
 */
public final class BaselineSearch {

  /** Bisection stops once the bracket is this narrow, in K. */
  static final double RESOLUTION_K = 0.01;

  /** The setpoint found and what the search cost. */
  public record Outcome(double setpointC, boolean safeFound, int candidates, long episodes) {}

  private BaselineSearch() {}

  /** Returns the baseline policy of a fixed setpoint, with the pump PID of the baseline. */
  public static BaselinePolicy baseline(double setpointC) {
    return BaselinePolicy.pidSpeed(setpointC, BaselinePolicy.DEFAULT_RISE_TARGET_K);
  }

  /**
   * Searches [{@code lowC}, {@code highC}]. When even {@code lowC} is unsafe, returns {@code lowC}
   * with {@code safeFound} false.
   */
  public static Outcome search(
      Episodes episodes,
      long[] seeds,
      int budget,
      double lowC,
      double highC,
      ExecutorService executor,
      Runnable afterEachEpisode) {
    int candidates = 0;
    long[] count = {0};
    Runnable after =
        () -> {
          count[0]++;
          afterEachEpisode.run();
        };
    candidates++;
    if (safe(episodes, seeds, highC, executor, after)) {
      return new Outcome(highC, true, candidates, count[0]);
    }
    if (candidates >= budget) {
      return new Outcome(lowC, false, candidates, count[0]);
    }
    candidates++;
    if (!safe(episodes, seeds, lowC, executor, after)) {
      return new Outcome(lowC, false, candidates, count[0]);
    }
    double safe = lowC;
    double unsafe = highC;
    while (candidates < budget && unsafe - safe > RESOLUTION_K) {
      double mid = 0.5 * (safe + unsafe);
      candidates++;
      if (safe(episodes, seeds, mid, executor, after)) {
        safe = mid;
      } else {
        unsafe = mid;
      }
    }
    return new Outcome(safe, true, candidates, count[0]);
  }

  private static boolean safe(
      Episodes episodes, long[] seeds, double setpointC, ExecutorService executor, Runnable after) {
    List<Episodes.Request> requests = new ArrayList<>(seeds.length);
    for (int i = 0; i < seeds.length; i++) {
      requests.add(
          new Episodes.Request(
              () -> baseline(setpointC), seeds[i], episodes.startOffsetSeconds(i, seeds.length)));
    }
    for (TransientRun run : episodes.runAll(requests, executor, after)) {
      if (run.gpuOverLimitMinutes() > 0) {
        return false;
      }
    }
    return true;
  }
}
