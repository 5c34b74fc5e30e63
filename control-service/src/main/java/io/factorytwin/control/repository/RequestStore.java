package io.factorytwin.control.repository;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;

/** The {@code request_record} table: idempotency keys of create calls. */
@ApplicationScoped
public class RequestStore {

  /** How long a key is honoured, as the contract sets it. */
  static final Duration WINDOW = Duration.ofHours(24);

  private final AgroalDataSource dataSource;

  RequestStore(AgroalDataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Returns the resource a call with this key created in the last 24 hours, or null. */
  public String find(String caller, String method, String requestId) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT resource FROM request_record WHERE caller = ? AND method = ?"
                    + " AND request_id = ? AND create_time > ?")) {
      select.setString(1, caller);
      select.setString(2, method);
      select.setString(3, requestId);
      Sql.setInstant(select, 4, Instant.now().minus(WINDOW));
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? row.getString(1) : null;
      }
    } catch (SQLException e) {
      throw new StorageException(e);
    }
  }

  /**
   * Records the key in the caller's transaction, replacing a record older than the window.
   *
   * <p>NOTE: old records are replaced when their key is reused, never purged otherwise.
   */
  public void insert(String caller, String method, String requestId, String resource) {
    try (Connection connection = dataSource.getConnection()) {
      try (PreparedStatement delete =
          connection.prepareStatement(
              "DELETE FROM request_record WHERE caller = ? AND method = ? AND request_id = ?")) {
        delete.setString(1, caller);
        delete.setString(2, method);
        delete.setString(3, requestId);
        delete.executeUpdate();
      }
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO request_record (caller, method, request_id, resource, create_time)"
                  + " VALUES (?, ?, ?, ?, ?)")) {
        insert.setString(1, caller);
        insert.setString(2, method);
        insert.setString(3, requestId);
        insert.setString(4, resource);
        Sql.setInstant(insert, 5, Instant.now());
        insert.executeUpdate();
      }
    } catch (SQLException e) {
      throw new StorageException(e);
    }
  }
}
