package io.factorytwin.twin.service;

import io.factorytwin.twin.graph.TwinGraph;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The live state of each twin's active revision in this process. A state is created on first use
 * and replaced when the twin's active revision changes.
 */
@ApplicationScoped
public class LiveStates {

  private final Twins twins;
  private final javax.sql.DataSource dataSource;
  private final int historySamples;
  private final long maxAgeMs;
  private final long maxAheadMs;
  private final double expectedPue;
  private final Map<String, LiveState> states = new ConcurrentHashMap<>();

  LiveStates(
      Twins twins,
      javax.sql.DataSource dataSource,
      @ConfigProperty(name = "twin.history-samples") int historySamples,
      @ConfigProperty(name = "twin.ingest.max-age") Duration maxAge,
      @ConfigProperty(name = "twin.ingest.max-ahead") Duration maxAhead,
      @ConfigProperty(name = "twin.insights.expected-pue") double expectedPue) {
    this.expectedPue = expectedPue;
    this.twins = twins;
    this.dataSource = dataSource;
    this.historySamples = Math.max(historySamples, 1);
    this.maxAgeMs = maxAge.toMillis();
    this.maxAheadMs = maxAhead.toMillis();
  }

  /** The live state of the twin's active revision; NOT_FOUND for an unknown twin. */
  public LiveState of(String twinId) {
    TwinGraph graph = twins.graph(twinId, null);
    LiveState state = states.get(twinId);
    if (state != null && state.graph() == graph) {
      return state;
    }
    return states.compute(
        twinId,
        (id, current) -> {
          if (current != null && current.graph() == graph) {
            return current;
          }
          LiveState created = new LiveState(graph, historySamples, maxAgeMs, maxAheadMs);
          created.expectedPue(expectedPue);
          if (current != null) {
            // The active revision changed in this process: points both revisions have keep
            // their live values, as ActivateTwinRevision promises.
            created.carryOver(current);
          } else {
            seed(created);
          }
          return created;
        });
  }

  /** Drops every live state: this replica gained or lost the lease. */
  public void clear() {
    states.values().forEach(state -> state.log().retire());
    states.clear();
  }

  /**
   * Starts a new live state from the newest one-minute roll-up of each point: its mean becomes the
   * latest value, stamped at the end of that minute, so a replica that takes over answers with the
   * values of the last written minute and accepts newer telemetry.
   */
  private void seed(LiveState state) {
    TwinGraph graph = state.graph();
    String sql =
        "SELECT r.point_id, r.mean_value, r.minute_start FROM point_rollup r JOIN"
            + " (SELECT point_id, MAX(minute_start) AS newest FROM point_rollup WHERE twin_id = ?"
            + " GROUP BY point_id) n ON r.point_id = n.point_id AND r.minute_start = n.newest"
            + " WHERE r.twin_id = ?";
    try (java.sql.Connection connection = dataSource.getConnection();
        java.sql.PreparedStatement select = connection.prepareStatement(sql)) {
      select.setString(1, graph.twinId());
      select.setString(2, graph.twinId());
      try (java.sql.ResultSet rs = select.executeQuery()) {
        synchronized (state) {
          while (rs.next()) {
            int point = graph.point(rs.getString(1));
            if (point >= 0) {
              state.seed(point, rs.getDouble(2), rs.getTimestamp(3).getTime() + 59_999);
            }
          }
        }
      }
      try (java.sql.PreparedStatement setpoints =
          connection.prepareStatement(
              "SELECT point_id, desired_value FROM setpoint_value WHERE twin_id = ?")) {
        setpoints.setString(1, graph.twinId());
        try (java.sql.ResultSet rs = setpoints.executeQuery()) {
          while (rs.next()) {
            int point = graph.point(rs.getString(1));
            if (point >= 0) {
              state.desired(point, rs.getDouble(2));
            }
          }
        }
      }
    } catch (java.sql.SQLException e) {
      throw new DatabaseException(e);
    }
  }

  /**
   * The live state if one exists for this graph, without creating one. A graph with observed edges
   * shares the live state of its design graph.
   */
  public LiveState existing(TwinGraph graph) {
    LiveState state = states.get(graph.twinId());
    return state != null && state.graph() == graph.design() ? state : null;
  }

  /**
   * Returns the twin's facility clock in epoch milliseconds: the latest facility time of any sample
   * its live state accepted, or Long.MIN_VALUE before the first sample.
   */
  public long facilityClock(String twinId) {
    LiveState state = states.get(twinId);
    return state == null ? Long.MIN_VALUE : state.facilityClock();
  }
}
