package io.factorytwin.twin.service;

import com.google.protobuf.InvalidProtocolBufferException;
import io.factorytwin.common.v1.OperatingSetpoints;
import io.factorytwin.common.v1.Site;
import io.factorytwin.twin.v1.DesignChunk;
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
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Twins and twin revisions in the database, through plain JDBC: a revision of a million nodes is
 * stored as its design chunks in one batch, which an ORM would only slow down.
 */
@ApplicationScoped
public class TwinStore {

  /** A twin row. */
  public record TwinRow(
      String id,
      String displayName,
      String design,
      String activeRevision,
      long version,
      Instant createTime,
      Instant updateTime) {}

  /** A twin revision row, without its chunks. */
  public record RevisionRow(
      String twinId,
      String revisionId,
      String designRevision,
      Site site,
      OperatingSetpoints setpoints,
      long nodeCount,
      long edgeCount,
      long pointCount,
      int chunkCount,
      Instant createTime,
      Instant activateTime) {}

  private static final String TWIN_COLUMNS =
      "id, display_name, design, active_revision, version, create_time, update_time";
  private static final String REVISION_COLUMNS =
      "twin_id, revision_id, design_revision, site, setpoints, node_count, edge_count,"
          + " point_count, chunk_count, create_time, activate_time";

  private final DataSource dataSource;

  TwinStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  public Optional<TwinRow> twin(String twinId) {
    return one("SELECT " + TWIN_COLUMNS + " FROM twin WHERE id = ?", TwinStore::twinRow, twinId);
  }

  public List<TwinRow> twins() {
    return many("SELECT " + TWIN_COLUMNS + " FROM twin ORDER BY id", TwinStore::twinRow);
  }

  public Optional<RevisionRow> revision(String twinId, String revisionId) {
    return one(
        "SELECT " + REVISION_COLUMNS + " FROM twin_revision WHERE twin_id = ? AND revision_id = ?",
        TwinStore::revisionRow,
        twinId,
        revisionId);
  }

  public Optional<RevisionRow> revisionOfDesign(String twinId, String designRevision) {
    return one(
        "SELECT "
            + REVISION_COLUMNS
            + " FROM twin_revision WHERE twin_id = ? AND design_revision = ?",
        TwinStore::revisionRow,
        twinId,
        designRevision);
  }

  public List<RevisionRow> revisions(String twinId) {
    return many(
        "SELECT "
            + REVISION_COLUMNS
            + " FROM twin_revision WHERE twin_id = ? ORDER BY create_time, revision_id",
        TwinStore::revisionRow,
        twinId);
  }

  /** The design chunks of a revision in sequence order. */
  public List<DesignChunk> chunks(String twinId, String revisionId) {
    return many(
        "SELECT payload FROM twin_revision_chunk WHERE twin_id = ? AND revision_id = ?"
            + " ORDER BY sequence",
        rs -> {
          try {
            return DesignChunk.parseFrom(rs.getBytes(1));
          } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("stored design chunk does not parse", e);
          }
        },
        twinId,
        revisionId);
  }

  /**
   * Stores a new revision with its chunks, and creates the twin with this revision active when the
   * twin does not exist yet. Runs in one transaction: a crash leaves either all of it or nothing.
   *
   * @param activate whether an existing twin switches to the new revision
   * @throws SQLException a unique violation when another call stored the same twin or design
   *     revision first
   */
  @Transactional(rollbackOn = Exception.class)
  public void insertRevision(
      RevisionRow revision, String design, List<DesignChunk> chunks, boolean activate)
      throws SQLException {
    Instant now = revision.createTime();
    try (Connection connection = dataSource.getConnection()) {
      Optional<TwinRow> existing = twin(revision.twinId());
      boolean active = existing.isEmpty() || activate;
      if (existing.isEmpty()) {
        try (PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO twin (" + TWIN_COLUMNS + ") VALUES (?, ?, ?, ?, 1, ?, ?)")) {
          insert.setString(1, revision.twinId());
          insert.setString(2, revision.site().getDisplayName());
          insert.setString(3, design);
          insert.setString(4, revision.revisionId());
          insert.setTimestamp(5, Timestamp.from(now));
          insert.setTimestamp(6, Timestamp.from(now));
          insert.executeUpdate();
        }
      }
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO twin_revision ("
                  + REVISION_COLUMNS
                  + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        insert.setString(1, revision.twinId());
        insert.setString(2, revision.revisionId());
        insert.setString(3, revision.designRevision());
        insert.setBytes(4, revision.site().toByteArray());
        insert.setBytes(5, revision.setpoints().toByteArray());
        insert.setLong(6, revision.nodeCount());
        insert.setLong(7, revision.edgeCount());
        insert.setLong(8, revision.pointCount());
        insert.setInt(9, revision.chunkCount());
        insert.setTimestamp(10, Timestamp.from(now));
        insert.setTimestamp(11, active ? Timestamp.from(now) : null);
        insert.executeUpdate();
      }
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO twin_revision_chunk (twin_id, revision_id, sequence, payload)"
                  + " VALUES (?, ?, ?, ?)")) {
        int batched = 0;
        for (DesignChunk chunk : chunks) {
          insert.setString(1, revision.twinId());
          insert.setString(2, revision.revisionId());
          insert.setInt(3, (int) chunk.getSequence());
          insert.setBytes(4, chunk.toByteArray());
          insert.addBatch();
          if (++batched % 64 == 0) {
            insert.executeBatch();
          }
        }
        insert.executeBatch();
      }
      if (existing.isPresent() && activate) {
        switchActive(connection, existing.get(), revision.revisionId(), now);
      }
    }
  }

  /**
   * Makes a revision active when the twin's version still matches.
   *
   * @return false when the version moved on
   */
  @Transactional(rollbackOn = Exception.class)
  public boolean activate(TwinRow twin, String revisionId, Instant now) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      return switchActive(connection, twin, revisionId, now);
    }
  }

  private static boolean switchActive(
      Connection connection, TwinRow twin, String revisionId, Instant now) throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE twin SET active_revision = ?, version = version + 1, update_time = ?"
                + " WHERE id = ? AND version = ?")) {
      update.setString(1, revisionId);
      update.setTimestamp(2, Timestamp.from(now));
      update.setString(3, twin.id());
      update.setLong(4, twin.version());
      if (update.executeUpdate() != 1) {
        return false;
      }
    }
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE twin_revision SET activate_time = ? WHERE twin_id = ? AND revision_id = ?")) {
      update.setTimestamp(1, Timestamp.from(now));
      update.setString(2, twin.id());
      update.setString(3, revisionId);
      update.executeUpdate();
    }
    return true;
  }

  private static TwinRow twinRow(ResultSet rs) throws SQLException {
    return new TwinRow(
        rs.getString(1),
        rs.getString(2),
        rs.getString(3),
        rs.getString(4),
        rs.getLong(5),
        rs.getTimestamp(6).toInstant(),
        rs.getTimestamp(7).toInstant());
  }

  private static RevisionRow revisionRow(ResultSet rs) throws SQLException {
    try {
      Timestamp activated = rs.getTimestamp(11);
      return new RevisionRow(
          rs.getString(1),
          rs.getString(2),
          rs.getString(3),
          Site.parseFrom(rs.getBytes(4)),
          OperatingSetpoints.parseFrom(rs.getBytes(5)),
          rs.getLong(6),
          rs.getLong(7),
          rs.getLong(8),
          rs.getInt(9),
          rs.getTimestamp(10).toInstant(),
          activated == null ? null : activated.toInstant());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("stored revision does not parse", e);
    }
  }

  /** Reads one row of a result set. */
  @FunctionalInterface
  interface RowReader<T> {
    T read(ResultSet rs) throws SQLException;
  }

  <T> Optional<T> one(String sql, RowReader<T> reader, Object... parameters) {
    List<T> rows = many(sql, reader, parameters);
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }

  <T> List<T> many(String sql, RowReader<T> reader, Object... parameters) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        statement.setObject(i + 1, parameters[i]);
      }
      try (ResultSet rs = statement.executeQuery()) {
        List<T> rows = new ArrayList<>();
        while (rs.next()) {
          rows.add(reader.read(rs));
        }
        return rows;
      }
    } catch (SQLException e) {
      throw new DatabaseException(e);
    }
  }
}
