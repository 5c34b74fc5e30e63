package io.factorytwin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.util.Timestamps;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import io.factorytwin.control.v1.Action;
import io.factorytwin.control.v1.Agent;
import io.factorytwin.control.v1.ApproveActionRequest;
import io.factorytwin.control.v1.AuditEntry;
import io.factorytwin.control.v1.CheckpointStatus;
import io.factorytwin.control.v1.ControlServiceGrpc;
import io.factorytwin.control.v1.CreateGuardrailRequest;
import io.factorytwin.control.v1.CreateHoldRequest;
import io.factorytwin.control.v1.EmergencyStopRequest;
import io.factorytwin.control.v1.EmergencyStopResponse;
import io.factorytwin.control.v1.GetAuditEntryRequest;
import io.factorytwin.control.v1.Guardrail;
import io.factorytwin.control.v1.HeartbeatRequest;
import io.factorytwin.control.v1.HeartbeatResponse;
import io.factorytwin.control.v1.Hold;
import io.factorytwin.control.v1.ListActionsRequest;
import io.factorytwin.control.v1.ListActionsResponse;
import io.factorytwin.control.v1.ListAgentsRequest;
import io.factorytwin.control.v1.ListAgentsResponse;
import io.factorytwin.control.v1.ListGuardrailsRequest;
import io.factorytwin.control.v1.ListGuardrailsResponse;
import io.factorytwin.control.v1.ListHoldsRequest;
import io.factorytwin.control.v1.ListHoldsResponse;
import io.factorytwin.control.v1.ProposeSetpointRequest;
import io.factorytwin.control.v1.ProposeSetpointResponse;
import io.factorytwin.control.v1.RegisterAgentRequest;
import io.factorytwin.control.v1.RejectActionRequest;
import io.factorytwin.control.v1.UpdateGuardrailRequest;
import io.factorytwin.control.v1.VerifyAuditRequest;
import io.factorytwin.control.v1.VerifyAuditResponse;
import io.factorytwin.control.v1.Violation;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * factoryctl control against a stand-in control-service on loopback: the requests the commands
 * build, what they print and their exit codes. The stand-in returns fixed responses; the checks,
 * state changes and audit chain themselves are tested in control-service's own tests
 * (ProposeSetpointTest, GuardrailsAndAgentsTest and ControlFoundationTest).
 */
class ControlCommandTest {

  private static final String POINT =
      "twins/hall/points/hall-1.cdu-1.liquid-temperature-sp.secondary-supply";

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private final List<Object> requests = new ArrayList<>();
  private final AtomicReference<String> authorization = new AtomicReference<>();

  /** What the stand-in's VerifyAudit returns; a valid chain unless a test replaces it. */
  private VerifyAuditResponse verifyResponse =
      VerifyAuditResponse.newBuilder()
          .setValid(true)
          .setCheckedEntryCount(3)
          .setHeadSequence(3)
          .setHeadHash(ByteString.copyFrom(new byte[] {(byte) 0xab, (byte) 0xcd}))
          .setCheckpoint(
              CheckpointStatus.newBuilder()
                  .setState(CheckpointStatus.State.STATE_VALID)
                  .setSequence(3))
          .build();

  private Server server;

  @BeforeEach
  void startServer() throws Exception {
    ServerInterceptor recordAuthorization =
        new ServerInterceptor() {
          @Override
          public <Q, R> ServerCall.Listener<Q> interceptCall(
              ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            authorization.set(
                headers.get(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER)));
            return next.startCall(call, headers);
          }
        };
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(ServerInterceptors.intercept(new StandInControl(), recordAuthorization))
            .build()
            .start();
  }

  @AfterEach
  void stopServer() {
    server.shutdownNow();
  }

  /** Returns the one request of the given type the stand-in received. */
  private <T> T request(Class<T> type) {
    List<T> matching = requests.stream().filter(type::isInstance).map(type::cast).toList();
    assertThat(matching).as("requests of type " + type.getSimpleName()).hasSize(1);
    return matching.get(0);
  }

  private final class StandInControl extends ControlServiceGrpc.ControlServiceImplBase {

    private <T> void reply(Object request, StreamObserver<T> response, T message) {
      requests.add(request);
      response.onNext(message);
      response.onCompleted();
    }

    @Override
    public void proposeSetpoint(
        ProposeSetpointRequest request, StreamObserver<ProposeSetpointResponse> response) {
      requests.add(request);
      if (request.getValue() > 45) {
        // A malformed-request error with a field violation, as the service sends for a unit
        // other than the point's.
        com.google.rpc.Status status =
            com.google.rpc.Status.newBuilder()
                .setCode(Code.INVALID_ARGUMENT_VALUE)
                .setMessage("unit F is not the point's unit C")
                .addDetails(
                    Any.pack(
                        BadRequest.newBuilder()
                            .addFieldViolations(
                                BadRequest.FieldViolation.newBuilder()
                                    .setField("unit")
                                    .setDescription("expected C"))
                            .build()))
                .build();
        response.onError(StatusProto.toStatusRuntimeException(status));
        return;
      }
      Action.Builder action =
          Action.newBuilder()
              .setName(request.getValidateOnly() ? "" : "actions/a-1")
              .setAgent("agents/lc-agent")
              .setPoint(request.getPoint())
              .setRequestedValue(request.getValue())
              .setUnit(request.getUnit())
              .setRequestId(request.getRequestId())
              .setCreateTime(Timestamps.fromSeconds(1_780_000_000));
      if (request.getValue() > 40) {
        Violation aboveMax =
            Violation.newBuilder()
                .setRule(Violation.Rule.RULE_ABOVE_MAX)
                .setSubject("guardrails/tcs-supply")
                .setDescription("value 42 is above the maximum 40 of guardrails/tcs-supply")
                .build();
        Violation dewPoint =
            Violation.newBuilder()
                .setRule(Violation.Rule.RULE_RATE_OF_CHANGE)
                .setSubject("guardrails/tcs-supply")
                .setDescription("change of 10 in 1 min exceeds 2 per minute")
                .build();
        action
            .setOutcome(Action.Outcome.OUTCOME_REJECTED)
            .setState(Action.State.STATE_REJECTED)
            .addViolations(aboveMax)
            .addViolations(dewPoint);
      } else if (request.getValidateOnly()) {
        action
            .setOutcome(Action.Outcome.OUTCOME_PENDING_APPROVAL)
            .setState(Action.State.STATE_PENDING_APPROVAL);
      } else {
        action
            .setOutcome(Action.Outcome.OUTCOME_APPLIED)
            .setState(Action.State.STATE_APPLIED)
            .setPreviousValue(30)
            .setAppliedValue(request.getValue());
      }
      response.onNext(
          ProposeSetpointResponse.newBuilder()
              .setAction(action)
              .addAllViolations(action.getViolationsList())
              .build());
      response.onCompleted();
    }

    @Override
    public void heartbeat(HeartbeatRequest request, StreamObserver<HeartbeatResponse> response) {
      reply(
          request,
          response,
          HeartbeatResponse.newBuilder()
              .setMode(Agent.Mode.MODE_AUTONOMOUS)
              .setLeaseExpireTime(Timestamps.fromSeconds(1_780_000_010))
              .build());
    }

    @Override
    public void listAgents(ListAgentsRequest request, StreamObserver<ListAgentsResponse> response) {
      reply(
          request,
          response,
          ListAgentsResponse.newBuilder()
              .addAgents(
                  Agent.newBuilder()
                      .setName("agents/lc-agent")
                      .setOwner("cooling-team@example.com")
                      .addScopes("twins/hall/points/hall-1.cdu-*.liquid-temperature-sp.*")
                      .setMode(Agent.Mode.MODE_AUTONOMOUS)
                      .setEnabled(true)
                      .setLeaseExpireTime(Timestamps.fromSeconds(1_780_000_010)))
              .addAgents(
                  Agent.newBuilder()
                      .setName("agents/shadow-1")
                      .setOwner("ml@example.com")
                      .addScopes("twins/hall/points/*")
                      .setMode(Agent.Mode.MODE_SHADOW)
                      .setDisabledReason("emergency stop by ops-lead: chiller trip"))
              .setNextPageToken("page-2")
              .build());
    }

    @Override
    public void registerAgent(RegisterAgentRequest request, StreamObserver<Agent> response) {
      reply(
          request,
          response,
          request.getAgent().toBuilder().setName("agents/" + request.getAgentId()).build());
    }

    @Override
    public void listActions(
        ListActionsRequest request, StreamObserver<ListActionsResponse> response) {
      reply(
          request,
          response,
          ListActionsResponse.newBuilder()
              .addActions(
                  Action.newBuilder()
                      .setName("actions/a-2")
                      .setAgent("agents/lc-agent")
                      .setPoint(POINT)
                      .setRequestedValue(38.5)
                      .setUnit("C")
                      .setOutcome(Action.Outcome.OUTCOME_PENDING_APPROVAL)
                      .setState(Action.State.STATE_PENDING_APPROVAL)
                      .setCreateTime(Timestamps.fromSeconds(1_780_000_000)))
              .build());
    }

    @Override
    public void approveAction(ApproveActionRequest request, StreamObserver<Action> response) {
      // The re-check at approval fails: the action ends REJECTED with its violation.
      reply(
          request,
          response,
          Action.newBuilder()
              .setName(request.getName())
              .setAgent("agents/lc-agent")
              .setPoint(POINT)
              .setRequestedValue(38.5)
              .setUnit("C")
              .setOutcome(Action.Outcome.OUTCOME_PENDING_APPROVAL)
              .setState(Action.State.STATE_REJECTED)
              .addViolations(
                  Violation.newBuilder()
                      .setRule(Violation.Rule.RULE_DEW_POINT_INTERLOCK)
                      .setSubject("twins/hall/points/hall-1.dew-point-temperature")
                      .setDescription("supply 38.5 is within 2 K of the dew point 37.1"))
              .build());
    }

    @Override
    public void rejectAction(RejectActionRequest request, StreamObserver<Action> response) {
      reply(
          request,
          response,
          Action.newBuilder()
              .setName(request.getName())
              .setState(Action.State.STATE_REJECTED)
              .setDecisionComment(request.getComment())
              .build());
    }

    @Override
    public void emergencyStop(
        EmergencyStopRequest request, StreamObserver<EmergencyStopResponse> response) {
      reply(
          request,
          response,
          EmergencyStopResponse.newBuilder()
              .setDisabledAgentCount(2)
              .setRejectedActionCount(1)
              .addRevertedActions("actions/a-1")
              .setAuditSequence(57)
              .build());
    }

    @Override
    public void createHold(CreateHoldRequest request, StreamObserver<Hold> response) {
      reply(
          request,
          response,
          request.getHold().toBuilder()
              .setName("holds/" + request.getHoldId())
              .setState(Hold.State.STATE_ACTIVE)
              .setCreator("dev-operator")
              .build());
    }

    @Override
    public void listHolds(ListHoldsRequest request, StreamObserver<ListHoldsResponse> response) {
      reply(
          request,
          response,
          ListHoldsResponse.newBuilder()
              .addHolds(
                  Hold.newBuilder()
                      .setName("holds/chiller-2")
                      .setPoint(POINT)
                      .setValue(32)
                      .setUnit("C")
                      .setState(Hold.State.STATE_ACTIVE)
                      .setCreator("ops-lead")
                      .setReason("chiller 2 maintenance"))
              .build());
    }

    @Override
    public void listGuardrails(
        ListGuardrailsRequest request, StreamObserver<ListGuardrailsResponse> response) {
      reply(
          request,
          response,
          ListGuardrailsResponse.newBuilder()
              .addGuardrails(
                  Guardrail.newBuilder()
                      .setName("guardrails/tcs-supply")
                      .setPointPattern("twins/*/points/*.liquid-temperature-sp.secondary-supply")
                      .setUnit("C")
                      .setMinValue(25)
                      .setMaxValue(40)
                      .setMaxRatePerMinute(0.5)
                      .setApprovalMaxValue(35)
                      .setSafeDefaultValue(30)
                      .setVersion(3))
              .build());
    }

    @Override
    public void createGuardrail(
        CreateGuardrailRequest request, StreamObserver<Guardrail> response) {
      reply(
          request,
          response,
          request.getGuardrail().toBuilder()
              .setName("guardrails/" + request.getGuardrailId())
              .setVersion(1)
              .build());
    }

    @Override
    public void updateGuardrail(
        UpdateGuardrailRequest request, StreamObserver<Guardrail> response) {
      reply(request, response, request.getGuardrail().toBuilder().setVersion(4).build());
    }

    @Override
    public void verifyAudit(
        VerifyAuditRequest request, StreamObserver<VerifyAuditResponse> response) {
      reply(request, response, verifyResponse);
    }

    @Override
    public void getAuditEntry(GetAuditEntryRequest request, StreamObserver<AuditEntry> response) {
      requests.add(request);
      if (!request.getName().equals("auditEntries/2")) {
        response.onError(Status.NOT_FOUND.withDescription(request.getName()).asException());
        return;
      }
      response.onNext(
          AuditEntry.newBuilder()
              .setName(request.getName())
              .setSequence(2)
              .setKind(AuditEntry.Kind.KIND_ACTION_PROPOSED)
              .setActor("lc-agent")
              .setSubject("actions/a-1")
              .setHash(ByteString.copyFrom(new byte[] {0x01, 0x02}))
              .build());
      response.onCompleted();
    }
  }

  private int run(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    String[] all = new String[args.length + 2];
    all[0] = "control";
    System.arraycopy(args, 0, all, 1, args.length);
    all[args.length + 1] = "--control-address=127.0.0.1:" + server.getPort();
    return FactoryCtl.execute(new PrintWriter(out, true), new PrintWriter(err, true), all);
  }

  /** Builds an unsigned JWT with the given subject; the stand-in checks no signature. */
  private static String token(String subject) {
    Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
    String header = base64.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
    String payload =
        base64.encodeToString(
            ("{\"sub\":\"" + subject + "\",\"groups\":[\"agent\"]}")
                .getBytes(StandardCharsets.UTF_8));
    return header + "." + payload + ".sig";
  }

  @Test
  void propose_withoutValue_isUsageError() {
    int code = run("propose", POINT, "--unit=C", "--token=t");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required parameter").contains("<value>");
    assertThat(requests).isEmpty();
  }

  @Test
  void propose_nonNumericValue_isUsageError() {
    int code = run("propose", POINT, "warm", "--unit=C", "--token=t");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("'warm' is not a double");
    assertThat(requests).isEmpty();
  }

  @Test
  void propose_nonFiniteValue_isUsageError() {
    int code = run("propose", POINT, "NaN", "--unit=C", "--token=t");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("invalid value 'NaN': expected a finite number");
    assertThat(requests).isEmpty();
  }

  @Test
  void propose_withoutUnit_isUsageError() {
    int code = run("propose", POINT, "35", "--token=t");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--unit");
    assertThat(requests).isEmpty();
  }

  @Test
  void propose_applied_printsOutcomeAndGeneratedRequestId() {
    int code = run("propose", POINT, "35.5", "--unit=C", "--token=agent-token");

    assertThat(code).as(err.toString()).isZero();
    ProposeSetpointRequest sent = request(ProposeSetpointRequest.class);
    assertThat(sent.getPoint()).isEqualTo(POINT);
    assertThat(sent.getValue()).isEqualTo(35.5);
    assertThat(sent.getUnit()).isEqualTo("C");
    assertThat(sent.getValidateOnly()).isFalse();
    // A generated idempotency key is a UUID, and it is printed so the caller can retry with it.
    assertThat(UUID.fromString(sent.getRequestId())).isNotNull();
    assertThat(out.toString()).contains("outcome: APPLIED");
    assertThat(out.toString()).contains("request id: " + sent.getRequestId());
    assertThat(out.toString()).contains("actions/a-1").contains("35.5 C");
    assertThat(authorization.get()).isEqualTo("Bearer agent-token");
  }

  @Test
  void propose_rejected_listsViolations() {
    int code = run("propose", POINT, "42", "--unit=C", "--request-id=r-42", "--token=agent-token");

    assertThat(code).isEqualTo(ErrorReporter.CHECK_FAILED);
    assertThat(request(ProposeSetpointRequest.class).getRequestId()).isEqualTo("r-42");
    String printed = out.toString();
    assertThat(printed).contains("outcome: REJECTED").contains("request id: r-42");
    assertThat(printed).containsPattern("ABOVE_MAX\\s+guardrails/tcs-supply\\s+value 42 is above");
    assertThat(printed).containsPattern("RATE_OF_CHANGE\\s+guardrails/tcs-supply\\s+change of 10");
  }

  @Test
  void propose_rejectedJson_exitsFour() {
    int code = run("propose", POINT, "42", "--unit=C", "--token=agent-token", "-o", "json");

    assertThat(code).isEqualTo(ErrorReporter.CHECK_FAILED);
    assertThat(out.toString())
        .contains("\"outcome\": \"OUTCOME_REJECTED\"")
        .contains("\"rule\": \"RULE_ABOVE_MAX\"");
  }

  @Test
  void propose_validateOnly_storesNothing() {
    int code = run("propose", POINT, "33", "--unit=C", "--validate-only", "--token=agent-token");

    assertThat(code).as(err.toString()).isZero();
    assertThat(request(ProposeSetpointRequest.class).getValidateOnly()).isTrue();
    assertThat(out.toString())
        .contains("outcome: PENDING_APPROVAL")
        .contains("validate only: nothing was stored or applied");
  }

  @Test
  void propose_heartbeat_renewsLeaseFirst() {
    int code =
        run("propose", POINT, "35", "--unit=C", "--heartbeat", "--token=" + token("lc-agent"));

    assertThat(code).as(err.toString()).isZero();
    assertThat(request(HeartbeatRequest.class).getAgent()).isEqualTo("agents/lc-agent");
    assertThat(requests.get(0)).isInstanceOf(HeartbeatRequest.class);
    assertThat(requests.get(1)).isInstanceOf(ProposeSetpointRequest.class);
  }

  @Test
  void propose_invalidArgument_printsStatusAndField() {
    int code = run("propose", POINT, "50", "--unit=F", "--token=agent-token");

    assertThat(code).isEqualTo(ErrorReporter.REJECTED);
    assertThat(err.toString())
        .startsWith("error: INVALID_ARGUMENT: unit F is not the point's unit C")
        .contains("field unit: expected C");
  }

  @Test
  void heartbeat_withoutAgent_usesTokenSubject() {
    int code = run("heartbeat", "--token=" + token("lc-agent"));

    assertThat(code).as(err.toString()).isZero();
    assertThat(request(HeartbeatRequest.class).getAgent()).isEqualTo("agents/lc-agent");
    assertThat(out.toString()).contains("AUTONOMOUS").contains("2026-05-28T");
  }

  @Test
  void heartbeat_tokenWithoutSubject_failsBeforeCalling() {
    int code = run("heartbeat", "--token=not-a-jwt");

    assertThat(code).isEqualTo(ErrorReporter.FAILED);
    assertThat(err.toString()).contains("not a JWT with a 'sub' claim");
    assertThat(requests).isEmpty();
  }

  @Test
  void agents_printsTableAndNextPage() {
    int code = run("agents", "--page-size=2", "--token=t");

    assertThat(code).as(err.toString()).isZero();
    assertThat(request(ListAgentsRequest.class).getPageSize()).isEqualTo(2);
    String printed = out.toString();
    assertThat(printed.lines().findFirst().orElseThrow())
        .containsPattern("AGENT\\s+MODE\\s+ENABLED\\s+OWNER\\s+SCOPES\\s+LEASE EXPIRES");
    assertThat(printed).containsPattern("agents/lc-agent\\s+AUTONOMOUS\\s+true\\s+cooling-team");
    assertThat(printed).containsPattern("agents/shadow-1\\s+SHADOW\\s+false.*emergency stop");
    assertThat(printed).contains("next page: --page-token page-2");
  }

  @Test
  void agents_json_printsResponseWithoutTable() {
    int code = run("agents", "-o", "json", "--token=t");

    assertThat(code).isZero();
    assertThat(out.toString())
        .contains("\"nextPageToken\": \"page-2\"")
        .contains("\"mode\": \"MODE_SHADOW\"")
        .doesNotContain("next page:");
  }

  @Test
  void register_sendsSettings() {
    int code =
        run(
            "register",
            "lc-agent",
            "--owner=cooling-team@example.com",
            "--scope=twins/hall/points/hall-1.cdu-*.liquid-temperature-sp.*",
            "--scope=twins/hall/points/hall-1.chiller-*.leaving-temperature-sp",
            "--mode=Advisory",
            "--lease-seconds=60",
            "--enabled",
            "--token=t");

    assertThat(code).as(err.toString()).isZero();
    RegisterAgentRequest sent = request(RegisterAgentRequest.class);
    assertThat(sent.getAgentId()).isEqualTo("lc-agent");
    assertThat(sent.getAgent().getMode()).isEqualTo(Agent.Mode.MODE_ADVISORY);
    assertThat(sent.getAgent().getScopesCount()).isEqualTo(2);
    assertThat(sent.getAgent().getLeaseDuration().getSeconds()).isEqualTo(60);
    assertThat(sent.getAgent().getEnabled()).isTrue();
    assertThat(out.toString()).containsPattern("agents/lc-agent\\s+ADVISORY\\s+true");
  }

  @Test
  void register_unknownMode_isUsageError() {
    int code =
        run("register", "lc-agent", "--owner=o", "--scope=s", "--mode=reckless", "--token=t");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .contains("unknown mode 'reckless': expected shadow, advisory or autonomous");
    assertThat(requests).isEmpty();
  }

  @Test
  void actions_printsTable() {
    int code = run("actions", "--token=t");

    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString())
        .containsPattern("ACTION\\s+AGENT\\s+POINT\\s+VALUE\\s+OUTCOME\\s+STATE\\s+CREATED")
        .containsPattern(
            "actions/a-2\\s+agents/lc-agent\\s+\\S+secondary-supply\\s+38.5 C\\s+PENDING_APPROVAL"
                + "\\s+PENDING_APPROVAL\\s+2026-05-28T")
        .doesNotContain("next page:");
  }

  @Test
  void approve_failedRecheck_printsViolationAndExitsFour() {
    int code = run("approve", "a-2", "--etag=e1", "--token=t");

    assertThat(code).isEqualTo(ErrorReporter.CHECK_FAILED);
    ApproveActionRequest sent = request(ApproveActionRequest.class);
    assertThat(sent.getName()).isEqualTo("actions/a-2");
    assertThat(sent.getEtag()).isEqualTo("e1");
    assertThat(out.toString()).containsPattern("DEW_POINT_INTERLOCK\\s+\\S+dew-point");
  }

  @Test
  void reject_withoutComment_isUsageError() {
    int code = run("reject", "actions/a-2", "--token=t");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--comment");
    assertThat(requests).isEmpty();
  }

  @Test
  void reject_withComment_exitsZero() {
    int code = run("reject", "actions/a-2", "--comment=too close to the dew point", "--token=t");

    assertThat(code).as(err.toString()).isZero();
    assertThat(request(RejectActionRequest.class).getComment())
        .isEqualTo("too close to the dew point");
  }

  @Test
  void estop_withoutReason_isUsageError() {
    int code = run("estop", "--token=t");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--reason");
    assertThat(requests).isEmpty();
  }

  @Test
  void estop_printsCounts() {
    int code = run("estop", "--reason=chiller trip", "--token=t");

    assertThat(code).as(err.toString()).isZero();
    assertThat(request(EmergencyStopRequest.class).getReason()).isEqualTo("chiller trip");
    assertThat(out.toString())
        .contains("disabled 2 agents, rejected 1 pending actions, reverted 1 actions")
        .contains("audit sequence 57")
        .contains("reverted actions/a-1");
  }

  @Test
  void hold_sendsValueAndPrintsHold() {
    int code =
        run(
            "hold",
            POINT,
            "32",
            "--unit=C",
            "--reason=chiller 2 maintenance",
            "--id=chiller-2",
            "--token=t");

    assertThat(code).as(err.toString()).isZero();
    CreateHoldRequest sent = request(CreateHoldRequest.class);
    assertThat(sent.getHold().getValue()).isEqualTo(32);
    assertThat(sent.getHoldId()).isEqualTo("chiller-2");
    assertThat(out.toString()).containsPattern("holds/chiller-2\\s+\\S+\\s+32 C\\s+ACTIVE");
  }

  @Test
  void hold_nonNumericValue_isUsageError() {
    int code = run("hold", POINT, "32C", "--unit=C", "--reason=r", "--token=t");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("'32C' is not a double");
    assertThat(requests).isEmpty();
  }

  @Test
  void holds_printsTable() {
    int code = run("holds", "--token=t");

    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString())
        .containsPattern("HOLD\\s+POINT\\s+VALUE\\s+STATE\\s+CREATOR")
        .containsPattern("holds/chiller-2\\s+\\S+\\s+32 C\\s+ACTIVE\\s+ops-lead.*chiller 2");
  }

  @Test
  void guardrails_printsTableWithApprovalBand() {
    int code = run("guardrails", "--token=t");

    assertThat(code).as(err.toString()).isZero();
    // The approval band's unset lower edge shows as the range minimum, as the server applies it.
    assertThat(out.toString())
        .containsPattern(
            "guardrails/tcs-supply\\s+\\S+\\s+C\\s+25\\s+40\\s+0.5\\s+25\\.\\.35\\s+30\\s+0\\s+3");
  }

  @Test
  void guardrailsCreate_sendsLimitsAndLeavesApprovalUnset() {
    int code =
        run(
            "guardrails",
            "create",
            "tcs-supply",
            "--pattern=twins/*/points/*.secondary-supply",
            "--unit=C",
            "--min=25",
            "--max=40",
            "--rate=0.5",
            "--approval-max=35",
            "--safe-default=30",
            "--token=t");

    assertThat(code).as(err.toString()).isZero();
    Guardrail sent = request(CreateGuardrailRequest.class).getGuardrail();
    assertThat(sent.getMinValue()).isEqualTo(25);
    assertThat(sent.getMaxRatePerMinute()).isEqualTo(0.5);
    assertThat(sent.hasApprovalMinValue()).isFalse();
    assertThat(sent.getApprovalMaxValue()).isEqualTo(35);
    assertThat(out.toString()).containsPattern("guardrails/tcs-supply\\s+.*\\s+1$");
  }

  @Test
  void guardrailsCreate_missingLimits_isUsageError() {
    int code = run("guardrails", "create", "tcs-supply", "--unit=C", "--min=25", "--token=t");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .contains("missing required options for point_pattern, max_value, max_rate_per_minute");
    assertThat(requests).isEmpty();
  }

  @Test
  void guardrailsSet_sendsOnlyGivenFieldsInMask() {
    int code = run("guardrails", "set", "tcs-supply", "--max=38", "--safe-default=29", "--token=t");

    assertThat(code).as(err.toString()).isZero();
    UpdateGuardrailRequest sent = request(UpdateGuardrailRequest.class);
    assertThat(sent.getGuardrail().getName()).isEqualTo("guardrails/tcs-supply");
    assertThat(sent.getUpdateMask().getPathsList())
        .containsExactly("max_value", "safe_default_value");
  }

  @Test
  void guardrailsSet_infiniteValue_isUsageError() {
    int code = run("guardrails", "set", "tcs-supply", "--max=Infinity", "--token=t");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("invalid --max 'Infinity'");
    assertThat(requests).isEmpty();
  }

  @Test
  void verifyAudit_validChain_exitsZero() {
    int code = run("verify-audit", "--token=t");

    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString())
        .containsPattern("valid\\s+true")
        .containsPattern("head hash\\s+abcd")
        .containsPattern("checkpoint\\s+VALID");
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void verifyAudit_badChain_exitsFour() {
    verifyResponse =
        verifyResponse.toBuilder()
            .setValid(false)
            .setFirstBadSequence(2)
            .setFirstBadDescription("hash does not match the payload")
            .setCheckpoint(
                CheckpointStatus.newBuilder()
                    .setState(CheckpointStatus.State.STATE_HASH_MISMATCH)
                    .setSequence(3))
            .build();

    int code = run("verify-audit", "--token=t");

    assertThat(code).isEqualTo(ErrorReporter.CHECK_FAILED);
    assertThat(request(GetAuditEntryRequest.class).getName()).isEqualTo("auditEntries/2");
    assertThat(out.toString())
        .containsPattern("valid\\s+false")
        .containsPattern("checkpoint\\s+HASH_MISMATCH")
        .containsPattern("2\\s+ACTION_PROPOSED\\s+lc-agent\\s+actions/a-1");
    assertThat(err.toString())
        .contains(
            "error: the audit trail does not verify: first bad entry 2: hash does not match the"
                + " payload");
  }

  @Test
  void verifyAudit_missingEntry_stillExitsFour() {
    verifyResponse =
        verifyResponse.toBuilder()
            .setValid(false)
            .setFirstBadSequence(5)
            .setFirstBadDescription("sequence 5 is missing")
            .build();

    int code = run("verify-audit", "--token=t");

    assertThat(code).isEqualTo(ErrorReporter.CHECK_FAILED);
    assertThat(err.toString()).contains("first bad entry 5: sequence 5 is missing");
  }

  @Test
  void verifyAudit_checkpointOnlyFailure_exitsFour() {
    verifyResponse =
        verifyResponse.toBuilder()
            .setValid(false)
            .setCheckpoint(
                CheckpointStatus.newBuilder()
                    .setState(CheckpointStatus.State.STATE_ENTRIES_MISSING)
                    .setSequence(9))
            .build();

    int code = run("verify-audit", "--token=t", "-o", "json");

    assertThat(code).isEqualTo(ErrorReporter.CHECK_FAILED);
    assertThat(out.toString()).contains("\"state\": \"STATE_ENTRIES_MISSING\"");
    assertThat(err.toString()).contains("checkpoint ENTRIES_MISSING");
  }
}
