package io.factorytwin.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.PreconditionFailure;
import io.factorytwin.common.v1.Connection;
import io.factorytwin.common.v1.EquipmentClass;
import io.factorytwin.common.v1.EquipmentSpec;
import io.factorytwin.common.v1.FanSpec;
import io.factorytwin.common.v1.Hall;
import io.factorytwin.common.v1.Placement;
import io.factorytwin.common.v1.PortDomain;
import io.factorytwin.common.v1.PortSpec;
import io.factorytwin.common.v1.RackSpec;
import io.factorytwin.common.v1.Row;
import io.factorytwin.common.v1.Site;
import io.factorytwin.lifecycle.v1.CreateDesignRequest;
import io.factorytwin.lifecycle.v1.CreateDesignRevisionRequest;
import io.factorytwin.lifecycle.v1.CreatePartRequest;
import io.factorytwin.lifecycle.v1.CreatePartRevisionRequest;
import io.factorytwin.lifecycle.v1.Design;
import io.factorytwin.lifecycle.v1.DesignEdit;
import io.factorytwin.lifecycle.v1.DesignRevision;
import io.factorytwin.lifecycle.v1.EditDesignRevisionRequest;
import io.factorytwin.lifecycle.v1.LifecycleServiceGrpc;
import io.factorytwin.lifecycle.v1.Part;
import io.factorytwin.lifecycle.v1.PartRevision;
import io.factorytwin.lifecycle.v1.ReleasePartRevisionRequest;
import io.factorytwin.lifecycle.v1.SubmitPartRevisionRequest;
import io.factorytwin.testing.GrpcClients;
import io.factorytwin.testing.PostgresDatabase;
import io.factorytwin.testing.TestKeys;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Small factories for design tests: catalog parts with the ports a design connects, and a hall with
 * two racks fed from a utility feed through a UPS and an RPP and cooled by a CDU on a dry cooler.
 * Ratings: rack 120 kW design power (132 kW rated, 0.9 to liquid), RPP 300 kW, UPS 500 kW, CDU
 * 1,350 kW, dry cooler 2,000 kW.
 */
final class DesignFixtures {

  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  final LifecycleServiceGrpc.LifecycleServiceBlockingStub alice;
  final String jdbcUrl;

  /** Part revision names of the catalog used by {@link #aHallWithTwoRacks()}. */
  String utility;

  String ups;
  String rpp;
  String rack;
  String cdu;
  String dryCooler;

  DesignFixtures(ManagedChannel channel, String jdbcUrl) {
    this.alice =
        LifecycleServiceGrpc.newBlockingStub(channel)
            .withCallCredentials(GrpcClients.bearer(TestKeys.token("alice", "operator")))
            .withDeadlineAfter(30, TimeUnit.SECONDS);
    this.jdbcUrl = jdbcUrl;
  }

  /** Creates and releases the catalog parts of the small hall. */
  DesignFixtures withReleasedCatalog() {
    utility = released(EquipmentClass.EQUIPMENT_CLASS_UTILITY_FEED, utilitySpec());
    ups = released(EquipmentClass.EQUIPMENT_CLASS_UPS, upsSpec());
    rpp = released(EquipmentClass.EQUIPMENT_CLASS_REMOTE_POWER_PANEL, rppSpec());
    rack = released(EquipmentClass.EQUIPMENT_CLASS_RACK_SYSTEM, rackSpec());
    cdu = released(EquipmentClass.EQUIPMENT_CLASS_CDU, cduSpec(1350));
    dryCooler = released(EquipmentClass.EQUIPMENT_CLASS_DRY_COOLER, dryCoolerSpec());
    return this;
  }

  static String newId(String prefix) {
    return prefix
        + "-"
        + SEQUENCE.incrementAndGet()
        + "-"
        + UUID.randomUUID().toString().substring(0, 8);
  }

  String released(EquipmentClass equipmentClass, PartRevision content) {
    PartRevision revision = inWork(equipmentClass, content);
    PartRevision submitted =
        alice.submitPartRevision(
            SubmitPartRevisionRequest.newBuilder()
                .setName(revision.getName())
                .setEtag(revision.getEtag())
                .build());
    return alice
        .releasePartRevision(
            ReleasePartRevisionRequest.newBuilder()
                .setName(submitted.getName())
                .setEtag(submitted.getEtag())
                .build())
        .getName();
  }

  PartRevision inWork(EquipmentClass equipmentClass, PartRevision content) {
    Part part =
        alice.createPart(
            CreatePartRequest.newBuilder()
                .setPartId(newId("part"))
                .setPart(Part.newBuilder().setDisplayName("part").setEquipmentClass(equipmentClass))
                .build());
    return alice.createPartRevision(
        CreatePartRevisionRequest.newBuilder()
            .setParent(part.getName())
            .setPartRevision(content)
            .build());
  }

  static PortSpec.Builder port(String id, PortDomain domain, int maxConnections) {
    return PortSpec.newBuilder().setId(id).setDomain(domain).setMaxConnections(maxConnections);
  }

  static PartRevision utilitySpec() {
    return PartRevision.newBuilder()
        .setSpec(EquipmentSpec.newBuilder().setRatedPowerKw(2000))
        .addPorts(port("out", PortDomain.PORT_DOMAIN_ELECTRICAL, 10))
        .build();
  }

  static PartRevision upsSpec() {
    return PartRevision.newBuilder()
        .setSpec(EquipmentSpec.newBuilder().setRatedPowerKw(500))
        .addPorts(port("in", PortDomain.PORT_DOMAIN_ELECTRICAL, 1))
        .addPorts(port("out", PortDomain.PORT_DOMAIN_ELECTRICAL, 10))
        .build();
  }

  static PartRevision rppSpec() {
    return PartRevision.newBuilder()
        .setSpec(EquipmentSpec.newBuilder().setRatedPowerKw(300))
        .addPorts(port("in", PortDomain.PORT_DOMAIN_ELECTRICAL, 1))
        .addPorts(port("out", PortDomain.PORT_DOMAIN_ELECTRICAL, 10))
        .build();
  }

  /**
   * Builds a GB200 NVL72 rack revision: 72 GPUs at 1,200 W, about 132 kW rated, 120 kW at design
   * load.
   */
  static PartRevision rackSpec() {
    return PartRevision.newBuilder()
        .setSpec(
            EquipmentSpec.newBuilder()
                .setRatedPowerKw(132)
                .setDesignPowerKw(120)
                .setHeatToLiquidFraction(0.9)
                .setCoolantFlowLpmPerKw(1.5)
                .setRack(RackSpec.newBuilder().setGpuCount(72).setCpuCount(36).setGpuPowerW(1200)))
        .addPorts(port("power-a", PortDomain.PORT_DOMAIN_ELECTRICAL, 1))
        .addPorts(port("tcs-in", PortDomain.PORT_DOMAIN_TCS_SUPPLY, 2))
        .build();
  }

  static PartRevision cduSpec(double capacityKw) {
    return PartRevision.newBuilder()
        .setSpec(EquipmentSpec.newBuilder().setCoolingCapacityKw(capacityKw).setApproachK(3))
        .addPorts(port("tcs-out", PortDomain.PORT_DOMAIN_TCS_SUPPLY, 20))
        .addPorts(port("fw-in", PortDomain.PORT_DOMAIN_FACILITY_WATER_SUPPLY, 1))
        .build();
  }

  static PartRevision dryCoolerSpec() {
    return PartRevision.newBuilder()
        .setSpec(
            EquipmentSpec.newBuilder()
                .setCoolingCapacityKw(2000)
                .setApproachK(6)
                .setFan(FanSpec.newBuilder().setDesignPowerKw(20)))
        .addPorts(port("fw-out", PortDomain.PORT_DOMAIN_FACILITY_WATER_SUPPLY, 10))
        .build();
  }

  static Site aSite() {
    return Site.newBuilder()
        .setDisplayName("Leesburg")
        .setLatitudeDeg(39.1)
        .setLongitudeDeg(-77.6)
        .setWeatherDataSet("USA_VA_Leesburg.Exec.epw")
        .build();
  }

  /** Creates a design with an empty revision A that has a site, one hall and one row. */
  DesignRevision anEmptyRevision() {
    Design design =
        alice.createDesign(
            CreateDesignRequest.newBuilder()
                .setDesignId(newId("design"))
                .setDesign(Design.newBuilder().setDisplayName("Hall test"))
                .build());
    return alice.createDesignRevision(
        CreateDesignRevisionRequest.newBuilder()
            .setParent(design.getName())
            .setDesignRevision(
                DesignRevision.newBuilder()
                    .setSite(aSite())
                    .addHalls(Hall.newBuilder().setId("hall-1"))
                    .addRows(Row.newBuilder().setId("hall-1.row-1")))
            .build());
  }

  /** Returns the edits that build the small hall on an empty revision. */
  List<DesignEdit> aHallWithTwoRacks() {
    List<DesignEdit> edits = new ArrayList<>();
    edits.add(place("utility-1", utility));
    edits.add(place("hall-1.ups-1", ups));
    edits.add(place("hall-1.row-1.rpp-1", rpp));
    edits.add(place("hall-1.row-1.rack-1", rack));
    edits.add(place("hall-1.row-1.rack-2", rack));
    edits.add(place("hall-1.cdu-1", cdu));
    edits.add(place("dry-cooler-1", dryCooler));
    edits.add(connect("utility-1", "out", "hall-1.ups-1", "in"));
    edits.add(connect("hall-1.ups-1", "out", "hall-1.row-1.rpp-1", "in"));
    edits.add(connect("hall-1.row-1.rpp-1", "out", "hall-1.row-1.rack-1", "power-a"));
    edits.add(connect("hall-1.row-1.rpp-1", "out", "hall-1.row-1.rack-2", "power-a"));
    edits.add(connect("dry-cooler-1", "fw-out", "hall-1.cdu-1", "fw-in"));
    edits.add(connect("hall-1.cdu-1", "tcs-out", "hall-1.row-1.rack-1", "tcs-in"));
    edits.add(connect("hall-1.cdu-1", "tcs-out", "hall-1.row-1.rack-2", "tcs-in"));
    return edits;
  }

  static DesignEdit place(String id, String partRevision) {
    return DesignEdit.newBuilder()
        .setUpsertPlacement(Placement.newBuilder().setId(id).setPartRevision(partRevision))
        .build();
  }

  static DesignEdit connect(String source, String sourcePort, String target, String targetPort) {
    return DesignEdit.newBuilder()
        .setUpsertConnection(
            Connection.newBuilder()
                .setId(source + "." + sourcePort + "." + target)
                .setSourcePlacement(source)
                .setSourcePort(sourcePort)
                .setTargetPlacement(target)
                .setTargetPort(targetPort))
        .build();
  }

  static DesignEdit removeConnection(String id) {
    return DesignEdit.newBuilder().setRemoveConnection(id).build();
  }

  DesignRevision edit(DesignRevision revision, List<DesignEdit> edits) {
    return alice.editDesignRevision(
        EditDesignRevisionRequest.newBuilder()
            .setName(revision.getName())
            .setEtag(revision.getEtag())
            .addAllEdits(edits)
            .build());
  }

  static StatusRuntimeException fail(Runnable call) {
    StatusRuntimeException failure = catchThrowableOfType(StatusRuntimeException.class, call::run);
    assertThat(failure).as("the call should fail").isNotNull();
    return failure;
  }

  long count(String sql) {
    try (var connection = DriverManager.getConnection(jdbcUrl, PostgresDatabase.user(), "");
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }

  /** Returns a design revision row with its element rows as text, to prove nothing changed. */
  String revisionState(String name) {
    String[] parts = name.split("/");
    String where =
        "design_id = '" + parts[1] + "' and revision_number = " + (parts[3].charAt(0) - 'a' + 1);
    String sql =
        "select r::text || (select count(*) from design_placement p where p.revision_id = r.id)"
            + " || '/' || (select count(*) from design_connection c where c.revision_id = r.id)"
            + " from design_revision r where "
            + where;
    try (var connection = DriverManager.getConnection(jdbcUrl, PostgresDatabase.user(), "");
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getString(1);
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }

  static String reason(StatusRuntimeException failure) {
    return details(failure, ErrorInfo.class).stream()
        .map(ErrorInfo::getReason)
        .findFirst()
        .orElse(null);
  }

  static List<String> fieldViolations(StatusRuntimeException failure) {
    return details(failure, BadRequest.class).stream()
        .flatMap(request -> request.getFieldViolationsList().stream())
        .map(BadRequest.FieldViolation::getField)
        .toList();
  }

  static List<PreconditionFailure.Violation> preconditionViolations(
      StatusRuntimeException failure) {
    return details(failure, PreconditionFailure.class).stream()
        .flatMap(detail -> detail.getViolationsList().stream())
        .toList();
  }

  private static <T extends com.google.protobuf.Message> List<T> details(
      StatusRuntimeException failure, Class<T> type) {
    List<T> found = new ArrayList<>();
    for (com.google.protobuf.Any detail : StatusProto.fromThrowable(failure).getDetailsList()) {
      if (detail.is(type)) {
        try {
          found.add(detail.unpack(type));
        } catch (InvalidProtocolBufferException e) {
          throw new AssertionError(e);
        }
      }
    }
    return found;
  }
}
