package io.factorytwin.simulation.agent;

import com.google.protobuf.Duration;
import io.factorytwin.simulation.input.InputDataSets;
import io.factorytwin.simulation.input.WeatherYear;
import io.factorytwin.simulation.input.WorkloadTrace;
import io.factorytwin.simulation.model.FacilityModel;
import io.factorytwin.simulation.model.ModelLoader;
import io.factorytwin.simulation.transients.FacilityHalls;
import io.factorytwin.simulation.transients.Hall;
import io.factorytwin.simulation.transients.TransientEngine;
import io.factorytwin.simulation.v1.TimeSteps;
import io.factorytwin.simulation.v1.TransientScenario;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the {@link Episodes} of a {@link TransientScenario} the way TRANSIENT jobs build their
 * run: the model through {@link ModelLoader}, the weather from the scenario's data set or the
 * site's, and the load from the workload trace at the start time.
 */
@ApplicationScoped
public class AgentScenarios {

  /** The episodes with the scenario's start instant and any warnings for the result. */
  public record Built(Episodes episodes, Instant start, String model, List<String> warnings) {}

  private final InputDataSets inputs;
  private final ModelLoader models;

  public AgentScenarios(InputDataSets inputs, ModelLoader models) {
    this.inputs = inputs;
    this.models = models;
  }

  /**
   * Returns the scenario of an evaluation: every field the evaluation sets, the training job's
   * value for every other field.
   */
  public static TransientScenario merge(TransientScenario training, TransientScenario evaluation) {
    TransientScenario.Builder merged = training.toBuilder();
    if (evaluation.hasModel()) {
      merged.setModel(evaluation.getModel());
    }
    if (!evaluation.getWeatherDataSet().isEmpty()) {
      merged.setWeatherDataSet(evaluation.getWeatherDataSet());
    }
    if (!evaluation.getWorkloadDataSet().isEmpty()) {
      merged.setWorkloadDataSet(evaluation.getWorkloadDataSet());
    }
    if (evaluation.hasStartTime()) {
      merged.setStartTime(evaluation.getStartTime());
    }
    if (evaluation.hasDuration()) {
      merged.setDuration(evaluation.getDuration());
    }
    if (evaluation.hasTimeSteps()) {
      merged.setTimeSteps(evaluation.getTimeSteps());
    }
    return merged.build();
  }

  /** Builds episodes that all start at the scenario's start. */
  public Built build(String field, TransientScenario scenario, boolean withSeries) {
    return build(field, scenario, withSeries, Duration.getDefaultInstance());
  }

  /**
   * Builds the episodes.
   *
   * @param field request path of the scenario, such as {@code agent_training.scenario}, for error
   *     messages
   * @param window span over which the episodes are spread; zero or shorter than the duration
   *     spreads nothing
   * @throws IllegalArgumentException when the model cannot be simulated, such as a rack on no CDU
   */
  public Built build(
      String field, TransientScenario scenario, boolean withSeries, Duration window) {
    TransientEngine.Steps steps = steps(scenario.getTimeSteps());
    double duration = seconds(scenario.getDuration());
    duration =
        Math.max(
            steps.loopSeconds(), Math.floor(duration / steps.loopSeconds()) * steps.loopSeconds());
    FacilityModel facility = models.load(field + ".model", scenario.getModel());
    Hall hall = FacilityHalls.toHall(facility);
    List<String> warnings = new ArrayList<>();
    String weatherName =
        scenario.getWeatherDataSet().isEmpty()
            ? facility.site().weatherDataSet()
            : scenario.getWeatherDataSet();
    WorkloadTrace trace =
        inputs.workload(field + ".workload_data_set", scenario.getWorkloadDataSet());
    Instant start =
        scenario.hasStartTime()
            ? Instant.ofEpochSecond(
                scenario.getStartTime().getSeconds(), scenario.getStartTime().getNanos())
            : null;
    double windowSeconds = Math.max(duration, seconds(window));
    int hours = (int) Math.ceil(windowSeconds / 3600.0) + 1;
    TransientEngine.Weather weather;
    if (!weatherName.isEmpty()) {
      int year = start == null ? 2022 : ZonedDateTime.ofInstant(start, ZoneOffset.UTC).getYear();
      WeatherYear weatherYear = inputs.weather(field + ".weather_data_set", weatherName, year);
      if (start == null) {
        start = weatherYear.utcStart(0);
      }
      long offset = (start.getEpochSecond() - weatherYear.utcStart(0).getEpochSecond()) / 3600;
      weather = TransientEngine.Weather.fromYear(weatherYear, (int) offset, hours);
    } else {
      // NOTE: the same fixed mild weather as a TRANSIENT run without weather.
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
    TransientEngine.Options options = TransientEngine.Options.defaults(duration).withSteps(steps);
    if (!withSeries) {
      // Search episodes need only the KPIs; one bucket per plant step keeps the series small.
      options =
          options.withSeriesResolution(
              Math.ceil(duration / steps.plantSeconds()) * steps.plantSeconds());
    }
    String model = modelName(scenario);
    return new Built(
        new Episodes(hall, trace, loadStart, weather, duration, options, windowSeconds),
        start,
        model,
        warnings);
  }

  static TransientEngine.Steps steps(TimeSteps steps) {
    double thermal = steps.hasThermalStep() ? seconds(steps.getThermalStep()) : 0.1;
    double loop = steps.hasLoopStep() ? seconds(steps.getLoopStep()) : 1.0;
    double plant = steps.hasPlantStep() ? seconds(steps.getPlantStep()) : 60.0;
    return new TransientEngine.Steps(thermal, loop, plant);
  }

  private static String modelName(TransientScenario scenario) {
    return switch (scenario.getModel().getSourceCase()) {
      case DESIGN_REVISION -> scenario.getModel().getDesignRevision();
      case ALTERNATIVE -> scenario.getModel().getAlternative();
      case TWIN_REVISION -> scenario.getModel().getTwinRevision();
      default -> "reference-hall";
    };
  }

  static double seconds(Duration duration) {
    return duration.getSeconds() + duration.getNanos() / 1e9;
  }
}
