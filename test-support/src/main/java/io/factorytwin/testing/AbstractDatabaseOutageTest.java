package io.factorytwin.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Readiness follows the database: DOWN within one probe period (5 s) after the database goes away,
 * UP again after it returns, without a restart; the gRPC health service follows. Each service's
 * test extends this with {@link ProxiedPostgresDatabase} as its test resource.
 */
public abstract class AbstractDatabaseOutageTest {

  /** The readiness probe period the Kubernetes manifests use. */
  static final Duration PROBE_PERIOD = Duration.ofSeconds(5);

  @ConfigProperty(name = "quarkus.http.test-port")
  int port;

  protected TcpProxy proxy;

  @Test
  void readiness_followsDatabaseOutageAndRecovery() throws Exception {
    assertThat(readinessStatus()).isEqualTo(200);

    proxy.cut();

    assertThat(waitFor(() -> readinessStatus() == 503, PROBE_PERIOD))
        .as("readiness DOWN within %s of the database going away", PROBE_PERIOD)
        .isTrue();
    assertThat(waitFor(() -> grpcHealth() == ServingStatus.NOT_SERVING, PROBE_PERIOD))
        .as("gRPC health NOT_SERVING while the database is away")
        .isTrue();

    proxy.restore();

    assertThat(waitFor(() -> readinessStatus() == 200, PROBE_PERIOD.multipliedBy(2)))
        .as("readiness UP again after the database returns")
        .isTrue();
    assertThat(waitFor(() -> grpcHealth() == ServingStatus.SERVING, PROBE_PERIOD))
        .as("gRPC health SERVING again")
        .isTrue();
  }

  private int readinessStatus() {
    try {
      return HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(2))
          .build()
          .send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                  .timeout(Duration.ofSeconds(4))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  private ServingStatus grpcHealth() {
    ManagedChannel channel = GrpcClients.channel(port);
    try {
      return HealthGrpc.newBlockingStub(channel)
          .withDeadlineAfter(2, TimeUnit.SECONDS)
          .check(HealthCheckRequest.getDefaultInstance())
          .getStatus();
    } finally {
      GrpcClients.close(channel);
    }
  }

  private static boolean waitFor(Supplier<Boolean> condition, Duration limit)
      throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.get()) {
        return true;
      }
      Thread.sleep(200);
    }
    return condition.get();
  }
}
