package io.factorytwin.lifecycle.service;

import io.factorytwin.lifecycle.model.ConnectionElement;
import io.factorytwin.lifecycle.model.PartRef;
import io.factorytwin.lifecycle.model.PlacementElement;
import io.factorytwin.lifecycle.model.PortDomain;
import io.factorytwin.lifecycle.model.PowerPath;
import io.factorytwin.lifecycle.model.RevisionLabels;
import io.quarkus.hibernate.orm.panache.Panache;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.hibernate.Session;

/**
 * Reads and writes the placement and connection rows of design revisions with plain JDBC on the
 * connection of the current transaction, in batches, because a revision can have 10^5 of them.
 */
final class DesignStore {

  /** Rows per JDBC batch; large enough to amortize round trips, small enough for driver memory. */
  private static final int BATCH = 1000;

  private DesignStore() {}

  private interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  private static <T> T withConnection(Work<T> work) {
    var entityManager = Panache.getEntityManager();
    // Pending entity changes go first, so the rows written here see the revision row.
    entityManager.flush();
    return entityManager.unwrap(Session.class).doReturningWork(work::run);
  }

  static Map<String, PlacementElement> placements(long revisionId) {
    return withConnection(
        connection -> {
          Map<String, PlacementElement> placements = new HashMap<>();
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT id, container, part_revision, display_name, x_m, y_m, z_m, yaw_deg,"
                      + " labels FROM design_placement WHERE revision_id = ?")) {
            select.setLong(1, revisionId);
            select.setFetchSize(BATCH);
            try (ResultSet rows = select.executeQuery()) {
              Map<String, PartRef> refs = new HashMap<>();
              while (rows.next()) {
                PlacementElement placement = placement(rows, refs);
                placements.put(placement.id(), placement);
              }
            }
          }
          return placements;
        });
  }

  static Map<String, ConnectionElement> connections(long revisionId) {
    return withConnection(
        connection -> {
          Map<String, ConnectionElement> connections = new HashMap<>();
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT id, source_placement, source_port, target_placement, target_port,"
                      + " domain, power_path FROM design_connection WHERE revision_id = ?")) {
            select.setLong(1, revisionId);
            select.setFetchSize(BATCH);
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                ConnectionElement element = connection(rows);
                connections.put(element.id(), element);
              }
            }
          }
          return connections;
        });
  }

  /** Counts the placements of a revision per part revision, for the IT design power. */
  static Map<String, Long> placementsPerPart(long revisionId) {
    return withConnection(
        connection -> {
          Map<String, Long> counts = new HashMap<>();
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT part_revision, COUNT(*) FROM design_placement WHERE revision_id = ?"
                      + " GROUP BY part_revision")) {
            select.setLong(1, revisionId);
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                counts.put(rows.getString(1), rows.getLong(2));
              }
            }
          }
          return counts;
        });
  }

  /**
   * Writes element changes: deletes the rows of removed and replaced elements, then inserts the
   * replaced and added ones.
   */
  static void write(
      long revisionId,
      Collection<String> removedPlacements,
      Collection<PlacementElement> upsertedPlacements,
      Collection<String> removedConnections,
      Collection<ConnectionElement> upsertedConnections) {
    withConnection(
        connection -> {
          delete(connection, "design_connection", revisionId, removedConnections);
          delete(
              connection,
              "design_connection",
              revisionId,
              upsertedConnections.stream().map(ConnectionElement::id).toList());
          delete(connection, "design_placement", revisionId, removedPlacements);
          delete(
              connection,
              "design_placement",
              revisionId,
              upsertedPlacements.stream().map(PlacementElement::id).toList());
          insertPlacements(connection, revisionId, upsertedPlacements);
          insertConnections(connection, revisionId, upsertedConnections);
          return null;
        });
  }

  /** Copies every placement and connection of one revision into another, in two statements. */
  static void copy(long fromRevisionId, long toRevisionId) {
    withConnection(
        connection -> {
          try (PreparedStatement placements =
                  connection.prepareStatement(
                      "INSERT INTO design_placement (revision_id, id, container, part_revision,"
                          + " display_name, x_m, y_m, z_m, yaw_deg, labels) SELECT ?, id,"
                          + " container, part_revision, display_name, x_m, y_m, z_m, yaw_deg,"
                          + " labels FROM design_placement WHERE revision_id = ?");
              PreparedStatement connections =
                  connection.prepareStatement(
                      "INSERT INTO design_connection (revision_id, id, source_placement,"
                          + " source_port, target_placement, target_port, domain, power_path)"
                          + " SELECT ?, id, source_placement, source_port, target_placement,"
                          + " target_port, domain, power_path FROM design_connection"
                          + " WHERE revision_id = ?")) {
            for (PreparedStatement statement : new PreparedStatement[] {placements, connections}) {
              statement.setLong(1, toRevisionId);
              statement.setLong(2, fromRevisionId);
              statement.executeUpdate();
            }
          }
          return null;
        });
  }

  /** Deletes every element row of a revision, before the revision row itself. */
  static void deleteAll(long revisionId) {
    withConnection(
        connection -> {
          for (String table : new String[] {"design_connection", "design_placement"}) {
            try (PreparedStatement delete =
                connection.prepareStatement("DELETE FROM " + table + " WHERE revision_id = ?")) {
              delete.setLong(1, revisionId);
              delete.executeUpdate();
            }
          }
          return null;
        });
  }

  static PlacementElement placement(ResultSet rows, Map<String, PartRef> refs) throws SQLException {
    String partRevision = rows.getString(3);
    PartRef part = refs.computeIfAbsent(partRevision, DesignStore::partRef);
    return new PlacementElement(
        rows.getString(1),
        rows.getString(2),
        part,
        rows.getString(4),
        rows.getDouble(5),
        rows.getDouble(6),
        rows.getDouble(7),
        rows.getDouble(8),
        rows.getBytes(9));
  }

  static ConnectionElement connection(ResultSet rows) throws SQLException {
    return new ConnectionElement(
        rows.getString(1),
        rows.getString(2),
        rows.getString(3),
        rows.getString(4),
        rows.getString(5),
        PortDomain.valueOf(rows.getString(6)),
        PowerPath.valueOf(rows.getString(7)));
  }

  /** Parses a stored part revision name, which the service wrote from a PartRef. */
  static PartRef partRef(String name) {
    String[] segments = name.split("/");
    return new PartRef(segments[1], RevisionLabels.number(segments[3]));
  }

  private static void delete(
      Connection connection, String table, long revisionId, Collection<String> ids)
      throws SQLException {
    if (ids.isEmpty()) {
      return;
    }
    try (PreparedStatement delete =
        connection.prepareStatement("DELETE FROM " + table + " WHERE revision_id = ? AND id = ?")) {
      int pending = 0;
      for (String id : ids) {
        delete.setLong(1, revisionId);
        delete.setString(2, id);
        delete.addBatch();
        if (++pending == BATCH) {
          delete.executeBatch();
          pending = 0;
        }
      }
      if (pending > 0) {
        delete.executeBatch();
      }
    }
  }

  private static void insertPlacements(
      Connection connection, long revisionId, Collection<PlacementElement> placements)
      throws SQLException {
    if (placements.isEmpty()) {
      return;
    }
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO design_placement (revision_id, id, container, part_revision,"
                + " display_name, x_m, y_m, z_m, yaw_deg, labels)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      int pending = 0;
      for (PlacementElement placement : placements) {
        insert.setLong(1, revisionId);
        insert.setString(2, placement.id());
        insert.setString(3, placement.container());
        insert.setString(4, placement.part().name());
        insert.setString(5, placement.displayName());
        insert.setDouble(6, placement.xM());
        insert.setDouble(7, placement.yM());
        insert.setDouble(8, placement.zM());
        insert.setDouble(9, placement.yawDeg());
        insert.setBytes(10, placement.labels());
        insert.addBatch();
        if (++pending == BATCH) {
          insert.executeBatch();
          pending = 0;
        }
      }
      if (pending > 0) {
        insert.executeBatch();
      }
    }
  }

  private static void insertConnections(
      Connection connection, long revisionId, Collection<ConnectionElement> connections)
      throws SQLException {
    if (connections.isEmpty()) {
      return;
    }
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO design_connection (revision_id, id, source_placement, source_port,"
                + " target_placement, target_port, domain, power_path)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      int pending = 0;
      for (ConnectionElement element : connections) {
        insert.setLong(1, revisionId);
        insert.setString(2, element.id());
        insert.setString(3, element.sourcePlacement());
        insert.setString(4, element.sourcePort());
        insert.setString(5, element.targetPlacement());
        insert.setString(6, element.targetPort());
        insert.setString(7, element.domain().name());
        insert.setString(8, element.powerPath().name());
        insert.addBatch();
        if (++pending == BATCH) {
          insert.executeBatch();
          pending = 0;
        }
      }
      if (pending > 0) {
        insert.executeBatch();
      }
    }
  }
}
