package io.factorytwin.simulation.agent;

import io.factorytwin.simulation.transients.FeedForwardPolicy;
import io.factorytwin.simulation.transients.TransientRun;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;

/**
 * Cross-entropy method over the parameters of {@link FeedForwardPolicy} (Rubinstein and Kroese, The
 * Cross-Entropy Method, Springer 2004): each generation draws candidates from a diagonal Gaussian
 * clipped to a box, scores each on the same episodes, and moves the Gaussian to the mean and spread
 * of the best fifth. Every random draw comes from one {@link SplittableRandom} on the calling
 * thread, and episode results come back in request order, so a search seed gives the same policy
 * whatever the thread count.
 */
public final class PolicySearch {

  /**
   * Objective penalty per minute with a GPU over its limit, in kWh. NOTE: a chosen value. The
   * hottest runs of the reference hall measured about 1,300 kWh of cooling an hour (Phoenix in July
   * at a 45 °C setpoint), so a minute over the limit costs more than three days of cooling and no
   * energy saving can buy an unsafe minute.
   */
  public static final double OVER_LIMIT_PENALTY_KWH_PER_MINUTE = 100_000.0;

  /**
   * Lower bounds of the search box, in the order of {@link FeedForwardPolicy#KEYS}: setpoint 30 °C
   * (the reference design's TCS setpoint, so the agent never starts colder than the design), no
   * load gain, no lead, no filter, the lowest pump speed {@code BaselinePolicy.MIN_PUMP_SPEED}, no
   * pump gain.
   */
  static final double[] LOWER = {30.0, 0.0, 0.0, 0.0, 0.3, 0.0};

  /**
   * Upper bounds: setpoint 60 °C (the contract's highest TCS setpoint), a load gain of 30 K over
   * the full load range (about the GPU rise from idle to full power at 0.03 K/W), a lead of 120 s
   * (several transport delays of the 2 × 7 s loop pipes), a filter of 60 s, and pump terms that
   * reach full speed.
   */
  static final double[] UPPER = {60.0, 30.0, 120.0, 60.0, 1.0, 1.0};

  /** Share of a generation kept as elite. */
  private static final double ELITE_FRACTION = 0.2;

  /** Weight of the new elite statistics against the previous ones in each update. */
  private static final double SMOOTHING = 0.7;

  /** Scores of one candidate over the episodes, averaged per episode. */
  public record Score(
      double[] parameters,
      double objective,
      double coolingKwh,
      double overLimitMinutes,
      double maxGpuC,
      List<TransientRun> runs) {}

  /** The best candidate with the search totals. */
  public record Outcome(Score best, int candidates, long episodes) {}

  /** Receives a call after every episode; it may throw to stop the search. */
  public interface Progress {
    void episodeDone(long episodesDone, long episodesPlanned, int candidatesDone, Score best);
  }

  private PolicySearch() {}

  /**
   * Searches the box.
   *
   * @param seeds the episodes' seeds, one episode per entry
   * @param budget maximum number of candidates
   */
  public static Outcome search(
      Episodes episodes,
      long[] seeds,
      int budget,
      long searchSeed,
      ExecutorService executor,
      Progress progress) {
    int dimensions = LOWER.length;
    int population = Math.max(1, Math.min(budget, Math.max(8, (int) Math.ceil(budget / 8.0))));
    population = Math.min(population, 24);
    int elite = Math.max(1, (int) Math.round(population * ELITE_FRACTION));
    double[] mean = new double[dimensions];
    double[] deviation = new double[dimensions];
    for (int d = 0; d < dimensions; d++) {
      mean[d] = 0.5 * (LOWER[d] + UPPER[d]);
      deviation[d] = 0.5 * (UPPER[d] - LOWER[d]);
    }
    SplittableRandom random = new SplittableRandom(searchSeed);
    Score best = null;
    int evaluated = 0;
    long episodesRun = 0;
    long planned = (long) budget * seeds.length;
    while (evaluated < budget) {
      int count = Math.min(population, budget - evaluated);
      List<double[]> candidates = new ArrayList<>(count);
      for (int k = 0; k < count; k++) {
        double[] x = new double[dimensions];
        for (int d = 0; d < dimensions; d++) {
          x[d] = clip(mean[d] + deviation[d] * gaussian(random), LOWER[d], UPPER[d]);
        }
        candidates.add(x);
      }
      List<Episodes.Request> requests = new ArrayList<>(count * seeds.length);
      for (double[] x : candidates) {
        for (int i = 0; i < seeds.length; i++) {
          requests.add(
              new Episodes.Request(
                  () -> new FeedForwardPolicy(x),
                  seeds[i],
                  episodes.startOffsetSeconds(i, seeds.length)));
        }
      }
      long before = episodesRun;
      int doneBefore = evaluated;
      Score bestSoFar = best;
      long[] finished = {0};
      List<TransientRun> runs =
          episodes.runAll(
              requests,
              executor,
              () -> {
                finished[0]++;
                progress.episodeDone(
                    before + finished[0],
                    planned,
                    doneBefore + (int) (finished[0] / seeds.length),
                    bestSoFar);
              });
      episodesRun += runs.size();
      List<Score> scores = new ArrayList<>(count);
      for (int k = 0; k < count; k++) {
        scores.add(
            score(candidates.get(k), runs.subList(k * seeds.length, (k + 1) * seeds.length)));
      }
      evaluated += count;
      // Stable sort: ties keep draw order, so the result does not depend on thread timing.
      List<Score> ranked = new ArrayList<>(scores);
      ranked.sort(Comparator.comparingDouble(Score::objective));
      if (best == null || ranked.getFirst().objective() < best.objective()) {
        best = ranked.getFirst();
      }
      int keep = Math.min(elite, ranked.size());
      for (int d = 0; d < dimensions; d++) {
        double m = 0;
        for (int k = 0; k < keep; k++) {
          m += ranked.get(k).parameters()[d];
        }
        m /= keep;
        double v = 0;
        for (int k = 0; k < keep; k++) {
          double e = ranked.get(k).parameters()[d] - m;
          v += e * e;
        }
        double s = Math.sqrt(v / keep);
        mean[d] = SMOOTHING * m + (1 - SMOOTHING) * mean[d];
        // A floor of 1 % of the box keeps the search from collapsing before the budget ends.
        deviation[d] =
            Math.max(0.01 * (UPPER[d] - LOWER[d]), SMOOTHING * s + (1 - SMOOTHING) * deviation[d]);
      }
    }
    return new Outcome(best, evaluated, episodesRun);
  }

  /** Scores a policy's runs: means per episode, and the objective over them. */
  public static Score score(double[] parameters, List<TransientRun> runs) {
    double cooling = 0;
    double over = 0;
    double max = Double.NEGATIVE_INFINITY;
    for (TransientRun run : runs) {
      cooling += run.coolingEnergyJ() / 3.6e6;
      over += run.gpuOverLimitMinutes();
      max = Math.max(max, run.maxGpuTemperatureC());
    }
    cooling /= runs.size();
    over /= runs.size();
    double objective = cooling + OVER_LIMIT_PENALTY_KWH_PER_MINUTE * over;
    return new Score(parameters.clone(), objective, cooling, over, max, List.copyOf(runs));
  }

  private static double gaussian(SplittableRandom random) {
    // Box-Muller, so the draws depend only on nextDouble's specified sequence.
    double u = 1.0 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2.0 * Math.PI * v);
  }

  private static double clip(double value, double low, double high) {
    return Math.max(low, Math.min(high, value));
  }
}
