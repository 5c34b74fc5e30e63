package io.factorytwin.simulation.input;

import java.util.SplittableRandom;

/**
 * Second-scale rack utilization on top of an hourly {@link WorkloadTrace}, for transient runs.
 *
 * <p>Three shapes are laid over the hourly level {@code L} (the trace value of the hour that
 * contains {@code t}). Racks are grouped into training jobs of {@code racksPerJob} consecutive
 * racks. The racks of one job move in lockstep, as the GPUs of one synchronous training job do, and
 * each job has its own random frequency and phases:
 *
 * <ul>
 *   <li>Training iterations: a rack alternates compute with communication and synchronization, so
 *       its power swings once per iteration. The swing is a raised cosine that takes the level from
 *       {@code L} down to {@code L × (1 − amplitude)} and back, at a frequency drawn per job from
 *       0.2 to 3 Hz, the band in which AI training power swings most (arXiv 2508.14318).
 *   <li>Job starts: once per job period each rack waits at the idle level (default 0.2) for the
 *       start delay, then steps at once to the running level {@code L}; with a trace at 1.0 this is
 *       a step from 20 % to 100 %.
 *   <li>Checkpoint dips: every checkpoint interval the rack drops to the idle level for the
 *       checkpoint duration while it writes its state, then returns.
 * </ul>
 *
 * <p>All randomness is drawn once, in the constructor, from a {@link SplittableRandom} seeded by
 * the caller, so one seed always gives the same series and {@link #utilization(int, double)} can be
 * evaluated at any time in any order without allocating. Values stay in [0, 1].
 *
 * <p>The hourly mean of the result is below the trace value, by about {@code amplitude / 2} of it
 * plus the idle and checkpoint time, because the trace is taken as the compute peak.
 */
public final class TransientLoadGenerator {

  /**
   * Shape parameters.
   *
   * @param iterationAmplitude fraction of the running level lost at the bottom of an iteration
   *     swing, 0..1
   * @param minIterationHz lowest iteration frequency drawn, above 0
   * @param maxIterationHz highest iteration frequency drawn, at least {@code minIterationHz}
   * @param idleUtilization level of a rack between jobs and during checkpoints, 0..1
   * @param jobPeriodSeconds time from one job start of a rack to the next, above 0
   * @param jobStartDelaySeconds idle time before each job start, 0 to the job period
   * @param checkpointIntervalSeconds time between checkpoints of a rack, above 0
   * @param checkpointSeconds duration of a checkpoint dip, 0 to the checkpoint interval
   */
  public record Shape(
      double iterationAmplitude,
      double minIterationHz,
      double maxIterationHz,
      double idleUtilization,
      double jobPeriodSeconds,
      double jobStartDelaySeconds,
      double checkpointIntervalSeconds,
      double checkpointSeconds) {

    public Shape {
      require(iterationAmplitude >= 0 && iterationAmplitude <= 1, "iteration amplitude in 0..1");
      require(minIterationHz > 0 && maxIterationHz >= minIterationHz, "0 < min Hz <= max Hz");
      require(idleUtilization >= 0 && idleUtilization <= 1, "idle utilization in 0..1");
      require(jobPeriodSeconds > 0, "job period above 0 s");
      require(
          jobStartDelaySeconds >= 0 && jobStartDelaySeconds <= jobPeriodSeconds,
          "job start delay from 0 to the job period");
      require(checkpointIntervalSeconds > 0, "checkpoint interval above 0 s");
      require(
          checkpointSeconds >= 0 && checkpointSeconds <= checkpointIntervalSeconds,
          "checkpoint duration from 0 to the checkpoint interval");
    }

    /**
     * Returns the default shape: swings of 30 % at 0.2 to 3 Hz, an idle level of 20 %, one job
     * start an hour after 60 s idle, and a 20 s checkpoint every 10 minutes. The band is the one
     * reported in arXiv 2508.14318; the other values are chosen defaults, not measurements.
     */
    public static Shape defaults() {
      return new Shape(0.3, 0.2, 3.0, 0.2, 3600.0, 60.0, 600.0, 20.0);
    }

    private static void require(boolean condition, String rule) {
      if (!condition) {
        throw new IllegalArgumentException("transient load shape needs " + rule);
      }
    }
  }

  private final WorkloadTrace trace;
  private final Shape shape;
  private final int racks;
  private final int racksPerJob;
  private final double[] angularFrequency;
  private final double[] phase;
  private final double[] jobOffsetSeconds;
  private final double[] checkpointOffsetSeconds;

  /**
   * Creates a generator in which every rack runs its own job, so no two racks swing in lockstep.
   *
   * @param trace the hourly utilization; time 0 is hour 0 of the trace
   * @param racks number of racks, at least 1
   * @param seed seed of the random draws; the same seed gives the same series
   */
  public TransientLoadGenerator(WorkloadTrace trace, int racks, long seed, Shape shape) {
    this(trace, racks, 1, seed, shape);
  }

  /**
   * Creates a generator whose racks are grouped into jobs.
   *
   * @param trace the hourly utilization; time 0 is hour 0 of the trace
   * @param racks number of racks, at least 1
   * @param racksPerJob racks of one training job, at least 1; rack {@code r} belongs to job {@code
   *     r / racksPerJob}, and a value of at least {@code racks} puts the whole hall in one job
   * @param seed seed of the random draws; the same seed gives the same series
   */
  public TransientLoadGenerator(
      WorkloadTrace trace, int racks, int racksPerJob, long seed, Shape shape) {
    if (racks < 1 || racksPerJob < 1) {
      throw new IllegalArgumentException(
          "racks and racks per job must be at least 1: " + racks + ", " + racksPerJob);
    }
    this.trace = trace;
    this.shape = shape;
    this.racks = racks;
    this.racksPerJob = racksPerJob;
    int jobs = (racks - 1) / racksPerJob + 1;
    this.angularFrequency = new double[jobs];
    this.phase = new double[jobs];
    this.jobOffsetSeconds = new double[jobs];
    this.checkpointOffsetSeconds = new double[jobs];
    SplittableRandom random = new SplittableRandom(seed);
    // Jobs draw in order, so the first jobs keep their values when more racks are added.
    for (int job = 0; job < jobs; job++) {
      double hz =
          shape.minIterationHz() == shape.maxIterationHz()
              ? shape.minIterationHz()
              : random.nextDouble(shape.minIterationHz(), shape.maxIterationHz());
      angularFrequency[job] = 2 * Math.PI * hz;
      phase[job] = random.nextDouble(0, 2 * Math.PI);
      jobOffsetSeconds[job] = random.nextDouble(0, shape.jobPeriodSeconds());
      checkpointOffsetSeconds[job] = random.nextDouble(0, shape.checkpointIntervalSeconds());
    }
  }

  /** Number of racks the generator was built for. */
  public int racks() {
    return racks;
  }

  /** Returns the iteration frequency in Hz of the job that a rack belongs to. */
  public double iterationFrequencyHz(int rack) {
    return angularFrequency[rack / racksPerJob] / (2 * Math.PI);
  }

  /** Returns the utilization, 0..1, of a rack at {@code tSeconds} after hour 0 of the trace. */
  public double utilization(int rack, double tSeconds) {
    double level = trace.utilization((int) Math.floor(tSeconds / 3600.0));
    return utilization(rack, tSeconds, level);
  }

  /**
   * Writes the utilization of every rack at {@code tSeconds} into {@code out}, which needs at least
   * {@link #racks()} elements.
   */
  public void fill(double tSeconds, double[] out) {
    double level = trace.utilization((int) Math.floor(tSeconds / 3600.0));
    for (int rack = 0; rack < racks; rack++) {
      out[rack] = utilization(rack, tSeconds, level);
    }
  }

  /** Returns the shape the generator was built with. */
  public Shape shape() {
    return shape;
  }

  /** Returns the hourly trace level, 0..1, of the hour that contains {@code tSeconds}. */
  public double level(double tSeconds) {
    return trace.utilization((int) Math.floor(tSeconds / 3600.0));
  }

  /** Returns the iteration angular frequency in rad/s of the job that a rack belongs to. */
  public double angularFrequency(int rack) {
    return angularFrequency[rack / racksPerJob];
  }

  /**
   * Returns the phase in rad of a rack's iteration swing: the swing term is {@code cos(ω·t +
   * phase)}, so a caller can follow it analytically between samples.
   */
  public double phase(int rack) {
    return phase[rack / racksPerJob];
  }

  /**
   * Returns whether a rack is running its job at {@code tSeconds}: neither waiting before a job
   * start nor writing a checkpoint. A running rack follows the iteration swing; another one sits at
   * the idle level.
   */
  public boolean running(int rack, double tSeconds) {
    int job = rack / racksPerJob;
    double sinceJobStart =
        positiveRemainder(tSeconds - jobOffsetSeconds[job], shape.jobPeriodSeconds());
    if (sinceJobStart < shape.jobStartDelaySeconds()) {
      return false;
    }
    double sinceCheckpoint =
        positiveRemainder(
            tSeconds - checkpointOffsetSeconds[job], shape.checkpointIntervalSeconds());
    return sinceCheckpoint >= shape.checkpointSeconds();
  }

  /**
   * Returns the earliest time after {@code tSeconds} at which {@link #running} of the rack can
   * change: the next job start or end of its start delay, or the next checkpoint start or end. Hour
   * boundaries, where the trace level changes, are not included.
   */
  public double nextChangeSeconds(int rack, double tSeconds) {
    int job = rack / racksPerJob;
    double sinceJobStart =
        positiveRemainder(tSeconds - jobOffsetSeconds[job], shape.jobPeriodSeconds());
    double toJob =
        sinceJobStart < shape.jobStartDelaySeconds()
            ? shape.jobStartDelaySeconds() - sinceJobStart
            : shape.jobPeriodSeconds() - sinceJobStart;
    double sinceCheckpoint =
        positiveRemainder(
            tSeconds - checkpointOffsetSeconds[job], shape.checkpointIntervalSeconds());
    double toCheckpoint =
        sinceCheckpoint < shape.checkpointSeconds()
            ? shape.checkpointSeconds() - sinceCheckpoint
            : shape.checkpointIntervalSeconds() - sinceCheckpoint;
    // A time that sits on a boundary up to rounding must move to the following boundary, or a
    // caller that steps from change to change would stand still.
    double slack = 1e-6;
    if (toJob < slack) {
      toJob +=
          sinceJobStart < shape.jobStartDelaySeconds()
              ? shape.jobPeriodSeconds() - shape.jobStartDelaySeconds()
              : shape.jobStartDelaySeconds() > slack
                  ? shape.jobStartDelaySeconds()
                  : shape.jobPeriodSeconds();
    }
    if (toCheckpoint < slack) {
      toCheckpoint +=
          sinceCheckpoint < shape.checkpointSeconds()
              ? shape.checkpointIntervalSeconds() - shape.checkpointSeconds()
              : shape.checkpointSeconds() > slack
                  ? shape.checkpointSeconds()
                  : shape.checkpointIntervalSeconds();
    }
    return tSeconds + Math.min(toJob, toCheckpoint);
  }

  private double utilization(int rack, double tSeconds, double level) {
    int job = rack / racksPerJob;
    double idle = Math.min(shape.idleUtilization(), level);
    double sinceJobStart =
        positiveRemainder(tSeconds - jobOffsetSeconds[job], shape.jobPeriodSeconds());
    if (sinceJobStart < shape.jobStartDelaySeconds()) {
      return idle;
    }
    double sinceCheckpoint =
        positiveRemainder(
            tSeconds - checkpointOffsetSeconds[job], shape.checkpointIntervalSeconds());
    if (sinceCheckpoint < shape.checkpointSeconds()) {
      return idle;
    }
    double swing = 0.5 * (1 - Math.cos(angularFrequency[job] * tSeconds + phase[job]));
    double value = level * (1 - shape.iterationAmplitude() * swing);
    return Math.min(1.0, Math.max(0.0, value));
  }

  private static double positiveRemainder(double value, double period) {
    double remainder = value % period;
    return remainder < 0 ? remainder + period : remainder;
  }
}
