package io.factorytwin.simulation.jobs;

import io.factorytwin.simulation.v1.Job;
import java.time.Instant;

/**
 * One row of the {@code job} table.
 *
 * @param submitted the job as submitted: display name and spec only
 * @param version the change number, which is the etag and the WatchJob sequence
 * @param leaseOwner the worker that runs the job, or null while it is not RUNNING
 * @param leaseExpiry when the owner's claim ends unless renewed, or null
 * @param progressFraction share done, or null before the first progress report
 */
public record JobRecord(
    String id,
    Job.Kind kind,
    JobState state,
    Job submitted,
    String creator,
    String requestId,
    String requestHash,
    long version,
    int attemptCount,
    String leaseOwner,
    Instant leaseExpiry,
    boolean cancelRequested,
    Double progressFraction,
    String progressMessage,
    Instant progressSimulatedTime,
    Instant progressTime,
    String failureReason,
    String failureMessage,
    String failureSubject,
    Instant createTime,
    Instant updateTime,
    Instant startTime,
    Instant endTime) {

  /** Returns the resource name, {@code jobs/{job}}. */
  public String name() {
    return "jobs/" + id;
  }

  /** Returns the etag that clients send back to CancelJob. */
  public String etag() {
    return "\"" + version + "\"";
  }
}
