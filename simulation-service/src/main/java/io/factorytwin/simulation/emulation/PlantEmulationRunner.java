package io.factorytwin.simulation.emulation;

import com.google.protobuf.Duration;
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
import io.factorytwin.simulation.model.TwinClient;
import io.factorytwin.simulation.transients.ExternalSetpointPolicy;
import io.factorytwin.simulation.transients.FacilityHalls;
import io.factorytwin.simulation.transients.Hall;
import io.factorytwin.simulation.transients.TransientEngine;
import io.factorytwin.simulation.transients.TransientRun;
import io.factorytwin.simulation.transients.TransientRunner;
import io.factorytwin.simulation.v1.Job;
import io.factorytwin.simulation.v1.JobResult;
import io.factorytwin.simulation.v1.ModelSource;
import io.factorytwin.simulation.v1.PlantEmulationResult;
import io.factorytwin.simulation.v1.PlantEmulationSpec;
import io.factorytwin.simulation.v1.Series;
import io.factorytwin.support.error.DomainException;
import io.factorytwin.support.error.FailedPreconditionException;
import io.factorytwin.support.error.InvalidArgumentException;
import io.factorytwin.support.error.UnavailableException;
import io.factorytwin.twin.v1.Point;
import io.factorytwin.twin.v1.PointValue;
import io.factorytwin.twin.v1.Twin;
import io.quarkus.arc.Unremovable;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Runs PLANT_EMULATION jobs: a {@link TransientEngine} of the twin's active revision that runs
 * {@code speed_up_factor} times faster than wall time, sends its sensor values into the twin
 * through Ingest stamped with facility time, and follows the twin's CDU setpoints. {@link
 * EmulationLoop} does the per-step work and rides out twin outages.
 *
 * <p>The job ends at its duration with SUCCEEDED, or at CancelJob with CANCELLED; both store a
 * {@link PlantEmulationResult}. Without a duration the engine is built for the contract's longest
 * emulation, 365 days.
 */
@ApplicationScoped
@Unremovable
public class PlantEmulationRunner implements JobRunner {

  static final String PATH = "job.plant_emulation";

  /** Maximum emulation length the contract allows, used for an open-ended one, in s. */
  static final double MAX_DURATION_SECONDS = 365 * 86_400.0;

  /** Narrowest bucket of the stored series, in s: one point a minute of facility time. */
  static final double MIN_SERIES_RESOLUTION_SECONDS = 60.0;

  /**
   * Maximum buckets per series. Up to a week at one a minute fits. A year-long emulation, and an
   * open-ended one (sized for the year it may run), widens its buckets to about 53 minutes, which
   * keeps its 11 series under a million doubles in memory.
   */
  static final int MAX_SERIES_BUCKETS = 10_000;

  private final InputDataSets inputs;
  private final ModelLoader models;
  private final TwinClient twins;
  private final int ingestWindow;
  private final java.time.Duration streamLifetime;

  public PlantEmulationRunner(
      InputDataSets inputs,
      ModelLoader models,
      TwinClient twins,
      @ConfigProperty(name = "simulation.emulation.ingest-window") int ingestWindow,
      @ConfigProperty(name = "simulation.emulation.stream-lifetime")
          java.time.Duration streamLifetime) {
    this.inputs = inputs;
    this.models = models;
    this.twins = twins;
    this.ingestWindow = ingestWindow;
    this.streamLifetime = streamLifetime;
  }

  @Override
  public Job.Kind kind() {
    return Job.Kind.KIND_PLANT_EMULATION;
  }

  /** Checks the twin, its model, the data sets and the telemetry interval against the loop step. */
  @Override
  public void preflight(Job job) {
    PlantEmulationSpec spec = job.getPlantEmulation();
    TransientEngine.Steps steps = steps(spec);
    interval(spec, steps);
    FacilityModel model = model(spec);
    hall(model);
    inputs.workload(PATH + ".workload_data_set", spec.getWorkloadDataSet());
    String weather = weatherName(spec, model);
    if (!weather.isEmpty()) {
      inputs.weather(PATH + ".weather_data_set", weather, 2022);
    }
  }

  @Override
  public JobOutcome run(JobContext context) {
    try {
      return runChecked(context);
    } catch (IngestStream.IngestRejectedException e) {
      Log.errorf("%s: %s", context.job().getName(), e.getMessage());
      return JobOutcome.failed(
          "DEPENDENCY_UNAVAILABLE", e.getMessage(), context.job().getPlantEmulation().getTwin());
    } catch (DomainException e) {
      return DesignEvaluations.failure(context.job().getName(), e);
    }
  }

  private JobOutcome runChecked(JobContext context) {
    PlantEmulationSpec spec = context.job().getPlantEmulation();
    String twin = spec.getTwin();
    TransientEngine.Steps steps = steps(spec);
    double interval = interval(spec, steps);
    boolean open = !spec.hasDuration();
    double duration = open ? MAX_DURATION_SECONDS : seconds(spec.getDuration());
    duration =
        Math.max(
            steps.loopSeconds(), Math.floor(duration / steps.loopSeconds()) * steps.loopSeconds());

    Twin current = untilReachable(context, () -> twins.twin(twin));
    String revision = current.getActiveRevision();
    FacilityModel model =
        untilReachable(
            context,
            () ->
                models.load(
                    PATH + ".twin", ModelSource.newBuilder().setTwinRevision(revision).build()));
    Hall hall = hall(model);

    List<String> warnings = new ArrayList<>();
    Instant requestedStart =
        spec.hasStartTime()
            ? Instant.ofEpochSecond(
                    spec.getStartTime().getSeconds(), spec.getStartTime().getNanos())
                .truncatedTo(ChronoUnit.MILLIS)
            : Instant.now().truncatedTo(ChronoUnit.SECONDS);
    double resumed =
        resumeOffsetSeconds(context.job().getAttemptCount(), current, requestedStart, interval);
    Instant start = requestedStart.plusMillis(Math.round(resumed * 1000));
    if (resumed > 0) {
      Log.infof(
          "%s runs again (attempt %d) and resumes at %s, after the twin's clock %s",
          context.job().getName(),
          context.job().getAttemptCount(),
          start,
          Instant.ofEpochSecond(
              current.getFacilityTime().getSeconds(), current.getFacilityTime().getNanos()));
      warnings.add(
          String.format(
              "attempt %d resumed at %s, the first sample time after the twin's clock; the plant"
                  + " restarted from the steady state of the twin's setpoints, and the KPIs cover"
                  + " only this attempt",
              context.job().getAttemptCount(), start));
      if (!open) {
        double rest = resumedDurationSeconds(duration, resumed, steps.loopSeconds());
        if (rest < 0) {
          warnings.add("the twin already had every sample up to the end of the duration");
          return JobOutcome.succeeded(
              JobResult.newBuilder()
                  .setPlantEmulation(
                      PlantEmulationResult.newBuilder().setTwin(twin).setTwinRevision(revision))
                  .addAllWarnings(warnings)
                  .build(),
              List.of());
        }
        duration = rest;
      }
    }
    TransientEngine.Weather weather = weather(spec, model, start, duration, warnings);
    WorkloadTrace trace = inputs.workload(PATH + ".workload_data_set", spec.getWorkloadDataSet());
    ZonedDateTime utc = ZonedDateTime.ofInstant(start, ZoneOffset.UTC);
    double loadStart =
        (utc.getDayOfYear() - 1) * 86_400.0
            + utc.getHour() * 3600.0
            + utc.getMinute() * 60.0
            + utc.getSecond();
    TransientLoadGenerator load =
        new TransientLoadGenerator(
            trace, hall.rackCount(), 1, spec.getSeed(), TransientLoadGenerator.Shape.defaults());

    List<Point> sensors =
        untilReachable(context, () -> twins.points(twin, revision, "kind = KIND_SENSOR"));
    Set<String> setpointIds = new HashSet<>();
    for (Point point :
        untilReachable(context, () -> twins.points(twin, revision, "kind = KIND_SETPOINT"))) {
      setpointIds.add(point.getName());
    }
    TelemetryChannels channels = TelemetryChannels.map(hall, sensors);
    List<String> supply = new ArrayList<>();
    List<String> pump = new ArrayList<>();
    for (Hall.Group group : hall.groups()) {
      String prefix = twin + "/points/" + group.cdu().name();
      String supplyPoint = prefix + ".liquid-temperature-sp.secondary-supply";
      String pumpPoint = prefix + ".pump-speed-sp";
      supply.add(setpointIds.contains(supplyPoint) ? supplyPoint : null);
      pump.add(setpointIds.contains(pumpPoint) ? pumpPoint : null);
    }
    Log.infof(
        "%s emulates %s (%s) at %.0fx: %d racks on %d CDUs, %s, telemetry every %.1f s",
        context.job().getName(),
        twin,
        revision,
        spec.getSpeedUpFactor(),
        hall.rackCount(),
        hall.groups().size(),
        channels.summary(),
        interval);

    ExternalSetpointPolicy policy = new ExternalSetpointPolicy();
    policy.reset(hall.groups().size(), hall.tcsSupplySetpointC());
    IngestStream stream =
        new IngestStream(
            twins::ingestStub,
            twin,
            "plant-emulation-" + context.job().getName().substring("jobs/".length()),
            channels.pointIds(),
            twins.deadline(),
            streamLifetime,
            ingestWindow);
    EmulationLoop loop =
        new EmulationLoop(
            context,
            stream,
            channels,
            policy,
            names -> readSetpoints(twin, names),
            supply,
            pump,
            start,
            spec.getSpeedUpFactor(),
            interval,
            duration,
            open);
    untilReachable(
        context,
        () -> {
          loop.readInitialSetpoints();
          return null;
        });

    TransientEngine.Options options =
        TransientEngine.Options.defaults(duration)
            .withSteps(steps)
            .withSeriesResolution(seriesResolution(duration, steps.loopSeconds()))
            .withLoopHook(loop);
    TransientEngine engine =
        new TransientEngine(hall, load, loadStart, weather, policy, duration, options);
    context.progress(
        0.0, "starting the emulation of " + twin + ": " + hall.rackCount() + " racks", start);
    TransientRun run;
    try {
      run = loop.start(engine) ? engine.run(null) : null;
    } catch (RuntimeException e) {
      // The worker stops, loses the lease or fails the attempt: end the stream now instead of at
      // its deadline.
      stream.abandon();
      throw e;
    }
    double simulated = run == null ? 0.0 : run.simulatedSeconds();
    loop.finish(simulated);
    try {
      stream.close();
    } catch (IngestStream.TwinUnreachableException e) {
      warnings.add(
          stream.pendingBatches()
              + " telemetry batches were not acknowledged when the run ended: "
              + e.getMessage());
      stream.abandon();
    }

    if (loop.outages() > 0) {
      warnings.add(
          String.format(
              "twin-service was unreachable %d times for %.1f s of wall time in all; the facility"
                  + " clock paused meanwhile",
              loop.outages(), loop.outageSeconds()));
    }
    if (stream.duplicatesOnResend() > 0) {
      warnings.add(
          stream.duplicatesOnResend()
              + " resent samples were already in the twin and are counted neither as accepted"
              + " nor as rejected");
    }
    double achieved = loop.achievedSpeedUp();
    if (simulated > 0 && achieved < 0.95 * spec.getSpeedUpFactor()) {
      warnings.add(
          String.format(
              "the emulation ran at %.0fx, behind the requested %.0fx",
              achieved, spec.getSpeedUpFactor()));
    }
    if (run != null && !(run.energyBalanceError() <= TransientEngine.BALANCE_TOLERANCE)) {
      warnings.add(
          String.format(
              "energy balance error %.3e is above %.0e",
              run.energyBalanceError(), TransientEngine.BALANCE_TOLERANCE));
    }
    PlantEmulationResult.Builder result =
        PlantEmulationResult.newBuilder()
            .setTwin(twin)
            .setTwinRevision(revision)
            .setTelemetrySamplesAccepted(stream.accepted())
            .setTelemetrySamplesRejected(stream.rejected())
            .setSetpointChangesFollowed(loop.changesFollowed());
    if (run != null) {
      result.setKpis(TransientRunner.kpis(run));
    }
    Log.infof(
        "%s ended after %.0f simulated s at %.0fx (%.1f s of wall time waiting on twin-service,"
            + " %.1f s of it reading setpoints): %d samples accepted, %d rejected, %d setpoint"
            + " changes followed",
        context.job().getName(),
        simulated,
        achieved,
        loop.twinSeconds(),
        loop.setpointSeconds(),
        stream.accepted(),
        stream.rejected(),
        loop.changesFollowed());
    JobResult jobResult =
        JobResult.newBuilder().setPlantEmulation(result).addAllWarnings(warnings).build();
    // An emulation stores one series per name, so the series carry no labels.
    List<Series> series =
        run == null ? List.of() : TransientRunner.series(completeBuckets(run), start, Map.of());
    return loop.cancelled() || run == null
        ? JobOutcome.cancelled(jobResult, series)
        : JobOutcome.succeeded(jobResult, series);
  }

  /**
   * Returns how far past {@code start} a job resumes, in s: 0 on its first attempt or when the
   * twin's clock is not past {@code start}. Otherwise the first point of the telemetry grid from
   * {@code start} after the twin's clock. A job that runs again after its worker died would
   * otherwise resend samples the twin already has, which the twin rejects as out of order.
   */
  static double resumeOffsetSeconds(int attempt, Twin twin, Instant start, double intervalSeconds) {
    if (attempt <= 1 || !twin.hasFacilityTime()) {
      return 0.0;
    }
    Instant clock =
        Instant.ofEpochSecond(
            twin.getFacilityTime().getSeconds(), twin.getFacilityTime().getNanos());
    if (clock.isBefore(start)) {
      return 0.0;
    }
    double behind = java.time.Duration.between(start, clock).toNanos() / 1e9;
    return (Math.floor(behind / intervalSeconds + 1e-9) + 1) * intervalSeconds;
  }

  /**
   * Returns the duration left to a job that resumes {@code resumed} s after its start, in s and
   * whole loop steps, at least one step; or -1 when the resume point lies past the end, so that
   * nothing is owed. A resume exactly at the end still owes the sample there, because a run always
   * sends one at its start.
   */
  static double resumedDurationSeconds(double duration, double resumed, double loopSeconds) {
    if (resumed > duration + 1e-9) {
      return -1;
    }
    double remaining = Math.floor((duration - resumed) / loopSeconds + 1e-9) * loopSeconds;
    return Math.max(loopSeconds, remaining);
  }

  /**
   * Returns the bucket width of the stored series, in s: at least a minute, wide enough for at most
   * {@link #MAX_SERIES_BUCKETS} buckets over the duration, and a whole number of loop steps.
   */
  static double seriesResolution(double durationSeconds, double loopSeconds) {
    double width = Math.max(MIN_SERIES_RESOLUTION_SECONDS, durationSeconds / MAX_SERIES_BUCKETS);
    return Math.ceil(width / loopSeconds - 1e-9) * loopSeconds;
  }

  /**
   * Returns the run's series cut to the buckets it covered completely. A cancelled or open-ended
   * emulation ends before its buckets do, and a mean over a partly simulated bucket would be too
   * low.
   */
  static List<TransientRun.SeriesData> completeBuckets(TransientRun run) {
    List<TransientRun.SeriesData> cut = new ArrayList<>(run.series().size());
    for (TransientRun.SeriesData data : run.series()) {
      int keep =
          (int)
              Math.min(
                  data.values().length,
                  Math.floor(run.simulatedSeconds() / data.resolutionSeconds() + 1e-9));
      cut.add(
          new TransientRun.SeriesData(
              data.name(),
              data.unit(),
              data.resolutionSeconds(),
              java.util.Arrays.copyOf(data.values(), keep)));
    }
    return cut;
  }

  /**
   * Runs a read of twin-service until it succeeds, so a twin that is down when the job starts
   * delays the start instead of failing the attempt. Waits 0.2 s, doubling up to 5 s, between
   * tries, and reports progress meanwhile, so CancelJob still ends the job.
   */
  private static <T> T untilReachable(JobContext context, Supplier<T> read) {
    java.time.Duration backoff = EmulationLoop.FIRST_BACKOFF;
    long since = 0;
    while (true) {
      try {
        return read.get();
      } catch (UnavailableException e) {
        if (since == 0) {
          since = System.nanoTime();
          Log.warnf(
              "%s cannot start: %s; retrying until twin-service is reachable",
              context.job().getName(), e.getMessage());
        }
        context.progress(
            0.0,
            String.format(
                "twin-service unreachable for %.0f s; the emulation starts when it is back",
                (System.nanoTime() - since) / 1e9));
        LockSupport.parkNanos(backoff.toNanos());
        java.time.Duration doubled = backoff.multipliedBy(2);
        backoff =
            doubled.compareTo(EmulationLoop.MAX_BACKOFF) > 0 ? EmulationLoop.MAX_BACKOFF : doubled;
      }
    }
  }

  private List<PointValue> readSetpoints(String twin, List<String> names) {
    if (names.isEmpty()) {
      return List.of();
    }
    return twins.latestValues(twin, names).getValuesList();
  }

  private FacilityModel model(PlantEmulationSpec spec) {
    Twin current = twins.twin(spec.getTwin());
    return models.load(
        PATH + ".twin",
        ModelSource.newBuilder().setTwinRevision(current.getActiveRevision()).build());
  }

  private static Hall hall(FacilityModel model) {
    try {
      return FacilityHalls.toHall(model);
    } catch (IllegalArgumentException e) {
      throw new FailedPreconditionException(
          "MODEL_INCOMPLETE",
          List.of(
              new FailedPreconditionException.Violation(
                  "MODEL_INCOMPLETE", model.name(), e.getMessage())));
    }
  }

  private static TransientEngine.Steps steps(PlantEmulationSpec spec) {
    try {
      return TransientRunner.steps(spec.getTimeSteps());
    } catch (IllegalArgumentException e) {
      throw new InvalidArgumentException(PATH + ".time_steps", e.getMessage());
    }
  }

  /** Returns the telemetry interval in s; it must be a whole number of loop steps. */
  private static double interval(PlantEmulationSpec spec, TransientEngine.Steps steps) {
    double interval = spec.hasTelemetryInterval() ? seconds(spec.getTelemetryInterval()) : 1.0;
    double ratio = interval / steps.loopSeconds();
    if (ratio < 1 - 1e-9 || Math.abs(ratio - Math.rint(ratio)) > 1e-6) {
      throw new InvalidArgumentException(
          PATH + ".telemetry_interval",
          "must be a whole multiple of the loop step "
              + steps.loopSeconds()
              + " s, because samples are taken between loop steps; got "
              + interval
              + " s");
    }
    return interval;
  }

  private static String weatherName(PlantEmulationSpec spec, FacilityModel model) {
    return spec.getWeatherDataSet().isEmpty()
        ? model.site().weatherDataSet()
        : spec.getWeatherDataSet();
  }

  private TransientEngine.Weather weather(
      PlantEmulationSpec spec,
      FacilityModel model,
      Instant start,
      double duration,
      List<String> warnings) {
    String name = weatherName(spec, model);
    if (name.isEmpty()) {
      warnings.add("no weather data set: fixed weather of 20 °C dry bulb, 10 °C dew point");
      return TransientEngine.Weather.constant(20.0, 10.0, 101_325.0);
    }
    int year = ZonedDateTime.ofInstant(start, ZoneOffset.UTC).getYear();
    WeatherYear weatherYear = inputs.weather(PATH + ".weather_data_set", name, year);
    long offset =
        Math.floorDiv(start.getEpochSecond() - weatherYear.utcStart(0).getEpochSecond(), 3600L);
    int hours = (int) Math.min(WeatherYear.HOURS, Math.ceil(duration / 3600.0) + 1);
    return TransientEngine.Weather.fromYear(
        weatherYear, (int) Math.floorMod(offset, WeatherYear.HOURS), hours);
  }

  private static double seconds(Duration duration) {
    return duration.getSeconds() + duration.getNanos() / 1e9;
  }
}
