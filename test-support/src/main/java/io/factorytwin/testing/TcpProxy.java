package io.factorytwin.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP proxy in front of a real server (PostgreSQL in the readiness tests). {@link
 * #cut()} closes every connection and stops accepting, as a server that went away would; {@link
 * #restore()} accepts again on the same port.
 */
public final class TcpProxy implements AutoCloseable {

  private final String targetHost;
  private final int targetPort;
  private final int port;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile ServerSocket server;

  public TcpProxy(String targetHost, int targetPort) throws IOException {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.server = open(0);
    this.port = server.getLocalPort();
    startAccepting(server);
  }

  /** The loopback port clients connect to. */
  public int port() {
    return port;
  }

  /** Drops every open connection and refuses new ones until {@link #restore()}. */
  public synchronized void cut() throws IOException {
    server.close();
    for (Socket socket : sockets) {
      socket.close();
    }
    sockets.clear();
  }

  /** Accepts connections again on the same port. */
  public synchronized void restore() throws IOException {
    if (!server.isClosed()) {
      return;
    }
    server = open(port);
    startAccepting(server);
  }

  @Override
  public void close() throws IOException {
    cut();
  }

  private static ServerSocket open(int port) throws IOException {
    ServerSocket socket = new ServerSocket();
    socket.setReuseAddress(true);
    socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    return socket;
  }

  private void startAccepting(ServerSocket listening) {
    Thread.ofPlatform()
        .daemon()
        .name("tcp-proxy-accept-" + port)
        .start(
            () -> {
              while (!listening.isClosed()) {
                Socket client;
                try {
                  client = listening.accept();
                } catch (IOException e) {
                  return; // closed by cut()
                }
                try {
                  Socket upstream = new Socket(targetHost, targetPort);
                  sockets.add(client);
                  sockets.add(upstream);
                  pump(client, upstream);
                  pump(upstream, client);
                } catch (IOException e) {
                  // The target refused: the client sees its connection close.
                  closeQuietly(client);
                }
              }
            });
  }

  private void pump(Socket from, Socket to) {
    Thread.ofPlatform()
        .daemon()
        .start(
            () -> {
              byte[] buffer = new byte[16 * 1024];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                  out.write(buffer, 0, read);
                  out.flush();
                }
              } catch (IOException e) {
                // One side closed; closing both below ends the other pump too.
              } finally {
                closeQuietly(from);
                closeQuietly(to);
              }
            });
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // Already closed.
    }
  }
}
