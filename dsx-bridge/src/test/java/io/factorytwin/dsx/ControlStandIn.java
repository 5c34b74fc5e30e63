package io.factorytwin.dsx;

import io.factorytwin.control.v1.Action;
import io.factorytwin.control.v1.ControlServiceGrpc;
import io.factorytwin.control.v1.WatchActionsRequest;
import io.factorytwin.control.v1.WatchActionsResponse;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real gRPC server on a loopback port that serves control-service's WatchActions and nothing
 * else: the test decides which actions it streams. It replaces control-service, whose own tests
 * show that an accepted proposal appears on WatchActions as an APPLIED action.
 */
final class ControlStandIn implements AutoCloseable {

  private final List<StreamObserver<WatchActionsResponse>> watchers = new CopyOnWriteArrayList<>();
  private final AtomicLong sequence = new AtomicLong(100);
  private final Server server;

  ControlStandIn() throws IOException {
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(
                new ControlServiceGrpc.ControlServiceImplBase() {
                  @Override
                  public void watchActions(
                      WatchActionsRequest request, StreamObserver<WatchActionsResponse> responses) {
                    watchers.add(responses);
                  }
                })
            .build()
            .start();
  }

  String address() {
    return "127.0.0.1:" + server.getPort();
  }

  int watcherCount() {
    return watchers.size();
  }

  /** Streams an applied action of an agent to every open WatchActions call. */
  void applied(String agent, String point, double value) {
    Action action =
        Action.newBuilder()
            .setName("actions/a" + sequence.get())
            .setAgent(agent)
            .setPoint(point)
            .setRequestedValue(value)
            .setAppliedValue(value)
            .setUnit("C")
            .setState(Action.State.STATE_APPLIED)
            .setOutcome(Action.Outcome.OUTCOME_APPLIED)
            .setApplyTime(
                com.google.protobuf.Timestamp.newBuilder()
                    .setSeconds(System.currentTimeMillis() / 1000))
            .build();
    WatchActionsResponse response =
        WatchActionsResponse.newBuilder()
            .setSequence(sequence.incrementAndGet())
            .setAction(action)
            .build();
    for (StreamObserver<WatchActionsResponse> watcher : watchers) {
      synchronized (watcher) {
        watcher.onNext(response);
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow();
    server.awaitTermination(5, TimeUnit.SECONDS);
  }
}
