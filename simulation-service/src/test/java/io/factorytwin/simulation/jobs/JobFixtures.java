package io.factorytwin.simulation.jobs;

import com.google.protobuf.Duration;
import io.agroal.api.AgroalDataSource;
import io.factorytwin.simulation.v1.BaselinePolicy;
import io.factorytwin.simulation.v1.Job;
import io.factorytwin.simulation.v1.ModelSource;
import io.factorytwin.simulation.v1.TransientScenario;
import io.factorytwin.simulation.v1.TransientSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/** Jobs and database reads that the job tests share. */
public final class JobFixtures {

  private JobFixtures() {}

  /** Builds a valid TRANSIENT job, which the test runner runs in one step per simulated second. */
  static Job transientJob(long seed, long durationSeconds) {
    return Job.newBuilder()
        .setDisplayName("seed " + seed)
        .setTransient(
            TransientSpec.newBuilder()
                .setScenario(
                    TransientScenario.newBuilder()
                        .setModel(
                            ModelSource.newBuilder().setTwinRevision("twins/hall-1/revisions/1"))
                        .setWorkloadDataSet("Alibaba_CPU_Data_Hourly_1.csv")
                        .setDuration(Duration.newBuilder().setSeconds(durationSeconds)))
                .setSeed(seed)
                .setBaseline(BaselinePolicy.getDefaultInstance()))
        .build();
  }

  static long count(AgroalDataSource dataSource, String sql) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(sql);
        ResultSet row = select.executeQuery()) {
      row.next();
      return row.getLong(1);
    } catch (SQLException e) {
      throw new AssertionError(sql + " failed", e);
    }
  }

  /**
   * Inserts a job that a dead worker claimed: RUNNING on its first attempt under an owner that no
   * longer renews, with a lease that ends one second from now. A live worker claims it after that.
   */
  public static void insertOrphan(AgroalDataSource dataSource, String id, Job job) {
    Instant now = Instant.now();
    execute(
        dataSource,
        "INSERT INTO job (id, display_name, kind, state, spec, creator, request_hash, version,"
            + " attempt_count, lease_owner, lease_expiry, cancel_requested, create_time,"
            + " update_time, start_time) VALUES (?, '', ?, 'RUNNING', ?, 'planner', 'none', 2, 1,"
            + " 'dead-worker', ?, FALSE, ?, ?, ?)",
        id,
        kind(job).name(),
        job.toByteArray(),
        java.sql.Timestamp.from(now.plusSeconds(1)),
        java.sql.Timestamp.from(now),
        java.sql.Timestamp.from(now),
        java.sql.Timestamp.from(now));
  }

  private static Job.Kind kind(Job job) {
    return switch (job.getSpecCase()) {
      case TRANSIENT -> Job.Kind.KIND_TRANSIENT;
      case PLANT_EMULATION -> Job.Kind.KIND_PLANT_EMULATION;
      default -> throw new IllegalArgumentException("no orphan fixture for " + job.getSpecCase());
    };
  }

  /** Runs one statement with its parameters; fails the test when it fails. */
  public static void execute(AgroalDataSource dataSource, String sql, Object... parameters) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        statement.setObject(i + 1, parameters[i]);
      }
      statement.executeUpdate();
    } catch (SQLException e) {
      throw new AssertionError(sql + " failed", e);
    }
  }
}
