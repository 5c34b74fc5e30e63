package io.factorytwin.simulation.mapping;

import com.google.protobuf.Timestamp;
import io.factorytwin.simulation.jobs.JobRecord;
import io.factorytwin.simulation.v1.Job;
import io.factorytwin.simulation.v1.JobFailure;
import io.factorytwin.simulation.v1.Progress;
import java.time.Instant;

/** Converts stored jobs to the contract's Job message. */
public final class JobMapper {

  private JobMapper() {}

  public static Job toProto(JobRecord job) {
    Job.Builder builder =
        job.submitted().toBuilder()
            .setName(job.name())
            .setKind(job.kind())
            .setState(job.state().proto())
            .setCancelRequested(job.cancelRequested())
            .setAttemptCount(job.attemptCount())
            .setCreator(job.creator())
            .setEtag(job.etag())
            .setCreateTime(timestamp(job.createTime()))
            .setUpdateTime(timestamp(job.updateTime()));
    if (job.progressTime() != null) {
      Progress.Builder progress =
          Progress.newBuilder()
              .setFraction(job.progressFraction() == null ? 0 : job.progressFraction())
              .setUpdateTime(timestamp(job.progressTime()));
      if (job.progressMessage() != null) {
        progress.setMessage(job.progressMessage());
      }
      if (job.progressSimulatedTime() != null) {
        progress.setSimulatedTime(timestamp(job.progressSimulatedTime()));
      }
      builder.setProgress(progress);
    }
    if (job.failureReason() != null) {
      builder.setFailure(
          JobFailure.newBuilder()
              .setReason(job.failureReason())
              .setMessage(nullToEmpty(job.failureMessage()))
              .setSubject(nullToEmpty(job.failureSubject())));
    }
    if (job.startTime() != null) {
      builder.setStartTime(timestamp(job.startTime()));
    }
    if (job.endTime() != null) {
      builder.setEndTime(timestamp(job.endTime()));
    }
    return builder.build();
  }

  public static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder()
        .setSeconds(instant.getEpochSecond())
        .setNanos(instant.getNano())
        .build();
  }

  private static String nullToEmpty(String text) {
    return text == null ? "" : text;
  }
}
