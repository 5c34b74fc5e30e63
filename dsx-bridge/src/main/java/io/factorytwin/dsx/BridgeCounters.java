package io.factorytwin.dsx;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Counts of handled and dropped messages since the bridge started. */
public final class BridgeCounters {

  /** Metadata messages received, retained ones included. */
  public final AtomicLong metadataReceived = new AtomicLong();

  /** Metadata messages matched to a twin point. */
  public final AtomicLong metadataMatched = new AtomicLong();

  /** Metadata messages of a known object type with no twin point to match. */
  public final AtomicLong metadataUnmatched = new AtomicLong();

  /** Values the twin acknowledged as accepted. */
  public final AtomicLong valuesIngested = new AtomicLong();

  /** Values whose quality flag was not 1, or whose value was null: never ingested. */
  public final AtomicLong badQuality = new AtomicLong();

  /** Payloads that are not the schema's JSON, and topics that are not the schema's form. */
  public final AtomicLong malformed = new AtomicLong();

  /** Messages whose object type the schema does not define. */
  public final AtomicLong unknownObjectType = new AtomicLong();

  /** Values of points without matched metadata. */
  public final AtomicLong valuesUnmatched = new AtomicLong();

  /** Values that arrived before their point's metadata and waited for it. */
  public final AtomicLong valuesHeldForMetadata = new AtomicLong();

  /** Values in a unit that cannot be converted into the twin point's unit. */
  public final AtomicLong unitMismatch = new AtomicLong();

  /** Values the twin rejected (stale, out of order, duplicate, out of range). */
  public final AtomicLong twinRejected = new AtomicLong();

  /**
   * DSX relations (servesId) that the twin's graph lacks and the bridge could not record. Matching
   * again after a revision switch checks them anew, so this is the number missing now.
   */
  public final AtomicLong missingRelations = new AtomicLong();

  /** DSX power meter relations (servesId) recorded in the twin as observed MEASURES edges. */
  public final AtomicLong relationsRecorded = new AtomicLong();

  /** Setpoint requests the MQTT client took, each counted once. */
  public final AtomicLong requestsPublished = new AtomicLong();

  /** Setpoint requests the broker acknowledged (PUBACK). */
  public final AtomicLong requestsAcknowledged = new AtomicLong();

  /** Applied setpoints without a DSX request point to publish on. */
  public final AtomicLong requestsUnmapped = new AtomicLong();

  /** Tries to send a request while the BMS heartbeat was missing, after each of which it waited. */
  public final AtomicLong requestsHeld = new AtomicLong();

  /** Times the BMS heartbeat went missing for longer than the timeout. */
  public final AtomicLong bmsHeartbeatLosses = new AtomicLong();

  /** Switches of the twin's active revision, after each of which every point was matched again. */
  public final AtomicLong revisionSwitches = new AtomicLong();

  /** Tries to match BMS metadata that failed because twin-service failed or lacks the twin. */
  public final AtomicLong matchFailures = new AtomicLong();

  /** Heartbeat timestamps and echoes published. */
  public final AtomicLong heartbeatsPublished = new AtomicLong();

  /** Connections to the broker after the first. */
  public final AtomicLong reconnects = new AtomicLong();

  /** Failed tries of the first connection to the broker, TLS handshake failures included. */
  public final AtomicLong connectFailures = new AtomicLong();

  /** Returns the counters by name, for the health check and logs. */
  public Map<String, Long> snapshot() {
    Map<String, Long> out = new LinkedHashMap<>();
    out.put("metadata-received", metadataReceived.get());
    out.put("metadata-matched", metadataMatched.get());
    out.put("metadata-unmatched", metadataUnmatched.get());
    out.put("values-ingested", valuesIngested.get());
    out.put("bad-quality", badQuality.get());
    out.put("malformed", malformed.get());
    out.put("unknown-object-type", unknownObjectType.get());
    out.put("values-unmatched", valuesUnmatched.get());
    out.put("values-held-for-metadata", valuesHeldForMetadata.get());
    out.put("unit-mismatch", unitMismatch.get());
    out.put("twin-rejected", twinRejected.get());
    out.put("missing-relations", missingRelations.get());
    out.put("relations-recorded", relationsRecorded.get());
    out.put("requests-published", requestsPublished.get());
    out.put("requests-acknowledged", requestsAcknowledged.get());
    out.put("requests-unmapped", requestsUnmapped.get());
    out.put("requests-held", requestsHeld.get());
    out.put("bms-heartbeat-losses", bmsHeartbeatLosses.get());
    out.put("revision-switches", revisionSwitches.get());
    out.put("match-failures", matchFailures.get());
    out.put("heartbeats-published", heartbeatsPublished.get());
    out.put("reconnects", reconnects.get());
    out.put("connect-failures", connectFailures.get());
    return out;
  }
}
