package io.factorytwin.simulation.jobs;

import io.factorytwin.simulation.v1.Job;

/**
 * Runs the jobs of one kind. Implementations are CDI beans; {@link JobRunners} finds them by {@link
 * #kind()}, and a job of a kind without a runner is rejected when it is submitted.
 *
 * <p>A runner calls {@link JobContext#progress} about once a second. That call throws {@link
 * JobCancelledException} when the job was cancelled or the worker lost its lease, and the runner
 * lets that exception propagate. A job may run again after an earlier attempt died, so a runner
 * must not keep state between runs.
 *
 * <p>When two runners name the same kind, the one declared as an enabled CDI {@code @Alternative}
 * wins, so a test can replace a real runner; two plain runners of one kind stop the service at
 * startup.
 */
public interface JobRunner {

  /** The job kind this runner runs. */
  Job.Kind kind();

  /**
   * Runs one job to its end.
   *
   * @return the result of a finished run, or a failure that no retry can fix, such as an energy
   *     balance error. Any other exception counts as a failed attempt, and the job runs again until
   *     it has used its attempts.
   */
  JobOutcome run(JobContext context);

  /**
   * Checks at SubmitJob what the spec refers to, such as the model and the data sets, before the
   * job is stored. The default checks nothing.
   *
   * @throws io.factorytwin.support.error.DomainException when the job cannot run, such as a data
   *     set that does not exist or a model with a rack on no CDU
   */
  default void preflight(Job job) {}
}
