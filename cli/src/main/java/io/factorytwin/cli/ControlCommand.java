package io.factorytwin.cli;

import io.factorytwin.control.v1.Action;
import io.factorytwin.control.v1.Agent;
import io.factorytwin.control.v1.ControlServiceGrpc;
import io.factorytwin.control.v1.Violation;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * factoryctl control: agents, setpoint proposals and their approval, operator holds, guardrails,
 * the emergency stop and the audit trail of control-service.
 */
@Command(
    name = "control",
    mixinStandardHelpOptions = true,
    description =
        "Operate control-service: register and list agents, propose setpoints as an agent,"
            + " approve, reject or revert actions, hold points, manage guardrails, stop all agents"
            + " and verify the audit trail.",
    subcommands = {
      ControlAgentCommands.Agents.class,
      ControlAgentCommands.Register.class,
      ControlAgentCommands.Enable.class,
      ControlAgentCommands.Disable.class,
      ControlAgentCommands.Heartbeat.class,
      ControlActionCommands.Propose.class,
      ControlActionCommands.Actions.class,
      ControlActionCommands.Approve.class,
      ControlActionCommands.Reject.class,
      ControlActionCommands.Revert.class,
      ControlActionCommands.EmergencyStop.class,
      ControlHoldCommands.Hold.class,
      ControlHoldCommands.Release.class,
      ControlHoldCommands.Holds.class,
      ControlGuardrailCommands.Guardrails.class,
      ControlAuditCommands.VerifyAudit.class,
      ControlAuditCommands.Audit.class
    })
final class ControlCommand {

  static final List<String> ACTION_HEADER =
      List.of("ACTION", "AGENT", "POINT", "VALUE", "OUTCOME", "STATE", "CREATED");

  private ControlCommand() {}

  static <T> T withControl(
      Connection connection, Function<ControlServiceGrpc.ControlServiceBlockingStub, T> work) {
    return connection.call(Connection.Service.CONTROL, ControlServiceGrpc::newBlockingStub, work);
  }

  /** `{collection}/{id}` from a bare id, or the name unchanged when it already has the prefix. */
  static String resourceName(String collection, String idOrName) {
    String prefix = collection + "/";
    return idOrName.startsWith(prefix) ? idOrName : prefix + idOrName;
  }

  /**
   * Rejects a non-finite number with a usage error before any call. Picocli's double converter
   * accepts NaN and Infinity, which the contract rejects for every value.
   */
  static double finite(CommandLine.Model.CommandSpec spec, String name, double value) {
    if (!Double.isFinite(value)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "invalid " + name + " '" + value + "': expected a finite number");
    }
    return value;
  }

  static String mode(Agent.Mode mode) {
    return mode.name().replace("MODE_", "");
  }

  static List<String> actionRow(Action action) {
    return List.of(
        action.getName().isEmpty() ? "-" : action.getName(),
        action.getAgent(),
        action.getPoint(),
        Output.number(action.getRequestedValue()) + " " + action.getUnit(),
        action.getOutcome().name().replace("OUTCOME_", ""),
        action.getState().name().replace("STATE_", ""),
        Output.time(action.hasCreateTime(), action.getCreateTime()));
  }

  /** Prints an action as a table row with its violations, or as JSON. */
  static void printAction(Connection connection, PrintWriter out, Action action) {
    Output.resource(connection.output, out, action, ACTION_HEADER, actionRow(action));
    if (connection.output == Connection.OutputFormat.table) {
      printViolations(out, action.getViolationsList());
    }
  }

  static void printViolations(PrintWriter out, List<Violation> violations) {
    if (violations.isEmpty()) {
      return;
    }
    out.println();
    Output.table(
        out,
        List.of("VIOLATED RULE", "SUBJECT", "DESCRIPTION"),
        violations.stream()
            .map(
                violation ->
                    List.of(
                        violation.getRule().name().replace("RULE_", ""),
                        violation.getSubject(),
                        violation.getDescription()))
            .toList());
  }

  /** Reads an agent mode as SHADOW, ADVISORY or AUTONOMOUS, in any case, with or without MODE_. */
  static final class ModeConverter implements CommandLine.ITypeConverter<Agent.Mode> {
    @Override
    public Agent.Mode convert(String text) {
      String name = text.toUpperCase(Locale.ROOT);
      name = name.startsWith("MODE_") ? name : "MODE_" + name;
      for (Agent.Mode mode :
          List.of(Agent.Mode.MODE_SHADOW, Agent.Mode.MODE_ADVISORY, Agent.Mode.MODE_AUTONOMOUS)) {
        if (mode.name().equals(name)) {
          return mode;
        }
      }
      throw new CommandLine.TypeConversionException(
          "unknown mode '" + text + "': expected shadow, advisory or autonomous");
    }
  }
}
