package io.factorytwin.simulation.agent;

import io.factorytwin.simulation.transients.BaselinePolicy;
import io.factorytwin.simulation.transients.TransientRun;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;

/**
 * Finds the fair baseline of an agent evaluation: the reactive controller ({@link BaselinePolicy}
 * with its pump-speed PID on the loop rise) with the two fixed setpoints it has, the TCS supply
 * temperature and the pump PID's rise target, chosen with the training job's search budget.
 *
 * <p>Both setpoints trade against each other because coolant flow changes GPU temperature: a
 * smaller rise runs the pumps faster and lets the supply setpoint go warmer. So the search spreads
 * the budget over a grid of rise targets. For each it bisects the supply setpoint for the highest
 * one that keeps every training episode free of GPU minutes over the limit. It keeps the safe pair
 * with the least cooling energy on the training episodes.
 */
public final class BaselineSearch {

  /** Bisection stops once the bracket is this narrow, in K. */
  static final double RESOLUTION_K = 0.01;

  /**
   * Lowest rise target tried, in K. CDU designs run 8 to 12 K (vendor literature, secondary). The
   * grid goes well below that range because a baseline may trade pump energy for a warmer supply.
   */
  static final double LOWEST_RISE_K = 3.0;

  /** Highest rise target tried, in K: the top of the 8 to 12 K loop rise of CDU designs. */
  static final double HIGHEST_RISE_K = 12.0;

  /**
   * Candidates one bisection takes to narrow the policy search's setpoint range of 30 K to {@link
   * #RESOLUTION_K}: both ends and ⌈log2(30 / 0.01)⌉ = 12 midpoints. With fewer than two such
   * bisections in the budget, the search keeps {@link BaselinePolicy#DEFAULT_RISE_TARGET_K}.
   */
  static final int CANDIDATES_PER_RISE = 14;

  /**
   * The setpoints found and what the search cost.
   *
   * @param setpointC the TCS supply setpoint, in °C
   * @param riseTargetK the pump PID's rise target, in K
   * @param safeFound false when no candidate was safe; the setpoints are then the lowest tried
   * @param candidates setpoint pairs scored
   * @param episodes episodes run
   * @param trainingCoolingEnergyJ cooling energy of the pair on the training episodes, in J; NaN
   *     when no pair was safe
   */
  public record Outcome(
      double setpointC,
      double riseTargetK,
      boolean safeFound,
      int candidates,
      long episodes,
      double trainingCoolingEnergyJ) {}

  private BaselineSearch() {}

  /** Returns the baseline policy of a supply setpoint and a pump PID rise target. */
  public static BaselinePolicy baseline(double setpointC, double riseTargetK) {
    return BaselinePolicy.pidSpeed(setpointC, riseTargetK);
  }

  /**
   * Searches supply setpoints in [{@code lowC}, {@code highC}] and rise targets in [{@link
   * #LOWEST_RISE_K}, {@link #HIGHEST_RISE_K}] with at most {@code budget} candidates. When even
   * {@code lowC} is unsafe at every rise tried, returns {@code lowC} with {@code safeFound} false.
   */
  public static Outcome search(
      Episodes episodes,
      long[] seeds,
      int budget,
      double lowC,
      double highC,
      ExecutorService executor,
      Runnable afterEachEpisode) {
    long[] count = {0};
    Runnable after =
        () -> {
          count[0]++;
          afterEachEpisode.run();
        };
    double[] rises = riseTargets(budget);
    int used = 0;
    Bisection best = null;
    for (int k = 0; k < rises.length; k++) {
      int share = (budget - used) / (rises.length - k);
      Bisection b = bisect(episodes, seeds, share, lowC, highC, rises[k], executor, after);
      used += b.candidates;
      if (b.safeFound && (best == null || b.energyJ < best.energyJ)) {
        best = b;
      }
    }
    if (best == null) {
      return new Outcome(
          lowC, BaselinePolicy.DEFAULT_RISE_TARGET_K, false, used, count[0], Double.NaN);
    }
    return new Outcome(best.setpointC, best.riseK, true, used, count[0], best.energyJ);
  }

  /** Returns the rise targets a budget pays for, evenly spaced, highest first. */
  static double[] riseTargets(int budget) {
    int n = budget / CANDIDATES_PER_RISE;
    if (n < 2) {
      return new double[] {BaselinePolicy.DEFAULT_RISE_TARGET_K};
    }
    double[] rises = new double[n];
    for (int k = 0; k < n; k++) {
      rises[k] = HIGHEST_RISE_K - (HIGHEST_RISE_K - LOWEST_RISE_K) * k / (n - 1);
    }
    return rises;
  }

  /** One bisection's result; {@code energyJ} is NaN when no setpoint was safe. */
  record Bisection(
      double setpointC, double riseK, boolean safeFound, int candidates, double energyJ) {}

  /** Bisects the supply setpoint at one rise target with at most {@code budget} candidates. */
  static Bisection bisect(
      Episodes episodes,
      long[] seeds,
      int budget,
      double lowC,
      double highC,
      double riseK,
      ExecutorService executor,
      Runnable after) {
    int candidates = 1;
    double energy = score(episodes, seeds, highC, riseK, executor, after);
    if (!Double.isNaN(energy)) {
      return new Bisection(highC, riseK, true, candidates, energy);
    }
    if (candidates >= budget) {
      return new Bisection(lowC, riseK, false, candidates, Double.NaN);
    }
    candidates++;
    double safeEnergy = score(episodes, seeds, lowC, riseK, executor, after);
    if (Double.isNaN(safeEnergy)) {
      return new Bisection(lowC, riseK, false, candidates, Double.NaN);
    }
    double safe = lowC;
    double unsafe = highC;
    while (candidates < budget && unsafe - safe > RESOLUTION_K) {
      double mid = 0.5 * (safe + unsafe);
      candidates++;
      energy = score(episodes, seeds, mid, riseK, executor, after);
      if (Double.isNaN(energy)) {
        unsafe = mid;
      } else {
        safe = mid;
        safeEnergy = energy;
      }
    }
    return new Bisection(safe, riseK, true, candidates, safeEnergy);
  }

  /**
   * Returns the cooling energy of a setpoint pair summed over the episodes, in J, or NaN when any
   * episode has a GPU minute over the limit.
   */
  private static double score(
      Episodes episodes,
      long[] seeds,
      double setpointC,
      double riseK,
      ExecutorService executor,
      Runnable after) {
    List<Episodes.Request> requests = new ArrayList<>(seeds.length);
    for (int i = 0; i < seeds.length; i++) {
      requests.add(
          new Episodes.Request(
              () -> baseline(setpointC, riseK),
              seeds[i],
              episodes.startOffsetSeconds(i, seeds.length)));
    }
    double energy = 0;
    for (TransientRun run : episodes.runAll(requests, executor, after)) {
      if (run.gpuOverLimitMinutes() > 0) {
        return Double.NaN;
      }
      energy += run.coolingEnergyJ();
    }
    return energy;
  }
}
