package io.factorytwin.simulation.transients;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import io.factorytwin.simulation.agent.Policies;
import io.factorytwin.simulation.design.DesignEvaluations;
import io.factorytwin.simulation.input.InputDataSets;
import io.factorytwin.simulation.input.TransientLoadGenerator;
import io.factorytwin.simulation.input.WeatherYear;
import io.factorytwin.simulation.input.WorkloadTrace;
import io.factorytwin.simulation.jobs.JobContext;
import io.factorytwin.simulation.jobs.JobOutcome;
import io.factorytwin.simulation.jobs.JobRunner;
import io.factorytwin.simulation.model.FacilityModel;
import io.factorytwin.simulation.model.ModelLoader;
import io.factorytwin.simulation.v1.CoolingEnergy;
import io.factorytwin.simulation.v1.Job;
import io.factorytwin.simulation.v1.JobResult;
import io.factorytwin.simulation.v1.ModelSource;
import io.factorytwin.simulation.v1.PolicyParameters;
import io.factorytwin.simulation.v1.Series;
import io.factorytwin.simulation.v1.TimeSteps;
import io.factorytwin.simulation.v1.TransientKpis;
import io.factorytwin.simulation.v1.TransientResult;
import io.factorytwin.simulation.v1.TransientScenario;
import io.factorytwin.simulation.v1.TransientSpec;
import io.factorytwin.support.error.DomainException;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs TRANSIENT jobs with {@link TransientEngine}: builds the hall from the job's model, the load
 * from its workload trace and seed, the weather from its data set, and the policy from the spec;
 * reports progress about twice a second of wall time, so a cancel stops the run within one progress
 * interval; and stores the KPIs and the series.
 *
 * <p>The model is read through {@link ModelLoader} (design revisions and alternatives from
 * lifecycle-service, twin revisions from twin-service) and adapted by {@link FacilityHalls}.
 */
@ApplicationScoped
@Unremovable
public class TransientRunner implements JobRunner {

  /** Wall time between progress reports, in ns. The contract expects about one report a second. */
  static final long PROGRESS_INTERVAL_NANOS = 500_000_000L;

  private final InputDataSets inputs;
  private final ModelLoader models;
  private final Policies policies;

  public TransientRunner(InputDataSets inputs, ModelLoader models, Policies policies) {
    this.inputs = inputs;
    this.models = models;
    this.policies = policies;
  }

  @Override
  public Job.Kind kind() {
    return Job.Kind.KIND_TRANSIENT;
  }

  /** Rejects a policy version that is not stored (NOT_FOUND) before the job is queued. */
  @Override
  public void preflight(Job job) {
    TransientSpec spec = job.getTransient();
    if (spec.getPolicyCase() == TransientSpec.PolicyCase.POLICY_VERSION) {
      policies.stored(spec.getPolicyVersion(), "job.transient.policy_version");
    }
  }

  @Override
  public JobOutcome run(JobContext context) {
    try {
      return runChecked(context);
    } catch (DomainException e) {
      return DesignEvaluations.failure(context.job().getName(), e);
    }
  }

  private JobOutcome runChecked(JobContext context) {
    TransientSpec spec = context.job().getTransient();
    TransientScenario scenario = spec.getScenario();
    String model = modelName(scenario.getModel());

    CoolingPolicy policy;
    switch (spec.getPolicyCase()) {
      case BASELINE -> {
        Double setpoint =
            spec.getBaseline().hasTcsSupplyTemperatureSetpointC()
                ? spec.getBaseline().getTcsSupplyTemperatureSetpointC()
                : null;
        policy = BaselinePolicy.fixedSpeed(setpoint, 1.0);
      }
      case POLICY_PARAMETERS -> {
        PolicyParameters parameters = spec.getPolicyParameters();
        if (!FeedForwardPolicy.ALGORITHM.equals(parameters.getAlgorithm())) {
          return JobOutcome.failed(
              "INVALID_FIELD",
              "policy algorithm '"
                  + parameters.getAlgorithm()
                  + "' is not known; this server runs "
                  + FeedForwardPolicy.ALGORITHM,
              "transient.policy_parameters.algorithm");
        }
        try {
          policy = FeedForwardPolicy.fromValues(parameters.getValuesMap());
        } catch (IllegalArgumentException e) {
          return JobOutcome.failed(
              "INVALID_FIELD", e.getMessage(), "transient.policy_parameters.values");
        }
      }
      case POLICY_VERSION -> {
        PolicyParameters parameters =
            policies
                .stored(spec.getPolicyVersion(), "transient.policy_version")
                .version()
                .getParameters();
        try {
          policy = FeedForwardPolicy.fromValues(parameters.getValuesMap());
        } catch (IllegalArgumentException e) {
          return JobOutcome.failed("INVALID_FIELD", e.getMessage(), spec.getPolicyVersion());
        }
      }
      default -> {
        return JobOutcome.failed("INVALID_FIELD", "the spec sets no policy", "transient.policy");
      }
    }

    TransientEngine.Steps steps = steps(scenario.getTimeSteps());
    double duration = seconds(scenario.getDuration());
    // Round the duration down to whole loop steps; the engine needs a multiple.
    duration =
        Math.max(
            steps.loopSeconds(), Math.floor(duration / steps.loopSeconds()) * steps.loopSeconds());

    List<String> warnings = new ArrayList<>();
    FacilityModel facility = models.load("transient.scenario.model", scenario.getModel());
    Hall hall;
    try {
      hall = hall(facility);
    } catch (IllegalArgumentException e) {
      return JobOutcome.failed("MODEL_INCOMPLETE", e.getMessage(), model);
    }
    String siteWeather = facility.site().weatherDataSet();
    String weatherName =
        scenario.getWeatherDataSet().isEmpty() ? siteWeather : scenario.getWeatherDataSet();
    WorkloadTrace trace =
        inputs.workload("transient.scenario.workload_data_set", scenario.getWorkloadDataSet());
    Instant start =
        scenario.hasStartTime()
            ? Instant.ofEpochSecond(
                scenario.getStartTime().getSeconds(), scenario.getStartTime().getNanos())
            : null;
    TransientEngine.Weather weather;
    int hours = (int) Math.ceil(duration / 3600.0) + 1;
    if (!weatherName.isEmpty()) {
      int year = start == null ? 2022 : ZonedDateTime.ofInstant(start, ZoneOffset.UTC).getYear();
      WeatherYear weatherYear =
          inputs.weather("transient.scenario.weather_data_set", weatherName, year);
      if (start == null) {
        start = weatherYear.utcStart(0);
      }
      long offset = (start.getEpochSecond() - weatherYear.utcStart(0).getEpochSecond()) / 3600;
      weather = TransientEngine.Weather.fromYear(weatherYear, (int) offset, hours);
    } else {
      // NOTE: with no weather data set in the spec or the model's site, the run uses fixed mild
      // weather, and the result carries a warning.
      weather = TransientEngine.Weather.constant(20.0, 10.0, 101_325.0);
      warnings.add("no weather data set: fixed weather of 20 °C dry bulb, 10 °C dew point");
    }
    if (start == null) {
      start = Instant.parse("2022-01-01T00:00:00Z");
    }
    ZonedDateTime utc = ZonedDateTime.ofInstant(start, ZoneOffset.UTC);
    double loadStart =
        (utc.getDayOfYear() - 1) * 86_400.0
            + utc.getHour() * 3600.0
            + utc.getMinute() * 60.0
            + utc.getSecond();

    TransientLoadGenerator load =
        new TransientLoadGenerator(
            trace, hall.rackCount(), 1, spec.getSeed(), TransientLoadGenerator.Shape.defaults());
    TransientEngine.Options options = TransientEngine.Options.defaults(duration);
    options =
        new TransientEngine.Options(
            steps,
            Math.max(
                steps.loopSeconds(),
                Math.rint(options.seriesResolutionSeconds() / steps.loopSeconds())
                    * steps.loopSeconds()),
            PROGRESS_INTERVAL_NANOS,
            -1,
            null);
    TransientEngine engine;
    try {
      engine = new TransientEngine(hall, load, loadStart, weather, policy, duration, options);
    } catch (IllegalArgumentException e) {
      return JobOutcome.failed("INVALID_FIELD", e.getMessage(), "transient.scenario");
    }
    Instant runStart = start;
    double total = duration;
    context.progress(0.0, "starting a transient run of " + hall.rackCount() + " racks", runStart);
    TransientRun run =
        engine.run(
            (simulated, fraction) ->
                context.progress(
                    fraction,
                    String.format(
                        "simulated %.0f of %.0f s, %d racks", simulated, total, hall.rackCount()),
                    runStart.plusMillis((long) (simulated * 1000))));

    if (!(run.energyBalanceError() <= TransientEngine.BALANCE_TOLERANCE)) {
      return JobOutcome.failed(
          "ENERGY_BALANCE_FAILED",
          String.format(
              "energy balance error %.3e is above %.0e: energy in %.4e J, heat rejected %.4e J,"
                  + " unmet %.4e J, stored change %.4e J",
              run.energyBalanceError(),
              TransientEngine.BALANCE_TOLERANCE,
              run.energyInJ(),
              run.heatRejectedJ(),
              run.unmetHeatJ(),
              run.storedHeatChangeJ()),
          model);
    }
    JobResult result =
        JobResult.newBuilder()
            .setTransient(
                TransientResult.newBuilder()
                    .setModel(model)
                    .setSeed(spec.getSeed())
                    .setKpis(kpis(run)))
            .addAllWarnings(warnings)
            .build();
    return JobOutcome.succeeded(result, series(run, runStart, policy.label(), spec.getSeed()));
  }

  /** Adapts the model into the engine's hall; tests override it to break one unit. */
  protected Hall hall(FacilityModel facility) {
    return FacilityHalls.toHall(facility);
  }

  public static TransientKpis kpis(TransientRun run) {
    double kwh = 3.6e6;
    double facility = run.facilityEnergyJ();
    return TransientKpis.newBuilder()
        .setCoolingEnergy(
            CoolingEnergy.newBuilder()
                .setTotalKwh(run.coolingEnergyJ() / kwh)
                .setChillersKwh(run.chillersJ() / kwh)
                .setHeatRejectionFansKwh(run.heatRejectionFansJ() / kwh)
                .setPumpsKwh(run.pumpsJ() / kwh)
                .setCrahsKwh(run.crahsJ() / kwh))
        .setItEnergyKwh(run.itEnergyJ() / kwh)
        .setFacilityEnergyKwh(facility / kwh)
        .setPue(facility / run.itEnergyJ())
        .setMaxGpuTemperatureC(run.maxGpuTemperatureC())
        .setGpuOverLimitMinutes(run.gpuOverLimitMinutes())
        .setThermalSpikeCount(run.thermalSpikeCount())
        .setTokens(run.tokens())
        .setTokensPerWatt(run.tokens() / facility)
        .setPeakFacilityPowerKw(run.peakFacilityPowerW() / 1000.0)
        .setEnergyBalanceErrorFraction(run.energyBalanceError())
        .setSimulatedDuration(duration(run.simulatedSeconds()))
        .build();
  }

  public static List<Series> series(TransientRun run, Instant start, String policy, long seed) {
    return series(
        run.series(), start, Map.of("policy", policy, "seed", Long.toUnsignedString(seed)));
  }

  /**
   * Converts engine series to stored series whose first point lies at {@code start}, each with the
   * given labels.
   */
  public static List<Series> series(
      List<TransientRun.SeriesData> runSeries, Instant start, Map<String, String> labels) {
    List<Series> out = new ArrayList<>();
    for (TransientRun.SeriesData data : runSeries) {
      Series.Builder series =
          Series.newBuilder().setName(data.name()).setUnit(data.unit()).putAllLabels(labels);
      double[] values = data.values();
      for (int k = 0; k < values.length; k++) {
        Instant at = start.plusMillis(Math.round(k * data.resolutionSeconds() * 1000));
        series.addTimestamps(
            Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()));
        series.addValues(values[k]);
      }
      out.add(series.build());
    }
    return out;
  }

  public static TransientEngine.Steps steps(TimeSteps steps) {
    double thermal = steps.hasThermalStep() ? seconds(steps.getThermalStep()) : 0.1;
    double loop = steps.hasLoopStep() ? seconds(steps.getLoopStep()) : 1.0;
    double plant = steps.hasPlantStep() ? seconds(steps.getPlantStep()) : 60.0;
    return new TransientEngine.Steps(thermal, loop, plant);
  }

  private static String modelName(ModelSource source) {
    return switch (source.getSourceCase()) {
      case DESIGN_REVISION -> source.getDesignRevision();
      case ALTERNATIVE -> source.getAlternative();
      case TWIN_REVISION -> source.getTwinRevision();
      default -> "reference-hall";
    };
  }

  private static double seconds(Duration duration) {
    return duration.getSeconds() + duration.getNanos() / 1e9;
  }

  private static Duration duration(double seconds) {
    long whole = (long) Math.floor(seconds);
    return Duration.newBuilder()
        .setSeconds(whole)
        .setNanos((int) Math.round((seconds - whole) * 1e9))
        .build();
  }
}
