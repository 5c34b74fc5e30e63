package io.factorytwin.simulation.jobs;

import io.factorytwin.simulation.v1.JobFailure;
import io.factorytwin.simulation.v1.JobResult;
import io.factorytwin.simulation.v1.Series;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The end of a run: a result, or a failure that running again would not fix.
 *
 * @param result the KPIs (one member of {@code result} set) and warnings; the queue fills in the
 *     job name, kind, series descriptions and create time. Null for a failure.
 * @param series the down-sampled series, each with timestamps and values of equal length; empty for
 *     a failure
 * @param failure why the job failed, or null for a result
 * @param write rows to store with the result, or null; see {@link ResultWrite}
 * @param cancelled true when CancelJob ended the run and the result covers the time it ran; the job
 *     becomes CANCELLED with the result
 */
public record JobOutcome(
    JobResult result,
    List<Series> series,
    JobFailure failure,
    ResultWrite write,
    boolean cancelled) {

  /**
   * Rows that belong to a job's result, such as the policy version a training job produced. The
   * queue runs it in the transaction that stores the result and marks the job SUCCEEDED, after it
   * checked that the worker still owns the job, so the rows and the result commit together or not
   * at all.
   */
  @FunctionalInterface
  public interface ResultWrite {
    /**
     * Writes the rows and returns the result to store, which may name what was written.
     *
     * @param jobId the job's id
     */
    JobResult write(Connection connection, String jobId, JobResult result) throws SQLException;
  }

  public JobOutcome {
    if ((result == null) == (failure == null)) {
      throw new IllegalArgumentException("an outcome has either a result or a failure");
    }
    if (cancelled && result == null) {
      throw new IllegalArgumentException("a cancelled outcome carries a result");
    }
    if (write != null && result == null) {
      throw new IllegalArgumentException("only a result can carry rows to write");
    }
    series = List.copyOf(series);
  }

  public JobOutcome(JobResult result, List<Series> series, JobFailure failure) {
    this(result, series, failure, null, false);
  }

  /** Returns the outcome of a run that CancelJob ended, with its result so far. */
  public static JobOutcome cancelled(JobResult result, List<Series> series) {
    return new JobOutcome(result, series, null, null, true);
  }

  public static JobOutcome succeeded(JobResult result, List<Series> series) {
    return new JobOutcome(result, series, null, null, false);
  }

  /** Returns a result whose rows {@code write} stores in the result's transaction. */
  public static JobOutcome succeeded(JobResult result, List<Series> series, ResultWrite write) {
    return new JobOutcome(result, series, null, write, false);
  }

  /**
   * Returns a failure outcome.
   *
   * @param reason an ErrorReason value name without its prefix, such as ENERGY_BALANCE_FAILED
   */
  public static JobOutcome failed(String reason, String message, String subject) {
    return new JobOutcome(
        null,
        List.of(),
        JobFailure.newBuilder().setReason(reason).setMessage(message).setSubject(subject).build(),
        null,
        false);
  }
}
