package io.factorytwin.simulation.jobs;

import io.factorytwin.simulation.v1.Job;
import java.time.Instant;

/** The inputs of one run of a {@link JobRunner}: the job, its deadline and progress reports. */
public interface JobContext {

  /** The job as submitted: its display name and spec, with the name, kind and attempt count. */
  Job job();

  /** Wall-clock time by which the run must end; a run past it fails. */
  Instant deadline();

  /**
   * Records the progress of the run and renews the worker's lease on the job.
   *
   * @param fraction share of the run done, 0.0 to 1.0
   * @param message one sentence on what the run is doing
   * @param simulatedTime the simulated instant the run has reached, or null
   * @throws JobCancelledException when the job was cancelled, the worker lost its lease, the
   *     service is stopping or the deadline has passed. The runner stops and lets it propagate.
   */
  void progress(double fraction, String message, Instant simulatedTime);

  /** Records progress without a simulated time; see {@link #progress(double, String, Instant)}. */
  default void progress(double fraction, String message) {
    progress(fraction, message, null);
  }
}
