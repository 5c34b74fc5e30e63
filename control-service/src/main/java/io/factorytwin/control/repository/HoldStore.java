package io.factorytwin.control.repository;

import io.agroal.api.AgroalDataSource;
import io.factorytwin.control.model.HoldRecord;
import io.factorytwin.support.error.AlreadyExistsException;
import io.factorytwin.support.filter.Filter;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The {@code hold} table. Writes join the caller's transaction. */
@ApplicationScoped
public class HoldStore {

  /** The fields a ListHolds filter names, with their columns. */
  public static final Map<String, Filter.Field> FILTER_FIELDS =
      Map.of(
          "point",
          Filter.Field.text("point"),
          "state",
          Filter.Field.enumeration("state", "STATE_", List.of("ACTIVE", "RELEASED")),
          "creator",
          Filter.Field.text("creator"),
          "create_time",
          Filter.Field.timestamp("create_time"));

  private static final String COLUMNS =
      "id, point, hold_value, unit, reason, state, previous_value, point_version, creator,"
          + " releaser, version, create_time, release_time";

  private final AgroalDataSource dataSource;

  HoldStore(AgroalDataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Inserts a new hold; ALREADY_EXISTS when the id is taken. */
  public void insert(HoldRecord hold) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO hold ("
                    + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      insert.setString(1, hold.id());
      insert.setString(2, hold.point());
      insert.setDouble(3, hold.value());
      insert.setString(4, hold.unit());
      insert.setString(5, hold.reason());
      insert.setString(6, hold.active() ? "ACTIVE" : "RELEASED");
      Sql.setDouble(insert, 7, hold.previousValue());
      insert.setLong(8, hold.pointVersion());
      insert.setString(9, hold.creator());
      insert.setString(10, hold.releaser());
      insert.setLong(11, hold.version());
      Sql.setInstant(insert, 12, hold.createTime());
      Sql.setInstant(insert, 13, hold.releaseTime());
      insert.executeUpdate();
    } catch (SQLException e) {
      if (Sql.isUniqueViolation(e)) {
        throw new AlreadyExistsException(hold.name());
      }
      throw new StorageException(e);
    }
  }

  /** Releases an active hold at expectedVersion; returns false when it changed first. */
  public boolean release(String id, long expectedVersion, String releaser, Instant releaseTime) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement update =
            connection.prepareStatement(
                "UPDATE hold SET state = 'RELEASED', releaser = ?, release_time = ?,"
                    + " version = version + 1 WHERE id = ? AND version = ? AND state = 'ACTIVE'")) {
      update.setString(1, releaser);
      Sql.setInstant(update, 2, releaseTime);
      update.setString(3, id);
      update.setLong(4, expectedVersion);
      return update.executeUpdate() == 1;
    } catch (SQLException e) {
      throw new StorageException(e);
    }
  }

  /** Returns the hold, or null. */
  public HoldRecord find(String id) {
    List<HoldRecord> found = query("WHERE id = ?", List.of(id), 1);
    return found.isEmpty() ? null : found.getFirst();
  }

  /** Returns the active hold of the point, or null. */
  public HoldRecord active(String point) {
    List<HoldRecord> found = query("WHERE point = ? AND state = 'ACTIVE'", List.of(point), 1);
    return found.isEmpty() ? null : found.getFirst();
  }

  /** Returns the active holds of the given points, by point. */
  public Map<String, HoldRecord> activeAt(Collection<String> points) {
    List<Object> keys = new ArrayList<>(points);
    Map<String, HoldRecord> found = new HashMap<>();
    for (HoldRecord hold :
        query(
            "WHERE state = 'ACTIVE' AND point IN ("
                + String.join(", ", Collections.nCopies(points.size(), "?"))
                + ")",
            keys,
            points.size())) {
      found.put(hold.point(), hold);
    }
    return found;
  }

  /**
   * Returns up to limit holds that match the filter, newest first, after the given position (a null
   * time for the first page).
   */
  public List<HoldRecord> page(
      Instant beforeCreateTime, String beforeId, FilterSql filter, int limit) {
    List<Object> keys = new ArrayList<>();
    String where;
    if (beforeCreateTime == null) {
      where = filter.condition().isEmpty() ? "" : "WHERE " + filter.condition();
    } else {
      where = "WHERE (create_time < ? OR (create_time = ? AND id < ?))" + filter.and();
      keys.addAll(List.of(beforeCreateTime, beforeCreateTime, beforeId));
    }
    keys.addAll(filter.parameters());
    return query(where + " ORDER BY create_time DESC, id DESC", keys, limit);
  }

  private List<HoldRecord> query(String where, List<Object> keys, int limit) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select =
            connection.prepareStatement("SELECT " + COLUMNS + " FROM hold " + where + " LIMIT ?")) {
      select.setInt(FilterSql.bind(select, 1, keys), limit);
      List<HoldRecord> holds = new ArrayList<>();
      try (ResultSet row = select.executeQuery()) {
        while (row.next()) {
          holds.add(
              new HoldRecord(
                  row.getString("id"),
                  row.getString("point"),
                  row.getDouble("hold_value"),
                  row.getString("unit"),
                  row.getString("reason"),
                  "ACTIVE".equals(row.getString("state")),
                  Sql.nullableDouble(row, "previous_value"),
                  row.getLong("point_version"),
                  row.getString("creator"),
                  row.getString("releaser"),
                  row.getLong("version"),
                  Sql.instant(row, "create_time"),
                  Sql.instant(row, "release_time")));
        }
      }
      return holds;
    } catch (SQLException e) {
      throw new StorageException(e);
    }
  }
}
