package io.factorytwin.twin.service;

import io.factorytwin.support.error.EtagMismatchException;
import io.factorytwin.support.error.FailedPreconditionException;
import io.factorytwin.support.error.NotFoundException;
import io.factorytwin.twin.graph.InsightRules;
import io.factorytwin.twin.graph.TwinGraph;
import io.factorytwin.twin.service.LiveState.InsightEvent;
import io.factorytwin.twin.v1.Insight;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * Insight records: written from the rules' events on one thread, in event order, and read and
 * acknowledged through the API. The queue of events is bounded; when it is full, ingest waits.
 */
@ApplicationScoped
public class InsightStore {

  /** An insight row. */
  public record Row(
      String id,
      String twinId,
      String rule,
      int ruleKind,
      int severity,
      int state,
      String summary,
      String nodeId,
      String pointId,
      double observed,
      double threshold,
      Instant firstSeen,
      Instant lastSeen,
      Instant resolveTime,
      String acknowledgedBy,
      String acknowledgeComment,
      Instant acknowledgeTime,
      long version,
      Instant createTime,
      Instant updateTime,
      List<String> linkedActions) {}

  private static final String COLUMNS =
      "id, twin_id, rule, rule_kind, severity, state, summary, node_id, point_id, observed_value,"
          + " threshold_value, first_seen, last_seen, resolve_time, acknowledged_by,"
          + " acknowledge_comment, acknowledge_time, version, create_time, update_time";

  private final DataSource dataSource;
  private final LiveStates states;
  private final ThreadPoolExecutor writer;

  InsightStore(DataSource dataSource, LiveStates states) {
    this.dataSource = dataSource;
    this.states = states;
    this.writer =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(1024),
            Thread.ofPlatform().name("twin-insight-writer").daemon().factory(),
            (task, pool) -> {
              // Full queue: the caller (an ingest thread) waits for room, which slows ingest.
              try {
                pool.getQueue().put(task);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
  }

  void stop(@Observes ShutdownEvent event) throws InterruptedException {
    writer.shutdown();
    writer.awaitTermination(10, TimeUnit.SECONDS);
  }

  /** Queues the events of one batch for writing. */
  public void record(TwinGraph graph, List<InsightEvent> events) {
    if (events.isEmpty()) {
      return;
    }
    List<InsightEvent> copy = List.copyOf(events);
    writer.execute(
        () -> {
          for (InsightEvent event : copy) {
            while (true) {
              try {
                write(graph, event);
                publish(graph, event);
                break;
              } catch (SQLException | RuntimeException e) {
                Log.warnf(
                    "writing insight %s failed, retrying in 1 s: %s", event.id(), e.toString());
                try {
                  Thread.sleep(1000);
                } catch (InterruptedException interrupted) {
                  Thread.currentThread().interrupt();
                  return;
                }
              }
            }
          }
        });
  }

  /** Puts an acknowledged insight on the change log that Watch streams read. */
  public void publish(TwinGraph graph, Row row) {
    LiveState state = states.existing(graph);
    int point = graph.point(row.pointId());
    if (state != null && point >= 0) {
      state.log().appendEvent(ChangeLog.INSIGHT, point, InsightMessages.insight(row));
      state.log().signal();
    }
  }

  /** Puts the insight in its new state on the change log that Watch streams read. */
  private void publish(TwinGraph graph, InsightEvent event) {
    LiveState state = states.existing(graph);
    if (state == null) {
      return;
    }
    one(graph.twinId(), event.id())
        .ifPresent(
            row -> {
              state
                  .log()
                  .appendEvent(ChangeLog.INSIGHT, event.point(), InsightMessages.insight(row));
              state.log().signal();
            });
  }

  /** Waits until the events queued so far are written. */
  public void drain() throws InterruptedException {
    java.util.concurrent.Future<?> marker = writer.submit(() -> {});
    try {
      marker.get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("the insight writer did not drain", e);
    }
  }

  private void write(TwinGraph graph, InsightEvent event) throws SQLException {
    Instant now = Instant.now();
    try (Connection connection = dataSource.getConnection()) {
      switch (event.kind()) {
        case OPENED -> {
          InsightRules.Rule rule = InsightRules.rules().get(event.rule());
          int node = graph.pointNode(event.point());
          try (PreparedStatement insert =
              connection.prepareStatement(
                  "INSERT INTO insight ("
                      + COLUMNS
                      + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, '', '', NULL, 1, ?, ?)"
                      + " ON CONFLICT DO NOTHING")) {
            insert.setString(1, event.id());
            insert.setString(2, graph.twinId());
            insert.setString(3, rule.id());
            insert.setInt(4, rule.kind().getNumber());
            insert.setInt(5, rule.severity().getNumber());
            insert.setInt(6, Insight.State.STATE_OPEN_VALUE);
            insert.setString(7, graph.displayName(node) + " " + rule.condition());
            insert.setString(8, graph.nodeId(node));
            insert.setString(9, graph.pointId(event.point()));
            insert.setDouble(10, event.observed());
            insert.setDouble(11, event.threshold());
            insert.setTimestamp(12, new Timestamp(event.firstSeen()));
            insert.setTimestamp(13, new Timestamp(event.lastSeen()));
            insert.setTimestamp(14, Timestamp.from(now));
            insert.setTimestamp(15, Timestamp.from(now));
            insert.executeUpdate();
          }
        }
        case SEEN -> {
          try (PreparedStatement update =
              connection.prepareStatement(
                  "UPDATE insight SET observed_value = ?, last_seen = ?, version = version + 1,"
                      + " update_time = ? WHERE id = ? AND state <> ?")) {
            update.setDouble(1, event.observed());
            update.setTimestamp(2, new Timestamp(event.lastSeen()));
            update.setTimestamp(3, Timestamp.from(now));
            update.setString(4, event.id());
            update.setInt(5, Insight.State.STATE_RESOLVED_VALUE);
            update.executeUpdate();
          }
        }
        case RESOLVED -> {
          try (PreparedStatement update =
              connection.prepareStatement(
                  "UPDATE insight SET state = ?, resolve_time = ?, version = version + 1,"
                      + " update_time = ? WHERE id = ? AND state <> ?")) {
            update.setInt(1, Insight.State.STATE_RESOLVED_VALUE);
            update.setTimestamp(2, new Timestamp(event.lastSeen()));
            update.setTimestamp(3, Timestamp.from(now));
            update.setString(4, event.id());
            update.setInt(5, Insight.State.STATE_RESOLVED_VALUE);
            update.executeUpdate();
          }
        }
      }
    }
  }

  /** Every insight of a twin. */
  public List<Row> list(String twinId) {
    return query("SELECT " + COLUMNS + " FROM insight WHERE twin_id = ?", twinId);
  }

  public Row get(String twinId, String id) {
    return one(twinId, id)
        .orElseThrow(() -> new NotFoundException("twins/" + twinId + "/insights/" + id));
  }

  private Optional<Row> one(String twinId, String id) {
    List<Row> rows =
        query("SELECT " + COLUMNS + " FROM insight WHERE twin_id = ? AND id = ?", twinId, id);
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }

  /** OPEN to ACKNOWLEDGED, with the etag's version as compare-and-set. */
  public Row acknowledge(String twinId, String id, String etag, String by, String comment) {
    Row row = get(twinId, id);
    String name = "twins/" + twinId + "/insights/" + id;
    if (!etag(row).equals(etag)) {
      throw new EtagMismatchException(name);
    }
    if (row.state() != Insight.State.STATE_OPEN_VALUE) {
      throw new FailedPreconditionException(
          "ILLEGAL_STATE_TRANSITION",
          List.of(
              new FailedPreconditionException.Violation(
                  "INSIGHT_STATE",
                  name,
                  "is "
                      + Insight.State.forNumber(row.state())
                      + "; only an OPEN insight is acknowledged")));
    }
    Instant now = Instant.now();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement update =
            connection.prepareStatement(
                "UPDATE insight SET state = ?, acknowledged_by = ?, acknowledge_comment = ?,"
                    + " acknowledge_time = ?, version = version + 1, update_time = ?"
                    + " WHERE id = ? AND version = ? AND state = ?")) {
      update.setInt(1, Insight.State.STATE_ACKNOWLEDGED_VALUE);
      update.setString(2, by);
      update.setString(3, comment);
      update.setTimestamp(4, Timestamp.from(now));
      update.setTimestamp(5, Timestamp.from(now));
      update.setString(6, id);
      update.setLong(7, row.version());
      update.setInt(8, Insight.State.STATE_OPEN_VALUE);
      if (update.executeUpdate() != 1) {
        throw new EtagMismatchException(name);
      }
    } catch (SQLException e) {
      throw new DatabaseException(e);
    }
    return get(twinId, id);
  }

  public static String etag(Row row) {
    return Long.toString(row.version(), 36);
  }

  /**
   * Links an applied setpoint change to the insights of its node that are open or acknowledged, and
   * returns the insights it linked.
   */
  public List<Row> link(String twinId, String nodeId, String action) {
    List<Row> open =
        query(
            "SELECT " + COLUMNS + " FROM insight WHERE twin_id = ? AND node_id = ? AND state <> ?",
            twinId,
            nodeId,
            Insight.State.STATE_RESOLVED_VALUE);
    if (open.isEmpty()) {
      return open;
    }
    try (Connection connection = dataSource.getConnection();
        PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO insight_action (insight_id, action) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
      for (Row row : open) {
        insert.setString(1, row.id());
        insert.setString(2, action);
        insert.addBatch();
      }
      insert.executeBatch();
    } catch (SQLException e) {
      throw new DatabaseException(e);
    }
    return open.stream().map(row -> get(twinId, row.id())).toList();
  }

  private List<Row> query(String sql, Object... parameters) {
    List<Row> rows = queryRows(sql, parameters);
    if (rows.isEmpty()) {
      return rows;
    }
    // The linked actions of the rows, in one query.
    java.util.Map<String, List<String>> actions = new java.util.HashMap<>();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT a.insight_id, a.action FROM insight_action a JOIN insight i"
                    + " ON i.id = a.insight_id WHERE i.twin_id = ? ORDER BY a.action")) {
      select.setString(1, rows.get(0).twinId());
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          actions.computeIfAbsent(rs.getString(1), key -> new ArrayList<>()).add(rs.getString(2));
        }
      }
    } catch (SQLException e) {
      throw new DatabaseException(e);
    }
    if (actions.isEmpty()) {
      return rows;
    }
    List<Row> linked = new ArrayList<>(rows.size());
    for (Row row : rows) {
      List<String> links = actions.get(row.id());
      linked.add(
          links == null
              ? row
              : new Row(
                  row.id(),
                  row.twinId(),
                  row.rule(),
                  row.ruleKind(),
                  row.severity(),
                  row.state(),
                  row.summary(),
                  row.nodeId(),
                  row.pointId(),
                  row.observed(),
                  row.threshold(),
                  row.firstSeen(),
                  row.lastSeen(),
                  row.resolveTime(),
                  row.acknowledgedBy(),
                  row.acknowledgeComment(),
                  row.acknowledgeTime(),
                  row.version(),
                  row.createTime(),
                  row.updateTime(),
                  List.copyOf(links)));
    }
    return linked;
  }

  private List<Row> queryRows(String sql, Object... parameters) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        select.setObject(i + 1, parameters[i]);
      }
      List<Row> rows = new ArrayList<>();
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          rows.add(
              new Row(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getInt(4),
                  rs.getInt(5),
                  rs.getInt(6),
                  rs.getString(7),
                  rs.getString(8),
                  rs.getString(9),
                  rs.getDouble(10),
                  rs.getDouble(11),
                  instant(rs.getTimestamp(12)),
                  instant(rs.getTimestamp(13)),
                  instant(rs.getTimestamp(14)),
                  rs.getString(15),
                  rs.getString(16),
                  instant(rs.getTimestamp(17)),
                  rs.getLong(18),
                  instant(rs.getTimestamp(19)),
                  instant(rs.getTimestamp(20)),
                  List.of()));
        }
      }
      return rows;
    } catch (SQLException e) {
      throw new DatabaseException(e);
    }
  }

  private static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }
}
