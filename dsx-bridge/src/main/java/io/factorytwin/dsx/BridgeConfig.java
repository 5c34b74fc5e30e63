package io.factorytwin.dsx;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Everything the bridge is configured with; {@link BridgeService} reads it from the {@code dsx.*}
 * properties, tests build it directly.
 *
 * @param brokerUri {@code tcp://host:1883} or {@code ssl://host:8883}
 * @param clientId MQTT client id; the broker keeps the session under it
 * @param username empty for anonymous
 * @param password empty for none
 * @param trustStore PKCS#12 trust store for {@code ssl://}; empty uses the JVM's trust store
 * @param topicRoot {@code BMS/v1} on a real broker; tests put a prefix in front
 * @param integration the integration name, the publisher segment of the requests the bridge writes
 * @param persistenceDir where Paho keeps QoS 1 messages not yet acknowledged by the broker
 * @param twin the twin, {@code twins/{twin}}
 * @param twinAddress twin-service host:port
 * @param ingestTokenFile JWT with the role telemetry-writer, for Ingest and RecordObservedEdges
 * @param controlAddress control-service host:port
 * @param readerTokenFile JWT with the role reader, for the twin's graph and points and for
 *     control-service's WatchActions
 * @param agents agents whose applied setpoints are forwarded, {@code agents/{agent}}; empty: all
 * @param heartbeatInterval the DSX heartbeat cadence, 10 s (docs/bms-integration.md section 6)
 * @param maxReconnectDelay the longest wait between two reconnect tries to the broker
 */
public record BridgeConfig(
    String brokerUri,
    String clientId,
    String username,
    String password,
    Optional<Path> trustStore,
    String trustStorePassword,
    String topicRoot,
    String integration,
    Path persistenceDir,
    String twin,
    String twinAddress,
    Path ingestTokenFile,
    Duration twinDeadline,
    int twinAttempts,
    String controlAddress,
    Path readerTokenFile,
    Set<String> agents,
    Duration heartbeatInterval,
    Duration maxReconnectDelay,
    int ingestBatchSize) {}
