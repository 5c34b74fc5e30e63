package io.factorytwin.dsx;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The twin switches to a revision in which another rack carries a DSX id: the bridge notices the
 * switch and sends that id's values to the new rack's point, with no restart.
 */
class RevisionSwitchTest {

  @Test
  void revisionSwitch_pointsMatchedAgain() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String root = "ft-revision-" + run + "/BMS/v1";
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
                  DsxBridgeTest.BROKER, run, root, twin, control.address(), persistence),
              counters)) {
        bridge.start();
        Await.until(
            "metadata matched", 30_000, () -> counters.metadataMatched.get() >= 8, counters);

        String oldRack = TwinFixture.RACK_2 + ".rack-power";
        bms.value("Rack", "RackPower", "site1/row1/R01-02/Power", 98.5, 1);
        Await.until("the value on rack 2", 20_000, () -> twin.value(oldRack) == 98.5, counters);

        twin.switchToRevisionB();
        Await.until(
            "the switch noticed", 20_000, () -> counters.revisionSwitches.get() == 1, counters);

        String newRack = TwinFixture.RACK_3 + ".rack-power";
        Thread.sleep(5);
        bms.value("Rack", "RackPower", "site1/row1/R01-02/Power", 77.25, 1);
        Await.until("the value on rack 3", 20_000, () -> twin.value(newRack) == 77.25, counters);
        assertThat(counters.twinRejected.get()).isZero();
        // Points present in both revisions keep working, the CDU's request topic among them.
        assertThat(bridge.requestTopic(TwinFixture.CDU_SETPOINT)).isPresent();
        bms.value("Rack", "RackPower", "site1/row1/R01-01/Power", 60.5, 1);
        Await.until(
            "the value on rack 1",
            20_000,
            () -> twin.value(TwinFixture.RACK_1 + ".rack-power") == 60.5,
            counters);
      } finally {
        bms.clearRetained(retained);
        TestBms.dropSession(DsxBridgeTest.BROKER, "ft-bridge-" + run);
      }
      TestBms.dropSession(DsxBridgeTest.BROKER, bms.clientId);
    }
  }
}
