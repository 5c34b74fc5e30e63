package io.factorytwin.dsx;

import io.factorytwin.dsx.DsxPayloads.MalformedPayloadException;
import io.factorytwin.dsx.DsxPayloads.Metadata;
import io.factorytwin.dsx.DsxPayloads.Value;
import io.factorytwin.twin.v1.Point;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.DoubleUnaryOperator;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MqttDefaultFilePersistence;
import org.jboss.logging.Logger;

/**
 * The DSX Exchange bridge. Inbound, it subscribes to the BMS metadata and value topics, matches
 * each point's metadata to a twin sensor point and feeds good-quality values to twin-service's
 * Ingest. A power meter's servesId relation that the twin's graph lacks becomes an observed
 * MEASURES edge there (RecordObservedEdges). Outbound, it publishes every setpoint that
 * control-service wrote for an agent as the integration's request on the topic derived from the
 * point's BMS metadata, and publishes the integration's heartbeat at the configured cadence.
 *
 * <p>Requests wait in a {@link RequestOutbox}: for their topic, for the BMS heartbeat, or for the
 * MQTT client. The outbox's state, the last audit sequence read and the waiting requests, is saved
 * in {@link OutboxFile}, so a restarted bridge resumes WatchActions there and still sends them.
 * After the twin switches revisions, every BMS point is matched again.
 *
 * <p>MQTT: version 3.1.1, QoS 1, a persistent session ({@code cleanSession=false}) and Paho's file
 * persistence, so messages the broker has not acknowledged survive a restart of either side.
 * Inbound QoS 1 messages are acknowledged only after the twin acknowledged the value, or after the
 * bridge decided to drop it (bad quality, malformed, unknown). After a lost connection Paho
 * reconnects with a doubling delay up to {@code maxReconnectDelay}; the bridge then subscribes
 * again (the broker resends retained metadata) and republishes the latest request of every point.
 */
public final class DsxBridge implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(DsxBridge.class);

  /** Point types of the integration's heartbeat: the schema spells it both ways. */
  private static final Set<String> HEARTBEAT_TYPES =
      Set.of("HeartbeatTimestampIntegration", "HearbeatTimestampIntegration");

  private static final String ECHO_TYPE = "HeartbeatEchoIntegration";
  private static final String BMS_HEARTBEAT_TYPE = "HeartbeatTimestampBms";
  private static final String POWER_METER_TYPE = "PowerMeter";
  private static final int QOS = 1;

  /** Log lines per kind of dropped message before only every 1000th is logged. */
  private static final long MAX_LOGGED_DROPS = 20;

  private final BridgeConfig config;
  private final BridgeCounters counters;
  private final TokenFile ingestToken;
  private final TokenFile readerToken;

  private ManagedChannel twinChannel;
  private ManagedChannel controlChannel;
  private TwinClient twin;
  private IngestPipeline ingest;
  private ActionFollower actions;
  private MqttAsyncClient mqtt;
  private ScheduledExecutorService scheduler;
  private Thread inboundWorker;
  private volatile boolean closed;

  private final BlockingQueue<MqttMessageEvent> inbound = new LinkedBlockingQueue<>(10_000);

  /** BMS sensor points by point key (object type, point type, tag path). */
  private final Map<String, SensorMapping> sensors = new ConcurrentHashMap<>();

  private final RequestOutbox outbox;
  private final OutboxFile outboxFile;

  /** Resolved twin nodes by DSX id; a missing entry has not been looked up yet. */
  private final Map<String, Optional<String>> nodes = new ConcurrentHashMap<>();

  /**
   * Metadata last handled per point key, so the 100-second republish costs no twin calls, and so
   * every point can be matched again after the twin switched revisions.
   */
  private final Map<String, HandledMetadata> handledMetadata = new ConcurrentHashMap<>();

  private final List<String> missingRelations = new CopyOnWriteArrayList<>();
  private final Set<String> checkedRelations = ConcurrentHashMap.newKeySet();
  private final Map<String, AtomicLong> dropLogCounts = new ConcurrentHashMap<>();

  private volatile String lastConnectError = "";
  private volatile MqttException lastConnectFailure;
  private volatile String heartbeatTopic;
  private volatile String echoTopic;
  private volatile String bmsHeartbeatKey;

  /** The twin's active revision as last read; empty before the first read. */
  private volatile String activeRevision = "";

  /** Whether a read of the active revision failed before the first one succeeded. */
  private volatile boolean revisionReadFailed;

  /** A matched BMS sensor point: the twin point id and the conversion into its unit. */
  private record SensorMapping(String pointId, DoubleUnaryOperator conversion, String dsxUnit) {}

  private record MqttMessageEvent(String topic, MqttMessage message) {}

  /** Queued for the inbound worker after the twin switched revisions: match every point again. */
  private static final MqttMessageEvent REMATCH = new MqttMessageEvent("", new MqttMessage());

  /** Queued for the inbound worker to match again the points whose matching failed. */
  private static final MqttMessageEvent RETRY = new MqttMessageEvent("", new MqttMessage());

  /**
   * Metadata whose matching failed because twin-service failed or has no such twin yet, by point
   * key. The revision check queues another try every {@code revisionCheckInterval}. Touched only by
   * the inbound worker.
   */
  private final Map<String, HandledMetadata> retryMetadata = new java.util.HashMap<>();

  /**
   * Values that arrived before their point's metadata, by point key, oldest first. A broker
   * delivers the values queued in the bridge's session before the retained metadata that the
   * subscription brings, so without this the first values after a restart would be lost. They were
   * acknowledged on arrival, because holding them would fill the broker's in-flight window and keep
   * the metadata out. NOTE: a crash of the bridge loses the values held here. Touched only by the
   * inbound worker.
   */
  private final Map<String, java.util.ArrayDeque<EarlyValue>> earlyValues =
      new java.util.HashMap<>();

  private int earlyValueCount;

  /** Most values held for metadata at once; more are dropped as unmatched. */
  private static final int MAX_EARLY_VALUES = 10_000;

  /** How long a value waits for its metadata: longer than the BMS's 100 s metadata republish. */
  private static final long EARLY_VALUE_WAIT_MS = 120_000;

  /** Most servesId entries checked per metadata message; the rest are logged and skipped. */
  private static final int MAX_SERVES_ID = 1000;

  private record EarlyValue(String topic, Value value, long arrivedMs) {}

  /** Twin setpoint point of each request metadata, by point key, to forget it when cleared. */
  private final Map<String, String> requestPoints = new ConcurrentHashMap<>();

  /** Set by the inbound worker, read by the revision check: whether any retry is pending. */
  private volatile boolean retryPending;

  private record HandledMetadata(DsxTopic topic, Metadata metadata) {}

  /** Rides with a request's publish token, so its acknowledgement can name it. */
  private record RequestContext(String topic, byte[] payload) {}

  private volatile BiConsumer<String, byte[]> acknowledgedListener = (topic, payload) -> {};

  public DsxBridge(BridgeConfig config, BridgeCounters counters) {
    this.config = config;
    this.counters = counters;
    this.ingestToken = new TokenFile(config.ingestTokenFile());
    this.readerToken = new TokenFile(config.readerTokenFile());
    this.outbox = new RequestOutbox(this::publish, counters);
    this.outboxFile = new OutboxFile(config.persistenceDir());
  }

  public BridgeCounters counters() {
    return counters;
  }

  /**
   * Returns the relations of the BMS metadata (a power meter serving a rack) that the twin lacks
   * and the bridge could not record there.
   */
  public List<String> missingRelations() {
    return List.copyOf(missingRelations);
  }

  /** Returns whether the MQTT client is connected now. */
  public boolean connected() {
    return mqtt != null && mqtt.isConnected();
  }

  /**
   * Returns why the last try of the first connection failed, with its causes, such as a broker
   * certificate that the trust store does not accept. Empty before any try failed and once a
   * connection succeeded.
   */
  public String lastConnectError() {
    return lastConnectError;
  }

  /** Returns the exception of the last failed try of the first connection, if any. */
  public Optional<MqttException> lastConnectFailure() {
    return Optional.ofNullable(lastConnectFailure);
  }

  /** Returns the value topic for a twin setpoint point's requests, once the BMS has named it. */
  public Optional<String> requestTopic(String twinPoint) {
    return outbox.topic(twinPoint);
  }

  /**
   * Returns false while the BMS announced a heartbeat point and its last heartbeat is older than
   * {@code bmsHeartbeatTimeout}; requests wait meanwhile.
   */
  public boolean bmsOnline() {
    return outbox.bmsOnline();
  }

  /** Returns how many points have a request that waits: for its topic, the BMS or the broker. */
  public int requestsWaiting() {
    return outbox.waiting();
  }

  /**
   * Calls the listener with topic and payload of every request the broker acknowledged. Requests
   * that Paho resends from its persistence after a restart of the bridge carry no payload here and
   * are only counted.
   */
  public void onRequestAcknowledged(BiConsumer<String, byte[]> listener) {
    acknowledgedListener = listener;
  }

  public synchronized void start() throws MqttException {
    BridgeConfig.Broker broker = config.broker();
    if (!broker.uri().startsWith("ssl://")
        && (broker.trustStore().isPresent() || broker.keyStore().isPresent())) {
      LOG.warnf(
          "the trust and key stores are ignored, because %s is no ssl:// address", broker.uri());
    }
    twinChannel = channel(config.twinAddress());
    controlChannel = channel(config.controlAddress());
    twin = new TwinClient(twinChannel, config, readerToken, ingestToken);
    ingest = new IngestPipeline(twinChannel, config, ingestToken, counters);
    ingest.start();
    inboundWorker =
        Thread.ofPlatform().name("dsx-inbound").daemon().unstarted(this::processInbound);
    inboundWorker.start();

    mqtt =
        new MqttAsyncClient(
            config.broker().uri(),
            config.broker().clientId(),
            new MqttDefaultFilePersistence(config.persistenceDir().toString()));
    mqtt.setManualAcks(true);
    mqtt.setCallback(new Callback());
    // Two threads, so that a slow twin call of the revision check does not hold up the heartbeat.
    scheduler =
        Executors.newScheduledThreadPool(
            2, r -> Thread.ofPlatform().name("dsx-scheduler").daemon().unstarted(r));
    scheduler.execute(() -> connectFirstTime(Duration.ofMillis(500)));
    long interval = config.heartbeatInterval().toMillis();
    scheduler.scheduleAtFixedRate(this::heartbeat, interval, interval, TimeUnit.MILLISECONDS);
    scheduler.scheduleWithFixedDelay(this::watchdog, 200, 200, TimeUnit.MILLISECONDS);
    long revisionCheck = config.revisionCheckInterval().toMillis();
    scheduler.scheduleWithFixedDelay(this::checkRevision, 0, revisionCheck, TimeUnit.MILLISECONDS);

    RequestOutbox.Snapshot saved = outboxFile.load();
    outbox.restore(saved);
    OptionalLong resumeAfter = saved.lastSequence();
    if (resumeAfter.isPresent()) {
      LOG.infof(
          "resuming control-service's actions after audit sequence %d, with %d waiting requests",
          resumeAfter.getAsLong(), saved.waiting().size());
    }
    actions =
        new ActionFollower(
            controlChannel,
            config,
            readerToken,
            new ActionFollower.Listener() {
              @Override
              public void setpointWritten(String point, double value, long timeMs, long sequence) {
                outbox.written(point, value, timeMs, sequence);
              }

              @Override
              public void sequenceHandled(long sequence) {
                outbox.seen(sequence);
              }

              @Override
              public void trailReset() {
                outbox.trailReset();
              }
            },
            resumeAfter);
    actions.start();
  }

  /**
   * Runs every 200 ms. While the broker connection is up, it makes requests wait when the BMS
   * heartbeat is missing, and tries again the requests that the MQTT client did not take. It saves
   * the outbox state whenever it changed.
   */
  private void watchdog() {
    try {
      if (connected()) {
        if (outbox.checkHeartbeat(System.nanoTime(), config.bmsHeartbeatTimeout().toNanos())) {
          counters.bmsHeartbeatLosses.incrementAndGet();
          LOG.warnf(
              "no BMS heartbeat on %s for %d ms; setpoint requests wait until it returns",
              bmsHeartbeatKey, config.bmsHeartbeatTimeout().toMillis());
        }
        outbox.retryWaiting();
      }
      outboxFile.save(outbox.snapshot());
    } catch (RuntimeException e) {
      LOG.warn("watchdog step failed", e);
    }
  }

  /**
   * Reads the twin's active revision. After a switch, the inbound worker matches every BMS point
   * again, because node and point names may differ between revisions. A first read that follows
   * failed ones counts as a switch when points were matched meanwhile, because they may have been
   * matched against another revision. Without a switch, points whose matching failed are tried
   * again.
   */
  private void checkRevision() {
    try {
      String revision = twin.activeRevision();
      String previous = activeRevision;
      activeRevision = revision;
      boolean switched =
          previous.isEmpty()
              ? revisionReadFailed && !handledMetadata.isEmpty()
              : !previous.equals(revision);
      if (switched) {
        if (!previous.isEmpty()) {
          counters.revisionSwitches.incrementAndGet();
        }
        LOG.infof(
            "the twin's active revision is %s (was %s); matching the BMS points again",
            revision, previous.isEmpty() ? "not read yet" : previous);
        inbound.put(REMATCH);
      } else if (retryPending) {
        inbound.put(RETRY);
      }
    } catch (StatusRuntimeException e) {
      // Also NOT_FOUND while the twin has not been published yet. The next check tries again.
      revisionReadFailed = true;
      LOG.debugf("cannot read the twin's active revision: %s", e.getStatus());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.warn("revision check failed", e);
    }
  }

  private static ManagedChannel channel(String address) {
    return NettyChannelBuilder.forTarget(address).usePlaintext().build();
  }

  /**
   * Paho's automatic reconnect covers connections after the first; until the first succeeds, the
   * bridge tries again itself with the same doubling delay.
   */
  private void connectFirstTime(Duration delay) {
    if (closed) {
      return;
    }
    try {
      mqtt.connect(options()).waitForCompletion(10_000);
      lastConnectError = "";
    } catch (MqttException e) {
      Duration next = delay.multipliedBy(2);
      if (next.compareTo(config.broker().maxReconnectDelay()) > 0) {
        next = config.broker().maxReconnectDelay();
      }
      counters.connectFailures.incrementAndGet();
      lastConnectFailure = e;
      lastConnectError = describe(e);
      LOG.warnf(
          "cannot connect to %s: %s; next try in %d ms",
          config.broker().uri(), lastConnectError, delay.toMillis());
      Duration following = next;
      scheduler.schedule(
          () -> connectFirstTime(following), delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      // A trust or key store that cannot be read: counted and retried like a failed connection,
      // so that readiness names the cause and a corrected file is picked up.
      counters.connectFailures.incrementAndGet();
      lastConnectError = "cannot set up the connection: " + e;
      LOG.errorf(
          "cannot set up the MQTT connection to %s: %s; next try in %d ms",
          config.broker().uri(), e, delay.toMillis());
      Duration next = delay.multipliedBy(2);
      Duration following =
          next.compareTo(config.broker().maxReconnectDelay()) > 0
              ? config.broker().maxReconnectDelay()
              : next;
      scheduler.schedule(
          () -> connectFirstTime(following), delay.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Describes a failed connection with its causes, because Paho's own message for a TLS failure is
   * only "MqttException" and the cause names the certificate check that failed.
   */
  private static String describe(MqttException e) {
    StringBuilder text = new StringBuilder(e.getMessage());
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      // A wrapping exception often repeats its cause's message; name each message once.
      String message = cause.getMessage();
      if (message != null && text.indexOf(message) >= 0) {
        continue;
      }
      text.append(": ").append(cause.getClass().getSimpleName());
      if (message != null) {
        text.append(' ').append(message);
      }
    }
    return text.toString();
  }

  private MqttConnectOptions options() throws Exception {
    BridgeConfig.Broker broker = config.broker();
    MqttConnectOptions options = new MqttConnectOptions();
    options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
    options.setCleanSession(false);
    options.setAutomaticReconnect(true);
    options.setMaxReconnectDelay((int) broker.maxReconnectDelay().toMillis());
    options.setKeepAliveInterval(10);
    options.setConnectionTimeout(10);
    // Outbound QoS 1 messages that may wait for their PUBACK at once. The inbound window is the
    // broker's setting (Mosquitto's max_inflight_messages, 20 by default per mosquitto.conf(5)).
    options.setMaxInflight(1000);
    if (!broker.username().isEmpty()) {
      options.setUserName(broker.username());
      options.setPassword(broker.password().toCharArray());
    }
    boolean ownStores = broker.trustStore().isPresent() || broker.keyStore().isPresent();
    if (broker.uri().startsWith("ssl://") && ownStores) {
      // Null managers make SSLContext use the JVM's defaults: its trust store, no client key.
      TrustManager[] trust = null;
      if (broker.trustStore().isPresent()) {
        TrustManagerFactory factory =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(pkcs12(broker.trustStore().get(), broker.trustStorePassword()));
        trust = factory.getTrustManagers();
      }
      KeyManager[] keys = null;
      if (broker.keyStore().isPresent()) {
        KeyManagerFactory factory =
            KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(
            pkcs12(broker.keyStore().get(), broker.keyStorePassword()),
            broker.keyStorePassword().toCharArray());
        keys = factory.getKeyManagers();
      }
      SSLContext tls = SSLContext.getInstance("TLSv1.3");
      tls.init(keys, trust, null);
      options.setSocketFactory(tls.getSocketFactory());
    }
    return options;
  }

  private static KeyStore pkcs12(java.nio.file.Path file, String password) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, password.toCharArray());
    }
    return store;
  }

  private final class Callback implements MqttCallbackExtended {
    @Override
    public void connectComplete(boolean reconnect, String serverUri) {
      if (reconnect) {
        counters.reconnects.incrementAndGet();
      }
      LOG.infof("connected to %s%s", serverUri, reconnect ? " again" : "");
      try {
        String bms = config.topicRoot() + "/" + DsxTopic.BMS_PUBLISHER;
        mqtt.subscribe(new String[] {bms + "/Metadata/#", bms + "/Value/#"}, new int[] {QOS, QOS});
      } catch (MqttException e) {
        LOG.error("cannot subscribe to the BMS topics", e);
      }
      if (bmsHeartbeatKey != null) {
        // No heartbeat could arrive while the connection was down.
        outbox.startHeartbeatClock(System.nanoTime());
      }
      outbox.resendAll();
    }

    @Override
    public void connectionLost(Throwable cause) {
      LOG.warnf("lost the broker connection: %s", cause == null ? "closed" : cause.getMessage());
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) throws InterruptedException {
      // The heartbeat is recorded on arrival, not when the inbound worker reaches it, because slow
      // twin calls there must not make a live BMS look offline.
      String heartbeatKey = bmsHeartbeatKey;
      if (heartbeatKey != null) {
        Optional<DsxTopic> parsed = DsxTopic.parse(config.topicRoot(), topic);
        if (parsed.isPresent()
            && parsed.get().messageType().equals(DsxTopic.VALUE)
            && parsed.get().pointKey().equals(heartbeatKey)) {
          outbox.bmsHeartbeat(System.nanoTime());
        }
      }
      inbound.put(new MqttMessageEvent(topic, message));
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {
      if (token.getUserContext() instanceof RequestContext request) {
        counters.requestsAcknowledged.incrementAndGet();
        acknowledgedListener.accept(request.topic(), request.payload());
      }
    }
  }

  private void processInbound() {
    while (!closed) {
      MqttMessageEvent event;
      try {
        event = inbound.poll(1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        return;
      }
      expireEarlyValues(System.currentTimeMillis());
      if (event == null) {
        continue;
      }
      if (event == REMATCH) {
        rematch();
        continue;
      }
      if (event == RETRY) {
        retryFailedMatches();
        continue;
      }
      boolean handedOn = false;
      try {
        handedOn = handle(event.topic(), event.message());
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        drop("error", counters.malformed, event.topic(), e.toString());
      } finally {
        if (!handedOn) {
          acknowledge(event.message());
        }
      }
    }
  }

  /** Returns true when the message went to the twin, which acknowledges it later. */
  private boolean handle(String topicName, MqttMessage message) throws InterruptedException {
    Optional<DsxTopic> parsed = DsxTopic.parse(config.topicRoot(), topicName);
    if (parsed.isEmpty()) {
      drop("malformed", counters.malformed, topicName, "topic is not of the schema's form");
      return false;
    }
    DsxTopic topic = parsed.get();

    if (!DsxPayloads.OBJECT_TYPES.contains(topic.objectType())) {
      drop("unknown-object-type", counters.unknownObjectType, topicName, topic.objectType());
      return false;
    }
    if (topic.messageType().equals(DsxTopic.METADATA)) {
      counters.metadataReceived.incrementAndGet();
      if (message.getPayload().length == 0) {
        forgetPoint(topic); // a cleared retained message
        return false;
      }
      Metadata metadata;
      try {
        metadata = DsxPayloads.parseMetadata(message.getPayload());
      } catch (MalformedPayloadException e) {
        drop("malformed", counters.malformed, topicName, e.getMessage());
        return false;
      }
      handleMetadata(topic, metadata);
      return false;
    }

    Value value;
    try {
      value = DsxPayloads.parseValue(message.getPayload());
    } catch (MalformedPayloadException e) {
      drop("malformed", counters.malformed, topicName, e.getMessage());
      return false;
    }
    if (topic.pointKey().equals(bmsHeartbeatKey)) {
      echo(value);
      return false;
    }

    if (!value.good()) {
      drop("bad-quality", counters.badQuality, topicName, "quality " + value.quality());
      return false;
    }
    SensorMapping mapping = sensors.get(topic.pointKey());
    if (mapping == null) {
      if (handledMetadata.containsKey(topic.pointKey())) {
        drop("unmatched", counters.valuesUnmatched, topicName, "no matched metadata");
      } else {
        holdForMetadata(topicName, topic.pointKey(), value);
      }
      return false;
    }
    if (mapping.conversion() == null) {
      drop("unit-mismatch", counters.unitMismatch, topicName, mapping.dsxUnit());
      return false;
    }

    double converted = mapping.conversion().applyAsDouble(value.value());
    ingest.submit(
        new IngestPipeline.Sample(
            mapping.pointId(), converted, value.timestampMs(), () -> acknowledge(message)));
    return true;
  }

  /**
   * Matches a point's metadata against the twin, then ingests the values that waited for it, or
   * drops them when the point matched no twin sensor. Values wait on when matching failed and is
   * retried.
   */
  private void handleMetadata(DsxTopic topic, Metadata metadata) {
    matchMetadata(topic, metadata);
    if (!retryMetadata.containsKey(topic.pointKey())) {
      settleEarlyValues(topic.pointKey());
    }
  }

  private void matchMetadata(DsxTopic topic, Metadata metadata) {
    HandledMetadata handled = handledMetadata.get(topic.pointKey());
    if (handled != null && handled.metadata().equals(metadata)) {
      return;
    }
    String integration = metadata.integration();
    if (topic.objectType().equals("System")) {
      if (integration.equals(config.integration()) && HEARTBEAT_TYPES.contains(topic.pointType())) {
        heartbeatTopic = topic.integrationValue(integration).toString();
      } else if (integration.equals(config.integration()) && topic.pointType().equals(ECHO_TYPE)) {
        echoTopic = topic.integrationValue(integration).toString();
      } else if (topic.pointType().equals(BMS_HEARTBEAT_TYPE)
          && !topic.pointKey().equals(bmsHeartbeatKey)) {
        // The timeout starts now, so a BMS that announces a heartbeat and never sends one is
        // found out.
        bmsHeartbeatKey = topic.pointKey();
        outbox.startHeartbeatClock(System.nanoTime());
      }
      handledMetadata.put(topic.pointKey(), new HandledMetadata(topic, metadata));
      return;
    }
    if (!integration.isEmpty() && !integration.equals(config.integration())) {
      handledMetadata.put(topic.pointKey(), new HandledMetadata(topic, metadata));
      return; // another integration's point
    }
    try {
      Optional<String> node = node(metadata.id());
      if (node.isEmpty()) {
        drop(
            "unmatched-metadata",
            counters.metadataUnmatched,
            topic.toString(),
            "no twin node for DSX id '" + metadata.id() + "'");
        handledMetadata.put(topic.pointKey(), new HandledMetadata(topic, metadata));
        return;
      }
      Optional<Point> point = matchPoint(node.get(), topic, metadata, !integration.isEmpty());
      if (point.isEmpty()) {
        drop(
            "unmatched-metadata",
            counters.metadataUnmatched,
            topic.toString(),
            "node " + node.get() + " has no point of this type and process area");
      } else if (!integration.isEmpty()) {
        counters.metadataMatched.incrementAndGet();
        requestPoints.put(topic.pointKey(), point.get().getName());
        outbox.topicNamed(point.get().getName(), topic.integrationValue(integration).toString());
      } else {
        String pointId =
            point.get().getName().substring(point.get().getName().lastIndexOf('/') + 1);
        DoubleUnaryOperator conversion =
            Units.conversion(metadata.engUnit(), point.get().getUnit());
        sensors.put(topic.pointKey(), new SensorMapping(pointId, conversion, metadata.engUnit()));
        counters.metadataMatched.incrementAndGet();
        if (conversion == null) {
          LOG.warnf(
              "%s: unit %s cannot become the twin's %s; its values are dropped",
              topic, metadata.engUnit(), point.get().getUnit());
        }
      }
      if (!metadata.servesId().isEmpty()) {
        checkRelations(node.get(), topic.objectType(), metadata);
      }
      handledMetadata.put(topic.pointKey(), new HandledMetadata(topic, metadata));
      retryMetadata.remove(topic.pointKey());
    } catch (StatusRuntimeException e) {
      // Not remembered as handled. The revision check queues another try, and so does the BMS's
      // republish every 100 s.
      retryMetadata.put(topic.pointKey(), new HandledMetadata(topic, metadata));
      retryPending = true;
      drop(
          "match-failed",
          counters.matchFailures,
          topic.toString(),
          "twin-service failed with " + e.getStatus());
    }
  }

  /** Keeps a value whose metadata has not arrived yet, acknowledged, until it does. */
  private void holdForMetadata(String topicName, String pointKey, Value value) {
    if (earlyValueCount >= MAX_EARLY_VALUES) {
      drop("unmatched", counters.valuesUnmatched, topicName, "no metadata, and too many waiting");
      return;
    }
    earlyValues
        .computeIfAbsent(pointKey, k -> new java.util.ArrayDeque<>())
        .add(new EarlyValue(topicName, value, System.currentTimeMillis()));
    earlyValueCount++;
    counters.valuesHeldForMetadata.incrementAndGet();
  }

  /** Ingests, in arrival order, the values that waited for a point's metadata, or drops them. */
  private void settleEarlyValues(String pointKey) {
    java.util.ArrayDeque<EarlyValue> waiting = earlyValues.remove(pointKey);
    if (waiting == null) {
      return;
    }
    earlyValueCount -= waiting.size();
    SensorMapping mapping = sensors.get(pointKey);
    for (EarlyValue early : waiting) {
      if (mapping == null) {
        drop("unmatched", counters.valuesUnmatched, early.topic(), "no matched metadata");
      } else if (mapping.conversion() == null) {
        drop("unit-mismatch", counters.unitMismatch, early.topic(), mapping.dsxUnit());
      } else {
        double converted = mapping.conversion().applyAsDouble(early.value().value());
        try {
          ingest.submit(
              new IngestPipeline.Sample(
                  mapping.pointId(), converted, early.value().timestampMs(), () -> {}));
        } catch (InterruptedException e) {
          // The bridge is closing.
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** Drops the values that waited longer than {@link #EARLY_VALUE_WAIT_MS} for metadata. */
  private void expireEarlyValues(long nowMs) {
    if (earlyValueCount == 0) {
      return;
    }
    var entries = earlyValues.entrySet().iterator();
    while (entries.hasNext()) {
      java.util.ArrayDeque<EarlyValue> waiting = entries.next().getValue();
      while (!waiting.isEmpty() && nowMs - waiting.peekFirst().arrivedMs() > EARLY_VALUE_WAIT_MS) {
        EarlyValue early = waiting.pollFirst();
        earlyValueCount--;
        drop("unmatched", counters.valuesUnmatched, early.topic(), "no metadata within 120 s");
      }
      if (waiting.isEmpty()) {
        entries.remove();
      }
    }
  }

  /**
   * Forgets a point whose retained metadata the BMS cleared: its values are no longer ingested, and
   * requests no longer go to its request topic.
   */
  private void forgetPoint(DsxTopic topic) {
    String key = topic.pointKey();
    HandledMetadata removed = handledMetadata.remove(key);
    retryMetadata.remove(key);
    sensors.remove(key);
    String point = requestPoints.remove(key);
    if (point != null && removed != null) {
      outbox.topicRemoved(
          point, topic.integrationValue(removed.metadata().integration()).toString());
    }
    if (removed != null) {
      LOG.infof("the BMS cleared the metadata of %s; the point is no longer used", topic);
    }
  }

  private Optional<String> node(String dsxId) {
    if (dsxId.isEmpty()) {
      return Optional.empty();
    }
    Optional<String> cached = nodes.get(dsxId);
    if (cached != null) {
      return cached;
    }
    Optional<String> resolved = twin.resolveNode(dsxId);
    nodes.put(dsxId, resolved);
    return resolved;
  }

  /**
   * The twin point of a DSX point: on the node, with the same DSX object and point type, of the
   * right kind, and with the process area that the DSX processArea values make when joined in lower
   * case with hyphens. When the metadata has no processArea and the node has exactly one point of
   * the type, that one.
   */
  private Optional<Point> matchPoint(
      String node, DsxTopic topic, Metadata metadata, boolean request) {
    Point.Kind kind = request ? Point.Kind.KIND_SETPOINT : Point.Kind.KIND_SENSOR;
    List<Point> candidates = new ArrayList<>();
    for (Point point : twin.points(node)) {
      if (point.getKind() == kind
          && point.getDsxObjectType().equals(topic.objectType())
          && point.getDsxPointType().equals(topic.pointType())) {
        candidates.add(point);
      }
    }
    String area = processArea(metadata.processArea());
    for (Point point : candidates) {
      if (point.getProcessArea().equals(area)) {
        return Optional.of(point);
      }
    }
    if (area.isEmpty() && candidates.size() == 1) {
      return Optional.of(candidates.get(0));
    }
    return Optional.empty();
  }

  /** DSX processArea values such as ["Secondary", "Supply"] as the twin's "secondary-supply". */
  static String processArea(List<String> values) {
    List<String> parts = new ArrayList<>();
    for (String value : values) {
      String words =
          value.trim().replaceAll("([a-z0-9])([A-Z])", "$1-$2").replaceAll("[\\s_]+", "-");
      if (!words.isEmpty()) {
        parts.add(words.toLowerCase(java.util.Locale.ROOT));
      }
    }
    return String.join("-", parts);
  }

  /**
   * Checks each servesId relation of the metadata against the twin: the served node must lie
   * downstream of this node along measurement and power edges. A power meter's relation that the
   * twin lacks is recorded there as an observed MEASURES edge from the meter to the served node.
   * Any other missing relation (a breaker or UPS serving a rack) would be a power edge, which
   * twin-service takes only from a published design, so it is counted and logged. So is a relation
   * that names no twin node or that twin-service rejects.
   *
   * @throws StatusRuntimeException when twin-service stays unavailable; the relation is checked
   *     again when the BMS republishes the metadata
   */
  private void checkRelations(String node, String objectType, Metadata metadata) {
    Set<String> downstream = null;
    List<String> servesId = metadata.servesId();
    if (servesId.size() > MAX_SERVES_ID) {
      LOG.warnf(
          "%s serves %d objects; only the first %d relations are checked",
          metadata.id(), servesId.size(), MAX_SERVES_ID);
      servesId = servesId.subList(0, MAX_SERVES_ID);
    }
    for (String served : servesId) {
      String relation = metadata.id() + " serves " + served;
      if (!checkedRelations.add(relation)) {
        continue;
      }
      Optional<String> servedNode;
      try {
        servedNode = node(served);
        if (servedNode.isPresent()) {
          if (downstream == null) {
            downstream = twin.powerDownstream(node);
          }
          if (downstream.contains(servedNode.get())) {
            continue;
          }
          if (objectType.equals(POWER_METER_TYPE)
              && recordMeasures(relation, node, servedNode.get())) {
            continue;
          }
        }
      } catch (StatusRuntimeException e) {
        checkedRelations.remove(relation);
        throw e;
      }
      missingRelations.add(relation);
      drop(
          "missing-relation",
          counters.missingRelations,
          relation,
          "the twin has no power or measurement path ("
              + servedNode.map(n -> "node " + n).orElse("no twin node")
              + ")");
    }
  }

  /**
   * Records a meter's relation as an observed MEASURES edge. Returns false when twin-service
   * rejects it (the node is no power meter, it left the active revision, or twin-service predates
   * RecordObservedEdges), which is logged.
   *
   * @throws StatusRuntimeException when twin-service stays unavailable
   */
  private boolean recordMeasures(String relation, String meterNode, String servedNode) {
    try {
      boolean created = twin.recordMeasures(meterNode, servedNode);
      counters.relationsRecorded.incrementAndGet();
      LOG.infof(
          "recorded the DSX relation %s in the twin: %s measures %s%s",
          relation, meterNode, servedNode, created ? "" : " (recorded before)");
      return true;
    } catch (StatusRuntimeException e) {
      Status.Code code = e.getStatus().getCode();
      if (code == Status.Code.INVALID_ARGUMENT
          || code == Status.Code.NOT_FOUND
          || code == Status.Code.PERMISSION_DENIED
          || code == Status.Code.UNIMPLEMENTED) {
        LOG.warnf(
            "twin-service rejected the DSX relation %s as an observed edge: %s",
            relation, e.getStatus());
        return false;
      }
      throw e;
    }
  }

  /**
   * Hands a request to the MQTT client, which keeps it in its persistence until the broker
   * acknowledges it. Returns false when the client is not connected; the outbox then keeps the
   * request and sends it again after the reconnect.
   */
  private boolean publish(String topic, byte[] payload) {
    if (mqtt == null) {
      return false;
    }
    try {
      mqtt.publish(topic, payload, QOS, false, new RequestContext(topic, payload), null);
      return true;
    } catch (MqttException e) {
      LOG.debugf("request on %s waits for the broker: %s", topic, e.getMessage());
      return false;
    }
  }

  /**
   * Matches every BMS point again after the twin switched revisions: node and point lookups are
   * forgotten, and the metadata handled so far is handled anew against the new revision. Runs on
   * the inbound worker, so no value is matched against a half-built mapping.
   */
  private void rematch() {
    List<HandledMetadata> known = new ArrayList<>(handledMetadata.values());
    known.addAll(retryMetadata.values());
    retryMetadata.clear();
    handledMetadata.clear();
    nodes.clear();
    sensors.clear();
    checkedRelations.clear();
    // The counter follows the list, so relations still missing are not counted twice.
    counters.missingRelations.addAndGet(-missingRelations.size());
    missingRelations.clear();
    outbox.forgetTopics();
    for (HandledMetadata entry : known) {
      handleMetadata(entry.topic(), entry.metadata());
    }
    retryPending = !retryMetadata.isEmpty();
    LOG.infof(
        "matched %d BMS points against the twin's active revision, %d failed and wait for a retry",
        known.size(), retryMetadata.size());
  }

  /** Tries again to match the points whose matching failed while twin-service failed. */
  private void retryFailedMatches() {
    List<HandledMetadata> failed = List.copyOf(retryMetadata.values());
    retryMetadata.clear();
    for (HandledMetadata entry : failed) {
      handleMetadata(entry.topic(), entry.metadata());
    }
    retryPending = !retryMetadata.isEmpty();
  }

  private void heartbeat() {
    String topic = heartbeatTopic;
    if (topic == null || !connected()) {
      return;
    }
    long now = System.currentTimeMillis();
    try {
      mqtt.publish(
          topic, DsxPayloads.timestampMessage(now, now, DsxPayloads.GOOD_QUALITY), QOS, false);
      counters.heartbeatsPublished.incrementAndGet();
    } catch (MqttException e) {
      LOG.debugf("heartbeat skipped: %s", e.getMessage());
    }
  }

  private void echo(Value bmsHeartbeat) {
    String topic = echoTopic;
    if (topic == null || bmsHeartbeat.value() == null || !connected()) {
      return;
    }
    try {
      mqtt.publish(
          topic,
          DsxPayloads.valueMessage(
              bmsHeartbeat.value(), System.currentTimeMillis(), DsxPayloads.GOOD_QUALITY),
          QOS,
          false);
      counters.heartbeatsPublished.incrementAndGet();
    } catch (MqttException e) {
      LOG.debugf("heartbeat echo skipped: %s", e.getMessage());
    }
  }

  private void acknowledge(MqttMessage message) {
    if (message.getQos() == 0) {
      return;
    }
    try {
      mqtt.messageArrivedComplete(message.getId(), message.getQos());
    } catch (MqttException e) {
      // The connection is gone; the broker redelivers the message in the resumed session.
      LOG.debugf("cannot acknowledge message %d: %s", message.getId(), e.getMessage());
    }
  }

  private void drop(String kind, AtomicLong counter, String subject, String reason) {
    counter.incrementAndGet();
    long logged = dropLogCounts.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
    if (logged <= MAX_LOGGED_DROPS) {
      LOG.warnf("dropped %s (%s): %s", subject, kind, reason);
    } else if (logged % 1000 == 0) {
      LOG.warnf(
          "%d messages dropped as %s so far; the latest %s: %s", logged, kind, subject, reason);
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (actions != null) {
      actions.close();
    }
    outboxFile.save(outbox.snapshot());
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
    if (mqtt != null) {
      try {
        if (mqtt.isConnected()) {
          mqtt.disconnect(2000).waitForCompletion(3000);
        }
        mqtt.close(true);
      } catch (MqttException e) {
        LOG.debugf("closing the MQTT client: %s", e.getMessage());
      }
    }
    if (inboundWorker != null) {
      inboundWorker.interrupt();
    }
    if (ingest != null) {
      ingest.close();
    }
    for (ManagedChannel channel : new ManagedChannel[] {twinChannel, controlChannel}) {
      if (channel != null) {
        channel.shutdownNow();
      }
    }
  }
}
