package io.factorytwin.cli;

import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import io.factorytwin.common.v1.PowerSource;
import io.factorytwin.common.v1.Site;
import io.factorytwin.lifecycle.v1.Alternative;
import io.factorytwin.lifecycle.v1.DesignRevision;
import io.factorytwin.lifecycle.v1.GetDesignRevisionRequest;
import io.factorytwin.lifecycle.v1.ListAlternativesRequest;
import io.factorytwin.lifecycle.v1.ListAlternativesResponse;
import io.factorytwin.simulation.v1.BaselinePolicy;
import io.factorytwin.simulation.v1.ComparisonSpec;
import io.factorytwin.simulation.v1.DataSet;
import io.factorytwin.simulation.v1.DataSetKind;
import io.factorytwin.simulation.v1.DesignEvaluationSpec;
import io.factorytwin.simulation.v1.Job;
import io.factorytwin.simulation.v1.ListDataSetsRequest;
import io.factorytwin.simulation.v1.ListDataSetsResponse;
import io.factorytwin.simulation.v1.ModelSource;
import io.factorytwin.simulation.v1.SubmitJobRequest;
import io.factorytwin.simulation.v1.TransientScenario;
import io.factorytwin.simulation.v1.TransientSpec;
import java.text.ParseException;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** factoryctl sim submit and sim compare: the commands that create jobs. */
final class SimSubmitCommands {

  /**
   * The workload trace that compare uses when --workload is not given and the server has it; the
   * first workload data set the server lists otherwise.
   */
  static final String PREFERRED_WORKLOAD = "Alibaba_CPU_Data_Hourly_1.csv";

  private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  private SimSubmitCommands() {}

  /** Options every submitting command shares: idempotency, labels and following the job. */
  static final class JobOptions {

    @Option(
        names = "--request-id",
        description =
            "Idempotency key, a UUID; default: a new one, printed on standard error so that a"
                + " retry can reuse it.")
    String requestId;

    @Option(names = "--job-id", description = "Id of the new job; default: one the server picks.")
    String jobId = "";

    @Option(names = "--display-name", description = "Label shown in job lists.")
    String displayName = "";

    @Option(names = "--watch", description = "Follow the job until it ends, as 'sim watch' does.")
    boolean watch;

    @Option(
        names = "--progress",
        defaultValue = "auto",
        description =
            "With --watch: auto (a bar on a terminal, lines otherwise), bar or lines (default"
                + " ${DEFAULT-VALUE}).")
    SimCommand.ProgressMode progress = SimCommand.ProgressMode.auto;

    SubmitJobRequest request(CommandLine.Model.CommandSpec spec, Job job) {
      String id = requestId == null ? UUID.randomUUID().toString() : requestId;
      try {
        UUID.fromString(id);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "invalid --request-id '" + id + "': expected a UUID");
      }
      return SubmitJobRequest.newBuilder()
          .setJobId(jobId)
          .setRequestId(id)
          .setJob(job.toBuilder().setDisplayName(displayName))
          .build();
    }
  }

  /** The model options: exactly one of a design revision, an alternative or a twin revision. */
  static final class ModelOptions {

    @Option(
        names = "--model",
        description =
            "The model by name; its form picks the kind: designs/{d}/revisions/{r},"
                + " designs/{d}/alternatives/{a} or twins/{t}/revisions/{r}.")
    String model;

    @Option(names = "--design-revision", description = "designs/{design}/revisions/{revision}.")
    String designRevision;

    @Option(names = "--alternative", description = "designs/{design}/alternatives/{alternative}.")
    String alternative;

    @Option(names = "--twin-revision", description = "twins/{twin}/revisions/{revision}.")
    String twinRevision;

    /** Returns whether any model option was given. */
    boolean given() {
      return model != null || designRevision != null || alternative != null || twinRevision != null;
    }

    ModelSource source(CommandLine.Model.CommandSpec spec) {
      List<String> given = new ArrayList<>();
      ModelSource.Builder source = ModelSource.newBuilder();
      if (designRevision != null) {
        given.add("--design-revision");
        source.setDesignRevision(designRevision);
      }
      if (alternative != null) {
        given.add("--alternative");
        source.setAlternative(alternative);
      }
      if (twinRevision != null) {
        given.add("--twin-revision");
        source.setTwinRevision(twinRevision);
      }
      if (model != null) {
        given.add("--model");
        if (model.startsWith("twins/")) {
          source.setTwinRevision(model);
        } else if (model.contains("/alternatives/")) {
          source.setAlternative(model);
        } else if (model.contains("/revisions/")) {
          source.setDesignRevision(model);
        } else {
          throw new CommandLine.ParameterException(
              spec.commandLine(),
              "invalid --model '"
                  + model
                  + "': expected designs/{d}/revisions/{r}, designs/{d}/alternatives/{a} or"
                  + " twins/{t}/revisions/{r}");
        }
      }
      if (given.size() != 1) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            given.isEmpty()
                ? "a model is required: --design-revision, --alternative, --twin-revision or"
                    + " --model"
                : "only one model may be given, not " + String.join(" and ", given));
      }
      return source.build();
    }
  }

  @Command(
      name = "submit",
      mixinStandardHelpOptions = true,
      description =
          "Submit a DESIGN_EVALUATION (a year of hourly steps) or a TRANSIENT run (seconds-scale,"
              + " under the baseline controller or a trained policy version).")
  static final class Submit implements Callable<Integer> {

    @Mixin Connection connection;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(
        index = "0",
        converter = SimCommand.KindConverter.class,
        description = "design-evaluation or transient.")
    Job.Kind kind;

    @Mixin ModelOptions model;

    @Mixin JobOptions job;

    @Option(
        names = "--weather",
        description = "EPW file name in weather/; default: the site's weather data set.")
    String weather = "";

    @Option(
        names = "--carbon",
        description =
            "DESIGN_EVALUATION: carbon CSV in carbon-intensity/, such as PJM.csv; default:"
                + " the site's grid region.")
    String carbon;

    @Option(names = "--workload", required = true, description = "Utilization CSV in workload/.")
    String workload;

    @Option(
        names = "--year",
        description = "DESIGN_EVALUATION: calendar year of the hourly rows (1900 to 2100).")
    Integer year;

    @Option(
        names = "--solar-kw",
        description = "DESIGN_EVALUATION: on-site solar peak kW; replaces the site's solar.")
    Double solarKw;

    @Option(
        names = "--start",
        description = "TRANSIENT: simulated start, RFC 3339, such as 2022-07-15T14:00:00Z.")
    String start;

    @Option(
        names = "--duration",
        description = "TRANSIENT: simulated length, such as 90s, 15m, 2h, 1d or PT1H30M.")
    String duration;

    @Option(names = "--seed", description = "TRANSIENT: seed of the load swings (default 0).")
    String seed;

    @Option(
        names = "--baseline-setpoint",
        description =
            "TRANSIENT: the baseline controller's TCS supply setpoint in °C; default: the"
                + " CDUs' own setpoint.")
    Double baselineSetpoint;

    @Option(
        names = "--policy-version",
        description =
            "TRANSIENT: run policies/{policy}/versions/{version} instead of the baseline.")
    String policyVersion;

    @Override
    public Integer call() {
      Job.Builder built = Job.newBuilder();
      ModelSource source = model.source(spec);
      switch (kind) {
        case KIND_DESIGN_EVALUATION -> {
          reject("TRANSIENT", "--start", start, "--duration", duration, "--seed", seed);
          reject(
              "TRANSIENT",
              "--baseline-setpoint",
              baselineSetpoint,
              "--policy-version",
              policyVersion);
          built.setDesignEvaluation(designEvaluation(source));
        }
        case KIND_TRANSIENT -> {
          reject("DESIGN_EVALUATION", "--carbon", carbon, "--year", year, "--solar-kw", solarKw);
          built.setTransient(transientSpec(source));
        }
        default ->
            throw new CommandLine.ParameterException(
                spec.commandLine(),
                "sim submit takes design-evaluation or transient, not "
                    + SimCommand.kind(kind).toLowerCase(Locale.ROOT).replace('_', '-')
                    + (kind == Job.Kind.KIND_COMPARISON ? "; use 'sim compare'" : ""));
      }
      return SimCommand.submit(
          connection,
          spec,
          job.request(spec, built.build()),
          job.requestId == null,
          job.watch,
          job.progress);
    }

    private DesignEvaluationSpec designEvaluation(ModelSource source) {
      DesignEvaluationSpec.Builder evaluation =
          DesignEvaluationSpec.newBuilder()
              .setModel(source)
              .setWeatherDataSet(weather)
              .setWorkloadDataSet(workload);
      if (carbon != null) {
        evaluation.setCarbonDataSet(carbon);
      }
      if (year != null) {
        evaluation.setYear(year);
      }
      if (solarKw != null) {
        evaluation.setSolarCapacityKw(ControlCommand.finite(spec, "--solar-kw", solarKw));
      }
      return evaluation.build();
    }

    private TransientSpec transientSpec(ModelSource source) {
      if (duration == null) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "TRANSIENT needs --duration, such as 15m");
      }
      if (baselineSetpoint != null && policyVersion != null) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "give --baseline-setpoint or --policy-version, not both");
      }
      TransientScenario.Builder scenario =
          TransientScenario.newBuilder()
              .setModel(source)
              .setWeatherDataSet(weather)
              .setWorkloadDataSet(workload)
              .setDuration(parseDuration(spec, duration));
      if (start != null) {
        try {
          scenario.setStartTime(Timestamps.parse(start));
        } catch (ParseException e) {
          throw new CommandLine.ParameterException(
              spec.commandLine(),
              "invalid --start '" + start + "': expected RFC 3339, such as 2022-07-15T14:00:00Z");
        }
      }
      TransientSpec.Builder run = TransientSpec.newBuilder().setScenario(scenario);
      if (seed != null) {
        try {
          run.setSeed(Long.parseUnsignedLong(seed));
        } catch (NumberFormatException e) {
          throw new CommandLine.ParameterException(
              spec.commandLine(),
              "invalid --seed '" + seed + "': expected a whole number from 0 to 2^64-1");
        }
      }
      if (policyVersion != null) {
        run.setPolicyVersion(policyVersion);
      } else {
        BaselinePolicy.Builder baseline = BaselinePolicy.newBuilder();
        if (baselineSetpoint != null) {
          baseline.setTcsSupplyTemperatureSetpointC(
              ControlCommand.finite(spec, "--baseline-setpoint", baselineSetpoint));
        }
        run.setBaseline(baseline);
      }
      return run.build();
    }

    /** Rejects options given for the other kind, named with their values in pairs. */
    private void reject(String kindName, Object... namesAndValues) {
      for (int i = 0; i < namesAndValues.length; i += 2) {
        if (namesAndValues[i + 1] != null) {
          throw new CommandLine.ParameterException(
              spec.commandLine(), namesAndValues[i] + " applies only to " + kindName + " jobs");
        }
      }
    }
  }

  /** Reads 90s, 15m, 2h, 1d, 500ms or an ISO-8601 duration such as PT1H30M. */
  static com.google.protobuf.Duration parseDuration(
      CommandLine.Model.CommandSpec spec, String text) {
    return parseDuration(spec, "--duration", text);
  }

  /** Reads a duration as {@link #parseDuration(CommandLine.Model.CommandSpec, String)} does. */
  static com.google.protobuf.Duration parseDuration(
      CommandLine.Model.CommandSpec spec, String option, String text) {
    Matcher shortForm = SHORT_DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
    try {
      java.time.Duration value;
      if (shortForm.matches()) {
        long amount = Long.parseLong(shortForm.group(1));
        value =
            switch (shortForm.group(2)) {
              case "ms" -> java.time.Duration.ofMillis(amount);
              case "s" -> java.time.Duration.ofSeconds(amount);
              case "m" -> java.time.Duration.ofMinutes(amount);
              case "h" -> java.time.Duration.ofHours(amount);
              default -> java.time.Duration.ofDays(amount);
            };
      } else {
        value = java.time.Duration.parse(text.trim().toUpperCase(Locale.ROOT));
      }
      if (value.isNegative() || value.isZero()) {
        throw new DateTimeParseException("not positive", text, 0);
      }
      return Durations.fromNanos(value.toNanos());
    } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "invalid "
              + option
              + " '"
              + text
              + "': expected a positive duration, such as 15m or PT1H");
    }
  }

  @Command(
      name = "compare",
      mixinStandardHelpOptions = true,
      description =
          "Submit a COMPARISON of every alternative of a design revision, each on its own site's"
              + " weather and grid carbon, and watch it.")
  static final class Compare implements Callable<Integer> {

    @Mixin Connection connection;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "designs/{design}/revisions/{revision}.")
    String revision;

    @Option(
        names = "--workload",
        description =
            "Utilization CSV in workload/ for every alternative; default: "
                + PREFERRED_WORKLOAD
                + " when the server lists it, else the first workload data set listed.")
    String workload;

    @Option(names = "--year", description = "Calendar year of the hourly rows (1900 to 2100).")
    Integer year;

    @Option(names = "--no-watch", description = "Print the submitted job instead of watching it.")
    boolean noWatch;

    @Option(
        names = "--progress",
        defaultValue = "auto",
        description = "auto (a bar on a terminal, lines otherwise), bar or lines.")
    SimCommand.ProgressMode progress;

    @Option(
        names = "--request-id",
        description = "Idempotency key, a UUID; default: a new one, printed on standard error.")
    String requestId;

    @Option(names = "--job-id", description = "Id of the new job; default: one the server picks.")
    String jobId = "";

    @Option(names = "--display-name", description = "Label shown in job lists.")
    String displayName;

    @Override
    public Integer call() {
      Matcher name = Pattern.compile("(designs/[^/]+)/revisions/[^/]+").matcher(revision);
      if (!name.matches()) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "invalid design revision '"
                + revision
                + "': expected designs/{design}/revisions/{revision}");
      }
      String design = name.group(1);
      List<Alternative> alternatives = new ArrayList<>();
      DesignRevision base =
          PartCommand.withLifecycle(
              connection,
              (stub, channel) -> {
                String pageToken = "";
                do {
                  ListAlternativesResponse page =
                      stub.listAlternatives(
                          ListAlternativesRequest.newBuilder()
                              .setParent(design)
                              .setPageSize(1000)
                              .setPageToken(pageToken)
                              .build());
                  // The base revision is compared here rather than in a filter, whose syntax
                  // the lifecycle contract leaves open.
                  page.getAlternativesList().stream()
                      .filter(alternative -> alternative.getBaseRevision().equals(revision))
                      .forEach(alternatives::add);
                  pageToken = page.getNextPageToken();
                } while (!pageToken.isEmpty());
                return stub.getDesignRevision(
                    GetDesignRevisionRequest.newBuilder().setName(revision).build());
              });
      if (alternatives.size() < 2) {
        throw new CliException(
            revision
                + " has "
                + alternatives.size()
                + " alternative"
                + (alternatives.size() == 1 ? "" : "s")
                + "; a comparison needs 2 to 20");
      }
      String trace = workload != null ? workload : defaultWorkload();
      ComparisonSpec.Builder comparison = ComparisonSpec.newBuilder();
      for (Alternative alternative : alternatives) {
        comparison.addAlternatives(evaluation(base, alternative, trace, year));
      }
      SimSubmitCommands.JobOptions options = new SimSubmitCommands.JobOptions();
      options.requestId = requestId;
      options.jobId = jobId;
      options.displayName = displayName != null ? displayName : "compare " + revision;
      SubmitJobRequest request =
          options.request(spec, Job.newBuilder().setComparison(comparison).build());
      return SimCommand.submit(connection, spec, request, requestId == null, !noWatch, progress);
    }

    /** Picks {@link #PREFERRED_WORKLOAD} when the server lists it, else the first listed. */
    private String defaultWorkload() {
      ListDataSetsResponse listed =
          SimCommand.withSimulation(
              connection,
              stub ->
                  stub.listDataSets(
                      ListDataSetsRequest.newBuilder()
                          .setKind(DataSetKind.DATA_SET_KIND_WORKLOAD)
                          .setPageSize(1000)
                          .build()));
      List<String> names = listed.getDataSetsList().stream().map(DataSet::getFileName).toList();
      if (names.isEmpty()) {
        throw new CliException(
            "the simulation service lists no workload data set; pass --workload");
      }
      String chosen = names.contains(PREFERRED_WORKLOAD) ? PREFERRED_WORKLOAD : names.get(0);
      spec.commandLine()
          .getErr()
          .println("workload " + chosen + " (choose another with --workload)");
      spec.commandLine().getErr().flush();
      return chosen;
    }
  }

  /**
   * The evaluation of one alternative: its site (or the base revision's when it keeps it) names the
   * weather file, and its power source (or the site's) the grid region whose carbon file is {@code
   * carbon-intensity/{REGION}.csv}, given to the job as {@code {REGION}.csv}.
   */
  static DesignEvaluationSpec evaluation(
      DesignRevision base, Alternative alternative, String workload, Integer year) {
    Site site = alternative.hasSite() ? alternative.getSite() : base.getSite();
    PowerSource power =
        alternative.hasPowerSource() ? alternative.getPowerSource() : site.getPowerSource();
    if (site.getWeatherDataSet().isEmpty()) {
      throw new CliException(
          alternative.getName() + ": its site names no weather data set (site.weather_data_set)");
    }
    if (power.getGridRegion().isEmpty()) {
      throw new CliException(
          alternative.getName()
              + ": its site names no grid region (site.power_source.grid_region)");
    }
    DesignEvaluationSpec.Builder evaluation =
        DesignEvaluationSpec.newBuilder()
            .setModel(ModelSource.newBuilder().setAlternative(alternative.getName()))
            .setWeatherDataSet(site.getWeatherDataSet())
            .setCarbonDataSet(power.getGridRegion() + ".csv")
            .setWorkloadDataSet(workload);
    if (year != null) {
      evaluation.setYear(year);
    }
    return evaluation.build();
  }
}
