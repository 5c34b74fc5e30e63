package io.factorytwin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A service's built jar (`{module}/target/quarkus-app/quarkus-run.jar`) started as its own process
 * on a free loopback port, in a temporary working folder, trusting a fresh RSA key pair whose
 * tokens {@link #token} signs.
 *
 * <p>NOTE: the jar's database kind is fixed when it is built, and the default build is H2 in the
 * working folder. A jar built with -Ppostgresql cannot start here.
 */
final class ServiceJarProcess implements AutoCloseable {

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

  final Path work;
  final String address;
  private final String module;
  private final int port;
  private final KeyPair keys;
  private final ProcessBuilder builder;
  private Process process;

  private ServiceJarProcess(
      String module, Path work, int port, KeyPair keys, ProcessBuilder builder) {
    this.module = module;
    this.work = work;
    this.port = port;
    this.address = "127.0.0.1:" + port;
    this.keys = keys;
    this.builder = builder;
  }

  /** Starts the module's jar with the given extra environment and waits until it is ready. */
  static ServiceJarProcess start(String module, Map<String, String> environment) throws Exception {
    return start(module, environment, rsaKeyPair());
  }

  /**
   * Starts the module's jar trusting the given key pair, so that several services accept each
   * other's tokens, and waits until it is ready.
   */
  static ServiceJarProcess start(String module, Map<String, String> environment, KeyPair keys)
      throws Exception {
    return start(
        module,
        Path.of("..", module, "target", "quarkus-app", "quarkus-run.jar"),
        environment,
        keys);
  }

  /** Starts another build of the module, such as one for PostgreSQL, from the given jar. */
  static ServiceJarProcess start(
      String module, Path jar, Map<String, String> environment, KeyPair keys) throws Exception {
    assertThat(jar)
        .as(module + " jar; build it first with ./mvnw -pl " + module + " package -DskipTests")
        .isRegularFile();
    Path work = Files.createTempDirectory("factoryctl-" + module + "-test");
    Path publicKey = work.resolve("public.pem");
    Files.writeString(
        publicKey,
        "-----BEGIN PUBLIC KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes())
                .encodeToString(keys.getPublic().getEncoded())
            + "\n-----END PUBLIC KEY-----\n");

    int port = freePort();
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-jar",
                jar.toAbsolutePath().toString())
            .directory(work.toFile())
            .redirectErrorStream(true)
            .redirectOutput(work.resolve(module + ".log").toFile());
    builder.environment().put("QUARKUS_HTTP_HOST", "127.0.0.1");
    builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
    builder.environment().put("FACTORYTWIN_JWT_PUBLIC_KEY", publicKey.toString());
    builder.environment().put("FACTORYTWIN_JWT_ISSUER", DevCommand.DEV_ISSUER);
    builder.environment().putAll(environment);
    ServiceJarProcess service = new ServiceJarProcess(module, work, port, keys, builder);
    service.process = builder.start();
    service.awaitReady(module, port);
    return service;
  }

  /** Stops the process with SIGTERM and waits for it; {@link #restart} starts it again. */
  void stop() throws InterruptedException {
    process.destroy();
    process.waitFor();
  }

  /**
   * Starts the stopped process again on the same port and working folder, so that it finds its own
   * data, and waits until it is ready. The log of the previous run is overwritten.
   */
  void restart() throws Exception {
    process = builder.start();
    awaitReady(module, port);
  }

  /** Returns a token of one role for the subject, valid for an hour. */
  String token(String subject, String role) {
    return DevCommand.sign(keys.getPrivate(), subject, Set.of(role), Duration.ofHours(1));
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    process.waitFor();
    try (Stream<Path> files = Files.walk(work)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }

  private void awaitReady(String module, int port) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest ready =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
            .timeout(Duration.ofSeconds(2))
            .build();
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      assertThat(process.isAlive())
          .as(module + " exited; see " + work.resolve(module + ".log"))
          .isTrue();
      try {
        if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // Not listening yet.
      }
      Thread.sleep(100);
    }
    throw new AssertionError(module + " was not ready within " + READY_TIMEOUT.toSeconds() + " s");
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  static KeyPair rsaKeyPair() throws NoSuchAlgorithmException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return generator.generateKeyPair();
  }
}
