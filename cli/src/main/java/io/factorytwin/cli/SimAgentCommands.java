package io.factorytwin.cli;

import com.google.protobuf.util.Timestamps;
import io.factorytwin.simulation.v1.AgentEvaluationSpec;
import io.factorytwin.simulation.v1.AgentTrainingSpec;
import io.factorytwin.simulation.v1.GetPolicyRequest;
import io.factorytwin.simulation.v1.GetPolicyVersionRequest;
import io.factorytwin.simulation.v1.Job;
import io.factorytwin.simulation.v1.ListPoliciesRequest;
import io.factorytwin.simulation.v1.ListPoliciesResponse;
import io.factorytwin.simulation.v1.ListPolicyVersionsRequest;
import io.factorytwin.simulation.v1.ListPolicyVersionsResponse;
import io.factorytwin.simulation.v1.PlantEmulationSpec;
import io.factorytwin.simulation.v1.Policy;
import io.factorytwin.simulation.v1.PolicyVersion;
import io.factorytwin.simulation.v1.TrainingMetrics;
import io.factorytwin.simulation.v1.TransientScenario;
import java.io.PrintWriter;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * factoryctl sim train, evaluate and emulate, which submit AGENT_TRAINING, AGENT_EVALUATION and
 * PLANT_EMULATION jobs, and sim policies, policy-versions and policy-version, which read the
 * trained policies.
 */
final class SimAgentCommands {

  static final List<String> POLICY_HEADER =
      List.of("POLICY", "ALGORITHM", "LATEST VERSION", "CREATED", "UPDATED");

  static final List<String> METRICS_HEADER =
      List.of(
          "OBJECTIVE", "COOLING KWH", "GPU OVER LIMIT MIN", "MAX GPU C", "CANDIDATES", "EPISODES");

  static final List<String> VERSION_HEADER =
      List.of(
          "VERSION",
          "TRAINING JOB",
          "OBJECTIVE",
          "COOLING KWH",
          "GPU OVER LIMIT MIN",
          "MAX GPU C",
          "CANDIDATES",
          "CREATED");

  private SimAgentCommands() {}

  /** `policies/{policy}` from a bare id or a policy name. */
  static String policyName(String policy) {
    return policy.startsWith("policies/") ? policy : "policies/" + policy;
  }

  static List<String> policyRow(Policy policy) {
    return List.of(
        policy.getName(),
        policy.getAlgorithm(),
        policy.getLatestVersion().isEmpty() ? "-" : policy.getLatestVersion(),
        Output.time(policy.hasCreateTime(), policy.getCreateTime()),
        Output.time(policy.hasUpdateTime(), policy.getUpdateTime()));
  }

  /** Scores of a training run, in the order of {@link #METRICS_HEADER}. */
  static List<String> metricsRow(TrainingMetrics metrics) {
    return List.of(
        Output.number(metrics.getObjective()),
        Output.number(metrics.getCoolingEnergyKwh()),
        Output.number(metrics.getGpuOverLimitMinutes()),
        Output.number(metrics.getMaxGpuTemperatureC()),
        Integer.toString(metrics.getCandidatesEvaluated()),
        Long.toString(metrics.getEpisodesRun()));
  }

  static List<String> versionRow(PolicyVersion version) {
    TrainingMetrics metrics = version.getMetrics();
    return List.of(
        version.getName(),
        version.getTrainingJob(),
        Output.number(metrics.getObjective()),
        Output.number(metrics.getCoolingEnergyKwh()),
        Output.number(metrics.getGpuOverLimitMinutes()),
        Output.number(metrics.getMaxGpuTemperatureC()),
        Integer.toString(metrics.getCandidatesEvaluated()),
        Output.time(version.hasCreateTime(), version.getCreateTime()));
  }

  /** Reads seeds as unsigned 64-bit numbers, rejecting duplicates as the contract does. */
  static List<Long> seeds(CommandLine.Model.CommandSpec spec, String option, List<String> texts) {
    List<Long> seeds = new ArrayList<>();
    for (String text : texts) {
      long seed;
      try {
        seed = Long.parseUnsignedLong(text.trim());
      } catch (NumberFormatException e) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "invalid " + option + " '" + text + "': expected a whole number from 0 to 2^64-1");
      }
      if (seeds.contains(seed)) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "duplicate " + option + " " + Long.toUnsignedString(seed));
      }
      seeds.add(seed);
    }
    return seeds;
  }

  static long seed(CommandLine.Model.CommandSpec spec, String option, String text) {
    return seeds(spec, option, List.of(text)).get(0);
  }

  static com.google.protobuf.Timestamp time(
      CommandLine.Model.CommandSpec spec, String option, String text) {
    try {
      return Timestamps.parse(text);
    } catch (ParseException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "invalid " + option + " '" + text + "': expected RFC 3339, such as 2022-07-15T14:00:00Z");
    }
  }

  /** The scenario options that training and evaluation share. */
  static final class ScenarioOptions {

    @Option(
        names = "--weather",
        description = "EPW file name in weather/; default: the model's site weather data set.")
    String weather;

    @Option(names = "--workload", description = "Utilization CSV in workload/.")
    String workload;

    @Option(
        names = "--start",
        description = "Simulated start, RFC 3339; default: the first hour of the weather data.")
    String start;

    @Option(
        names = "--duration",
        description = "Simulated length of one episode, such as 15m, 2h or PT1H (1 s to 7 days).")
    String duration;

    TransientScenario.Builder scenario(CommandLine.Model.CommandSpec spec) {
      TransientScenario.Builder scenario = TransientScenario.newBuilder();
      if (weather != null) {
        scenario.setWeatherDataSet(weather);
      }
      if (workload != null) {
        scenario.setWorkloadDataSet(workload);
      }
      if (start != null) {
        scenario.setStartTime(time(spec, "--start", start));
      }
      if (duration != null) {
        scenario.setDuration(SimSubmitCommands.parseDuration(spec, duration));
      }
      return scenario;
    }
  }

  @Command(
      name = "train",
      mixinStandardHelpOptions = true,
      description =
          "Submit an AGENT_TRAINING job: a policy search over simulated episodes of a model,"
              + " which stores the best predictive-liquid-cooling parameters as a new version of"
              + " --policy.")
  static final class Train implements Callable<Integer> {

    @Mixin Connection connection;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Mixin SimSubmitCommands.ModelOptions model;

    @Mixin ScenarioOptions scenario;

    @Mixin SimSubmitCommands.JobOptions job;

    @Option(
        names = "--seed",
        required = true,
        split = ",",
        description =
            "Seeds of the training episodes' load swings, 1 to 1,000 distinct; repeat"
                + " or separate with commas.")
    List<String> seeds;

    @Option(
        names = "--episodes",
        description = "Episodes per candidate policy (1 to 1,000); default: the number of seeds.")
    Integer episodes;

    @Option(
        names = "--search-budget",
        required = true,
        description = "Most candidate policies the search evaluates (1 to 100,000).")
    int searchBudget;

    @Option(names = "--search-seed", description = "Seed of the search itself (default 0).")
    String searchSeed;

    @Option(
        names = "--episode-window",
        description =
            "Span after --start over which the episodes are spread evenly, at whole hours,"
                + " such as 24h (from the episode duration to 31 days); default: every episode"
                + " starts at --start.")
    String episodeWindow;

    @Option(
        names = "--policy",
        required = true,
        description =
            "Policy to store the trained version under: an id or policies/{policy};"
                + " created when it does not exist.")
    String policy;

    @Override
    public Integer call() {
      if (scenario.workload == null) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "AGENT_TRAINING needs --workload");
      }
      if (scenario.duration == null) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "AGENT_TRAINING needs --duration, the length of one episode");
      }
      AgentTrainingSpec.Builder training =
          AgentTrainingSpec.newBuilder()
              .setScenario(scenario.scenario(spec).setModel(model.source(spec)))
              .addAllSeeds(seeds(spec, "--seed", seeds))
              .setSearchBudget(searchBudget)
              .setPolicy(policyName(policy));
      if (episodes != null) {
        training.setEpisodes(episodes);
      }
      if (searchSeed != null) {
        training.setSearchSeed(seed(spec, "--search-seed", searchSeed));
      }
      if (episodeWindow != null) {
        training.setEpisodeWindow(SimSubmitCommands.parseDuration(spec, episodeWindow));
      }
      Job built = Job.newBuilder().setAgentTraining(training).build();
      return SimCommand.submit(
          connection,
          spec,
          job.request(spec, built),
          job.requestId == null,
          job.watch,
          job.progress);
    }
  }

  @Command(
      name = "evaluate",
      mixinStandardHelpOptions = true,
      description =
          "Submit an AGENT_EVALUATION job: a trained version against the reactive baseline on"
              + " held-out seeds. Scenario options left out take the training job's values.")
  static final class Evaluate implements Callable<Integer> {

    @Mixin Connection connection;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "The version, policies/{policy}/versions/{version}.")
    String policyVersion;

    @Mixin SimSubmitCommands.ModelOptions model;

    @Mixin ScenarioOptions scenario;

    @Mixin SimSubmitCommands.JobOptions job;

    @Option(
        names = "--seed",
        required = true,
        split = ",",
        description =
            "Held-out seeds, 1 to 1,000 distinct and none of the version's training"
                + " seeds; repeat or separate with commas.")
    List<String> seeds;

    @Option(
        names = "--hourly-oracle",
        description =
            "Also search the baseline's two setpoints anew on each held-out episode, knowing it"
                + " in advance: an estimate of the ceiling of the saving. Costs about as much as the baseline"
                + " search.")
    boolean hourlyOracle;

    @Override
    public Integer call() {
      TransientScenario.Builder setting = scenario.scenario(spec);
      if (model.given()) {
        setting.setModel(model.source(spec));
      }
      AgentEvaluationSpec.Builder evaluation =
          AgentEvaluationSpec.newBuilder()
              .setPolicyVersion(policyVersion)
              .addAllSeeds(seeds(spec, "--seed", seeds))
              .setHourlyOracle(hourlyOracle);
      if (!setting.build().equals(TransientScenario.getDefaultInstance())) {
        evaluation.setScenario(setting);
      }
      Job built = Job.newBuilder().setAgentEvaluation(evaluation).build();
      return SimCommand.submit(
          connection,
          spec,
          job.request(spec, built),
          job.requestId == null,
          job.watch,
          job.progress);
    }
  }

  @Command(
      name = "emulate",
      mixinStandardHelpOptions = true,
      description =
          "Submit a PLANT_EMULATION job: a transient model of a twin that sends its telemetry to"
              + " twin-service on a facility clock faster than real time and follows the twin's"
              + " setpoints. Without --duration it runs until 'sim cancel'.")
  static final class Emulate implements Callable<Integer> {

    @Mixin Connection connection;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Mixin SimSubmitCommands.JobOptions job;

    @Option(names = "--twin", required = true, description = "The twin: an id or twins/{twin}.")
    String twin;

    @Option(
        names = "--speed-up",
        required = true,
        description = "Simulated seconds per wall-clock second (1 to 10,000).")
    double speedUp;

    @Option(
        names = "--workload",
        required = true,
        description = "Utilization CSV in workload/ that sets the base load.")
    String workload;

    @Option(
        names = "--weather",
        description = "EPW file name in weather/; default: the twin site's weather data set.")
    String weather;

    @Option(
        names = "--duration",
        description = "Simulated length, such as 2h or PT30M; default: until cancelled.")
    String duration;

    @Option(
        names = "--start",
        description = "Facility time of the first sample, RFC 3339; default: when the job starts.")
    String start;

    @Option(names = "--seed", description = "Seed of the load swings (default 0).")
    String seed;

    @Option(
        names = "--telemetry-interval",
        description = "Facility time between two samples of a point, 100ms to 60s (default 1s).")
    String telemetryInterval;

    @Override
    public Integer call() {
      PlantEmulationSpec.Builder emulation =
          PlantEmulationSpec.newBuilder()
              .setTwin(TwinCommand.twinName(twin))
              .setSpeedUpFactor(ControlCommand.finite(spec, "--speed-up", speedUp))
              .setWorkloadDataSet(workload);
      if (weather != null) {
        emulation.setWeatherDataSet(weather);
      }
      if (duration != null) {
        emulation.setDuration(SimSubmitCommands.parseDuration(spec, duration));
      }
      if (start != null) {
        emulation.setStartTime(time(spec, "--start", start));
      }
      if (seed != null) {
        emulation.setSeed(seed(spec, "--seed", seed));
      }
      if (telemetryInterval != null) {
        emulation.setTelemetryInterval(
            SimSubmitCommands.parseDuration(spec, "--telemetry-interval", telemetryInterval));
      }
      Job built = Job.newBuilder().setPlantEmulation(emulation).build();
      return SimCommand.submit(
          connection,
          spec,
          job.request(spec, built),
          job.requestId == null,
          job.watch,
          job.progress);
    }
  }

  @Command(
      name = "policies",
      mixinStandardHelpOptions = true,
      description = "List the trained policies, one page, or show one policy.")
  static final class Policies implements Callable<Integer> {

    @Mixin Connection connection;

    @Mixin PageOptions page;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(
        index = "0",
        arity = "0..1",
        description = "A policy to show: an id or policies/{policy}; without it, list them.")
    String policy;

    @Option(
        names = "--filter",
        description = "AIP-160 filter over algorithm, create_time and update_time.")
    String filter = "";

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      if (policy != null) {
        Policy found =
            SimCommand.withSimulation(
                connection,
                stub ->
                    stub.getPolicy(
                        GetPolicyRequest.newBuilder().setName(policyName(policy)).build()));
        Output.resource(connection.output, out, found, POLICY_HEADER, policyRow(found));
        return 0;
      }
      ListPoliciesResponse response =
          SimCommand.withSimulation(
              connection,
              stub ->
                  stub.listPolicies(
                      ListPoliciesRequest.newBuilder()
                          .setFilter(filter)
                          .setPageSize(page.pageSize)
                          .setPageToken(page.pageToken)
                          .build()));
      Output.page(
          connection.output,
          out,
          response,
          POLICY_HEADER,
          response.getPoliciesList(),
          SimAgentCommands::policyRow,
          response.getNextPageToken());
      return 0;
    }
  }

  @Command(
      name = "policy-versions",
      mixinStandardHelpOptions = true,
      description = "List the trained versions of a policy, newest first, one page.")
  static final class PolicyVersions implements Callable<Integer> {

    @Mixin Connection connection;

    @Mixin PageOptions page;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(
        index = "0",
        description = "The policy: an id or policies/{policy}; policies/- lists every policy's.")
    String policy;

    @Option(names = "--filter", description = "AIP-160 filter over training_job and create_time.")
    String filter = "";

    @Override
    public Integer call() {
      ListPolicyVersionsResponse response =
          SimCommand.withSimulation(
              connection,
              stub ->
                  stub.listPolicyVersions(
                      ListPolicyVersionsRequest.newBuilder()
                          .setParent(policyName(policy))
                          .setFilter(filter)
                          .setPageSize(page.pageSize)
                          .setPageToken(page.pageToken)
                          .build()));
      Output.page(
          connection.output,
          spec.commandLine().getOut(),
          response,
          VERSION_HEADER,
          response.getPolicyVersionsList(),
          SimAgentCommands::versionRow,
          response.getNextPageToken());
      return 0;
    }
  }

  @Command(
      name = "policy-version",
      mixinStandardHelpOptions = true,
      description =
          "Show one trained version with its scores, parameters and training seeds; -o json"
              + " prints PolicyVersion, whose parameters 'agent run --parameters' reads.")
  static final class ShowPolicyVersion implements Callable<Integer> {

    @Mixin Connection connection;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "The version, policies/{policy}/versions/{version}.")
    String name;

    @Override
    public Integer call() {
      PolicyVersion version =
          SimCommand.withSimulation(
              connection,
              stub ->
                  stub.getPolicyVersion(
                      GetPolicyVersionRequest.newBuilder().setName(name).build()));
      PrintWriter out = spec.commandLine().getOut();
      Output.resource(connection.output, out, version, VERSION_HEADER, versionRow(version));
      if (connection.output == Connection.OutputFormat.table) {
        out.println();
        Map<String, Double> values = new TreeMap<>(version.getParameters().getValuesMap());
        List<List<String>> rows = new ArrayList<>();
        for (Map.Entry<String, Double> value : values.entrySet()) {
          rows.add(List.of(value.getKey(), Output.number(value.getValue())));
        }
        Output.table(
            out,
            List.of("PARAMETER (" + version.getParameters().getAlgorithm() + ")", "VALUE"),
            rows);
        out.println(
            "training seeds: "
                + version.getTrainingSeedsList().stream()
                    .map(Long::toUnsignedString)
                    .collect(Collectors.joining(",")));
        out.flush();
      }
      return 0;
    }
  }
}
