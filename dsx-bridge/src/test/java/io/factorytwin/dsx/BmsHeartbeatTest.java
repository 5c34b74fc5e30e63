package io.factorytwin.dsx;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The BMS heartbeat stops: setpoint requests wait instead of piling up for a BMS that is not there,
 * and once the heartbeat returns only the newest request per point goes out.
 */
class BmsHeartbeatTest {

  @Test
  void missingBmsHeartbeat_requestsWaitAndLatestFollows() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String root = "ft-heartbeat-" + run + "/BMS/v1";
    Path persistence = Files.createTempDirectory("dsx-bridge-mqtt");
    List<String> retained;
    try (TwinFixture twin = TwinFixture.start();
        ControlStandIn control = new ControlStandIn();
        TestBms bms = new TestBms(DsxBridgeTest.BROKER, root, DsxBridgeTest.INTEGRATION)) {
      retained = DsxBridgeTest.publishMetadata(bms);
      BridgeCounters counters = new BridgeCounters();
      try (DsxBridge bridge =
          new DsxBridge(
              DsxBridgeTest.config(
                  DsxBridgeTest.BROKER,
                  run,
                  root,
                  twin,
                  control.address(),
                  persistence,
                  Duration.ofMillis(2500)),
              counters)) {
        bridge.start();
        Await.until(
            "request metadata",
            30_000,
            () -> bridge.requestTopic(TwinFixture.CDU_SETPOINT).isPresent(),
            counters);
        String topic = bridge.requestTopic(TwinFixture.CDU_SETPOINT).orElseThrow();
        Await.until("WatchActions open", 10_000, () -> control.watcherCount() > 0, counters);

        control.applied(DsxBridgeTest.AGENT, TwinFixture.CDU_SETPOINT, 31.0);
        TestBms.Received first = bms.next(topic, 10_000);
        assertThat(first).isNotNull();
        assertThat(first.payload()).contains("\"value\":31.0");
        assertThat(bridge.bmsOnline()).isTrue();

        bms.stopHeartbeat();
        Await.until("the BMS taken as offline", 10_000, () -> !bridge.bmsOnline(), counters);
        assertThat(counters.bmsHeartbeatLosses.get()).isEqualTo(1);
        control.applied(DsxBridgeTest.AGENT, TwinFixture.CDU_SETPOINT, 31.5);
        control.applied(DsxBridgeTest.AGENT, TwinFixture.CDU_SETPOINT, 32.0);
        assertThat(bms.next(topic, 2_000)).as("a request while the BMS is offline").isNull();
        assertThat(counters.requestsHeld.get()).isEqualTo(2);
        assertThat(bridge.requestsWaiting()).isEqualTo(1);

        bms.startHeartbeat("site1/bms", 1000);
        TestBms.Received latest = bms.next(topic, 10_000);
        assertThat(latest).as("the request after the heartbeat returned").isNotNull();
        assertThat(latest.payload()).contains("\"value\":32.0");
        assertThat(bridge.bmsOnline()).isTrue();
        Await.until("nothing waits", 5_000, () -> bridge.requestsWaiting() == 0, counters);
        // The superseded 31.5 never went out.
        assertThat(bms.next(topic, 1_000)).isNull();
        assertThat(bms.all.stream().filter(r -> r.topic().equals(topic)).count()).isEqualTo(2);
      } finally {
        bms.clearRetained(retained);
        TestBms.dropSession(DsxBridgeTest.BROKER, "ft-bridge-" + run);
      }
      TestBms.dropSession(DsxBridgeTest.BROKER, bms.clientId);
    }
  }

  /**
   * A request held for an offline BMS survives a restart of the bridge: the new bridge restores it
   * from the outbox state and sends it once the BMS heartbeat is back.
   */
  @Test
  void heldRequest_survivesBridgeRestart() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String root = "ft-held-" + run + "/BMS/v1";
    Path persistence = Files.createTempDirectory("dsx-bridge-mqtt");
    List<String> retained;
    try (TwinFixture twin = TwinFixture.start();
        ControlStandIn control = new ControlStandIn();
        TestBms bms = new TestBms(DsxBridgeTest.BROKER, root, DsxBridgeTest.INTEGRATION)) {
      retained = DsxBridgeTest.publishMetadata(bms);
      BridgeConfig config =
          DsxBridgeTest.config(
              DsxBridgeTest.BROKER,
              run,
              root,
              twin,
              control.address(),
              persistence,
              Duration.ofMillis(2500));
      String topic;
      try {
        BridgeCounters counters = new BridgeCounters();
        try (DsxBridge bridge = new DsxBridge(config, counters)) {
          bridge.start();
          Await.until(
              "request metadata",
              30_000,
              () -> bridge.requestTopic(TwinFixture.CDU_SETPOINT).isPresent(),
              counters);
          topic = bridge.requestTopic(TwinFixture.CDU_SETPOINT).orElseThrow();
          Await.until("WatchActions open", 10_000, () -> control.watcherCount() > 0, counters);
          bms.stopHeartbeat();
          Await.until("the BMS taken as offline", 10_000, () -> !bridge.bmsOnline(), counters);
          control.applied(DsxBridgeTest.AGENT, TwinFixture.CDU_SETPOINT, 33.0);
          Await.until("the request held", 10_000, () -> counters.requestsHeld.get() == 1, counters);
        }
        assertThat(Files.readString(persistence.resolve(OutboxFile.FILE_NAME)))
            .contains("waiting ")
            .contains(TwinFixture.CDU_SETPOINT);

        bms.startHeartbeat("site1/bms", 1000);
        BridgeCounters restartCounters = new BridgeCounters();
        try (DsxBridge restarted = new DsxBridge(config, restartCounters)) {
          restarted.start();
          TestBms.Received request = bms.next(topic, 30_000);
          assertThat(request).as("the held request after the restart").isNotNull();
          assertThat(request.payload()).contains("\"value\":33.0");
          Await.until(
              "nothing waits", 5_000, () -> restarted.requestsWaiting() == 0, restartCounters);
        }
      } finally {
        bms.clearRetained(retained);
        TestBms.dropSession(DsxBridgeTest.BROKER, "ft-bridge-" + run);
      }
      TestBms.dropSession(DsxBridgeTest.BROKER, bms.clientId);
    }
  }
}
