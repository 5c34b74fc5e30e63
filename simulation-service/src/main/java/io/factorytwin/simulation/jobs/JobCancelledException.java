package io.factorytwin.simulation.jobs;

/**
 * Thrown by {@link JobContext#progress} to stop a run. The runner lets it propagate, and the worker
 * records the end that the cause calls for.
 */
public final class JobCancelledException extends RuntimeException {

  /** Reason for stopping a run. */
  public enum Cause {
    /** CancelJob was called; the job becomes CANCELLED. */
    CANCEL_REQUESTED,
    /** Another worker owns the job now; this worker writes nothing more. */
    LEASE_LOST,
    /** The service is shutting down; the job is queued again at once instead of after its lease. */
    WORKER_STOPPING,
    /** The run passed its deadline; the job fails. */
    DEADLINE_EXCEEDED
  }

  private final Cause cause;

  public JobCancelledException(Cause cause, String message) {
    super(message, null, false, false);
    this.cause = cause;
  }

  public Cause stopCause() {
    return cause;
  }
}
