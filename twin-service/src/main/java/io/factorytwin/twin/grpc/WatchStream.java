package io.factorytwin.twin.grpc;

import io.factorytwin.support.error.InvalidArgumentException;
import io.factorytwin.twin.graph.TwinGraph;
import io.factorytwin.twin.service.ChangeLog;
import io.factorytwin.twin.service.LiveState;
import io.factorytwin.twin.service.LiveStates;
import io.factorytwin.twin.v1.Insight;
import io.factorytwin.twin.v1.Keepalive;
import io.factorytwin.twin.v1.Lagged;
import io.factorytwin.twin.v1.PointValue;
import io.factorytwin.twin.v1.ResumeTokenExpired;
import io.factorytwin.twin.v1.RevisionSwitched;
import io.factorytwin.twin.v1.SetpointChange;
import io.factorytwin.twin.v1.ValuesChanged;
import io.factorytwin.twin.v1.WatchEventKind;
import io.factorytwin.twin.v1.WatchFilter;
import io.factorytwin.twin.v1.WatchRequest;
import io.factorytwin.twin.v1.WatchResponse;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.BitSet;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One Watch stream. It reads the change log of the twin's live state with its own cursor and sends
 * only while the transport is ready, so a slow subscriber costs no buffer: when the log has wrapped
 * past its cursor it gets a `lagged` notice and the latest value of each point instead of every
 * change, or `resume_token_expired` when setpoint, insight or revision events were lost.
 */
final class WatchStream {

  private static final int VALUES_PER_MESSAGE = 1000;
  private static final int ENTRIES_PER_READ = 4096;

  private final ServerCallStreamObserver<WatchResponse> response;
  private final LiveStates states;
  private final java.util.function.BooleanSupplier owner;
  private final ExecutorService executor;
  private final String twinId;
  private final WatchFilter filterMessage;
  private final Set<WatchEventKind> kinds;
  private final boolean snapshot;
  private final long keepaliveNanos;
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final Runnable wake = this::schedule;

  private LiveState state;
  private TwinGraph graph;
  private ChangeLog log;
  private Filter filter;
  private long cursor;
  private boolean conflating;

  /** Value entries up to this position were sent as conflated latest values already. */
  private long conflatedUpTo;

  private volatile long lastSent = System.nanoTime();
  private volatile boolean closed;
  private String pendingExpired;

  /** Point and node sets of the filter, resolved on one revision's graph. */
  private record Filter(BitSet points, BitSet nodes, Set<String> types) {

    boolean matchesPoint(TwinGraph graph, int point) {
      if (point < 0) {
        return points == null && nodes == null && types == null;
      }
      return (points == null || points.get(point))
          && (nodes == null || nodes.get(graph.pointNode(point)))
          && (types == null || types.contains(graph.pointTemplate(point).pointType()));
    }
  }

  WatchStream(
      WatchRequest request,
      StreamObserver<WatchResponse> response,
      LiveStates states,
      java.util.function.BooleanSupplier owner,
      ExecutorService executor) {
    this.response = (ServerCallStreamObserver<WatchResponse>) response;
    this.states = states;
    this.owner = owner;
    this.executor = executor;
    this.twinId = Names.twin(request.getParent(), "parent");
    this.filterMessage = request.getFilter();
    if (filterMessage.getPointsCount() > 10_000) {
      throw new InvalidArgumentException("filter.points", "at most 10,000 points");
    }
    if (filterMessage.getNodesCount() > 1000) {
      throw new InvalidArgumentException("filter.nodes", "at most 1000 nodes");
    }
    this.kinds = EnumSet.noneOf(WatchEventKind.class);
    for (int i = 0; i < filterMessage.getEventKindsValueList().size(); i++) {
      WatchEventKind kind = WatchEventKind.forNumber(filterMessage.getEventKindsValue(i));
      if (kind == null || kind == WatchEventKind.WATCH_EVENT_KIND_UNSPECIFIED) {
        throw new InvalidArgumentException(
            "filter.event_kinds[" + i + "]", "not a known event kind");
      }
      kinds.add(kind);
    }
    long keepaliveSeconds = 10;
    if (request.hasKeepaliveInterval()) {
      keepaliveSeconds = request.getKeepaliveInterval().getSeconds();
      if (keepaliveSeconds < 1
          || keepaliveSeconds > 60
          || request.getKeepaliveInterval().getNanos() != 0) {
        throw new InvalidArgumentException(
            "keepalive_interval", "must be whole seconds in [1, 60]");
      }
    }
    this.keepaliveNanos = keepaliveSeconds * 1_000_000_000L;
    this.snapshot = request.getIncludeSnapshot();
    attach(states.of(twinId));
    this.filter = resolve(filterMessage);
    String token = request.getResumeToken();
    cursor = log.head();
    if (!token.isEmpty()) {
      long position = position(token);
      if (position >= 0 && position <= log.head() && position + 1 >= log.oldest()) {
        cursor = position;
      } else {
        pendingExpired = token;
      }
    }
  }

  /** Sends the opening notices or snapshot, then the changes as they come. */
  synchronized void start() {
    if (pendingExpired != null) {
      sendExpired(pendingExpired);
      pendingExpired = null;
    } else if (snapshot) {
      sendSnapshot();
    }
    schedule();
  }

  private void attach(LiveState live) {
    if (log != null) {
      log.unlisten(wake);
    }
    state = live;
    graph = live.graph();
    log = live.log();
    log.listen(wake);
  }

  private Filter resolve(WatchFilter message) {
    BitSet points = null;
    if (message.getPointsCount() > 0) {
      points = new BitSet();
      for (int i = 0; i < message.getPointsCount(); i++) {
        Names.Child name = Names.child(message.getPoints(i), "points", "filter.points[" + i + "]");
        int point = graph.point(name.id());
        if (!name.twinId().equals(twinId) || point < 0) {
          throw new io.factorytwin.support.error.NotFoundException(message.getPoints(i));
        }
        points.set(point);
      }
    }
    BitSet nodes = null;
    if (message.getNodesCount() > 0) {
      nodes = new BitSet();
      for (int i = 0; i < message.getNodesCount(); i++) {
        Names.Child name = Names.child(message.getNodes(i), "nodes", "filter.nodes[" + i + "]");
        int node = graph.node(name.id());
        if (!name.twinId().equals(twinId) || node < 0) {
          throw new io.factorytwin.support.error.NotFoundException(message.getNodes(i));
        }
        contained(node, nodes);
      }
    }
    Set<String> types =
        message.getPointTypesCount() == 0 ? null : new HashSet<>(message.getPointTypesList());
    return new Filter(points, nodes, types);
  }

  private void contained(int node, BitSet nodes) {
    List<Integer> stack = new ArrayList<>(List.of(node));
    while (!stack.isEmpty()) {
      int next = stack.remove(stack.size() - 1);
      if (nodes.get(next)) {
        continue;
      }
      nodes.set(next);
      for (int i = 0; i < graph.outDegree(next); i++) {
        int edge = graph.outEdge(next, i);
        if (graph.edgeKind(edge) == io.factorytwin.twin.v1.EdgeKind.EDGE_KIND_CONTAINS) {
          stack.add(graph.edgeTarget(edge));
        }
      }
    }
  }

  private boolean wants(WatchEventKind kind) {
    return kinds.isEmpty() || kinds.contains(kind);
  }

  void schedule() {
    if (!closed && scheduled.compareAndSet(false, true)) {
      executor.execute(this::drain);
    }
  }

  /** Sends a keepalive when nothing was sent for the interval; called by a timer. */
  void keepalive() {
    if (!closed && System.nanoTime() - lastSent >= keepaliveNanos) {
      executor.execute(
          () -> {
            synchronized (this) {
              if (!closed && response.isReady() && System.nanoTime() - lastSent >= keepaliveNanos) {
                Keepalive.Builder keepalive =
                    Keepalive.newBuilder().setServerTime(TwinMapper.timestamp(Instant.now()));
                long clock = state.facilityClock();
                if (clock != Long.MIN_VALUE) {
                  keepalive.setFacilityTime(TwinMapper.timestamp(Instant.ofEpochMilli(clock)));
                }
                send(WatchResponse.newBuilder().setKeepalive(keepalive));
              }
            }
          });
    }
  }

  boolean closed() {
    return closed;
  }

  void close() {
    closed = true;
    log.unlisten(wake);
  }

  private synchronized void drain() {
    scheduled.set(false);
    List<ChangeLog.Entry> entries = new ArrayList<>();
    while (!closed && response.isReady()) {
      entries.clear();
      if (!log.read(cursor, ENTRIES_PER_READ, entries)) {
        catchUp();
        continue;
      }
      if (entries.isEmpty()) {
        if (log.retired() && !owner.getAsBoolean()) {
          // This replica lost the lease: the client reconnects and reaches the new owner.
          close();
          response.onError(
              io.grpc.Status.UNAVAILABLE
                  .withDescription("this replica no longer owns the twin's live state; reconnect")
                  .asRuntimeException());
          return;
        }
        if (log.retired()) {
          // The active revision changed: continue on the new revision's log.
          attach(states.of(twinId));
          filter = resolve(filterMessage);
          cursor = log.head();
          continue;
        }
        conflating = false;
        return;
      }
      ValuesChanged.Builder values = ValuesChanged.newBuilder().setConflated(conflating);
      long valuesSeq = cursor;
      for (ChangeLog.Entry entry : entries) {
        if (entry.kind() == ChangeLog.VALUE) {
          if (entry.seq() > conflatedUpTo
              && wants(WatchEventKind.WATCH_EVENT_KIND_VALUES)
              && filter.matchesPoint(graph, entry.point())) {
            values.addValues(value(entry.point(), entry.value(), entry.time()));
          }
          valuesSeq = entry.seq();
          if (values.getValuesCount() >= VALUES_PER_MESSAGE) {
            sendValues(values, valuesSeq);
            values = ValuesChanged.newBuilder().setConflated(conflating);
          }
          cursor = entry.seq();
          continue;
        }
        if (values.getValuesCount() > 0) {
          sendValues(values, valuesSeq);
          values = ValuesChanged.newBuilder().setConflated(conflating);
        }
        sendEvent(entry);
        cursor = entry.seq();
      }
      if (values.getValuesCount() > 0) {
        sendValues(values, valuesSeq);
      }
    }
  }

  /** The log wrapped past the cursor. */
  private void catchUp() {
    long oldest = log.oldest();
    if (log.lostEventsAfter(cursor)) {
      sendExpired(token(cursor));
      cursor = log.head();
      return;
    }
    long dropped = oldest - 1 - cursor;
    send(
        WatchResponse.newBuilder()
            .setLagged(Lagged.newBuilder().setDroppedValueChanges(Math.max(0, dropped))));
    // The latest value of every matching point that changed since the cursor, up to the newest
    // entry: the value entries still in the ring up to there are then skipped, so a subscriber
    // that stays behind gets one notice per catch-up instead of one per ring wrap.
    long upTo = log.head();
    ValuesChanged.Builder values = ValuesChanged.newBuilder().setConflated(true);
    boolean wanted = wants(WatchEventKind.WATCH_EVENT_KIND_VALUES);
    for (int point = 0; wanted && point < graph.pointCount(); point++) {
      long seq = state.publishedSeq(point);
      if (seq > cursor && seq <= upTo && filter.matchesPoint(graph, point)) {
        values.addValues(value(point, state.latest(point), state.latestTime(point)));
        if (values.getValuesCount() >= VALUES_PER_MESSAGE) {
          sendValues(values, oldest - 1);
          values = ValuesChanged.newBuilder().setConflated(true);
        }
      }
    }
    if (values.getValuesCount() > 0) {
      sendValues(values, oldest - 1);
    }
    cursor = oldest - 1;
    conflatedUpTo = upTo;
    conflating = true;
  }

  private void sendSnapshot() {
    ValuesChanged.Builder values = ValuesChanged.newBuilder().setSnapshot(true);
    for (int point = 0; point < graph.pointCount(); point++) {
      if (!filter.matchesPoint(graph, point)) {
        continue;
      }
      if (graph.pointTemplate(point).isSetpoint()) {
        // A setpoint's current desired value: the last one applied, else its default.
        double desired = state.desiredValue(point);
        if (!Double.isNaN(desired)) {
          values.addValues(
              PointValue.newBuilder()
                  .setPoint(Names.point(twinId, graph.pointId(point)))
                  .setValue(desired)
                  .build());
        }
      } else if (state.latestTime(point) != Long.MIN_VALUE) {
        values.addValues(value(point, state.latest(point), state.latestTime(point)));
      }
    }
    sendValues(values, cursor);
  }

  private void sendExpired(String token) {
    send(
        WatchResponse.newBuilder()
            .setResumeTokenExpired(ResumeTokenExpired.newBuilder().setExpiredToken(token)));
    if (snapshot) {
      sendSnapshot();
    }
  }

  private void sendEvent(ChangeLog.Entry entry) {
    WatchResponse.Builder message = WatchResponse.newBuilder();
    switch (entry.kind()) {
      case ChangeLog.SETPOINT -> {
        if (!wants(WatchEventKind.WATCH_EVENT_KIND_SETPOINTS)
            || !filter.matchesPoint(graph, entry.point())) {
          return;
        }
        message.setSetpointChanged((SetpointChange) entry.message());
      }
      case ChangeLog.INSIGHT -> {
        if (!wants(WatchEventKind.WATCH_EVENT_KIND_INSIGHTS)
            || !filter.matchesPoint(graph, entry.point())) {
          return;
        }
        message.setInsightChanged((Insight) entry.message());
      }
      case ChangeLog.REVISION -> {
        if (!wants(WatchEventKind.WATCH_EVENT_KIND_REVISIONS)) {
          return;
        }
        message.setRevisionSwitched((RevisionSwitched) entry.message());
      }
      default -> {
        return;
      }
    }
    message.setResumeToken(token(entry.seq()));
    response.onNext(message.build());
    lastSent = System.nanoTime();
  }

  private PointValue value(int point, double value, long time) {
    return PointValue.newBuilder()
        .setPoint(Names.point(twinId, graph.pointId(point)))
        .setValue(value)
        .setFacilityTime(TwinMapper.timestamp(Instant.ofEpochMilli(time)))
        .build();
  }

  private void sendValues(ValuesChanged.Builder values, long seq) {
    send(WatchResponse.newBuilder().setValuesChanged(values).setResumeToken(token(seq)));
  }

  private void send(WatchResponse.Builder message) {
    if (message.getResumeToken().isEmpty()) {
      message.setResumeToken(token(cursor));
    }
    response.onNext(message.build());
    lastSent = System.nanoTime();
  }

  private String token(long seq) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((log.epoch() + ":" + seq).getBytes(StandardCharsets.UTF_8));
  }

  /** The position in this log that a token names, or -1 for a token of another log. */
  private long position(String token) {
    try {
      String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      int colon = text.lastIndexOf(':');
      if (colon < 0 || !text.substring(0, colon).equals(log.epoch())) {
        return -1;
      }
      return Long.parseLong(text.substring(colon + 1));
    } catch (IllegalArgumentException e) {
      return -1;
    }
  }
}
