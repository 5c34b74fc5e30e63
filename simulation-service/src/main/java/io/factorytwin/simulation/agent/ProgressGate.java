package io.factorytwin.simulation.agent;

import io.factorytwin.simulation.jobs.JobContext;

/**
 * Passes progress to the job at most about once a second of wall time. Each pass also checks for a
 * cancel, so a search stops within about a second plus one episode.
 */
final class ProgressGate {

  /** Wall time between two reports, in ns; the contract expects about one report a second. */
  static final long INTERVAL_NANOS = 1_000_000_000L;

  private final JobContext context;
  private long last = System.nanoTime();

  ProgressGate(JobContext context) {
    this.context = context;
  }

  void report(double fraction, String message) {
    long now = System.nanoTime();
    if (now - last >= INTERVAL_NANOS) {
      last = now;
      context.progress(Math.max(0.0, Math.min(1.0, fraction)), message);
    }
  }
}
