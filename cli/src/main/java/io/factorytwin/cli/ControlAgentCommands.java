package io.factorytwin.cli;

import com.google.protobuf.Duration;
import com.google.protobuf.FieldMask;
import io.factorytwin.control.v1.Agent;
import io.factorytwin.control.v1.GetAgentRequest;
import io.factorytwin.control.v1.HeartbeatRequest;
import io.factorytwin.control.v1.HeartbeatResponse;
import io.factorytwin.control.v1.ListAgentsRequest;
import io.factorytwin.control.v1.ListAgentsResponse;
import io.factorytwin.control.v1.RegisterAgentRequest;
import io.factorytwin.control.v1.UpdateAgentRequest;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The agent commands of factoryctl control: list, register, enable, disable and heartbeat. */
final class ControlAgentCommands {

  static final List<String> HEADER =
      List.of("AGENT", "MODE", "ENABLED", "OWNER", "SCOPES", "LEASE EXPIRES", "DISABLED REASON");

  private ControlAgentCommands() {}

  static List<String> row(Agent agent) {
    return List.of(
        agent.getName(),
        ControlCommand.mode(agent.getMode()),
        Boolean.toString(agent.getEnabled()),
        agent.getOwner(),
        String.join(",", agent.getScopesList()),
        Output.time(agent.hasLeaseExpireTime(), agent.getLeaseExpireTime()),
        agent.getDisabledReason());
  }

  @Command(
      name = "agents",
      mixinStandardHelpOptions = true,
      description = "List the registered agents, one page, or show one agent.")
  static final class Agents implements Callable<Integer> {

    @Mixin Connection connection;

    @Mixin PageOptions page;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(
        index = "0",
        arity = "0..1",
        description = "An agent to show: an id or agents/{agent}; without it, list them.")
    String agent;

    @Option(
        names = "--filter",
        description = "AIP-160 filter over mode, enabled, owner and lease_expire_time.")
    String filter = "";

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      if (agent != null) {
        Agent found =
            ControlCommand.withControl(
                connection,
                stub ->
                    stub.getAgent(
                        GetAgentRequest.newBuilder()
                            .setName(ControlCommand.resourceName("agents", agent))
                            .build()));
        Output.resource(connection.output, out, found, HEADER, row(found));
        return 0;
      }
      ListAgentsResponse response =
          ControlCommand.withControl(
              connection,
              stub ->
                  stub.listAgents(
                      ListAgentsRequest.newBuilder()
                          .setFilter(filter)
                          .setPageSize(page.pageSize)
                          .setPageToken(page.pageToken)
                          .build()));
      Output.page(
          connection.output,
          out,
          response,
          HEADER,
          response.getAgentsList(),
          ControlAgentCommands::row,
          response.getNextPageToken());
      return 0;
    }
  }

  @Command(
      name = "register",
      mixinStandardHelpOptions = true,
      description =
          "Register an agent (role operator). The agent authenticates with a JWT of role agent"
              + " whose subject is the agent id; it can propose once it is enabled and has sent a"
              + " heartbeat.")
  static final class Register implements Callable<Integer> {

    @Mixin Connection connection;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(
        index = "0",
        description =
            "Agent id, equal to the subject of the agent's JWT: 1 to 63 lower-case letters,"
                + " digits and hyphens, starting with a letter.")
    String agentId;

    @Option(names = "--owner", required = true, description = "Responsible person or team.")
    String owner;

    @Option(
        names = "--scope",
        required = true,
        description =
            "Point-name pattern the agent may propose for, such as"
                + " twins/hall/points/hall-1.cdu-*.liquid-temperature-sp.*; repeat for more.")
    List<String> scopes = new ArrayList<>();

    @Option(
        names = "--mode",
        required = true,
        converter = ControlCommand.ModeConverter.class,
        description = "shadow, advisory or autonomous.")
    Agent.Mode mode;

    @Option(names = "--display-name", description = "Human-readable label.")
    String displayName = "";

    @Option(
        names = "--enabled",
        description = "Enable the agent at once; by default it can do nothing until enabled.")
    boolean enabled;

    @Option(
        names = "--lease-seconds",
        description = "Heartbeat lease in seconds (server default 10, range 1 to 300).")
    Integer leaseSeconds;

    @Option(
        names = "--request-id",
        description = "Idempotency key (a UUID); a retry with the same key registers only once.")
    String requestId;

    @Override
    public Integer call() {
      Agent.Builder agent =
          Agent.newBuilder()
              .setOwner(owner)
              .addAllScopes(scopes)
              .setMode(mode)
              .setDisplayName(displayName)
              .setEnabled(enabled);
      if (leaseSeconds != null) {
        agent.setLeaseDuration(Duration.newBuilder().setSeconds(leaseSeconds));
      }
      RegisterAgentRequest request =
          RegisterAgentRequest.newBuilder()
              .setAgentId(agentId)
              .setAgent(agent)
              .setRequestId(requestId != null ? requestId : UUID.randomUUID().toString())
              .build();
      Agent registered =
          ControlCommand.withControl(connection, stub -> stub.registerAgent(request));
      Output.resource(
          connection.output, spec.commandLine().getOut(), registered, HEADER, row(registered));
      return 0;
    }
  }

  /** Options of a change of an agent's `enabled` flag. */
  abstract static class EnabledChange implements Callable<Integer> {

    @Mixin Connection connection;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "The agent: an id or agents/{agent}.")
    String agent;

    @Option(
        names = "--etag",
        description = "Etag of the agent as last read; the call fails ABORTED if it changed.")
    String etag = "";

    abstract boolean enabled();

    @Override
    public Integer call() {
      UpdateAgentRequest request =
          UpdateAgentRequest.newBuilder()
              .setAgent(
                  Agent.newBuilder()
                      .setName(ControlCommand.resourceName("agents", agent))
                      .setEnabled(enabled())
                      .setEtag(etag))
              .setUpdateMask(FieldMask.newBuilder().addPaths("enabled"))
              .build();
      Agent updated = ControlCommand.withControl(connection, stub -> stub.updateAgent(request));
      Output.resource(
          connection.output, spec.commandLine().getOut(), updated, HEADER, row(updated));
      return 0;
    }
  }

  @Command(
      name = "enable",
      mixinStandardHelpOptions = true,
      description = "Enable an agent (role operator), such as after an emergency stop.")
  static final class Enable extends EnabledChange {
    @Override
    boolean enabled() {
      return true;
    }
  }

  @Command(
      name = "disable",
      mixinStandardHelpOptions = true,
      description =
          "Disable an agent (role operator). Its next call fails; its setpoints return to their"
              + " safe defaults when its lease expires.")
  static final class Disable extends EnabledChange {
    @Override
    boolean enabled() {
      return false;
    }
  }

  @Command(
      name = "heartbeat",
      mixinStandardHelpOptions = true,
      description =
          "Renew the calling agent's lease once, with the agent token (--token,"
              + " FACTORYTWIN_AGENT_TOKEN or run/tokens/agent.jwt).")
  static final class Heartbeat implements Callable<Integer> {

    @Mixin Connection connection;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(
        index = "0",
        arity = "0..1",
        description = "The agent: an id or agents/{agent}; default: the subject of the token.")
    String agent;

    @Override
    public Integer call() {
      connection.asAgent = true;
      String name =
          ControlCommand.resourceName("agents", agent != null ? agent : connection.subject());
      HeartbeatResponse response =
          ControlCommand.withControl(
              connection,
              stub -> stub.heartbeat(HeartbeatRequest.newBuilder().setAgent(name).build()));
      Output.resource(
          connection.output,
          spec.commandLine().getOut(),
          response,
          List.of("AGENT", "MODE", "LEASE EXPIRES"),
          List.of(
              name,
              ControlCommand.mode(response.getMode()),
              Output.time(response.hasLeaseExpireTime(), response.getLeaseExpireTime())));
      return 0;
    }
  }
}
