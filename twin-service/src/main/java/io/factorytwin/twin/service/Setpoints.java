package io.factorytwin.twin.service;

import io.factorytwin.support.error.EtagMismatchException;
import io.factorytwin.support.error.InvalidArgumentException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
        pointIds.isEmpty()
            ? ""
            : " AND point_id IN ("
                + String.join(", ", Collections.nCopies(pointIds.size(), "?"))
                + ")";
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
   * Applies several changes in one transaction, all of them or none. A failure of one change rolls
   * back the others; an invalid argument names its item as {@code requests[i].}.
   */
  @Transactional(rollbackOn = Exception.class)
  public List<Change> applyAll(List<Request> requests) throws SQLException {
    List<Change> changes = new ArrayList<>(requests.size());
    try (Connection connection = dataSource.getConnection()) {
      for (int i = 0; i < requests.size(); i++) {
        try {
          changes.add(apply(connection, requests.get(i)));
        } catch (InvalidArgumentException e) {
          throw e.under("requests[" + i + "].");
        }
      }
    }
    return changes;
  }

  private Change apply(Connection connection, Request request) throws SQLException {
    Optional<Change> earlier = byRequest(connection, request.twinId(), request.requestId());
    if (earlier.isPresent()) {
      Change change = earlier.get();
      if (!change.pointId().equals(request.pointId()) || change.value() != request.value()) {
        throw new InvalidArgumentException(
            "REQUEST_ID_REUSED",
            List.of(
                new InvalidArgumentException.FieldViolation(
                    "request_id", "was used for another point or value; send a new request_id")));
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
    Instant now = Instant.now();
    if (current == null) {
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO setpoint_value (twin_id, point_id, desired_value, version, facility_time)"
                  + " VALUES (?, ?, ?, ?, ?)")) {
        insert.setString(1, request.twinId());
        insert.setString(2, request.pointId());
        insert.setDouble(3, request.value());
        insert.setLong(4, version + 1);
        insert.setTimestamp(5, timestamp(request.facilityTime()));
        insert.executeUpdate();
      } catch (SQLException e) {
        if (DatabaseException.isUniqueViolation(e)) {
          // Another writer created the row first: the version moved on under us.
          throw versionMismatch(request, version + 1);
        }
        throw e;
      }
    } else {
      try (PreparedStatement update =
          connection.prepareStatement(
              "UPDATE setpoint_value SET desired_value = ?, version = ?, facility_time = ?"
                  + " WHERE twin_id = ? AND point_id = ? AND version = ?")) {
        update.setDouble(1, request.value());
        update.setLong(2, version + 1);
        update.setTimestamp(3, timestamp(request.facilityTime()));
        update.setString(4, request.twinId());
        update.setString(5, request.pointId());
        update.setLong(6, version);
        if (update.executeUpdate() != 1) {
          throw versionMismatch(request, version + 1);
        }
      }
    }
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO setpoint_change (twin_id, point_id, desired_value, previous_value, version,"
                + " facility_time, requested_facility_time, apply_time, action, request_id,"
                + " writer) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      insert.setString(1, request.twinId());
      insert.setString(2, request.pointId());
      insert.setDouble(3, request.value());
      insert.setDouble(4, previous);
      insert.setLong(5, version + 1);
      insert.setTimestamp(6, timestamp(request.facilityTime()));
      insert.setTimestamp(7, timestamp(request.requestedFacilityTime()));
      insert.setTimestamp(8, Timestamp.from(now));
      insert.setString(9, request.action());
      insert.setString(10, request.requestId());
      insert.setString(11, request.writer());
      insert.executeUpdate();
    }
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
