package io.factorytwin.simulation.agent;

import com.google.protobuf.InvalidProtocolBufferException;
import io.agroal.api.AgroalDataSource;
import io.factorytwin.simulation.jobs.StorageException;
import io.factorytwin.simulation.v1.JobResult;
import io.factorytwin.simulation.v1.Policy;
import io.factorytwin.simulation.v1.PolicyVersion;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code policy} and {@code policy_version} tables, read and written with plain JDBC.
 *
 * <p>Versions are immutable. A version is written only by {@link #addVersion}, which the job queue
 * runs in the transaction that marks the training job SUCCEEDED, so a version exists exactly when
 * its job succeeded. The unique training job column makes a job that runs again after a crash find
 * its version instead of adding a second one.
 */
@ApplicationScoped
public class PolicyStore {

  private final AgroalDataSource dataSource;

  public PolicyStore(AgroalDataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** A stored version with the keys that name it. */
  public record StoredVersion(String policyId, int versionId, PolicyVersion version) {}

  /**
   * Adds the next version of a policy, creating the policy when it does not exist, and returns the
   * training result with the version's name. When the job already stored a version, that version's
   * name is returned and nothing is written.
   *
   * @param artifact the version's parameters, metrics and training seeds; its name, etag, training
   *     job and create time are set here
   */
  public static JobResult addVersion(
      Connection connection,
      String jobId,
      String policyId,
      String algorithm,
      PolicyVersion artifact,
      JobResult result)
      throws SQLException {
    String existing = versionOfJob(connection, jobId);
    if (existing != null) {
      return withVersion(result, existing);
    }
    Instant now = now();
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO policy (id, algorithm, latest_version, version, create_time, update_time)"
                + " VALUES (?, ?, 0, 1, ?, ?) ON CONFLICT DO NOTHING")) {
      insert.setString(1, policyId);
      insert.setString(2, algorithm);
      insert.setTimestamp(3, Timestamp.from(now));
      insert.setTimestamp(4, Timestamp.from(now));
      insert.executeUpdate();
    }
    int latest;
    try (PreparedStatement select =
        connection.prepareStatement("SELECT latest_version FROM policy WHERE id = ? FOR UPDATE")) {
      select.setString(1, policyId);
      try (ResultSet row = select.executeQuery()) {
        if (!row.next()) {
          throw new SQLException("policy " + policyId + " vanished while adding a version");
        }
        latest = row.getInt(1);
      }
    }
    int next = latest + 1;
    String name = "policies/" + policyId + "/versions/" + next;
    PolicyVersion stored =
        artifact.toBuilder()
            .clearName()
            .clearEtag()
            .clearCreateTime()
            .setTrainingJob("jobs/" + jobId)
            .build();
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO policy_version (policy_id, version_id, training_job, artifact,"
                + " create_time) VALUES (?, ?, ?, ?, ?)")) {
      insert.setString(1, policyId);
      insert.setInt(2, next);
      insert.setString(3, jobId);
      insert.setBytes(4, stored.toByteArray());
      insert.setTimestamp(5, Timestamp.from(now));
      insert.executeUpdate();
    }
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE policy SET latest_version = ?, version = version + 1, update_time = ?"
                + " WHERE id = ?")) {
      update.setInt(1, next);
      update.setTimestamp(2, Timestamp.from(now));
      update.setString(3, policyId);
      update.executeUpdate();
    }
    return withVersion(result, name);
  }

  /** Returns the policy, or null. */
  public Policy policy(String id) {
    return read(
        connection -> {
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT id, algorithm, latest_version, version, create_time, update_time"
                      + " FROM policy WHERE id = ?")) {
            select.setString(1, id);
            try (ResultSet row = select.executeQuery()) {
              return row.next() ? policy(row) : null;
            }
          }
        });
  }

  /**
   * Returns up to {@code limit} policies after {@code afterId} (exclusive; null from the start).
   */
  public List<Policy> policies(String afterId, boolean descending, int limit) {
    return read(
        connection -> {
          String order = descending ? "DESC" : "ASC";
          String where = afterId == null ? "" : " WHERE id " + (descending ? "<" : ">") + " ?";
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT id, algorithm, latest_version, version, create_time, update_time"
                      + " FROM policy"
                      + where
                      + " ORDER BY id "
                      + order
                      + " LIMIT ?")) {
            int i = 1;
            if (afterId != null) {
              select.setString(i++, afterId);
            }
            select.setInt(i, limit);
            List<Policy> policies = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                policies.add(policy(rows));
              }
            }
            return policies;
          }
        });
  }

  /** Returns the version, or null. */
  public StoredVersion version(String policyId, int versionId) {
    return read(
        connection -> {
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT policy_id, version_id, artifact, create_time FROM policy_version"
                      + " WHERE policy_id = ? AND version_id = ?")) {
            select.setString(1, policyId);
            select.setInt(2, versionId);
            try (ResultSet row = select.executeQuery()) {
              return row.next() ? version(row) : null;
            }
          }
        });
  }

  /** Position of a version in a listing: its create time, policy and version id. */
  public record VersionKey(Instant createTime, String policyId, int versionId) {}

  /**
   * Returns up to {@code limit} versions of one policy, or of every policy when {@code policyId} is
   * null, ordered by create time, then policy id, then version id, and starting after {@code after}
   * (null from the start).
   *
   * @param descending newest first when true
   */
  public List<StoredVersion> versions(
      String policyId, VersionKey after, boolean descending, int limit) {
    return read(
        connection -> {
          String direction = descending ? "DESC" : "ASC";
          String compare = descending ? "<" : ">";
          StringBuilder sql =
              new StringBuilder(
                  "SELECT policy_id, version_id, artifact, create_time FROM policy_version"
                      + " WHERE 1 = 1");
          if (policyId != null) {
            sql.append(" AND policy_id = ?");
          }
          if (after != null) {
            sql.append(" AND (create_time, policy_id, version_id) ")
                .append(compare)
                .append(" (?, ?, ?)");
          }
          sql.append(" ORDER BY create_time ")
              .append(direction)
              .append(", policy_id ")
              .append(direction)
              .append(", version_id ")
              .append(direction)
              .append(" LIMIT ?");
          try (PreparedStatement select = connection.prepareStatement(sql.toString())) {
            int i = 1;
            if (policyId != null) {
              select.setString(i++, policyId);
            }
            if (after != null) {
              select.setTimestamp(i++, Timestamp.from(after.createTime()));
              select.setString(i++, after.policyId());
              select.setInt(i++, after.versionId());
            }
            select.setInt(i, limit);
            List<StoredVersion> versions = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                versions.add(version(rows));
              }
            }
            return versions;
          }
        });
  }

  private static String versionOfJob(Connection connection, String jobId) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT policy_id, version_id FROM policy_version WHERE training_job = ?")) {
      select.setString(1, jobId);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? "policies/" + row.getString(1) + "/versions/" + row.getInt(2) : null;
      }
    }
  }

  private static JobResult withVersion(JobResult result, String name) {
    return result.toBuilder()
        .setAgentTraining(result.getAgentTraining().toBuilder().setPolicyVersion(name))
        .build();
  }

  private static Policy policy(ResultSet row) throws SQLException {
    String id = row.getString("id");
    int latest = row.getInt("latest_version");
    Policy.Builder policy =
        Policy.newBuilder()
            .setName("policies/" + id)
            .setAlgorithm(row.getString("algorithm"))
            .setEtag("\"" + row.getLong("version") + "\"")
            .setCreateTime(timestamp(row.getTimestamp("create_time").toInstant()))
            .setUpdateTime(timestamp(row.getTimestamp("update_time").toInstant()));
    if (latest > 0) {
      policy.setLatestVersion("policies/" + id + "/versions/" + latest);
    }
    return policy.build();
  }

  private static StoredVersion version(ResultSet row) throws SQLException {
    String policyId = row.getString("policy_id");
    int versionId = row.getInt("version_id");
    Instant created = row.getTimestamp("create_time").toInstant();
    PolicyVersion artifact;
    try {
      artifact = PolicyVersion.parseFrom(row.getBytes("artifact"));
    } catch (InvalidProtocolBufferException e) {
      throw new SQLException(
          "stored policy version " + policyId + "/" + versionId + " does not parse", e);
    }
    PolicyVersion version =
        artifact.toBuilder()
            .setName("policies/" + policyId + "/versions/" + versionId)
            // Versions never change, so the etag is constant.
            .setEtag("\"1\"")
            .setCreateTime(timestamp(created))
            .build();
    return new StoredVersion(policyId, versionId, version);
  }

  private interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  private <T> T read(Work<T> work) {
    try (Connection connection = dataSource.getConnection()) {
      return work.run(connection);
    } catch (SQLException e) {
      throw new StorageException(e);
    }
  }

  static com.google.protobuf.Timestamp timestamp(Instant instant) {
    return com.google.protobuf.Timestamp.newBuilder()
        .setSeconds(instant.getEpochSecond())
        .setNanos(instant.getNano())
        .build();
  }

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }
}
