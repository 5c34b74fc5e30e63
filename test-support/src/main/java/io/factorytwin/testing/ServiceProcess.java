package io.factorytwin.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A built service jar running as its own process on a free loopback port, in a working directory
 * the caller chooses, with its output in {@code service.log} there. Tests use it where they need a
 * second real service next to the one {@code @QuarkusTest} starts.
 */
public final class ServiceProcess implements AutoCloseable {

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

  private final String label;
  private final Path work;
  private final int port;
  private final Process process;

  private ServiceProcess(String label, Path work, int port, Process process) {
    this.label = label;
    this.work = work;
    this.port = port;
    this.process = process;
  }

  /**
   * Starts the jar on a free loopback port and waits until its readiness check returns 200.
   *
   * @param label names the service in error messages
   * @param jar the {@code quarkus-run.jar} to start
   * @param work the working directory; relative paths in the service's configuration resolve here
   * @param environment extra environment variables, such as the JWT public key location
   */
  public static ServiceProcess start(
      String label, Path jar, Path work, String maxHeap, Map<String, String> environment)
      throws IOException, InterruptedException {
    return start(label, jar, work, maxHeap, environment, freePort());
  }

  /**
   * Starts the jar on a given loopback port, such as the port of an instance a test stopped and now
   * restarts, and waits until it is ready; otherwise as {@link #start(String, Path, Path, String,
   * Map)}.
   */
  public static ServiceProcess start(
      String label, Path jar, Path work, String maxHeap, Map<String, String> environment, int port)
      throws IOException, InterruptedException {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          label + " jar " + jar.toAbsolutePath() + " not found; build it before the test");
    }
    Files.createDirectories(work);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + maxHeap);
    // Extra JVM options for every started service, such as a garbage collector for a benchmark.
    String options = System.getProperty("test.service.jvm-options", "").strip();
    if (!options.isEmpty()) {
      command.addAll(List.of(options.split("\\s+")));
    }
    command.add("-jar");
    command.add(jar.toAbsolutePath().toString());
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(work.toFile())
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("service.log").toFile());
    builder.environment().put("QUARKUS_HTTP_HOST", "127.0.0.1");
    builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
    builder.environment().putAll(environment);
    ServiceProcess service = new ServiceProcess(label, work, port, builder.start());
    try {
      service.awaitReady();
    } catch (IOException | InterruptedException | RuntimeException e) {
      service.close();
      throw e;
    }
    return service;
  }

  /** Returns the loopback port that serves gRPC and HTTP. */
  public int port() {
    return port;
  }

  /** Returns the process id, for tests that kill the service. */
  public long pid() {
    return process.pid();
  }

  /** Returns what the service has logged so far. */
  public String log() {
    try {
      return Files.readString(work.resolve("service.log"));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  private void awaitReady() throws IOException, InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest ready =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
            .timeout(Duration.ofSeconds(2))
            .build();
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(label + " exited; its log:\n" + log());
      }
      try {
        if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // Not listening yet.
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(
        label + " was not ready within " + READY_TIMEOUT.toSeconds() + " s; its log:\n" + log());
  }

  /** Stops the service: SIGTERM, then SIGKILL after 20 s. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
