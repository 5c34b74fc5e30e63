package io.factorytwin.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The factoryctl command: a gRPC client of the four Factory Twin services. */
@Command(
    name = "factoryctl",
    mixinStandardHelpOptions = true,
    version = "factoryctl 0.1.0",
    description = "Client of the Factory Twin services (lifecycle, twin, simulation, control).",
    subcommands = {
      StatusCommand.class,
      PartCommand.class,
      DesignCommand.class,
      ChangeCommand.class,
      TwinCommand.class,
      ControlCommand.class,
      AgentCommand.class,
      SimCommand.class,
      DevCommand.class,
      ReportCommand.class,
      CommandLine.HelpCommand.class
    })
public final class FactoryCtl implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }

  public static void main(String[] args) {
    // grpc-java logs connection failures through java.util.logging with stack traces; the
    // commands report failures themselves, as one line on standard error.
    java.util.logging.LogManager.getLogManager().reset();
    System.exit(execute(args));
  }

  /** Runs the command line and returns its exit code; tests call this in-process. */
  public static int execute(String... args) {
    return execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  /** Runs the command line with the given output and error streams. */
  static int execute(PrintWriter out, PrintWriter err, String... args) {
    CommandLine commandLine = new CommandLine(new FactoryCtl());
    commandLine.setOut(out);
    commandLine.setErr(err);
    commandLine.setExecutionExceptionHandler(new ErrorReporter());
    return commandLine.execute(args);
  }
}
