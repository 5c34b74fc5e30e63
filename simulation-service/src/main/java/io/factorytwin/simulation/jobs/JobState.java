package io.factorytwin.simulation.jobs;

import io.factorytwin.simulation.v1.Job;

/** The lifecycle state of a job as stored in {@code job.state}. */
public enum JobState {
  QUEUED(Job.State.STATE_QUEUED),
  RUNNING(Job.State.STATE_RUNNING),
  SUCCEEDED(Job.State.STATE_SUCCEEDED),
  FAILED(Job.State.STATE_FAILED),
  CANCELLED(Job.State.STATE_CANCELLED);

  private final Job.State proto;

  JobState(Job.State proto) {
    this.proto = proto;
  }

  public Job.State proto() {
    return proto;
  }

  /** Returns whether the state is terminal, so the job never changes again. */
  public boolean isTerminal() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED;
  }
}
