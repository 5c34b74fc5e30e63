package io.factorytwin.cli;

import io.factorytwin.simulation.v1.GetJobRequest;
import io.factorytwin.simulation.v1.Job;
import io.factorytwin.simulation.v1.SimulationServiceGrpc;
import io.factorytwin.simulation.v1.SubmitJobRequest;
import io.factorytwin.simulation.v1.WatchJobRequest;
import io.factorytwin.simulation.v1.WatchJobResponse;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * factoryctl sim: submit, list, watch and cancel simulation jobs, read their results, and list the
 * data sets a job can name.
 */
@Command(
    name = "sim",
    mixinStandardHelpOptions = true,
    description =
        "Operate simulation-service: submit design evaluations, comparisons, transient runs,"
            + " agent training and evaluation and plant emulation, list, watch and cancel jobs,"
            + " print results, list data sets and read trained policies.",
    subcommands = {
      SimSubmitCommands.Submit.class,
      SimSubmitCommands.Compare.class,
      SimAgentCommands.Train.class,
      SimAgentCommands.Evaluate.class,
      SimAgentCommands.Emulate.class,
      SimJobCommands.Jobs.class,
      SimJobCommands.Watch.class,
      SimJobCommands.Result.class,
      SimJobCommands.Cancel.class,
      SimJobCommands.DataSets.class,
      SimAgentCommands.Policies.class,
      SimAgentCommands.PolicyVersions.class,
      SimAgentCommands.ShowPolicyVersion.class
    })
final class SimCommand {

  static final List<String> JOB_HEADER =
      List.of("JOB", "KIND", "STATE", "PROGRESS", "CREATED", "DISPLAY NAME");

  /** Reconnects of a watch in a row, without a message in between, before it gives up. */
  static final int MAX_RECONNECTS = 5;

  /**
   * Time without any message, keepalives included, after which a watch reconnects. The contract
   * sets 30 s, three keepalive intervals. Tests shorten it.
   */
  static java.time.Duration silenceLimit = java.time.Duration.ofSeconds(30);

  /** Width of the progress bar in characters, between the brackets. */
  private static final int BAR_WIDTH = 30;

  private SimCommand() {}

  static <T> T withSimulation(
      Connection connection,
      Function<SimulationServiceGrpc.SimulationServiceBlockingStub, T> work) {
    return connection.call(
        Connection.Service.SIMULATION, SimulationServiceGrpc::newBlockingStub, work);
  }

  /** `jobs/{job}` from a bare job id or a job name. */
  static String jobName(String job) {
    return job.startsWith("jobs/") ? job : "jobs/" + job;
  }

  static String kind(Job.Kind kind) {
    return kind.name().replace("KIND_", "");
  }

  static String state(Job.State state) {
    return state.name().replace("STATE_", "");
  }

  static boolean terminal(Job.State state) {
    return state == Job.State.STATE_SUCCEEDED
        || state == Job.State.STATE_FAILED
        || state == Job.State.STATE_CANCELLED;
  }

  /** Returns the exit code of a watch: 0 for SUCCEEDED, non-zero for a job that did not succeed. */
  static int exitCode(Job.State state) {
    return switch (state) {
      case STATE_SUCCEEDED -> 0;
      case STATE_CANCELLED -> ErrorReporter.JOB_CANCELLED;
      default -> ErrorReporter.CHECK_FAILED;
    };
  }

  static String percent(Job job) {
    if (!job.hasProgress() && job.getState() != Job.State.STATE_SUCCEEDED) {
      return "-";
    }
    double fraction =
        job.getState() == Job.State.STATE_SUCCEEDED ? 1.0 : job.getProgress().getFraction();
    return String.format(Locale.ROOT, "%.0f%%", 100 * fraction);
  }

  static List<String> jobRow(Job job) {
    return List.of(
        job.getName(),
        kind(job.getKind()),
        state(job.getState()) + (job.getCancelRequested() ? " (cancel requested)" : ""),
        percent(job),
        Output.time(job.hasCreateTime(), job.getCreateTime()),
        job.getDisplayName());
  }

  /** Prints a job as a table row, with its failure under it, or as JSON. */
  static void printJob(Connection connection, PrintWriter out, Job job) {
    Output.resource(connection.output, out, job, JOB_HEADER, jobRow(job));
    if (connection.output == Connection.OutputFormat.table && job.hasFailure()) {
      out.println(failureLine(job));
      out.flush();
    }
  }

  static String failureLine(Job job) {
    String subject = job.getFailure().getSubject();
    return "failure: "
        + job.getFailure().getReason()
        + ": "
        + job.getFailure().getMessage()
        + (subject.isEmpty() ? "" : " (" + subject + ")");
  }

  /**
   * Submits a job and prints it; with {@code watch}, follows it to its end and returns the watch's
   * exit code. The request id is printed on standard error, so that a caller whose connection broke
   * can submit again with it and get the same job rather than a second one.
   */
  static int submit(
      Connection connection,
      CommandLine.Model.CommandSpec spec,
      SubmitJobRequest request,
      boolean generatedRequestId,
      boolean watch,
      ProgressMode progress) {
    PrintWriter err = spec.commandLine().getErr();
    if (generatedRequestId) {
      err.println(
          "request id "
              + request.getRequestId()
              + " (pass --request-id "
              + request.getRequestId()
              + " to retry without creating a second job)");
      err.flush();
    }
    Job job = withSimulation(connection, stub -> stub.submitJob(request));
    if (!watch) {
      printJob(connection, spec.commandLine().getOut(), job);
      return 0;
    }
    if (connection.output == Connection.OutputFormat.table) {
      spec.commandLine().getOut().println("submitted " + job.getName());
    }
    return watch(connection, spec, job.getName(), progress);
  }

  /** The form in which watch prints progress. */
  enum ProgressMode {
    /** A bar when standard output is a terminal, lines otherwise. */
    auto,
    /** One bar rewritten in place with carriage returns. */
    bar,
    /** One line per change of state or whole percent. */
    lines
  }

  /**
   * Returns whether standard output is a terminal. bin/factoryctl tests it with {@code [ -t 1 ]}
   * and passes the result as the system property {@code factoryctl.stdout-terminal}. Without the
   * property, Java 21 returns a non-null {@code System.console()} only on a terminal. From Java 22
   * on it is non-null even when output is redirected, and Console.isTerminal is not in release 21,
   * so this returns false there.
   */
  static boolean stdoutIsTerminal() {
    String property = System.getProperty("factoryctl.stdout-terminal");
    if (property != null) {
      return Boolean.parseBoolean(property);
    }
    return Runtime.version().feature() < 22 && System.console() != null;
  }

  /**
   * Follows a job over WatchJob until it reaches a terminal state and returns {@link #exitCode}.
   * The stream has no deadline, as the contract requires. When the stream fails with UNAVAILABLE or
   * INTERNAL (the service restarted, the connection dropped), or stays silent for {@link
   * #silenceLimit}, the watch reconnects with the last sequence it received, at most {@link
   * #MAX_RECONNECTS} times in a row.
   */
  static int watch(
      Connection connection,
      CommandLine.Model.CommandSpec spec,
      String name,
      ProgressMode progressMode) {
    PrintWriter out = spec.commandLine().getOut();
    boolean json = connection.output == Connection.OutputFormat.json;
    boolean bar =
        !json
            && (progressMode == ProgressMode.bar
                || (progressMode == ProgressMode.auto && stdoutIsTerminal()));
    ProgressPrinter printer = new ProgressPrinter(out, bar);
    long sequence = 0;
    Job last = null;
    int reconnects = 0;
    while (true) {
      ManagedChannel channel = connection.open(Connection.Service.SIMULATION);
      WatchJobRequest request =
          WatchJobRequest.newBuilder().setName(name).setAfterSequence(sequence).build();
      try (JobStream stream =
          new JobStream(
              SimulationServiceGrpc.newStub(channel).withCallCredentials(connection.credentials()),
              request)) {
        WatchJobResponse message;
        while ((message = stream.next(silenceLimit)) != null) {
          reconnects = 0;
          sequence = Math.max(sequence, message.getSequence());
          if (!message.hasJob()) {
            continue;
          }
          last = message.getJob();
          if (json) {
            Output.json(out, message);
          } else {
            printer.show(last);
          }
          if (terminal(last.getState())) {
            break;
          }
        }
      } catch (StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        boolean retry =
            (code == Status.Code.UNAVAILABLE || code == Status.Code.INTERNAL)
                && reconnects < MAX_RECONNECTS;
        if (!retry) {
          printer.end();
          throw e;
        }
        reconnects++;
        sleepBeforeReconnect();
        continue;
      } catch (SilentStreamException e) {
        if (reconnects >= MAX_RECONNECTS) {
          printer.end();
          throw new CliException(
              "no message on the watch of "
                  + name
                  + " for "
                  + silenceLimit.toSeconds()
                  + " s after "
                  + MAX_RECONNECTS
                  + " reconnects; check the service and run 'sim watch' again");
        }
        reconnects++;
        continue;
      } finally {
        Connection.close(channel);
      }
      if (last != null && terminal(last.getState())) {
        break;
      }
      // The stream ended without a terminal state, which the contract does not allow; read the
      // job once and stop rather than loop.
      last =
          withSimulation(
              connection, stub -> stub.getJob(GetJobRequest.newBuilder().setName(name).build()));
      if (json) {
        Output.json(out, last);
      } else {
        printer.show(last);
      }
      break;
    }
    printer.end();
    if (!json) {
      out.println(state(last.getState()) + " " + last.getName());
      if (last.hasFailure()) {
        out.println(failureLine(last));
      }
      out.flush();
    }
    return terminal(last.getState()) ? exitCode(last.getState()) : ErrorReporter.FAILED;
  }

  private static void sleepBeforeReconnect() {
    try {
      Thread.sleep(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted while reconnecting to the job's stream");
    }
  }

  /** A WatchJob call whose messages are read with a limit on the wait for each. */
  static final class JobStream implements AutoCloseable {
    private static final Object END = new Object();

    private final BlockingQueue<Object> items = new LinkedBlockingQueue<>();
    private final Context.CancellableContext context = Context.current().withCancellation();

    JobStream(SimulationServiceGrpc.SimulationServiceStub stub, WatchJobRequest request) {
      context.run(
          () ->
              stub.watchJob(
                  request,
                  new StreamObserver<>() {
                    @Override
                    public void onNext(WatchJobResponse value) {
                      items.add(value);
                    }

                    @Override
                    public void onError(Throwable failure) {
                      items.add(failure);
                    }

                    @Override
                    public void onCompleted() {
                      items.add(END);
                    }
                  }));
    }

    /**
     * Returns the next message, or null once the stream ended. Throws the stream's failure as a
     * StatusRuntimeException, and {@link SilentStreamException} when nothing arrived in time.
     */
    WatchJobResponse next(java.time.Duration limit) {
      Object item;
      try {
        item = items.poll(limit.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliException("interrupted while watching the job");
      }
      if (item == null) {
        throw new SilentStreamException();
      }
      if (item == END) {
        return null;
      }
      if (item instanceof Throwable failure) {
        // Rebuilt here so that the trailers with the error details stay with the status.
        throw Status.fromThrowable(failure)
            .asRuntimeException(Status.trailersFromThrowable(failure));
      }
      return (WatchJobResponse) item;
    }

    @Override
    public void close() {
      context.cancel(null);
    }
  }

  /** A watch stream that sent nothing, not even a keepalive, within {@link #silenceLimit}. */
  static final class SilentStreamException extends RuntimeException {
    SilentStreamException() {
      super(null, null, false, false);
    }
  }

  /** Prints the progress of a job as a bar rewritten in place, or as one line per change. */
  static final class ProgressPrinter {
    private final PrintWriter out;
    private final boolean bar;
    private String lastLine = "";
    private boolean barOpen;

    ProgressPrinter(PrintWriter out, boolean bar) {
      this.out = out;
      this.bar = bar;
    }

    void show(Job job) {
      if (bar) {
        String line = barLine(job);
        // Pad over the previous, possibly longer, line before the carriage return rewinds.
        int pad = Math.max(0, lastLine.length() - line.length());
        out.print("\r" + line + " ".repeat(pad));
        out.flush();
        lastLine = line;
        barOpen = true;
        return;
      }
      String line = plainLine(job);
      if (!line.equals(lastLine)) {
        out.println(line);
        out.flush();
        lastLine = line;
      }
    }

    void end() {
      if (barOpen) {
        out.println();
        out.flush();
        barOpen = false;
      }
    }

    /** `[######------] 50% RUNNING message`. */
    static String barLine(Job job) {
      double fraction = fraction(job);
      int filled = (int) Math.round(fraction * BAR_WIDTH);
      return String.format(
          Locale.ROOT,
          "[%s%s] %3.0f%%  %s%s",
          "#".repeat(filled),
          "-".repeat(BAR_WIDTH - filled),
          100 * fraction,
          state(job.getState()),
          message(job));
    }

    /** `RUNNING 50% message`, rounded to whole percent so that lines repeat only on change. */
    static String plainLine(Job job) {
      return String.format(
          Locale.ROOT, "%-9s %3.0f%%%s", state(job.getState()), 100 * fraction(job), message(job));
    }

    private static double fraction(Job job) {
      if (job.getState() == Job.State.STATE_SUCCEEDED) {
        return 1.0;
      }
      double fraction = job.getProgress().getFraction();
      return Double.isFinite(fraction) ? Math.min(1.0, Math.max(0.0, fraction)) : 0.0;
    }

    private static String message(Job job) {
      String message = job.getProgress().getMessage();
      return message.isEmpty() ? "" : "  " + message;
    }
  }

  /** Reads a job kind as DESIGN_EVALUATION, design-evaluation or KIND_DESIGN_EVALUATION. */
  static Job.Kind parseKind(String text) {
    String name = text.toUpperCase(Locale.ROOT).replace('-', '_');
    name = name.startsWith("KIND_") ? name : "KIND_" + name;
    for (Job.Kind kind : Job.Kind.values()) {
      if (kind != Job.Kind.KIND_UNSPECIFIED
          && kind != Job.Kind.UNRECOGNIZED
          && kind.name().equals(name)) {
        return kind;
      }
    }
    throw new CommandLine.TypeConversionException(
        "unknown kind '"
            + text
            + "': expected design-evaluation, comparison, transient, agent-training,"
            + " agent-evaluation or plant-emulation");
  }

  /** Reads a job state as RUNNING, running or STATE_RUNNING. */
  static Job.State parseState(String text) {
    String name = text.toUpperCase(Locale.ROOT);
    name = name.startsWith("STATE_") ? name : "STATE_" + name;
    for (Job.State state : Job.State.values()) {
      if (state != Job.State.STATE_UNSPECIFIED
          && state != Job.State.UNRECOGNIZED
          && state.name().equals(name)) {
        return state;
      }
    }
    throw new CommandLine.TypeConversionException(
        "unknown state '" + text + "': expected queued, running, succeeded, failed or cancelled");
  }

  static final class KindConverter implements CommandLine.ITypeConverter<Job.Kind> {
    @Override
    public Job.Kind convert(String text) {
      return parseKind(text);
    }
  }

  static final class StateConverter implements CommandLine.ITypeConverter<Job.State> {
    @Override
    public Job.State convert(String text) {
      return parseState(text);
    }
  }
}
