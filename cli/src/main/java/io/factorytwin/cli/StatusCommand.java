package io.factorytwin.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Checks each service with the standard gRPC health service and lists its gRPC services through
 * server reflection. Exits 0 only when all four report SERVING.
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "Show whether each service is SERVING, with its address and gRPC services.")
final class StatusCommand implements java.util.concurrent.Callable<Integer> {

  @Mixin Connection connection;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** The health of one service as seen from this client. */
  record ServiceStatus(String name, String address, String status, List<String> grpcServices) {}

  @Override
  public Integer call() throws InvalidProtocolBufferException {
    List<ServiceStatus> statuses = new ArrayList<>();
    for (Connection.Service service : Connection.Service.values()) {
      statuses.add(check(service));
    }
    PrintWriter out = spec.commandLine().getOut();
    if (connection.output == Connection.OutputFormat.json) {
      out.println(JsonFormat.printer().print(toStruct(statuses)));
    } else {
      out.printf("%-12s %-22s %-12s %s%n", "SERVICE", "ADDRESS", "STATUS", "GRPC SERVICES");
      for (ServiceStatus status : statuses) {
        out.printf(
            "%-12s %-22s %-12s %s%n",
            status.name(),
            status.address(),
            status.status(),
            String.join(",", status.grpcServices()));
      }
    }
    out.flush();
    boolean allServing = statuses.stream().allMatch(s -> s.status().equals("SERVING"));
    if (!allServing) {
      spec.commandLine()
          .getErr()
          .println(
              "error: not every service is SERVING; start them with 'bin/factory up' or check"
                  + " the addresses (--<service>-address, FACTORYTWIN_<SERVICE>_ADDRESS)");
      spec.commandLine().getErr().flush();
    }
    return allServing ? 0 : ErrorReporter.UNREACHABLE;
  }

  private ServiceStatus check(Connection.Service service) {
    String address = connection.address(service);
    ManagedChannel channel = connection.open(service);
    try {
      String health;
      try {
        health =
            HealthGrpc.newBlockingStub(channel)
                .withDeadlineAfter(connection.timeoutSeconds, TimeUnit.SECONDS)
                .check(HealthCheckRequest.getDefaultInstance())
                .getStatus()
                .name();
      } catch (StatusRuntimeException e) {
        health =
            e.getStatus().getCode() == io.grpc.Status.Code.UNAVAILABLE ? "UNREACHABLE" : "ERROR";
        return new ServiceStatus(service.id(), address, health, List.of());
      }
      return new ServiceStatus(service.id(), address, health, listServices(channel));
    } finally {
      Connection.close(channel);
    }
  }

  private List<String> listServices(ManagedChannel channel) {
    CompletableFuture<List<String>> result = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> requests =
        ServerReflectionGrpc.newStub(channel)
            .withDeadlineAfter(connection.timeoutSeconds, TimeUnit.SECONDS)
            .serverReflectionInfo(
                new StreamObserver<>() {
                  @Override
                  public void onNext(ServerReflectionResponse response) {
                    result.complete(
                        response.getListServicesResponse().getServiceList().stream()
                            .map(ServiceResponse::getName)
                            .sorted()
                            .toList());
                  }

                  @Override
                  public void onError(Throwable failure) {
                    result.completeExceptionally(failure);
                  }

                  @Override
                  public void onCompleted() {
                    result.complete(List.of());
                  }
                });
    requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
    requests.onCompleted();
    try {
      return result.get(connection.timeoutSeconds, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // Reflection may be turned off on purpose, and the health status above is still valid.
      return List.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    }
  }

  private static Struct toStruct(List<ServiceStatus> statuses) {
    ListValue.Builder list = ListValue.newBuilder();
    for (ServiceStatus status : statuses) {
      ListValue.Builder services = ListValue.newBuilder();
      status
          .grpcServices()
          .forEach(name -> services.addValues(Value.newBuilder().setStringValue(name)));
      Struct entry =
          Struct.newBuilder()
              .putFields("name", Value.newBuilder().setStringValue(status.name()).build())
              .putFields("address", Value.newBuilder().setStringValue(status.address()).build())
              .putFields("status", Value.newBuilder().setStringValue(status.status()).build())
              .putFields("grpcServices", Value.newBuilder().setListValue(services).build())
              .build();
      list.addValues(Value.newBuilder().setStructValue(entry));
    }
    return Struct.newBuilder()
        .putFields("services", Value.newBuilder().setListValue(list).build())
        .build();
  }
}
