package io.factorytwin.lifecycle;

import static io.factorytwin.lifecycle.DesignFixtures.connect;
import static io.factorytwin.lifecycle.DesignFixtures.fail;
import static io.factorytwin.lifecycle.DesignFixtures.fieldViolations;
import static io.factorytwin.lifecycle.DesignFixtures.place;
import static io.factorytwin.lifecycle.DesignFixtures.preconditionViolations;
import static io.factorytwin.lifecycle.DesignFixtures.reason;
import static org.assertj.core.api.Assertions.assertThat;

import io.factorytwin.common.v1.EquipmentClass;
import io.factorytwin.common.v1.Hall;
import io.factorytwin.common.v1.Orientation;
import io.factorytwin.common.v1.Placement;
import io.factorytwin.common.v1.Position;
import io.factorytwin.lifecycle.v1.CheckDesignRequest;
import io.factorytwin.lifecycle.v1.CheckDesignResponse;
import io.factorytwin.lifecycle.v1.CreateDesignRequest;
import io.factorytwin.lifecycle.v1.CreateDesignRevisionRequest;
import io.factorytwin.lifecycle.v1.Design;
import io.factorytwin.lifecycle.v1.DesignEdit;
import io.factorytwin.lifecycle.v1.DesignRevision;
import io.factorytwin.lifecycle.v1.EditDesignRevisionRequest;
import io.factorytwin.lifecycle.v1.GetDesignRequest;
import io.factorytwin.lifecycle.v1.GetDesignRevisionRequest;
import io.factorytwin.lifecycle.v1.ListConnectionsRequest;
import io.factorytwin.lifecycle.v1.ListPlacementsRequest;
import io.factorytwin.lifecycle.v1.ListPlacementsResponse;
import io.factorytwin.lifecycle.v1.ObsoleteDesignRevisionRequest;
import io.factorytwin.lifecycle.v1.RejectDesignRevisionRequest;
import io.factorytwin.lifecycle.v1.ReleaseDesignRevisionRequest;
import io.factorytwin.lifecycle.v1.RevisionState;
import io.factorytwin.lifecycle.v1.SubmitDesignRevisionRequest;
import io.factorytwin.testing.GrpcClients;
import io.factorytwin.testing.PostgresDatabase;
import io.factorytwin.testing.TestKeys;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(PostgresDatabase.class)
@WithTestResource(TestKeys.class)
class DesignGrpcTest {

  @ConfigProperty(name = "quarkus.http.test-port")
  int port;

  @ConfigProperty(name = "quarkus.datasource.jdbc.url")
  String jdbcUrl;

  private ManagedChannel channel;
  private DesignFixtures fixtures;

  @BeforeEach
  void openChannel() {
    channel = GrpcClients.channel(port);
    fixtures = new DesignFixtures(channel, jdbcUrl).withReleasedCatalog();
  }

  @AfterEach
  void disconnect() {
    GrpcClients.close(channel);
  }

  @Test
  void revision_wholeLifecycle() {
    DesignRevision a = fixtures.anEmptyRevision();

    DesignRevision edited = fixtures.edit(a, fixtures.aHallWithTwoRacks());
    CheckDesignResponse check =
        fixtures.alice.checkDesign(CheckDesignRequest.newBuilder().setName(a.getName()).build());
    DesignRevision submitted = fixtures.alice.submitDesignRevision(submit(edited));
    DesignRevision released = fixtures.alice.releaseDesignRevision(release(submitted));
    Design design = design(a);
    DesignRevision obsolete =
        fixtures.alice.obsoleteDesignRevision(
            ObsoleteDesignRevisionRequest.newBuilder()
                .setName(released.getName())
                .setEtag(released.getEtag())
                .build());

    assertThat(a.getRevisionLabel()).isEqualTo("A");
    assertThat(a.getState()).isEqualTo(RevisionState.REVISION_STATE_IN_WORK);
    assertThat(a.getAuthor()).isEqualTo("alice");
    assertThat(edited.getPlacementCount()).isEqualTo(7);
    assertThat(edited.getConnectionCount()).isEqualTo(7);
    assertThat(edited.getItDesignPowerKw()).isEqualTo(240.0);
    assertThat(edited.getEtag()).isNotEqualTo(a.getEtag());
    assertThat(check.getFindingsList()).isEmpty();
    assertThat(check.getPassed()).isTrue();
    assertThat(submitted.getState()).isEqualTo(RevisionState.REVISION_STATE_UNDER_REVIEW);
    assertThat(released.getState()).isEqualTo(RevisionState.REVISION_STATE_RELEASED);
    assertThat(released.getReleaser()).isEqualTo("alice");
    assertThat(released.hasReleaseTime()).isTrue();
    assertThat(design.getReleasedRevision()).isEqualTo(a.getName());
    assertThat(design.getLatestRevision()).isEqualTo(a.getName());
    assertThat(obsolete.getState()).isEqualTo(RevisionState.REVISION_STATE_OBSOLETE);
  }

  @Test
  void rejectedRevision_returnsToWork() {
    DesignRevision submitted =
        fixtures.alice.submitDesignRevision(submit(fixtures.anEmptyRevision()));

    DesignRevision rejected =
        fixtures.alice.rejectDesignRevision(
            RejectDesignRevisionRequest.newBuilder()
                .setName(submitted.getName())
                .setEtag(submitted.getEtag())
                .setComment("the hall needs a second CDU")
                .build());

    assertThat(rejected.getState()).isEqualTo(RevisionState.REVISION_STATE_IN_WORK);
  }

  @Test
  void illegalTransitions_failWithPreconditionFailure() {
    DesignRevision inWork = fixtures.anEmptyRevision();
    String before = fixtures.revisionState(inWork.getName());

    List<StatusRuntimeException> failures = new ArrayList<>();
    failures.add(fail(() -> fixtures.alice.releaseDesignRevision(release(inWork))));
    failures.add(fail(() -> fixtures.alice.obsoleteDesignRevision(obsolete(inWork))));
    failures.add(
        fail(
            () ->
                fixtures.alice.rejectDesignRevision(
                    RejectDesignRevisionRequest.newBuilder()
                        .setName(inWork.getName())
                        .setEtag(inWork.getEtag())
                        .setComment("no")
                        .build())));
    String after = fixtures.revisionState(inWork.getName());
    DesignRevision underReview = fixtures.alice.submitDesignRevision(submit(inWork));
    failures.add(fail(() -> fixtures.alice.submitDesignRevision(submit(underReview))));
    failures.add(fail(() -> fixtures.alice.obsoleteDesignRevision(obsolete(underReview))));

    for (StatusRuntimeException failure : failures) {
      assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
      assertThat(reason(failure)).isEqualTo("ILLEGAL_STATE_TRANSITION");
      assertThat(preconditionViolations(failure)).hasSize(1);
      assertThat(preconditionViolations(failure).getFirst().getDescription())
          .startsWith("revision is ");
    }
    assertThat(after).isEqualTo(before);
  }

  @Test
  void releasedRevision_rejectsEdits() {
    DesignRevision a = fixtures.anEmptyRevision();
    DesignRevision released =
        fixtures.alice.releaseDesignRevision(
            release(
                fixtures.alice.submitDesignRevision(
                    submit(fixtures.edit(a, fixtures.aHallWithTwoRacks())))));
    String before = fixtures.revisionState(released.getName());

    StatusRuntimeException edit =
        fail(() -> fixtures.edit(released, List.of(place("hall-1.row-1.rack-3", fixtures.rack))));
    StatusRuntimeException newRevision =
        fail(
            () ->
                fixtures.alice.createDesignRevision(
                    CreateDesignRevisionRequest.newBuilder()
                        .setParent(design(a).getName())
                        .build()));

    assertThat(edit.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(reason(edit)).isEqualTo("REVISION_IMMUTABLE");
    assertThat(newRevision.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(fixtures.revisionState(released.getName())).isEqualTo(before);
  }

  @Test
  void release_withUnreleasedPartRevision_fails() {
    String inWorkRack =
        fixtures
            .inWork(EquipmentClass.EQUIPMENT_CLASS_RACK_SYSTEM, DesignFixtures.rackSpec())
            .getName();
    DesignRevision a = fixtures.anEmptyRevision();
    List<DesignEdit> edits = new ArrayList<>(fixtures.aHallWithTwoRacks());
    edits.set(3, place("hall-1.row-1.rack-1", inWorkRack));
    DesignRevision submitted = fixtures.alice.submitDesignRevision(submit(fixtures.edit(a, edits)));
    String before = fixtures.revisionState(a.getName());

    StatusRuntimeException failure =
        fail(() -> fixtures.alice.releaseDesignRevision(release(submitted)));

    assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(reason(failure)).isEqualTo("PART_REVISION_NOT_RELEASED");
    assertThat(preconditionViolations(failure))
        .extracting(violation -> violation.getSubject())
        .containsExactly(inWorkRack);
    assertThat(fixtures.revisionState(a.getName())).isEqualTo(before);
  }

  @Test
  void release_withErrorFindings_fails() {
    DesignRevision a = fixtures.anEmptyRevision();
    List<DesignEdit> edits = new ArrayList<>(fixtures.aHallWithTwoRacks());
    edits.add(place("hall-1.spare-cdu", fixtures.cdu));
    DesignRevision submitted = fixtures.alice.submitDesignRevision(submit(fixtures.edit(a, edits)));

    StatusRuntimeException failure =
        fail(() -> fixtures.alice.releaseDesignRevision(release(submitted)));

    assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(reason(failure)).isEqualTo("DESIGN_CHECK_FAILED");
    assertThat(preconditionViolations(failure))
        .extracting(violation -> violation.getSubject())
        .containsExactly("hall-1.spare-cdu");
    assertThat(get(a.getName()).getState()).isEqualTo(RevisionState.REVISION_STATE_UNDER_REVIEW);
  }

  @Test
  void edit_badInput_isRejectedAndStoresNothing() {
    DesignRevision a = fixtures.edit(fixtures.anEmptyRevision(), fixtures.aHallWithTwoRacks());
    String before = fixtures.revisionState(a.getName());
    String tenKilobytes = "x".repeat(10 * 1024);

    StatusRuntimeException domains =
        fail(
            () ->
                fixtures.edit(
                    a,
                    List.of(connect("hall-1.cdu-1", "tcs-out", "hall-1.row-1.rack-1", "power-a"))));
    StatusRuntimeException unknownPart =
        fail(
            () ->
                fixtures.edit(
                    a,
                    List.of(
                        place("hall-1.row-1.rack-3", fixtures.rack),
                        place("hall-1.row-1.rack-4", "parts/no-such-part/revisions/a"))));
    StatusRuntimeException position =
        fail(
            () ->
                fixtures.edit(
                    a,
                    List.of(
                        DesignEdit.newBuilder()
                            .setUpsertPlacement(
                                Placement.newBuilder()
                                    .setId("hall-1.row-1.rack-3")
                                    .setPartRevision(fixtures.rack)
                                    .setPosition(Position.newBuilder().setXM(Double.NaN))
                                    .setOrientation(Orientation.newBuilder().setYawDeg(360)))
                            .build())));
    StatusRuntimeException longName =
        fail(
            () ->
                fixtures.edit(
                    a,
                    List.of(
                        DesignEdit.newBuilder()
                            .setUpsertHall(
                                Hall.newBuilder().setId("hall-2").setDisplayName(tenKilobytes))
                            .build())));
    StatusRuntimeException missingContainer =
        fail(() -> fixtures.edit(a, List.of(place("hall-9.rack-1", fixtures.rack))));

    assertThat(domains.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(fieldViolations(domains)).containsExactly("edits[0].upsert_connection.target_port");
    assertThat(fieldViolations(unknownPart))
        .containsExactly("edits[1].upsert_placement.part_revision");
    assertThat(fieldViolations(position))
        .containsExactlyInAnyOrder(
            "edits[0].upsert_placement.position.x_m",
            "edits[0].upsert_placement.orientation.yaw_deg");
    assertThat(fieldViolations(longName)).containsExactly("edits[0].upsert_hall.display_name");
    assertThat(fieldViolations(missingContainer)).containsExactly("edits[0].upsert_placement.id");
    assertThat(fixtures.revisionState(a.getName())).isEqualTo(before);
  }

  @Test
  void create_duplicateIds_areRejected() {
    DesignRevision a = fixtures.anEmptyRevision();
    String designId = a.getName().split("/")[1];
    long revisionsBefore = fixtures.count("select count(*) from design_revision");

    StatusRuntimeException duplicateDesign =
        fail(
            () ->
                fixtures.alice.createDesign(
                    CreateDesignRequest.newBuilder()
                        .setDesignId(designId)
                        .setDesign(Design.newBuilder().setDisplayName("again"))
                        .build()));
    StatusRuntimeException duplicateHall =
        fail(
            () ->
                fixtures.alice.createDesignRevision(
                    CreateDesignRevisionRequest.newBuilder()
                        .setParent(
                            fixtures
                                .alice
                                .createDesign(
                                    CreateDesignRequest.newBuilder()
                                        .setDesignId(DesignFixtures.newId("design"))
                                        .setDesign(Design.newBuilder().setDisplayName("d"))
                                        .build())
                                .getName())
                        .setDesignRevision(
                            DesignRevision.newBuilder()
                                .addHalls(Hall.newBuilder().setId("hall-1"))
                                .addHalls(Hall.newBuilder().setId("hall-1")))
                        .build()));

    assertThat(duplicateDesign.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
    assertThat(duplicateHall.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(fieldViolations(duplicateHall)).containsExactly("design_revision.halls[1].id");
    assertThat(fixtures.count("select count(*) from design_revision")).isEqualTo(revisionsBefore);
  }

  @Test
  void validateOnly_storesNothing() {
    DesignRevision a = fixtures.anEmptyRevision();
    String before = fixtures.revisionState(a.getName());

    DesignRevision preview =
        fixtures.alice.editDesignRevision(
            EditDesignRevisionRequest.newBuilder()
                .setName(a.getName())
                .setEtag(a.getEtag())
                .addAllEdits(fixtures.aHallWithTwoRacks())
                .setValidateOnly(true)
                .build());

    assertThat(preview.getPlacementCount()).isEqualTo(7);
    assertThat(fixtures.revisionState(a.getName())).isEqualTo(before);
  }

  @Test
  void listPlacements_staysStableWhileRowsAreInserted() {
    DesignRevision a = fixtures.anEmptyRevision();
    List<DesignEdit> edits = new ArrayList<>();
    for (int i = 0; i < 30; i += 2) {
      edits.add(place(String.format("hall-1.row-1.rack-%02d", i), fixtures.rack));
    }
    DesignRevision current = fixtures.edit(a, edits);

    List<String> seen = new ArrayList<>();
    String token = "";
    int inserted = 1;
    do {
      ListPlacementsResponse page =
          fixtures.alice.listPlacements(
              ListPlacementsRequest.newBuilder()
                  .setParent(a.getName())
                  .setPageSize(4)
                  .setPageToken(token)
                  .build());
      page.getPlacementsList().forEach(placement -> seen.add(placement.getId()));
      token = page.getNextPageToken();
      // Odd ids fall between the even ones already stored, before and after the cursor.
      current =
          fixtures.edit(
              current,
              List.of(place(String.format("hall-1.row-1.rack-%02d", inserted), fixtures.rack)));
      inserted += 2;
    } while (!token.isEmpty());
    long connections =
        fixtures
            .alice
            .listConnections(ListConnectionsRequest.newBuilder().setParent(a.getName()).build())
            .getConnectionsCount();

    assertThat(seen).doesNotHaveDuplicates();
    assertThat(seen).isSorted();
    for (int i = 0; i < 30; i += 2) {
      assertThat(seen).contains(String.format("hall-1.row-1.rack-%02d", i));
    }
    assertThat(connections).isZero();
  }

  private DesignRevision get(String name) {
    return fixtures.alice.getDesignRevision(
        GetDesignRevisionRequest.newBuilder().setName(name).build());
  }

  private Design design(DesignRevision revision) {
    String designName = revision.getName().substring(0, revision.getName().indexOf("/revisions"));
    return fixtures.alice.getDesign(GetDesignRequest.newBuilder().setName(designName).build());
  }

  private static SubmitDesignRevisionRequest submit(DesignRevision revision) {
    return SubmitDesignRevisionRequest.newBuilder()
        .setName(revision.getName())
        .setEtag(revision.getEtag())
        .build();
  }

  private static ReleaseDesignRevisionRequest release(DesignRevision revision) {
    return ReleaseDesignRevisionRequest.newBuilder()
        .setName(revision.getName())
        .setEtag(revision.getEtag())
        .build();
  }

  private static ObsoleteDesignRevisionRequest obsolete(DesignRevision revision) {
    return ObsoleteDesignRevisionRequest.newBuilder()
        .setName(revision.getName())
        .setEtag(revision.getEtag())
        .build();
  }
}
