package io.factorytwin.control.repository;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** Row locks per point in {@code point_lock}, held until the caller's transaction ends. */
@ApplicationScoped
public class PointLocks {

  private final AgroalDataSource dataSource;

  PointLocks(AgroalDataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Locks the point's row, creating it first, and waits while another transaction holds it. */
  @Transactional(Transactional.TxType.MANDATORY)
  public void lock(String point) {
    try (Connection connection = dataSource.getConnection()) {
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO point_lock (point) VALUES (?) ON CONFLICT DO NOTHING")) {
        insert.setString(1, point);
        insert.executeUpdate();
      }
      try (PreparedStatement select =
          connection.prepareStatement("SELECT point FROM point_lock WHERE point = ? FOR UPDATE")) {
        select.setString(1, point);
        select.executeQuery().close();
      }
    } catch (SQLException e) {
      throw new StorageException(e);
    }
  }
}
