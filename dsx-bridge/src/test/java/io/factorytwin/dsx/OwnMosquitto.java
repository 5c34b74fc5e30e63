package io.factorytwin.dsx;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

/**
 * A Mosquitto broker of the test's own, on a free loopback port with persistence in a temporary
 * directory, so a test can stop and start it without touching the shared broker on port 1883.
 * Optionally it has two TLS listeners on other free loopback ports: one that checks only its own
 * certificate, and one that also requires a client certificate signed by the same CA (mutual TLS).
 */
final class OwnMosquitto implements AutoCloseable {

  final int port;

  /** Port of the TLS listener, or -1 when there is none. */
  final int tlsPort;

  /** Port of the mutual-TLS listener, or -1 when there is none. */
  final int mutualTlsPort;

  private final Path dir;
  private final Path config;
  private Process process;

  OwnMosquitto() throws IOException, InterruptedException {
    this(null);
  }

  /**
   * Starts the broker. With certificates, it also listens for TLS with their server certificate and
   * key.
   */
  OwnMosquitto(TestCertificates tls) throws IOException, InterruptedException {
    port = freePort();
    tlsPort = tls == null ? -1 : freePort();
    mutualTlsPort = tls == null ? -1 : freePort();
    dir = Files.createTempDirectory("dsx-mosquitto");
    // Started as root, Mosquitto drops to its own user, which must be able to write the
    // persistence file and the log here.
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    config = dir.resolve("mosquitto.conf");
    Files.writeString(
        config,
        "listener "
            + port
            + " 127.0.0.1\n"
            + "allow_anonymous true\n"
            + "persistence true\n"
            + "persistence_location "
            + dir
            + "/\n"
            + "log_dest file "
            + dir.resolve("mosquitto.log")
            + "\n"
            + (tls == null ? "" : tlsListener(tls)));
    start();
  }

  private String tlsListener(TestCertificates tls) {
    return tlsListener(tls, tlsPort)
        + tlsListener(tls, mutualTlsPort)
        + "require_certificate true\n";
  }

  /** Writes a TLS listener section; its cafile also checks client certificates where required. */
  private static String tlsListener(TestCertificates tls, int port) {
    return "listener "
        + port
        + " 127.0.0.1\n"
        + "cafile "
        + tls.caCertificate
        + "\n"
        + "certfile "
        + tls.serverCertificate
        + "\n"
        + "keyfile "
        + tls.serverKey
        + "\n";
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  String uri() {
    return "tcp://127.0.0.1:" + port;
  }

  /** Returns the TLS listener's URI; only a broker started with certificates has one. */
  String tlsUri() {
    if (tlsPort < 0) {
      throw new IllegalStateException("this broker has no TLS listener");
    }
    return "ssl://127.0.0.1:" + tlsPort;
  }

  /** Returns the URI of the listener that requires a client certificate. */
  String mutualTlsUri() {
    if (mutualTlsPort < 0) {
      throw new IllegalStateException("this broker has no TLS listener");
    }
    return "ssl://127.0.0.1:" + mutualTlsPort;
  }

  /** Returns Mosquitto's log, for failure messages. */
  String log() throws IOException {
    Path log = dir.resolve("mosquitto.log");
    return Files.exists(log) ? Files.readString(log) : "";
  }

  void start() throws IOException, InterruptedException {
    process =
        new ProcessBuilder("mosquitto", "-c", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("stdout.log").toFile())
            .start();
    long deadline = System.currentTimeMillis() + 10_000;
    awaitPort(port, deadline);
    if (tlsPort >= 0) {
      awaitPort(tlsPort, deadline);
      awaitPort(mutualTlsPort, deadline);
    }
  }

  private void awaitPort(int awaited, long deadline) throws IOException, InterruptedException {
    while (System.currentTimeMillis() < deadline) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", awaited), 200);
        return;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    throw new IllegalStateException("mosquitto did not open port " + awaited + ": " + log());
  }

  /** Stops the broker with SIGTERM, on which Mosquitto writes its persistence file. */
  void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }

  @Override
  public void close() throws Exception {
    if (process != null && process.isAlive()) {
      stop();
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
