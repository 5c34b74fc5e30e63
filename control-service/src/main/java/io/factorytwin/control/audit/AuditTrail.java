package io.factorytwin.control.audit;

import io.agroal.api.AgroalDataSource;
import io.factorytwin.control.repository.FilterSql;
import io.factorytwin.support.filter.Filter;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The append-only audit trail. Each entry's hash is SHA-256 over the previous entry's hash and the
 * UTF-8 bytes of its canonical JSON payload; the first entry follows 32 zero bytes.
 *
 * <p>Appends run inside the caller's transaction and lock the one row of {@code audit_head} with
 * {@code SELECT ... FOR UPDATE}, so appends from every replica on one database take turns and the
 * chain never forks. This class only inserts entries; no code in the service updates or deletes
 * one.
 */
@ApplicationScoped
public class AuditTrail {

  /** The fields a ListAuditEntries filter names, with their columns. */
  public static final Map<String, Filter.Field> FILTER_FIELDS =
      Map.of(
          "sequence",
          Filter.Field.integer("sequence"),
          "kind",
          Filter.Field.enumeration(
              "kind", "KIND_", Arrays.stream(AuditKind.values()).map(Enum::name).toList()),
          "actor",
          Filter.Field.text("actor"),
          "subject",
          Filter.Field.text("subject"),
          "create_time",
          Filter.Field.timestamp("create_time"));

  /** The actor of entries that the service writes by itself, such as lease expiries. */
  public static final String SERVICE_ACTOR = "control-service";

  static final byte[] ZERO_HASH = new byte[32];

  private final AgroalDataSource dataSource;

  AuditTrail(AgroalDataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * Appends an entry in the current transaction and returns its sequence.
   *
   * @param facilityTime the twin's facility clock, or null when the entry concerns no twin
   * @param details what changed; values as {@link CanonicalJson} accepts them
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public long append(
      AuditKind kind,
      String actor,
      String subject,
      Instant facilityTime,
      Map<String, Object> details) {
    try (Connection connection = dataSource.getConnection()) {
      Batch batch = begin(connection);
      long sequence = batch.append(kind, actor, subject, facilityTime, details);
      batch.finish();
      return sequence;
    } catch (SQLException e) {
      throw new AuditStorageException(e);
    }
  }

  /**
   * Locks the chain head on the connection, whose transaction the caller manages, and returns a
   * batch that appends entries after it. The head stays locked until that transaction ends, and
   * {@link Batch#finish} must run before the commit.
   */
  public static Batch begin(Connection connection) throws SQLException {
    try (PreparedStatement lock =
            connection.prepareStatement(
                "SELECT sequence, hash_hex FROM audit_head WHERE id = 1 FOR UPDATE");
        ResultSet head = lock.executeQuery()) {
      if (!head.next()) {
        throw new IllegalStateException("audit_head has no row; the migration did not run");
      }
      return new Batch(connection, head.getLong(1), HexFormat.of().parseHex(head.getString(2)));
    }
  }

  /**
   * Entries appended under one lock of the chain head: each is hashed as it is appended, the rows
   * are sent in one JDBC batch and the head moves once, so many entries cost a few round trips.
   */
  public static final class Batch {
    private final Connection connection;
    private final PreparedStatement insert;
    private long sequence;
    private byte[] hash;
    private int pending;

    private Batch(Connection connection, long sequence, byte[] hash) throws SQLException {
      this.connection = connection;
      this.sequence = sequence;
      this.hash = hash;
      insert =
          connection.prepareStatement(
              "INSERT INTO audit_entry (sequence, kind, actor, subject, create_time,"
                  + " facility_time, payload_json, previous_hash, hash)"
                  + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    }

    /**
     * Adds an entry after the previous one and returns its sequence.
     *
     * @param facilityTime the twin's facility clock, or null when the entry concerns no twin
     * @param details what changed; values as {@link CanonicalJson} accepts them
     */
    public long append(
        AuditKind kind,
        String actor,
        String subject,
        Instant facilityTime,
        Map<String, Object> details)
        throws SQLException {
      long next = sequence + 1;
      Instant createTime = Instant.now().truncatedTo(ChronoUnit.MICROS);
      Instant facility = facilityTime == null ? null : facilityTime.truncatedTo(ChronoUnit.MICROS);
      String payload =
          CanonicalJson.write(payload(next, kind, actor, subject, createTime, facility, details));
      byte[] nextHash = hash(hash, payload);
      insert.setLong(1, next);
      insert.setString(2, kind.name());
      insert.setString(3, actor);
      insert.setString(4, subject);
      insert.setTimestamp(5, Timestamp.from(createTime));
      insert.setTimestamp(6, facility == null ? null : Timestamp.from(facility));
      insert.setString(7, payload);
      insert.setBytes(8, hash);
      insert.setBytes(9, nextHash);
      insert.addBatch();
      pending++;
      sequence = next;
      hash = nextHash;
      Log.debugf("audit entry %d: %s %s by %s", next, kind, subject, actor);
      return next;
    }

    /** Writes the appended entries and moves the chain head to the last of them. */
    public void finish() throws SQLException {
      try (insert) {
        if (pending == 0) {
          return;
        }
        insert.executeBatch();
        try (PreparedStatement move =
            connection.prepareStatement(
                "UPDATE audit_head SET sequence = ?, hash_hex = ? WHERE id = 1")) {
          move.setLong(1, sequence);
          move.setString(2, HexFormat.of().formatHex(hash));
          move.executeUpdate();
        }
      }
    }
  }

  /**
   * Returns the top-level payload object: the entry's columns and its details. The columns are
   * inside the hashed bytes, so a change to a column alone is found by comparing it with them.
   */
  static Map<String, Object> payload(
      long sequence,
      AuditKind kind,
      String actor,
      String subject,
      Instant createTime,
      Instant facilityTime,
      Map<String, Object> details) {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("sequence", sequence);
    payload.put("kind", kind.name());
    payload.put("actor", actor);
    payload.put("subject", subject);
    payload.put("create_time", createTime.toString());
    if (facilityTime != null) {
      payload.put("facility_time", facilityTime.toString());
    }
    payload.put("details", details);
    return payload;
  }

  /** Returns SHA-256 of the previous hash followed by the UTF-8 bytes of the payload. */
  static byte[] hash(byte[] previousHash, String payloadJson) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(previousHash);
      digest.update(payloadJson.getBytes(StandardCharsets.UTF_8));
      return digest.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  /** Returns the newest entry's sequence and hash as stored in the chain head. */
  public Head head() {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select =
            connection.prepareStatement("SELECT sequence, hash_hex FROM audit_head WHERE id = 1");
        ResultSet row = select.executeQuery()) {
      row.next();
      return new Head(row.getLong(1), HexFormat.of().parseHex(row.getString(2)));
    } catch (SQLException e) {
      throw new AuditStorageException(e);
    }
  }

  /** Returns the entry with the sequence, or null. */
  public AuditEntryRecord find(long sequence) {
    List<AuditEntryRecord> entries = new ArrayList<>();
    read("WHERE sequence = ?", sequence, FilterSql.NONE, 1, entries::add);
    return entries.isEmpty() ? null : entries.getFirst();
  }

  /** Returns up to limit entries with a sequence greater than after, in ascending order. */
  public List<AuditEntryRecord> page(long after, int limit) {
    return page(after, FilterSql.NONE, limit);
  }

  /** Returns up to limit entries that match the filter after the sequence, in ascending order. */
  public List<AuditEntryRecord> page(long after, FilterSql filter, int limit) {
    List<AuditEntryRecord> entries = new ArrayList<>();
    read("WHERE sequence > ?" + filter.and(), after, filter, limit, entries::add);
    return entries;
  }

  /** Visits every entry in ascending sequence, reading in batches. */
  public void forEach(Consumer<AuditEntryRecord> visitor) {
    long after = 0;
    while (true) {
      List<AuditEntryRecord> batch = page(after, 1000);
      batch.forEach(visitor);
      if (batch.size() < 1000) {
        return;
      }
      after = batch.getLast().sequence();
    }
  }

  private void read(
      String where, long key, FilterSql filter, int limit, Consumer<AuditEntryRecord> visitor) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT sequence, kind, actor, subject, create_time, facility_time, payload_json,"
                    + " previous_hash, hash FROM audit_entry "
                    + where
                    + " ORDER BY sequence LIMIT ?")) {
      select.setLong(1, key);
      select.setInt(filter.bind(select, 2), limit);
      try (ResultSet row = select.executeQuery()) {
        while (row.next()) {
          Timestamp facility = row.getTimestamp(6);
          visitor.accept(
              new AuditEntryRecord(
                  row.getLong(1),
                  kind(row.getString(2)),
                  row.getString(3),
                  row.getString(4),
                  row.getTimestamp(5).toInstant(),
                  facility == null ? null : facility.toInstant(),
                  row.getString(7),
                  row.getBytes(8),
                  row.getBytes(9)));
        }
      }
    } catch (SQLException e) {
      throw new AuditStorageException(e);
    }
  }

  /** Returns the kind stored in a row, or null for a value that names no kind. */
  private static AuditKind kind(String stored) {
    try {
      return AuditKind.valueOf(stored);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The newest entry: its sequence (0 for an empty trail) and hash (zeros for an empty trail). */
  public record Head(long sequence, byte[] hash) {}

  /** A database failure while reading or writing the trail. */
  public static final class AuditStorageException extends RuntimeException {
    AuditStorageException(SQLException cause) {
      super("the audit trail could not be read or written", cause);
    }
  }
}
