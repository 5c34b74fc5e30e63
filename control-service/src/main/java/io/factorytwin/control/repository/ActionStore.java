package io.factorytwin.control.repository;

import io.agroal.api.AgroalDataSource;
import io.factorytwin.control.model.ActionRecord;
import io.factorytwin.control.model.ActionRecord.ActionOutcome;
import io.factorytwin.control.model.ActionRecord.ActionState;
import io.factorytwin.control.model.ActionRecord.GuardrailReference;
import io.factorytwin.control.model.AgentMode;
import io.factorytwin.control.model.Violation;
import io.factorytwin.support.filter.Filter;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The {@code action} table and its violations and guardrail references. */
@ApplicationScoped
public class ActionStore {

  /** The fields a ListActions or WatchActions filter names, with their columns. */
  public static final Map<String, Filter.Field> FILTER_FIELDS =
      Map.of(
          "agent",
          Filter.Field.text(
              "agent_id",
              value -> value.startsWith("agents/") ? value.substring("agents/".length()) : null),
          "point",
          Filter.Field.text("point"),
          "state",
          Filter.Field.enumeration("state", "STATE_", names(ActionState.values())),
          "outcome",
          Filter.Field.enumeration("outcome", "OUTCOME_", names(ActionOutcome.values())),
          "create_time",
          Filter.Field.timestamp("create_time"));

  private static final String COLUMNS =
      "id, agent_id, point, requested_value, unit, rationale, request_id, agent_mode, outcome,"
          + " state, previous_value, applied_value, point_version, agent_facility_time,"
          + " check_facility_time, apply_time, expire_time, superseded_by, version, create_time,"
          + " update_time";

  private static final String READ_COLUMNS =
      COLUMNS
          + ", decided_by, decision_comment, decide_time, revert_cause, reverted_by,"
          + " reverted_value, revert_time";

  private final AgroalDataSource dataSource;

  ActionStore(AgroalDataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * Inserts a new action with its violations and guardrail references. Returns false, writing
   * nothing, when the agent already has an action under the same request_id.
   */
  public boolean insert(ActionRecord action) {
    try (Connection connection = dataSource.getConnection()) {
      return insert(connection, action);
    } catch (SQLException e) {
      throw new StorageException(e);
    }
  }

  /** Inserts the action on the given connection, as {@link #insert(ActionRecord)} does. */
  public boolean insert(Connection connection, ActionRecord action) throws SQLException {
    return insertAll(connection, List.of(action)) < 0;
  }

  /**
   * Inserts the actions with their violations and guardrail references in three JDBC batches, so a
   * whole batch of proposals costs three round trips. Returns -1 when all were inserted. Otherwise
   * it returns the index of the first action whose request_id the agent had already stored, and the
   * caller must roll back because the other actions were written.
   */
  public int insertAll(Connection connection, List<ActionRecord> actions) throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO action ("
                + COLUMNS
                + ", decided_by, decision_comment, revert_cause, reverted_by) VALUES (?, ?, ?,"
                + " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', '', '', '')"
                + " ON CONFLICT DO NOTHING")) {
      for (ActionRecord action : actions) {
        insert.setString(1, action.id());
        insert.setString(2, action.agentId());
        insert.setString(3, action.point());
        insert.setDouble(4, action.requestedValue());
        insert.setString(5, action.unit());
        insert.setString(6, action.rationale());
        insert.setString(7, action.requestId());
        insert.setString(8, action.agentMode().name());
        insert.setString(9, action.outcome().name());
        insert.setString(10, action.state().name());
        Sql.setDouble(insert, 11, action.previousValue());
        Sql.setDouble(insert, 12, action.appliedValue());
        insert.setLong(13, action.pointVersion());
        Sql.setInstant(insert, 14, action.agentFacilityTime());
        Sql.setInstant(insert, 15, action.checkFacilityTime());
        Sql.setInstant(insert, 16, action.applyTime());
        Sql.setInstant(insert, 17, action.expireTime());
        insert.setString(18, action.supersededBy());
        insert.setLong(19, action.version());
        Sql.setInstant(insert, 20, action.createTime());
        Sql.setInstant(insert, 21, action.updateTime());
        insert.addBatch();
      }
      int[] counts = insert.executeBatch();
      for (int i = 0; i < counts.length; i++) {
        if (counts[i] == 0) {
          return i;
        }
      }
    }
    insertChildren(connection, actions);
    return -1;
  }

  /**
   * Marks every APPLIED action on the point other than the given one SUPERSEDED by the named action
   * or hold, and returns the ids it changed.
   */
  public List<String> supersede(String point, String exceptId, String supersededBy, Instant now) {
    try (Connection connection = dataSource.getConnection()) {
      return supersede(connection, point, exceptId, supersededBy, now);
    } catch (SQLException e) {
      throw new StorageException(e);
    }
  }

  /** Supersedes on the given connection, as {@link #supersede(String, String, String, Instant)}. */
  public List<String> supersede(
      Connection connection, String point, String exceptId, String supersededBy, Instant now)
      throws SQLException {
    List<String> ids = new ArrayList<>();
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT id FROM action WHERE point = ? AND state = 'APPLIED' AND id <> ?"
                + " ORDER BY id FOR UPDATE")) {
      select.setString(1, point);
      select.setString(2, exceptId);
      try (ResultSet row = select.executeQuery()) {
        while (row.next()) {
          ids.add(row.getString(1));
        }
      }
    }
    if (!ids.isEmpty()) {
      try (PreparedStatement update =
          connection.prepareStatement(
              "UPDATE action SET state = 'SUPERSEDED', superseded_by = ?, update_time = ?,"
                  + " version = version + 1 WHERE id = ? AND state = 'APPLIED'")) {
        for (String id : ids) {
          update.setString(1, supersededBy);
          Sql.setInstant(update, 2, now);
          update.setString(3, id);
          update.addBatch();
        }
        update.executeBatch();
      }
    }
    return ids;
  }

  /**
   * Locks the APPLIED actions on the points, in id order as {@link #supersede(Connection, String,
   * String, String, Instant)} locks them, and returns their ids by point.
   */
  public Map<String, List<String>> appliedOn(Connection connection, Collection<String> points)
      throws SQLException {
    Map<String, List<String>> ids = new HashMap<>();
    if (points.isEmpty()) {
      return ids;
    }
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT id, point FROM action WHERE state = 'APPLIED' AND point IN ("
                + String.join(", ", Collections.nCopies(points.size(), "?"))
                + ") ORDER BY id FOR UPDATE")) {
      int index = 1;
      for (String point : points) {
        select.setString(index++, point);
      }
      try (ResultSet row = select.executeQuery()) {
        while (row.next()) {
          ids.computeIfAbsent(row.getString(2), p -> new ArrayList<>()).add(row.getString(1));
        }
      }
    }
    return ids;
  }

  /** One applied action that another action or a hold supersedes. */
  public record Superseded(String id, String supersededBy, Instant time) {}

  /** Marks the APPLIED actions SUPERSEDED in one JDBC batch. */
  public void supersedeAll(Connection connection, List<Superseded> superseded) throws SQLException {
    if (superseded.isEmpty()) {
      return;
    }
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE action SET state = 'SUPERSEDED', superseded_by = ?, update_time = ?,"
                + " version = version + 1 WHERE id = ? AND state = 'APPLIED'")) {
      for (Superseded one : superseded) {
        update.setString(1, one.supersededBy());
        Sql.setInstant(update, 2, one.time());
        update.setString(3, one.id());
        update.addBatch();
      }
      update.executeBatch();
    }
  }

  /** Moves a pending action to APPLIED; returns false when it changed since it was read. */
  public boolean markApplied(
      ActionRecord action,
      double previousValue,
      long pointVersion,
      Instant applyTime,
      ActionRecord.Decision decision) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement update =
            connection.prepareStatement(
                "UPDATE action SET state = 'APPLIED', previous_value = ?, applied_value = ?,"
                    + " point_version = ?, apply_time = ?, decided_by = ?, decision_comment = ?,"
                    + " decide_time = ?, version = version + 1, update_time = ?"
                    + " WHERE id = ? AND version = ? AND state = 'PENDING_APPROVAL'")) {
      update.setDouble(1, previousValue);
      update.setDouble(2, action.requestedValue());
      update.setLong(3, pointVersion);
      Sql.setInstant(update, 4, applyTime);
      update.setString(5, decision.decidedBy());
      update.setString(6, decision.comment());
      Sql.setInstant(update, 7, decision.decideTime());
      Sql.setInstant(update, 8, decision.decideTime());
      update.setString(9, action.id());
      update.setLong(10, action.version());
      return update.executeUpdate() == 1;
    } catch (SQLException e) {
      throw new StorageException(e);
    }
  }

  /**
   * Moves a pending action to REJECTED with the violations of a failed re-check (empty for an
   * operator's rejection); returns false when it changed since it was read.
   */
  public boolean markRejected(
      ActionRecord action, List<Violation> violations, ActionRecord.Decision decision) {
    try (Connection connection = dataSource.getConnection()) {
      try (PreparedStatement update =
          connection.prepareStatement(
              "UPDATE action SET state = 'REJECTED', decided_by = ?, decision_comment = ?,"
                  + " decide_time = ?, version = version + 1, update_time = ?"
                  + " WHERE id = ? AND version = ? AND state = 'PENDING_APPROVAL'")) {
        update.setString(1, decision.decidedBy());
        update.setString(2, decision.comment());
        Sql.setInstant(update, 3, decision.decideTime());
        Sql.setInstant(update, 4, decision.decideTime());
        update.setString(5, action.id());
        update.setLong(6, action.version());
        if (update.executeUpdate() != 1) {
          return false;
        }
      }
      insertChildren(
          connection,
          List.of(
              new ActionRecord(
                  action.id(),
                  action.agentId(),
                  action.point(),
                  action.requestedValue(),
                  action.unit(),
                  action.rationale(),
                  action.requestId(),
                  action.agentMode(),
                  action.outcome(),
                  ActionState.REJECTED,
                  violations,
                  List.of(),
                  null,
                  null,
                  0,
                  null,
                  null,
                  null,
                  null,
                  null,
                  null,
                  "",
                  0,
                  null,
                  null)));
      return true;
    } catch (SQLException e) {
      throw new StorageException(e);
    }
  }

  /** Moves an applied action to REVERTED; returns false when it changed since it was read. */
  public boolean markReverted(ActionRecord action, ActionRecord.Revert revert) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement update =
            connection.prepareStatement(
                "UPDATE action SET state = 'REVERTED', revert_cause = ?, reverted_by = ?,"
                    + " reverted_value = ?, revert_time = ?, version = version + 1,"
                    + " update_time = ? WHERE id = ? AND version = ? AND state = 'APPLIED'")) {
      update.setString(1, revert.cause().name());
      update.setString(2, revert.revertedBy());
      update.setDouble(3, revert.value());
      Sql.setInstant(update, 4, revert.revertTime());
      Sql.setInstant(update, 5, revert.revertTime());
      update.setString(6, action.id());
      update.setLong(7, action.version());
      return update.executeUpdate() == 1;
    } catch (SQLException e) {
      throw new StorageException(e);
    }
  }

  /** Returns up to limit actions in the state, oldest first. */
  public List<ActionRecord> inState(ActionState state, int limit) {
    return query("WHERE state = ? ORDER BY create_time, id", List.of(state.name()), limit);
  }

  /**
   * Returns up to limit APPLIED actions of agents whose heartbeat lease ended before the given
   * wall-clock time, oldest first. Points under an active hold keep their held value and are left
   * out here, so that however many of them there are, they never fill a batch.
   */
  public List<ActionRecord> appliedWithExpiredLease(Instant now, int limit) {
    return query(
        "WHERE state = 'APPLIED' AND agent_id IN (SELECT id FROM agent WHERE"
            + " lease_expire_time IS NULL OR lease_expire_time < ?)"
            + " AND point NOT IN (SELECT point FROM hold WHERE state = 'ACTIVE')"
            + " ORDER BY create_time, id",
        List.of(now),
        limit);
  }

  /** Returns up to limit PENDING_APPROVAL actions whose approval deadline has passed. */
  public List<ActionRecord> pendingPastDeadline(Instant now, int limit) {
    return query(
        "WHERE state = 'PENDING_APPROVAL' AND expire_time < ? ORDER BY expire_time, id",
        List.of(now),
        limit);
  }

  /** Moves a pending action to EXPIRED; returns false when it changed since it was read. */
  public boolean markExpired(ActionRecord action, Instant now) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement update =
            connection.prepareStatement(
                "UPDATE action SET state = 'EXPIRED', version = version + 1, update_time = ?"
                    + " WHERE id = ? AND version = ? AND state = 'PENDING_APPROVAL'")) {
      Sql.setInstant(update, 1, now);
      update.setString(2, action.id());
      update.setLong(3, action.version());
      return update.executeUpdate() == 1;
    } catch (SQLException e) {
      throw new StorageException(e);
    }
  }

  /** Returns the action, or null. */
  public ActionRecord find(String id) {
    List<ActionRecord> found = query("WHERE id = ?", List.of(id), 1);
    return found.isEmpty() ? null : found.getFirst();
  }

  /** Returns the agent's actions under the given request_ids, by request_id. */
  public Map<String, ActionRecord> findByRequests(String agentId, Collection<String> requestIds) {
    List<Object> keys = new ArrayList<>();
    keys.add(agentId);
    keys.addAll(requestIds);
    Map<String, ActionRecord> found = new HashMap<>();
    for (ActionRecord action :
        query(
            "WHERE agent_id = ? AND request_id IN ("
                + String.join(", ", Collections.nCopies(requestIds.size(), "?"))
                + ")",
            keys,
            requestIds.size())) {
      found.put(action.requestId(), action);
    }
    return found;
  }

  /** Returns the agent's action under the request_id, or null. */
  public ActionRecord findByRequest(String agentId, String requestId) {
    List<ActionRecord> found =
        query("WHERE agent_id = ? AND request_id = ?", List.of(agentId, requestId), 1);
    return found.isEmpty() ? null : found.getFirst();
  }

  /**
   * Returns up to limit actions that match the filter, newest first, after the given position (a
   * null time for the first page).
   */
  public List<ActionRecord> page(
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

  private List<ActionRecord> query(String where, List<Object> keys, int limit) {
    try (Connection connection = dataSource.getConnection()) {
      List<ActionRecord> actions = new ArrayList<>();
      try (PreparedStatement select =
          connection.prepareStatement(
              "SELECT " + READ_COLUMNS + " FROM action " + where + " LIMIT ?")) {
        int index = 1;
        index = FilterSql.bind(select, index, keys);
        select.setInt(index, limit);
        try (ResultSet row = select.executeQuery()) {
          while (row.next()) {
            actions.add(read(row, connection));
          }
        }
      }
      return actions;
    } catch (SQLException e) {
      throw new StorageException(e);
    }
  }

  private static ActionRecord read(ResultSet row, Connection connection) throws SQLException {
    String id = row.getString("id");
    List<Violation> violations = new ArrayList<>();
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT rule, subject, description FROM action_violation WHERE action_id = ?"
                + " ORDER BY position")) {
      select.setString(1, id);
      try (ResultSet child = select.executeQuery()) {
        while (child.next()) {
          violations.add(
              new Violation(
                  Violation.Rule.valueOf(child.getString(1)),
                  child.getString(2),
                  child.getString(3)));
        }
      }
    }
    List<GuardrailReference> guardrails = new ArrayList<>();
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT guardrail_id, guardrail_version FROM action_guardrail WHERE action_id = ?"
                + " ORDER BY position")) {
      select.setString(1, id);
      try (ResultSet child = select.executeQuery()) {
        while (child.next()) {
          guardrails.add(new GuardrailReference(child.getString(1), child.getLong(2)));
        }
      }
    }
    return new ActionRecord(
        id,
        row.getString("agent_id"),
        row.getString("point"),
        row.getDouble("requested_value"),
        row.getString("unit"),
        row.getString("rationale"),
        row.getString("request_id"),
        AgentMode.valueOf(row.getString("agent_mode")),
        ActionOutcome.valueOf(row.getString("outcome")),
        ActionState.valueOf(row.getString("state")),
        violations,
        guardrails,
        Sql.nullableDouble(row, "previous_value"),
        Sql.nullableDouble(row, "applied_value"),
        row.getLong("point_version"),
        Sql.instant(row, "agent_facility_time"),
        Sql.instant(row, "check_facility_time"),
        Sql.instant(row, "apply_time"),
        Sql.instant(row, "expire_time"),
        row.getString("decided_by").isEmpty()
            ? null
            : new ActionRecord.Decision(
                row.getString("decided_by"),
                row.getString("decision_comment"),
                Sql.instant(row, "decide_time")),
        row.getString("revert_cause").isEmpty()
            ? null
            : new ActionRecord.Revert(
                ActionRecord.RevertCause.valueOf(row.getString("revert_cause")),
                row.getString("reverted_by"),
                row.getDouble("reverted_value"),
                Sql.instant(row, "revert_time")),
        row.getString("superseded_by"),
        row.getLong("version"),
        Sql.instant(row, "create_time"),
        Sql.instant(row, "update_time"));
  }

  private static void insertChildren(Connection connection, List<ActionRecord> actions)
      throws SQLException {
    if (actions.stream().anyMatch(action -> !action.violations().isEmpty())) {
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO action_violation (action_id, position, rule, subject, description)"
                  + " VALUES (?, ?, ?, ?, ?)")) {
        for (ActionRecord action : actions) {
          int position = 0;
          for (Violation violation : action.violations()) {
            insert.setString(1, action.id());
            insert.setInt(2, position++);
            insert.setString(3, violation.rule().name());
            insert.setString(4, violation.subject());
            insert.setString(5, violation.description());
            insert.addBatch();
          }
        }
        insert.executeBatch();
      }
    }
    if (actions.stream().anyMatch(action -> !action.guardrails().isEmpty())) {
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO action_guardrail (action_id, position, guardrail_id, guardrail_version)"
                  + " VALUES (?, ?, ?, ?)")) {
        for (ActionRecord action : actions) {
          int position = 0;
          for (GuardrailReference reference : action.guardrails()) {
            insert.setString(1, action.id());
            insert.setInt(2, position++);
            insert.setString(3, reference.guardrailId());
            insert.setLong(4, reference.version());
            insert.addBatch();
          }
        }
        insert.executeBatch();
      }
    }
  }

  static List<String> names(Enum<?>[] values) {
    return Arrays.stream(values).map(Enum::name).toList();
  }

  /** Returns a filter field's value of an action, as {@link Filter#matches} takes it. */
  public static Object filterValue(ActionRecord action, String field) {
    return switch (field) {
      case "agent" -> action.agentId();
      case "point" -> action.point();
      case "state" -> action.state().name();
      case "outcome" -> action.outcome().name();
      case "create_time" -> action.createTime();
      default -> null;
    };
  }
}
