package io.factorytwin.dsx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.jboss.logging.Logger;

/**
 * The setpoint requests on their way to the BMS, one latest request per point. A request goes out
 * once the BMS has named the point's request topic in its metadata and while the BMS heartbeat is
 * recent. It is taken when the MQTT client accepts it, which then stores it until the broker
 * acknowledges it. A request that cannot be taken yet waits. Only the newest one per point waits,
 * because a setpoint request states a value, not a change.
 *
 * <p>The outbox also records how far control-service's audit trail has been read, and its {@link
 * #snapshot()} contains that sequence and the requests that still wait. The bridge saves the
 * snapshot in {@link OutboxFile} and restores it on start, so it resumes WatchActions after the
 * last sequence read and sends the waiting requests without replaying older changes.
 *
 * <p>Every method is synchronized, because the WatchActions thread, the MQTT client's callback
 * thread, the scheduler and the inbound worker all call them. Requests are handed to the MQTT
 * client while the lock is held, so two requests for one point never reach the client out of order.
 */
final class RequestOutbox {

  private static final Logger LOG = Logger.getLogger(RequestOutbox.class);

  /** Hands a message to the MQTT client and returns false when the client does not take it. */
  interface Sender {
    boolean send(String topic, byte[] payload);
  }

  /**
   * A setpoint request: the twin setpoint point, the audit sequence of its change and the value.
   */
  record Request(String point, long sequence, double value, long timeMs) {

    byte[] payload() {
      return DsxPayloads.valueMessage(value, timeMs, DsxPayloads.GOOD_QUALITY);
    }
  }

  /**
   * The state to keep across a restart: the last audit sequence read, if any, and the requests that
   * the MQTT client has not taken yet.
   */
  record Snapshot(OptionalLong lastSequence, List<Request> waiting) {

    static final Snapshot EMPTY = new Snapshot(OptionalLong.empty(), List.of());
  }

  private final Sender sender;
  private final BridgeCounters counters;

  /** Request topics named by the BMS metadata, by twin setpoint point. */
  private final Map<String, String> topics = new HashMap<>();

  /** The latest request per point, taken by the MQTT client or not. */
  private final Map<String, Request> latest = new HashMap<>();

  /** The latest request per point that the MQTT client has not taken yet. */
  private final Map<String, Request> waiting = new HashMap<>();

  private long lastSequenceSeen = -1;

  /** Whether the BMS heartbeat is watched at all: only once the BMS named its heartbeat point. */
  private boolean watchingHeartbeat;

  private boolean bmsOnline = true;
  private long lastBmsHeartbeatNanos;

  RequestOutbox(Sender sender, BridgeCounters counters) {
    this.sender = sender;
    this.counters = counters;
  }

  /** Restores a saved snapshot; called before WatchActions starts. */
  synchronized void restore(Snapshot snapshot) {
    lastSequenceSeen = snapshot.lastSequence().orElse(-1);
    for (Request request : snapshot.waiting()) {
      latest.put(request.point(), request);
      waiting.put(request.point(), request);
    }
  }

  /** Returns the last sequence read and the requests that wait, to be saved. */
  synchronized Snapshot snapshot() {
    List<Request> requests = new ArrayList<>(waiting.values());
    requests.sort((a, b) -> Long.compare(a.sequence(), b.sequence()));
    OptionalLong last =
        lastSequenceSeen < 0 ? OptionalLong.empty() : OptionalLong.of(lastSequenceSeen);
    return new Snapshot(last, List.copyOf(requests));
  }

  /** Returns the request topic of a twin setpoint point, once the BMS metadata named it. */
  synchronized Optional<String> topic(String point) {
    return Optional.ofNullable(topics.get(point));
  }

  /** Records the request topic of a point, and sends the point's request if one waits for it. */
  synchronized void topicNamed(String point, String topic) {
    String previous = topics.put(point, topic);
    if (previous != null && !previous.equals(topic)) {
      LOG.warnf(
          "two BMS request points name %s: requests now go to %s instead of %s",
          point, topic, previous);
    }
    Request request = waiting.get(point);
    if (request != null) {
      send(request);
    }
  }

  /** Forgets a point's request topic after the BMS cleared its metadata; requests then wait. */
  synchronized void topicRemoved(String point, String topic) {
    topics.remove(point, topic);
  }

  /**
   * Forgets every request topic, after the twin switched revisions. The bridge then matches the BMS
   * metadata again and names them anew, and requests made in between wait for their topic.
   */
  synchronized void forgetTopics() {
    topics.clear();
  }

  /**
   * Queues the request for a setpoint value that control-service wrote for an agent, and sends it
   * when it can. A sequence at or below the point's latest request is ignored.
   */
  synchronized void written(String point, double value, long timeMs, long sequence) {
    Request previous = latest.get(point);
    if (previous != null && previous.sequence() >= sequence) {
      return;
    }
    Request request = new Request(point, sequence, value, timeMs);
    latest.put(point, request);
    waiting.put(point, request);
    if (!topics.containsKey(point)) {
      counters.requestsUnmapped.incrementAndGet();
      LOG.debugf("request for %s waits for its DSX request metadata", point);
      return;
    }
    send(request);
  }

  /** Notes that every audit entry up to this sequence has been read. */
  synchronized void seen(long sequence) {
    lastSequenceSeen = Math.max(lastSequenceSeen, sequence);
  }

  /**
   * Forgets the audit trail read so far, after control-service reported that the resume sequence
   * lies beyond its trail (a restored database). The waiting requests are dropped, because their
   * changes are no longer in the trail, and the sequences start over.
   */
  synchronized void trailReset() {
    if (!waiting.isEmpty()) {
      LOG.warnf(
          "control-service's audit trail was reset; dropping %d waiting requests", waiting.size());
    }
    latest.clear();
    waiting.clear();
    lastSequenceSeen = -1;
  }

  /**
   * Sends the latest request of every point again, after the connection to the broker came back,
   * because the broker may have lost what it had not delivered yet. A request the MQTT client took
   * before stays taken even when the client does not take it again now.
   */
  synchronized void resendAll() {
    if (!bmsOnline) {
      return;
    }
    for (Request request : latest.values()) {
      String topic = topics.get(request.point());
      if (topic != null && !waiting.containsKey(request.point())) {
        sender.send(topic, request.payload());
      }
    }
    retryWaiting();
  }

  /** Tries again the requests that wait only because the MQTT client did not take them. */
  synchronized void retryWaiting() {
    for (Request request : List.copyOf(waiting.values())) {
      if (topics.containsKey(request.point()) && bmsOnline) {
        send(request);
      }
    }
  }

  /**
   * Starts or restarts the BMS heartbeat clock: when the BMS names its heartbeat point, and after a
   * reconnect to the broker, because no heartbeat could arrive while the connection was down.
   */
  synchronized void startHeartbeatClock(long nowNanos) {
    watchingHeartbeat = true;
    lastBmsHeartbeatNanos = nowNanos;
  }

  /**
   * Records a BMS heartbeat. When the BMS was offline, the latest waiting request of each point
   * goes out.
   */
  synchronized void bmsHeartbeat(long nowNanos) {
    watchingHeartbeat = true;
    lastBmsHeartbeatNanos = nowNanos;
    if (!bmsOnline) {
      LOG.info("the BMS heartbeat is back; sending the requests that waited");
      bmsOnline = true;
      retryWaiting();
    }
  }

  /**
   * Marks the BMS offline when it named a heartbeat point and none came within the timeout.
   *
   * @return true when this call marked it offline
   */
  synchronized boolean checkHeartbeat(long nowNanos, long timeoutNanos) {
    if (!watchingHeartbeat || !bmsOnline || nowNanos - lastBmsHeartbeatNanos <= timeoutNanos) {
      return false;
    }
    bmsOnline = false;
    return true;
  }

  /** Returns false while the BMS heartbeat is missing and requests wait for it. */
  synchronized boolean bmsOnline() {
    return bmsOnline;
  }

  /** Returns the number of points whose request waits for its topic, the BMS or the broker. */
  synchronized int waiting() {
    return waiting.size();
  }

  private void send(Request request) {
    String topic = topics.get(request.point());
    if (topic == null) {
      return;
    }
    if (!bmsOnline) {
      counters.requestsHeld.incrementAndGet();
      return;
    }
    if (sender.send(topic, request.payload())) {
      waiting.remove(request.point(), request);
      counters.requestsPublished.incrementAndGet();
    }
  }
}
