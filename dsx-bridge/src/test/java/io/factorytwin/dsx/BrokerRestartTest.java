package io.factorytwin.dsx;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A broker restart in the middle of a stream of setpoint requests. The test runs its own Mosquitto
 * with persistence on another loopback port, stops it with SIGTERM (on which Mosquitto saves its
 * sessions and queued messages) while requests keep coming, and starts it again on the same port.
 * Every request the broker acknowledged must reach the BMS, whose session is persistent, and the
 * newest request must arrive whatever happened to the ones before it.
 */
class BrokerRestartTest {

  private static final Pattern VALUE = Pattern.compile("\"value\":([-0-9.E]+)");

  @Test
  void brokerRestart_losesNoAcknowledgedRequest() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String root = "ft-restart-" + run + "/BMS/v1";
    Path persistence = Files.createTempDirectory("dsx-bridge-mqtt");
    try (OwnMosquitto broker = new OwnMosquitto();
        TwinFixture twin = TwinFixture.start();
        ControlStandIn control = new ControlStandIn();
        TestBms bms = new TestBms(broker.uri(), root, DsxBridgeTest.INTEGRATION)) {
      DsxBridgeTest.publishMetadata(bms);
      BridgeCounters counters = new BridgeCounters();
      try (DsxBridge bridge =
          new DsxBridge(
              DsxBridgeTest.config(broker.uri(), run, root, twin, control.address(), persistence),
              counters)) {
        List<String> acknowledged = new CopyOnWriteArrayList<>();
        bridge.onRequestAcknowledged(
            (topic, payload) -> acknowledged.add(new String(payload, StandardCharsets.UTF_8)));
        bridge.start();
        await(
            "request metadata",
            30_000,
            () -> bridge.requestTopic(TwinFixture.CDU_SETPOINT).isPresent());
        await("WatchActions open", 10_000, () -> control.watcherCount() > 0);
        String requestTopic = bridge.requestTopic(TwinFixture.CDU_SETPOINT).orElseThrow();
        long metadataBefore = counters.metadataReceived.get();

        int requests = 60;
        for (int i = 0; i < requests; i++) {
          if (i == 20) {
            broker.stop();
          }
          if (i == 40) {
            broker.start();
            // Requests go on while Paho waits out its reconnect delay; the last 20 follow the
            // reconnect, so the broker acknowledges them.
            for (int j = 0; j < 10; j++) {
              control.applied(DsxBridgeTest.AGENT, TwinFixture.CDU_SETPOINT, 40.0 + j / 10.0);
              Thread.sleep(50);
            }
            await("the bridge connected again", 20_000, bridge::connected);
          }
          control.applied(DsxBridgeTest.AGENT, TwinFixture.CDU_SETPOINT, (250 + i) / 10.0);
          Thread.sleep(50);
        }
        double newest = (250 + requests - 1) / 10.0;
        try {
          await(
              "the newest request at the BMS",
              30_000,
              () -> values(bms, requestTopic).contains(newest));
        } catch (AssertionError e) {
          throw new AssertionError(
              e.getMessage()
                  + "; received "
                  + values(bms, requestTopic)
                  + ", acknowledged "
                  + acknowledged
                  + ", counters "
                  + counters.snapshot(),
              e);
        }

        Set<Double> received = values(bms, requestTopic);
        Set<Double> acked =
            acknowledged.stream().map(BrokerRestartTest::value).collect(Collectors.toSet());
        // The broker acknowledges the requests before the stop and after the reconnect. Of the
        // requests made while it was down, only the newest is republished.
        assertThat(acked).hasSizeGreaterThanOrEqualTo(40);
        assertThat(received).containsAll(acked);
        assertThat(counters.reconnects.get()).isGreaterThanOrEqualTo(1);
        // The broker restored the retained metadata from its persistence and resent it on the
        // bridge's new subscription.
        assertThat(counters.metadataReceived.get()).isGreaterThan(metadataBefore);

        // Telemetry flows again after the restart.
        bms.value("CDU", "LiquidTemperature", "site1/row1/cdu1/TCS-SupplyTemp", 33.25, 1);
        String point = TwinFixture.CDU + ".liquid-temperature.secondary-supply";
        await(
            "a value after the restart in the twin",
            20_000,
            () -> {
              var value = twin.latest(point).get(0);
              return value.hasValue() && value.getValue() == 33.25;
            });
      }
    }
  }

  private static Set<Double> values(TestBms bms, String topic) {
    return bms.all.stream()
        .filter(r -> r.topic().equals(topic))
        .map(r -> value(r.payload()))
        .collect(Collectors.toSet());
  }

  private static double value(String payload) {
    Matcher matcher = VALUE.matcher(payload);
    if (!matcher.find()) {
      throw new AssertionError("no value in " + payload);
    }
    return Double.parseDouble(matcher.group(1));
  }

  private static void await(String what, long timeoutMs, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(50);
    }
  }
}
