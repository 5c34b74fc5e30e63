package io.factorytwin.support.health;

import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.quarkus.grpc.runtime.health.GrpcHealthStorage;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.health.SmallRyeHealth;
import io.smallrye.health.SmallRyeHealthReporter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.util.HashSet;
import java.util.Set;

/**
 * Keeps the standard gRPC health service in step with SmallRye readiness, so a gRPC probe sees
 * NOT_SERVING while the database or a required peer is down, just as {@code /q/health/ready} does.
 * Quarkus alone reports SERVING for as long as the server runs.
 */
@ApplicationScoped
public class GrpcHealthFollowsReadiness {

  private final SmallRyeHealthReporter reporter;
  // Absent when the application has no gRPC service, so nothing is there to keep in step.
  private final Instance<GrpcHealthStorage> storage;
  private volatile ServingStatus last;

  GrpcHealthFollowsReadiness(SmallRyeHealthReporter reporter, Instance<GrpcHealthStorage> storage) {
    this.reporter = reporter;
    this.storage = storage;
  }

  /**
   * Quarkus adds a readiness check named "gRPC Server" that reads the very statuses this class
   * sets. Counting it would keep the service NOT_SERVING forever after one outage.
   */
  static final String GRPC_SERVER_CHECK = "gRPC Server";

  @Scheduled(
      every = "${factorytwin.health.grpc-sync-interval:2s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void sync() {
    if (!storage.isResolvable()) {
      return;
    }
    ServingStatus status =
        anyDependencyDown(reporter.getReadiness())
            ? ServingStatus.NOT_SERVING
            : ServingStatus.SERVING;
    if (status != last) {
      Log.infof("gRPC health is now %s", status);
      last = status;
    }
    GrpcHealthStorage health = storage.get();
    Set<String> names = new HashSet<>(health.getStatuses().keySet());
    names.add(GrpcHealthStorage.DEFAULT_SERVICE_NAME);
    for (String name : names) {
      health.setStatus(name, status);
    }
  }

  static boolean anyDependencyDown(SmallRyeHealth readiness) {
    JsonArray checks = readiness.getPayload().getJsonArray("checks");
    if (checks == null) {
      return readiness.isDown();
    }
    for (JsonObject check : checks.getValuesAs(JsonObject.class)) {
      if (!GRPC_SERVER_CHECK.equals(check.getString("name", ""))
          && "DOWN".equals(check.getString("status", "DOWN"))) {
        return true;
      }
    }
    return false;
  }
}
