package io.factorytwin.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.ErrorInfo;
import io.factorytwin.common.v1.AccessProto;
import io.factorytwin.common.v1.Role;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.ProtoMethodDescriptorSupplier;
import io.grpc.protobuf.StatusProto;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every service must do before it does anything of its own: serve health and reflection,
 * authenticate every method of its contract, deny roles its access options do not list, never
 * answer UNKNOWN, reject an oversized message and keep serving, and record itself in its database.
 * Each service's test extends this with its service descriptor.
 */
public abstract class AbstractServiceFoundationTest {

  /** Largest inbound message the services accept: 4 MiB. */
  static final int MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

  @ConfigProperty(name = "quarkus.http.test-port")
  int port;

  @ConfigProperty(name = "quarkus.datasource.jdbc.url")
  String jdbcUrl;

  protected ManagedChannel channel;

  /** The contract service this module serves. */
  protected abstract ServiceDescriptor service();

  @BeforeEach
  void openChannel() {
    channel = GrpcClients.channel(port);
  }

  @AfterEach
  void closeChannel() {
    GrpcClients.close(channel);
  }

  @Test
  void health_reportsServing() {
    HealthCheckResponse response =
        HealthGrpc.newBlockingStub(channel)
            .withDeadlineAfter(5, TimeUnit.SECONDS)
            .check(HealthCheckRequest.getDefaultInstance());

    assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
  }

  @Test
  void readiness_includesDatabase() throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("Database connections health check");
  }

  @Test
  void livenessAndMetrics_areServed() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> live =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/live"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> metrics =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/metrics")).build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).contains("jvm_memory_used_bytes");
  }

  @Test
  void reflection_listsContractAndHealth() throws Exception {
    CompletableFuture<List<String>> names = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> requests =
        ServerReflectionGrpc.newStub(channel)
            .withDeadlineAfter(5, TimeUnit.SECONDS)
            .serverReflectionInfo(
                new StreamObserver<>() {
                  @Override
                  public void onNext(ServerReflectionResponse response) {
                    names.complete(
                        response.getListServicesResponse().getServiceList().stream()
                            .map(ServiceResponse::getName)
                            .toList());
                  }

                  @Override
                  public void onError(Throwable failure) {
                    names.completeExceptionally(failure);
                  }

                  @Override
                  public void onCompleted() {}
                });
    requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
    requests.onCompleted();

    assertThat(names.get(5, TimeUnit.SECONDS))
        .contains(service().getName(), "grpc.health.v1.Health");
  }

  @Test
  void everyMethod_withoutToken_isUnauthenticated() {
    for (MethodDescriptor<?, ?> method : methods()) {
      RawCalls.Outcome outcome = RawCalls.call(channel, method, null, new byte[0], 5);

      assertThat(outcome.status().getCode())
          .as(method.getFullMethodName())
          .isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(reason(outcome)).as(method.getFullMethodName()).isEqualTo("UNAUTHENTICATED");
    }
  }

  @Test
  void call_withForeignOrExpiredToken_isUnauthenticated() {
    MethodDescriptor<?, ?> method = firstUnaryMethod();
    String role = admittedRoles(method).iterator().next();

    RawCalls.Outcome foreign =
        RawCalls.call(
            channel,
            method,
            GrpcClients.bearer(TestKeys.foreignToken("mallory", role)),
            new byte[0],
            5);
    RawCalls.Outcome expired =
        RawCalls.call(
            channel,
            method,
            GrpcClients.bearer(TestKeys.expiredToken("late", role)),
            new byte[0],
            5);
    RawCalls.Outcome garbage =
        RawCalls.call(channel, method, GrpcClients.bearer("not-a-jwt"), new byte[0], 5);

    assertThat(foreign.status().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(expired.status().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(garbage.status().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
  }

  @Test
  void cachedToken_altered_isUnauthenticated() {
    MethodDescriptor<?, ?> method = firstUnaryMethod();
    String role = admittedRoles(method).iterator().next();
    String token = TestKeys.token("cached", role);
    // The service caches a verified token by its text. A token that differs only in its
    // signature, or only in its payload, must miss that cache and fail verification.
    // A character inside the signature, since the last one also carries unused padding bits.
    int changed = token.lastIndexOf('.') + 10;
    char original = token.charAt(changed);
    String badSignature =
        token.substring(0, changed) + (original == 'A' ? 'B' : 'A') + token.substring(changed + 1);
    String[] parts = token.split("\\.");
    String otherPayload =
        parts[0] + "." + TestKeys.token("intruder", role).split("\\.")[1] + "." + parts[2];

    RawCalls.Outcome admitted =
        RawCalls.call(channel, method, GrpcClients.bearer(token), new byte[0], 5);
    RawCalls.Outcome signatureChanged =
        RawCalls.call(channel, method, GrpcClients.bearer(badSignature), new byte[0], 5);
    RawCalls.Outcome payloadChanged =
        RawCalls.call(channel, method, GrpcClients.bearer(otherPayload), new byte[0], 5);
    RawCalls.Outcome admittedAgain =
        RawCalls.call(channel, method, GrpcClients.bearer(token), new byte[0], 5);

    assertThat(admitted.status().getCode())
        .isNotIn(Status.Code.UNAUTHENTICATED, Status.Code.PERMISSION_DENIED);
    assertThat(signatureChanged.status().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(payloadChanged.status().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(admittedAgain.status().getCode()).isEqualTo(admitted.status().getCode());
  }

  @Test
  void everyMethod_withUnlistedRole_isPermissionDenied() {
    int checked = 0;
    for (MethodDescriptor<?, ?> method : methods()) {
      Set<String> admitted = admittedRoles(method);
      List<String> others = allRoles().stream().filter(role -> !admitted.contains(role)).toList();
      if (others.isEmpty()) {
        continue;
      }
      RawCalls.Outcome outcome =
          RawCalls.call(
              channel,
              method,
              GrpcClients.bearer(TestKeys.token("outsider", others.toArray(String[]::new))),
              new byte[0],
              5);

      assertThat(outcome.status().getCode())
          .as(method.getFullMethodName())
          .isEqualTo(Status.Code.PERMISSION_DENIED);
      checked++;
    }
    assertThat(checked).as("methods with a role they deny").isPositive();
  }

  @Test
  void everyMethod_withAdmittedRole_isNeverUnknownOrLeaky() {
    for (MethodDescriptor<?, ?> method : methods()) {
      String role = admittedRoles(method).iterator().next();

      RawCalls.Outcome outcome =
          RawCalls.call(
              channel, method, GrpcClients.bearer(TestKeys.token("caller", role)), new byte[0], 3);

      Status.Code code = outcome.status().getCode();
      assertThat(code)
          .as(method.getFullMethodName())
          .isNotIn(Status.Code.UNKNOWN, Status.Code.UNAUTHENTICATED, Status.Code.PERMISSION_DENIED);
      String description = String.valueOf(outcome.status().getDescription());
      assertThat(description)
          .as(method.getFullMethodName() + " description")
          .doesNotContainPattern("\\b(java|jakarta|io\\.quarkus|org\\.hibernate)\\.[a-z]+\\.")
          .doesNotContain("Exception");
    }
  }

  @Test
  void oversizedMessage_isResourceExhausted_andServerKeepsServing() {
    // A unary method reads its request before the service code runs; a streaming method that is
    // not built yet answers UNIMPLEMENTED before the first message arrives.
    MethodDescriptor<?, ?> method = firstUnaryMethod();
    String role = admittedRoles(method).iterator().next();
    byte[] oversized = new byte[MAX_MESSAGE_BYTES + 1024];

    RawCalls.Outcome outcome =
        RawCalls.call(
            channel, method, GrpcClients.bearer(TestKeys.token("bulk", role)), oversized, 10);

    assertThat(outcome.status().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    health_reportsServing();
  }

  @Test
  void startup_recordsInstanceInDatabase() throws Exception {
    String service = service().getName().split("\\.")[1];
    try (Connection connection = DriverManager.getConnection(jdbcUrl, PostgresDatabase.user(), "");
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "select count(*) from service_instance where service = '"
                    + service
                    + "' and stopped_at is null")) {
      rows.next();

      assertThat(rows.getInt(1)).isGreaterThanOrEqualTo(1);
    }
  }

  /** Returns every method of the service under test. */
  protected List<MethodDescriptor<?, ?>> methods() {
    List<MethodDescriptor<?, ?>> methods = new ArrayList<>(service().getMethods());
    assertThat(methods).as("methods of " + service().getName()).isNotEmpty();
    return methods;
  }

  /** Returns the first unary method of the service under test. */
  protected MethodDescriptor<?, ?> firstUnaryMethod() {
    return methods().stream()
        .filter(method -> method.getType() == MethodDescriptor.MethodType.UNARY)
        .findFirst()
        .orElseThrow(() -> new AssertionError(service().getName() + " has no unary method"));
  }

  /** Returns the claim values of the roles the method's access option admits. */
  protected static Set<String> admittedRoles(MethodDescriptor<?, ?> method) {
    var descriptor =
        ((ProtoMethodDescriptorSupplier) method.getSchemaDescriptor()).getMethodDescriptor();
    Set<String> roles =
        descriptor.getOptions().getExtension(AccessProto.access).getRolesList().stream()
            .map(AbstractServiceFoundationTest::claimValue)
            .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
    assertThat(roles).as("roles admitted to " + method.getFullMethodName()).isNotEmpty();
    return roles;
  }

  private static List<String> allRoles() {
    return Arrays.stream(Role.values())
        .filter(role -> role != Role.ROLE_UNSPECIFIED && role != Role.UNRECOGNIZED)
        .map(AbstractServiceFoundationTest::claimValue)
        .toList();
  }

  private static String claimValue(Role role) {
    return role.name().substring("ROLE_".length()).toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static String reason(RawCalls.Outcome outcome) {
    com.google.rpc.Status status =
        StatusProto.fromStatusAndTrailers(outcome.status(), outcome.trailers());
    if (status == null) {
      return null;
    }
    return status.getDetailsList().stream()
        .filter(detail -> detail.is(ErrorInfo.class))
        .map(
            detail -> {
              try {
                return detail.unpack(ErrorInfo.class).getReason();
              } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                throw new AssertionError(e);
              }
            })
        .findFirst()
        .orElse(null);
  }
}
