package io.factorytwin.simulation.design;

import io.factorytwin.simulation.input.CarbonSeries;
import io.factorytwin.simulation.input.HourlyInputs;
import io.factorytwin.simulation.input.InputDataSets;
import io.factorytwin.simulation.input.WeatherYear;
import io.factorytwin.simulation.input.WorkloadTrace;
import io.factorytwin.simulation.jobs.JobOutcome;
import io.factorytwin.simulation.model.FacilityModel;
import io.factorytwin.simulation.model.ModelLoader;
import io.factorytwin.simulation.v1.DesignEvaluationSpec;
import io.factorytwin.support.data.DataSets;
import io.factorytwin.support.error.DomainException;
import io.factorytwin.support.error.FailedPreconditionException;
import io.factorytwin.support.error.InvalidArgumentException;
import io.factorytwin.support.error.UnavailableException;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * The steps that DESIGN_EVALUATION and COMPARISON jobs share for one {@link DesignEvaluationSpec}:
 * checking the model and data sets at submission, reading them when the job runs, and the
 * evaluation.
 */
@ApplicationScoped
public class DesignEvaluations {

  private final ModelLoader loader;
  private final InputDataSets inputs;
  private final DataSets dataSets;

  public DesignEvaluations(ModelLoader loader, InputDataSets inputs, DataSets dataSets) {
    this.loader = loader;
    this.inputs = inputs;
    this.dataSets = dataSets;
  }

  /** A spec read for a run: the model with the spec's solar override, and the joined inputs. */
  public record Prepared(
      FacilityModel model, HourlyInputs inputs, double utcOffsetHours, List<String> warnings) {}

  /**
   * Checks at SubmitJob that the model can be built and the data sets exist, without reading them.
   *
   * @param path the spec's field path, such as {@code job.design_evaluation}
   */
  public void preflight(String path, DesignEvaluationSpec spec) {
    FacilityModel model = loader.load(path + ".model", spec.getModel());
    dataSets.resolve(path + ".weather_data_set", "weather/" + weatherName(path, spec, model));
    dataSets.resolve(
        path + ".carbon_data_set", "carbon-intensity/" + carbonName(path, spec, model));
    dataSets.resolve(path + ".workload_data_set", "workload/" + spec.getWorkloadDataSet());
  }

  /** Loads the model and reads and joins the data sets. */
  public Prepared prepare(String path, DesignEvaluationSpec spec) {
    FacilityModel model = loader.load(path + ".model", spec.getModel());
    if (spec.hasSolarCapacityKw()) {
      model =
          model.withSite(
              model.name(),
              model.site(),
              new FacilityModel.PowerSource(
                  model.powerSource().gridRegion(),
                  spec.getSolarCapacityKw() * 1000.0,
                  model.powerSource().solarSystemEfficiency()));
    }
    String carbonField = path + ".carbon_data_set";
    CarbonSeries carbon = inputs.carbon(carbonField, carbonName(path, spec, model));
    int year =
        spec.getYear() != 0
            ? spec.getYear()
            : carbon.firstHour().atOffset(ZoneOffset.UTC).getYear();
    WeatherYear weather =
        inputs.weather(path + ".weather_data_set", weatherName(path, spec, model), year);
    WorkloadTrace workload =
        inputs.workload(path + ".workload_data_set", spec.getWorkloadDataSet());
    HourlyInputs joined = HourlyInputs.join(weather, carbon, workload, year, carbonField);
    List<String> warnings = new ArrayList<>();
    if (!carbon.gapHours().isEmpty()) {
      warnings.add(
          carbon.fileName()
              + ": "
              + carbon.gapHours().size()
              + " empty hours filled by linear interpolation");
    }
    if (!weather.anomalies().isEmpty()) {
      warnings.add(
          weather.fileName()
              + ": "
              + weather.anomalies().size()
              + " implausible values replaced by interpolation");
    }
    if (!workload.clamped().isEmpty()) {
      warnings.add(
          workload.fileName() + ": " + workload.clamped().size() + " values clamped to 0..1");
    }
    double offset =
        Double.isNaN(model.site().utcOffsetHours())
            ? weather.timeZoneHours()
            : model.site().utcOffsetHours();
    return new Prepared(model, joined, offset, warnings);
  }

  /** Evaluates a prepared spec. */
  public DesignEvaluation.Result evaluate(
      Prepared prepared, DesignEvaluation.Options options, IntConsumer monthDone) {
    return new DesignEvaluation(prepared.model(), options)
        .run(prepared.inputs(), prepared.utcOffsetHours(), monthDone);
  }

  /**
   * Turns a domain failure into a job failure, naming the field, rack or resource as subject. An
   * unreachable dependency is thrown again, so the attempt counts as failed and the job runs again.
   */
  public static JobOutcome failure(String job, DomainException e) {
    if (e instanceof UnavailableException) {
      throw e;
    }
    String subject = "";
    if (e instanceof FailedPreconditionException precondition
        && !precondition.violations().isEmpty()) {
      subject = precondition.violations().getFirst().subject();
    } else if (e instanceof InvalidArgumentException invalid && !invalid.violations().isEmpty()) {
      subject = invalid.violations().getFirst().field();
    } else if (e.metadata().containsKey("resource")) {
      subject = e.metadata().get("resource");
    }
    Log.warnf("job %s failed: %s %s (%s)", job, e.reason(), e.getMessage(), subject);
    return JobOutcome.failed(e.reason(), e.getMessage(), subject);
  }

  private static String weatherName(String path, DesignEvaluationSpec spec, FacilityModel model) {
    String name =
        spec.getWeatherDataSet().isEmpty()
            ? model.site().weatherDataSet()
            : spec.getWeatherDataSet();
    if (name.isEmpty()) {
      throw new InvalidArgumentException(
          path + ".weather_data_set",
          "required: the model's site names no weather data set, so the spec must");
    }
    return name;
  }

  private static String carbonName(String path, DesignEvaluationSpec spec, FacilityModel model) {
    String name =
        spec.getCarbonDataSet().isEmpty() ? model.site().carbonDataSet() : spec.getCarbonDataSet();
    if (name.isEmpty()) {
      throw new InvalidArgumentException(
          path + ".carbon_data_set",
          "required: the model's site has no grid region, so the spec must name a carbon data set");
    }
    return name;
  }
}
