package io.factorytwin.simulation.jobs;

import com.google.protobuf.InvalidProtocolBufferException;
import io.agroal.api.AgroalDataSource;
import io.factorytwin.simulation.v1.Job;
import io.factorytwin.simulation.v1.JobFailure;
import io.factorytwin.simulation.v1.JobResult;
import io.factorytwin.simulation.v1.Series;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The {@code job}, {@code job_result} and {@code job_series} tables, read and written with plain
 * JDBC. Each public method runs in a transaction of its own, so a worker's claim, progress and
 * finish each commit at once and hold no row lock while the job runs.
 *
 * <p>Every write that a worker makes checks that the worker still owns the lease ({@code
 * lease_owner}) in the same transaction, under a row lock. A worker that lost its lease therefore
 * never overwrites the state or result of the worker that owns the job now.
 */
@ApplicationScoped
public class JobStore {

  /** Result of the ownership check that each progress report makes. */
  public enum ProgressCheck {
    /** The worker still owns the job; the run continues. */
    OWNED,
    /** CancelJob was called; the worker must stop and record CANCELLED. */
    CANCEL_REQUESTED,
    /** Another worker owns the job, or it ended; the worker must stop and write nothing. */
    LEASE_LOST
  }

  private static final String COLUMNS =
      "id, display_name, kind, state, spec, creator, request_id, request_hash, version,"
          + " attempt_count, lease_owner, lease_expiry, cancel_requested, progress_fraction,"
          + " progress_message, progress_simulated_time, progress_time, failure_reason,"
          + " failure_message, failure_subject, create_time, update_time, start_time, end_time";

  private final AgroalDataSource dataSource;

  JobStore(AgroalDataSource dataSource) {
    this.dataSource = dataSource;
  }

  private interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  /** Runs the work in one transaction on a connection of its own and commits it. */
  private <T> T transaction(Work<T> work) {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new StorageException(e);
    }
  }

  /**
   * Inserts a new QUEUED job. Returns false, and stores nothing, when the id or the creator's
   * request_id is taken.
   */
  public boolean insert(JobRecord job) {
    try {
      return transaction(
          connection -> {
            try (PreparedStatement insert =
                connection.prepareStatement(
                    "INSERT INTO job ("
                        + COLUMNS
                        + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                        + " ?, ?, ?, ?)")) {
              int i = 1;
              insert.setString(i++, job.id());
              insert.setString(i++, job.submitted().getDisplayName());
              insert.setString(i++, job.kind().name());
              insert.setString(i++, job.state().name());
              insert.setBytes(i++, job.submitted().toByteArray());
              insert.setString(i++, job.creator());
              insert.setString(i++, job.requestId());
              insert.setString(i++, job.requestHash());
              insert.setLong(i++, job.version());
              insert.setInt(i++, job.attemptCount());
              insert.setString(i++, null);
              setInstant(insert, i++, null);
              insert.setBoolean(i++, false);
              insert.setNull(i++, Types.DOUBLE);
              insert.setString(i++, null);
              setInstant(insert, i++, null);
              setInstant(insert, i++, null);
              insert.setString(i++, null);
              insert.setString(i++, null);
              insert.setString(i++, null);
              setInstant(insert, i++, job.createTime());
              setInstant(insert, i++, job.updateTime());
              setInstant(insert, i++, null);
              setInstant(insert, i, null);
              insert.executeUpdate();
            }
            return true;
          });
    } catch (StorageException e) {
      if (isUniqueViolation(e.getCause())) {
        return false;
      }
      throw e;
    }
  }

  /** Returns the job, or null. */
  public JobRecord find(String id) {
    return transaction(connection -> select(connection, id, false));
  }

  /** Returns the job the creator submitted with the request_id, or null. */
  public JobRecord findByRequest(String creator, String requestId) {
    return transaction(
        connection -> {
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT " + COLUMNS + " FROM job WHERE creator = ? AND request_id = ?")) {
            select.setString(1, creator);
            select.setString(2, requestId);
            try (ResultSet row = select.executeQuery()) {
              return row.next() ? read(row) : null;
            }
          }
        });
  }

  /**
   * Returns up to limit jobs, newest first, that are after the given position and match the filter.
   *
   * @param states the states to include; empty for every state
   * @param kinds the kinds to include; empty for every kind
   * @param afterCreateTime create time of the last job of the previous page, or null
   * @param afterId id of the last job of the previous page, or null
   */
  public List<JobRecord> page(
      Set<JobState> states,
      Set<Job.Kind> kinds,
      Instant afterCreateTime,
      String afterId,
      int limit) {
    List<String> conditions = new ArrayList<>();
    List<Object> parameters = new ArrayList<>();
    if (!states.isEmpty()) {
      conditions.add("state IN (" + placeholders(states.size()) + ")");
      states.forEach(state -> parameters.add(state.name()));
    }
    if (!kinds.isEmpty()) {
      conditions.add("kind IN (" + placeholders(kinds.size()) + ")");
      kinds.forEach(kind -> parameters.add(kind.name()));
    }
    if (afterCreateTime != null) {
      conditions.add("(create_time < ? OR (create_time = ? AND id < ?))");
      parameters.add(Timestamp.from(afterCreateTime));
      parameters.add(Timestamp.from(afterCreateTime));
      parameters.add(afterId);
    }
    String sql =
        "SELECT "
            + COLUMNS
            + " FROM job"
            + (conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions))
            + " ORDER BY create_time DESC, id DESC LIMIT ?";
    return transaction(
        connection -> {
          try (PreparedStatement select = connection.prepareStatement(sql)) {
            int i = 1;
            for (Object parameter : parameters) {
              select.setObject(i++, parameter);
            }
            select.setInt(i, limit);
            List<JobRecord> jobs = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                jobs.add(read(rows));
              }
            }
            return jobs;
          }
        });
  }

  /** The state change a cancel made. */
  public record CancelOutcome(JobRecord job, boolean changed) {}

  /**
   * Cancels the job under a row lock: a QUEUED job becomes CANCELLED, a RUNNING job gets
   * cancel_requested, and a CANCELLED job or one with a cancel requested stays as it is.
   *
   * @param check runs on the locked row before any change and throws to reject the cancel, such as
   *     for a stale etag or a finished job
   * @return the job after the cancel, or null when there is no such job
   */
  public CancelOutcome cancel(String id, java.util.function.Consumer<JobRecord> check) {
    return transaction(
        connection -> {
          JobRecord job = select(connection, id, true);
          if (job == null) {
            return null;
          }
          check.accept(job);
          Instant now = now();
          if (job.state() == JobState.QUEUED) {
            try (PreparedStatement update =
                connection.prepareStatement(
                    "UPDATE job SET state = 'CANCELLED', end_time = ?, update_time = ?,"
                        + " version = version + 1 WHERE id = ?")) {
              setInstant(update, 1, now);
              setInstant(update, 2, now);
              update.setString(3, id);
              update.executeUpdate();
            }
          } else if (job.state() == JobState.RUNNING && !job.cancelRequested()) {
            try (PreparedStatement update =
                connection.prepareStatement(
                    "UPDATE job SET cancel_requested = TRUE, update_time = ?,"
                        + " version = version + 1 WHERE id = ?")) {
              setInstant(update, 1, now);
              update.setString(2, id);
              update.executeUpdate();
            }
          } else {
            return new CancelOutcome(job, false);
          }
          return new CancelOutcome(select(connection, id, false), true);
        });
  }

  /**
   * Claims the oldest job that is QUEUED, or RUNNING with an expired lease, for the owner. The
   * select locks the row with {@code FOR UPDATE SKIP LOCKED}, so concurrent claimers each take a
   * different row, and the update re-checks the row's version, so a claim never takes a row that
   * changed after it was read. A job with a cancel requested and an expired lease becomes
   * CANCELLED, and one that has used all its attempts becomes FAILED, instead of running.
   *
   * @return the claimed job in state RUNNING, or null when no job is waiting
   */
  public JobRecord claim(String owner, Duration lease, int maxAttempts) {
    // A job that ends here instead of running frees the way to the next one, so try a few rows.
    for (int tries = 0; tries < 8; tries++) {
      Claim claim = transaction(connection -> claimOne(connection, owner, lease, maxAttempts));
      if (claim.job() != null || !claim.endedOne()) {
        return claim.job();
      }
    }
    return null;
  }

  private record Claim(JobRecord job, boolean endedOne) {}

  private Claim claimOne(Connection connection, String owner, Duration lease, int maxAttempts)
      throws SQLException {
    Instant now = now();
    String id;
    // NOTE: H2 2.4 locks every row that matches, not only the one returned, so on the embedded
    // build concurrent claimers take turns: the others find no row until this claim commits.
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT id FROM job WHERE state = 'QUEUED' OR (state = 'RUNNING' AND lease_expiry < ?)"
                + " ORDER BY create_time, id LIMIT 1 FOR UPDATE SKIP LOCKED")) {
      setInstant(select, 1, now);
      try (ResultSet row = select.executeQuery()) {
        if (!row.next()) {
          return new Claim(null, false);
        }
        id = row.getString(1);
      }
    }
    // Read the locked row again: the database may have returned a version that another claimer
    // changed and committed between the scan and the lock.
    JobRecord job = select(connection, id, false);
    boolean claimable =
        job.state() == JobState.QUEUED
            || (job.state() == JobState.RUNNING && job.leaseExpiry().isBefore(now));
    if (!claimable) {
      return new Claim(null, true);
    }
    if (job.state() == JobState.RUNNING && job.cancelRequested()) {
      end(connection, job, JobState.CANCELLED, null, now);
      return new Claim(null, true);
    }
    if (job.attemptCount() >= maxAttempts) {
      JobFailure failure =
          JobFailure.newBuilder()
              .setReason("INTERNAL")
              .setMessage(
                  "the job's worker stopped renewing its lease on each of "
                      + job.attemptCount()
                      + " attempts, the maximum; see the server log for the runs")
              .build();
      end(connection, job, JobState.FAILED, failure, now);
      return new Claim(null, true);
    }
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE job SET state = 'RUNNING', lease_owner = ?, lease_expiry = ?,"
                + " attempt_count = attempt_count + 1, start_time = ?, update_time = ?,"
                + " version = version + 1 WHERE id = ? AND version = ?")) {
      update.setString(1, owner);
      setInstant(update, 2, now.plus(lease));
      setInstant(update, 3, now);
      setInstant(update, 4, now);
      update.setString(5, id);
      update.setLong(6, job.version());
      if (update.executeUpdate() != 1) {
        return new Claim(null, true);
      }
    }
    return new Claim(select(connection, id, false), false);
  }

  /**
   * Records progress and renews the lease, but only while the owner owns the job and no cancel was
   * requested.
   */
  public ProgressCheck progress(
      String id,
      String owner,
      double fraction,
      String message,
      Instant simulatedTime,
      Duration lease) {
    return transaction(
        connection -> {
          JobRecord job = select(connection, id, true);
          ProgressCheck check = ownership(job, owner);
          if (check != ProgressCheck.OWNED) {
            return check;
          }
          Instant now = now();
          try (PreparedStatement update =
              connection.prepareStatement(
                  "UPDATE job SET progress_fraction = ?, progress_message = ?,"
                      + " progress_simulated_time = ?, progress_time = ?, update_time = ?,"
                      + " lease_expiry = ?, version = version + 1 WHERE id = ?")) {
            update.setDouble(1, fraction);
            update.setString(2, truncate(message, 1000));
            setInstant(update, 3, simulatedTime);
            setInstant(update, 4, now);
            setInstant(update, 5, now);
            setInstant(update, 6, now.plus(lease));
            update.setString(7, id);
            update.executeUpdate();
          }
          return ProgressCheck.OWNED;
        });
  }

  /**
   * Extends the owner's lease without changing the job's version, so a heartbeat sends nothing to
   * WatchJob.
   *
   * @return whether the owner still owns the job
   */
  public boolean renew(String id, String owner, Duration lease) {
    return transaction(
        connection -> {
          try (PreparedStatement update =
              connection.prepareStatement(
                  "UPDATE job SET lease_expiry = ? WHERE id = ? AND lease_owner = ?"
                      + " AND state = 'RUNNING'")) {
            setInstant(update, 1, now().plus(lease));
            update.setString(2, id);
            update.setString(3, owner);
            return update.executeUpdate() == 1;
          }
        });
  }

  /**
   * Stores the result and marks the job SUCCEEDED, in one transaction that first checks that the
   * owner still owns the job.
   *
   * @param result the result with job, kind, series descriptions and create time filled in
   * @return false, with nothing written, when the owner lost the job
   */
  public boolean succeed(String id, String owner, JobResult result, List<Series> series) {
    return endWithResult(id, owner, JobState.SUCCEEDED, result, series, null);
  }

  /**
   * Stores the result and series as {@link #succeed(String, String, JobResult, List)} does, and
   * first runs {@code write} in the same transaction; its rows and the result commit together.
   *
   * @param write rows that belong to the result, or null
   */
  public boolean succeed(
      String id,
      String owner,
      JobResult stored,
      List<Series> series,
      JobOutcome.ResultWrite write) {
    return endWithResult(id, owner, JobState.SUCCEEDED, stored, series, write);
  }

  /**
   * Stores the result and marks the job CANCELLED, for a run that CancelJob ended and that still
   * has a result: a PLANT_EMULATION job.
   *
   * @return false, with nothing written, when the owner lost the job
   */
  public boolean cancelWithResult(String id, String owner, JobResult result, List<Series> series) {
    return endWithResult(id, owner, JobState.CANCELLED, result, series, null);
  }

  private boolean endWithResult(
      String id,
      String owner,
      JobState state,
      JobResult stored,
      List<Series> series,
      JobOutcome.ResultWrite write) {
    return transaction(
        connection -> {
          JobRecord job = select(connection, id, true);
          if (ownership(job, owner) == ProgressCheck.LEASE_LOST) {
            return false;
          }
          JobResult result = write == null ? stored : write.write(connection, id, stored);
          Instant now = now();
          try (PreparedStatement insert =
              connection.prepareStatement(
                  "INSERT INTO job_result (job_id, result, create_time) VALUES (?, ?, ?)")) {
            insert.setString(1, id);
            insert.setBytes(2, result.toByteArray());
            setInstant(insert, 3, now);
            insert.executeUpdate();
          }
          try (PreparedStatement insert =
              connection.prepareStatement(
                  "INSERT INTO job_series (job_id, series_index, name, series)"
                      + " VALUES (?, ?, ?, ?)")) {
            for (int i = 0; i < series.size(); i++) {
              insert.setString(1, id);
              insert.setInt(2, i);
              insert.setString(3, series.get(i).getName());
              insert.setBytes(4, series.get(i).toByteArray());
              insert.addBatch();
            }
            if (!series.isEmpty()) {
              insert.executeBatch();
            }
          }
          end(connection, job, state, null, now);
          return true;
        });
  }

  /**
   * Ends the owner's run in CANCELLED or FAILED.
   *
   * @return false, with nothing written, when the owner lost the job
   */
  public boolean stop(String id, String owner, JobState state, JobFailure failure) {
    if (state != JobState.CANCELLED && state != JobState.FAILED) {
      throw new IllegalArgumentException("stop ends a job in CANCELLED or FAILED, not " + state);
    }
    return transaction(
        connection -> {
          JobRecord job = select(connection, id, true);
          if (ownership(job, owner) == ProgressCheck.LEASE_LOST) {
            return false;
          }
          end(connection, job, state, failure, now());
          return true;
        });
  }

  /**
   * Ends a run that threw: the job is queued again, or FAILED when it has used all its attempts.
   *
   * @return false, with nothing written, when the owner lost the job
   */
  public boolean retryOrFail(String id, String owner, int maxAttempts, JobFailure failure) {
    return transaction(
        connection -> {
          JobRecord job = select(connection, id, true);
          if (ownership(job, owner) == ProgressCheck.LEASE_LOST) {
            return false;
          }
          if (job.attemptCount() >= maxAttempts) {
            end(connection, job, JobState.FAILED, failure, now());
          } else {
            requeue(connection, id);
          }
          return true;
        });
  }

  /**
   * Queues the owner's job again at once, for a worker that stops before the run ended.
   *
   * @return false, with nothing written, when the owner lost the job
   */
  public boolean release(String id, String owner) {
    return transaction(
        connection -> {
          JobRecord job = select(connection, id, true);
          if (ownership(job, owner) == ProgressCheck.LEASE_LOST) {
            return false;
          }
          if (job.cancelRequested()) {
            end(connection, job, JobState.CANCELLED, null, now());
          } else {
            requeue(connection, id);
          }
          return true;
        });
  }

  /** Returns the stored result of the job, or null. */
  public JobResult result(String id) {
    return transaction(
        connection -> {
          try (PreparedStatement select =
              connection.prepareStatement("SELECT result FROM job_result WHERE job_id = ?")) {
            select.setString(1, id);
            try (ResultSet row = select.executeQuery()) {
              return row.next() ? parse(JobResult.parser(), row.getBytes(1)) : null;
            }
          }
        });
  }

  /** Returns the stored series of the job, in the order they were stored. */
  public List<Series> series(String id) {
    return transaction(
        connection -> {
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT series FROM job_series WHERE job_id = ? ORDER BY series_index")) {
            select.setString(1, id);
            List<Series> series = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                series.add(parse(Series.parser(), rows.getBytes(1)));
              }
            }
            return series;
          }
        });
  }

  private static ProgressCheck ownership(JobRecord job, String owner) {
    if (job == null || job.state() != JobState.RUNNING || !owner.equals(job.leaseOwner())) {
      return ProgressCheck.LEASE_LOST;
    }
    return job.cancelRequested() ? ProgressCheck.CANCEL_REQUESTED : ProgressCheck.OWNED;
  }

  private static void requeue(Connection connection, String id) throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE job SET state = 'QUEUED', lease_owner = NULL, lease_expiry = NULL,"
                + " update_time = ?, version = version + 1 WHERE id = ?")) {
      setInstant(update, 1, now());
      update.setString(2, id);
      update.executeUpdate();
    }
  }

  private static void end(
      Connection connection, JobRecord job, JobState state, JobFailure failure, Instant now)
      throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE job SET state = ?, lease_owner = NULL, lease_expiry = NULL,"
                + " cancel_requested = ?, progress_fraction = ?, failure_reason = ?,"
                + " failure_message = ?, failure_subject = ?, end_time = ?, update_time = ?,"
                + " version = version + 1 WHERE id = ?")) {
      update.setString(1, state.name());
      // cancel_requested marks a stop that has not happened yet, so every end state clears it.
      update.setBoolean(2, false);
      if (state == JobState.SUCCEEDED) {
        update.setDouble(3, 1.0);
      } else if (job.progressFraction() == null) {
        update.setNull(3, Types.DOUBLE);
      } else {
        update.setDouble(3, job.progressFraction());
      }
      update.setString(4, failure == null ? null : failure.getReason());
      update.setString(5, failure == null ? null : truncate(failure.getMessage(), 4000));
      update.setString(6, failure == null ? null : truncate(failure.getSubject(), 255));
      setInstant(update, 7, now);
      setInstant(update, 8, now);
      update.setString(9, job.id());
      update.executeUpdate();
    }
  }

  private static JobRecord select(Connection connection, String id, boolean lock)
      throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT " + COLUMNS + " FROM job WHERE id = ?" + (lock ? " FOR UPDATE" : ""))) {
      select.setString(1, id);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? read(row) : null;
      }
    }
  }

  private static JobRecord read(ResultSet row) throws SQLException {
    double fraction = row.getDouble("progress_fraction");
    Double progressFraction = row.wasNull() ? null : fraction;
    return new JobRecord(
        row.getString("id"),
        Job.Kind.valueOf(row.getString("kind")),
        JobState.valueOf(row.getString("state")),
        parse(Job.parser(), row.getBytes("spec")),
        row.getString("creator"),
        row.getString("request_id"),
        row.getString("request_hash"),
        row.getLong("version"),
        row.getInt("attempt_count"),
        row.getString("lease_owner"),
        instant(row, "lease_expiry"),
        row.getBoolean("cancel_requested"),
        progressFraction,
        row.getString("progress_message"),
        instant(row, "progress_simulated_time"),
        instant(row, "progress_time"),
        row.getString("failure_reason"),
        row.getString("failure_message"),
        row.getString("failure_subject"),
        instant(row, "create_time"),
        instant(row, "update_time"),
        instant(row, "start_time"),
        instant(row, "end_time"));
  }

  private static <T> T parse(com.google.protobuf.Parser<T> parser, byte[] bytes)
      throws SQLException {
    try {
      return parser.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new SQLException("a stored job message does not parse", e);
    }
  }

  /** Returns the current time at the microsecond precision of the timestamp columns. */
  static Instant now() {
    return Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
  }

  private static void setInstant(PreparedStatement statement, int index, Instant value)
      throws SQLException {
    statement.setTimestamp(index, value == null ? null : Timestamp.from(value));
  }

  private static Instant instant(ResultSet row, String column) throws SQLException {
    Timestamp value = row.getTimestamp(column);
    return value == null ? null : value.toInstant();
  }

  private static String placeholders(int count) {
    return String.join(", ", java.util.Collections.nCopies(count, "?"));
  }

  private static String truncate(String text, int maxLength) {
    return text == null || text.length() <= maxLength ? text : text.substring(0, maxLength);
  }

  private static boolean isUniqueViolation(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
        return true;
      }
    }
    return false;
  }
}
