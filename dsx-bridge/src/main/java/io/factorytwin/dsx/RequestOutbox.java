package io.factorytwin.dsx;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.jboss.logging.Logger;

/**
 * The setpoint requests on their way to the BMS, one latest request per point. A request goes out
 * once the BMS has named the point's request topic in its metadata and while the BMS heartbeat is
 * recent. It is sent when the MQTT client takes it, which then stores it until the broker
 * acknowledges it. A request that cannot be sent yet waits. Only the newest one per point waits,
 * because a setpoint request states a value, not a change.
 *
 * <p>The outbox also tracks how far control-service's audit trail has been handled: {@link
 * #resumePoint()} is the highest sequence at or below which every request is in the MQTT client's
 * hands, which the bridge saves so that it resumes there after a restart. The methods are
 * synchronized: the WatchActions thread, the MQTT callback thread and the scheduler call them.
 */
final class RequestOutbox {

  private static final Logger LOG = Logger.getLogger(RequestOutbox.class);

  /** Hands a message to the MQTT client; returns false when the client does not take it. */
  interface Sender {
    boolean send(String topic, byte[] payload);
  }

  /** One request: the twin setpoint point, the audit sequence of its change and the payload. */
  private record Request(String point, long sequence, byte[] payload) {}

  private final Sender sender;
  private final BridgeCounters counters;

  /** Request topics named by the BMS metadata, by twin setpoint point. */
  private final Map<String, String> topics = new HashMap<>();

  /** The latest request per point, sent or not. */
  private final Map<String, Request> latest = new HashMap<>();

  /** The latest request per point that the MQTT client has not taken yet. */
  private final Map<String, Request> unsent = new HashMap<>();

  private long lastSequenceSeen = -1;
  private boolean bmsOnline = true;

  RequestOutbox(Sender sender, BridgeCounters counters) {
    this.sender = sender;
    this.counters = counters;
  }

  /** Returns the request topic of a twin setpoint point, once the BMS metadata named it. */
  synchronized Optional<String> topic(String point) {
    return Optional.ofNullable(topics.get(point));
  }

  /** Records the request topic of a point, and sends the point's request if one waits for it. */
  synchronized void topicNamed(String point, String topic) {
    topics.put(point, topic);
    Request waiting = unsent.get(point);
    if (waiting != null) {
      send(waiting);
    }
  }

  /**
   * Forgets every request topic, after the twin switched revisions: the bridge matches the BMS
   * metadata again and names them anew. Requests made in between wait for their topic.
   */
  synchronized void forgetTopics() {
    topics.clear();
  }

  /**
   * Queues the request for a setpoint value that control-service wrote for an agent, and sends it
   * when it can. A sequence older than the point's latest request is ignored.
   */
  synchronized void written(String point, double value, long timeMs, long sequence) {
    Request previous = latest.get(point);
    if (previous != null && previous.sequence() >= sequence) {
      return;
    }
    Request request =
        new Request(
            point, sequence, DsxPayloads.valueMessage(value, timeMs, DsxPayloads.GOOD_QUALITY));
    latest.put(point, request);
    unsent.put(point, request);
    counters.requestsPublished.incrementAndGet();
    if (!topics.containsKey(point)) {
      counters.requestsUnmapped.incrementAndGet();
      LOG.debugf("request for %s waits for its DSX request metadata", point);
      return;
    }
    send(request);
  }

  /** Notes that every audit entry up to this sequence has been handled. */
  synchronized void seen(long sequence) {
    lastSequenceSeen = Math.max(lastSequenceSeen, sequence);
  }

  /**
   * Sends the latest request of every point again, after the connection to the broker came back:
   * the broker may have lost what it had not yet delivered.
   */
  synchronized void resendAll() {
    for (Request request : latest.values()) {
      unsent.put(request.point(), request);
      send(request);
    }
  }

  /**
   * Follows the BMS heartbeat. While the BMS is offline, requests wait; when it comes back, the
   * latest waiting request of each point is sent.
   */
  synchronized void bmsOnline(boolean online) {
    if (online == bmsOnline) {
      return;
    }
    bmsOnline = online;
    if (online) {
      for (Request request : Map.copyOf(unsent).values()) {
        send(request);
      }
    }
  }

  /** Returns false while the BMS heartbeat is missing and requests wait for it. */
  synchronized boolean bmsOnline() {
    return bmsOnline;
  }

  /** Returns the number of points whose request waits for its topic, the BMS or the broker. */
  synchronized int waiting() {
    return unsent.size();
  }

  /**
   * Returns the sequence after which WatchActions must resume so that no request is lost that the
   * MQTT client has not taken. That is just below the oldest waiting request, or the last sequence
   * seen when none waits. Empty before any sequence was seen.
   */
  synchronized OptionalLong resumePoint() {
    long point = lastSequenceSeen;
    for (Request request : unsent.values()) {
      point = Math.min(point, request.sequence() - 1);
    }
    return point < 0 ? OptionalLong.empty() : OptionalLong.of(point);
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
      unsent.remove(request.point(), request);
    }
  }
}
