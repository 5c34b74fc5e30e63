package io.factorytwin.dsx;

import static org.assertj.core.api.Assertions.assertThat;

import io.factorytwin.testing.TcpProxy;
import io.factorytwin.twin.v1.PointValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * twin-service out of reach while the BMS keeps publishing: the bridge reaches the twin through a
 * TCP proxy that the test cuts. A value that arrives meanwhile waits, unacknowledged, and reaches
 * the twin once the proxy accepts connections again.
 */
class TwinOutageTest {

  @Test
  void twinOutage_valueDeliveredAfterwards() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String root = "ft-outage-" + run + "/BMS/v1";
    Path persistence = Files.createTempDirectory("dsx-bridge-mqtt");
    List<String> retained;
    try (TwinFixture twin = TwinFixture.start();
        TcpProxy proxy = new TcpProxy("127.0.0.1", twin.process.port());
        ControlStandIn control = new ControlStandIn();
        TestBms bms = new TestBms(DsxBridgeTest.BROKER, root, DsxBridgeTest.INTEGRATION)) {
      retained = DsxBridgeTest.publishMetadata(bms);
      BridgeConfig direct =
          DsxBridgeTest.config(
              DsxBridgeTest.BROKER, run, root, twin, control.address(), persistence);
      BridgeConfig proxied = direct.withTwinAddress("127.0.0.1:" + proxy.port());
      BridgeCounters counters = new BridgeCounters();
      try (DsxBridge bridge = new DsxBridge(proxied, counters)) {
        bridge.start();
        await("metadata matched", 30_000, () -> counters.metadataMatched.get() >= 8);
        String point = TwinFixture.RACK_1 + ".rack-power";
        bms.value("Rack", "RackPower", "site1/row1/R01-01/Power", 100.5, 1);
        await("first value in the twin", 20_000, () -> value(twin, point) == 100.5);

        proxy.cut();
        Thread.sleep(5);
        bms.value("Rack", "RackPower", "site1/row1/R01-01/Power", 104.25, 1);
        Thread.sleep(3000);
        assertThat(value(twin, point)).isEqualTo(100.5);
        assertThat(counters.valuesIngested.get()).isEqualTo(1);

        proxy.restore();
        await("the value sent during the outage", 60_000, () -> value(twin, point) == 104.25);
        // The bridge counts a value after the twin acknowledged its batch, so the count can
        // trail the value that a read of the twin already shows.
        await("the count of ingested values", 10_000, () -> counters.valuesIngested.get() >= 2);
        assertThat(counters.valuesIngested.get()).isEqualTo(2);
      } finally {
        bms.clearRetained(retained);
        TestBms.dropSession(DsxBridgeTest.BROKER, "ft-bridge-" + run);
      }
    }
    TestBms.dropSession(DsxBridgeTest.BROKER, "bms-" + root.hashCode());
  }

  private static double value(TwinFixture twin, String point) {
    PointValue value = twin.latest(point).get(0);
    return value.hasValue() ? value.getValue() : Double.NaN;
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
