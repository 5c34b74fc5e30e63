package io.factorytwin.control.grpc;

import com.google.protobuf.Any;
import com.google.rpc.ErrorInfo;
import io.factorytwin.control.audit.AuditEntryRecord;
import io.factorytwin.control.audit.AuditTrail;
import io.factorytwin.control.audit.AuditVerifier;
import io.factorytwin.control.mapping.ControlMapper;
import io.factorytwin.control.model.ActionRecord;
import io.factorytwin.control.model.AgentRecord;
import io.factorytwin.control.model.GuardrailRecord;
import io.factorytwin.control.model.HoldRecord;
import io.factorytwin.control.repository.ActionStore;
import io.factorytwin.control.repository.AgentStore;
import io.factorytwin.control.repository.FilterSql;
import io.factorytwin.control.repository.GuardrailStore;
import io.factorytwin.control.repository.HoldStore;
import io.factorytwin.control.service.Agents;
import io.factorytwin.control.service.Decisions;
import io.factorytwin.control.service.Guardrails;
import io.factorytwin.control.service.Holds;
import io.factorytwin.control.service.ProposalRequest;
import io.factorytwin.control.service.ProposalResult;
import io.factorytwin.control.service.Proposals;
import io.factorytwin.control.v1.Action;
import io.factorytwin.control.v1.Agent;
import io.factorytwin.control.v1.ApproveActionRequest;
import io.factorytwin.control.v1.AuditEntry;
import io.factorytwin.control.v1.BatchProposeSetpointsRequest;
import io.factorytwin.control.v1.BatchProposeSetpointsResponse;
import io.factorytwin.control.v1.ControlServiceGrpc;
import io.factorytwin.control.v1.CreateGuardrailRequest;
import io.factorytwin.control.v1.CreateHoldRequest;
import io.factorytwin.control.v1.DeleteGuardrailRequest;
import io.factorytwin.control.v1.DeleteGuardrailResponse;
import io.factorytwin.control.v1.EmergencyStopRequest;
import io.factorytwin.control.v1.EmergencyStopResponse;
import io.factorytwin.control.v1.GetActionRequest;
import io.factorytwin.control.v1.GetAgentRequest;
import io.factorytwin.control.v1.GetAuditEntryRequest;
import io.factorytwin.control.v1.GetGuardrailRequest;
import io.factorytwin.control.v1.GetHoldRequest;
import io.factorytwin.control.v1.Guardrail;
import io.factorytwin.control.v1.HeartbeatRequest;
import io.factorytwin.control.v1.HeartbeatResponse;
import io.factorytwin.control.v1.Hold;
import io.factorytwin.control.v1.ListActionsRequest;
import io.factorytwin.control.v1.ListActionsResponse;
import io.factorytwin.control.v1.ListAgentsRequest;
import io.factorytwin.control.v1.ListAgentsResponse;
import io.factorytwin.control.v1.ListAuditEntriesRequest;
import io.factorytwin.control.v1.ListAuditEntriesResponse;
import io.factorytwin.control.v1.ListGuardrailsRequest;
import io.factorytwin.control.v1.ListGuardrailsResponse;
import io.factorytwin.control.v1.ListHoldsRequest;
import io.factorytwin.control.v1.ListHoldsResponse;
import io.factorytwin.control.v1.ProposeSetpointRequest;
import io.factorytwin.control.v1.ProposeSetpointResponse;
import io.factorytwin.control.v1.RegisterAgentRequest;
import io.factorytwin.control.v1.RejectActionRequest;
import io.factorytwin.control.v1.ReleaseHoldRequest;
import io.factorytwin.control.v1.RevertActionRequest;
import io.factorytwin.control.v1.UpdateAgentRequest;
import io.factorytwin.control.v1.UpdateGuardrailRequest;
import io.factorytwin.control.v1.VerifyAuditRequest;
import io.factorytwin.control.v1.VerifyAuditResponse;
import io.factorytwin.control.v1.WatchActionsRequest;
import io.factorytwin.control.v1.WatchActionsResponse;
import io.factorytwin.support.error.InvalidArgumentException;
import io.factorytwin.support.error.NotFoundException;
import io.factorytwin.support.error.PermissionDeniedException;
import io.factorytwin.support.filter.Filter;
import io.factorytwin.support.grpc.Caller;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The gRPC endpoint of control-service: checks request shapes, calls the services and maps the
 * results. Methods not overridden here answer UNIMPLEMENTED, the grpc-java default, with a message
 * that names the method. Blocking: every method runs on a worker thread, never on the event loop,
 * because they read and write the database and call twin-service.
 */
@GrpcService
@Blocking
public class ControlGrpcService extends ControlServiceGrpc.ControlServiceImplBase {

  /** Server-generated ids (actions, holds without a client id) are UUIDs. */
  private static final Pattern GENERATED_ID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  private final Agents agents;
  private final Guardrails guardrails;
  private final Proposals proposals;
  private final Holds holds;
  private final AuditTrail audit;
  private final AuditVerifier verifier;
  private final Decisions decisions;
  private final ActionWatches watches;

  ControlGrpcService(
      Agents agents,
      Guardrails guardrails,
      Proposals proposals,
      Holds holds,
      AuditTrail audit,
      AuditVerifier verifier,
      Decisions decisions,
      ActionWatches watches) {
    this.agents = agents;
    this.guardrails = guardrails;
    this.proposals = proposals;
    this.holds = holds;
    this.audit = audit;
    this.verifier = verifier;
    this.decisions = decisions;
    this.watches = watches;
  }

  @Override
  public void registerAgent(RegisterAgentRequest request, StreamObserver<Agent> response) {
    if (!request.hasAgent()) {
      throw new InvalidArgumentException("agent", "required: the agent's settings");
    }
    AgentRecord agent =
        agents.register(
            request.getAgentId(),
            ControlMapper.agentSettings(request.getAgent()),
            Caller.current().subject(),
            request.getRequestId());
    reply(response, ControlMapper.agent(agent));
  }

  @Override
  public void getAgent(GetAgentRequest request, StreamObserver<Agent> response) {
    String id = name(request.getName(), "agents", "name");
    Caller caller = Caller.current();
    boolean onlyAgent = !caller.hasRole("operator") && !caller.hasRole("reader");
    if (onlyAgent && !id.equals(caller.subject())) {
      throw new PermissionDeniedException(
          "PERMISSION_DENIED", "an agent may read only itself, agents/" + caller.subject());
    }
    reply(response, ControlMapper.agent(agents.get(id)));
  }

  @Override
  public void listAgents(ListAgentsRequest request, StreamObserver<ListAgentsResponse> response) {
    int size = Pages.size(request.getPageSize());
    Pages.requireDefaultOrder(request.getOrderBy(), "name");
    FilterSql filter = Pages.filter(request.getFilter(), AgentStore.FILTER_FIELDS);
    String method = Pages.method("ListAgents", request.getFilter());
    String after = Pages.position(request.getPageToken(), method);
    List<AgentRecord> page = agents.page(after, filter, size + 1);
    ListAgentsResponse.Builder builder = ListAgentsResponse.newBuilder();
    page.stream().limit(size).forEach(agent -> builder.addAgents(ControlMapper.agent(agent)));
    if (page.size() > size) {
      builder.setNextPageToken(Pages.token(method, page.get(size - 1).id()));
    }
    reply(response, builder.build());
  }

  @Override
  public void updateAgent(UpdateAgentRequest request, StreamObserver<Agent> response) {
    String id = name(request.getAgent().getName(), "agents", "agent.name");
    AgentRecord agent =
        agents.update(
            id,
            request.getAgent().getEtag(),
            ControlMapper.agentChanges(request.getAgent(), request.getUpdateMask()),
            Caller.current().subject());
    reply(response, ControlMapper.agent(agent));
  }

  @Override
  public void heartbeat(HeartbeatRequest request, StreamObserver<HeartbeatResponse> response) {
    String id = name(request.getAgent(), "agents", "agent");
    AgentRecord agent = agents.heartbeat(id, Caller.current().subject());
    reply(
        response,
        HeartbeatResponse.newBuilder()
            .setLeaseExpireTime(ControlMapper.timestamp(agent.leaseExpireTime()))
            .setMode(ControlMapper.agent(agent).getMode())
            .build());
  }

  @Override
  public void createGuardrail(CreateGuardrailRequest request, StreamObserver<Guardrail> response) {
    if (!request.hasGuardrail()) {
      throw new InvalidArgumentException("guardrail", "required: the guardrail");
    }
    GuardrailRecord guardrail =
        guardrails.create(
            request.getGuardrailId(),
            ControlMapper.guardrailFields(request.getGuardrail()),
            Caller.current().subject(),
            request.getRequestId());
    reply(response, ControlMapper.guardrail(guardrail));
  }

  @Override
  public void getGuardrail(GetGuardrailRequest request, StreamObserver<Guardrail> response) {
    String id = name(request.getName(), "guardrails", "name");
    reply(response, ControlMapper.guardrail(guardrails.get(id)));
  }

  @Override
  public void listGuardrails(
      ListGuardrailsRequest request, StreamObserver<ListGuardrailsResponse> response) {
    int size = Pages.size(request.getPageSize());
    Pages.requireDefaultOrder(request.getOrderBy(), "name");
    FilterSql filter = Pages.filter(request.getFilter(), GuardrailStore.FILTER_FIELDS);
    String method = Pages.method("ListGuardrails", request.getFilter());
    String after = Pages.position(request.getPageToken(), method);
    List<GuardrailRecord> page = guardrails.page(after, filter, size + 1);
    ListGuardrailsResponse.Builder builder = ListGuardrailsResponse.newBuilder();
    page.stream().limit(size).forEach(g -> builder.addGuardrails(ControlMapper.guardrail(g)));
    if (page.size() > size) {
      builder.setNextPageToken(Pages.token(method, page.get(size - 1).id()));
    }
    reply(response, builder.build());
  }

  @Override
  public void updateGuardrail(UpdateGuardrailRequest request, StreamObserver<Guardrail> response) {
    String id = name(request.getGuardrail().getName(), "guardrails", "guardrail.name");
    GuardrailRecord guardrail =
        guardrails.update(
            id,
            request.getGuardrail().getEtag(),
            ControlMapper.guardrailChanges(request.getGuardrail(), request.getUpdateMask()),
            Caller.current().subject());
    reply(response, ControlMapper.guardrail(guardrail));
  }

  @Override
  public void deleteGuardrail(
      DeleteGuardrailRequest request, StreamObserver<DeleteGuardrailResponse> response) {
    String id = name(request.getName(), "guardrails", "name");
    long sequence = guardrails.delete(id, request.getEtag(), Caller.current().subject());
    reply(response, DeleteGuardrailResponse.newBuilder().setAuditSequence(sequence).build());
  }

  @Override
  public void proposeSetpoint(
      ProposeSetpointRequest request, StreamObserver<ProposeSetpointResponse> response) {
    ProposalResult result = proposals.propose(Caller.current().subject(), proposal(request));
    reply(response, proposalResponse(result));
  }

  @Override
  public void batchProposeSetpoints(
      BatchProposeSetpointsRequest request,
      StreamObserver<BatchProposeSetpointsResponse> response) {
    List<ProposalRequest> batch =
        request.getRequestsList().stream().map(ControlGrpcService::proposal).toList();
    BatchProposeSetpointsResponse.Builder builder = BatchProposeSetpointsResponse.newBuilder();
    for (ProposalResult result : proposals.proposeBatch(Caller.current().subject(), batch)) {
      builder.addResponses(proposalResponse(result));
    }
    reply(response, builder.build());
  }

  private static ProposalRequest proposal(ProposeSetpointRequest request) {
    Instant agentFacilityTime =
        request.hasFacilityTime() ? ControlMapper.instant(request.getFacilityTime()) : null;
    return new ProposalRequest(
        request.getPoint(),
        request.getValue(),
        request.getUnit(),
        request.getRequestId(),
        request.getValidateOnly(),
        agentFacilityTime,
        request.getRationale());
  }

  private static ProposeSetpointResponse proposalResponse(ProposalResult result) {
    Action action = ControlMapper.action(result.action());
    return ProposeSetpointResponse.newBuilder()
        .setAction(action)
        .addAllViolations(action.getViolationsList())
        .setReplayed(result.replayed())
        .build();
  }

  @Override
  public void getAction(GetActionRequest request, StreamObserver<Action> response) {
    String id = generatedName(request.getName(), "actions", "name");
    reply(response, ControlMapper.action(proposals.get(id)));
  }

  @Override
  public void listActions(
      ListActionsRequest request, StreamObserver<ListActionsResponse> response) {
    int size = Pages.size(request.getPageSize());
    Pages.requireDefaultOrder(request.getOrderBy(), "create_time desc");
    FilterSql filter = Pages.filter(request.getFilter(), ActionStore.FILTER_FIELDS);
    String method = Pages.method("ListActions", request.getFilter());
    Pages.TimeAndId position = Pages.timeAndId(Pages.position(request.getPageToken(), method));
    List<ActionRecord> page = proposals.page(position.time(), position.id(), filter, size + 1);
    ListActionsResponse.Builder builder = ListActionsResponse.newBuilder();
    page.stream().limit(size).forEach(a -> builder.addActions(ControlMapper.action(a)));
    if (page.size() > size) {
      ActionRecord last = page.get(size - 1);
      builder.setNextPageToken(Pages.token(method, last.createTime() + " " + last.id()));
    }
    reply(response, builder.build());
  }

  @Override
  public void approveAction(ApproveActionRequest request, StreamObserver<Action> response) {
    String id = generatedName(request.getName(), "actions", "name");
    ActionRecord action =
        decisions.approve(id, request.getEtag(), request.getComment(), Caller.current().subject());
    reply(response, ControlMapper.action(action));
  }

  @Override
  public void rejectAction(RejectActionRequest request, StreamObserver<Action> response) {
    String id = generatedName(request.getName(), "actions", "name");
    ActionRecord action =
        decisions.reject(id, request.getEtag(), request.getComment(), Caller.current().subject());
    reply(response, ControlMapper.action(action));
  }

  @Override
  public void revertAction(RevertActionRequest request, StreamObserver<Action> response) {
    String id = generatedName(request.getName(), "actions", "name");
    ActionRecord action =
        decisions.revert(id, request.getEtag(), request.getComment(), Caller.current().subject());
    reply(response, ControlMapper.action(action));
  }

  @Override
  public void emergencyStop(
      EmergencyStopRequest request, StreamObserver<EmergencyStopResponse> response) {
    Decisions.StopResult result =
        decisions.emergencyStop(request.getReason(), Caller.current().subject());
    reply(
        response,
        EmergencyStopResponse.newBuilder()
            .setDisabledAgentCount(result.disabledAgentCount())
            .setRejectedActionCount(result.rejectedActionCount())
            .addAllRevertedActions(result.revertedActions())
            .setAuditSequence(result.sequence())
            .build());
  }

  @Override
  public void watchActions(
      WatchActionsRequest request, StreamObserver<WatchActionsResponse> response) {
    Filter filter = Filter.parse(request.getFilter(), ActionStore.FILTER_FIELDS);
    long head = audit.head().sequence();
    long after = head;
    if (request.hasAfterSequence()) {
      after = request.getAfterSequence();
      if (after > head || after < 0) {
        throw resumeTokenExpired(after, head);
      }
    }
    watches.start((ServerCallStreamObserver<WatchActionsResponse>) response, after, filter);
  }

  @Override
  public void createHold(CreateHoldRequest request, StreamObserver<Hold> response) {
    HoldRecord hold =
        holds.create(
            request.getHoldId(),
            request.getHold().getPoint(),
            request.getHold().getValue(),
            request.getHold().getUnit(),
            request.getHold().getReason(),
            Caller.current().subject(),
            request.getRequestId());
    reply(response, ControlMapper.hold(hold));
  }

  @Override
  public void getHold(GetHoldRequest request, StreamObserver<Hold> response) {
    String id = holdName(request.getName(), "name");
    reply(response, ControlMapper.hold(holds.get(id)));
  }

  @Override
  public void releaseHold(ReleaseHoldRequest request, StreamObserver<Hold> response) {
    String id = holdName(request.getName(), "name");
    reply(
        response,
        ControlMapper.hold(holds.release(id, request.getEtag(), Caller.current().subject())));
  }

  @Override
  public void listHolds(ListHoldsRequest request, StreamObserver<ListHoldsResponse> response) {
    int size = Pages.size(request.getPageSize());
    Pages.requireDefaultOrder(request.getOrderBy(), "create_time desc");
    FilterSql filter = Pages.filter(request.getFilter(), HoldStore.FILTER_FIELDS);
    String method = Pages.method("ListHolds", request.getFilter());
    Pages.TimeAndId position = Pages.timeAndId(Pages.position(request.getPageToken(), method));
    List<HoldRecord> page = holds.page(position.time(), position.id(), filter, size + 1);
    ListHoldsResponse.Builder builder = ListHoldsResponse.newBuilder();
    page.stream().limit(size).forEach(h -> builder.addHolds(ControlMapper.hold(h)));
    if (page.size() > size) {
      HoldRecord last = page.get(size - 1);
      builder.setNextPageToken(Pages.token(method, last.createTime() + " " + last.id()));
    }
    reply(response, builder.build());
  }

  @Override
  public void getAuditEntry(GetAuditEntryRequest request, StreamObserver<AuditEntry> response) {
    String name = request.getName();
    long sequence;
    try {
      sequence = Long.parseLong(name.substring("auditEntries/".length()));
    } catch (RuntimeException e) {
      sequence = 0;
    }
    if (!name.startsWith("auditEntries/") || sequence < 1) {
      throw new InvalidArgumentException(
          "name", "required: auditEntries/{sequence}, sequence >= 1");
    }
    AuditEntryRecord entry = audit.find(sequence);
    if (entry == null) {
      throw new NotFoundException(name);
    }
    reply(response, ControlMapper.auditEntry(entry));
  }

  @Override
  public void listAuditEntries(
      ListAuditEntriesRequest request, StreamObserver<ListAuditEntriesResponse> response) {
    int size = Pages.size(request.getPageSize());
    Pages.requireDefaultOrder(request.getOrderBy(), "sequence");
    FilterSql filter = Pages.filter(request.getFilter(), AuditTrail.FILTER_FIELDS);
    String method = Pages.method("ListAuditEntries", request.getFilter());
    String position = Pages.position(request.getPageToken(), method);
    long after;
    try {
      after = position.isEmpty() ? 0 : Long.parseLong(position);
    } catch (NumberFormatException e) {
      throw new InvalidArgumentException("page_token", "is not a token of this call");
    }
    List<AuditEntryRecord> page = audit.page(after, filter, size + 1);
    ListAuditEntriesResponse.Builder builder = ListAuditEntriesResponse.newBuilder();
    page.stream().limit(size).forEach(e -> builder.addAuditEntries(ControlMapper.auditEntry(e)));
    if (page.size() > size) {
      builder.setNextPageToken(Pages.token(method, Long.toString(page.get(size - 1).sequence())));
    }
    reply(response, builder.build());
  }

  @Override
  public void verifyAudit(
      VerifyAuditRequest request, StreamObserver<VerifyAuditResponse> response) {
    reply(response, ControlMapper.verification(verifier.verify()));
  }

  private static StatusRuntimeException resumeTokenExpired(long after, long head) {
    com.google.rpc.Status status =
        com.google.rpc.Status.newBuilder()
            .setCode(Status.Code.OUT_OF_RANGE.value())
            .setMessage(
                "after_sequence "
                    + after
                    + " is beyond the newest audit entry "
                    + head
                    + "; start again without after_sequence")
            .addDetails(
                Any.pack(
                    ErrorInfo.newBuilder()
                        .setReason("RESUME_TOKEN_EXPIRED")
                        .setDomain("control.factorytwin.io")
                        .build()))
            .build();
    return StatusProto.toStatusRuntimeException(status);
  }

  private static String name(String name, String collection, String field) {
    return io.factorytwin.control.service.Names.id(name, collection, field);
  }

  private static String generatedName(String name, String collection, String field) {
    String prefix = collection + "/";
    if (name.startsWith(prefix)
        && GENERATED_ID.matcher(name.substring(prefix.length())).matches()) {
      return name.substring(prefix.length());
    }
    throw new InvalidArgumentException(field, "required: " + collection + "/{id}");
  }

  private static String holdName(String name, String field) {
    if (name.startsWith("holds/") && GENERATED_ID.matcher(name.substring(6)).matches()) {
      return name.substring(6);
    }
    return name(name, "holds", field);
  }

  private static <T> void reply(StreamObserver<T> response, T message) {
    response.onNext(message);
    response.onCompleted();
  }
}
