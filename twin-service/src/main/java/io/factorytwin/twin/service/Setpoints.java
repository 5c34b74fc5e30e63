package io.factorytwin.twin.service;

import io.factorytwin.support.error.EtagMismatchException;
import io.factorytwin.support.error.InvalidArgumentException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Desired values of setpoint points and their history. A point that was never written holds its
 * revision's default at version 1; each applied change adds one to the version.
 */
@ApplicationScoped
public class Setpoints {

  /** The current desired value of a written point. */
  public record Value(double value, long version, Instant facilityTime) {}

  /** One applied change. */
  public record Change(
      long id,
      String twinId,
      String pointId,
      double value,
      double previousValue,
      long version,
      Instant facilityTime,
      Instant requestedFacilityTime,
      Instant applyTime,
      String action,
      String requestId,
      String writer) {}

  /** What a writer asks for. */
  public record Request(
      String twinId,
      String pointId,
      double value,
      long expectedVersion,
      double defaultValue,
      String requestId,
      String action,
      Instant requestedFacilityTime,
      Instant facilityTime,
      String writer) {}

  private static final String CHANGE_COLUMNS =
      "id, twin_id, point_id, desired_value, previous_value, version, facility_time,"
          + " requested_facility_time, apply_time, action, request_id, writer";

  private final DataSource dataSource;

  Setpoints(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** The written value of a point, if it was ever written. */
  public Optional<Value> value(String twinId, String pointId) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT desired_value, version, facility_time FROM setpoint_value"
                    + " WHERE twin_id = ? AND point_id = ?")) {
      select.setString(1, twinId);
      select.setString(2, pointId);
      try (ResultSet rs = select.executeQuery()) {
        return rs.next() ? Optional.of(value(rs)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new DatabaseException(e);
    }
  }

  /** Returns every written value of a twin by point id. */
  public Map<String, Value> values(String twinId) {
    return select(twinId, List.of());
  }

  /** Returns the written values of the named points of a twin, keyed by point id. */
  public Map<String, Value> values(String twinId, List<String> pointIds) {
    if (pointIds.isEmpty()) {
      return Map.of();
    }
    return select(twinId, pointIds);
  }

  /** Selects the twin's written values, of every point when pointIds is empty. */
  private Map<String, Value> select(String twinId, List<String> pointIds) {
    Map<String, Value> values = new HashMap<>();
    String only =
        pointIds.isEmpty() ? "" : " AND point_id IN (" + placeholders(pointIds.size()) + ")";
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT point_id, desired_value, version, facility_time FROM setpoint_value"
                    + " WHERE twin_id = ?"
                    + only)) {
      select.setString(1, twinId);
      for (int i = 0; i < pointIds.size(); i++) {
        select.setString(i + 2, pointIds.get(i));
      }
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          Timestamp time = rs.getTimestamp(4);
          values.put(
              rs.getString(1),
              new Value(rs.getDouble(2), rs.getLong(3), time == null ? null : time.toInstant()));
        }
      }
      return values;
    } catch (SQLException e) {
      throw new DatabaseException(e);
    }
  }

  /**
   * Applies a change with compare-and-set on the version, or returns the change an earlier call
   * with the same request id made.
   */
  @Transactional(rollbackOn = Exception.class)
  public Change apply(Request request) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      return apply(connection, request);
    }
  }

  /**
   * Applies several changes to the distinct points of one twin in one transaction, all of them or
   * none. A failure of one change rolls back the others; an invalid argument names its item as
   * {@code requests[i].}.
   *
   * <p>The statements cover the whole batch: one query for earlier request ids, one that locks the
   * points' rows in point order, one batch of updates, one of history rows and one query that reads
   * the history rows back. Only a point written for the first time costs an insert of its own. A
   * statement per change made twin-service the slowest step of a batched proposal.
   */
  @Transactional(rollbackOn = Exception.class)
  public List<Change> applyAll(List<Request> requests) throws SQLException {
    if (requests.isEmpty()) {
      return List.of();
    }
    String twinId = requests.getFirst().twinId();
    Set<String> pointIds = new LinkedHashSet<>();
    for (Request request : requests) {
      if (!request.twinId().equals(twinId) || !pointIds.add(request.pointId())) {
        throw new IllegalArgumentException("a batch names distinct points of one twin");
      }
    }
    try (Connection connection = dataSource.getConnection()) {
      Map<String, Change> earlier =
          byRequests(connection, twinId, requests.stream().map(Request::requestId).toList());
      Map<String, Value> current = lockValues(connection, twinId, List.copyOf(pointIds));
      // Each item is either an earlier change, returned again, or a fresh request written below.
      Object[] outcomes = new Object[requests.size()];
      Map<String, Request> fresh = new LinkedHashMap<>();
      List<Request> created = new ArrayList<>();
      List<Request> updated = new ArrayList<>();
      Map<String, Double> previous = new HashMap<>();
      for (int i = 0; i < requests.size(); i++) {
        Request request = requests.get(i);
        Change stored = earlier.get(request.requestId());
        Request sameId = fresh.get(request.requestId());
        if (stored != null || sameId != null) {
          String earlierPoint = stored != null ? stored.pointId() : sameId.pointId();
          double earlierValue = stored != null ? stored.value() : sameId.value();
          if (!earlierPoint.equals(request.pointId()) || earlierValue != request.value()) {
            throw requestIdReused().under("requests[" + i + "].");
          }
          outcomes[i] = stored != null ? stored : request.requestId();
          continue;
        }
        Value value = current.get(request.pointId());
        long version = value == null ? 1 : value.version();
        if (version != request.expectedVersion()) {
          throw versionMismatch(request, version);
        }
        previous.put(request.requestId(), value == null ? request.defaultValue() : value.value());
        (value == null ? created : updated).add(request);
        fresh.put(request.requestId(), request);
        outcomes[i] = request.requestId();
      }
      if (!fresh.isEmpty()) {
        for (Request request : created) {
          insertValue(connection, request);
        }
        updateValues(connection, updated);
        insertChanges(connection, fresh.values(), previous);
        earlier.putAll(byRequests(connection, twinId, List.copyOf(fresh.keySet())));
      }
      List<Change> changes = new ArrayList<>(outcomes.length);
      for (Object outcome : outcomes) {
        changes.add(outcome instanceof Change change ? change : earlier.get((String) outcome));
      }
      return changes;
    }
  }

  /** Returns the stored changes of a twin under the request ids, keyed by request id. */
  private static Map<String, Change> byRequests(
      Connection connection, String twinId, List<String> requestIds) throws SQLException {
    Map<String, Change> changes = new HashMap<>();
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT "
                + CHANGE_COLUMNS
                + " FROM setpoint_change WHERE (twin_id, request_id) IN ("
                + pairs(requestIds.size())
                + ")")) {
      bindPairs(select, twinId, requestIds);
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          Change change = change(rs);
          changes.put(change.requestId(), change);
        }
      }
    }
    return changes;
  }

  /**
   * Locks the written points' rows and returns their values by point id. Rows are locked in point
   * order, so two batches that share points cannot each hold a row the other waits for.
   */
  private static Map<String, Value> lockValues(
      Connection connection, String twinId, List<String> pointIds) throws SQLException {
    Map<String, Value> values = new HashMap<>();
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT desired_value, version, facility_time, point_id FROM setpoint_value"
                + " WHERE (twin_id, point_id) IN ("
                + pairs(pointIds.size())
                + ") ORDER BY point_id FOR UPDATE")) {
      bindPairs(select, twinId, pointIds);
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          values.put(rs.getString(4), value(rs));
        }
      }
    }
    return values;
  }

  /** Inserts the first value of a point that was never written, at version 2. */
  private static void insertValue(Connection connection, Request request) throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO setpoint_value (twin_id, point_id, desired_value, version, facility_time)"
                + " VALUES (?, ?, ?, ?, ?)")) {
      insert.setString(1, request.twinId());
      insert.setString(2, request.pointId());
      insert.setDouble(3, request.value());
      insert.setLong(4, 2);
      insert.setTimestamp(5, timestamp(request.facilityTime()));
      insert.executeUpdate();
    } catch (SQLException e) {
      if (DatabaseException.isUniqueViolation(e)) {
        // Another writer created the row first: the version moved on under us.
        throw versionMismatch(request, 2);
      }
      throw e;
    }
  }

  /** Moves each locked point from its expected version to the next. */
  private static void updateValues(Connection connection, List<Request> requests)
      throws SQLException {
    if (requests.isEmpty()) {
      return;
    }
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE setpoint_value SET desired_value = ?, version = ?, facility_time = ?"
                + " WHERE twin_id = ? AND point_id = ? AND version = ?")) {
      for (Request request : requests) {
        update.setDouble(1, request.value());
        update.setLong(2, request.expectedVersion() + 1);
        update.setTimestamp(3, timestamp(request.facilityTime()));
        update.setString(4, request.twinId());
        update.setString(5, request.pointId());
        update.setLong(6, request.expectedVersion());
        update.addBatch();
      }
      int[] counts = update.executeBatch();
      for (int i = 0; i < counts.length; i++) {
        // The rows are locked, so a count other than one means the row changed before the lock.
        if (counts[i] != 1 && counts[i] != Statement.SUCCESS_NO_INFO) {
          throw versionMismatch(requests.get(i), requests.get(i).expectedVersion() + 1);
        }
      }
    }
  }

  /** Adds one history row per fresh request. */
  private static void insertChanges(
      Connection connection, Collection<Request> requests, Map<String, Double> previous)
      throws SQLException {
    Timestamp now = Timestamp.from(Instant.now());
    try (PreparedStatement insert = connection.prepareStatement(INSERT_CHANGE)) {
      for (Request request : requests) {
        bindChange(insert, request, previous.get(request.requestId()), now);
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  private static final String INSERT_CHANGE =
      "INSERT INTO setpoint_change (twin_id, point_id, desired_value, previous_value, version,"
          + " facility_time, requested_facility_time, apply_time, action, request_id, writer)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

  private static void bindChange(
      PreparedStatement insert, Request request, double previous, Timestamp now)
      throws SQLException {
    insert.setString(1, request.twinId());
    insert.setString(2, request.pointId());
    insert.setDouble(3, request.value());
    insert.setDouble(4, previous);
    insert.setLong(5, request.expectedVersion() + 1);
    insert.setTimestamp(6, timestamp(request.facilityTime()));
    insert.setTimestamp(7, timestamp(request.requestedFacilityTime()));
    insert.setTimestamp(8, now);
    insert.setString(9, request.action());
    insert.setString(10, request.requestId());
    insert.setString(11, request.writer());
  }

  private static InvalidArgumentException requestIdReused() {
    return new InvalidArgumentException(
        "REQUEST_ID_REUSED",
        List.of(
            new InvalidArgumentException.FieldViolation(
                "request_id", "was used for another point or value; send a new request_id")));
  }

  /**
   * Returns {@code (?, ?)} pairs for a row-value IN list. H2 2.4 uses a two-column index for an IN
   * list of both columns, but {@code twin_id = ? AND request_id IN (...)} scanned every change of
   * the twin (EXPLAIN ANALYZE: 4 rows scanned against 50,000).
   */
  private static String pairs(int count) {
    return String.join(", ", Collections.nCopies(count, "(?, ?)"));
  }

  private static void bindPairs(PreparedStatement select, String twinId, List<String> keys)
      throws SQLException {
    for (int i = 0; i < keys.size(); i++) {
      select.setString(2 * i + 1, twinId);
      select.setString(2 * i + 2, keys.get(i));
    }
  }

  private static String placeholders(int count) {
    return String.join(", ", Collections.nCopies(count, "?"));
  }

  private Change apply(Connection connection, Request request) throws SQLException {
    Optional<Change> earlier = byRequest(connection, request.twinId(), request.requestId());
    if (earlier.isPresent()) {
      Change change = earlier.get();
      if (!change.pointId().equals(request.pointId()) || change.value() != request.value()) {
        throw requestIdReused();
      }
      return change;
    }
    Value current;
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT desired_value, version, facility_time FROM setpoint_value"
                + " WHERE twin_id = ? AND point_id = ? FOR UPDATE")) {
      select.setString(1, request.twinId());
      select.setString(2, request.pointId());
      try (ResultSet rs = select.executeQuery()) {
        current = rs.next() ? value(rs) : null;
      }
    }
    long version = current == null ? 1 : current.version();
    double previous = current == null ? request.defaultValue() : current.value();
    if (version != request.expectedVersion()) {
      throw versionMismatch(request, version);
    }
    if (current == null) {
      insertValue(connection, request);
    } else {
      updateValues(connection, List.of(request));
    }
    insertChanges(connection, List.of(request), Map.of(request.requestId(), previous));
    return byRequest(connection, request.twinId(), request.requestId()).orElseThrow();
  }

  /**
   * Changes of a twin, newest first unless ascending, after a keyset cursor (the id of the last
   * change of the previous page, or 0 for the first page).
   */
  public List<Change> changes(
      String twinId, boolean ascending, long after, Instant from, Instant to, int limit) {
    StringBuilder sql =
        new StringBuilder("SELECT " + CHANGE_COLUMNS + " FROM setpoint_change WHERE twin_id = ?");
    List<Object> parameters = new ArrayList<>(List.of(twinId));
    if (after > 0) {
      sql.append(ascending ? " AND id > ?" : " AND id < ?");
      parameters.add(after);
    }
    if (from != null) {
      sql.append(" AND facility_time >= ?");
      parameters.add(Timestamp.from(from));
    }
    if (to != null) {
      sql.append(" AND facility_time < ?");
      parameters.add(Timestamp.from(to));
    }
    sql.append(ascending ? " ORDER BY id" : " ORDER BY id DESC").append(" LIMIT ").append(limit);
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(sql.toString())) {
      for (int i = 0; i < parameters.size(); i++) {
        select.setObject(i + 1, parameters.get(i));
      }
      List<Change> changes = new ArrayList<>();
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          changes.add(change(rs));
        }
      }
      return changes;
    } catch (SQLException e) {
      throw new DatabaseException(e);
    }
  }

  private static EtagMismatchException versionMismatch(Request request, long current) {
    return new EtagMismatchException(
        "VERSION_MISMATCH",
        "twins/" + request.twinId() + "/points/" + request.pointId(),
        "expected version "
            + request.expectedVersion()
            + " but the point is at version "
            + current
            + "; read the point again and decide anew");
  }

  private static Optional<Change> byRequest(Connection connection, String twinId, String requestId)
      throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT "
                + CHANGE_COLUMNS
                + " FROM setpoint_change WHERE twin_id = ? AND request_id = ?")) {
      select.setString(1, twinId);
      select.setString(2, requestId);
      try (ResultSet rs = select.executeQuery()) {
        return rs.next() ? Optional.of(change(rs)) : Optional.empty();
      }
    }
  }

  private static Value value(ResultSet rs) throws SQLException {
    Timestamp time = rs.getTimestamp(3);
    return new Value(rs.getDouble(1), rs.getLong(2), time == null ? null : time.toInstant());
  }

  private static Change change(ResultSet rs) throws SQLException {
    return new Change(
        rs.getLong(1),
        rs.getString(2),
        rs.getString(3),
        rs.getDouble(4),
        rs.getDouble(5),
        rs.getLong(6),
        instant(rs.getTimestamp(7)),
        instant(rs.getTimestamp(8)),
        instant(rs.getTimestamp(9)),
        rs.getString(10),
        rs.getString(11),
        rs.getString(12));
  }

  private static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }

  private static Timestamp timestamp(Instant instant) {
    return instant == null ? null : Timestamp.from(instant);
  }
}
