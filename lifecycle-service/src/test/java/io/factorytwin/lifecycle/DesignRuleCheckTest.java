package io.factorytwin.lifecycle;

import static io.factorytwin.lifecycle.DesignFixtures.connect;
import static io.factorytwin.lifecycle.DesignFixtures.fail;
import static io.factorytwin.lifecycle.DesignFixtures.fieldViolations;
import static io.factorytwin.lifecycle.DesignFixtures.place;
import static io.factorytwin.lifecycle.DesignFixtures.removeConnection;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.FieldMask;
import io.factorytwin.common.v1.EquipmentClass;
import io.factorytwin.common.v1.PortDomain;
import io.factorytwin.common.v1.Redundancy;
import io.factorytwin.common.v1.RedundancyGroup;
import io.factorytwin.lifecycle.v1.CheckDesignRequest;
import io.factorytwin.lifecycle.v1.CheckDesignResponse;
import io.factorytwin.lifecycle.v1.DesignEdit;
import io.factorytwin.lifecycle.v1.DesignRevision;
import io.factorytwin.lifecycle.v1.Finding;
import io.factorytwin.lifecycle.v1.PartRevision;
import io.factorytwin.lifecycle.v1.PartSubstitution;
import io.factorytwin.lifecycle.v1.UpdatePartRevisionRequest;
import io.factorytwin.testing.GrpcClients;
import io.factorytwin.testing.PostgresDatabase;
import io.factorytwin.testing.TestKeys;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each design rule on the small hall: a variant that breaks the rule must produce its finding, and
 * the hall as built must not. Most variants are CheckDesign dry runs with edits, so the stored
 * revision stays the same clean hall.
 */
@QuarkusTest
@WithTestResource(PostgresDatabase.class)
@WithTestResource(TestKeys.class)
class DesignRuleCheckTest {

  @ConfigProperty(name = "quarkus.http.test-port")
  int port;

  @ConfigProperty(name = "quarkus.datasource.jdbc.url")
  String jdbcUrl;

  private ManagedChannel channel;
  private DesignFixtures fixtures;
  private DesignRevision hall;

  @BeforeEach
  void openChannel() {
    channel = GrpcClients.channel(port);
    fixtures = new DesignFixtures(channel, jdbcUrl).withReleasedCatalog();
    hall = fixtures.edit(fixtures.anEmptyRevision(), fixtures.aHallWithTwoRacks());
  }

  @AfterEach
  void disconnect() {
    GrpcClients.close(channel);
  }

  @Test
  void builtHall_hasNoFindings() {
    CheckDesignResponse response = check(List.of());

    assertThat(response.getFindingsList()).isEmpty();
    assertThat(response.getPassed()).isTrue();
  }

  @Test
  void powerPath_cutAboveRpp_isFound() {
    CheckDesignResponse broken =
        check(List.of(removeConnection("hall-1.ups-1.out.hall-1.row-1.rpp-1")));

    assertThat(findings(broken, "rack-power-path"))
        .containsExactly("hall-1.row-1.rack-1", "hall-1.row-1.rack-2");
    assertThat(broken.getPassed()).isFalse();
    assertThat(broken.getErrorCount()).isEqualTo(broken.getFindingsCount());
    assertThat(findings(check(List.of()), "rack-power-path")).isEmpty();
  }

  @Test
  void coolingPath_cutAboveCdu_isFound() {
    CheckDesignResponse broken =
        check(List.of(removeConnection("dry-cooler-1.fw-out.hall-1.cdu-1")));

    assertThat(findings(broken, "rack-cooling-path"))
        .containsExactly("hall-1.row-1.rack-1", "hall-1.row-1.rack-2");
    assertThat(findings(broken, "orphan-equipment")).containsExactly("dry-cooler-1");
    assertThat(findings(check(List.of()), "rack-cooling-path")).isEmpty();
  }

  @Test
  void portLimit_doubleFeed_isFound() {
    List<DesignEdit> secondRpp =
        List.of(
            place("hall-1.row-1.rpp-2", fixtures.rpp),
            connect("hall-1.ups-1", "out", "hall-1.row-1.rpp-2", "in"));

    CheckDesignResponse broken =
        check(
            concat(
                secondRpp,
                List.of(connect("hall-1.row-1.rpp-2", "out", "hall-1.row-1.rack-1", "power-a"))));
    CheckDesignResponse fixed =
        check(
            concat(
                secondRpp,
                List.of(
                    removeConnection("hall-1.row-1.rpp-1.out.hall-1.row-1.rack-1"),
                    connect("hall-1.row-1.rpp-2", "out", "hall-1.row-1.rack-1", "power-a"))));

    assertThat(findings(broken, "port-connection-limit")).containsExactly("hall-1.row-1.rack-1");
    assertThat(findings(fixed, "port-connection-limit")).isEmpty();
  }

  @Test
  void capacity_overloadedRpp_isFound() {
    List<DesignEdit> twoMoreRacks =
        List.of(
            place("hall-1.row-1.rack-3", fixtures.rack),
            place("hall-1.row-1.rack-4", fixtures.rack),
            connect("hall-1.cdu-1", "tcs-out", "hall-1.row-1.rack-3", "tcs-in"),
            connect("hall-1.cdu-1", "tcs-out", "hall-1.row-1.rack-4", "tcs-in"),
            connect("hall-1.ups-1", "out", "hall-1.row-1.rack-4", "power-a"));

    CheckDesignResponse broken =
        check(
            concat(
                twoMoreRacks,
                List.of(connect("hall-1.row-1.rpp-1", "out", "hall-1.row-1.rack-3", "power-a"))));
    CheckDesignResponse fixed =
        check(
            concat(
                twoMoreRacks,
                List.of(connect("hall-1.ups-1", "out", "hall-1.row-1.rack-3", "power-a"))));

    assertThat(findings(broken, "capacity-at-redundancy")).containsExactly("hall-1.row-1.rpp-1");
    assertThat(messages(broken, "capacity-at-redundancy").getFirst())
        .contains("360 kW")
        .contains("300 kW");
    assertThat(findings(fixed, "capacity-at-redundancy")).isEmpty();
  }

  @Test
  void capacity_cduGroupAtDeclaredRedundancy_isChecked() {
    String smallCdu =
        fixtures.released(EquipmentClass.EQUIPMENT_CLASS_CDU, DesignFixtures.cduSpec(200));
    List<DesignEdit> twoSmallCdus =
        List.of(
            DesignEdit.newBuilder()
                .setSubstitutePart(
                    PartSubstitution.newBuilder()
                        .setFromPartRevision(fixtures.cdu)
                        .setToPartRevision(smallCdu))
                .build(),
            place("hall-1.cdu-2", smallCdu),
            connect("dry-cooler-1", "fw-out", "hall-1.cdu-2", "fw-in"),
            connect("hall-1.cdu-2", "tcs-out", "hall-1.row-1.rack-1", "tcs-in"),
            connect("hall-1.cdu-2", "tcs-out", "hall-1.row-1.rack-2", "tcs-in"));

    // Two racks send 2 x 120 kW x 0.9 = 216 kW to liquid; one 200 kW CDU cannot carry it.
    CheckDesignResponse atN = check(concat(twoSmallCdus, List.of(group(Redundancy.REDUNDANCY_N))));
    CheckDesignResponse atNPlusOne =
        check(concat(twoSmallCdus, List.of(group(Redundancy.REDUNDANCY_N_PLUS_1))));

    assertThat(findings(atN, "capacity-at-redundancy")).isEmpty();
    assertThat(findings(atNPlusOne, "capacity-at-redundancy")).containsExactly("hall-1.cdus");
    assertThat(atNPlusOne.getFindings(0).getRelatedElementsCount()).isEqualTo(2);
  }

  @Test
  void orphan_unconnectedPlacement_isFound() {
    CheckDesignResponse broken = check(List.of(place("hall-1.spare-cdu", fixtures.cdu)));

    assertThat(findings(broken, "orphan-equipment")).containsExactly("hall-1.spare-cdu");
    assertThat(findings(check(List.of()), "orphan-equipment")).isEmpty();
  }

  @Test
  void releasedPartsOnly_inWorkRack_isFound() {
    String inWorkRack =
        fixtures
            .inWork(EquipmentClass.EQUIPMENT_CLASS_RACK_SYSTEM, DesignFixtures.rackSpec())
            .getName();

    CheckDesignResponse broken = check(List.of(substitute(fixtures.rack, inWorkRack)));

    assertThat(findings(broken, "released-parts-only")).containsExactly(inWorkRack);
    assertThat(findings(check(List.of()), "released-parts-only")).isEmpty();
  }

  @Test
  void endpoints_afterPartChange_areFound() {
    PartRevision inWorkRack =
        fixtures.inWork(EquipmentClass.EQUIPMENT_CLASS_RACK_SYSTEM, DesignFixtures.rackSpec());
    hall = fixtures.edit(hall, List.of(substitute(fixtures.rack, inWorkRack.getName())));
    CheckDesignResponse before = check(List.of());

    PartRevision airflow =
        updatePorts(
            inWorkRack,
            List.of(
                DesignFixtures.port("power-a", PortDomain.PORT_DOMAIN_ELECTRICAL, 1).build(),
                DesignFixtures.port("tcs-in", PortDomain.PORT_DOMAIN_AIRFLOW, 2).build()));
    CheckDesignResponse wrongDomain = check(List.of());
    updatePorts(
        airflow,
        List.of(DesignFixtures.port("power-a", PortDomain.PORT_DOMAIN_ELECTRICAL, 1).build()));
    CheckDesignResponse missingPort = check(List.of());

    assertThat(findings(before, "connection-domain-match")).isEmpty();
    assertThat(findings(before, "connection-endpoints-exist")).isEmpty();
    assertThat(findings(wrongDomain, "connection-domain-match"))
        .containsExactly(
            "hall-1.cdu-1.tcs-out.hall-1.row-1.rack-1", "hall-1.cdu-1.tcs-out.hall-1.row-1.rack-2");
    assertThat(findings(missingPort, "connection-endpoints-exist"))
        .containsExactly(
            "hall-1.cdu-1.tcs-out.hall-1.row-1.rack-1", "hall-1.cdu-1.tcs-out.hall-1.row-1.rack-2");
  }

  @Test
  void check_ruleSelectionAndUnknownRule() {
    CheckDesignResponse onlyOrphans =
        fixtures.alice.checkDesign(
            CheckDesignRequest.newBuilder()
                .setName(hall.getName())
                .addEdits(removeConnection("hall-1.ups-1.out.hall-1.row-1.rpp-1"))
                .addRules("orphan-equipment")
                .build());
    StatusRuntimeException unknown =
        fail(
            () ->
                fixtures.alice.checkDesign(
                    CheckDesignRequest.newBuilder()
                        .setName(hall.getName())
                        .addRules("no-such-rule")
                        .build()));

    assertThat(onlyOrphans.getFindingsList()).isEmpty();
    assertThat(unknown.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(fieldViolations(unknown)).containsExactly("rules[0]");
  }

  private CheckDesignResponse check(List<DesignEdit> edits) {
    return fixtures.alice.checkDesign(
        CheckDesignRequest.newBuilder().setName(hall.getName()).addAllEdits(edits).build());
  }

  private PartRevision updatePorts(
      PartRevision revision, List<io.factorytwin.common.v1.PortSpec> ports) {
    return fixtures.alice.updatePartRevision(
        UpdatePartRevisionRequest.newBuilder()
            .setPartRevision(
                PartRevision.newBuilder()
                    .setName(revision.getName())
                    .setEtag(revision.getEtag())
                    .addAllPorts(ports))
            .setUpdateMask(FieldMask.newBuilder().addPaths("ports"))
            .build());
  }

  private static DesignEdit substitute(String from, String to) {
    return DesignEdit.newBuilder()
        .setSubstitutePart(
            PartSubstitution.newBuilder().setFromPartRevision(from).setToPartRevision(to))
        .build();
  }

  private static DesignEdit group(Redundancy redundancy) {
    return DesignEdit.newBuilder()
        .setUpsertRedundancyGroup(
            RedundancyGroup.newBuilder()
                .setId("hall-1.cdus")
                .setRedundancy(redundancy)
                .addMembers("hall-1.cdu-1")
                .addMembers("hall-1.cdu-2"))
        .build();
  }

  private static List<String> findings(CheckDesignResponse response, String rule) {
    return response.getFindingsList().stream()
        .filter(finding -> finding.getRule().equals(rule))
        .map(finding -> finding.getElement().getId())
        .sorted()
        .toList();
  }

  private static List<String> messages(CheckDesignResponse response, String rule) {
    return response.getFindingsList().stream()
        .filter(finding -> finding.getRule().equals(rule))
        .map(Finding::getMessage)
        .toList();
  }

  private static <T> List<T> concat(List<T> first, List<T> second) {
    return java.util.stream.Stream.concat(first.stream(), second.stream()).toList();
  }
}
