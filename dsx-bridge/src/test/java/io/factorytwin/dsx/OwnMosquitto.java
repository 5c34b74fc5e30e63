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
 */
final class OwnMosquitto implements AutoCloseable {

  final int port;
  private final Path dir;
  private final Path config;
  private Process process;

  OwnMosquitto() throws IOException, InterruptedException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
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
            + "\n");
    start();
  }

  String uri() {
    return "tcp://127.0.0.1:" + port;
  }

  void start() throws IOException, InterruptedException {
    process =
        new ProcessBuilder("mosquitto", "-c", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("stdout.log").toFile())
            .start();
    long deadline = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < deadline) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    throw new IllegalStateException("mosquitto did not open port " + port);
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
