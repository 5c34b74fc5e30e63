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
