package io.factorytwin.simulation.jobs;

import com.google.protobuf.CodedOutputStream;
import io.factorytwin.simulation.v1.Job;
import io.factorytwin.simulation.v1.JobResult;
import io.factorytwin.simulation.v1.SubmitJobRequest;
import io.factorytwin.support.error.AlreadyExistsException;
import io.factorytwin.support.error.EtagMismatchException;
import io.factorytwin.support.error.FailedPreconditionException;
import io.factorytwin.support.error.InvalidArgumentException;
import io.factorytwin.support.error.NotFoundException;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/** The job calls of SimulationService: submit, read, list, cancel and read results. */
@ApplicationScoped
public class Jobs {

  private static final Pattern UUID_TEXT =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  /** Active emulations read for the one-per-twin check; far above what one service runs. */
  private static final int MAX_ACTIVE_EMULATIONS = 10_000;

  private final JobStore store;
  private final JobRunners runners;
  private final Object emulationSubmits = new Object();

  Jobs(JobStore store, JobRunners runners) {
    this.store = store;
    this.runners = runners;
  }

  /**
   * Checks and queues a job. A request_id that the creator used before returns the job of that
   * first request when the request is the same, and fails with REQUEST_ID_REUSED when it differs.
   * Nothing is stored when a check fails.
   */
  public JobRecord submit(SubmitJobRequest request, String creator) {
    String requestId = request.getRequestId();
    if (!requestId.isEmpty() && !UUID_TEXT.matcher(requestId).matches()) {
      throw new InvalidArgumentException(
          "request_id", "must be a UUID in lower-case hex when set; got '" + requestId + "'");
    }
    String hash = requestHash(request);
    if (!requestId.isEmpty()) {
      JobRecord earlier = store.findByRequest(creator, requestId);
      if (earlier != null) {
        return sameRequest(earlier, hash);
      }
    }
    if (!request.getJobId().isEmpty() && !JobSpecs.JOB_ID.matcher(request.getJobId()).matches()) {
      throw new InvalidArgumentException(
          "job_id",
          "must be 1 to 63 lower-case letters, digits and hyphens, starting with a letter; got '"
              + request.getJobId()
              + "'");
    }
    if (!request.hasJob()) {
      throw new InvalidArgumentException("job", "required: the job to run");
    }
    Job.Kind kind = JobSpecs.check(request.getJob());
    Optional<JobRunner> runner = runners.find(kind);
    if (runner.isEmpty()) {
      throw new FailedPreconditionException(
          "NOT_IMPLEMENTED",
          List.of(
              new FailedPreconditionException.Violation(
                  "JOB_KIND",
                  kind.name(),
                  "this server has no runner for "
                      + kind.name()
                      + " jobs yet; nothing was queued")));
    }
    runner.get().preflight(request.getJob());

    String id = request.getJobId().isEmpty() ? UUID.randomUUID().toString() : request.getJobId();
    Instant now = JobStore.now();
    JobRecord job =
        new JobRecord(
            id,
            kind,
            JobState.QUEUED,
            submitted(request.getJob()),
            creator,
            requestId.isEmpty() ? null : requestId,
            hash,
            1,
            0,
            null,
            null,
            false,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            now,
            now,
            null,
            null);
    if (insert(job)) {
      Log.infof("queued %s (%s) for %s", job.name(), kind, creator);
      return store.find(id);
    }
    // The insert hit a unique key: a concurrent retry with the same request_id won, or the id is
    // taken.
    if (!requestId.isEmpty()) {
      JobRecord earlier = store.findByRequest(creator, requestId);
      if (earlier != null) {
        return sameRequest(earlier, hash);
      }
    }
    throw new AlreadyExistsException("jobs/" + id);
  }

  /**
   * Inserts the job. A PLANT_EMULATION job is inserted only while no other one of its twin is
   * QUEUED or RUNNING, because two emulators would send two histories into one twin. NOTE: the
   * check and the insert are serialized within this instance only, so two replicas that accept a
   * submit for one twin at the same moment can both insert.
   */
  private boolean insert(JobRecord job) {
    if (job.kind() != Job.Kind.KIND_PLANT_EMULATION) {
      return store.insert(job);
    }
    String twin = job.submitted().getPlantEmulation().getTwin();
    synchronized (emulationSubmits) {
      List<JobRecord> active =
          store.page(
              EnumSet.of(JobState.QUEUED, JobState.RUNNING),
              EnumSet.of(Job.Kind.KIND_PLANT_EMULATION),
              null,
              null,
              MAX_ACTIVE_EMULATIONS);
      for (JobRecord other : active) {
        if (other.submitted().getPlantEmulation().getTwin().equals(twin)) {
          throw new FailedPreconditionException(
              "ILLEGAL_STATE_TRANSITION",
              List.of(
                  new FailedPreconditionException.Violation(
                      "JOB_STATE",
                      other.name(),
                      other.name()
                          + " already emulates "
                          + twin
                          + " and is "
                          + other.state()
                          + "; cancel it before you submit another PLANT_EMULATION job for"
                          + " this twin")));
        }
      }
      return store.insert(job);
    }
  }

  /** Returns one page of jobs, newest first. */
  public JobList.Page list(JobList.Request request) {
    List<JobRecord> rows =
        store.page(
            request.states(),
            request.kinds(),
            request.afterCreateTime(),
            request.afterId(),
            request.pageSize() + 1);
    if (rows.size() <= request.pageSize()) {
      return new JobList.Page(rows, "");
    }
    List<JobRecord> page = rows.subList(0, request.pageSize());
    return new JobList.Page(List.copyOf(page), JobList.token(request.filter(), page.getLast()));
  }

  /** Returns the job; NOT_FOUND when there is none. */
  public JobRecord get(String id) {
    JobRecord job = store.find(id);
    if (job == null) {
      throw new NotFoundException("jobs/" + id);
    }
    return job;
  }

  /**
   * Cancels a job. A job already CANCELLED, or RUNNING with a cancel requested, is returned as it
   * is whatever the etag, so a repeated CancelJob does no harm.
   */
  public JobRecord cancel(String id, String etag) {
    JobStore.CancelOutcome outcome =
        store.cancel(
            id,
            job -> {
              if (job.state() == JobState.CANCELLED || job.cancelRequested()) {
                return;
              }
              if (job.state() == JobState.SUCCEEDED || job.state() == JobState.FAILED) {
                throw new FailedPreconditionException(
                    "ILLEGAL_STATE_TRANSITION",
                    List.of(
                        new FailedPreconditionException.Violation(
                            "JOB_STATE",
                            job.name(),
                            "the job is "
                                + job.state()
                                + "; only QUEUED and RUNNING jobs can be cancelled")));
              }
              if (!etag.isEmpty() && !etag.equals(job.etag())) {
                throw new EtagMismatchException(job.name());
              }
            });
    if (outcome == null) {
      throw new NotFoundException("jobs/" + id);
    }
    if (outcome.changed()) {
      Log.infof("cancel of %s: the job is now %s", outcome.job().name(), outcome.job().state());
    }
    return outcome.job();
  }

  /**
   * Returns the result of a SUCCEEDED job, or of a PLANT_EMULATION job that CancelJob ended while
   * it ran; FAILED_PRECONDITION, naming the state, for any other.
   */
  public JobResult result(String id) {
    JobRecord job = get(id);
    if (job.state() == JobState.CANCELLED && job.kind() == Job.Kind.KIND_PLANT_EMULATION) {
      // A plant emulation ended by CancelJob has a result, unless it was cancelled while QUEUED.
      JobResult result = store.result(id);
      if (result != null) {
        return result;
      }
    }
    if (job.state() != JobState.SUCCEEDED) {
      String why =
          job.state().isTerminal()
              ? "the job is " + job.state() + " and has no result"
              : "the job is " + job.state() + "; its result exists once it has SUCCEEDED";
      throw new FailedPreconditionException(
          "ILLEGAL_STATE_TRANSITION",
          List.of(new FailedPreconditionException.Violation("JOB_STATE", job.name(), why)));
    }
    JobResult result = store.result(id);
    if (result == null) {
      throw new IllegalStateException(job.name() + " is SUCCEEDED but has no stored result");
    }
    return result;
  }

  /**
   * Returns one page of a SUCCEEDED job's series; FAILED_PRECONDITION for a job without a result,
   * as {@link #result}.
   */
  public io.factorytwin.simulation.v1.ListJobSeriesResponse series(String id, SeriesQuery query) {
    result(id);
    return query.page(store.series(id));
  }

  private static JobRecord sameRequest(JobRecord earlier, String hash) {
    if (!earlier.requestHash().equals(hash)) {
      throw new InvalidArgumentException(
          "REQUEST_ID_REUSED",
          List.of(
              new InvalidArgumentException.FieldViolation(
                  "request_id",
                  "was used for "
                      + earlier.name()
                      + " with another job_id or job; use a new request_id for a new job")));
    }
    return earlier;
  }

  /** Keeps the fields a client may set: display_name and spec. */
  private static Job submitted(Job job) {
    return job.toBuilder()
        .clearName()
        .clearKind()
        .clearState()
        .clearProgress()
        .clearFailure()
        .clearCancelRequested()
        .clearAttemptCount()
        .clearCreator()
        .clearEtag()
        .clearCreateTime()
        .clearUpdateTime()
        .clearStartTime()
        .clearEndTime()
        .build();
  }

  /**
   * Returns the SHA-256 of the request's job_id and job, without the output-only fields and the
   * request_id, in deterministic serialization so that map entries hash in one order.
   */
  private static String requestHash(SubmitJobRequest request) {
    SubmitJobRequest body =
        SubmitJobRequest.newBuilder()
            .setJobId(request.getJobId())
            .setJob(submitted(request.getJob()))
            .build();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      out.useDeterministicSerialization();
      body.writeTo(out);
      out.flush();
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
