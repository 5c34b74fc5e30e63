package io.factorytwin.simulation.input;

import io.factorytwin.support.data.DataSets;
import io.factorytwin.support.error.InvalidArgumentException;
import io.factorytwin.support.error.NotFoundException;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads the data sets a job names from the configured data folder. A job names a file inside the
 * folder of its kind, such as {@code USA_VA_Leesburg.Exec.epw} for {@code weather/}. The name is
 * resolved through {@link DataSets}, which keeps every read inside {@code FACTORYTWIN_DATA_DIR}.
 */
@ApplicationScoped
public class InputDataSets {

  private final DataSets dataSets;

  public InputDataSets(DataSets dataSets) {
    this.dataSets = dataSets;
  }

  /**
   * Reads a weather file with the default anomaly margins.
   *
   * @param field the request field that named the file, such as {@code
   *     design_evaluation.weather_data_set}
   * @param referenceYear the calendar year on which the typical-year rows are placed
   * @throws InvalidArgumentException if the name is a path or the file is broken
   * @throws NotFoundException if no such weather file exists
   */
  public WeatherYear weather(String field, String name, int referenceYear) {
    Path file = resolve(field, "weather", name);
    return new EpwReader(
            field,
            referenceYear,
            EpwReader.DEFAULT_DEW_POINT_MARGIN_K,
            EpwReader.DEFAULT_DRY_BULB_MARGIN_K)
        .read(file);
  }

  /** Reads a grid-carbon file, with the errors of {@link #weather}. */
  public CarbonSeries carbon(String field, String name) {
    return new CarbonReader(field).read(resolve(field, "carbon-intensity", name));
  }

  /** Reads a workload trace, with the errors of {@link #weather}. */
  public WorkloadTrace workload(String field, String name) {
    return WorkloadTrace.read(resolve(field, "workload", name), field);
  }

  private Path resolve(String field, String folder, String name) {
    if (name == null
        || name.isEmpty()
        || name.startsWith(".")
        || name.contains("/")
        || name.contains("\\")) {
      throw new InvalidArgumentException(
          "PATH_OUTSIDE_DATA_DIR",
          List.of(
              new InvalidArgumentException.FieldViolation(
                  field,
                  "a data set is named by its file name inside "
                      + folder
                      + "/, such as the names ListDataSets returns without the folder; paths"
                      + " are not accepted")));
    }
    return dataSets.resolve(field, folder + "/" + name);
  }
}
