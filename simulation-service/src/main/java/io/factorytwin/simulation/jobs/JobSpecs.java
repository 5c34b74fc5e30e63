package io.factorytwin.simulation.jobs;

import com.google.protobuf.Duration;
import io.factorytwin.simulation.v1.AgentEvaluationSpec;
import io.factorytwin.simulation.v1.AgentTrainingSpec;
import io.factorytwin.simulation.v1.ComparisonSpec;
import io.factorytwin.simulation.v1.DesignEvaluationSpec;
import io.factorytwin.simulation.v1.Job;
import io.factorytwin.simulation.v1.ModelSource;
import io.factorytwin.simulation.v1.PlantEmulationSpec;
import io.factorytwin.simulation.v1.TimeSteps;
import io.factorytwin.simulation.v1.TransientScenario;
import io.factorytwin.simulation.v1.TransientSpec;
import io.factorytwin.support.error.InvalidArgumentException;
import io.factorytwin.support.error.InvalidArgumentException.FieldViolation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks the shape of a submitted job: exactly one spec, its required fields, and the ranges the
 * contract gives. Field paths are proto field names under the SubmitJob request, such as {@code
 * job.transient.scenario.duration}.
 *
 * <p>NOTE: these checks read nothing else: whether a referenced design, alternative, twin or policy
 * version exists, and whether a named data set file exists and parses, is left to the runner.
 */
final class JobSpecs {

  /** A resource id: lower-case letters, digits and hyphens, starting with a letter. */
  static final String ID = "[a-z][a-z0-9-]{0,62}";

  static final Pattern JOB_ID = Pattern.compile(ID);

  /** lifecycle-service names design revisions a, b, ... z, aa, ab (at most seven letters). */
  private static final Pattern DESIGN_REVISION =
      Pattern.compile("designs/" + ID + "/revisions/[a-z]{1,7}");

  private static final Pattern ALTERNATIVE =
      Pattern.compile("designs/" + ID + "/alternatives/" + ID);

  /** twin-service's revision ids, as its Names class accepts them. */
  private static final Pattern TWIN_REVISION =
      Pattern.compile("twins/" + ID + "/revisions/[a-z0-9][a-z0-9-]{0,62}");

  private static final Pattern TWIN = Pattern.compile("twins/" + ID);
  private static final Pattern POLICY = Pattern.compile("policies/" + ID);
  private static final Pattern POLICY_VERSION =
      Pattern.compile("policies/" + ID + "/versions/[1-9][0-9]{0,8}");

  /** A data set file name as the contract allows it: no path, no leading dot. */
  private static final Pattern DATA_SET_NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*");

  private static final long MILLIS_PER_DAY = 86_400_000L;

  private final List<FieldViolation> violations = new ArrayList<>();
  private final List<FieldViolation> paths = new ArrayList<>();

  private JobSpecs() {}

  /**
   * Checks the job and returns its kind.
   *
   * @throws InvalidArgumentException with reason PATH_OUTSIDE_DATA_DIR when a data set name is a
   *     path, otherwise with INVALID_FIELD and one violation per bad field
   */
  static Job.Kind check(Job job) {
    JobSpecs specs = new JobSpecs();
    Job.Kind kind = specs.checkJob(job);
    if (!specs.paths.isEmpty()) {
      throw new InvalidArgumentException("PATH_OUTSIDE_DATA_DIR", specs.paths);
    }
    if (!specs.violations.isEmpty()) {
      throw new InvalidArgumentException(specs.violations);
    }
    return kind;
  }

  private Job.Kind checkJob(Job job) {
    if (job.getDisplayName().length() > 200) {
      invalid("job.display_name", "must be at most 200 characters");
    }
    return switch (job.getSpecCase()) {
      case DESIGN_EVALUATION -> {
        designEvaluation("job.design_evaluation", job.getDesignEvaluation());
        yield Job.Kind.KIND_DESIGN_EVALUATION;
      }
      case COMPARISON -> {
        comparison("job.comparison", job.getComparison());
        yield Job.Kind.KIND_COMPARISON;
      }
      case TRANSIENT -> {
        transientRun("job.transient", job.getTransient());
        yield Job.Kind.KIND_TRANSIENT;
      }
      case AGENT_TRAINING -> {
        agentTraining("job.agent_training", job.getAgentTraining());
        yield Job.Kind.KIND_AGENT_TRAINING;
      }
      case AGENT_EVALUATION -> {
        agentEvaluation("job.agent_evaluation", job.getAgentEvaluation());
        yield Job.Kind.KIND_AGENT_EVALUATION;
      }
      case PLANT_EMULATION -> {
        plantEmulation("job.plant_emulation", job.getPlantEmulation());
        yield Job.Kind.KIND_PLANT_EMULATION;
      }
      case SPEC_NOT_SET -> {
        invalid(
            "job.spec",
            "required: set exactly one of design_evaluation, comparison, transient,"
                + " agent_training, agent_evaluation or plant_emulation");
        yield Job.Kind.KIND_UNSPECIFIED;
      }
    };
  }

  private void designEvaluation(String path, DesignEvaluationSpec spec) {
    model(path + ".model", spec.hasModel() ? spec.getModel() : null, true);
    dataSet(path + ".weather_data_set", spec.getWeatherDataSet(), false);
    dataSet(path + ".carbon_data_set", spec.getCarbonDataSet(), false);
    dataSet(path + ".workload_data_set", spec.getWorkloadDataSet(), true);
    if (spec.getYear() != 0 && (spec.getYear() < 1900 || spec.getYear() > 2100)) {
      invalid(path + ".year", "must be 1900 to 2100, or 0 for the default; got " + spec.getYear());
    }
    if (spec.hasSolarCapacityKw()) {
      range(path + ".solar_capacity_kw", spec.getSolarCapacityKw(), 0, 10_000_000);
    }
  }

  private void comparison(String path, ComparisonSpec spec) {
    int count = spec.getAlternativesCount();
    if (count < 2 || count > 20) {
      invalid(path + ".alternatives", "must have 2 to 20 entries; got " + count);
    }
    Set<ModelSource> models = new HashSet<>();
    for (int i = 0; i < count; i++) {
      DesignEvaluationSpec alternative = spec.getAlternatives(i);
      designEvaluation(path + ".alternatives[" + i + "]", alternative);
      if (alternative.hasModel() && !models.add(alternative.getModel())) {
        invalid(
            path + ".alternatives[" + i + "].model",
            "repeats the model of an earlier entry; each entry must evaluate a different model");
      }
    }
  }

  private void transientRun(String path, TransientSpec spec) {
    if (!spec.hasScenario()) {
      invalid(path + ".scenario", "required");
    } else {
      scenario(path + ".scenario", spec.getScenario(), true);
    }
    switch (spec.getPolicyCase()) {
      case POLICY_VERSION ->
          name(
              path + ".policy_version",
              spec.getPolicyVersion(),
              POLICY_VERSION,
              "policies/{policy}/versions/{version}");
      case BASELINE -> {
        if (spec.getBaseline().hasTcsSupplyTemperatureSetpointC()) {
          range(
              path + ".baseline.tcs_supply_temperature_setpoint_c",
              spec.getBaseline().getTcsSupplyTemperatureSetpointC(),
              5,
              60);
        }
      }
      case POLICY_PARAMETERS -> {
        // The runner checks the parameters against the model it builds.
      }
      case POLICY_NOT_SET ->
          invalid(
              path + ".policy",
              "required: set exactly one of baseline, policy_version or policy_parameters");
    }
  }

  private void agentTraining(String path, AgentTrainingSpec spec) {
    if (!spec.hasScenario()) {
      invalid(path + ".scenario", "required");
    } else {
      scenario(path + ".scenario", spec.getScenario(), true);
    }
    seeds(path + ".seeds", spec.getSeedsList());
    if (spec.getEpisodes() < 0 || spec.getEpisodes() > 1000) {
      invalid(
          path + ".episodes",
          "must be 1 to 1,000, or 0 for the default; got " + spec.getEpisodes());
    }
    if (spec.getSearchBudget() < 1 || spec.getSearchBudget() > 100_000) {
      invalid(path + ".search_budget", "required: 1 to 100,000; got " + spec.getSearchBudget());
    }
    name(path + ".policy", spec.getPolicy(), POLICY, "policies/{policy}");
    if (spec.hasEpisodeWindow()) {
      duration(path + ".episode_window", spec.getEpisodeWindow(), 1000, 31 * MILLIS_PER_DAY);
      double window = seconds(spec.getEpisodeWindow());
      double episode = seconds(spec.getScenario().getDuration());
      if (spec.getScenario().hasDuration() && window < episode) {
        invalid(
            path + ".episode_window",
            "must be at least the episode duration of " + episode + " s; got " + window + " s");
      }
    }
  }

  private static double seconds(Duration duration) {
    return duration.getSeconds() + duration.getNanos() / 1e9;
  }

  private void agentEvaluation(String path, AgentEvaluationSpec spec) {
    name(
        path + ".policy_version",
        spec.getPolicyVersion(),
        POLICY_VERSION,
        "policies/{policy}/versions/{version}");
    seeds(path + ".seeds", spec.getSeedsList());
    if (spec.hasScenario()) {
      scenario(path + ".scenario", spec.getScenario(), false);
    }
  }

  private void plantEmulation(String path, PlantEmulationSpec spec) {
    name(path + ".twin", spec.getTwin(), TWIN, "twins/{twin}");
    double speedUp = spec.getSpeedUpFactor();
    if (!(speedUp >= 1 && speedUp <= 10_000)) {
      invalid(path + ".speed_up_factor", "required: 1 to 10,000; got " + speedUp);
    }
    if (spec.hasDuration()) {
      duration(path + ".duration", spec.getDuration(), 1000, 365 * MILLIS_PER_DAY);
    }
    dataSet(path + ".weather_data_set", spec.getWeatherDataSet(), false);
    dataSet(path + ".workload_data_set", spec.getWorkloadDataSet(), true);
    if (spec.hasTelemetryInterval()) {
      duration(path + ".telemetry_interval", spec.getTelemetryInterval(), 100, 60_000);
    }
    if (spec.hasTimeSteps()) {
      timeSteps(path + ".time_steps", spec.getTimeSteps());
    }
  }

  /**
   * Checks a transient scenario; model, workload and duration are required unless an agent
   * evaluation takes them from its training job.
   */
  private void scenario(String path, TransientScenario scenario, boolean required) {
    model(path + ".model", scenario.hasModel() ? scenario.getModel() : null, required);
    dataSet(path + ".weather_data_set", scenario.getWeatherDataSet(), false);
    dataSet(path + ".workload_data_set", scenario.getWorkloadDataSet(), required);
    if (scenario.hasDuration()) {
      duration(path + ".duration", scenario.getDuration(), 1000, 7 * MILLIS_PER_DAY);
    } else if (required) {
      invalid(path + ".duration", "required: 1 s to 7 days");
    }
    if (scenario.hasTimeSteps()) {
      timeSteps(path + ".time_steps", scenario.getTimeSteps());
    }
  }

  private void timeSteps(String path, TimeSteps steps) {
    if (steps.hasThermalStep()) {
      duration(path + ".thermal_step", steps.getThermalStep(), 1, 100);
    }
    if (steps.hasLoopStep()) {
      duration(path + ".loop_step", steps.getLoopStep(), 100, 10_000);
    }
    if (steps.hasPlantStep()) {
      duration(path + ".plant_step", steps.getPlantStep(), 1000, 300_000);
    }
  }

  private void model(String path, ModelSource model, boolean required) {
    if (model == null) {
      if (required) {
        invalid(path, "required: one of design_revision, alternative or twin_revision");
      }
      return;
    }
    switch (model.getSourceCase()) {
      case DESIGN_REVISION ->
          name(
              path + ".design_revision",
              model.getDesignRevision(),
              DESIGN_REVISION,
              "designs/{design}/revisions/{revision}");
      case ALTERNATIVE ->
          name(
              path + ".alternative",
              model.getAlternative(),
              ALTERNATIVE,
              "designs/{design}/alternatives/{alternative}");
      case TWIN_REVISION ->
          name(
              path + ".twin_revision",
              model.getTwinRevision(),
              TWIN_REVISION,
              "twins/{twin}/revisions/{revision}");
      case SOURCE_NOT_SET ->
          invalid(path, "required: one of design_revision, alternative or twin_revision");
    }
  }

  private void seeds(String path, List<Long> seeds) {
    if (seeds.isEmpty() || seeds.size() > 1000) {
      invalid(path, "must have 1 to 1,000 values; got " + seeds.size());
    }
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < seeds.size(); i++) {
      if (!seen.add(seeds.get(i))) {
        invalid(path + "[" + i + "]", "repeats seed " + Long.toUnsignedString(seeds.get(i)));
      }
    }
  }

  private void dataSet(String path, String name, boolean required) {
    if (name.isEmpty()) {
      if (required) {
        invalid(path, "required: a data set file name such as Alibaba_CPU_Data_Hourly_1.csv");
      }
      return;
    }
    if (name.contains("/") || name.contains("\\") || name.contains("..")) {
      paths.add(new FieldViolation(path, "must be a file name, not a path; got '" + name + "'"));
    } else if (!DATA_SET_NAME.matcher(name).matches()) {
      invalid(
          path,
          "must contain only letters, digits, '.', '_' and '-' and not start with '.'; got '"
              + name
              + "'");
    }
  }

  private void name(String path, String value, Pattern pattern, String form) {
    if (value.isEmpty()) {
      invalid(path, "required: " + form);
    } else if (!pattern.matcher(value).matches()) {
      invalid(
          path,
          "must be "
              + form
              + " with ids of lower-case letters, digits and hyphens;"
              + " got '"
              + value
              + "'");
    }
  }

  private void range(String path, double value, double min, double max) {
    if (!(value >= min && value <= max)) {
      invalid(path, "must be " + min + " to " + max + "; got " + value);
    }
  }

  private void duration(String path, Duration duration, long minMillis, long maxMillis) {
    long millis;
    try {
      millis =
          Math.addExact(
              Math.multiplyExact(duration.getSeconds(), 1000L), duration.getNanos() / 1_000_000);
    } catch (ArithmeticException e) {
      millis = Long.MAX_VALUE;
    }
    boolean whole = duration.getNanos() % 1_000_000 == 0;
    if (!whole || duration.getNanos() < 0 || millis < minMillis || millis > maxMillis) {
      invalid(
          path,
          "must be a whole number of milliseconds from "
              + minMillis
              + " ms to "
              + maxMillis
              + " ms; got "
              + duration.getSeconds()
              + " s "
              + duration.getNanos()
              + " ns");
    }
  }

  private void invalid(String field, String description) {
    violations.add(new FieldViolation(field, description));
  }
}
