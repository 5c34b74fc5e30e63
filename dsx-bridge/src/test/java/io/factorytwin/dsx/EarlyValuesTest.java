package io.factorytwin.dsx;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Values that arrive before their metadata, as a broker delivers a session's queued values before
 * the retained metadata, wait for it. A point whose metadata the BMS cleared is no longer fed.
 */
class EarlyValuesTest {

  @Test
  void valueBeforeMetadata_ingestedAfterIt() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String root = "ft-early-" + run + "/BMS/v1";
    Path persistence = Files.createTempDirectory("dsx-bridge-mqtt");
    String tag = "site1/row1/R01-02/SupplyTemp";
    String metadataTopic = root + "/PUB/Metadata/Rack/RackLiquidSupplyTemperature/" + tag;
    List<String> retained;
    try (TwinFixture twin = TwinFixture.start();
        ControlStandIn control = new ControlStandIn();
        TestBms bms = new TestBms(DsxBridgeTest.BROKER, root, DsxBridgeTest.INTEGRATION)) {
      retained = DsxBridgeTest.publishMetadata(bms);
      BridgeCounters counters = new BridgeCounters();
      try (DsxBridge bridge =
          new DsxBridge(
              DsxBridgeTest.config(
                  DsxBridgeTest.BROKER, run, root, twin, control.address(), persistence),
              counters)) {
        bridge.start();
        Await.until(
            "metadata matched", 30_000, () -> counters.metadataMatched.get() >= 8, counters);
        String point = TwinFixture.RACK_2 + ".rack-liquid-supply-temperature";

        bms.value("Rack", "RackLiquidSupplyTemperature", tag, 29.5, 1);
        Await.until(
            "the value held", 10_000, () -> counters.valuesHeldForMetadata.get() == 1, counters);
        assertThat(twin.value(point)).isNaN();

        bms.metadata(
            "Rack",
            "RackLiquidSupplyTemperature",
            tag,
            "{\"objectType\":\"Rack\",\"pointType\":\"RackLiquidSupplyTemperature\","
                + "\"rackLocationName\":\"R01-02\",\"rackLocationId\":\"R01-02\","
                + "\"engUnit\":\"C\"}");
        retained.add(metadataTopic);
        Await.until(
            "the held value in the twin", 20_000, () -> twin.value(point) == 29.5, counters);
        assertThat(counters.valuesUnmatched.get()).isZero();

        // The BMS clears the metadata: a later value of the point waits for new metadata again
        // instead of reaching the twin.
        bms.publish(metadataTopic, "", true);
        Thread.sleep(5);
        bms.value("Rack", "RackLiquidSupplyTemperature", tag, 30.5, 1);
        Await.until(
            "the value held", 10_000, () -> counters.valuesHeldForMetadata.get() == 2, counters);
        Thread.sleep(1000);
        assertThat(twin.value(point)).isEqualTo(29.5);
        assertThat(counters.valuesIngested.get()).isEqualTo(1);
      } finally {
        bms.clearRetained(retained);
        TestBms.dropSession(DsxBridgeTest.BROKER, "ft-bridge-" + run);
      }
      TestBms.dropSession(DsxBridgeTest.BROKER, bms.clientId);
    }
  }
}
