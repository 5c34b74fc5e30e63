package io.factorytwin.twin;

import io.factorytwin.common.v1.Connection;
import io.factorytwin.common.v1.EquipmentClass;
import io.factorytwin.common.v1.EquipmentSpec;
import io.factorytwin.common.v1.Hall;
import io.factorytwin.common.v1.OperatingSetpoints;
import io.factorytwin.common.v1.Placement;
import io.factorytwin.common.v1.PortDomain;
import io.factorytwin.common.v1.PortSpec;
import io.factorytwin.common.v1.Position;
import io.factorytwin.common.v1.PowerPath;
import io.factorytwin.common.v1.Redundancy;
import io.factorytwin.common.v1.RedundancyGroup;
import io.factorytwin.common.v1.Row;
import io.factorytwin.common.v1.Site;
import io.factorytwin.twin.v1.ApplyDesignCommit;
import io.factorytwin.twin.v1.ApplyDesignHeader;
import io.factorytwin.twin.v1.ApplyDesignRequest;
import io.factorytwin.twin.v1.DesignChunk;
import io.factorytwin.twin.v1.DesignPart;
import java.util.ArrayList;
import java.util.List;

/**
 * A design with the topology of examples/reference-hall.yaml, built in code so the twin's tests
 * need no lifecycle-service: per row 16 GB200 NVL72 racks at 120 kW design power (0.9 of the heat
 * to liquid), 3 CDUs of 1,350 kW at N+1, 2 CRAHs at N+1, RPPs a1/a2/b1/b2 of 1,000 kW each feeding
 * 8 racks at 2N, and a UPS pair of 2,000 kW at 2N in the hall; transformer pairs of 4,000 kW for
 * two rows, one utility pair of 20,000 kW, and 9 dry coolers of 2,000 kW at N+1 on every CDU.
 * Ratings are the example's sizing, see the header of reference-hall.yaml.
 */
final class HallDesign {

  static final String RACK = "parts/gb200-nvl72/revisions/a";
  static final String CDU = "parts/cdu-1350/revisions/a";
  static final String CRAH = "parts/crah-250/revisions/a";
  static final String RPP = "parts/rpp-1000/revisions/a";
  static final String UPS = "parts/ups-2000/revisions/a";
  static final String TRANSFORMER = "parts/transformer-4000/revisions/a";
  static final String UTILITY = "parts/utility-20000/revisions/a";
  static final String DRY_COOLER = "parts/dry-cooler-2000/revisions/a";
  static final String SENSOR = "parts/rack-sensor/revisions/a";

  final List<DesignPart> parts = new ArrayList<>();
  final List<Hall> halls = new ArrayList<>();
  final List<Row> rows = new ArrayList<>();
  final List<Placement> placements = new ArrayList<>();
  final List<Connection> connections = new ArrayList<>();
  final List<RedundancyGroup> groups = new ArrayList<>();
  Site site =
      Site.newBuilder()
          .setDisplayName("Leesburg, Virginia")
          .setLatitudeDeg(39.078)
          .setLongitudeDeg(-77.558)
          .build();
  OperatingSetpoints setpoints =
      OperatingSetpoints.newBuilder()
          .setTcsSupplyTemperatureC(30)
          .setTcsPumpSpeedPercent(70)
          .build();

  /** Site-level ids get this prefix, so that several halls each have their own plant. */
  private String plant = "";

  /** Dry coolers each CDU connects to; the reference hall connects all nine. */
  private int dryCoolerLinks = 9;

  /** Temperature sensors per rack, each with a MEASURES edge to its rack. */
  private int sensorsPerRack;

  /** A hall of the given rows with 16 racks each. */
  static HallDesign of(int rowCount) {
    HallDesign design = new HallDesign();
    design.catalog();
    design.hall("hall-1", rowCount, 16);
    return design;
  }

  /**
   * A campus for scale tests: halls of eight rows, each hall with its own utility pair, dry coolers
   * and transformers, every CDU on three of the hall's dry coolers, and sensors on every rack. Node
   * count: 1 + halls x (28 + 8 x (27 + 16 x sensorsPerRack)).
   */
  static HallDesign campus(int halls, int sensorsPerRack) {
    HallDesign design = new HallDesign();
    design.catalog();
    design.dryCoolerLinks = 3;
    design.sensorsPerRack = sensorsPerRack;
    design.part(
        SENSOR,
        EquipmentClass.EQUIPMENT_CLASS_SENSOR,
        EquipmentSpec.getDefaultInstance(),
        port("net", PortDomain.PORT_DOMAIN_NETWORK, null));
    for (int h = 1; h <= halls; h++) {
      design.plant = "h" + h + "-";
      design.hall("hall-" + h, 8, 16);
    }
    return design;
  }

  private void catalog() {
    EquipmentSpec rack =
        EquipmentSpec.newBuilder()
            .setRatedPowerKw(132)
            .setDesignPowerKw(120)
            .setHeatToLiquidFraction(0.9)
            .build();
    part(
        RACK,
        EquipmentClass.EQUIPMENT_CLASS_RACK_SYSTEM,
        rack,
        port("power-a", PortDomain.PORT_DOMAIN_ELECTRICAL, PowerPath.POWER_PATH_A),
        port("power-b", PortDomain.PORT_DOMAIN_ELECTRICAL, PowerPath.POWER_PATH_B),
        port("tcs-supply", PortDomain.PORT_DOMAIN_TCS_SUPPLY, null),
        port("tcs-return", PortDomain.PORT_DOMAIN_TCS_RETURN, null),
        port("air-in", PortDomain.PORT_DOMAIN_AIRFLOW, null),
        port("net", PortDomain.PORT_DOMAIN_NETWORK, null));
    part(
        CDU,
        EquipmentClass.EQUIPMENT_CLASS_CDU,
        EquipmentSpec.newBuilder().setCoolingCapacityKw(1350).setSupplyTemperatureMaxC(45).build(),
        port("tcs-supply", PortDomain.PORT_DOMAIN_TCS_SUPPLY, null),
        port("tcs-return", PortDomain.PORT_DOMAIN_TCS_RETURN, null),
        port("fw-supply", PortDomain.PORT_DOMAIN_FACILITY_WATER_SUPPLY, null),
        port("fw-return", PortDomain.PORT_DOMAIN_FACILITY_WATER_RETURN, null));
    part(
        CRAH,
        EquipmentClass.EQUIPMENT_CLASS_CRAH,
        EquipmentSpec.newBuilder().setCoolingCapacityKw(250).build(),
        port("air-supply", PortDomain.PORT_DOMAIN_AIRFLOW, null));
    part(RPP, EquipmentClass.EQUIPMENT_CLASS_REMOTE_POWER_PANEL, rated(1000), in(), out());
    part(UPS, EquipmentClass.EQUIPMENT_CLASS_UPS, rated(2000), in(), out());
    part(TRANSFORMER, EquipmentClass.EQUIPMENT_CLASS_TRANSFORMER, rated(4000), in(), out());
    part(UTILITY, EquipmentClass.EQUIPMENT_CLASS_UTILITY_FEED, rated(20000), out());
    part(
        DRY_COOLER,
        EquipmentClass.EQUIPMENT_CLASS_DRY_COOLER,
        EquipmentSpec.newBuilder().setCoolingCapacityKw(2000).build(),
        port("fw-supply", PortDomain.PORT_DOMAIN_FACILITY_WATER_SUPPLY, null),
        port("fw-return", PortDomain.PORT_DOMAIN_FACILITY_WATER_RETURN, null));
  }

  private void hall(String hall, int rowCount, int racksPerRow) {
    halls.add(Hall.newBuilder().setId(hall).build());
    place(plant + "utility-a", UTILITY);
    place(plant + "utility-b", UTILITY);
    group(
        plant + "utility-feeds",
        Redundancy.REDUNDANCY_2N,
        plant + "utility-a",
        plant + "utility-b");
    List<String> dryCoolers = new ArrayList<>();
    for (int d = 1; d <= 9; d++) {
      String id = plant + String.format("dry-cooler-%02d", d);
      place(id, DRY_COOLER);
      dryCoolers.add(id);
    }
    group(plant + "dry-coolers", Redundancy.REDUNDANCY_N_PLUS_1, dryCoolers.toArray(new String[0]));
    for (int r = 1; r <= rowCount; r++) {
      int pair = (r + 1) / 2;
      if (r % 2 == 1) {
        for (String side : List.of("a", "b")) {
          place(plant + "transformer-" + side + pair, TRANSFORMER);
          connect(plant + "utility-" + side, "out", plant + "transformer-" + side + pair, "in");
        }
        group(
            plant + "transformers-" + pair,
            Redundancy.REDUNDANCY_2N,
            plant + "transformer-a" + pair,
            plant + "transformer-b" + pair);
      }
      String row = String.format("%s.row-%02d", hall, r);
      rows.add(Row.newBuilder().setId(row).build());
      for (String side : List.of("a", "b")) {
        String ups = hall + ".ups-" + side + r;
        place(ups, UPS);
        connect(plant + "transformer-" + side + pair, "out", ups, "in");
        for (int p = 1; p <= 2; p++) {
          String rpp = row + ".rpp-" + side + p;
          place(rpp, RPP);
          connect(ups, "out", rpp, "in");
        }
      }
      group(hall + ".ups-" + r, Redundancy.REDUNDANCY_2N, hall + ".ups-a" + r, hall + ".ups-b" + r);
      for (int p = 1; p <= 2; p++) {
        group(row + ".rpps-" + p, Redundancy.REDUNDANCY_2N, row + ".rpp-a" + p, row + ".rpp-b" + p);
      }
      String[] cdus = new String[3];
      for (int c = 1; c <= 3; c++) {
        cdus[c - 1] = row + ".cdu-" + c;
        place(cdus[c - 1], CDU);
        for (int d = 0; d < dryCoolerLinks; d++) {
          String dryCooler = dryCoolers.get((c - 1 + d) % dryCoolers.size());
          connect(dryCooler, "fw-supply", cdus[c - 1], "fw-supply");
          connect(cdus[c - 1], "fw-return", dryCooler, "fw-return");
        }
      }
      group(row + ".cdus", Redundancy.REDUNDANCY_N_PLUS_1, cdus);
      String[] crahs = {row + ".crah-1", row + ".crah-2"};
      for (String crah : crahs) {
        place(crah, CRAH);
      }
      group(row + ".crahs", Redundancy.REDUNDANCY_N_PLUS_1, crahs);
      for (int k = 1; k <= racksPerRow; k++) {
        String rack = String.format("%s.rack-%02d", row, k);
        placements.add(
            Placement.newBuilder()
                .setId(rack)
                .setPartRevision(RACK)
                .setPosition(Position.newBuilder().setXM(0.6 * (k - 1)))
                .putLabels("asset-tag", "AT-" + r + "-" + k)
                .build());
        int rpp = k <= racksPerRow / 2 ? 1 : 2;
        connect(row + ".rpp-a" + rpp, "out", rack, "power-a");
        connect(row + ".rpp-b" + rpp, "out", rack, "power-b");
        for (String cdu : cdus) {
          connect(cdu, "tcs-supply", rack, "tcs-supply");
          connect(rack, "tcs-return", cdu, "tcs-return");
        }
        for (String crah : crahs) {
          connect(crah, "air-supply", rack, "air-in");
        }
        for (int t = 1; t <= sensorsPerRack; t++) {
          String sensor = rack + "-sensor-" + t;
          place(sensor, SENSOR);
          connect(sensor, "net", rack, "net");
        }
      }
    }
  }

  /** The ApplyDesign stream: header, chunks of at most chunkElements elements each, commit. */
  List<ApplyDesignRequest> stream(
      String twinId, String designRevision, int chunkElements, boolean activate) {
    List<DesignChunk> chunks = new ArrayList<>();
    DesignChunk.Builder chunk = DesignChunk.newBuilder().setSite(site).setSetpoints(setpoints);
    chunk.addAllParts(parts).addAllHalls(halls).addAllRows(rows);
    int elements = 0;
    List<Object> all = new ArrayList<>();
    all.addAll(placements);
    all.addAll(connections);
    all.addAll(groups);
    for (Object element : all) {
      if (elements == chunkElements) {
        chunks.add(chunk.setSequence(chunks.size() + 1).build());
        chunk = DesignChunk.newBuilder();
        elements = 0;
      }
      switch (element) {
        case Placement p -> chunk.addPlacements(p);
        case Connection c -> chunk.addConnections(c);
        case RedundancyGroup g -> chunk.addRedundancyGroups(g);
        default -> throw new IllegalStateException();
      }
      elements++;
    }
    chunks.add(chunk.setSequence(chunks.size() + 1).build());
    String design = designRevision.substring(0, designRevision.indexOf("/revisions/"));
    List<ApplyDesignRequest> stream = new ArrayList<>();
    stream.add(
        ApplyDesignRequest.newBuilder()
            .setHeader(
                ApplyDesignHeader.newBuilder()
                    .setTwinId(twinId)
                    .setDesign(design)
                    .setDesignRevision(designRevision)
                    .setActivate(activate)
                    .setPartCount(parts.size())
                    .setPlacementCount(placements.size())
                    .setConnectionCount(connections.size())
                    .setRedundancyGroupCount(groups.size()))
            .build());
    chunks.forEach(c -> stream.add(ApplyDesignRequest.newBuilder().setChunk(c).build()));
    stream.add(
        ApplyDesignRequest.newBuilder()
            .setCommit(ApplyDesignCommit.newBuilder().setChunkCount(chunks.size()))
            .build());
    return stream;
  }

  void place(String id, String partRevision) {
    placements.add(Placement.newBuilder().setId(id).setPartRevision(partRevision).build());
  }

  void connect(String source, String sourcePort, String target, String targetPort) {
    connections.add(
        Connection.newBuilder()
            .setId(source + "." + sourcePort + "." + target + "." + targetPort)
            .setSourcePlacement(source)
            .setSourcePort(sourcePort)
            .setTargetPlacement(target)
            .setTargetPort(targetPort)
            .build());
  }

  private void group(String id, Redundancy redundancy, String... members) {
    groups.add(
        RedundancyGroup.newBuilder()
            .setId(id)
            .setRedundancy(redundancy)
            .addAllMembers(List.of(members))
            .build());
  }

  private void part(
      String name, EquipmentClass equipmentClass, EquipmentSpec spec, PortSpec... ports) {
    parts.add(
        DesignPart.newBuilder()
            .setPartRevision(name)
            .setEquipmentClass(equipmentClass)
            .setSpec(spec)
            .addAllPorts(List.of(ports))
            .build());
  }

  private static EquipmentSpec rated(double kw) {
    return EquipmentSpec.newBuilder().setRatedPowerKw(kw).build();
  }

  private static PortSpec in() {
    return port("in", PortDomain.PORT_DOMAIN_ELECTRICAL, null);
  }

  private static PortSpec out() {
    return port("out", PortDomain.PORT_DOMAIN_ELECTRICAL, null);
  }

  private static PortSpec port(String id, PortDomain domain, PowerPath path) {
    PortSpec.Builder port = PortSpec.newBuilder().setId(id).setDomain(domain);
    if (path != null) {
      port.setPowerPath(path);
    }
    return port.build();
  }
}
