package io.factorytwin.control;

import static io.factorytwin.control.TwinServiceProcess.CDU;
import static io.factorytwin.control.TwinServiceProcess.TWIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.Duration;
import com.google.protobuf.FieldMask;
import io.agroal.api.AgroalDataSource;
import io.factorytwin.control.audit.Checkpoints;
import io.factorytwin.control.v1.Action;
import io.factorytwin.control.v1.Agent;
import io.factorytwin.control.v1.ApproveActionRequest;
import io.factorytwin.control.v1.AuditEntry;
import io.factorytwin.control.v1.BatchProposeSetpointsRequest;
import io.factorytwin.control.v1.CheckpointStatus;
import io.factorytwin.control.v1.ChillerCurveInterlock;
import io.factorytwin.control.v1.ControlServiceGrpc;
import io.factorytwin.control.v1.ControlServiceGrpc.ControlServiceBlockingStub;
import io.factorytwin.control.v1.CreateGuardrailRequest;
import io.factorytwin.control.v1.CreateHoldRequest;
import io.factorytwin.control.v1.DewPointInterlock;
import io.factorytwin.control.v1.EmergencyStopRequest;
import io.factorytwin.control.v1.EmergencyStopResponse;
import io.factorytwin.control.v1.GetActionRequest;
import io.factorytwin.control.v1.Guardrail;
import io.factorytwin.control.v1.HeartbeatRequest;
import io.factorytwin.control.v1.Hold;
import io.factorytwin.control.v1.Interlock;
import io.factorytwin.control.v1.ListActionsRequest;
import io.factorytwin.control.v1.ListActionsResponse;
import io.factorytwin.control.v1.ListAgentsRequest;
import io.factorytwin.control.v1.ListAuditEntriesRequest;
import io.factorytwin.control.v1.ListHoldsRequest;
import io.factorytwin.control.v1.MinimumFlowInterlock;
import io.factorytwin.control.v1.ProposeSetpointRequest;
import io.factorytwin.control.v1.ProposeSetpointResponse;
import io.factorytwin.control.v1.RegisterAgentRequest;
import io.factorytwin.control.v1.RejectActionRequest;
import io.factorytwin.control.v1.ReleaseHoldRequest;
import io.factorytwin.control.v1.RevertActionRequest;
import io.factorytwin.control.v1.UpdateAgentRequest;
import io.factorytwin.control.v1.VerifyAuditRequest;
import io.factorytwin.control.v1.VerifyAuditResponse;
import io.factorytwin.control.v1.Violation;
import io.factorytwin.control.v1.WatchActionsRequest;
import io.factorytwin.control.v1.WatchActionsResponse;
import io.factorytwin.testing.GrpcClients;
import io.factorytwin.testing.PostgresDatabase;
import io.factorytwin.testing.StatusDetails;
import io.factorytwin.testing.TestKeys;
import io.factorytwin.twin.v1.GetPointRequest;
import io.factorytwin.twin.v1.Point;
import io.factorytwin.twin.v1.TwinServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * ProposeSetpoint against PostgreSQL and a real twin-service process. The tests run in order,
 * because they share the twin's setpoints and facility clock: each step moves the clock by
 * ingesting telemetry, and the last test stops twin-service.
 */
@QuarkusTest
@WithTestResource(PostgresDatabase.class)
@WithTestResource(TestKeys.class)
@WithTestResource(TwinServiceProcess.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProposeSetpointTest {

  /** Midnight UTC yesterday: a minute boundary within the twin's first-sample window. */
  static final long T0_MS = (System.currentTimeMillis() / 86_400_000L - 1) * 86_400_000L;

  static final String SUPPLY_SP =
      TWIN + "/points/" + CDU + ".liquid-temperature-sp.secondary-supply";
  static final String PUMP_SP = TWIN + "/points/" + CDU + ".pump-speed-sp";
  static final String DEW_POINT = "hall-1.dew-point-temperature";
  static final String FLOW = CDU + ".liquid-flow.secondary";

  private static boolean prepared;

  @ConfigProperty(name = "quarkus.http.test-port")
  int port;

  @ConfigProperty(name = "test.twin.port", defaultValue = "0")
  int twinPort;

  @ConfigProperty(name = "test.twin.pid", defaultValue = "0")
  long twinPid;

  @Inject AgroalDataSource dataSource;

  @Inject Checkpoints checkpoints;

  private ManagedChannel channel;
  private ManagedChannel twinChannel;
  private ControlServiceBlockingStub operator;
  private ControlServiceBlockingStub agent;

  @BeforeEach
  void connect() throws Exception {
    channel = GrpcClients.channel(port);
    twinChannel = GrpcClients.channel(twinPort);
    operator = stub("ops-lead", "operator");
    agent = stub("lc-agent", "agent");
    if (!prepared) {
      prepare();
      prepared = true;
    }
  }

  @AfterEach
  void close() {
    GrpcClients.close(channel);
    GrpcClients.close(twinChannel);
  }

  /** Guardrails on the CDU's supply temperature and pump speed, telemetry at T0, two agents. */
  private void prepare() throws Exception {
    operator.createGuardrail(
        CreateGuardrailRequest.newBuilder()
            .setGuardrailId("tcs-supply")
            .setGuardrail(
                Guardrail.newBuilder()
                    .setPointPattern("twins/*/points/*.liquid-temperature-sp.secondary-supply")
                    .setDescription("TCS supply range of the test CDU")
                    .setUnit("C")
                    .setMinValue(20)
                    .setMaxValue(45)
                    .setMaxRatePerMinute(1)
                    .setApprovalMinValue(25)
                    .setApprovalMaxValue(40)
                    .setSafeDefaultValue(30)
                    .addInterlocks(
                        Interlock.newBuilder().setDewPoint(DewPointInterlock.newBuilder())))
            .build());
    operator.createGuardrail(
        CreateGuardrailRequest.newBuilder()
            .setGuardrailId("cdu-pump")
            .setGuardrail(
                Guardrail.newBuilder()
                    .setPointPattern(TWIN + "/points/*.pump-speed-sp")
                    .setUnit("%")
                    .setMinValue(20)
                    .setMaxValue(100)
                    .setMaxRatePerMinute(100)
                    .setSafeDefaultValue(70)
                    .addInterlocks(
                        Interlock.newBuilder()
                            .setMinimumFlow(MinimumFlowInterlock.newBuilder().setMinFlowLpm(600))))
            .build());
    ingest(0, 15.0, 1000.0);
    register("lc-agent", Agent.Mode.MODE_AUTONOMOUS, true);
    register("off-agent", Agent.Mode.MODE_AUTONOMOUS, false);
    agent.heartbeat(HeartbeatRequest.newBuilder().setAgent("agents/lc-agent").build());
  }

  @Test
  @Order(1)
  void autonomousProposal_isAppliedToTwin() {
    ProposeSetpointResponse response = agent.proposeSetpoint(proposal(SUPPLY_SP, 31, "C"));

    Action action = response.getAction();
    assertThat(response.getViolationsList()).isEmpty();
    assertThat(action.getOutcome()).isEqualTo(Action.Outcome.OUTCOME_APPLIED);
    assertThat(action.getState()).isEqualTo(Action.State.STATE_APPLIED);
    assertThat(action.getPreviousValue()).isEqualTo(30.0);
    assertThat(action.getAppliedValue()).isEqualTo(31.0);
    assertThat(action.getPointVersion()).isEqualTo(2);
    Point point = twinPoint(SUPPLY_SP);
    assertThat(point.getVersion()).isEqualTo(2);
    assertThat(latest(SUPPLY_SP)).isEqualTo(31.0);
  }

  @Test
  @Order(2)
  void retriedProposal_isAppliedOnce() throws Exception {
    ProposeSetpointRequest request = proposal(PUMP_SP, 80, "%");

    ProposeSetpointResponse first = agent.proposeSetpoint(request);
    ProposeSetpointResponse retry = agent.proposeSetpoint(request);

    assertThat(first.getAction().getOutcome()).isEqualTo(Action.Outcome.OUTCOME_APPLIED);
    assertThat(first.getReplayed()).isFalse();
    assertThat(retry.getReplayed()).isTrue();
    assertThat(retry.getAction().getName()).isEqualTo(first.getAction().getName());
    assertThat(twinPoint(PUMP_SP).getVersion()).isEqualTo(2);
    assertThat(countActions(request.getRequestId())).isEqualTo(1);

    StatusRuntimeException reused =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> agent.proposeSetpoint(request.toBuilder().setValue(81).build()));
    assertThat(reused.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(StatusDetails.reason(reused)).isEqualTo("REQUEST_ID_REUSED");
  }

  @Test
  @Order(3)
  void fastChange_isRejectedByRateOfChange() {
    ProposeSetpointResponse response = agent.proposeSetpoint(proposal(SUPPLY_SP, 33, "C"));

    assertThat(response.getAction().getOutcome()).isEqualTo(Action.Outcome.OUTCOME_REJECTED);
    assertThat(rules(response)).containsExactly(Violation.Rule.RULE_RATE_OF_CHANGE);
    assertThat(response.getViolations(0).getSubject()).isEqualTo("guardrails/tcs-supply");
    assertThat(twinPoint(SUPPLY_SP).getVersion()).isEqualTo(2);
  }

  @Test
  @Order(4)
  void outOfRange_isRejectedWithEveryRule() throws Exception {
    ingest(2, 15.0, 1000.0);

    ProposeSetpointResponse above = agent.proposeSetpoint(proposal(SUPPLY_SP, 50, "C"));
    ProposeSetpointResponse below = agent.proposeSetpoint(proposal(SUPPLY_SP, 10, "C"));

    assertThat(rules(above))
        .containsExactly(Violation.Rule.RULE_ABOVE_MAX, Violation.Rule.RULE_RATE_OF_CHANGE);
    assertThat(rules(below))
        .containsExactly(
            Violation.Rule.RULE_BELOW_MIN,
            Violation.Rule.RULE_RATE_OF_CHANGE,
            Violation.Rule.RULE_DEW_POINT_INTERLOCK);
    assertThat(above.getAction().getName()).startsWith("actions/");
    assertThat(twinPoint(SUPPLY_SP).getVersion()).isEqualTo(2);
  }

  @Test
  @Order(5)
  void rateOfChange_followsFacilityClock() {
    // Two minutes of facility time have passed since the change to 31: 2 K are allowed.
    ProposeSetpointResponse response = agent.proposeSetpoint(proposal(SUPPLY_SP, 32.5, "C"));

    assertThat(response.getViolationsList()).isEmpty();
    assertThat(response.getAction().getOutcome()).isEqualTo(Action.Outcome.OUTCOME_APPLIED);
    assertThat(latest(SUPPLY_SP)).isEqualTo(32.5);
  }

  @Test
  @Order(6)
  void dewPoint_isEnforcedByInterlock() throws Exception {
    ingest(10, 31.0, 1000.0);

    ProposeSetpointResponse response = agent.proposeSetpoint(proposal(SUPPLY_SP, 32.8, "C"));

    assertThat(rules(response)).containsExactly(Violation.Rule.RULE_DEW_POINT_INTERLOCK);
    assertThat(response.getViolations(0).getSubject()).isEqualTo(TWIN + "/points/" + DEW_POINT);
    assertThat(latest(SUPPLY_SP)).isEqualTo(32.5);
    ingest(11, 15.0, 1000.0);
  }

  @Test
  @Order(7)
  void pumpBelowMinimumFlow_isRejectedByInterlock() {
    // Flow 1,000 L/min at 80 %; at 45 % the affinity law gives 562.5 L/min, below 600.
    ProposeSetpointResponse low = agent.proposeSetpoint(proposal(PUMP_SP, 45, "%"));
    ProposeSetpointResponse enough = agent.proposeSetpoint(proposal(PUMP_SP, 60, "%"));

    assertThat(rules(low)).containsExactly(Violation.Rule.RULE_MINIMUM_FLOW_INTERLOCK);
    assertThat(enough.getAction().getOutcome()).isEqualTo(Action.Outcome.OUTCOME_APPLIED);
  }

  @Test
  @Order(8)
  void pointOutsideScopes_isPermissionDenied() {
    StatusRuntimeException failure =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> agent.proposeSetpoint(proposal(TWIN + "/points/" + DEW_POINT, 20, "C")));

    assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(StatusDetails.reason(failure)).isEqualTo("OUT_OF_SCOPE");
  }

  @Test
  @Order(9)
  void disabledAgent_isDeniedOnNextCall() {
    ControlServiceBlockingStub off = stub("off-agent", "agent");
    StatusRuntimeException never =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> off.proposeSetpoint(proposal(SUPPLY_SP, 32.5, "C")));
    register("kick-agent", Agent.Mode.MODE_AUTONOMOUS, true);
    ControlServiceBlockingStub kick = stub("kick-agent", "agent");
    kick.heartbeat(HeartbeatRequest.newBuilder().setAgent("agents/kick-agent").build());
    ProposeSetpointResponse before =
        kick.proposeSetpoint(
            proposal(SUPPLY_SP, 32.5, "C").toBuilder().setValidateOnly(true).build());

    Agent current =
        operator.getAgent(
            io.factorytwin.control.v1.GetAgentRequest.newBuilder()
                .setName("agents/kick-agent")
                .build());
    operator.updateAgent(
        UpdateAgentRequest.newBuilder()
            .setAgent(current.toBuilder().setEnabled(false))
            .setUpdateMask(FieldMask.newBuilder().addPaths("enabled"))
            .build());
    StatusRuntimeException after =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> kick.proposeSetpoint(proposal(SUPPLY_SP, 32.5, "C")));

    assertThat(never.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(StatusDetails.reason(never)).isEqualTo("AGENT_DISABLED");
    assertThat(before.getAction().getName()).isEmpty();
    assertThat(after.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(StatusDetails.reason(after)).isEqualTo("AGENT_DISABLED");
  }

  @Test
  @Order(10)
  void nonFiniteValue_isInvalidArgument() {
    StatusRuntimeException failure =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> agent.proposeSetpoint(proposal(SUPPLY_SP, Double.NaN, "C")));

    assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(StatusDetails.fields(failure)).containsExactly("value");
  }

  @Test
  @Order(11)
  void heldPoint_beatsAgent() throws Exception {
    ingest(12, 15.0, 1000.0);
    ProposeSetpointResponse applied = agent.proposeSetpoint(proposal(PUMP_SP, 65, "%"));
    Hold hold =
        operator.createHold(
            CreateHoldRequest.newBuilder()
                .setHoldId("pump-maintenance")
                .setHold(
                    Hold.newBuilder()
                        .setPoint(PUMP_SP)
                        .setValue(75)
                        .setUnit("%")
                        .setReason("pump bearing inspection"))
                .build());

    ProposeSetpointResponse blocked = agent.proposeSetpoint(proposal(PUMP_SP, 75, "%"));
    Action superseded =
        operator.getAction(
            GetActionRequest.newBuilder().setName(applied.getAction().getName()).build());

    assertThat(hold.getState()).isEqualTo(Hold.State.STATE_ACTIVE);
    assertThat(latest(PUMP_SP)).isEqualTo(75.0);
    assertThat(rules(blocked)).containsExactly(Violation.Rule.RULE_POINT_HELD);
    assertThat(blocked.getViolations(0).getSubject()).isEqualTo("holds/pump-maintenance");
    assertThat(superseded.getState()).isEqualTo(Action.State.STATE_SUPERSEDED);
    assertThat(superseded.getSupersededBy()).isEqualTo("holds/pump-maintenance");

    operator.releaseHold(ReleaseHoldRequest.newBuilder().setName(hold.getName()).build());
    assertThat(latest(PUMP_SP)).isEqualTo(75.0);
  }

  @Test
  @Order(12)
  void advisoryProposal_waitsForApproval() throws Exception {
    register("adv-agent", Agent.Mode.MODE_ADVISORY, true);
    ControlServiceBlockingStub advisory = stub("adv-agent", "agent");
    advisory.heartbeat(HeartbeatRequest.newBuilder().setAgent("agents/adv-agent").build());
    ingest(13, 15.0, 1000.0);
    ProposeSetpointResponse pending = advisory.proposeSetpoint(proposal(SUPPLY_SP, 33, "C"));
    String name = pending.getAction().getName();

    StatusRuntimeException self =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                stub("adv-agent", "operator")
                    .approveAction(ApproveActionRequest.newBuilder().setName(name).build()));
    Action approved =
        operator.approveAction(
            ApproveActionRequest.newBuilder().setName(name).setComment("looks right").build());

    assertThat(pending.getAction().getOutcome()).isEqualTo(Action.Outcome.OUTCOME_PENDING_APPROVAL);
    assertThat(pending.getAction().hasExpireTime()).isTrue();
    assertThat(self.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(StatusDetails.reason(self)).isEqualTo("SELF_APPROVAL_FORBIDDEN");
    assertThat(approved.getState()).isEqualTo(Action.State.STATE_APPLIED);
    assertThat(approved.getDecidedBy()).isEqualTo("ops-lead");
    assertThat(approved.getPreviousValue()).isEqualTo(32.5);
    assertThat(latest(SUPPLY_SP)).isEqualTo(33.0);
  }

  @Test
  @Order(13)
  void pendingAction_isRejectedByOperator() {
    ControlServiceBlockingStub advisory = stub("adv-agent", "agent");
    String name = advisory.proposeSetpoint(proposal(SUPPLY_SP, 33, "C")).getAction().getName();

    StatusRuntimeException noComment =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> operator.rejectAction(RejectActionRequest.newBuilder().setName(name).build()));
    Action rejected =
        operator.rejectAction(
            RejectActionRequest.newBuilder().setName(name).setComment("not now").build());

    assertThat(noComment.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(rejected.getState()).isEqualTo(Action.State.STATE_REJECTED);
    assertThat(rejected.getDecisionComment()).isEqualTo("not now");
  }

  @Test
  @Order(14)
  void appliedAction_isRevertedByOperator() throws Exception {
    ingest(14, 15.0, 1000.0);
    String name = agent.proposeSetpoint(proposal(PUMP_SP, 80, "%")).getAction().getName();

    Action reverted = operator.revertAction(RevertActionRequest.newBuilder().setName(name).build());
    Action again = operator.revertAction(RevertActionRequest.newBuilder().setName(name).build());

    assertThat(reverted.getState()).isEqualTo(Action.State.STATE_REVERTED);
    assertThat(reverted.getRevertCause()).isEqualTo(Action.RevertCause.REVERT_CAUSE_OPERATOR);
    assertThat(reverted.getRevertedValue()).isEqualTo(75.0);
    assertThat(again.getEtag()).isEqualTo(reverted.getEtag());
    assertThat(latest(PUMP_SP)).isEqualTo(75.0);
  }

  @Test
  @Order(15)
  void expiredLease_revertsToSafeDefaultWithinOneSecond() throws Exception {
    operator.registerAgent(
        RegisterAgentRequest.newBuilder()
            .setAgentId("lease-agent")
            .setAgent(
                Agent.newBuilder()
                    .setOwner("controls-team@example.com")
                    .addScopes(TWIN + "/points/" + CDU + ".*")
                    .setMode(Agent.Mode.MODE_AUTONOMOUS)
                    .setEnabled(true)
                    .setLeaseDuration(Duration.newBuilder().setSeconds(2)))
            .build());
    ControlServiceBlockingStub leased = stub("lease-agent", "agent");
    ingest(15, 15.0, 1000.0);
    com.google.protobuf.Timestamp expires =
        leased
            .heartbeat(HeartbeatRequest.newBuilder().setAgent("agents/lease-agent").build())
            .getLeaseExpireTime();
    long expiresMs = expires.getSeconds() * 1000 + expires.getNanos() / 1_000_000;
    String name = leased.proposeSetpoint(proposal(PUMP_SP, 85, "%")).getAction().getName();
    assertThat(latest(PUMP_SP)).isEqualTo(85.0);

    long revertedMs = 0;
    while (System.currentTimeMillis() < expiresMs + 5_000) {
      if (latest(PUMP_SP) == 70.0) {
        revertedMs = System.currentTimeMillis();
        break;
      }
      Thread.sleep(20);
    }
    // The twin is written first and the action marked after it, so wait for the mark as well.
    Action action = operator.getAction(GetActionRequest.newBuilder().setName(name).build());
    for (int i = 0; i < 100 && action.getState() == Action.State.STATE_APPLIED; i++) {
      Thread.sleep(20);
      action = operator.getAction(GetActionRequest.newBuilder().setName(name).build());
    }

    assertThat(revertedMs).as("time the twin showed the safe default").isPositive();
    assertThat(revertedMs - expiresMs).isLessThanOrEqualTo(1_000);
    assertThat(action.getState()).isEqualTo(Action.State.STATE_REVERTED);
    assertThat(action.getRevertCause()).isEqualTo(Action.RevertCause.REVERT_CAUSE_LEASE_EXPIRED);
    assertThat(action.getRevertedBy()).isEqualTo("control-service");
  }

  @Test
  @Order(16)
  void pendingAction_expiresAfterDeadline() throws Exception {
    ControlServiceBlockingStub advisory = stub("adv-agent", "agent");
    String name = advisory.proposeSetpoint(proposal(SUPPLY_SP, 33, "C")).getAction().getName();
    execute(
        "UPDATE action SET expire_time = now() - interval '1 minute' WHERE id = '"
            + name.substring("actions/".length())
            + "'");

    Action action = operator.getAction(GetActionRequest.newBuilder().setName(name).build());
    for (int i = 0; i < 150 && action.getState() == Action.State.STATE_PENDING_APPROVAL; i++) {
      Thread.sleep(20);
      action = operator.getAction(GetActionRequest.newBuilder().setName(name).build());
    }

    assertThat(action.getState()).isEqualTo(Action.State.STATE_EXPIRED);
  }

  @Test
  @Order(17)
  void parallelProposals_applyAtMostOnce() throws Exception {
    ingest(17, 15.0, 1000.0);
    int callers = 6;
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    List<Future<Object>> results = new ArrayList<>();
    try {
      for (int i = 0; i < callers; i++) {
        double value = 33.2 + 0.1 * i;
        results.add(
            pool.submit(
                () -> {
                  try {
                    return agent.proposeSetpoint(proposal(SUPPLY_SP, value, "C"));
                  } catch (StatusRuntimeException e) {
                    return e;
                  }
                }));
      }
      int applied = 0;
      for (Future<Object> result : results) {
        // The point's lock serializes the calls, so each later one sees the applied value and
        // fails the rate limit instead of the twin's compare-and-set.
        Object outcome = result.get(60, TimeUnit.SECONDS);
        assertThat(outcome).isInstanceOf(ProposeSetpointResponse.class);
        ProposeSetpointResponse response = (ProposeSetpointResponse) outcome;
        if (response.getAction().getOutcome() == Action.Outcome.OUTCOME_APPLIED) {
          applied++;
        } else {
          assertThat(rules(response)).containsExactly(Violation.Rule.RULE_RATE_OF_CHANGE);
        }
      }

      assertThat(applied).isEqualTo(1);
      assertThat(operator.verifyAudit(VerifyAuditRequest.getDefaultInstance()).getValid()).isTrue();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  @Order(18)
  void watchActions_streamsChangesAfterSequence() throws Exception {
    long head = operator.verifyAudit(VerifyAuditRequest.getDefaultInstance()).getHeadSequence();
    java.util.concurrent.BlockingQueue<WatchActionsResponse> received =
        new java.util.concurrent.LinkedBlockingQueue<>();
    io.grpc.Context.CancellableContext watch = io.grpc.Context.current().withCancellation();
    watch.run(
        () ->
            ControlServiceGrpc.newStub(channel)
                .withCallCredentials(GrpcClients.bearer(TestKeys.token("viewer", "reader")))
                .watchActions(
                    WatchActionsRequest.newBuilder().setAfterSequence(head).build(),
                    new StreamObserver<>() {
                      @Override
                      public void onNext(WatchActionsResponse message) {
                        received.add(message);
                      }

                      @Override
                      public void onError(Throwable failure) {}

                      @Override
                      public void onCompleted() {}
                    }));
    try {
      String name = agent.proposeSetpoint(proposal(SUPPLY_SP, 50, "C")).getAction().getName();

      WatchActionsResponse message = received.poll(10, TimeUnit.SECONDS);

      assertThat(message).isNotNull();
      assertThat(message.getSequence()).isGreaterThan(head);
      assertThat(message.getAction().getName()).isEqualTo(name);
      assertThat(message.getAction().getOutcome()).isEqualTo(Action.Outcome.OUTCOME_REJECTED);
    } finally {
      watch.cancel(null);
    }

    StatusRuntimeException beyond =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                operator
                    .watchActions(
                        WatchActionsRequest.newBuilder().setAfterSequence(head + 1000).build())
                    .hasNext());
    assertThat(beyond.getStatus().getCode()).isEqualTo(Status.Code.OUT_OF_RANGE);
    assertThat(StatusDetails.reason(beyond)).isEqualTo("RESUME_TOKEN_EXPIRED");
  }

  @Test
  @Order(19)
  void listFilters_returnOnlyMatchingRows_onEveryPage() {
    List<Action> all =
        operator
            .listActions(ListActionsRequest.newBuilder().setPageSize(1000).build())
            .getActionsList();
    List<String> expected =
        all.stream()
            .filter(a -> a.getAgent().equals("agents/lc-agent"))
            .filter(a -> a.getOutcome() == Action.Outcome.OUTCOME_REJECTED)
            .map(Action::getName)
            .toList();
    String rejected = "agent = \"agents/lc-agent\" AND outcome = REJECTED";

    List<String> paged = new ArrayList<>();
    String token = "";
    do {
      ListActionsResponse page =
          operator.listActions(
              ListActionsRequest.newBuilder()
                  .setFilter(rejected)
                  .setPageSize(2)
                  .setPageToken(token)
                  .build());
      page.getActionsList().forEach(a -> paged.add(a.getName()));
      token = page.getNextPageToken();
    } while (!token.isEmpty());

    assertThat(expected).hasSizeGreaterThan(2);
    assertThat(paged).isEqualTo(expected);
    List<Action> pumps =
        operator
            .listActions(
                ListActionsRequest.newBuilder()
                    .setFilter("point = \"" + TWIN + "/points/" + CDU + ".pump*\"")
                    .setPageSize(1000)
                    .build())
            .getActionsList();
    assertThat(pumps)
        .isNotEmpty()
        .allSatisfy(a -> assertThat(a.getPoint()).isEqualTo(PUMP_SP))
        .hasSize((int) all.stream().filter(a -> a.getPoint().equals(PUMP_SP)).count());

    List<Agent> disabled =
        operator
            .listAgents(ListAgentsRequest.newBuilder().setFilter("enabled = false").build())
            .getAgentsList();
    assertThat(disabled).extracting(Agent::getName).contains("agents/off-agent");
    assertThat(disabled).allSatisfy(a -> assertThat(a.getEnabled()).isFalse());

    List<Hold> released =
        operator
            .listHolds(ListHoldsRequest.newBuilder().setFilter("state = STATE_RELEASED").build())
            .getHoldsList();
    assertThat(released)
        .isNotEmpty()
        .allSatisfy(h -> assertThat(h.getState()).isEqualTo(Hold.State.STATE_RELEASED));

    List<AuditEntry> proposed =
        operator
            .listAuditEntries(
                ListAuditEntriesRequest.newBuilder()
                    .setFilter("kind = ACTION_PROPOSED AND sequence > 3")
                    .setPageSize(1000)
                    .build())
            .getAuditEntriesList();
    assertThat(proposed)
        .hasSizeGreaterThanOrEqualTo(all.size() - 3)
        .allSatisfy(
            e -> {
              assertThat(e.getKind()).isEqualTo(AuditEntry.Kind.KIND_ACTION_PROPOSED);
              assertThat(e.getSequence()).isGreaterThan(3);
            });
  }

  @Test
  @Order(19)
  void listFilters_badFilterOrForeignToken_isInvalidArgument() {
    for (String filter :
        List.of("state > APPLIED", "colour = red", "outcome = MAYBE", "(state = APPLIED")) {
      StatusRuntimeException bad =
          catchThrowableOfType(
              StatusRuntimeException.class,
              () ->
                  operator.listActions(ListActionsRequest.newBuilder().setFilter(filter).build()));
      assertThat(bad.getStatus().getCode()).as(filter).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(StatusDetails.fields(bad)).as(filter).containsExactly("filter");
    }

    String token =
        operator
            .listActions(
                ListActionsRequest.newBuilder()
                    .setFilter("state = REJECTED")
                    .setPageSize(1)
                    .build())
            .getNextPageToken();
    StatusRuntimeException foreign =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                operator.listActions(
                    ListActionsRequest.newBuilder()
                        .setFilter("state = APPLIED")
                        .setPageToken(token)
                        .build()));
    assertThat(token).isNotEmpty();
    assertThat(foreign.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(StatusDetails.fields(foreign)).containsExactly("page_token");
  }

  @Test
  @Order(19)
  void watchActions_withFilter_sendsOnlyMatchingChanges() throws Exception {
    long head = operator.verifyAudit(VerifyAuditRequest.getDefaultInstance()).getHeadSequence();
    java.util.concurrent.BlockingQueue<WatchActionsResponse> received =
        new java.util.concurrent.LinkedBlockingQueue<>();
    io.grpc.Context.CancellableContext watch = io.grpc.Context.current().withCancellation();
    watch.run(
        () ->
            ControlServiceGrpc.newStub(channel)
                .withCallCredentials(GrpcClients.bearer(TestKeys.token("viewer", "reader")))
                .watchActions(
                    WatchActionsRequest.newBuilder()
                        .setAfterSequence(head)
                        .setFilter("outcome = OUTCOME_APPLIED AND point = \"" + PUMP_SP + "\"")
                        .build(),
                    new StreamObserver<>() {
                      @Override
                      public void onNext(WatchActionsResponse message) {
                        received.add(message);
                      }

                      @Override
                      public void onError(Throwable failure) {}

                      @Override
                      public void onCompleted() {}
                    }));
    try {
      ProposeSetpointResponse refused = agent.proposeSetpoint(proposal(SUPPLY_SP, 50, "C"));
      ProposeSetpointResponse applied = agent.proposeSetpoint(proposal(PUMP_SP, 72, "%"));

      WatchActionsResponse message = received.poll(10, TimeUnit.SECONDS);

      assertThat(refused.getAction().getOutcome()).isEqualTo(Action.Outcome.OUTCOME_REJECTED);
      assertThat(applied.getAction().getOutcome()).isEqualTo(Action.Outcome.OUTCOME_APPLIED);
      assertThat(message).isNotNull();
      assertThat(message.getAction().getName()).isEqualTo(applied.getAction().getName());
    } finally {
      watch.cancel(null);
    }
  }

  @Test
  @Order(20)
  void batchProposal_decidesEachAndAppliesOnce() throws Exception {
    ingest(20, 15.0, 1000.0);
    BatchProposeSetpointsRequest batch =
        BatchProposeSetpointsRequest.newBuilder()
            .addRequests(proposal(SUPPLY_SP, 50, "C"))
            .addRequests(proposal(PUMP_SP, 74, "%"))
            .build();

    List<ProposeSetpointResponse> first = agent.batchProposeSetpoints(batch).getResponsesList();
    double pumpAfterFirst = latest(PUMP_SP);
    List<ProposeSetpointResponse> retried = agent.batchProposeSetpoints(batch).getResponsesList();
    // A later batch supersedes the pump action; the rejected one keeps its stored violations.
    TwinTelemetry.ingest(
        twinChannel, TWIN, T0_MS + 20 * 60_000L + 30_000L, Map.of(DEW_POINT, 15.0, FLOW, 1000.0));
    String pumpAction =
        agent
            .batchProposeSetpoints(
                BatchProposeSetpointsRequest.newBuilder()
                    .addRequests(proposal(PUMP_SP, 75, "%"))
                    .build())
            .getResponses(0)
            .getAction()
            .getName();
    Action firstPump =
        operator.getAction(
            GetActionRequest.newBuilder().setName(first.get(1).getAction().getName()).build());
    Action rejected =
        operator.getAction(
            GetActionRequest.newBuilder().setName(first.get(0).getAction().getName()).build());
    List<AuditEntry> supersededEntries =
        operator
            .listAuditEntries(
                ListAuditEntriesRequest.newBuilder()
                    .setFilter(
                        "kind = ACTION_SUPERSEDED AND subject = \""
                            + first.get(1).getAction().getName()
                            + "\"")
                    .build())
            .getAuditEntriesList();

    assertThat(first).hasSize(2);
    assertThat(first.get(0).getAction().getOutcome()).isEqualTo(Action.Outcome.OUTCOME_REJECTED);
    assertThat(first.get(0).getViolationsList())
        .extracting(Violation::getRule)
        .contains(Violation.Rule.RULE_ABOVE_MAX);
    assertThat(first.get(1).getAction().getOutcome()).isEqualTo(Action.Outcome.OUTCOME_APPLIED);
    assertThat(first.get(1).getAction().getAppliedValue()).isEqualTo(74.0);
    assertThat(pumpAfterFirst).isEqualTo(74.0);
    assertThat(retried)
        .extracting(ProposeSetpointResponse::getReplayed)
        .containsExactly(true, true);
    assertThat(retried)
        .extracting(r -> r.getAction().getName())
        .containsExactly(first.get(0).getAction().getName(), first.get(1).getAction().getName());
    assertThat(firstPump.getState()).isEqualTo(Action.State.STATE_SUPERSEDED);
    assertThat(firstPump.getSupersededBy()).isEqualTo(pumpAction);
    assertThat(rejected.getViolationsList())
        .extracting(Violation::getRule)
        .contains(Violation.Rule.RULE_ABOVE_MAX);
    assertThat(supersededEntries).hasSize(1);
  }

  @Test
  @Order(22)
  void chillerCurve_unsetLimits_comeFromPartSpec() {
    operator.createGuardrail(
        CreateGuardrailRequest.newBuilder()
            .setGuardrailId("chiller-supply")
            .setGuardrail(
                Guardrail.newBuilder()
                    .setPointPattern(TWIN + "/points/chiller-*.liquid-temperature-sp.supply")
                    .setUnit("C")
                    .setMinValue(0)
                    .setMaxValue(30)
                    .setMaxRatePerMinute(1_000_000)
                    .setSafeDefaultValue(7)
                    .addInterlocks(
                        Interlock.newBuilder().setChillerCurve(ChillerCurveInterlock.newBuilder())))
            .build());
    operator.registerAgent(
        RegisterAgentRequest.newBuilder()
            .setAgentId("plant-agent")
            .setAgent(
                Agent.newBuilder()
                    .setOwner("controls-team@example.com")
                    .addScopes(TWIN + "/points/chiller-*.liquid-temperature-sp.supply")
                    .setMode(Agent.Mode.MODE_AUTONOMOUS)
                    .setEnabled(true)
                    .setLeaseDuration(Duration.newBuilder().setSeconds(300)))
            .build());
    ControlServiceBlockingStub plant = stub("plant-agent", "agent");
    plant.heartbeat(HeartbeatRequest.newBuilder().setAgent("agents/plant-agent").build());
    String chiller =
        TWIN + "/points/" + TwinServiceProcess.CHILLER + ".liquid-temperature-sp.supply";
    String withoutMin =
        TWIN
            + "/points/"
            + TwinServiceProcess.CHILLER_WITHOUT_MIN
            + ".liquid-temperature-sp.supply";

    ProposeSetpointResponse inside = plant.proposeSetpoint(dryRun(chiller, 7));
    ProposeSetpointResponse above = plant.proposeSetpoint(dryRun(chiller, 9.5));
    ProposeSetpointResponse below = plant.proposeSetpoint(dryRun(chiller, 4.5));
    ProposeSetpointResponse noMin = plant.proposeSetpoint(dryRun(withoutMin, 7));

    assertThat(inside.getViolationsList()).isEmpty();
    assertThat(inside.getAction().getOutcome()).isEqualTo(Action.Outcome.OUTCOME_APPLIED);
    assertThat(rules(above)).containsExactly(Violation.Rule.RULE_CHILLER_CURVE_INTERLOCK);
    assertThat(above.getViolations(0).getDescription()).contains("[5, 9] C");
    assertThat(rules(below)).containsExactly(Violation.Rule.RULE_CHILLER_CURVE_INTERLOCK);
    assertThat(rules(noMin)).containsExactly(Violation.Rule.RULE_CHILLER_CURVE_INTERLOCK);
    assertThat(noMin.getViolations(0).getDescription())
        .contains("min_leaving_chilled_water_temperature_c")
        .contains("parts/chiller-no-min/revisions/a");
  }

  private static ProposeSetpointRequest dryRun(String point, double value) {
    return proposal(point, value, "C").toBuilder().setValidateOnly(true).build();
  }

  @Test
  @Order(21)
  void batchProposal_withOneBadProposal_storesAndAppliesNothing() throws Exception {
    ingest(21, 15.0, 1000.0);
    ProposeSetpointRequest good = proposal(PUMP_SP, 76, "%");
    Map<String, BatchProposeSetpointsRequest> bad =
        Map.of(
            "requests[1].unit",
            BatchProposeSetpointsRequest.newBuilder()
                .addRequests(good)
                .addRequests(proposal(SUPPLY_SP, 30, "%"))
                .build(),
            "requests[1].point",
            BatchProposeSetpointsRequest.newBuilder()
                .addRequests(good)
                .addRequests(proposal(PUMP_SP, 77, "%"))
                .build(),
            "requests[1].validate_only",
            BatchProposeSetpointsRequest.newBuilder()
                .addRequests(good)
                .addRequests(proposal(SUPPLY_SP, 30, "C").toBuilder().setValidateOnly(true))
                .build(),
            "requests",
            BatchProposeSetpointsRequest.getDefaultInstance());
    double before = latest(PUMP_SP);

    for (Map.Entry<String, BatchProposeSetpointsRequest> c : bad.entrySet()) {
      StatusRuntimeException failure =
          catchThrowableOfType(
              StatusRuntimeException.class, () -> agent.batchProposeSetpoints(c.getValue()));
      assertThat(failure.getStatus().getCode())
          .as(c.getKey())
          .isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(StatusDetails.fields(failure)).as(c.getKey()).containsExactly(c.getKey());
    }
    double after = latest(PUMP_SP);
    ProposeSetpointResponse alone = agent.proposeSetpoint(good);

    assertThat(after).isEqualTo(before);
    assertThat(alone.getReplayed()).as("the failed batches stored nothing").isFalse();
    assertThat(alone.getAction().getOutcome()).isEqualTo(Action.Outcome.OUTCOME_APPLIED);
  }

  @Test
  @Order(40)
  void verifyAudit_intactChain_isValid() {
    checkpoints.write();

    VerifyAuditResponse result = operator.verifyAudit(VerifyAuditRequest.getDefaultInstance());

    assertThat(result.getValid()).isTrue();
    assertThat(result.getFirstBadSequence()).isZero();
    assertThat(result.getCheckpoint().getState()).isEqualTo(CheckpointStatus.State.STATE_VALID);
    assertThat(result.getCheckedEntryCount()).isEqualTo(result.getHeadSequence()).isGreaterThan(10);
  }

  @Test
  @Order(41)
  void verifyAudit_rowChangedInDatabase_reportsIt() throws Exception {
    String original = column(3, "actor");
    execute("UPDATE audit_entry SET actor = 'mallory' WHERE sequence = 3");

    VerifyAuditResponse result = operator.verifyAudit(VerifyAuditRequest.getDefaultInstance());
    execute("UPDATE audit_entry SET actor = '" + original + "' WHERE sequence = 3");
    String payload = column(4, "payload_json");
    execute(
        "UPDATE audit_entry SET payload_json = '"
            + payload.replace("ops-lead", "mallory")
            + "' WHERE sequence = 4");
    VerifyAuditResponse payloadResult =
        operator.verifyAudit(VerifyAuditRequest.getDefaultInstance());
    execute("UPDATE audit_entry SET payload_json = '" + payload + "' WHERE sequence = 4");
    String kind = column(5, "kind");
    execute("UPDATE audit_entry SET kind = 'NOT_A_KIND' WHERE sequence = 5");
    VerifyAuditResponse kindResult = operator.verifyAudit(VerifyAuditRequest.getDefaultInstance());
    execute("UPDATE audit_entry SET kind = '" + kind + "' WHERE sequence = 5");

    assertThat(result.getValid()).isFalse();
    assertThat(result.getFirstBadSequence()).isEqualTo(3);
    assertThat(payloadResult.getValid()).isFalse();
    assertThat(payloadResult.getFirstBadSequence()).isEqualTo(4);
    assertThat(payloadResult.getFirstBadDescription()).contains("hash");
    assertThat(kindResult.getValid()).isFalse();
    assertThat(kindResult.getFirstBadSequence()).isEqualTo(5);
    assertThat(operator.verifyAudit(VerifyAuditRequest.getDefaultInstance()).getValid()).isTrue();
  }

  @Test
  @Order(42)
  void verifyAudit_newestRowsDeleted_foundByCheckpoint() throws Exception {
    checkpoints.write();
    long head = operator.verifyAudit(VerifyAuditRequest.getDefaultInstance()).getHeadSequence();
    List<Object[]> saved = rowsFrom(head - 1);
    execute("DELETE FROM audit_entry WHERE sequence >= " + (head - 1));

    VerifyAuditResponse result = operator.verifyAudit(VerifyAuditRequest.getDefaultInstance());
    restore(saved);

    assertThat(result.getValid()).isFalse();
    assertThat(result.getCheckpoint().getState())
        .isEqualTo(CheckpointStatus.State.STATE_ENTRIES_MISSING);
    assertThat(result.getFirstBadSequence()).isEqualTo(head - 1);
    assertThat(operator.verifyAudit(VerifyAuditRequest.getDefaultInstance()).getValid()).isTrue();
  }

  @Test
  @Order(43)
  void verifyAudit_middleRowRewrittenWithHashes_foundByCheckpoint() throws Exception {
    checkpoints.write();
    long covered = operator.verifyAudit(VerifyAuditRequest.getDefaultInstance()).getHeadSequence();
    register("audit-agent-1", Agent.Mode.MODE_SHADOW, false);
    register("audit-agent-2", Agent.Mode.MODE_SHADOW, false);
    register("audit-agent-3", Agent.Mode.MODE_SHADOW, false);
    checkpoints.write();
    long rewritten = covered + 1;

    rewriteWithHashes(rewritten, "audit-agent-1", "audit-agent-x");
    VerifyAuditResponse result = operator.verifyAudit(VerifyAuditRequest.getDefaultInstance());

    assertThat(result.getValid()).isFalse();
    assertThat(result.getCheckpoint().getState())
        .isEqualTo(CheckpointStatus.State.STATE_HASH_MISMATCH);
    assertThat(result.getFirstBadSequence()).isEqualTo(rewritten);
  }

  @Test
  @Order(45)
  void emergencyStop_disablesAgentsAndReverts() throws Exception {
    ingest(22, 15.0, 1000.0);
    String name = agent.proposeSetpoint(proposal(SUPPLY_SP, 33.4, "C")).getAction().getName();

    EmergencyStopResponse stop =
        operator.emergencyStop(EmergencyStopRequest.newBuilder().setReason("chiller trip").build());
    StatusRuntimeException after =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> agent.proposeSetpoint(proposal(SUPPLY_SP, 33.4, "C")));

    assertThat(stop.getRevertedActionsList()).contains(name);
    assertThat(stop.getDisabledAgentCount()).isGreaterThanOrEqualTo(2);
    assertThat(latest(SUPPLY_SP)).isEqualTo(30.0);
    assertThat(StatusDetails.reason(after)).isEqualTo("AGENT_DISABLED");
  }

  @Test
  @Order(50)
  void twinDown_isUnavailable_andNothingIsApplied() throws Exception {
    Agent current =
        operator.getAgent(
            io.factorytwin.control.v1.GetAgentRequest.newBuilder()
                .setName("agents/lc-agent")
                .build());
    operator.updateAgent(
        UpdateAgentRequest.newBuilder()
            .setAgent(current.toBuilder().setEnabled(true))
            .setUpdateMask(FieldMask.newBuilder().addPaths("enabled"))
            .build());
    agent.heartbeat(HeartbeatRequest.newBuilder().setAgent("agents/lc-agent").build());
    ProcessHandle.of(twinPid).ifPresent(ProcessHandle::destroyForcibly);
    ProcessHandle.of(twinPid).ifPresent(process -> process.onExit().join());
    ProposeSetpointRequest request = proposal(PUMP_SP, 76, "%");
    long before = countAudit();

    StatusRuntimeException failure =
        catchThrowableOfType(StatusRuntimeException.class, () -> agent.proposeSetpoint(request));

    assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(StatusDetails.reason(failure)).isEqualTo("DEPENDENCY_UNAVAILABLE");
    assertThat(countActions(request.getRequestId())).isZero();
    assertThat(countAudit()).isEqualTo(before);
  }

  private ControlServiceBlockingStub stub(String subject, String role) {
    return ControlServiceGrpc.newBlockingStub(channel)
        .withCallCredentials(GrpcClients.bearer(TestKeys.token(subject, role)))
        .withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  private void register(String id, Agent.Mode mode, boolean enabled) {
    operator.registerAgent(
        RegisterAgentRequest.newBuilder()
            .setAgentId(id)
            .setAgent(
                Agent.newBuilder()
                    .setOwner("controls-team@example.com")
                    .addScopes(TWIN + "/points/" + CDU + ".*")
                    .setMode(mode)
                    .setEnabled(enabled)
                    .setLeaseDuration(Duration.newBuilder().setSeconds(300)))
            .build());
  }

  private static ProposeSetpointRequest proposal(String point, double value, String unit) {
    return ProposeSetpointRequest.newBuilder()
        .setPoint(point)
        .setValue(value)
        .setUnit(unit)
        .setRequestId(UUID.randomUUID().toString())
        .setRationale("test")
        .build();
  }

  private static List<Violation.Rule> rules(ProposeSetpointResponse response) {
    return response.getViolationsList().stream().map(Violation::getRule).toList();
  }

  private Point twinPoint(String name) {
    return TwinServiceGrpc.newBlockingStub(twinChannel)
        .withCallCredentials(GrpcClients.bearer(TestKeys.token("viewer", "reader")))
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .getPoint(GetPointRequest.newBuilder().setName(name).build());
  }

  private double latest(String name) {
    return TwinServiceGrpc.newBlockingStub(twinChannel)
        .withCallCredentials(GrpcClients.bearer(TestKeys.token("viewer", "reader")))
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .getLatestValues(
            io.factorytwin.twin.v1.GetLatestValuesRequest.newBuilder()
                .setParent(TWIN)
                .addPoints(name)
                .build())
        .getValues(0)
        .getValue();
  }

  /** Sends the hall's dew point and the CDU's flow at T0 plus the given minutes. */
  private void ingest(int minutes, double dewPointC, double flowLpm) throws Exception {
    Map<String, Double> values = new LinkedHashMap<>();
    values.put(DEW_POINT, dewPointC);
    values.put(FLOW, flowLpm);
    TwinTelemetry.ingest(twinChannel, TWIN, T0_MS + minutes * 60_000L, values);
  }

  private long countActions(String requestId) throws Exception {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select =
            connection.prepareStatement("SELECT count(*) FROM action WHERE request_id = ?")) {
      select.setString(1, requestId);
      try (ResultSet row = select.executeQuery()) {
        row.next();
        return row.getLong(1);
      }
    }
  }

  private long countAudit() throws Exception {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SELECT count(*) FROM audit_entry")) {
      row.next();
      return row.getLong(1);
    }
  }

  private String column(long sequence, String column) throws Exception {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement();
        ResultSet row =
            statement.executeQuery(
                "SELECT " + column + " FROM audit_entry WHERE sequence = " + sequence)) {
      row.next();
      return row.getString(1);
    }
  }

  private void execute(String sql) throws Exception {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private List<Object[]> rowsFrom(long sequence) throws Exception {
    List<Object[]> rows = new ArrayList<>();
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement();
        ResultSet row =
            statement.executeQuery(
                "SELECT sequence, kind, actor, subject, create_time, facility_time, payload_json,"
                    + " previous_hash, hash FROM audit_entry WHERE sequence >= "
                    + sequence
                    + " ORDER BY sequence")) {
      while (row.next()) {
        Object[] values = new Object[9];
        for (int i = 0; i < 9; i++) {
          values[i] = row.getObject(i + 1);
        }
        rows.add(values);
      }
    }
    return rows;
  }

  private void restore(List<Object[]> rows) throws Exception {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO audit_entry (sequence, kind, actor, subject, create_time,"
                    + " facility_time, payload_json, previous_hash, hash)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (Object[] values : rows) {
        for (int i = 0; i < 9; i++) {
          insert.setObject(i + 1, values[i]);
        }
        insert.executeUpdate();
      }
    }
  }

  /**
   * Rewrites one entry's payload and recomputes its hash and every later hash, as an attacker with
   * write access to the database but without the checkpoint key would.
   */
  private void rewriteWithHashes(long sequence, String from, String to) throws Exception {
    try (Connection connection = dataSource.getConnection()) {
      byte[] previous;
      try (PreparedStatement select =
          connection.prepareStatement("SELECT hash FROM audit_entry WHERE sequence = ?")) {
        select.setLong(1, sequence - 1);
        try (ResultSet row = select.executeQuery()) {
          row.next();
          previous = row.getBytes(1);
        }
      }
      List<long[]> sequences = new ArrayList<>();
      List<String> payloads = new ArrayList<>();
      try (PreparedStatement select =
          connection.prepareStatement(
              "SELECT sequence, payload_json FROM audit_entry WHERE sequence >= ?"
                  + " ORDER BY sequence")) {
        select.setLong(1, sequence);
        try (ResultSet row = select.executeQuery()) {
          while (row.next()) {
            sequences.add(new long[] {row.getLong(1)});
            payloads.add(row.getString(2));
          }
        }
      }
      try (PreparedStatement update =
          connection.prepareStatement(
              "UPDATE audit_entry SET payload_json = ?, subject = ?, previous_hash = ?, hash = ?"
                  + " WHERE sequence = ?")) {
        for (int i = 0; i < payloads.size(); i++) {
          String payload = i == 0 ? payloads.get(i).replace(from, to) : payloads.get(i);
          MessageDigest digest = MessageDigest.getInstance("SHA-256");
          digest.update(previous);
          digest.update(payload.getBytes(StandardCharsets.UTF_8));
          byte[] hash = digest.digest();
          update.setString(1, payload);
          update.setString(2, column(sequences.get(i)[0], "subject").replace(from, to));
          update.setBytes(3, previous);
          update.setBytes(4, hash);
          update.setLong(5, sequences.get(i)[0]);
          update.executeUpdate();
          previous = hash;
        }
      }
    }
  }
}
