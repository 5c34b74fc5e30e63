package io.factorytwin.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.FieldMask;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.PreconditionFailure;
import io.factorytwin.common.v1.EquipmentClass;
import io.factorytwin.common.v1.EquipmentSpec;
import io.factorytwin.common.v1.PortDomain;
import io.factorytwin.common.v1.PortSpec;
import io.factorytwin.common.v1.RackSpec;
import io.factorytwin.lifecycle.v1.CreatePartRequest;
import io.factorytwin.lifecycle.v1.CreatePartRevisionRequest;
import io.factorytwin.lifecycle.v1.DeletePartRequest;
import io.factorytwin.lifecycle.v1.GetPartRequest;
import io.factorytwin.lifecycle.v1.LifecycleServiceGrpc;
import io.factorytwin.lifecycle.v1.ListPartRevisionsRequest;
import io.factorytwin.lifecycle.v1.ListPartsRequest;
import io.factorytwin.lifecycle.v1.ListPartsResponse;
import io.factorytwin.lifecycle.v1.ObsoletePartRevisionRequest;
import io.factorytwin.lifecycle.v1.Part;
import io.factorytwin.lifecycle.v1.PartRevision;
import io.factorytwin.lifecycle.v1.RejectPartRevisionRequest;
import io.factorytwin.lifecycle.v1.ReleasePartRevisionRequest;
import io.factorytwin.lifecycle.v1.RevisionState;
import io.factorytwin.lifecycle.v1.SpecSource;
import io.factorytwin.lifecycle.v1.SubmitPartRevisionRequest;
import io.factorytwin.lifecycle.v1.UpdatePartRequest;
import io.factorytwin.lifecycle.v1.UpdatePartRevisionRequest;
import io.factorytwin.testing.GrpcClients;
import io.factorytwin.testing.PostgresDatabase;
import io.factorytwin.testing.TestKeys;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(PostgresDatabase.class)
@WithTestResource(TestKeys.class)
class PartCatalogGrpcTest {

  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  @ConfigProperty(name = "quarkus.http.test-port")
  int port;

  @ConfigProperty(name = "quarkus.datasource.jdbc.url")
  String jdbcUrl;

  private ManagedChannel channel;
  private LifecycleServiceGrpc.LifecycleServiceBlockingStub alice;
  private LifecycleServiceGrpc.LifecycleServiceBlockingStub bob;

  @BeforeEach
  void connect() {
    channel = GrpcClients.channel(port);
    alice = stub("alice");
    bob = stub("bob");
  }

  @AfterEach
  void disconnect() {
    GrpcClients.close(channel);
  }

  @Test
  void revision_wholeLifecycle() {
    Part part = createPart(aRackPart());
    PartRevision a = createRevision(part, aRackRevision());

    PartRevision submitted = alice.submitPartRevision(submit(a));
    PartRevision released =
        bob.releasePartRevision(
            ReleasePartRevisionRequest.newBuilder()
                .setName(a.getName())
                .setEtag(submitted.getEtag())
                .build());
    PartRevision b =
        alice.createPartRevision(
            CreatePartRevisionRequest.newBuilder()
                .setParent(part.getName())
                .setCopyFrom(a.getName())
                .build());
    PartRevision bReleased = bob.releasePartRevision(release(alice.submitPartRevision(submit(b))));
    PartRevision aNow = get(a.getName());
    PartRevision obsolete =
        alice.obsoletePartRevision(
            ObsoletePartRevisionRequest.newBuilder()
                .setName(aNow.getName())
                .setEtag(aNow.getEtag())
                .build());
    Part partNow = alice.getPart(GetPartRequest.newBuilder().setName(part.getName()).build());

    assertThat(a.getName()).isEqualTo(part.getName() + "/revisions/a");
    assertThat(a.getRevisionLabel()).isEqualTo("A");
    assertThat(a.getState()).isEqualTo(RevisionState.REVISION_STATE_IN_WORK);
    assertThat(a.getAuthor()).isEqualTo("alice");
    assertThat(submitted.getState()).isEqualTo(RevisionState.REVISION_STATE_UNDER_REVIEW);
    assertThat(submitted.getEtag()).isNotEqualTo(a.getEtag());
    assertThat(released.getState()).isEqualTo(RevisionState.REVISION_STATE_RELEASED);
    assertThat(released.getReleaser()).isEqualTo("bob");
    assertThat(released.hasReleaseTime()).isTrue();
    assertThat(b.getRevisionLabel()).isEqualTo("B");
    assertThat(b.getSpec()).isEqualTo(a.getSpec());
    assertThat(b.getPortsList()).isEqualTo(a.getPortsList());
    assertThat(bReleased.getState()).isEqualTo(RevisionState.REVISION_STATE_RELEASED);
    assertThat(aNow.getState()).isEqualTo(RevisionState.REVISION_STATE_SUPERSEDED);
    assertThat(obsolete.getState()).isEqualTo(RevisionState.REVISION_STATE_OBSOLETE);
    assertThat(partNow.getLatestRevision()).isEqualTo(b.getName());
    assertThat(partNow.getReleasedRevision()).isEqualTo(b.getName());
  }

  @Test
  void rejectedRevision_returnsToWork() {
    Part part = createPart(aRackPart());
    PartRevision submitted =
        alice.submitPartRevision(submit(createRevision(part, aRackRevision())));

    PartRevision rejected =
        bob.rejectPartRevision(
            RejectPartRevisionRequest.newBuilder()
                .setName(submitted.getName())
                .setEtag(submitted.getEtag())
                .setComment("heat_to_liquid_fraction needs a source")
                .build());

    assertThat(rejected.getState()).isEqualTo(RevisionState.REVISION_STATE_IN_WORK);
  }

  @Test
  void illegalTransitions_failWithPreconditionFailure() {
    Part part = createPart(aRackPart());
    PartRevision inWork = createRevision(part, aRackRevision());
    String inWorkRow = revisionRow(inWork.getName());

    List<StatusRuntimeException> failures =
        List.of(
            fail(() -> alice.releasePartRevision(release(inWork))),
            fail(() -> alice.obsoletePartRevision(obsolete(inWork))),
            fail(
                () ->
                    alice.rejectPartRevision(
                        RejectPartRevisionRequest.newBuilder()
                            .setName(inWork.getName())
                            .setEtag(inWork.getEtag())
                            .setComment("no")
                            .build())));
    String inWorkRowAfter = revisionRow(inWork.getName());
    PartRevision underReview = alice.submitPartRevision(submit(inWork));
    failures = new ArrayList<>(failures);
    failures.add(fail(() -> alice.submitPartRevision(submit(underReview))));
    failures.add(fail(() -> alice.obsoletePartRevision(obsolete(underReview))));
    PartRevision released = alice.releasePartRevision(release(underReview));
    failures.add(fail(() -> alice.submitPartRevision(submit(released))));
    failures.add(fail(() -> alice.releasePartRevision(release(released))));
    PartRevision obsolete = alice.obsoletePartRevision(obsolete(released));
    failures.add(fail(() -> alice.obsoletePartRevision(obsolete(obsolete))));
    failures.add(fail(() -> alice.releasePartRevision(release(obsolete))));

    for (StatusRuntimeException failure : failures) {
      assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
      assertThat(reason(failure)).isEqualTo("ILLEGAL_STATE_TRANSITION");
      assertThat(preconditionViolations(failure)).hasSize(1);
      assertThat(preconditionViolations(failure).getFirst().getDescription())
          .startsWith("revision is ");
    }
    assertThat(get(inWork.getName()).getState()).isEqualTo(RevisionState.REVISION_STATE_OBSOLETE);
    assertThat(inWorkRowAfter).isEqualTo(inWorkRow);
  }

  @Test
  void releasedRevision_rejectsEdits() {
    Part part = createPart(aRackPart());
    PartRevision released =
        alice.releasePartRevision(
            release(alice.submitPartRevision(submit(createRevision(part, aRackRevision())))));
    String before = revisionRow(released.getName());

    StatusRuntimeException update =
        fail(
            () ->
                alice.updatePartRevision(
                    UpdatePartRevisionRequest.newBuilder()
                        .setPartRevision(
                            released.toBuilder().setChangeSummary("quietly changed").build())
                        .setUpdateMask(FieldMask.newBuilder().addPaths("change_summary"))
                        .build()));
    StatusRuntimeException delete =
        fail(
            () ->
                alice.deletePartRevision(
                    io.factorytwin.lifecycle.v1.DeletePartRevisionRequest.newBuilder()
                        .setName(released.getName())
                        .setEtag(released.getEtag())
                        .build()));
    StatusRuntimeException deletePart =
        fail(
            () ->
                alice.deletePart(
                    DeletePartRequest.newBuilder()
                        .setName(part.getName())
                        .setEtag(part.getEtag())
                        .build()));

    for (StatusRuntimeException failure : List.of(update, delete, deletePart)) {
      assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
      assertThat(reason(failure)).isEqualTo("REVISION_IMMUTABLE");
      assertThat(preconditionViolations(failure)).isNotEmpty();
    }
    assertThat(revisionRow(released.getName())).isEqualTo(before);
  }

  @Test
  void inWorkRevision_updatesAndDeletes() {
    Part part = createPart(aRackPart());
    PartRevision a = createRevision(part, aRackRevision());

    PartRevision updated =
        alice.updatePartRevision(
            UpdatePartRevisionRequest.newBuilder()
                .setPartRevision(
                    a.toBuilder()
                        .setChangeSummary("first issue")
                        .setSpec(a.getSpec().toBuilder().setDesignPowerKw(100)))
                .setUpdateMask(FieldMask.newBuilder().addPaths("change_summary"))
                .build());
    alice.deletePartRevision(
        io.factorytwin.lifecycle.v1.DeletePartRevisionRequest.newBuilder()
            .setName(updated.getName())
            .setEtag(updated.getEtag())
            .build());

    assertThat(updated.getChangeSummary()).isEqualTo("first issue");
    assertThat(updated.getSpec()).isEqualTo(a.getSpec());
    assertThat(count("select count(*) from part_revision where part_id = '" + id(part) + "'"))
        .isZero();
  }

  @Test
  void staleEtag_isAborted() {
    Part part = createPart(aRackPart());
    PartRevision a = createRevision(part, aRackRevision());
    Part renamed =
        alice.updatePart(
            UpdatePartRequest.newBuilder()
                .setPart(part.toBuilder().setDisplayName("GB200 NVL72, liquid cooled"))
                .setUpdateMask(FieldMask.newBuilder().addPaths("display_name"))
                .build());
    alice.submitPartRevision(submit(a));

    StatusRuntimeException partFailure =
        fail(
            () ->
                alice.updatePart(
                    UpdatePartRequest.newBuilder()
                        .setPart(part.toBuilder().setDisplayName("stale write"))
                        .setUpdateMask(FieldMask.newBuilder().addPaths("display_name"))
                        .build()));
    StatusRuntimeException revisionFailure = fail(() -> alice.submitPartRevision(submit(a)));

    assertThat(renamed.getEtag()).isNotEqualTo(part.getEtag());
    assertThat(partFailure.getStatus().getCode()).isEqualTo(Status.Code.ABORTED);
    assertThat(reason(partFailure)).isEqualTo("ETAG_MISMATCH");
    assertThat(revisionFailure.getStatus().getCode()).isEqualTo(Status.Code.ABORTED);
    assertThat(
            count(
                "select count(*) from part where display_name = 'GB200 NVL72, liquid cooled'"
                    + " and id = '"
                    + id(part)
                    + "'"))
        .isEqualTo(1);
  }

  @Test
  void createPart_badInput_isInvalid() {
    String takenId = createPart(aRackPart()).getName().substring("parts/".length());
    long before = count("select count(*) from part");

    StatusRuntimeException unknownClass =
        fail(
            () ->
                alice.createPart(
                    aRackPart().toBuilder()
                        .setPartId(newId())
                        .setPart(aRack().setEquipmentClassValue(99))
                        .build()));
    StatusRuntimeException container =
        fail(
            () ->
                alice.createPart(
                    aRackPart().toBuilder()
                        .setPart(aRack().setEquipmentClass(EquipmentClass.EQUIPMENT_CLASS_HALL))
                        .build()));
    StatusRuntimeException longName =
        fail(
            () ->
                alice.createPart(
                    aRackPart().toBuilder()
                        .setPart(aRack().setDisplayName("x".repeat(10_240)))
                        .build()));
    StatusRuntimeException badId =
        fail(() -> alice.createPart(aRackPart().toBuilder().setPartId("Rack_1").build()));
    StatusRuntimeException duplicate =
        fail(() -> alice.createPart(aRackPart().toBuilder().setPartId(takenId).build()));

    assertThat(fieldViolations(unknownClass)).containsExactly("part.equipment_class");
    assertThat(fieldViolations(container)).containsExactly("part.equipment_class");
    assertThat(fieldViolations(longName)).containsExactly("part.display_name");
    assertThat(fieldViolations(badId)).containsExactly("part_id");
    for (StatusRuntimeException failure : List.of(unknownClass, container, longName, badId)) {
      assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(reason(failure)).isEqualTo("INVALID_FIELD");
    }
    assertThat(duplicate.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
    assertThat(count("select count(*) from part")).isEqualTo(before);
  }

  @Test
  void createRevision_badSpec_isInvalid() {
    Part part = createPart(aRackPart());
    EquipmentSpec good = aRackRevision().getSpec();
    List<PartRevision> bad =
        List.of(
            aRackRevision().toBuilder().setSpec(good.toBuilder().setRatedPowerKw(-120)).build(),
            aRackRevision().toBuilder()
                .setSpec(good.toBuilder().setRatedPowerKw(Double.NaN))
                .build(),
            aRackRevision().toBuilder()
                .setSpec(good.toBuilder().setDesignPowerKw(Double.POSITIVE_INFINITY))
                .build(),
            aRackRevision().toBuilder()
                .setSpec(good.toBuilder().setHeatToLiquidFraction(1.2))
                .build(),
            aRackRevision().toBuilder()
                .setSpec(good.toBuilder().setCoolingCapacityKw(1350))
                .build(),
            aRackRevision().toBuilder()
                .setSpec(good.toBuilder().setRack(good.getRack().toBuilder().setGpuCount(0)))
                .build(),
            aRackRevision().toBuilder().addPorts(aRackRevision().getPorts(0)).build(),
            aRackRevision().toBuilder()
                .addSources(SpecSource.newBuilder().setField("rack.gpu_watts").setCitation("x"))
                .build());
    List<String> expected =
        List.of(
            "part_revision.spec.rated_power_kw",
            "part_revision.spec.rated_power_kw",
            "part_revision.spec.design_power_kw",
            "part_revision.spec.heat_to_liquid_fraction",
            "part_revision.spec.cooling_capacity_kw",
            "part_revision.spec.rack.gpu_count",
            "part_revision.ports[2].id",
            "part_revision.sources[1].field");

    for (int i = 0; i < bad.size(); i++) {
      PartRevision revision = bad.get(i);
      StatusRuntimeException failure =
          fail(
              () ->
                  alice.createPartRevision(
                      CreatePartRevisionRequest.newBuilder()
                          .setParent(part.getName())
                          .setPartRevision(revision)
                          .build()));

      assertThat(failure.getStatus().getCode())
          .as(expected.get(i))
          .isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(fieldViolations(failure)).as(expected.get(i)).contains(expected.get(i));
    }
    assertThat(count("select count(*) from part_revision where part_id = '" + id(part) + "'"))
        .isZero();
  }

  @Test
  void submit_withoutRequiredSpec_namesMissingFields() {
    Part part = createPart(aRackPart());
    PartRevision empty =
        alice.createPartRevision(
            CreatePartRevisionRequest.newBuilder()
                .setParent(part.getName())
                .setPartRevision(
                    PartRevision.newBuilder()
                        .setSpec(EquipmentSpec.newBuilder().setRatedPowerKw(120)))
                .build());

    StatusRuntimeException failure = fail(() -> alice.submitPartRevision(submit(empty)));

    assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(preconditionViolations(failure))
        .extracting(PreconditionFailure.Violation::getDescription)
        .anySatisfy(d -> assertThat(d).startsWith("spec.heat_to_liquid_fraction is required"))
        .anySatisfy(d -> assertThat(d).startsWith("spec.rack is required"));
    assertThat(get(empty.getName()).getState()).isEqualTo(RevisionState.REVISION_STATE_IN_WORK);
  }

  @Test
  void secondOpenRevision_isFailedPrecondition() {
    Part part = createPart(aRackPart());
    createRevision(part, aRackRevision());

    StatusRuntimeException failure =
        fail(
            () ->
                alice.createPartRevision(
                    CreatePartRevisionRequest.newBuilder().setParent(part.getName()).build()));

    assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(preconditionViolations(failure)).hasSize(1);
    assertThat(count("select count(*) from part_revision where part_id = '" + id(part) + "'"))
        .isEqualTo(1);
  }

  @Test
  void retriedCreate_returnsFirstResult() {
    String requestId = UUID.randomUUID().toString();
    CreatePartRequest request = aRackPart().toBuilder().setRequestId(requestId).build();

    Part first = alice.createPart(request);
    Part retry = alice.createPart(request);
    StatusRuntimeException reused =
        fail(
            () ->
                alice.createPart(
                    aRackPart().toBuilder().setPartId(newId()).setRequestId(requestId).build()));
    StatusRuntimeException malformed =
        fail(() -> alice.createPart(aRackPart().toBuilder().setRequestId("not-a-uuid").build()));

    assertThat(retry).isEqualTo(first);
    assertThat(reused.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(reason(reused)).isEqualTo("REQUEST_ID_REUSED");
    assertThat(fieldViolations(malformed)).containsExactly("request_id");
    assertThat(count("select count(*) from part where id = '" + id(first) + "'")).isEqualTo(1);
  }

  @Test
  void retriedRevisionCreate_createsOnce() {
    Part part = createPart(aRackPart());
    CreatePartRevisionRequest request =
        CreatePartRevisionRequest.newBuilder()
            .setParent(part.getName())
            .setPartRevision(aRackRevision())
            .setRequestId(UUID.randomUUID().toString())
            .build();

    PartRevision first = alice.createPartRevision(request);
    PartRevision retry = alice.createPartRevision(request);

    assertThat(retry).isEqualTo(first);
    assertThat(count("select count(*) from part_revision where part_id = '" + id(part) + "'"))
        .isEqualTo(1);
  }

  @Test
  void listParts_staysStableWhileRowsAreInserted() {
    String prefix = "page-" + SEQUENCE.incrementAndGet() + "-";
    for (int i = 0; i < 10; i++) {
      createPart(aRackPart().toBuilder().setPartId(prefix + "m" + i).build());
    }
    String filter = "display_name = \"GB200 NVL72\" AND manufacturer = \"NVIDIA\"";
    List<String> seen = new ArrayList<>();
    String token = "";
    int pages = 0;

    do {
      ListPartsResponse page =
          alice.listParts(
              ListPartsRequest.newBuilder()
                  .setPageSize(3)
                  .setPageToken(token)
                  .setFilter(filter)
                  .build());
      page.getPartsList().forEach(p -> seen.add(p.getName()));
      token = page.getNextPageToken();
      // One row sorts before the cursor and must never appear, one after it and must appear.
      createPart(aRackPart().toBuilder().setPartId(prefix + "a" + pages).build());
      createPart(aRackPart().toBuilder().setPartId(prefix + "z" + pages).build());
      pages++;
    } while (!token.isEmpty());

    List<String> ours = seen.stream().filter(n -> n.startsWith("parts/" + prefix)).toList();
    assertThat(ours).doesNotHaveDuplicates();
    assertThat(ours).isSorted();
    for (int i = 0; i < 10; i++) {
      assertThat(ours).contains("parts/" + prefix + "m" + i);
    }
    assertThat(ours).contains("parts/" + prefix + "z0");
    assertThat(ours).noneMatch(name -> name.startsWith("parts/" + prefix + "a"));
    assertThat(seen).doesNotHaveDuplicates();
  }

  @Test
  void listParts_filterAndOrder() {
    Part cdu =
        createPart(
            aRackPart().toBuilder()
                .setPart(
                    aRack()
                        .setEquipmentClass(EquipmentClass.EQUIPMENT_CLASS_CDU)
                        .setDisplayName("CDU 1350")
                        .setManufacturer("Vertiv"))
                .build());

    ListPartsResponse cdus =
        alice.listParts(
            ListPartsRequest.newBuilder()
                .setFilter("equipment_class = EQUIPMENT_CLASS_CDU")
                .setOrderBy("create_time desc")
                .build());
    StatusRuntimeException unknownField =
        fail(
            () -> alice.listParts(ListPartsRequest.newBuilder().setFilter("colour = red").build()));
    StatusRuntimeException badOrder =
        fail(() -> alice.listParts(ListPartsRequest.newBuilder().setOrderBy("weight").build()));
    StatusRuntimeException foreignToken =
        fail(
            () ->
                alice.listParts(
                    ListPartsRequest.newBuilder().setPageToken("bm90LWEtdG9rZW4").build()));

    assertThat(cdus.getPartsList()).extracting(Part::getName).contains(cdu.getName());
    assertThat(cdus.getPartsList())
        .allMatch(p -> p.getEquipmentClass() == EquipmentClass.EQUIPMENT_CLASS_CDU);
    assertThat(fieldViolations(unknownField)).containsExactly("filter");
    assertThat(fieldViolations(badOrder)).containsExactly("order_by");
    assertThat(fieldViolations(foreignToken)).containsExactly("page_token");
  }

  @Test
  void listRevisions_acrossAllParts() {
    Part part = createPart(aRackPart());
    PartRevision a = createRevision(part, aRackRevision());

    var all =
        alice.listPartRevisions(
            ListPartRevisionsRequest.newBuilder()
                .setParent("parts/-")
                .setFilter("state = REVISION_STATE_IN_WORK AND author = \"alice\"")
                .setPageSize(1000)
                .build());
    StatusRuntimeException unknownPart =
        fail(
            () ->
                alice.listPartRevisions(
                    ListPartRevisionsRequest.newBuilder().setParent("parts/no-such-part").build()));

    assertThat(all.getPartRevisionsList()).extracting(PartRevision::getName).contains(a.getName());
    assertThat(unknownPart.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
  }

  private LifecycleServiceGrpc.LifecycleServiceBlockingStub stub(String subject) {
    return LifecycleServiceGrpc.newBlockingStub(channel)
        .withCallCredentials(GrpcClients.bearer(TestKeys.token(subject, "operator")))
        .withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private static String newId() {
    return "rack-"
        + SEQUENCE.incrementAndGet()
        + "-"
        + UUID.randomUUID().toString().substring(0, 8);
  }

  private static Part.Builder aRack() {
    return Part.newBuilder()
        .setDisplayName("GB200 NVL72")
        .setEquipmentClass(EquipmentClass.EQUIPMENT_CLASS_RACK_SYSTEM)
        .setManufacturer("NVIDIA")
        .setModel("GB200 NVL72");
  }

  private static CreatePartRequest aRackPart() {
    return CreatePartRequest.newBuilder().setPartId(newId()).setPart(aRack()).build();
  }

  /** Builds a GB200 NVL72 revision: 72 GPUs at 1,200 W, 1.5 L/min per kW (OCP guidance). */
  private static PartRevision aRackRevision() {
    return PartRevision.newBuilder()
        .setSpec(
            EquipmentSpec.newBuilder()
                .setRatedPowerKw(132)
                .setDesignPowerKw(120)
                .setHeatToLiquidFraction(0.9)
                .setCoolantFlowLpmPerKw(1.5)
                .setRack(RackSpec.newBuilder().setGpuCount(72).setCpuCount(36).setGpuPowerW(1200)))
        .addPorts(
            PortSpec.newBuilder()
                .setId("power-a")
                .setDomain(PortDomain.PORT_DOMAIN_ELECTRICAL)
                .setRatedPowerKw(132))
        .addPorts(
            PortSpec.newBuilder()
                .setId("tcs-supply")
                .setDomain(PortDomain.PORT_DOMAIN_TCS_SUPPLY)
                .setRatedFlowLpm(200))
        .addSources(
            SpecSource.newBuilder()
                .setField("rack.gpu_power_w")
                .setCitation(
                    "Meta GB200 paper, arXiv 2605.24461, as summarized by supercomputing.news"))
        .build();
  }

  private Part createPart(CreatePartRequest request) {
    return alice.createPart(request);
  }

  private PartRevision createRevision(Part part, PartRevision content) {
    return alice.createPartRevision(
        CreatePartRevisionRequest.newBuilder()
            .setParent(part.getName())
            .setPartRevision(content)
            .build());
  }

  private PartRevision get(String name) {
    return alice.getPartRevision(
        io.factorytwin.lifecycle.v1.GetPartRevisionRequest.newBuilder().setName(name).build());
  }

  private static SubmitPartRevisionRequest submit(PartRevision revision) {
    return SubmitPartRevisionRequest.newBuilder()
        .setName(revision.getName())
        .setEtag(revision.getEtag())
        .build();
  }

  private static ReleasePartRevisionRequest release(PartRevision revision) {
    return ReleasePartRevisionRequest.newBuilder()
        .setName(revision.getName())
        .setEtag(revision.getEtag())
        .build();
  }

  private static ObsoletePartRevisionRequest obsolete(PartRevision revision) {
    return ObsoletePartRevisionRequest.newBuilder()
        .setName(revision.getName())
        .setEtag(revision.getEtag())
        .build();
  }

  private static String id(Part part) {
    return part.getName().substring("parts/".length());
  }

  private static StatusRuntimeException fail(Runnable call) {
    StatusRuntimeException failure = catchThrowableOfType(StatusRuntimeException.class, call::run);
    assertThat(failure).as("the call should fail").isNotNull();
    return failure;
  }

  private long count(String sql) {
    try (Connection connection = DriverManager.getConnection(jdbcUrl, PostgresDatabase.user(), "");
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }

  /** Returns every column of a revision row as text, to prove a failed write changed nothing. */
  private String revisionRow(String name) {
    String[] parts = name.split("/");
    String sql =
        "select r.*::text from part_revision r where part_id = '"
            + parts[1]
            + "' and revision_number = "
            + (parts[3].charAt(0) - 'a' + 1);
    try (Connection connection = DriverManager.getConnection(jdbcUrl, PostgresDatabase.user(), "");
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getString(1);
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }

  private static List<String> fieldViolations(StatusRuntimeException failure) {
    return details(failure, BadRequest.class).stream()
        .flatMap(request -> request.getFieldViolationsList().stream())
        .map(BadRequest.FieldViolation::getField)
        .toList();
  }

  private static List<PreconditionFailure.Violation> preconditionViolations(
      StatusRuntimeException failure) {
    return details(failure, PreconditionFailure.class).stream()
        .flatMap(detail -> detail.getViolationsList().stream())
        .toList();
  }

  private static String reason(StatusRuntimeException failure) {
    return details(failure, ErrorInfo.class).stream()
        .map(ErrorInfo::getReason)
        .findFirst()
        .orElse(null);
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
