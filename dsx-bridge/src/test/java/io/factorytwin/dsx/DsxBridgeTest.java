package io.factorytwin.dsx;

import static org.assertj.core.api.Assertions.assertThat;

import io.factorytwin.twin.v1.Edge;
import io.factorytwin.twin.v1.EdgeKind;
import io.factorytwin.twin.v1.EdgeOrigin;
import io.factorytwin.twin.v1.PointValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bridge between the shared Mosquitto on 127.0.0.1:1883, a real twin-service and a WatchActions
 * stand-in. Every run uses its own topic root and client ids, so runs never meet on the shared
 * broker. The test BMS publishes the metadata before the bridge starts, so the bridge learns it
 * from retained messages, as after a reconnect.
 */
class DsxBridgeTest {

  static final String BROKER = "tcp://127.0.0.1:1883";
  static final String INTEGRATION = "FTTEST";
  static final String AGENT = "agents/cooling";

  static String run;
  static String root;
  static TwinFixture twin;
  static ControlStandIn control;
  static TestBms bms;
  static DsxBridge bridge;
  static Path persistence;
  static final List<String> retained = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    run = UUID.randomUUID().toString().substring(0, 8);
    root = "ft-test-" + run + "/BMS/v1";
    twin = TwinFixture.start();
    control = new ControlStandIn();
    bms = new TestBms(BROKER, root, INTEGRATION);
    retained.addAll(publishMetadata(bms));
    persistence = Files.createTempDirectory("dsx-bridge-mqtt");
    bridge =
        new DsxBridge(
            config(BROKER, run, root, twin, control.address(), persistence), new BridgeCounters());
    bridge.start();
  }

  static BridgeConfig config(
      String broker, String run, String root, TwinFixture twin, String control, Path dir) {
    return config(broker, run, root, twin, control, dir, Duration.ofSeconds(30));
  }

  /** The bridge of a test run: its own client id, one-second twin revision checks. */
  static BridgeConfig config(
      String broker,
      String run,
      String root,
      TwinFixture twin,
      String control,
      Path dir,
      Duration bmsHeartbeatTimeout) {
    return new BridgeConfig(
        BridgeConfig.Broker.plain(broker, "ft-bridge-" + run, Duration.ofSeconds(2)),
        root,
        INTEGRATION,
        dir,
        TwinFixture.TWIN,
        "127.0.0.1:" + twin.process.port(),
        twin.ingestToken,
        Duration.ofSeconds(2),
        3,
        Duration.ofSeconds(1),
        control,
        twin.readerToken,
        Set.of(AGENT),
        Duration.ofSeconds(10),
        bmsHeartbeatTimeout,
        1000);
  }

  /**
   * Metadata of a CDU, its two racks, a power meter and the heartbeat points, as the BMS sends it.
   * The BMS then sends its heartbeat every second.
   */
  static List<String> publishMetadata(TestBms bms) throws Exception {
    List<String> retained = new ArrayList<>();
    String cdu = TwinFixture.CDU;
    meta(
        retained,
        bms,
        "CDU",
        "LiquidTemperature",
        "site1/row1/cdu1/TCS-SupplyTemp",
        "{\"objectType\":\"CDU\",\"pointType\":\"LiquidTemperature\",\"objectName\":\"CDU 1\","
            + "\"objectId\":\""
            + cdu
            + "\",\"processArea\":[\"Secondary\",\"Supply\"],"
            + "\"engUnit\":\"C\"}");
    meta(
        retained,
        bms,
        "CDU",
        "LiquidFlow",
        "site1/row1/cdu1/TCS-Flow",
        "{\"objectType\":\"CDU\",\"pointType\":\"LiquidFlow\",\"objectName\":\"CDU 1\","
            + "\"objectId\":\""
            + cdu
            + "\",\"processArea\":[\"Secondary\"],\"engUnit\":\"LPM\"}");
    meta(
        retained,
        bms,
        "CDU",
        "PumpSpeed",
        "site1/row1/cdu1/Pump1-Speed",
        "{\"objectType\":\"CDU\",\"pointType\":\"PumpSpeed\",\"objectName\":\"CDU 1\","
            + "\"objectId\":\""
            + cdu
            + "\",\"engUnit\":\"RPM\"}");
    meta(
        retained,
        bms,
        "CDU",
        "LiquidTemperatureSpRequest",
        "site1/row1/cdu1/TCS-SupplyTempSpReq",
        "{\"objectType\":\"CDU\",\"pointType\":\"LiquidTemperatureSpRequest\","
            + "\"objectName\":\"CDU 1\",\"objectId\":\""
            + cdu
            + "\","
            + "\"processArea\":[\"Secondary\",\"Supply\"],\"engUnit\":\"C\",\"isSetpoint\":true,"
            + "\"integration\":\""
            + INTEGRATION
            + "\"}");
    for (String rack : List.of(TwinFixture.RACK_1_DSX_ID, TwinFixture.RACK_2_DSX_ID)) {
      meta(
          retained,
          bms,
          "Rack",
          "RackPower",
          "site1/row1/" + rack + "/Power",
          "{\"objectType\":\"Rack\",\"pointType\":\"RackPower\",\"rackLocationName\":\"Rack "
              + rack
              + "\",\"rackLocationId\":\""
              + rack
              + "\",\"engUnit\":\"kW\"}");
    }
    meta(
        retained,
        bms,
        "Rack",
        "RackLiquidSupplyTemperature",
        "site1/row1/R01-01/SupplyTemp",
        "{\"objectType\":\"Rack\",\"pointType\":\"RackLiquidSupplyTemperature\","
            + "\"rackLocationName\":\"Rack R01-01\",\"rackLocationId\":\"R01-01\","
            + "\"engUnit\":\"C\"}");
    meta(
        retained,
        bms,
        "PowerMeter",
        "ActivePower",
        "site1/row1/PM1/kW",
        "{\"objectType\":\"PowerMeter\",\"pointType\":\"ActivePower\",\"objectName\":\"PM 1\","
            + "\"objectId\":\""
            + TwinFixture.METER
            + "\",\"servesId\":[\"R01-01\",\"R01-02\",\"R09-99\"],"
            + "\"engUnit\":\"kW\"}");
    meta(
        retained,
        bms,
        "System",
        "HeartbeatTimestampIntegration",
        "site1/integrations/ft",
        "{\"objectType\":\"System\",\"pointType\":\"HeartbeatTimestampIntegration\","
            + "\"integration\":\""
            + INTEGRATION
            + "\",\"objectName\":\"Factory Twin\","
            + "\"objectId\":\""
            + INTEGRATION
            + "\"}");
    meta(
        retained,
        bms,
        "System",
        "HeartbeatTimestampBms",
        "site1/bms",
        "{\"objectType\":\"System\",\"pointType\":\"HeartbeatTimestampBms\","
            + "\"objectName\":\"BMS\",\"objectId\":\"BMS\"}");
    bms.startHeartbeat("site1/bms", 1000);
    return retained;
  }

  private static void meta(
      List<String> retained, TestBms bms, String type, String point, String tag, String json)
      throws Exception {
    bms.metadata(type, point, tag, json);
    retained.add(bms.root + "/PUB/Metadata/" + type + "/" + point + "/" + tag);
  }

  @AfterAll
  static void stop() throws Exception {
    if (bridge != null) {
      bridge.close();
      TestBms.dropSession(BROKER, "ft-bridge-" + run);
    }
    if (bms != null) {
      bms.clearRetained(retained);
      bms.close();
      TestBms.dropSession(BROKER, bms.clientId);
    }
    if (control != null) {
      control.close();
    }
    if (twin != null) {
      twin.close();
    }
  }

  static void await(String what, long timeoutMs, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError(
            "timed out waiting for " + what + "; counters " + bridge.counters().snapshot());
      }
      Thread.sleep(50);
    }
  }

  static Double latest(String pointId) {
    PointValue value = twin.latest(pointId).get(0);
    return value.hasValue() ? value.getValue() : null;
  }

  @Test
  void inbound_goodValuesIngested_badOnesCounted() throws Exception {
    BridgeCounters counters = bridge.counters();
    // CDU temperature, flow, pump speed, request; two rack powers, a rack temperature; the meter.
    await("metadata matched", 30_000, () -> counters.metadataMatched.get() >= 8);

    String cduTemp = TwinFixture.CDU + ".liquid-temperature.secondary-supply";
    String cduFlow = TwinFixture.CDU + ".liquid-flow.secondary";
    String rack1Power = TwinFixture.RACK_1 + ".rack-power";
    String rack2Power = TwinFixture.RACK_2 + ".rack-power";
    String rack1Supply = TwinFixture.RACK_1 + ".rack-liquid-supply-temperature";
    String meter = TwinFixture.METER + ".active-power";

    bms.value("CDU", "LiquidTemperature", "site1/row1/cdu1/TCS-SupplyTemp", 32.5, 1);
    bms.value("CDU", "LiquidFlow", "site1/row1/cdu1/TCS-Flow", 1210, 1);
    bms.value("Rack", "RackPower", "site1/row1/R01-01/Power", 110.25, 1);
    bms.value("Rack", "RackPower", "site1/row1/R01-02/Power", 98.75, 1);
    bms.value("Rack", "RackLiquidSupplyTemperature", "site1/row1/R01-01/SupplyTemp", 31.0, 1);
    bms.value("PowerMeter", "ActivePower", "site1/row1/PM1/kW", 250.5, 1);
    await("values in the twin", 30_000, () -> latest(meter) != null && latest(rack2Power) != null);
    assertThat(latest(cduTemp)).isEqualTo(32.5);
    assertThat(latest(cduFlow)).isEqualTo(1210.0);
    assertThat(latest(rack1Power)).isEqualTo(110.25);
    assertThat(latest(rack2Power)).isEqualTo(98.75);
    assertThat(latest(rack1Supply)).isEqualTo(31.0);
    assertThat(latest(meter)).isEqualTo(250.5);

    // A pump speed in RPM has no conversion into the twin's percent of design speed.
    bms.value("CDU", "PumpSpeed", "site1/row1/cdu1/Pump1-Speed", 1450, 1);
    // Bad quality: the reading must never reach the twin.
    Thread.sleep(5);
    bms.value("Rack", "RackPower", "site1/row1/R01-02/Power", 555, 0);
    // Not JSON at all, and a value of an object type the schema does not define.
    bms.publish(root + "/PUB/Value/Rack/RackPower/site1/row1/R01-02/Power", "{not json", false);
    bms.publish(
        root + "/PUB/Value/Spaceship/WarpCoreTemperature/deck1",
        "{\"value\": 1, \"timestamp\": " + System.currentTimeMillis() + ", \"quality\": 1}",
        false);
    await(
        "refusals counted",
        10_000,
        () ->
            counters.badQuality.get() == 1
                && counters.malformed.get() == 1
                && counters.unknownObjectType.get() == 1
                && counters.unitMismatch.get() == 1);
    assertThat(latest(rack2Power)).isEqualTo(98.75);

    // The bridge still works after all of them.
    Thread.sleep(5);
    bms.value("Rack", "RackPower", "site1/row1/R01-02/Power", 101.5, 1);
    await("the next good value", 10_000, () -> Double.valueOf(101.5).equals(latest(rack2Power)));
    // The count follows the twin's acknowledgement, so it can trail what a read shows.
    await("the count of ingested values", 10_000, () -> counters.valuesIngested.get() >= 7);
    assertThat(counters.valuesIngested.get()).isEqualTo(7);
    assertThat(counters.twinRejected.get()).isZero();
  }

  @Test
  void relations_meterEdgeRecordedInTwin() throws Exception {
    BridgeCounters counters = bridge.counters();
    await("metadata matched", 30_000, () -> counters.metadataMatched.get() >= 8);
    await(
        "relations checked",
        10_000,
        () -> counters.relationsRecorded.get() >= 1 && counters.missingRelations.get() >= 1);

    // The design joins the meter to rack 1 only; the bridge added rack 2 from servesId.
    String meter = TwinFixture.TWIN + "/nodes/" + TwinFixture.METER;
    String rack1 = TwinFixture.TWIN + "/nodes/" + TwinFixture.RACK_1;
    String rack2 = TwinFixture.TWIN + "/nodes/" + TwinFixture.RACK_2;
    assertThat(twin.measuredBy(TwinFixture.METER)).containsExactlyInAnyOrder(rack1, rack2);
    List<Edge> observed = twin.observedEdges();
    assertThat(observed).hasSize(1);
    assertThat(observed.get(0).getKind()).isEqualTo(EdgeKind.EDGE_KIND_MEASURES);
    assertThat(observed.get(0).getSource()).isEqualTo(meter);
    assertThat(observed.get(0).getTarget()).isEqualTo(rack2);
    assertThat(observed.get(0).getOrigin()).isEqualTo(EdgeOrigin.EDGE_ORIGIN_OBSERVED);
    assertThat(observed.get(0).getObserver()).isEqualTo("dsx-exchange/" + INTEGRATION);
    assertThat(counters.relationsRecorded.get()).isEqualTo(1);

    // A served DSX id that no twin node carries stays reported as missing.
    assertThat(bridge.missingRelations()).containsExactly("hall-1.pm-1 serves R09-99");
    assertThat(counters.missingRelations.get()).isEqualTo(1);
  }

  @Test
  void outbound_appliedSetpointAndHeartbeats() throws Exception {
    String requestTopic =
        root
            + "/"
            + INTEGRATION
            + "/Value/CDU/LiquidTemperatureSpRequest/site1/row1/cdu1/"
            + "TCS-SupplyTempSpReq";
    await(
        "request metadata",
        30_000,
        () -> bridge.requestTopic(TwinFixture.CDU_SETPOINT).isPresent());
    assertThat(bridge.requestTopic(TwinFixture.CDU_SETPOINT)).contains(requestTopic);
    await("WatchActions open", 10_000, () -> control.watcherCount() > 0);

    // Another agent's change is not ours to forward.
    control.applied("agents/other", TwinFixture.CDU_SETPOINT, 29.0);
    control.applied(AGENT, TwinFixture.CDU_SETPOINT, 31.5);
    TestBms.Received request = bms.next(requestTopic, 10_000);
    assertThat(request).isNotNull();
    assertThat(request.payload()).contains("\"value\":31.5").contains("\"quality\":1");
    assertThat(request.payload()).containsPattern("\"timestamp\":\\d{13}");
    assertThat(bms.all.stream().filter(r -> r.topic().equals(requestTopic)).count()).isEqualTo(1);

    String heartbeatTopic =
        root
            + "/"
            + INTEGRATION
            + "/Value/System/HeartbeatTimestampIntegration/site1/integrations/ft";
    await(
        "two heartbeats",
        30_000,
        () -> bms.all.stream().filter(r -> r.topic().equals(heartbeatTopic)).count() >= 2);
    List<TestBms.Received> beats =
        bms.all.stream().filter(r -> r.topic().equals(heartbeatTopic)).toList();
    // The value is a time in epoch milliseconds, written as an integer.
    assertThat(beats.get(0).payload()).containsPattern("\"value\":\\d{13},");
    long gap = beats.get(1).arrivedMs() - beats.get(0).arrivedMs();
    // docs/bms-integration.md section 6: every 10 seconds.
    assertThat(gap).isBetween(8_500L, 11_500L);
  }
}
