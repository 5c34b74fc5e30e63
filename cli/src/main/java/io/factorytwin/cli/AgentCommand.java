package io.factorytwin.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.JsonFormat;
import com.google.protobuf.util.Timestamps;
import io.factorytwin.policy.PredictiveLiquidCooling;
import io.factorytwin.simulation.v1.GetPolicyVersionRequest;
import io.factorytwin.simulation.v1.PolicyParameters;
import io.factorytwin.simulation.v1.PolicyVersion;
import io.factorytwin.twin.v1.TwinServiceGrpc;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** factoryctl agent: run a trained policy as a control agent. */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    description = "Run a control policy as an authenticated agent of control-service.",
    subcommands = {AgentCommand.Run.class})
final class AgentCommand {

  private AgentCommand() {}

  /** Exactly one source of the policy's parameters. */
  static final class PolicySource {
    @Option(
        names = "--policy-version",
        required = true,
        description =
            "A trained version, policies/{policy}/versions/{version}, read from"
                + " simulation-service.")
    String policyVersion;

    @Option(
        names = "--parameters",
        required = true,
        description =
            "A JSON file with PolicyParameters in the proto3 JSON mapping, such as"
                + " {\"algorithm\": \"predictive-liquid-cooling\", \"values\": {...}}.")
    Path parametersFile;
  }

  /** At most one end of the run on the facility clock. */
  static final class End {
    @Option(
        names = "--until",
        description = "Facility time, RFC 3339, at which the agent stops, without acting then.")
    String until;

    @Option(
        names = "--duration",
        description =
            "Facility time to run for from the first facility time read, such as 2h or PT30M.")
    String duration;
  }

  @Command(
      name = "run",
      mixinStandardHelpOptions = true,
      description =
          "Run a predictive-liquid-cooling policy as an agent: every --interval of facility time,"
              + " read the racks' power from twin-service and propose each CDU's TCS supply"
              + " setpoint and pump speed to control-service, renewing the agent's lease at a"
              + " third of it. Runs until --until, --duration, SIGINT or SIGTERM, then prints"
              + " one summary line. Sends the agent token (--token, FACTORYTWIN_AGENT_TOKEN or"
              + " run/tokens/agent.jwt).")
  static final class Run implements Callable<Integer> {

    /** How long the shutdown hook waits for the loop to finish its retries and the summary. */
    private static final Duration SHUTDOWN_WAIT =
        AgentRunner.STOP_RETRY_LIMIT.plus(Duration.ofSeconds(5));

    @Mixin Connection connection;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    PolicySource policy;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    End end;

    @Option(names = "--twin", required = true, description = "The twin: an id or twins/{twin}.")
    String twin;

    @Option(
        names = "--agent",
        description = "The agent: an id or agents/{agent}; default: the subject of the token.")
    String agent;

    @Option(
        names = "--interval",
        defaultValue = "60s",
        description =
            "Facility time between two decisions, such as 60s or 5m (default"
                + " ${DEFAULT-VALUE}).")
    String interval;

    @Option(
        names = "--poll",
        defaultValue = "1s",
        description =
            "Wall-clock time between two reads of the facility clock (default ${DEFAULT-VALUE}).")
    String poll;

    @Option(
        names = "--revision-check",
        defaultValue = "10s",
        description =
            "Wall-clock time between two reads of the twin's active revision (default"
                + " ${DEFAULT-VALUE}). When another revision is active, the agent reads its CDUs"
                + " and racks again and controls those.")
    String revisionCheck;

    @Option(
        names = "--log",
        description = "Append one JSON line per proposal, error and notice to this file.")
    Path logFile;

    @Override
    public Integer call() {
      connection.asAgent = true;
      String agentName =
          ControlCommand.resourceName("agents", agent != null ? agent : connection.subject());
      String twinName = TwinCommand.twinName(twin);
      Duration every = duration("--interval", interval);
      Duration pollEvery = duration("--poll", poll);
      Duration revisionEvery = duration("--revision-check", revisionCheck);
      Timestamp untilTime = null;
      Duration runFor = null;
      if (end != null && end.until != null) {
        try {
          untilTime = Timestamps.parse(end.until);
        } catch (ParseException e) {
          throw new CommandLine.ParameterException(
              spec.commandLine(),
              "invalid --until '"
                  + end.until
                  + "': expected RFC 3339, such as 2026-07-15T14:00:00Z");
        }
      }
      if (end != null && end.duration != null) {
        runFor = duration("--duration", end.duration);
      }
      PolicyParameters parameters = parameters();
      PredictiveLiquidCooling math;
      try {
        math = PredictiveLiquidCooling.create(parameters.getAlgorithm(), parameters.getValuesMap());
      } catch (IllegalArgumentException e) {
        throw new CliException("invalid policy parameters: " + e.getMessage());
      }
      AgentTopology topology = topology(twinName);
      if (topology.cdus().isEmpty()) {
        throw new CliException(
            twinName + " has no CDU that supplies racks with a rated power; nothing to control");
      }

      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      for (String warning : topology.warnings()) {
        err.println("warning: " + warning);
      }
      err.flush();
      String source =
          policy.policyVersion != null ? policy.policyVersion : policy.parametersFile.toString();
      // The hook waits for the summary, because the JVM halts as soon as every hook returned.
      CountDownLatch done = new CountDownLatch(1);
      AtomicReference<AgentRunner> running = new AtomicReference<>();
      Thread hook =
          new Thread(
              () -> {
                AgentRunner runner = running.get();
                if (runner != null) {
                  runner.requestStop();
                }
                try {
                  done.await(SHUTDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "agent-stop");
      Runtime.getRuntime().addShutdownHook(hook);
      try (AgentLog log = AgentLog.open(logFile)) {
        AgentRunner runner =
            new AgentRunner(
                connection,
                agentName,
                topology,
                math,
                source,
                every,
                untilTime,
                runFor,
                pollEvery,
                revisionEvery,
                log);
        running.set(runner);
        try {
          runner.run();
        } finally {
          out.println(log.summary());
          out.flush();
        }
      } finally {
        done.countDown();
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
          // The JVM is already shutting down; the hook is running and returns now.
        }
      }
      return 0;
    }

    private Duration duration(String option, String text) {
      return Duration.ofNanos(
          Durations.toNanos(SimSubmitCommands.parseDuration(spec, option, text)));
    }

    /** Reads the policy's parameters from the file or from simulation-service. */
    private PolicyParameters parameters() {
      if (policy.parametersFile != null) {
        PolicyParameters.Builder parsed = PolicyParameters.newBuilder();
        try {
          JsonFormat.parser().merge(Files.readString(policy.parametersFile), parsed);
        } catch (InvalidProtocolBufferException e) {
          throw new CliException(
              "invalid --parameters "
                  + policy.parametersFile
                  + ": expected PolicyParameters as JSON: "
                  + e.getMessage());
        } catch (IOException e) {
          throw new CliException(
              "cannot read --parameters " + policy.parametersFile + ": " + e.getMessage());
        }
        return parsed.build();
      }
      if (!policy.policyVersion.matches("policies/[^/]+/versions/[^/]+")) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "invalid --policy-version '"
                + policy.policyVersion
                + "': expected policies/{policy}/versions/{version}");
      }
      PolicyVersion version =
          SimCommand.withSimulation(
              connection,
              stub ->
                  stub.getPolicyVersion(
                      GetPolicyVersionRequest.newBuilder().setName(policy.policyVersion).build()));
      return version.getParameters();
    }

    private AgentTopology topology(String twinName) {
      ManagedChannel channel = connection.open(Connection.Service.TWIN);
      try {
        return AgentTopology.read(
            twinName,
            () ->
                TwinServiceGrpc.newBlockingStub(channel)
                    .withCallCredentials(connection.credentials())
                    .withDeadlineAfter(connection.timeoutSeconds, TimeUnit.SECONDS));
      } finally {
        Connection.close(channel);
      }
    }
  }
}
