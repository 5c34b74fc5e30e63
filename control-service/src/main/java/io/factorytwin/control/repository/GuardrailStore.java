package io.factorytwin.control.repository;

import io.agroal.api.AgroalDataSource;
import io.factorytwin.control.model.GuardrailRecord;
import io.factorytwin.control.model.Interlock;
import io.factorytwin.support.error.AlreadyExistsException;
import io.factorytwin.support.filter.Filter;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The {@code guardrail} and {@code guardrail_interlock} tables. Writes join the transaction. */
@ApplicationScoped
public class GuardrailStore {

  /** The fields a ListGuardrails filter names, with their columns. */
  public static final Map<String, Filter.Field> FILTER_FIELDS =
      Map.of(
          "point_pattern",
          Filter.Field.text("point_pattern"),
          "unit",
          Filter.Field.text("unit"),
          "update_time",
          Filter.Field.timestamp("update_time"));

  private static final String COLUMNS =
      "id, point_pattern, description, unit, min_value, max_value, max_rate_per_minute,"
          + " approval_min_value, approval_max_value, safe_default_value, version, create_time,"
          + " update_time";

  private final AgroalDataSource dataSource;

  GuardrailStore(AgroalDataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Inserts a new guardrail with its interlocks; ALREADY_EXISTS when the id is taken. */
  public void insert(GuardrailRecord guardrail) {
    try (Connection connection = dataSource.getConnection()) {
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO guardrail ("
                  + COLUMNS
                  + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        insert.setString(1, guardrail.id());
        insert.setString(2, guardrail.pointPattern());
        insert.setString(3, guardrail.description());
        insert.setString(4, guardrail.unit());
        insert.setDouble(5, guardrail.minValue());
        insert.setDouble(6, guardrail.maxValue());
        insert.setDouble(7, guardrail.maxRatePerMinute());
        insert.setDouble(8, guardrail.approvalMinValue());
        insert.setDouble(9, guardrail.approvalMaxValue());
        insert.setDouble(10, guardrail.safeDefaultValue());
        insert.setLong(11, guardrail.version());
        Sql.setInstant(insert, 12, guardrail.createTime());
        Sql.setInstant(insert, 13, guardrail.updateTime());
        insert.executeUpdate();
      }
      insertInterlocks(connection, guardrail);
    } catch (SQLException e) {
      if (Sql.isUniqueViolation(e)) {
        throw new AlreadyExistsException(guardrail.name());
      }
      throw new StorageException(e);
    }
  }

  /**
   * Replaces the guardrail's fields and interlocks if its stored version is still expectedVersion;
   * returns false when another writer changed it first.
   */
  public boolean update(GuardrailRecord guardrail, long expectedVersion) {
    try (Connection connection = dataSource.getConnection()) {
      try (PreparedStatement update =
          connection.prepareStatement(
              "UPDATE guardrail SET point_pattern = ?, description = ?, unit = ?, min_value = ?,"
                  + " max_value = ?, max_rate_per_minute = ?, approval_min_value = ?,"
                  + " approval_max_value = ?, safe_default_value = ?, version = ?,"
                  + " update_time = ? WHERE id = ? AND version = ?")) {
        update.setString(1, guardrail.pointPattern());
        update.setString(2, guardrail.description());
        update.setString(3, guardrail.unit());
        update.setDouble(4, guardrail.minValue());
        update.setDouble(5, guardrail.maxValue());
        update.setDouble(6, guardrail.maxRatePerMinute());
        update.setDouble(7, guardrail.approvalMinValue());
        update.setDouble(8, guardrail.approvalMaxValue());
        update.setDouble(9, guardrail.safeDefaultValue());
        update.setLong(10, guardrail.version());
        Sql.setInstant(update, 11, guardrail.updateTime());
        update.setString(12, guardrail.id());
        update.setLong(13, expectedVersion);
        if (update.executeUpdate() != 1) {
          return false;
        }
      }
      try (PreparedStatement delete =
          connection.prepareStatement("DELETE FROM guardrail_interlock WHERE guardrail_id = ?")) {
        delete.setString(1, guardrail.id());
        delete.executeUpdate();
      }
      insertInterlocks(connection, guardrail);
      return true;
    } catch (SQLException e) {
      throw new StorageException(e);
    }
  }

  /** Deletes the guardrail if its version is still expectedVersion; returns whether it did. */
  public boolean delete(String id, long expectedVersion) {
    try (Connection connection = dataSource.getConnection()) {
      try (PreparedStatement interlocks =
          connection.prepareStatement("DELETE FROM guardrail_interlock WHERE guardrail_id = ?")) {
        interlocks.setString(1, id);
        interlocks.executeUpdate();
      }
      try (PreparedStatement delete =
          connection.prepareStatement("DELETE FROM guardrail WHERE id = ? AND version = ?")) {
        delete.setString(1, id);
        delete.setLong(2, expectedVersion);
        return delete.executeUpdate() == 1;
      }
    } catch (SQLException e) {
      throw new StorageException(e);
    }
  }

  /** Returns the guardrail, or null. */
  public GuardrailRecord find(String id) {
    List<GuardrailRecord> found = query("WHERE id = ?", List.of(id), 1);
    return found.isEmpty() ? null : found.getFirst();
  }

  /** Returns up to limit guardrails that match the filter with an id after the given one, by id. */
  public List<GuardrailRecord> page(String afterId, FilterSql filter, int limit) {
    List<Object> keys = new ArrayList<>(List.of(afterId));
    keys.addAll(filter.parameters());
    return query("WHERE id > ?" + filter.and() + " ORDER BY id", keys, limit);
  }

  /**
   * Returns every guardrail ordered by id.
   *
   * <p>NOTE: the proposal path reads all guardrails and matches their patterns in memory, which
   * suits hundreds of guardrails, not hundreds of thousands.
   */
  public List<GuardrailRecord> all() {
    return query("WHERE id > ? ORDER BY id", List.of(""), Integer.MAX_VALUE);
  }

  private List<GuardrailRecord> query(String where, List<Object> keys, int limit) {
    try (Connection connection = dataSource.getConnection()) {
      List<GuardrailRecord> rows = new ArrayList<>();
      Map<String, List<Interlock>> interlocks = new HashMap<>();
      try (PreparedStatement select =
          connection.prepareStatement(
              "SELECT " + COLUMNS + " FROM guardrail " + where + " LIMIT ?")) {
        select.setInt(FilterSql.bind(select, 1, keys), limit);
        try (ResultSet row = select.executeQuery()) {
          while (row.next()) {
            String id = row.getString("id");
            List<Interlock> list = new ArrayList<>();
            interlocks.put(id, list);
            rows.add(
                new GuardrailRecord(
                    id,
                    row.getString("point_pattern"),
                    row.getString("description"),
                    row.getString("unit"),
                    row.getDouble("min_value"),
                    row.getDouble("max_value"),
                    row.getDouble("max_rate_per_minute"),
                    row.getDouble("approval_min_value"),
                    row.getDouble("approval_max_value"),
                    row.getDouble("safe_default_value"),
                    list,
                    row.getLong("version"),
                    Sql.instant(row, "create_time"),
                    Sql.instant(row, "update_time")));
          }
        }
      }
      if (!rows.isEmpty()) {
        readInterlocks(connection, interlocks);
      }
      return rows;
    } catch (SQLException e) {
      throw new StorageException(e);
    }
  }

  private static void readInterlocks(Connection connection, Map<String, List<Interlock>> byId)
      throws SQLException {
    try (PreparedStatement select =
            connection.prepareStatement(
                "SELECT guardrail_id, kind, input_point, margin_k, min_flow_lpm, min_leaving_c,"
                    + " max_leaving_c FROM guardrail_interlock ORDER BY guardrail_id, position");
        ResultSet row = select.executeQuery()) {
      while (row.next()) {
        List<Interlock> list = byId.get(row.getString("guardrail_id"));
        if (list == null) {
          continue;
        }
        String point = row.getString("input_point");
        list.add(
            switch (row.getString("kind")) {
              case "DEW_POINT" -> new Interlock.DewPoint(point, row.getDouble("margin_k"));
              case "MINIMUM_FLOW" ->
                  new Interlock.MinimumFlow(point, row.getDouble("min_flow_lpm"));
              case "CHILLER_CURVE" ->
                  new Interlock.ChillerCurve(
                      Sql.nullableDouble(row, "min_leaving_c"),
                      Sql.nullableDouble(row, "max_leaving_c"));
              default ->
                  throw new IllegalStateException(
                      "unknown interlock kind " + row.getString("kind"));
            });
      }
    }
  }

  private static void insertInterlocks(Connection connection, GuardrailRecord guardrail)
      throws SQLException {
    if (guardrail.interlocks().isEmpty()) {
      return;
    }
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO guardrail_interlock (guardrail_id, position, kind, input_point, margin_k,"
                + " min_flow_lpm, min_leaving_c, max_leaving_c) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      int position = 0;
      for (Interlock interlock : guardrail.interlocks()) {
        insert.setString(1, guardrail.id());
        insert.setInt(2, position++);
        switch (interlock) {
          case Interlock.DewPoint dew -> {
            insert.setString(3, "DEW_POINT");
            insert.setString(4, dew.dewPointPoint());
            Sql.setDouble(insert, 5, dew.marginK());
            Sql.setDouble(insert, 6, null);
            Sql.setDouble(insert, 7, null);
            Sql.setDouble(insert, 8, null);
          }
          case Interlock.MinimumFlow flow -> {
            insert.setString(3, "MINIMUM_FLOW");
            insert.setString(4, flow.flowPoint());
            Sql.setDouble(insert, 5, null);
            Sql.setDouble(insert, 6, flow.minFlowLpm());
            Sql.setDouble(insert, 7, null);
            Sql.setDouble(insert, 8, null);
          }
          case Interlock.ChillerCurve curve -> {
            insert.setString(3, "CHILLER_CURVE");
            insert.setString(4, "");
            Sql.setDouble(insert, 5, null);
            Sql.setDouble(insert, 6, null);
            Sql.setDouble(insert, 7, curve.minLeavingTemperatureC());
            Sql.setDouble(insert, 8, curve.maxLeavingTemperatureC());
          }
        }
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }
}
