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
  private final int historySamples;
  private final long maxAgeMs;
  private final long maxAheadMs;
  private final Map<String, LiveState> states = new ConcurrentHashMap<>();

  LiveStates(
      Twins twins,
      @ConfigProperty(name = "twin.history-samples") int historySamples,
      @ConfigProperty(name = "twin.ingest.max-age") Duration maxAge,
      @ConfigProperty(name = "twin.ingest.max-ahead") Duration maxAhead) {
    this.twins = twins;
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
        (id, current) ->
            current != null && current.graph() == graph
                ? current
                : new LiveState(graph, historySamples, maxAgeMs, maxAheadMs));
  }

  /** The live state if one exists for this graph, without creating one. */
  public LiveState existing(TwinGraph graph) {
    LiveState state = states.get(graph.twinId());
    return state != null && state.graph() == graph ? state : null;
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
