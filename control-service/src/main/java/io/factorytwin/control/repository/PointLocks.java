package io.factorytwin.control.repository;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/**
 * Row locks per point in {@code point_lock}, held until the caller's transaction ends.
 *
 * <p>The locking transaction only orders proposals, because the group commit writes and commits
 * actions and audit entries on its own connection before the locks are released. So on PostgreSQL
 * it commits without waiting for its WAL flush. A crash then loses at most lock records and a new
 * lock row, which the next proposal creates again.
 */
@ApplicationScoped
public class PointLocks {

  private final AgroalDataSource dataSource;
  private volatile Boolean postgres;

  PointLocks(AgroalDataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * Locks the point's row, creating it first when it is missing, and waits while another
   * transaction holds it. The row exists after a point's first proposal, so the lock usually takes
   * one statement.
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public void lock(String point) {
    try (Connection connection = dataSource.getConnection()) {
      skipCommitFlush(connection);
      if (selectForUpdate(connection, point)) {
        return;
      }
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO point_lock (point) VALUES (?) ON CONFLICT DO NOTHING")) {
        insert.setString(1, point);
        insert.executeUpdate();
      }
      if (!selectForUpdate(connection, point)) {
        throw new StorageException(
            new SQLException("the lock row of " + point + " is missing after its insert"));
      }
    } catch (SQLException e) {
      throw new StorageException(e);
    }
  }

  /**
   * Locks the rows of several points in name order, creating missing ones first, so two callers
   * that lock overlapping sets never wait for each other in a cycle.
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public void lockAll(Collection<String> points) {
    List<String> sorted = points.stream().distinct().sorted().toList();
    try (Connection connection = dataSource.getConnection()) {
      skipCommitFlush(connection);
      if (selectForUpdate(connection, sorted) == sorted.size()) {
        return;
      }
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO point_lock (point) VALUES (?) ON CONFLICT DO NOTHING")) {
        for (String point : sorted) {
          insert.setString(1, point);
          insert.addBatch();
        }
        insert.executeBatch();
      }
      if (selectForUpdate(connection, sorted) != sorted.size()) {
        throw new StorageException(
            new SQLException("lock rows of " + sorted + " are missing after their insert"));
      }
    } catch (SQLException e) {
      throw new StorageException(e);
    }
  }

  /** Turns off synchronous_commit for the current transaction only, on PostgreSQL. */
  private void skipCommitFlush(Connection connection) throws SQLException {
    Boolean onPostgres = postgres;
    if (onPostgres == null) {
      onPostgres = "PostgreSQL".equals(connection.getMetaData().getDatabaseProductName());
      postgres = onPostgres;
    }
    if (onPostgres) {
      try (Statement set = connection.createStatement()) {
        set.execute("SET LOCAL synchronous_commit TO OFF");
      }
    }
  }

  /** Locks the rows of the points, in the given order, and returns how many exist. */
  private static int selectForUpdate(Connection connection, List<String> sorted)
      throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT point FROM point_lock WHERE point IN ("
                + String.join(", ", Collections.nCopies(sorted.size(), "?"))
                + ") ORDER BY point FOR UPDATE")) {
      for (int i = 0; i < sorted.size(); i++) {
        select.setString(i + 1, sorted.get(i));
      }
      int count = 0;
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          count++;
        }
      }
      return count;
    }
  }

  /** Locks the point's row and returns whether it exists. */
  private static boolean selectForUpdate(Connection connection, String point) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement("SELECT point FROM point_lock WHERE point = ? FOR UPDATE")) {
      select.setString(1, point);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next();
      }
    }
  }
}
