package io.factorytwin.lifecycle;

import io.factorytwin.testing.TestKeys;
import io.factorytwin.twin.v1.ApplyDesignHeader;
import io.factorytwin.twin.v1.ApplyDesignRequest;
import io.factorytwin.twin.v1.ApplyDesignResponse;
import io.factorytwin.twin.v1.DesignChunk;
import io.factorytwin.twin.v1.TwinRevision;
import io.factorytwin.twin.v1.TwinServiceGrpc;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A gRPC server on a loopback port that replaces twin-service in lifecycle-service's tests.
 * twin-service is a Quarkus application of its own, and two Quarkus applications cannot run in one
 * test JVM, so this server implements the TwinService ApplyDesign call as the contract describes
 * it: it checks the chunk sequence and the header's counts, builds one revision per design
 * revision, and answers a design revision it has already built right after the header. It records
 * every call.
 *
 * <p>The server first binds an ephemeral port. It can stop listening and start again on the same
 * port, because lifecycle-service reads the twin's address once, from configuration.
 */
public class StandInTwin implements QuarkusTestResourceLifecycleManager {

  /** The token that lifecycle-service's relay sends, as the publisher it is in production. */
  static final String TOKEN = TestKeys.token("lifecycle-service", "publisher");

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final io.grpc.Context.Key<String> CALL_AUTHORIZATION =
      io.grpc.Context.key("authorization");

  private final List<Call> calls = new CopyOnWriteArrayList<>();

  /** Twin revision names by twin id and design revision, as {@code twin-id design-revision}. */
  private final Map<String, String> built = new ConcurrentHashMap<>();

  private volatile Status rejection;
  private Server server;
  private int port;

  @Override
  public Map<String, String> start() {
    Path tokenFile = Path.of("target", "test-publisher.jwt").toAbsolutePath();
    try {
      Files.createDirectories(tokenFile.getParent());
      Files.writeString(tokenFile, TOKEN + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    startListening();
    return Map.of(
        "lifecycle.twin.address", "127.0.0.1:" + port,
        "lifecycle.twin.token-file", tokenFile.toString(),
        "lifecycle.twin.deadline", "5S",
        "lifecycle.publish.poll-interval", "0.1S",
        "lifecycle.publish.initial-backoff", "0.2S",
        "lifecycle.publish.max-backoff", "1S",
        "lifecycle.publish.max-attempts", "30");
  }

  @Override
  public void stop() {
    stopListening();
  }

  @Override
  public void inject(TestInjector testInjector) {
    testInjector.injectIntoFields(this, new TestInjector.MatchesType(StandInTwin.class));
  }

  /** Starts the server: on an ephemeral port the first time, on that same port afterwards. */
  synchronized void startListening() {
    if (server != null) {
      return;
    }
    ServerInterceptor captureAuthorization =
        new ServerInterceptor() {
          @Override
          public <Q, R> ServerCall.Listener<Q> interceptCall(
              ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            io.grpc.Context context =
                io.grpc.Context.current().withValue(CALL_AUTHORIZATION, headers.get(AUTHORIZATION));
            return Contexts.interceptCall(context, call, headers, next);
          }
        };
    try {
      server =
          NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
              .addService(ServerInterceptors.intercept(new Service(), captureAuthorization))
              .build()
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("the stand-in twin cannot listen on port " + port, e);
    }
    port = server.getPort();
  }

  /** Stops the server, so connections to its port are refused. */
  synchronized void stopListening() {
    if (server == null) {
      return;
    }
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    server = null;
  }

  /** Makes every following commit fail with the status; null builds again. */
  void rejectWith(Status status) {
    rejection = status;
  }

  /** Returns the calls whose header named the design revision, in the order they arrived. */
  List<Call> callsFor(String designRevision) {
    return calls.stream()
        .filter(call -> call.header().getDesignRevision().equals(designRevision))
        .toList();
  }

  /** Returns the number of twin revisions built from the design revision, in all twins. */
  long buildsOf(String designRevision) {
    return built.keySet().stream().filter(key -> key.endsWith(" " + designRevision)).count();
  }

  /** What one ApplyDesign call sent, and whether the response came right after the header. */
  static final class Call {
    private final String authorization;
    private ApplyDesignHeader header;
    private int chunks;
    private long parts;
    private long halls;
    private long rows;
    private long placements;
    private long connections;
    private long groups;
    private int sites;
    private boolean committed;
    private boolean answeredAfterHeader;

    Call(String authorization) {
      this.authorization = authorization;
    }

    synchronized String authorization() {
      return authorization;
    }

    synchronized ApplyDesignHeader header() {
      return header;
    }

    synchronized int chunks() {
      return chunks;
    }

    synchronized long parts() {
      return parts;
    }

    synchronized long halls() {
      return halls;
    }

    synchronized long rows() {
      return rows;
    }

    synchronized long placements() {
      return placements;
    }

    synchronized long connections() {
      return connections;
    }

    synchronized long groups() {
      return groups;
    }

    synchronized int sites() {
      return sites;
    }

    synchronized boolean committed() {
      return committed;
    }

    synchronized boolean answeredAfterHeader() {
      return answeredAfterHeader;
    }

    private synchronized void add(DesignChunk chunk) {
      chunks++;
      parts += chunk.getPartsCount();
      halls += chunk.getHallsCount();
      rows += chunk.getRowsCount();
      placements += chunk.getPlacementsCount();
      connections += chunk.getConnectionsCount();
      groups += chunk.getRedundancyGroupsCount();
      sites += chunk.hasSite() ? 1 : 0;
    }

    private synchronized String countMismatch() {
      if (header.getPartCount() != parts
          || header.getPlacementCount() != placements
          || header.getConnectionCount() != connections
          || header.getRedundancyGroupCount() != groups) {
        return "the chunks carry other counts than the header";
      }
      return sites == 1 ? null : "the site must be in exactly one chunk, got " + sites;
    }
  }

  private final class Service extends TwinServiceGrpc.TwinServiceImplBase {

    @Override
    public StreamObserver<ApplyDesignRequest> applyDesign(
        StreamObserver<ApplyDesignResponse> response) {
      Call call = new Call(CALL_AUTHORIZATION.get());
      return new StreamObserver<>() {
        private boolean closed;

        @Override
        public void onNext(ApplyDesignRequest message) {
          if (closed) {
            return;
          }
          switch (message.getMessageCase()) {
            case HEADER -> header(message.getHeader());
            case CHUNK -> chunk(message.getChunk());
            case COMMIT -> commit(message.getCommit().getChunkCount());
            case MESSAGE_NOT_SET -> fail(Status.INVALID_ARGUMENT.withDescription("empty message"));
          }
        }

        private void header(ApplyDesignHeader header) {
          synchronized (call) {
            call.header = header;
          }
          calls.add(call);
          String existing = built.get(header.getTwinId() + " " + header.getDesignRevision());
          if (existing != null) {
            synchronized (call) {
              call.answeredAfterHeader = true;
            }
            answer(existing, false);
          }
        }

        private void chunk(DesignChunk chunk) {
          if (chunk.getSequence() != call.chunks() + 1) {
            fail(
                Status.INVALID_ARGUMENT.withDescription(
                    "expected chunk " + (call.chunks() + 1) + ", got " + chunk.getSequence()));
            return;
          }
          call.add(chunk);
        }

        private void commit(long chunkCount) {
          synchronized (call) {
            call.committed = true;
          }
          Status rejected = rejection;
          if (rejected != null) {
            fail(rejected);
            return;
          }
          String mismatch = chunkCount == call.chunks() ? call.countMismatch() : "chunk count";
          if (mismatch != null) {
            fail(Status.INVALID_ARGUMENT.withDescription(mismatch));
            return;
          }
          ApplyDesignHeader header = call.header();
          String designRevision = header.getDesignRevision();
          String revisionId = designRevision.substring(designRevision.lastIndexOf('/') + 1);
          String name = "twins/" + header.getTwinId() + "/revisions/" + revisionId;
          String key = header.getTwinId() + " " + designRevision;
          boolean newlyBuilt = built.putIfAbsent(key, name) == null;
          answer(name, newlyBuilt);
        }

        private void answer(String twinRevision, boolean newlyBuilt) {
          closed = true;
          response.onNext(
              ApplyDesignResponse.newBuilder()
                  .setTwinRevision(
                      TwinRevision.newBuilder()
                          .setName(twinRevision)
                          .setDesignRevision(call.header().getDesignRevision()))
                  .setNewlyBuilt(newlyBuilt)
                  .build());
          response.onCompleted();
        }

        private void fail(Status status) {
          closed = true;
          response.onError(status.asRuntimeException());
        }

        @Override
        public void onError(Throwable failure) {
          closed = true;
        }

        @Override
        public void onCompleted() {
          if (!closed) {
            fail(Status.INVALID_ARGUMENT.withDescription("the stream ended without its commit"));
          }
        }
      };
    }
  }
}
