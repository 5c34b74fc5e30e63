package io.factorytwin.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.factorytwin.lifecycle.model.ConnectionElement;
import io.factorytwin.lifecycle.model.EquipmentClass;
import io.factorytwin.lifecycle.model.GroupElement;
import io.factorytwin.lifecycle.model.PartRef;
import io.factorytwin.lifecycle.model.PlacementElement;
import io.factorytwin.lifecycle.model.PortDomain;
import io.factorytwin.lifecycle.model.PowerPath;
import io.factorytwin.lifecycle.model.Redundancy;
import io.factorytwin.lifecycle.model.RevisionState;
import io.factorytwin.lifecycle.service.DesignChecker;
import io.factorytwin.lifecycle.service.Finding;
import io.factorytwin.lifecycle.service.PartInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The design rule checks on a generated gigawatt-scale hall: 7,504 racks in rows of 16, each rack
 * on A and B PDUs from 2N RPPs and on three CDUs at N+1, with its power meter. The hall has 32,716
 * placements and 70,117 connections.
 */
class DesignCheckerScaleTest {

  private static final int ROWS = 469;
  private static final int RACKS_PER_ROW = 16;
  private static final int ROWS_PER_BLOCK = 4;

  private final Map<PartRef, PartInfo> parts = new HashMap<>();
  private final List<PlacementElement> placements = new ArrayList<>();
  private final List<ConnectionElement> connections = new ArrayList<>();
  private final List<GroupElement> groups = new ArrayList<>();

  @Test
  void gigawattHall_passesChecks() {
    buildHall();
    DesignChecker.Graph graph = new DesignChecker.Graph(placements, connections, groups, parts);

    long start = System.nanoTime();
    List<Finding> findings = DesignChecker.check(graph, Set.copyOf(DesignChecker.RULES));
    long millis = (System.nanoTime() - start) / 1_000_000;
    System.out.printf(
        "design rule checks on %d placements and %d connections took %d ms%n",
        placements.size(), connections.size(), millis);

    assertThat(placements.size() + connections.size()).isGreaterThan(100_000);
    assertThat(findings).isEmpty();
  }

  @Test
  void gigawattHall_cutFeed_isFound() {
    buildHall();
    connections.removeIf(connection -> connection.id().equals("block-0.ups-a.row-0.rpp-a"));
    connections.removeIf(connection -> connection.id().equals("block-0.ups-b.row-0.rpp-b"));

    List<Finding> findings =
        DesignChecker.check(
            new DesignChecker.Graph(placements, connections, groups, parts),
            Set.copyOf(DesignChecker.RULES));

    assertThat(findings).hasSize(RACKS_PER_ROW);
    assertThat(findings).allMatch(finding -> finding.rule().equals(DesignChecker.POWER_PATH));
  }

  private void buildHall() {
    PartRef utility =
        part(
            "utility",
            EquipmentClass.UTILITY_FEED,
            2_000_000.0,
            null,
            null,
            port("out", PortDomain.ELECTRICAL, 1000));
    PartRef ups =
        part(
            "ups",
            EquipmentClass.UPS,
            10_000.0,
            null,
            null,
            port("in", PortDomain.ELECTRICAL, 1),
            port("out", PortDomain.ELECTRICAL, 8));
    PartRef rpp =
        part(
            "rpp",
            EquipmentClass.REMOTE_POWER_PANEL,
            2_500.0,
            null,
            null,
            port("in", PortDomain.ELECTRICAL, 1),
            port("out", PortDomain.ELECTRICAL, 16));
    PartRef pdu =
        part(
            "pdu",
            EquipmentClass.PDU,
            150.0,
            null,
            null,
            port("in", PortDomain.ELECTRICAL, 1),
            port("out", PortDomain.ELECTRICAL, 2));
    PartRef meter =
        part(
            "meter",
            EquipmentClass.POWER_METER,
            null,
            null,
            null,
            port("in", PortDomain.ELECTRICAL, 1));
    PartRef rack =
        part(
            "rack",
            EquipmentClass.RACK_SYSTEM,
            132.0,
            120.0,
            null,
            port("power-a", PortDomain.ELECTRICAL, 1),
            port("power-b", PortDomain.ELECTRICAL, 1),
            port("tcs-in", PortDomain.TCS_SUPPLY, 3),
            port("tcs-out", PortDomain.TCS_RETURN, 3));
    PartRef cdu =
        part(
            "cdu",
            EquipmentClass.CDU,
            null,
            null,
            1_350.0,
            port("tcs-out", PortDomain.TCS_SUPPLY, 16),
            port("tcs-in", PortDomain.TCS_RETURN, 16),
            port("fw-in", PortDomain.FACILITY_WATER_SUPPLY, 1));
    PartRef dryCooler =
        part(
            "dry-cooler",
            EquipmentClass.DRY_COOLER,
            null,
            null,
            8_000.0,
            port("fw-out", PortDomain.FACILITY_WATER_SUPPLY, 12));

    place("utility-1", utility);
    for (int block = 0; block * ROWS_PER_BLOCK < ROWS; block++) {
      String b = "block-" + block;
      place(b + ".ups-a", ups);
      place(b + ".ups-b", ups);
      place(b + ".dry-cooler", dryCooler);
      connect("utility-1", "out", b + ".ups-a", "in", PortDomain.ELECTRICAL);
      connect("utility-1", "out", b + ".ups-b", "in", PortDomain.ELECTRICAL);
      for (int r = block * ROWS_PER_BLOCK; r < Math.min(ROWS, (block + 1) * ROWS_PER_BLOCK); r++) {
        buildRow(b, "row-" + r, rpp, pdu, meter, rack, cdu);
      }
    }
  }

  private void buildRow(
      String block,
      String row,
      PartRef rpp,
      PartRef pdu,
      PartRef meter,
      PartRef rack,
      PartRef cdu) {
    for (String side : List.of("a", "b")) {
      place(row + ".rpp-" + side, rpp);
      connect(block + ".ups-" + side, "out", row + ".rpp-" + side, "in", PortDomain.ELECTRICAL);
    }
    List<String> cdus = new ArrayList<>();
    for (int c = 1; c <= 3; c++) {
      String id = row + ".cdu-" + c;
      cdus.add(id);
      place(id, cdu);
      connect(block + ".dry-cooler", "fw-out", id, "fw-in", PortDomain.FACILITY_WATER_SUPPLY);
    }
    groups.add(new GroupElement(row + ".cdus", "", Redundancy.N_PLUS_1, cdus));
    groups.add(
        new GroupElement(
            row + ".rpps", "", Redundancy.TWO_N, List.of(row + ".rpp-a", row + ".rpp-b")));
    for (int k = 0; k < RACKS_PER_ROW; k++) {
      String id = row + ".rack-" + k;
      place(id, rack);
      for (String side : List.of("a", "b")) {
        String pduId = id + "-pdu-" + side;
        place(pduId, pdu);
        connect(row + ".rpp-" + side, "out", pduId, "in", PortDomain.ELECTRICAL);
        connect(pduId, "out", id, "power-" + side, PortDomain.ELECTRICAL);
      }
      place(id + "-meter", meter);
      connect(id + "-pdu-a", "out", id + "-meter", "in", PortDomain.ELECTRICAL);
      for (String unit : cdus) {
        connect(unit, "tcs-out", id, "tcs-in", PortDomain.TCS_SUPPLY);
      }
      connect(id, "tcs-out", cdus.get(k % 3), "tcs-in", PortDomain.TCS_RETURN);
    }
  }

  private PartRef part(
      String id,
      EquipmentClass equipmentClass,
      Double ratedPowerKw,
      Double designPowerKw,
      Double coolingCapacityKw,
      PartInfo.Port... ports) {
    PartRef ref = new PartRef(id, 1);
    Map<String, PartInfo.Port> byId = new HashMap<>();
    for (PartInfo.Port port : ports) {
      byId.put(port.id(), port);
    }
    parts.put(
        ref,
        new PartInfo(
            ref,
            equipmentClass,
            RevisionState.RELEASED,
            ratedPowerKw,
            designPowerKw,
            coolingCapacityKw,
            equipmentClass == EquipmentClass.RACK_SYSTEM ? 0.9 : null,
            byId));
    return ref;
  }

  private static PartInfo.Port port(String id, PortDomain domain, int maxConnections) {
    return new PartInfo.Port(id, domain, maxConnections, PowerPath.UNSPECIFIED);
  }

  private void place(String id, PartRef part) {
    placements.add(
        new PlacementElement(
            id, PlacementElement.containerOf(id), part, id, 0, 0, 0, 0, new byte[0]));
  }

  private void connect(
      String source, String sourcePort, String target, String targetPort, PortDomain domain) {
    String id = source + "." + target + (sourcePort.startsWith("tcs") ? "." + sourcePort : "");
    connections.add(
        new ConnectionElement(
            id, source, sourcePort, target, targetPort, domain, PowerPath.UNSPECIFIED));
  }
}
