package io.factorytwin.cli;

import com.google.protobuf.util.Timestamps;
import io.factorytwin.control.v1.Action;
import io.factorytwin.control.v1.ApproveActionRequest;
import io.factorytwin.control.v1.ControlServiceGrpc;
import io.factorytwin.control.v1.EmergencyStopRequest;
import io.factorytwin.control.v1.EmergencyStopResponse;
import io.factorytwin.control.v1.GetActionRequest;
import io.factorytwin.control.v1.HeartbeatRequest;
import io.factorytwin.control.v1.ListActionsRequest;
import io.factorytwin.control.v1.ListActionsResponse;
import io.factorytwin.control.v1.ProposeSetpointRequest;
import io.factorytwin.control.v1.ProposeSetpointResponse;
import io.factorytwin.control.v1.RejectActionRequest;
import io.factorytwin.control.v1.RevertActionRequest;
import java.io.PrintWriter;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The action commands of factoryctl control: propose, list, approve, reject, revert, estop. */
final class ControlActionCommands {

  private ControlActionCommands() {}

  @Command(
      name = "propose",
      mixinStandardHelpOptions = true,
      description =
          "Propose a setpoint as an agent, with the agent token (--token,"
              + " FACTORYTWIN_AGENT_TOKEN or run/tokens/agent.jwt), and print the outcome:"
              + " APPLIED, RECORDED, PENDING_APPROVAL or REJECTED with every violated rule. Exits"
              + " with 4 when the outcome is REJECTED.")
  static final class Propose implements Callable<Integer> {

    @Mixin Connection connection;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "The setpoint point, twins/{twin}/points/{point}.")
    String point;

    @Parameters(index = "1", description = "The proposed value, in --unit.")
    double value;

    @Option(
        names = "--unit",
        required = true,
        description = "Unit of the value; it must equal the point's unit, such as C, %% or LPM.")
    String unit;

    @Option(
        names = "--request-id",
        description =
            "Idempotency key (a UUID); a retry with the same key returns the stored action and"
                + " applies nothing again. Generated and printed when absent.")
    String requestId;

    @Option(
        names = "--validate-only",
        description = "Run every check and print the outcome without storing or applying it.")
    boolean validateOnly;

    @Option(names = "--rationale", description = "Why the agent proposes the change.")
    String rationale = "";

    @Option(
        names = "--facility-time",
        description =
            "RFC 3339 facility time the decision was based on; recorded only, never checked.")
    String facilityTime;

    @Option(
        names = "--heartbeat",
        description =
            "Renew the agent's lease first, so that a lapsed lease does not fail the call.")
    boolean heartbeat;

    @Override
    public Integer call() {
      ControlCommand.finite(spec, "value", value);
      connection.asAgent = true;
      String id = requestId != null ? requestId : UUID.randomUUID().toString();
      ProposeSetpointRequest.Builder request =
          ProposeSetpointRequest.newBuilder()
              .setPoint(point)
              .setValue(value)
              .setUnit(unit)
              .setRequestId(id)
              .setValidateOnly(validateOnly)
              .setRationale(rationale);
      if (facilityTime != null) {
        try {
          request.setFacilityTime(Timestamps.parse(facilityTime));
        } catch (ParseException e) {
          throw new CommandLine.ParameterException(
              spec.commandLine(),
              "invalid --facility-time '"
                  + facilityTime
                  + "': expected RFC 3339, such as 2026-07-01T12:00:00Z");
        }
      }
      String agent = heartbeat ? "agents/" + connection.subject() : null;
      ProposeSetpointResponse response =
          ControlCommand.withControl(
              connection,
              stub -> {
                if (agent != null) {
                  stub.heartbeat(HeartbeatRequest.newBuilder().setAgent(agent).build());
                }
                return stub.proposeSetpoint(request.build());
              });
      PrintWriter out = spec.commandLine().getOut();
      if (connection.output == Connection.OutputFormat.json) {
        Output.json(out, response);
      } else {
        print(out, response, id);
      }
      return response.getAction().getOutcome() == Action.Outcome.OUTCOME_REJECTED
          ? ErrorReporter.CHECK_FAILED
          : 0;
    }

    private void print(PrintWriter out, ProposeSetpointResponse response, String id) {
      Action action = response.getAction();
      out.println("outcome: " + action.getOutcome().name().replace("OUTCOME_", ""));
      out.println("request id: " + id);
      if (validateOnly) {
        out.println("validate only: nothing was stored or applied");
      }
      if (response.getReplayed()) {
        out.println("replayed: the request id matched an earlier proposal; this is its action");
      }
      out.println();
      Output.table(out, ControlCommand.ACTION_HEADER, List.of(ControlCommand.actionRow(action)));
      // The response repeats the action's violations; print the action's own list once.
      ControlCommand.printViolations(
          out,
          action.getViolationsCount() > 0
              ? action.getViolationsList()
              : response.getViolationsList());
    }
  }

  @Command(
      name = "actions",
      mixinStandardHelpOptions = true,
      description = "List actions, newest first, one page, or show one action in detail.")
  static final class Actions implements Callable<Integer> {

    @Mixin Connection connection;

    @Mixin PageOptions page;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(
        index = "0",
        arity = "0..1",
        description = "An action to show: an id or actions/{action}; without it, list them.")
    String action;

    @Option(
        names = "--filter",
        description = "AIP-160 filter over agent, point, state, outcome and create_time.")
    String filter = "";

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      if (action != null) {
        Action found =
            ControlCommand.withControl(
                connection,
                stub ->
                    stub.getAction(
                        GetActionRequest.newBuilder()
                            .setName(ControlCommand.resourceName("actions", action))
                            .build()));
        ControlCommand.printAction(connection, out, found);
        if (connection.output == Connection.OutputFormat.table) {
          printDetails(out, found);
        }
        return 0;
      }
      ListActionsResponse response =
          ControlCommand.withControl(
              connection,
              stub ->
                  stub.listActions(
                      ListActionsRequest.newBuilder()
                          .setFilter(filter)
                          .setPageSize(page.pageSize)
                          .setPageToken(page.pageToken)
                          .build()));
      Output.page(
          connection.output,
          out,
          response,
          ControlCommand.ACTION_HEADER,
          response.getActionsList(),
          ControlCommand::actionRow,
          response.getNextPageToken());
      return 0;
    }

    /** Prints the fields of an action that are set, beyond those of its table row. */
    private static void printDetails(PrintWriter out, Action action) {
      List<List<String>> rows = new ArrayList<>();
      addIfSet(rows, "request id", action.getRequestId());
      addIfSet(rows, "rationale", action.getRationale());
      addIfSet(rows, "agent mode", ControlCommand.mode(action.getAgentMode()));
      if (action.hasPreviousValue()) {
        rows.add(List.of("previous value", Output.number(action.getPreviousValue())));
      }
      if (action.hasAppliedValue()) {
        rows.add(List.of("applied value", Output.number(action.getAppliedValue())));
      }
      if (action.hasExpireTime()) {
        rows.add(List.of("approval deadline", Output.time(true, action.getExpireTime())));
      }
      addIfSet(rows, "decided by", action.getDecidedBy());
      addIfSet(rows, "decision comment", action.getDecisionComment());
      if (action.getRevertCause() != Action.RevertCause.REVERT_CAUSE_UNSPECIFIED) {
        rows.add(
            List.of("revert cause", action.getRevertCause().name().replace("REVERT_CAUSE_", "")));
      }
      addIfSet(rows, "reverted by", action.getRevertedBy());
      if (action.hasRevertedValue()) {
        rows.add(List.of("reverted value", Output.number(action.getRevertedValue())));
      }
      addIfSet(rows, "superseded by", action.getSupersededBy());
      addIfSet(rows, "etag", action.getEtag());
      out.println();
      Output.table(out, List.of("FIELD", "VALUE"), rows);
    }

    private static void addIfSet(List<List<String>> rows, String field, String value) {
      if (!value.isEmpty() && !value.equals("UNSPECIFIED")) {
        rows.add(List.of(field, value));
      }
    }
  }

  /** Options of an operator's decision on an action: the action, an etag and a comment. */
  abstract static class Decision implements Callable<Integer> {

    @Mixin Connection connection;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "The action: an id or actions/{action}.")
    String action;

    @Option(
        names = "--etag",
        description = "Etag of the action as last read; the call fails ABORTED if it changed.")
    String etag = "";

    abstract Action decide(
        ControlServiceGrpc.ControlServiceBlockingStub stub, String name, String comment);

    abstract String comment();

    /** Returns the exit code for the action the call returned; 0 unless a subclass overrides it. */
    int exitCode(Action result) {
      return 0;
    }

    @Override
    public Integer call() {
      String name = ControlCommand.resourceName("actions", action);
      Action result = ControlCommand.withControl(connection, stub -> decide(stub, name, comment()));
      ControlCommand.printAction(connection, spec.commandLine().getOut(), result);
      return exitCode(result);
    }
  }

  @Command(
      name = "approve",
      mixinStandardHelpOptions = true,
      description =
          "Approve a pending action (role operator) and apply it. The range, rate, hold and"
              + " interlock checks run again first; if one fails, the action becomes REJECTED,"
              + " its violations are printed and the exit code is 4.")
  static final class Approve extends Decision {

    @Option(names = "--comment", description = "Operator's comment.")
    String comment = "";

    @Override
    String comment() {
      return comment;
    }

    /** An approval whose re-check failed leaves the action REJECTED, which scripts must see. */
    @Override
    int exitCode(Action result) {
      return result.getState() == Action.State.STATE_REJECTED ? ErrorReporter.CHECK_FAILED : 0;
    }

    @Override
    Action decide(ControlServiceGrpc.ControlServiceBlockingStub stub, String name, String text) {
      return stub.approveAction(
          ApproveActionRequest.newBuilder().setName(name).setEtag(etag).setComment(text).build());
    }
  }

  @Command(
      name = "reject",
      mixinStandardHelpOptions = true,
      description = "Reject a pending action (role operator), with the reason.")
  static final class Reject extends Decision {

    @Option(names = "--comment", required = true, description = "Why the action is rejected.")
    String comment;

    @Override
    String comment() {
      return comment;
    }

    @Override
    Action decide(ControlServiceGrpc.ControlServiceBlockingStub stub, String name, String text) {
      return stub.rejectAction(
          RejectActionRequest.newBuilder().setName(name).setEtag(etag).setComment(text).build());
    }
  }

  @Command(
      name = "revert",
      mixinStandardHelpOptions = true,
      description =
          "Revert an applied action (role operator): the point returns to its previous value, or"
              + " to the guardrail's safe default when that value is now out of range.")
  static final class Revert extends Decision {

    @Option(names = "--comment", description = "Why the action is reverted.")
    String comment = "";

    @Override
    String comment() {
      return comment;
    }

    @Override
    Action decide(ControlServiceGrpc.ControlServiceBlockingStub stub, String name, String text) {
      return stub.revertAction(
          RevertActionRequest.newBuilder().setName(name).setEtag(etag).setComment(text).build());
    }
  }

  @Command(
      name = "estop",
      mixinStandardHelpOptions = true,
      description =
          "Emergency stop (role operator): disable every agent, reject every pending action and"
              + " return every agent-set point to its guardrail's safe default. Held points keep"
              + " their held value. Safe to repeat; on UNAVAILABLE, run it again.")
  static final class EmergencyStop implements Callable<Integer> {

    @Mixin Connection connection;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--reason",
        required = true,
        description = "Why agent control stops; stored on every disabled agent and audited.")
    String reason;

    @Override
    public Integer call() {
      EmergencyStopResponse response =
          ControlCommand.withControl(
              connection,
              stub ->
                  stub.emergencyStop(EmergencyStopRequest.newBuilder().setReason(reason).build()));
      PrintWriter out = spec.commandLine().getOut();
      if (connection.output == Connection.OutputFormat.json) {
        Output.json(out, response);
        return 0;
      }
      out.printf(
          "disabled %d agents, rejected %d pending actions, reverted %d actions (audit sequence"
              + " %d)%n",
          response.getDisabledAgentCount(),
          response.getRejectedActionCount(),
          response.getRevertedActionsCount(),
          response.getAuditSequence());
      response.getRevertedActionsList().forEach(name -> out.println("reverted " + name));
      out.flush();
      return 0;
    }
  }
}
