package io.factorytwin.twin.service;

import io.factorytwin.twin.graph.TwinGraph.ObservedEdge;
import io.factorytwin.twin.v1.EdgeKind;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** The observed edges of each twin in the table {@code observed_edge}, through plain JDBC. */
@ApplicationScoped
public class ObservedEdgeStore {

  /**
   * The observed edges of a twin and their number, which serves as their version: rows are never
   * deleted, so the number grows with every stored edge, whatever order transactions commit in.
   */
  public record Snapshot(List<ObservedEdge> edges, long version) {}

  private final DataSource dataSource;

  ObservedEdgeStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * Stores, in one transaction, the edges that the twin has not recorded yet. An edge stored before
   * keeps its first observer.
   *
   * @return the number of edges stored
   */
  @Transactional(rollbackOn = Exception.class)
  public int insert(String twinId, List<ObservedEdge> edges, Instant now) throws SQLException {
    int created = 0;
    try (Connection connection = dataSource.getConnection();
        PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO observed_edge"
                    + " (twin_id, kind, source_node, target_node, observer, create_time)"
                    + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
      for (ObservedEdge edge : edges) {
        insert.setString(1, twinId);
        insert.setInt(2, edge.kind().getNumber());
        insert.setString(3, edge.source());
        insert.setString(4, edge.target());
        insert.setString(5, edge.observer());
        insert.setTimestamp(6, Timestamp.from(now));
        created += insert.executeUpdate();
      }
    }
    return created;
  }

  /** Returns every observed edge of a twin in the order they were stored. */
  public Snapshot all(String twinId) {
    List<ObservedEdge> edges = new ArrayList<>();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT id, kind, source_node, target_node, observer FROM observed_edge"
                    + " WHERE twin_id = ? ORDER BY id")) {
      select.setString(1, twinId);
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          EdgeKind kind = EdgeKind.forNumber(rs.getInt(2));
          if (kind == null) {
            throw new IllegalStateException(
                "observed_edge " + rs.getLong(1) + " has an unknown edge kind " + rs.getInt(2));
          }
          edges.add(new ObservedEdge(kind, rs.getString(3), rs.getString(4), rs.getString(5)));
        }
      }
    } catch (SQLException e) {
      throw new DatabaseException(e);
    }
    return new Snapshot(List.copyOf(edges), edges.size());
  }

  /** Returns the number of a twin's observed edges, their version in {@link Snapshot}. */
  public long version(String twinId) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select =
            connection.prepareStatement("SELECT COUNT(*) FROM observed_edge WHERE twin_id = ?")) {
      select.setString(1, twinId);
      try (ResultSet rs = select.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new DatabaseException(e);
    }
  }
}
