package io.factorytwin.simulation.jobs;

import io.factorytwin.simulation.v1.Job;
import io.factorytwin.simulation.v1.JobFailure;
import io.factorytwin.simulation.v1.JobResult;
import io.factorytwin.simulation.v1.Series;
import io.factorytwin.simulation.v1.SeriesInfo;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The worker threads of this instance. Each thread claims one job at a time from the queue in the
 * database, runs it with the runner of its kind and records the end. A heartbeat thread renews the
 * lease of every job this instance runs, so a long step between two progress reports does not cost
 * the lease. A worker that dies stops renewing, and another worker claims the job once its lease
 * has expired.
 */
@ApplicationScoped
public class JobWorkers {

  /** Consecutive failed polls between two log lines while the database stays unreachable. */
  private static final int POLL_FAILURES_PER_LOG = 60;

  private final JobStore store;
  private final JobRunners runners;
  private final int workerCount;
  private final Duration lease;
  private final Duration heartbeatInterval;
  private final Duration pollInterval;
  private final Duration maxRunTime;
  private final int maxAttempts;

  /** Prefix of this instance's lease owners; each thread appends its number. */
  private final String instance = UUID.randomUUID().toString();

  /** The jobs this instance runs, by id, with the owner that claimed each. */
  private final Map<String, String> running = new ConcurrentHashMap<>();

  private final List<Thread> threads = new ArrayList<>();
  private ScheduledExecutorService heartbeat;
  private volatile boolean stopping;

  JobWorkers(
      JobStore store,
      JobRunners runners,
      @ConfigProperty(name = "simulation.jobs.workers") int workerCount,
      @ConfigProperty(name = "simulation.jobs.lease") Duration lease,
      @ConfigProperty(name = "simulation.jobs.heartbeat-interval") Duration heartbeatInterval,
      @ConfigProperty(name = "simulation.jobs.poll-interval") Duration pollInterval,
      @ConfigProperty(name = "simulation.jobs.max-run-time") Duration maxRunTime,
      @ConfigProperty(name = "simulation.jobs.max-attempts") int maxAttempts) {
    if (heartbeatInterval.compareTo(lease) >= 0) {
      throw new IllegalArgumentException(
          "simulation.jobs.heartbeat-interval ("
              + heartbeatInterval
              + ") must be shorter than simulation.jobs.lease ("
              + lease
              + ")");
    }
    this.store = store;
    this.runners = runners;
    this.workerCount = workerCount;
    this.lease = lease;
    this.heartbeatInterval = heartbeatInterval;
    this.pollInterval = pollInterval;
    this.maxRunTime = maxRunTime;
    this.maxAttempts = maxAttempts;
  }

  void start(@Observes StartupEvent event) {
    if (workerCount <= 0) {
      Log.info("job workers are off (simulation.jobs.workers=0)");
      return;
    }
    heartbeat =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("job-heartbeat").daemon().factory());
    heartbeat.scheduleWithFixedDelay(
        this::renewLeases,
        heartbeatInterval.toMillis(),
        heartbeatInterval.toMillis(),
        TimeUnit.MILLISECONDS);
    for (int i = 0; i < workerCount; i++) {
      String owner = instance + "/" + i;
      threads.add(Thread.ofPlatform().name("job-worker-" + i).daemon().start(() -> loop(owner)));
    }
    Log.infof(
        "%d job workers started: lease %s, heartbeat every %s, at most %d attempts per job",
        workerCount, lease, heartbeatInterval, maxAttempts);
  }

  void stop(@Observes ShutdownEvent event) {
    stopping = true;
    threads.forEach(Thread::interrupt);
    for (Thread thread : threads) {
      try {
        if (!thread.join(Duration.ofSeconds(5))) {
          Log.warnf("%s did not stop within 5 s; its job is claimed again after its lease", thread);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (heartbeat != null) {
      heartbeat.shutdownNow();
    }
  }

  /** Claims and runs jobs until the service stops; runs on a worker thread. */
  private void loop(String owner) {
    int failedPolls = 0;
    while (!stopping) {
      JobRecord job;
      try {
        job = store.claim(owner, lease, maxAttempts);
        if (failedPolls > 0) {
          Log.infof(
              "job worker %s reads the queue again after %d failed polls", owner, failedPolls);
          failedPolls = 0;
        }
      } catch (RuntimeException e) {
        if (failedPolls++ % POLL_FAILURES_PER_LOG == 0) {
          Log.warnf(
              e,
              "job worker %s cannot read the queue (%d failed polls in a row)",
              owner,
              failedPolls);
        }
        job = null;
      }
      if (job == null) {
        try {
          Thread.sleep(pollInterval);
        } catch (InterruptedException e) {
          return;
        }
        continue;
      }
      running.put(job.id(), owner);
      try {
        run(job, owner);
      } catch (RuntimeException e) {
        // The database failed while recording the end; the lease expires and the job runs again.
        Log.errorf(e, "job worker %s could not record the end of %s", owner, job.name());
      } finally {
        running.remove(job.id());
      }
    }
  }

  /** Runs one claimed job and records how it ended, unless the worker lost its lease. */
  void run(JobRecord job, String owner) {
    JobRunner runner = runners.find(job.kind()).orElse(null);
    if (runner == null) {
      // Submit rejects kinds without a runner, so only a server with fewer runners than the one
      // that queued the job gets here.
      record(
          job,
          owner,
          store.stop(
              job.id(),
              owner,
              JobState.FAILED,
              failure("NOT_IMPLEMENTED", "this server has no runner for " + job.kind())));
      return;
    }
    Log.infof("job worker %s runs %s, attempt %d", owner, job.name(), job.attemptCount());
    Context context = new Context(job, owner, JobStore.now().plus(maxRunTime));
    JobOutcome outcome;
    try {
      outcome = runner.run(context);
    } catch (JobCancelledException e) {
      switch (e.stopCause()) {
        case CANCEL_REQUESTED ->
            record(job, owner, store.stop(job.id(), owner, JobState.CANCELLED, null));
        case LEASE_LOST -> Log.warnf("job worker %s lost the lease of %s", owner, job.name());
        case WORKER_STOPPING -> record(job, owner, store.release(job.id(), owner));
        case DEADLINE_EXCEEDED ->
            record(
                job,
                owner,
                store.stop(job.id(), owner, JobState.FAILED, failure("INTERNAL", e.getMessage())));
      }
      return;
    } catch (RuntimeException e) {
      Log.errorf(e, "runner of %s failed on attempt %d", job.name(), job.attemptCount());
      JobFailure failure =
          failure(
              "INTERNAL",
              "the run failed on each of "
                  + job.attemptCount()
                  + " attempts; the last error: "
                  + e);
      record(job, owner, store.retryOrFail(job.id(), owner, maxAttempts, failure));
      return;
    }
    if (outcome.failure() != null) {
      record(job, owner, store.stop(job.id(), owner, JobState.FAILED, outcome.failure()));
      return;
    }
    JobResult result;
    try {
      result = complete(job, outcome);
    } catch (IllegalStateException e) {
      // A runner bug, such as a series with more timestamps than values, counts as a failed run.
      Log.errorf(
          e,
          "runner of %s returned an invalid result on attempt %d",
          job.name(),
          job.attemptCount());
      record(
          job,
          owner,
          store.retryOrFail(job.id(), owner, maxAttempts, failure("INTERNAL", e.getMessage())));
      return;
    }
    if (outcome.cancelled()) {
      record(job, owner, store.cancelWithResult(job.id(), owner, result, outcome.series()));
      return;
    }
    record(job, owner, store.succeed(job.id(), owner, result, outcome.series(), outcome.write()));
  }

  private static void record(JobRecord job, String owner, boolean written) {
    if (!written) {
      Log.warnf(
          "job worker %s no longer owns %s; the end of its run was not recorded",
          owner, job.name());
    }
  }

  /** Adds the job name, kind, series descriptions and create time to a runner's result. */
  private static JobResult complete(JobRecord job, JobOutcome outcome) {
    JobResult.Builder result =
        outcome.result().toBuilder()
            .setJob(job.name())
            .setKind(job.kind())
            .setCreateTime(io.factorytwin.simulation.mapping.JobMapper.timestamp(JobStore.now()))
            .clearSeries();
    for (Series series : outcome.series()) {
      if (series.getTimestampsCount() != series.getValuesCount()) {
        throw new IllegalStateException(
            "series "
                + series.getName()
                + " of "
                + job.name()
                + " has "
                + series.getTimestampsCount()
                + " timestamps but "
                + series.getValuesCount()
                + " values");
      }
      SeriesInfo.Builder info =
          SeriesInfo.newBuilder()
              .setName(series.getName())
              .putAllLabels(series.getLabelsMap())
              .setUnit(series.getUnit())
              .setPointCount(series.getValuesCount());
      if (series.getTimestampsCount() > 0) {
        info.setStartTime(series.getTimestamps(0))
            .setEndTime(series.getTimestamps(series.getTimestampsCount() - 1));
      }
      if (series.getTimestampsCount() > 1) {
        com.google.protobuf.Timestamp first = series.getTimestamps(0);
        com.google.protobuf.Timestamp second = series.getTimestamps(1);
        long nanos =
            (second.getSeconds() - first.getSeconds()) * 1_000_000_000L
                + second.getNanos()
                - first.getNanos();
        info.setResolution(
            com.google.protobuf.Duration.newBuilder()
                .setSeconds(nanos / 1_000_000_000L)
                .setNanos((int) (nanos % 1_000_000_000L)));
      }
      result.addSeries(info);
    }
    return result.build();
  }

  private static JobFailure failure(String reason, String message) {
    return JobFailure.newBuilder().setReason(reason).setMessage(message).build();
  }

  /** Renews the lease of every job this instance runs; runs on the heartbeat thread. */
  private void renewLeases() {
    for (Map.Entry<String, String> entry : running.entrySet()) {
      try {
        if (!store.renew(entry.getKey(), entry.getValue(), lease)) {
          Log.debugf(
              "lease of jobs/%s was not renewed: the worker no longer owns it", entry.getKey());
        }
      } catch (RuntimeException e) {
        Log.warnf("renewing the lease of jobs/%s failed: %s", entry.getKey(), e.toString());
      }
    }
  }

  /** The context of one run: progress reports go to the store under the worker's lease. */
  private final class Context implements JobContext {
    private final Job job;
    private final String id;
    private final String owner;
    private final Instant deadline;

    Context(JobRecord record, String owner, Instant deadline) {
      this.job = io.factorytwin.simulation.mapping.JobMapper.toProto(record);
      this.id = record.id();
      this.owner = owner;
      this.deadline = deadline;
    }

    @Override
    public Job job() {
      return job;
    }

    @Override
    public Instant deadline() {
      return deadline;
    }

    @Override
    public void progress(double fraction, String message, Instant simulatedTime) {
      if (stopping || Thread.currentThread().isInterrupted()) {
        throw new JobCancelledException(
            JobCancelledException.Cause.WORKER_STOPPING, "the service is stopping");
      }
      if (Instant.now().isAfter(deadline)) {
        throw new JobCancelledException(
            JobCancelledException.Cause.DEADLINE_EXCEEDED,
            "the run passed its deadline of " + maxRunTime + " (simulation.jobs.max-run-time)");
      }
      if (!(fraction >= 0 && fraction <= 1)) {
        throw new IllegalArgumentException("progress fraction must be 0 to 1, got " + fraction);
      }
      switch (store.progress(id, owner, fraction, message, simulatedTime, lease)) {
        case OWNED -> {}
        case CANCEL_REQUESTED ->
            throw new JobCancelledException(
                JobCancelledException.Cause.CANCEL_REQUESTED, "jobs/" + id + " was cancelled");
        case LEASE_LOST ->
            throw new JobCancelledException(
                JobCancelledException.Cause.LEASE_LOST,
                "worker " + owner + " no longer owns jobs/" + id);
      }
    }
  }
}
