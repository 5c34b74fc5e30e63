package io.factorytwin.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.FieldMask;
import io.factorytwin.control.v1.Agent;
import io.factorytwin.control.v1.AuditEntry;
import io.factorytwin.control.v1.ControlServiceGrpc;
import io.factorytwin.control.v1.ControlServiceGrpc.ControlServiceBlockingStub;
import io.factorytwin.control.v1.CreateGuardrailRequest;
import io.factorytwin.control.v1.DeleteGuardrailRequest;
import io.factorytwin.control.v1.GetAgentRequest;
import io.factorytwin.control.v1.GetGuardrailRequest;
import io.factorytwin.control.v1.Guardrail;
import io.factorytwin.control.v1.HeartbeatRequest;
import io.factorytwin.control.v1.ListAgentsRequest;
import io.factorytwin.control.v1.ListAgentsResponse;
import io.factorytwin.control.v1.ListAuditEntriesRequest;
import io.factorytwin.control.v1.ProposeSetpointRequest;
import io.factorytwin.control.v1.RegisterAgentRequest;
import io.factorytwin.control.v1.UpdateAgentRequest;
import io.factorytwin.control.v1.UpdateGuardrailRequest;
import io.factorytwin.testing.GrpcClients;
import io.factorytwin.testing.PostgresDatabase;
import io.factorytwin.testing.StatusDetails;
import io.factorytwin.testing.TestKeys;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Agents and guardrails through the gRPC API, without a twin: validation, versions, audit. */
@QuarkusTest
@WithTestResource(PostgresDatabase.class)
@WithTestResource(TestKeys.class)
class GuardrailsAndAgentsTest {

  @ConfigProperty(name = "quarkus.http.test-port")
  int port;

  private ManagedChannel channel;
  private ControlServiceBlockingStub operator;

  @BeforeEach
  void connect() {
    channel = GrpcClients.channel(port);
    operator = stub("ops-lead", "operator");
  }

  @AfterEach
  void close() {
    GrpcClients.close(channel);
  }

  @Test
  void createGuardrail_withBadLimits_isInvalid() {
    Guardrail bad =
        Guardrail.newBuilder()
            .setPointPattern("not a pattern")
            .setUnit("C")
            .setMinValue(40)
            .setMaxValue(20)
            .setMaxRatePerMinute(0)
            .setSafeDefaultValue(30)
            .build();

    StatusRuntimeException failure =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                operator.createGuardrail(
                    CreateGuardrailRequest.newBuilder()
                        .setGuardrailId("bad")
                        .setGuardrail(bad)
                        .build()));

    assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(StatusDetails.fields(failure))
        .contains(
            "guardrail.point_pattern",
            "guardrail.min_value",
            "guardrail.max_rate_per_minute",
            "guardrail.safe_default_value");
  }

  @Test
  void updateGuardrail_raisesVersion_andIsAudited() {
    Guardrail created = operator.createGuardrail(guardrail("pump-limits"));

    Guardrail updated =
        operator.updateGuardrail(
            UpdateGuardrailRequest.newBuilder()
                .setGuardrail(created.toBuilder().setMaxValue(90))
                .setUpdateMask(FieldMask.newBuilder().addPaths("max_value"))
                .build());
    StatusRuntimeException stale =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                operator.updateGuardrail(
                    UpdateGuardrailRequest.newBuilder()
                        .setGuardrail(created.toBuilder().setMaxValue(80))
                        .setUpdateMask(FieldMask.newBuilder().addPaths("max_value"))
                        .build()));
    List<AuditEntry> entries =
        operator
            .listAuditEntries(ListAuditEntriesRequest.newBuilder().setPageSize(1000).build())
            .getAuditEntriesList()
            .stream()
            .filter(entry -> entry.getSubject().equals("guardrails/pump-limits"))
            .toList();

    assertThat(created.getVersion()).isEqualTo(1);
    assertThat(updated.getVersion()).isEqualTo(2);
    assertThat(updated.getMaxValue()).isEqualTo(90);
    assertThat(updated.getApprovalMaxValue()).isEqualTo(90);
    assertThat(stale.getStatus().getCode()).isEqualTo(Status.Code.ABORTED);
    assertThat(entries)
        .extracting(AuditEntry::getKind)
        .containsExactly(
            AuditEntry.Kind.KIND_GUARDRAIL_CREATED, AuditEntry.Kind.KIND_GUARDRAIL_UPDATED);
    assertThat(entries.get(1).getPayloadJson()).contains("\"max_value\":90");
  }

  @Test
  void deleteGuardrail_isAudited_andGone() {
    operator.createGuardrail(guardrail("to-delete"));

    long sequence =
        operator
            .deleteGuardrail(
                DeleteGuardrailRequest.newBuilder().setName("guardrails/to-delete").build())
            .getAuditSequence();
    StatusRuntimeException missing =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                operator.getGuardrail(
                    GetGuardrailRequest.newBuilder().setName("guardrails/to-delete").build()));

    assertThat(sequence).isPositive();
    assertThat(missing.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void registerAgent_withoutScopesOrMode_isInvalid() {
    StatusRuntimeException failure =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                operator.registerAgent(
                    RegisterAgentRequest.newBuilder()
                        .setAgentId("Bad_Id")
                        .setAgent(Agent.newBuilder().setOwner("team"))
                        .build()));

    assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(StatusDetails.fields(failure)).contains("agent_id", "agent.scopes", "agent.mode");
  }

  @Test
  void agent_readsOnlyItself_andNeedsLease() {
    register("self-agent", true);
    register("other-agent", true);
    ControlServiceBlockingStub self = stub("self-agent", "agent");

    Agent own = self.getAgent(GetAgentRequest.newBuilder().setName("agents/self-agent").build());
    StatusRuntimeException other =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                self.getAgent(GetAgentRequest.newBuilder().setName("agents/other-agent").build()));
    StatusRuntimeException noLease =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                self.proposeSetpoint(
                    ProposeSetpointRequest.newBuilder()
                        .setPoint("twins/site/points/hall-1.cdu-1.pump-speed-sp")
                        .setValue(50)
                        .setUnit("%")
                        .setRequestId(UUID.randomUUID().toString())
                        .build()));
    StatusRuntimeException foreignHeartbeat =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                self.heartbeat(
                    HeartbeatRequest.newBuilder().setAgent("agents/other-agent").build()));

    assertThat(own.hasLeaseExpireTime()).isFalse();
    assertThat(other.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(noLease.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(StatusDetails.reason(noLease)).isEqualTo("LEASE_EXPIRED");
    assertThat(foreignHeartbeat.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
  }

  @Test
  void updateAgent_disable_stopsHeartbeats() {
    Agent agent = register("paused-agent", true);
    ControlServiceBlockingStub paused = stub("paused-agent", "agent");
    paused.heartbeat(HeartbeatRequest.newBuilder().setAgent("agents/paused-agent").build());

    Agent disabled =
        operator.updateAgent(
            UpdateAgentRequest.newBuilder()
                .setAgent(agent.toBuilder().setEnabled(false))
                .setUpdateMask(FieldMask.newBuilder().addPaths("enabled"))
                .build());
    StatusRuntimeException heartbeat =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                paused.heartbeat(
                    HeartbeatRequest.newBuilder().setAgent("agents/paused-agent").build()));
    StatusRuntimeException wildcard =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                operator.updateAgent(
                    UpdateAgentRequest.newBuilder()
                        .setAgent(disabled)
                        .setUpdateMask(FieldMask.newBuilder().addPaths("*"))
                        .build()));

    assertThat(disabled.getEnabled()).isFalse();
    assertThat(disabled.getDisabledReason()).contains("ops-lead");
    assertThat(disabled.getEtag()).isNotEqualTo(agent.getEtag());
    assertThat(StatusDetails.reason(heartbeat)).isEqualTo("AGENT_DISABLED");
    assertThat(wildcard.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
  }

  @Test
  void listAgents_pagesByName() {
    register("page-a", false);
    register("page-b", false);
    register("page-c", false);

    ListAgentsResponse first =
        operator.listAgents(ListAgentsRequest.newBuilder().setPageSize(2).build());
    ListAgentsResponse rest =
        operator.listAgents(
            ListAgentsRequest.newBuilder()
                .setPageSize(1000)
                .setPageToken(first.getNextPageToken())
                .build());

    assertThat(first.getAgentsCount()).isEqualTo(2);
    assertThat(first.getNextPageToken()).isNotEmpty();
    assertThat(rest.getNextPageToken()).isEmpty();
    assertThat(first.getAgents(1).getName().compareTo(rest.getAgents(0).getName())).isNegative();
  }

  @Test
  void createCalls_retriedWithRequestId_returnFirstResult() {
    String requestId = UUID.randomUUID().toString();
    RegisterAgentRequest register =
        RegisterAgentRequest.newBuilder()
            .setAgentId("retry-agent")
            .setRequestId(requestId)
            .setAgent(
                Agent.newBuilder()
                    .setOwner("controls-team@example.com")
                    .addScopes("twins/*/points/*.pump-speed-sp")
                    .setMode(Agent.Mode.MODE_SHADOW))
            .build();
    CreateGuardrailRequest create =
        guardrail("retry-guardrail").toBuilder().setRequestId(requestId).build();

    Agent first = operator.registerAgent(register);
    Agent retry = operator.registerAgent(register);
    Guardrail created = operator.createGuardrail(create);
    Guardrail again = operator.createGuardrail(create);
    StatusRuntimeException withoutKey =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> operator.registerAgent(register.toBuilder().clearRequestId().build()));

    assertThat(retry).isEqualTo(first);
    assertThat(again).isEqualTo(created);
    assertThat(withoutKey.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
  }

  private Agent register(String id, boolean enabled) {
    return operator.registerAgent(
        RegisterAgentRequest.newBuilder()
            .setAgentId(id)
            .setAgent(
                Agent.newBuilder()
                    .setOwner("controls-team@example.com")
                    .addScopes("twins/*/points/*.pump-speed-sp")
                    .setMode(Agent.Mode.MODE_SHADOW)
                    .setEnabled(enabled))
            .build());
  }

  private static CreateGuardrailRequest guardrail(String id) {
    return CreateGuardrailRequest.newBuilder()
        .setGuardrailId(id)
        .setGuardrail(
            Guardrail.newBuilder()
                .setPointPattern("twins/*/points/*.pump-speed-sp")
                .setUnit("%")
                .setMinValue(20)
                .setMaxValue(100)
                .setMaxRatePerMinute(10)
                .setSafeDefaultValue(70))
        .build();
  }

  private ControlServiceBlockingStub stub(String subject, String role) {
    return ControlServiceGrpc.newBlockingStub(channel)
        .withCallCredentials(GrpcClients.bearer(TestKeys.token(subject, role)))
        .withDeadlineAfter(20, TimeUnit.SECONDS);
  }
}
