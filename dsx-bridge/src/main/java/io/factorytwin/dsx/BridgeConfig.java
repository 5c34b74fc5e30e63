package io.factorytwin.dsx;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Everything the bridge is configured with; {@link BridgeService} reads it from the {@code dsx.*}
 * properties, tests build it directly.
 *
 * @param broker the MQTT broker and how to connect to it
 * @param topicRoot {@code BMS/v1} on a real broker; tests put a prefix in front
 * @param integration the integration name, the publisher segment of the requests the bridge writes
 * @param persistenceDir where Paho keeps QoS 1 messages not yet acknowledged by the broker, and
 *     where the bridge keeps its outbox state
 * @param twin the twin, {@code twins/{twin}}
 * @param twinAddress twin-service host:port
 * @param ingestTokenFile JWT with the role telemetry-writer, for Ingest and RecordObservedEdges
 * @param twinDeadline deadline of each twin call
 * @param twinAttempts tries of a twin read that failed UNAVAILABLE or DEADLINE_EXCEEDED
 * @param revisionCheckInterval how often the bridge reads the twin's active revision from
 *     twin-service, to match the BMS points again after a switch
 * @param controlAddress control-service host:port
 * @param readerTokenFile JWT with the role reader, for the twin's graph and points and for
 *     control-service's WatchActions
 * @param agents agents whose applied setpoints are forwarded, {@code agents/{agent}}; empty: all
 * @param heartbeatInterval the DSX heartbeat cadence, 10 s (docs/bms-integration.md section 6)
 * @param bmsHeartbeatTimeout time after the BMS's last heartbeat from which requests wait
 * @param ingestBatchSize most samples per Ingest batch
 */
public record BridgeConfig(
    Broker broker,
    String topicRoot,
    String integration,
    Path persistenceDir,
    String twin,
    String twinAddress,
    Path ingestTokenFile,
    Duration twinDeadline,
    int twinAttempts,
    Duration revisionCheckInterval,
    String controlAddress,
    Path readerTokenFile,
    Set<String> agents,
    Duration heartbeatInterval,
    Duration bmsHeartbeatTimeout,
    int ingestBatchSize) {

  /**
   * The MQTT broker.
   *
   * @param uri {@code tcp://host:1883} or {@code ssl://host:8883}
   * @param clientId MQTT client id; the broker keeps the session under it
   * @param username empty for anonymous
   * @param password empty for none
   * @param trustStore PKCS#12 trust store for {@code ssl://}; empty uses the JVM's trust store
   * @param trustStorePassword password of the trust store
   * @param keyStore PKCS#12 key store with the bridge's client certificate and key, for a broker
   *     that requires one (mutual TLS); empty sends no certificate
   * @param keyStorePassword password of the key store and of its key
   * @param maxReconnectDelay the longest wait between two reconnect tries
   */
  public record Broker(
      String uri,
      String clientId,
      String username,
      String password,
      Optional<Path> trustStore,
      String trustStorePassword,
      Optional<Path> keyStore,
      String keyStorePassword,
      Duration maxReconnectDelay) {

    /** Creates the settings of a plain connection without credentials. */
    public static Broker plain(String uri, String clientId, Duration maxReconnectDelay) {
      return new Broker(
          uri, clientId, "", "", Optional.empty(), "", Optional.empty(), "", maxReconnectDelay);
    }

    /** Returns this broker at another address, trusted through a PKCS#12 trust store. */
    public Broker withTls(String tlsUri, Path store, String storePassword) {
      return new Broker(
          tlsUri,
          clientId,
          username,
          password,
          Optional.of(store),
          storePassword,
          keyStore,
          keyStorePassword,
          maxReconnectDelay);
    }

    /** Returns this broker with a client certificate from a PKCS#12 key store. */
    public Broker withClientCertificate(Path store, String storePassword) {
      return new Broker(
          uri,
          clientId,
          username,
          password,
          trustStore,
          trustStorePassword,
          Optional.of(store),
          storePassword,
          maxReconnectDelay);
    }
  }

  public BridgeConfig withBroker(Broker other) {
    return new BridgeConfig(
        other,
        topicRoot,
        integration,
        persistenceDir,
        twin,
        twinAddress,
        ingestTokenFile,
        twinDeadline,
        twinAttempts,
        revisionCheckInterval,
        controlAddress,
        readerTokenFile,
        agents,
        heartbeatInterval,
        bmsHeartbeatTimeout,
        ingestBatchSize);
  }

  public BridgeConfig withTwinAddress(String address) {
    return new BridgeConfig(
        broker,
        topicRoot,
        integration,
        persistenceDir,
        twin,
        address,
        ingestTokenFile,
        twinDeadline,
        twinAttempts,
        revisionCheckInterval,
        controlAddress,
        readerTokenFile,
        agents,
        heartbeatInterval,
        bmsHeartbeatTimeout,
        ingestBatchSize);
  }

  public BridgeConfig withAgents(Set<String> forwarded) {
    return new BridgeConfig(
        broker,
        topicRoot,
        integration,
        persistenceDir,
        twin,
        twinAddress,
        ingestTokenFile,
        twinDeadline,
        twinAttempts,
        revisionCheckInterval,
        controlAddress,
        readerTokenFile,
        forwarded,
        heartbeatInterval,
        bmsHeartbeatTimeout,
        ingestBatchSize);
  }
}
