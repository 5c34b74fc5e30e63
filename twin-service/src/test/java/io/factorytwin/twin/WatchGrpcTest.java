package io.factorytwin.twin;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.factorytwin.testing.GrpcClients;
import io.factorytwin.testing.PostgresDatabase;
import io.factorytwin.testing.TestKeys;
import io.factorytwin.twin.v1.ApplySetpointRequest;
import io.factorytwin.twin.v1.PointValue;
import io.factorytwin.twin.v1.TwinServiceGrpc;
import io.factorytwin.twin.v1.WatchEventKind;
import io.factorytwin.twin.v1.WatchFilter;
import io.factorytwin.twin.v1.WatchRequest;
import io.factorytwin.twin.v1.WatchResponse;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(PostgresDatabase.class)
@WithTestResource(TestKeys.class)
class WatchGrpcTest {

  /** Midnight UTC yesterday: a minute boundary within the first-sample window of the twin. */
  private static final long T0 = (System.currentTimeMillis() / 86_400_000L - 1) * 86_400_000L;

  private static final String RACK_POWER = "hall-1.row-01.rack-01.rack-power";
  private static final String CDU_SETPOINT =
      "hall-1.row-01.cdu-1.liquid-temperature-sp.secondary-supply";

  @ConfigProperty(name = "quarkus.http.test-port")
  int port;

  private ManagedChannel channel;
  private TwinClient twin;

  @BeforeEach
  void connect() {
    channel = GrpcClients.channel(port);
    twin = new TwinClient(channel);
  }

  @AfterEach
  void disconnect() {
    GrpcClients.close(channel);
  }

  private String newTwin() {
    String twinId = "t-" + UUID.randomUUID().toString().substring(0, 8);
    twin.apply(
        HallDesign.of(2).stream(twinId, "designs/reference-hall/revisions/a", 500, false), true);
    return twinId;
  }

  /** A Watch stream whose messages the test reads one by one; it requests them as it reads. */
  private final class Watcher implements AutoCloseable {
    final LinkedBlockingQueue<WatchResponse> received = new LinkedBlockingQueue<>();
    ClientCallStreamObserver<WatchRequest> call;

    Watcher(WatchRequest request, boolean manualFlow) {
      TwinServiceGrpc.newStub(channel)
          .withCallCredentials(GrpcClients.bearer(TestKeys.token("reader-1", "reader")))
          .watch(
              request,
              new ClientResponseObserver<WatchRequest, WatchResponse>() {
                @Override
                public void beforeStart(ClientCallStreamObserver<WatchRequest> stream) {
                  call = stream;
                  if (manualFlow) {
                    stream.disableAutoRequestWithInitial(1);
                  }
                }

                @Override
                public void onNext(WatchResponse value) {
                  received.add(value);
                }

                @Override
                public void onError(Throwable t) {}

                @Override
                public void onCompleted() {}
              });
    }

    WatchResponse next() throws InterruptedException {
      WatchResponse message = received.poll(20, TimeUnit.SECONDS);
      assertThat(message).as("a Watch message").isNotNull();
      return message;
    }

    /** Reads messages until one carries values, skipping keepalives. */
    List<PointValue> nextValues() throws InterruptedException {
      while (true) {
        WatchResponse message = next();
        if (message.hasValuesChanged()) {
          return message.getValuesChanged().getValuesList();
        }
      }
    }

    @Override
    public void close() {
      call.cancel("test done", null);
    }
  }

  private static WatchRequest.Builder watch(String twinId) {
    return WatchRequest.newBuilder().setParent("twins/" + twinId);
  }

  @Test
  void watch_sendsValuesPastTheirDeadband_andSetpoints() throws Exception {
    String twinId = newTwin();
    try (Watcher watcher =
        new Watcher(
            watch(twinId)
                .setFilter(
                    WatchFilter.newBuilder().addNodes("twins/" + twinId + "/nodes/hall-1.row-01"))
                .build(),
            false)) {
      Thread.sleep(300);
      // Rack power has a deadband of 0.5 kW: 100.2 is no change, 101 is.
      twin.ingest(
          twinId,
          RACK_POWER,
          new double[] {100, 100.2, 101},
          new long[] {T0, T0 + 1000, T0 + 2000});
      List<PointValue> values = new ArrayList<>();
      while (values.size() < 2) {
        values.addAll(watcher.nextValues());
      }
      twin.control.applySetpoint(
          ApplySetpointRequest.newBuilder()
              .setPoint("twins/" + twinId + "/points/" + CDU_SETPOINT)
              .setValue(32)
              .setExpectedVersion(1)
              .setRequestId(UUID.randomUUID().toString())
              .setAction("actions/watch-test")
              .setFacilityTime(Timestamp.newBuilder().setSeconds(T0 / 1000 + 3))
              .build());
      WatchResponse setpoint = watcher.next();
      while (!setpoint.hasSetpointChanged()) {
        setpoint = watcher.next();
      }

      assertThat(values).extracting(PointValue::getValue).containsExactly(100.0, 101.0);
      assertThat(values.get(0).getPoint()).endsWith(RACK_POWER);
      assertThat(setpoint.getSetpointChanged().getValue()).isEqualTo(32.0);
      assertThat(setpoint.getResumeToken()).isNotEmpty();
    }
  }

  @Test
  void watch_resumesFromItsToken_withoutAGap() throws Exception {
    String twinId = newTwin();
    String token;
    WatchRequest.Builder request =
        watch(twinId)
            .setFilter(
                WatchFilter.newBuilder()
                    .addPoints("twins/" + twinId + "/points/" + RACK_POWER)
                    .addEventKinds(WatchEventKind.WATCH_EVENT_KIND_VALUES));
    try (Watcher watcher = new Watcher(request.build(), false)) {
      Thread.sleep(300);
      twin.ingest(twinId, RACK_POWER, new double[] {100}, new long[] {T0});
      WatchResponse first = watcher.next();
      while (!first.hasValuesChanged()) {
        first = watcher.next();
      }
      token = first.getResumeToken();
    }
    // While no one watches, two more changes arrive.
    twin.ingest(twinId, RACK_POWER, new double[] {110, 120}, new long[] {T0 + 1000, T0 + 2000});

    List<PointValue> resumed = new ArrayList<>();
    try (Watcher watcher = new Watcher(request.setResumeToken(token).build(), false)) {
      while (resumed.size() < 2) {
        resumed.addAll(watcher.nextValues());
      }
    }
    WatchResponse expired;
    try (Watcher watcher =
        new Watcher(request.setResumeToken("bm90LWEtdG9rZW46Mw").build(), false)) {
      expired = watcher.next();
    }

    assertThat(resumed).extracting(PointValue::getValue).containsExactly(110.0, 120.0);
    assertThat(expired.hasResumeTokenExpired()).isTrue();
  }

  @Test
  void watch_aSubscriberThatFallsBehind_getsALaggedNoticeAndTheLatestValue() throws Exception {
    String twinId = newTwin();
    try (Watcher watcher =
        new Watcher(
            watch(twinId)
                .setFilter(
                    WatchFilter.newBuilder().addPoints("twins/" + twinId + "/points/" + RACK_POWER))
                .build(),
            true)) {
      Thread.sleep(300);
      // 20,000 changes of one point, far more than the log of this small twin holds, while the
      // watcher reads nothing.
      int changes = 20_000;
      double[] values = new double[changes];
      long[] times = new long[changes];
      for (int i = 0; i < changes; i++) {
        values[i] = 10 + (i % 2) * 5;
        times[i] = T0 + i * 10L;
      }
      values[changes - 1] = 77;
      twin.ingest(twinId, RACK_POWER, values, times);
      watcher.call.request(Integer.MAX_VALUE);
      boolean lagged = false;
      double last = Double.NaN;
      boolean conflated = false;
      long deadline = System.currentTimeMillis() + 20_000;
      while (last != 77 && System.currentTimeMillis() < deadline) {
        WatchResponse message = watcher.next();
        lagged |= message.hasLagged();
        if (message.hasValuesChanged() && message.getValuesChanged().getValuesCount() > 0) {
          List<PointValue> batch = message.getValuesChanged().getValuesList();
          last = batch.get(batch.size() - 1).getValue();
          conflated |= message.getValuesChanged().getConflated();
        }
      }

      assertThat(lagged).isTrue();
      assertThat(conflated).isTrue();
      assertThat(last).isEqualTo(77.0);
    }
  }

  @Test
  void watch_snapshot_includesSetpointValues() throws Exception {
    String twinId = newTwin();
    try (Watcher watcher =
        new Watcher(
            watch(twinId)
                .setIncludeSnapshot(true)
                .setFilter(
                    WatchFilter.newBuilder()
                        .addPoints("twins/" + twinId + "/points/" + CDU_SETPOINT))
                .build(),
            false)) {
      WatchResponse snapshot = watcher.next();

      assertThat(snapshot.getValuesChanged().getSnapshot()).isTrue();
      assertThat(snapshot.getValuesChanged().getValuesList())
          .singleElement()
          .satisfies(value -> assertThat(value.getValue()).isEqualTo(30.0));
    }
  }
}
