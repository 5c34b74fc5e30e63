package io.factorytwin.lifecycle.service;

import io.quarkus.hibernate.orm.panache.Panache;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.hibernate.Session;

/**
 * The rows of {@code publication_outbox}, read and written with plain JDBC on the connection of the
 * current transaction. A row exists while its publication is PENDING; its due_time is when a relay
 * may take it next.
 */
final class PublicationOutbox {

  private PublicationOutbox() {}

  private interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  private static <T> T withConnection(Work<T> work) {
    var entityManager = Panache.getEntityManager();
    // The publication row goes first, so the outbox row's foreign key finds it.
    entityManager.flush();
    return entityManager.unwrap(Session.class).doReturningWork(work::run);
  }

  static void insert(long publicationId, Instant due) {
    withConnection(
        connection -> {
          try (PreparedStatement insert =
              connection.prepareStatement(
                  "INSERT INTO publication_outbox (publication_id, due_time, create_time)"
                      + " VALUES (?, ?, ?)")) {
            insert.setLong(1, publicationId);
            insert.setObject(2, offset(due));
            insert.setObject(3, offset(due));
            insert.executeUpdate();
          }
          return null;
        });
  }

  /**
   * Locks up to limit rows that are due at the given time, oldest first, and returns their
   * publication ids. Rows that another transaction holds are skipped, so concurrent relays never
   * take the same row. PostgreSQL and H2 (2.3 and later) both accept {@code FOR UPDATE SKIP
   * LOCKED}.
   */
  static List<Long> lockDue(Instant now, int limit) {
    return withConnection(
        connection -> {
          List<Long> ids = new ArrayList<>();
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT publication_id FROM publication_outbox WHERE due_time <= ?"
                      + " ORDER BY due_time LIMIT ? FOR UPDATE SKIP LOCKED")) {
            select.setObject(1, offset(now));
            select.setInt(2, limit);
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                ids.add(rows.getLong(1));
              }
            }
          }
          return ids;
        });
  }

  static void reschedule(long publicationId, Instant due) {
    withConnection(
        connection -> {
          try (PreparedStatement update =
              connection.prepareStatement(
                  "UPDATE publication_outbox SET due_time = ? WHERE publication_id = ?")) {
            update.setObject(1, offset(due));
            update.setLong(2, publicationId);
            update.executeUpdate();
          }
          return null;
        });
  }

  static void delete(long publicationId) {
    withConnection(
        connection -> {
          try (PreparedStatement delete =
              connection.prepareStatement(
                  "DELETE FROM publication_outbox WHERE publication_id = ?")) {
            delete.setLong(1, publicationId);
            delete.executeUpdate();
          }
          return null;
        });
  }

  private static OffsetDateTime offset(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
