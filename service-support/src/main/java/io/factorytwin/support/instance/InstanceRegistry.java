package io.factorytwin.support.instance;

import io.factorytwin.support.config.ServiceConfig;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.UUID;

/**
 * Records this process in {@code service_instance} at start, marks it alive every interval and
 * stopped at a clean shutdown. The first write at start proves the migrations ran and the schema
 * matches the entities before the service reports ready.
 */
@ApplicationScoped
public class InstanceRegistry {

  private final ServiceConfig config;
  private final UUID id = UUID.randomUUID();

  InstanceRegistry(ServiceConfig config) {
    this.config = config;
  }

  /** The id of this process's row. */
  public UUID id() {
    return id;
  }

  @Transactional
  void register(@Observes StartupEvent event) {
    ServiceInstance instance = new ServiceInstance();
    instance.id = id;
    instance.service = config.serviceName();
    instance.host = hostName();
    instance.pid = ProcessHandle.current().pid();
    instance.startedAt = Instant.now();
    instance.lastSeenAt = instance.startedAt;
    instance.persist();
    Log.infof("%s-service instance %s started, pid %d", instance.service, id, instance.pid);
  }

  @Scheduled(
      every = "${factorytwin.instance.heartbeat-interval:30s}",
      delayed = "${factorytwin.instance.heartbeat-interval:30s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void heartbeat() {
    try {
      touch(null);
    } catch (RuntimeException e) {
      // The database being away is what readiness reports; the heartbeat tries again next tick.
      Log.warnf("could not record instance %s as alive: %s", id, e.getMessage());
    }
  }

  void stop(@Observes ShutdownEvent event) {
    try {
      touch(Instant.now());
      Log.infof("%s-service instance %s stopped", config.serviceName(), id);
    } catch (RuntimeException e) {
      Log.warnf("could not record instance %s as stopped: %s", id, e.getMessage());
    }
  }

  @Transactional
  void touch(Instant stoppedAt) {
    ServiceInstance.update(
        "lastSeenAt = ?1, stoppedAt = ?2 where id = ?3", Instant.now(), stoppedAt, id);
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown";
    }
  }
}
