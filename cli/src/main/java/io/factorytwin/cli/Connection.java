package io.factorytwin.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.AbstractStub;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import picocli.CommandLine.Option;

/**
 * Where the services are and who is calling: options shared by every command. An address comes from
 * {@code --<service>-address}, else {@code FACTORYTWIN_<SERVICE>_ADDRESS}, else the local default
 * port; the token from {@code --token}, else {@code FACTORYTWIN_TOKEN}, else the development
 * operator token that {@code bin/factory up} writes under {@code run/tokens/}.
 */
public final class Connection {

  /** The four services and their default local ports. */
  public enum Service {
    LIFECYCLE(8101),
    TWIN(8102),
    SIMULATION(8103),
    CONTROL(8104);

    final int defaultPort;

    Service(int defaultPort) {
      this.defaultPort = defaultPort;
    }

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  @Option(names = "--lifecycle-address", description = "host:port of lifecycle-service.")
  String lifecycleAddress;

  @Option(names = "--twin-address", description = "host:port of twin-service.")
  String twinAddress;

  @Option(names = "--simulation-address", description = "host:port of simulation-service.")
  String simulationAddress;

  @Option(names = "--control-address", description = "host:port of control-service.")
  String controlAddress;

  @Option(names = "--token", description = "JWT to send as the bearer token.")
  String token;

  /**
   * Whether the command calls as an agent: then the token comes from {@code --token}, else {@code
   * FACTORYTWIN_AGENT_TOKEN}, else {@code run/tokens/agent.jwt}, so an operator token in {@code
   * FACTORYTWIN_TOKEN} is never sent where the service expects an agent.
   */
  boolean asAgent;

  @Option(
      names = "--timeout",
      defaultValue = "10",
      description = "Deadline of each call in seconds (default ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  @Option(
      names = {"-o", "--output"},
      defaultValue = "table",
      description = "Output format: table or json (the proto3 JSON mapping of the response).")
  OutputFormat output;

  /** Returns the host:port of a service. */
  public String address(Service service) {
    String flag =
        switch (service) {
          case LIFECYCLE -> lifecycleAddress;
          case TWIN -> twinAddress;
          case SIMULATION -> simulationAddress;
          case CONTROL -> controlAddress;
        };
    if (flag != null && !flag.isBlank()) {
      return flag;
    }
    String env = System.getenv("FACTORYTWIN_" + service.name() + "_ADDRESS");
    if (env != null && !env.isBlank()) {
      return env;
    }
    return "127.0.0.1:" + service.defaultPort;
  }

  /** Opens a plaintext channel to a service. */
  public ManagedChannel open(Service service) {
    String address = address(service);
    int colon = address.lastIndexOf(':');
    if (colon <= 0) {
      throw new CliException("invalid address '" + address + "': expected host:port");
    }
    int port;
    try {
      port = Integer.parseInt(address.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 1 || port > 65535) {
      throw new CliException(
          "invalid port in address '" + address + "': expected a number from 1 to 65535");
    }
    if (timeoutSeconds < 1) {
      throw new CliException(
          "invalid --timeout " + timeoutSeconds + ": expected at least 1 second");
    }
    return NettyChannelBuilder.forAddress(address.substring(0, colon), port).usePlaintext().build();
  }

  /**
   * Opens a channel to a service, runs the work on a blocking stub that carries the caller's token
   * and the call deadline, and closes the channel.
   */
  public <S extends AbstractStub<S>, T> T call(
      Service service, Function<ManagedChannel, S> newStub, Function<S, T> work) {
    ManagedChannel channel = open(service);
    try {
      S stub =
          newStub
              .apply(channel)
              .withCallCredentials(credentials())
              .withDeadlineAfter(timeoutSeconds, TimeUnit.SECONDS);
      return work.apply(stub);
    } finally {
      close(channel);
    }
  }

  /** Returns the bearer credentials of the caller; fails if no token can be found. */
  public CallCredentials credentials() {
    String value = requireToken();
    return new CallCredentials() {
      @Override
      public void applyRequestMetadata(
          RequestInfo requestInfo, Executor executor, MetadataApplier applier) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + value);
        applier.apply(headers);
      }
    };
  }

  private String requireToken() {
    return resolveToken()
        .orElseThrow(
            () ->
                new CliException(
                    "no token: pass --token, set "
                        + tokenVariable()
                        + ", or run 'bin/factory up' to create development tokens under"
                        + " run/tokens/"));
  }

  /**
   * Returns the {@code sub} claim of the caller's token. The signature is not checked here; the
   * service checks it on every call.
   */
  public String subject() {
    String[] parts = requireToken().split("\\.");
    if (parts.length == 3) {
      try {
        String payload =
            new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        Struct.Builder claims = Struct.newBuilder();
        JsonFormat.parser().ignoringUnknownFields().merge(payload, claims);
        Value sub = claims.getFieldsMap().get("sub");
        if (sub != null && sub.hasStringValue() && !sub.getStringValue().isBlank()) {
          return sub.getStringValue();
        }
      } catch (IllegalArgumentException | InvalidProtocolBufferException e) {
        // Reported below with the same message as a token without a subject.
      }
    }
    throw new CliException("the token is not a JWT with a 'sub' claim: pass the agent name");
  }

  Optional<String> resolveToken() {
    if (token != null && !token.isBlank()) {
      return Optional.of(token.trim());
    }
    String env = System.getenv(tokenVariable());
    if (env != null && !env.isBlank()) {
      return Optional.of(env.trim());
    }
    Path file =
        DevCommand.runDir().resolve("tokens").resolve(asAgent ? "agent.jwt" : "operator.jwt");
    if (Files.isRegularFile(file)) {
      try {
        return Optional.of(Files.readString(file).trim());
      } catch (IOException e) {
        throw new CliException("cannot read the development token " + file + ": " + e.getMessage());
      }
    }
    return Optional.empty();
  }

  private String tokenVariable() {
    return asAgent ? "FACTORYTWIN_AGENT_TOKEN" : "FACTORYTWIN_TOKEN";
  }

  static void close(ManagedChannel channel) {
    channel.shutdownNow();
    try {
      channel.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Output formats of every command. */
  public enum OutputFormat {
    table,
    json
  }
}
