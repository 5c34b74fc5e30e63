package io.factorytwin.control.repository;

import io.agroal.api.AgroalDataSource;
import io.factorytwin.control.model.AgentMode;
import io.factorytwin.control.model.AgentRecord;
import io.factorytwin.support.error.AlreadyExistsException;
import io.factorytwin.support.filter.Filter;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** The {@code agent} table. Writes join the caller's transaction. */
@ApplicationScoped
public class AgentStore {

  /** The fields a ListAgents filter names, with their columns. */
  public static final Map<String, Filter.Field> FILTER_FIELDS =
      Map.of(
          "mode",
          Filter.Field.enumeration("mode", "MODE_", ActionStore.names(AgentMode.values())),
          "enabled",
          Filter.Field.bool("enabled"),
          "owner",
          Filter.Field.text("owner"),
          "lease_expire_time",
          Filter.Field.timestamp("lease_expire_time"));

  private static final String COLUMNS =
      "id, display_name, owner, scopes, mode, enabled, lease_duration_ms, lease_expire_time,"
          + " disabled_reason, version, create_time, update_time";

  private final AgroalDataSource dataSource;

  AgentStore(AgroalDataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Inserts a new agent; ALREADY_EXISTS when the id is taken. */
  public void insert(AgentRecord agent) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO agent ("
                    + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      bind(insert, agent);
      insert.executeUpdate();
    } catch (SQLException e) {
      if (Sql.isUniqueViolation(e)) {
        throw new AlreadyExistsException(agent.name());
      }
      throw new StorageException(e);
    }
  }

  /**
   * Writes the agent's settings if its stored version is still expectedVersion; returns false when
   * another writer changed it first.
   */
  public boolean update(AgentRecord agent, long expectedVersion) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement update =
            connection.prepareStatement(
                "UPDATE agent SET display_name = ?, owner = ?, scopes = ?, mode = ?, enabled = ?,"
                    + " lease_duration_ms = ?, disabled_reason = ?, version = ?, update_time = ?"
                    + " WHERE id = ? AND version = ?")) {
      update.setString(1, agent.displayName());
      update.setString(2, agent.owner());
      update.setString(3, String.join("\n", agent.scopes()));
      update.setString(4, agent.mode().name());
      update.setBoolean(5, agent.enabled());
      update.setLong(6, agent.leaseDuration().toMillis());
      update.setString(7, agent.disabledReason());
      update.setLong(8, agent.version());
      Sql.setInstant(update, 9, agent.updateTime());
      update.setString(10, agent.id());
      update.setLong(11, expectedVersion);
      return update.executeUpdate() == 1;
    } catch (SQLException e) {
      throw new StorageException(e);
    }
  }

  /** Sets the lease expiry of an enabled agent; returns false when it is missing or disabled. */
  public boolean renewLease(String id, Instant expireTime) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement update =
            connection.prepareStatement(
                "UPDATE agent SET lease_expire_time = ? WHERE id = ? AND enabled = TRUE")) {
      Sql.setInstant(update, 1, expireTime);
      update.setString(2, id);
      return update.executeUpdate() == 1;
    } catch (SQLException e) {
      throw new StorageException(e);
    }
  }

  /** Disables every enabled agent with the reason and returns how many it disabled. */
  public int disableAll(String reason, Instant now) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement update =
            connection.prepareStatement(
                "UPDATE agent SET enabled = FALSE, disabled_reason = ?, version = version + 1,"
                    + " update_time = ? WHERE enabled = TRUE")) {
      update.setString(1, reason);
      Sql.setInstant(update, 2, now);
      return update.executeUpdate();
    } catch (SQLException e) {
      throw new StorageException(e);
    }
  }

  /** Returns the agent, or null. */
  public AgentRecord find(String id) {
    List<AgentRecord> found = query("WHERE id = ?", List.of(id), 1);
    return found.isEmpty() ? null : found.getFirst();
  }

  /** Returns up to limit agents that match the filter with an id after the given one, by id. */
  public List<AgentRecord> page(String afterId, FilterSql filter, int limit) {
    List<Object> keys = new ArrayList<>(List.of(afterId));
    keys.addAll(filter.parameters());
    return query("WHERE id > ?" + filter.and() + " ORDER BY id", keys, limit);
  }

  private List<AgentRecord> query(String where, List<Object> keys, int limit) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT " + COLUMNS + " FROM agent " + where + " LIMIT ?")) {
      select.setInt(FilterSql.bind(select, 1, keys), limit);
      List<AgentRecord> agents = new ArrayList<>();
      try (ResultSet row = select.executeQuery()) {
        while (row.next()) {
          agents.add(read(row));
        }
      }
      return agents;
    } catch (SQLException e) {
      throw new StorageException(e);
    }
  }

  private static void bind(PreparedStatement statement, AgentRecord agent) throws SQLException {
    statement.setString(1, agent.id());
    statement.setString(2, agent.displayName());
    statement.setString(3, agent.owner());
    statement.setString(4, String.join("\n", agent.scopes()));
    statement.setString(5, agent.mode().name());
    statement.setBoolean(6, agent.enabled());
    statement.setLong(7, agent.leaseDuration().toMillis());
    Sql.setInstant(statement, 8, agent.leaseExpireTime());
    statement.setString(9, agent.disabledReason());
    statement.setLong(10, agent.version());
    Sql.setInstant(statement, 11, agent.createTime());
    Sql.setInstant(statement, 12, agent.updateTime());
  }

  private static AgentRecord read(ResultSet row) throws SQLException {
    return new AgentRecord(
        row.getString("id"),
        row.getString("display_name"),
        row.getString("owner"),
        List.copyOf(Arrays.asList(row.getString("scopes").split("\n"))),
        AgentMode.valueOf(row.getString("mode")),
        row.getBoolean("enabled"),
        Duration.ofMillis(row.getLong("lease_duration_ms")),
        Sql.instant(row, "lease_expire_time"),
        row.getString("disabled_reason"),
        row.getLong("version"),
        Sql.instant(row, "create_time"),
        Sql.instant(row, "update_time"));
  }
}
