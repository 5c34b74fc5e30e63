package io.factorytwin.dsx;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Runs one {@link DsxBridge} for the service's lifetime, configured from the {@code dsx.*}
 * properties. Readiness is UP while the broker connection is; its data carries the counters.
 */
@ApplicationScoped
@Readiness
public class BridgeService implements HealthCheck {

  @ConfigProperty(name = "dsx.broker.uri")
  String brokerUri;

  @ConfigProperty(name = "dsx.broker.client-id")
  String clientId;

  @ConfigProperty(name = "dsx.broker.username")
  Optional<String> username;

  @ConfigProperty(name = "dsx.broker.password")
  Optional<String> password;

  @ConfigProperty(name = "dsx.broker.trust-store")
  Optional<Path> trustStore;

  @ConfigProperty(name = "dsx.broker.trust-store-password")
  Optional<String> trustStorePassword;

  @ConfigProperty(name = "dsx.broker.key-store")
  Optional<Path> keyStore;

  @ConfigProperty(name = "dsx.broker.key-store-password")
  Optional<String> keyStorePassword;

  @ConfigProperty(name = "dsx.broker.max-reconnect-delay")
  Duration maxReconnectDelay;

  @ConfigProperty(name = "dsx.persistence-dir")
  Path persistenceDir;

  @ConfigProperty(name = "dsx.topic-root")
  String topicRoot;

  @ConfigProperty(name = "dsx.integration")
  String integration;

  @ConfigProperty(name = "dsx.heartbeat-interval")
  Duration heartbeatInterval;

  @ConfigProperty(name = "dsx.bms-heartbeat-timeout")
  Duration bmsHeartbeatTimeout;

  @ConfigProperty(name = "dsx.twin")
  String twin;

  @ConfigProperty(name = "dsx.twin.address")
  String twinAddress;

  @ConfigProperty(name = "dsx.twin.token-file")
  Path ingestTokenFile;

  @ConfigProperty(name = "dsx.reader-token-file")
  Path readerTokenFile;

  @ConfigProperty(name = "dsx.twin.deadline")
  Duration twinDeadline;

  @ConfigProperty(name = "dsx.twin.attempts")
  int twinAttempts;

  @ConfigProperty(name = "dsx.twin.revision-check-interval")
  Duration revisionCheckInterval;

  @ConfigProperty(name = "dsx.twin.ingest-batch-size")
  int ingestBatchSize;

  @ConfigProperty(name = "dsx.control.address")
  String controlAddress;

  @ConfigProperty(name = "dsx.control.agents")
  Optional<Set<String>> agents;

  @ConfigProperty(name = "dsx.enabled")
  boolean enabled;

  private DsxBridge bridge;

  void start(@Observes StartupEvent event) throws Exception {
    if (!enabled) {
      return;
    }
    Files.createDirectories(persistenceDir);
    bridge =
        new DsxBridge(
            new BridgeConfig(
                new BridgeConfig.Broker(
                    brokerUri,
                    clientId,
                    username.orElse(""),
                    password.orElse(""),
                    trustStore,
                    trustStorePassword.orElse(""),
                    keyStore,
                    keyStorePassword.orElse(""),
                    maxReconnectDelay),
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
                agents.orElse(Set.of()),
                heartbeatInterval,
                bmsHeartbeatTimeout,
                ingestBatchSize),
            new BridgeCounters());
    bridge.start();
  }

  void stop(@Observes ShutdownEvent event) {
    if (bridge != null) {
      bridge.close();
    }
  }

  @Override
  public HealthCheckResponse call() {
    HealthCheckResponseBuilder response = HealthCheckResponse.named("dsx-broker");
    if (bridge == null) {
      return response.withData("enabled", enabled).status(!enabled).build();
    }
    bridge.counters().snapshot().forEach(response::withData);
    List<String> missing = bridge.missingRelations();
    // At most 50 named, so a BMS that lists thousands of ids keeps the health response small.
    String named = String.join("; ", missing.subList(0, Math.min(50, missing.size())));
    if (missing.size() > 50) {
      named += "; and " + (missing.size() - 50) + " more";
    }
    response.withData("missing-relations", named);
    response.withData("bms-online", bridge.bmsOnline());
    response.withData("requests-waiting", bridge.requestsWaiting());
    if (!bridge.lastConnectError().isEmpty()) {
      response.withData("last-connect-error", bridge.lastConnectError());
    }
    return response.status(bridge.connected()).build();
  }
}
