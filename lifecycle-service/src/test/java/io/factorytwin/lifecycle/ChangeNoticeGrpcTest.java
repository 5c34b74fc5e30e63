package io.factorytwin.lifecycle;

import static io.factorytwin.lifecycle.DesignFixtures.fail;
import static io.factorytwin.lifecycle.DesignFixtures.fieldViolations;
import static io.factorytwin.lifecycle.DesignFixtures.place;
import static io.factorytwin.lifecycle.DesignFixtures.preconditionViolations;
import static io.factorytwin.lifecycle.DesignFixtures.reason;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.FieldMask;
import com.google.rpc.PreconditionFailure;
import io.factorytwin.common.v1.EquipmentClass;
import io.factorytwin.common.v1.OperatingSetpoints;
import io.factorytwin.lifecycle.v1.ApplyChangeNoticeRequest;
import io.factorytwin.lifecycle.v1.ApplyChangeNoticeResponse;
import io.factorytwin.lifecycle.v1.ApproveChangeNoticeRequest;
import io.factorytwin.lifecycle.v1.ChangeNotice;
import io.factorytwin.lifecycle.v1.CreateChangeNoticeRequest;
import io.factorytwin.lifecycle.v1.DeleteChangeNoticeRequest;
import io.factorytwin.lifecycle.v1.DesignEdit;
import io.factorytwin.lifecycle.v1.DesignRevision;
import io.factorytwin.lifecycle.v1.ElementReference;
import io.factorytwin.lifecycle.v1.GetChangeNoticeRequest;
import io.factorytwin.lifecycle.v1.GetDesignRequest;
import io.factorytwin.lifecycle.v1.GetDesignRevisionRequest;
import io.factorytwin.lifecycle.v1.LifecycleServiceGrpc;
import io.factorytwin.lifecycle.v1.ListChangeNoticesRequest;
import io.factorytwin.lifecycle.v1.ListPlacementsRequest;
import io.factorytwin.lifecycle.v1.PartSubstitution;
import io.factorytwin.lifecycle.v1.RejectChangeNoticeRequest;
import io.factorytwin.lifecycle.v1.ReleaseDesignRevisionRequest;
import io.factorytwin.lifecycle.v1.RevisionState;
import io.factorytwin.lifecycle.v1.SubmitChangeNoticeRequest;
import io.factorytwin.lifecycle.v1.SubmitDesignRevisionRequest;
import io.factorytwin.lifecycle.v1.UpdateChangeNoticeRequest;
import io.factorytwin.testing.GrpcClients;
import io.factorytwin.testing.PostgresDatabase;
import io.factorytwin.testing.TestKeys;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(PostgresDatabase.class)
@WithTestResource(TestKeys.class)
class ChangeNoticeGrpcTest {

  @ConfigProperty(name = "quarkus.http.test-port")
  int port;

  @ConfigProperty(name = "quarkus.datasource.jdbc.url")
  String jdbcUrl;

  private ManagedChannel channel;
  private DesignFixtures fixtures;
  private LifecycleServiceGrpc.LifecycleServiceBlockingStub alice;
  private LifecycleServiceGrpc.LifecycleServiceBlockingStub bob;

  @BeforeEach
  void openChannel() {
    channel = GrpcClients.channel(port);
    fixtures = new DesignFixtures(channel, jdbcUrl).withReleasedCatalog();
    alice = fixtures.alice;
    bob =
        LifecycleServiceGrpc.newBlockingStub(channel)
            .withCallCredentials(GrpcClients.bearer(TestKeys.token("bob", "operator")))
            .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void disconnect() {
    GrpcClients.close(channel);
  }

  @Test
  void changeNotice_endToEnd() {
    DesignRevision a = aReleasedRevision();
    String newRack =
        fixtures.released(EquipmentClass.EQUIPMENT_CLASS_RACK_SYSTEM, DesignFixtures.rackSpec());
    List<DesignEdit> edits = List.of(substitute(fixtures.rack, newRack), tcsSupplyAt(32));

    ChangeNotice created = create(a, DesignFixtures.newId("change"), edits);
    ChangeNotice submitted = alice.submitChangeNotice(submit(created));
    ChangeNotice approved =
        bob.approveChangeNotice(
            ApproveChangeNoticeRequest.newBuilder()
                .setName(submitted.getName())
                .setEtag(submitted.getEtag())
                .setComment("the new rack revision is released")
                .build());
    ApplyChangeNoticeResponse applied = alice.applyChangeNotice(apply(approved));
    DesignRevision b = applied.getResultingRevision();
    DesignRevision base = revision(a.getName());
    String releasedRevision =
        alice
            .getDesign(GetDesignRequest.newBuilder().setName(designName(a)).build())
            .getReleasedRevision();
    List<String> rackParts =
        alice
            .listPlacements(
                ListPlacementsRequest.newBuilder()
                    .setParent(b.getName())
                    .setFilter("id = \"hall-1.row-1.rack-1\" OR id = \"hall-1.row-1.rack-2\"")
                    .build())
            .getPlacementsList()
            .stream()
            .map(placement -> placement.getPartRevision())
            .toList();

    assertThat(created.getState()).isEqualTo(ChangeNotice.State.STATE_DRAFT);
    assertThat(created.getAuthor()).isEqualTo("alice");
    assertThat(created.getBaseRevisionEtag()).isEqualTo(a.getEtag());
    assertThat(created.getAffectedElementsList())
        .containsExactly(
            reference(ElementReference.Kind.KIND_PLACEMENT, "hall-1.row-1.rack-1"),
            reference(ElementReference.Kind.KIND_PLACEMENT, "hall-1.row-1.rack-2"),
            reference(ElementReference.Kind.KIND_SETPOINTS, ""),
            reference(ElementReference.Kind.KIND_PART_REVISION, fixtures.rack));
    assertThat(created.getResultingElementsList())
        .containsExactly(
            reference(ElementReference.Kind.KIND_PLACEMENT, "hall-1.row-1.rack-1"),
            reference(ElementReference.Kind.KIND_PLACEMENT, "hall-1.row-1.rack-2"),
            reference(ElementReference.Kind.KIND_SETPOINTS, ""),
            reference(ElementReference.Kind.KIND_PART_REVISION, newRack));
    assertThat(submitted.getState()).isEqualTo(ChangeNotice.State.STATE_UNDER_REVIEW);
    assertThat(approved.getState()).isEqualTo(ChangeNotice.State.STATE_APPROVED);
    assertThat(approved.getReviewer()).isEqualTo("bob");
    assertThat(approved.getReviewComment()).isEqualTo("the new rack revision is released");
    assertThat(approved.hasReviewTime()).isTrue();
    assertThat(applied.getChangeNotice().getState()).isEqualTo(ChangeNotice.State.STATE_APPLIED);
    assertThat(applied.getChangeNotice().getResultingRevision()).isEqualTo(b.getName());
    assertThat(applied.getChangeNotice().hasApplyTime()).isTrue();
    assertThat(b.getName()).isEqualTo(designName(a) + "/revisions/b");
    assertThat(b.getState()).isEqualTo(RevisionState.REVISION_STATE_RELEASED);
    assertThat(b.getChangeNotice()).isEqualTo(created.getName());
    assertThat(b.getAuthor()).isEqualTo("alice");
    assertThat(b.getReleaser()).isEqualTo("bob");
    assertThat(b.getChangeSummary()).isEqualTo(created.getTitle());
    assertThat(b.getPlacementCount()).isEqualTo(7);
    assertThat(b.getConnectionCount()).isEqualTo(7);
    assertThat(b.getItDesignPowerKw()).isEqualTo(240.0);
    assertThat(b.getSetpoints().getTcsSupplyTemperatureC()).isEqualTo(32.0);
    assertThat(revision(b.getName())).isEqualTo(b);
    assertThat(rackParts).containsExactly(newRack, newRack);
    assertThat(base.getState()).isEqualTo(RevisionState.REVISION_STATE_SUPERSEDED);
    assertThat(releasedRevision).isEqualTo(b.getName());
  }

  @Test
  void approve_byAuthor_isDenied() {
    ChangeNotice submitted =
        alice.submitChangeNotice(
            submit(create(aReleasedRevision(), DesignFixtures.newId("change"), tcsEdit())));
    String before = row(submitted);

    StatusRuntimeException failure =
        fail(
            () ->
                alice.approveChangeNotice(
                    ApproveChangeNoticeRequest.newBuilder()
                        .setName(submitted.getName())
                        .setEtag(submitted.getEtag())
                        .build()));

    assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(reason(failure)).isEqualTo("SELF_APPROVAL_FORBIDDEN");
    assertThat(row(submitted)).isEqualTo(before);
  }

  @Test
  void illegalTransitions_failWithPreconditionFailure() {
    DesignRevision a = aReleasedRevision();
    ChangeNotice draft = create(a, DesignFixtures.newId("change"), tcsEdit());
    ChangeNotice empty = create(a, DesignFixtures.newId("change"), List.of());
    String draftBefore = row(draft);
    String emptyBefore = row(empty);

    List<StatusRuntimeException> failures = new ArrayList<>();
    failures.add(fail(() -> bob.approveChangeNotice(approve(draft))));
    failures.add(fail(() -> bob.rejectChangeNotice(reject(draft))));
    failures.add(fail(() -> alice.applyChangeNotice(apply(draft))));
    failures.add(fail(() -> alice.submitChangeNotice(submit(empty))));
    String draftAfter = row(draft);
    String emptyAfter = row(empty);
    ChangeNotice underReview = alice.submitChangeNotice(submit(draft));
    failures.add(fail(() -> alice.submitChangeNotice(submit(underReview))));
    failures.add(fail(() -> alice.applyChangeNotice(apply(underReview))));
    ChangeNotice rejected = bob.rejectChangeNotice(reject(underReview));
    failures.add(fail(() -> bob.approveChangeNotice(approve(rejected))));
    String rejectedBefore = row(rejected);
    StatusRuntimeException update =
        fail(
            () ->
                alice.updateChangeNotice(
                    UpdateChangeNoticeRequest.newBuilder()
                        .setChangeNotice(rejected.toBuilder().setTitle("again"))
                        .setUpdateMask(FieldMask.newBuilder().addPaths("title"))
                        .build()));
    StatusRuntimeException delete =
        fail(
            () ->
                alice.deleteChangeNotice(
                    DeleteChangeNoticeRequest.newBuilder()
                        .setName(rejected.getName())
                        .setEtag(rejected.getEtag())
                        .build()));

    for (StatusRuntimeException failure : failures) {
      assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
      assertThat(reason(failure)).isEqualTo("ILLEGAL_STATE_TRANSITION");
      List<PreconditionFailure.Violation> violations = preconditionViolations(failure);
      assertThat(violations).hasSize(1);
      assertThat(violations.getFirst().getSubject()).startsWith(designName(a) + "/changes/");
    }
    assertThat(preconditionViolations(failures.get(3)).getFirst().getType())
        .isEqualTo("REQUIRED_FIELD");
    assertThat(rejected.getState()).isEqualTo(ChangeNotice.State.STATE_REJECTED);
    assertThat(rejected.getReviewer()).isEqualTo("bob");
    assertThat(update.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(reason(update)).isEqualTo("REVISION_IMMUTABLE");
    assertThat(delete.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(draftAfter).isEqualTo(draftBefore);
    assertThat(emptyAfter).isEqualTo(emptyBefore);
    assertThat(row(rejected)).isEqualTo(rejectedBefore);
  }

  @Test
  void racingChanges_secondIsAborted() throws Exception {
    DesignRevision a = aReleasedRevision();
    ChangeNotice first = approved(create(a, DesignFixtures.newId("change"), tcsEdit()));
    ChangeNotice second =
        approved(create(a, DesignFixtures.newId("change"), List.of(tcsSupplyAt(28))));
    CountDownLatch start = new CountDownLatch(1);

    List<CompletableFuture<Status.Code>> outcomes = new ArrayList<>();
    for (ChangeNotice change : List.of(first, second)) {
      outcomes.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  start.await();
                  alice.applyChangeNotice(apply(change));
                  return Status.Code.OK;
                } catch (StatusRuntimeException e) {
                  assertThat(reason(e)).isEqualTo("ETAG_MISMATCH");
                  return e.getStatus().getCode();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  throw new IllegalStateException(e);
                }
              }));
    }
    start.countDown();
    List<Status.Code> codes = new ArrayList<>();
    for (CompletableFuture<Status.Code> outcome : outcomes) {
      codes.add(outcome.get(60, TimeUnit.SECONDS));
    }
    ChangeNotice loser =
        notice(first).getState() == ChangeNotice.State.STATE_APPROVED
            ? notice(first)
            : notice(second);
    StatusRuntimeException retry = fail(() -> alice.applyChangeNotice(apply(loser)));

    assertThat(codes).containsExactlyInAnyOrder(Status.Code.OK, Status.Code.ABORTED);
    assertThat(List.of(notice(first).getState(), notice(second).getState()))
        .containsExactlyInAnyOrder(
            ChangeNotice.State.STATE_APPLIED, ChangeNotice.State.STATE_APPROVED);
    assertThat(retry.getStatus().getCode()).isEqualTo(Status.Code.ABORTED);
    assertThat(reason(retry)).isEqualTo("ETAG_MISMATCH");
    assertThat(
            fixtures.count(
                "select count(*) from design_revision where design_id = '"
                    + a.getName().split("/")[1]
                    + "'"))
        .isEqualTo(2);
  }

  @Test
  void create_badInput_isRejectedAndStoresNothing() {
    DesignRevision a = aReleasedRevision();
    DesignRevision other = aReleasedRevision();
    DesignRevision inWork = fixtures.anEmptyRevision();
    long before = fixtures.count("select count(*) from change_notice");

    StatusRuntimeException fields =
        fail(
            () ->
                alice.createChangeNotice(
                    CreateChangeNoticeRequest.newBuilder()
                        .setParent(designName(a))
                        .setChangeNoticeId("Bad_Id")
                        .setChangeNotice(ChangeNotice.newBuilder().setBaseRevision(a.getName()))
                        .build()));
    StatusRuntimeException title =
        fail(
            () ->
                alice.createChangeNotice(
                    CreateChangeNoticeRequest.newBuilder()
                        .setParent(designName(a))
                        .setChangeNoticeId(DesignFixtures.newId("change"))
                        .setChangeNotice(
                            ChangeNotice.newBuilder()
                                .setTitle("x".repeat(10 * 1024))
                                .setDescription("y".repeat(16_385))
                                .setBaseRevision(a.getName()))
                        .build()));
    StatusRuntimeException otherDesign =
        fail(() -> create(a, other.getName(), DesignFixtures.newId("change"), tcsEdit()));
    StatusRuntimeException notApplicable =
        fail(
            () ->
                create(
                    a,
                    DesignFixtures.newId("change"),
                    List.of(
                        tcsSupplyAt(30),
                        DesignEdit.newBuilder().setRemoveConnection("no-such-connection").build(),
                        place("hall-9.rack-1", fixtures.rack))));
    StatusRuntimeException nonFinite =
        fail(
            () ->
                create(
                    a,
                    DesignFixtures.newId("change"),
                    List.of(tcsSupplyAt(Double.POSITIVE_INFINITY))));
    StatusRuntimeException notReleased =
        fail(() -> create(inWork, DesignFixtures.newId("change"), tcsEdit()));
    ChangeNotice existing = create(a, DesignFixtures.newId("change"), tcsEdit());
    StatusRuntimeException duplicate =
        fail(() -> create(a, existing.getName().split("/")[3], tcsEdit()));

    assertThat(fields.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(fieldViolations(fields)).containsExactly("change_notice_id");
    assertThat(fieldViolations(title))
        .containsExactlyInAnyOrder("change_notice.title", "change_notice.description");
    assertThat(fieldViolations(otherDesign)).containsExactly("change_notice.base_revision");
    assertThat(notApplicable.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(fieldViolations(notApplicable))
        .containsExactly(
            "change_notice.edits[1].remove_connection",
            "change_notice.edits[2].upsert_placement.id");
    assertThat(fieldViolations(nonFinite))
        .containsExactly("change_notice.edits[0].update_setpoints.tcs_supply_temperature_c");
    assertThat(notReleased.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(reason(notReleased)).isEqualTo("ILLEGAL_STATE_TRANSITION");
    assertThat(duplicate.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
    assertThat(fixtures.count("select count(*) from change_notice")).isEqualTo(before + 1);
  }

  @Test
  void submit_withDesignErrors_fails() {
    ChangeNotice draft =
        create(
            aReleasedRevision(),
            DesignFixtures.newId("change"),
            List.of(place("hall-1.spare-cdu", fixtures.cdu)));
    String before = row(draft);

    StatusRuntimeException failure = fail(() -> alice.submitChangeNotice(submit(draft)));

    assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(reason(failure)).isEqualTo("DESIGN_CHECK_FAILED");
    assertThat(preconditionViolations(failure))
        .extracting(PreconditionFailure.Violation::getSubject)
        .containsExactly("hall-1.spare-cdu");
    assertThat(row(draft)).isEqualTo(before);
  }

  @Test
  void updateAndList_workOnDrafts() {
    DesignRevision a = aReleasedRevision();
    ChangeNotice draft = create(a, DesignFixtures.newId("change"), List.of());
    ChangeNotice other = approved(create(a, DesignFixtures.newId("change"), tcsEdit()));

    ChangeNotice updated =
        alice.updateChangeNotice(
            UpdateChangeNoticeRequest.newBuilder()
                .setChangeNotice(
                    draft.toBuilder().setTitle("Warmer water").clearEdits().addAllEdits(tcsEdit()))
                .setUpdateMask(FieldMask.newBuilder().addPaths("title").addPaths("edits"))
                .build());
    StatusRuntimeException stale =
        fail(
            () ->
                alice.updateChangeNotice(
                    UpdateChangeNoticeRequest.newBuilder()
                        .setChangeNotice(draft.toBuilder().setTitle("stale"))
                        .setUpdateMask(FieldMask.newBuilder().addPaths("title"))
                        .build()));
    List<String> approvedNames =
        alice
            .listChangeNotices(
                ListChangeNoticesRequest.newBuilder()
                    .setParent(designName(a))
                    .setFilter("state = STATE_APPROVED AND reviewer = \"bob\"")
                    .build())
            .getChangeNoticesList()
            .stream()
            .map(ChangeNotice::getName)
            .toList();

    assertThat(updated.getTitle()).isEqualTo("Warmer water");
    assertThat(updated.getEditsList()).isEqualTo(tcsEdit());
    assertThat(updated.getResultingElementsList())
        .containsExactly(reference(ElementReference.Kind.KIND_SETPOINTS, ""));
    assertThat(updated.getEtag()).isNotEqualTo(draft.getEtag());
    assertThat(stale.getStatus().getCode()).isEqualTo(Status.Code.ABORTED);
    assertThat(reason(stale)).isEqualTo("ETAG_MISMATCH");
    assertThat(approvedNames).containsExactly(other.getName());
  }

  private DesignRevision aReleasedRevision() {
    DesignRevision edited = fixtures.edit(fixtures.anEmptyRevision(), fixtures.aHallWithTwoRacks());
    DesignRevision submitted =
        alice.submitDesignRevision(
            SubmitDesignRevisionRequest.newBuilder()
                .setName(edited.getName())
                .setEtag(edited.getEtag())
                .build());
    return alice.releaseDesignRevision(
        ReleaseDesignRevisionRequest.newBuilder()
            .setName(submitted.getName())
            .setEtag(submitted.getEtag())
            .build());
  }

  private ChangeNotice create(DesignRevision base, String changeId, List<DesignEdit> edits) {
    return create(base, base.getName(), changeId, edits);
  }

  private ChangeNotice create(
      DesignRevision parent, String baseRevision, String changeId, List<DesignEdit> edits) {
    return alice.createChangeNotice(
        CreateChangeNoticeRequest.newBuilder()
            .setParent(designName(parent))
            .setChangeNoticeId(changeId)
            .setChangeNotice(
                ChangeNotice.newBuilder()
                    .setTitle("Change " + changeId)
                    .setBaseRevision(baseRevision)
                    .addAllEdits(edits))
            .setRequestId(UUID.randomUUID().toString())
            .build());
  }

  /** Submits as alice and approves as bob. */
  private ChangeNotice approved(ChangeNotice draft) {
    return bob.approveChangeNotice(approve(alice.submitChangeNotice(submit(draft))));
  }

  private ChangeNotice notice(ChangeNotice change) {
    return alice.getChangeNotice(
        GetChangeNoticeRequest.newBuilder().setName(change.getName()).build());
  }

  private DesignRevision revision(String name) {
    return alice.getDesignRevision(GetDesignRevisionRequest.newBuilder().setName(name).build());
  }

  /** Returns the change notice's row as text, to prove that a failed call changed nothing. */
  private String row(ChangeNotice change) {
    String[] segments = change.getName().split("/");
    String sql =
        "select c::text from change_notice c where design_id = '"
            + segments[1]
            + "' and change_id = '"
            + segments[3]
            + "'";
    try (var connection = DriverManager.getConnection(jdbcUrl, PostgresDatabase.user(), "");
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      assertThat(rows.next()).as("row of " + change.getName()).isTrue();
      return rows.getString(1);
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }

  private static String designName(DesignRevision revision) {
    return revision.getName().substring(0, revision.getName().indexOf("/revisions"));
  }

  private static List<DesignEdit> tcsEdit() {
    return List.of(tcsSupplyAt(30));
  }

  private static DesignEdit tcsSupplyAt(double temperatureC) {
    return DesignEdit.newBuilder()
        .setUpdateSetpoints(OperatingSetpoints.newBuilder().setTcsSupplyTemperatureC(temperatureC))
        .build();
  }

  private static DesignEdit substitute(String from, String to) {
    return DesignEdit.newBuilder()
        .setSubstitutePart(
            PartSubstitution.newBuilder().setFromPartRevision(from).setToPartRevision(to))
        .build();
  }

  private static ElementReference reference(ElementReference.Kind kind, String id) {
    return ElementReference.newBuilder().setKind(kind).setId(id).build();
  }

  private static SubmitChangeNoticeRequest submit(ChangeNotice change) {
    return SubmitChangeNoticeRequest.newBuilder()
        .setName(change.getName())
        .setEtag(change.getEtag())
        .build();
  }

  private static ApproveChangeNoticeRequest approve(ChangeNotice change) {
    return ApproveChangeNoticeRequest.newBuilder()
        .setName(change.getName())
        .setEtag(change.getEtag())
        .build();
  }

  private static RejectChangeNoticeRequest reject(ChangeNotice change) {
    return RejectChangeNoticeRequest.newBuilder()
        .setName(change.getName())
        .setEtag(change.getEtag())
        .setComment("the supply temperature needs a CDU check first")
        .build();
  }

  private static ApplyChangeNoticeRequest apply(ChangeNotice change) {
    return ApplyChangeNoticeRequest.newBuilder()
        .setName(change.getName())
        .setEtag(change.getEtag())
        .build();
  }
}
