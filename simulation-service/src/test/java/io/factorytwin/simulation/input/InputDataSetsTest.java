package io.factorytwin.simulation.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.factorytwin.support.config.ServiceConfig;
import io.factorytwin.support.data.DataSets;
import io.factorytwin.support.error.InvalidArgumentException;
import io.factorytwin.support.error.NotFoundException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class InputDataSetsTest {

  private final InputDataSets inputs =
      new InputDataSets(
          new DataSets(
              new ServiceConfig() {
                @Override
                public String serviceName() {
                  return "simulation";
                }

                @Override
                public Optional<String> dataDir() {
                  return Optional.of(InputFixtures.DATA.toString());
                }
              }));

  @Test
  void names_resolveInTheirKindFolder() {
    WeatherYear weather = inputs.weather("weather", "USA_WA_Seattle-Tacoma.epw", 2022);
    CarbonSeries carbon = inputs.carbon("carbon", "BPAT.csv");
    WorkloadTrace workload = inputs.workload("workload", "Alibaba_CPU_Data_Hourly_2.csv");

    assertThat(weather.timeZoneHours()).isEqualTo(-8.0);
    assertThat(carbon.fileName()).isEqualTo("BPAT.csv");
    assertThat(workload.sourceHours()).isGreaterThan(8760);
  }

  @Test
  void pathNames_areRejected() {
    for (String name : new String[] {"../weather/USA_WA_Seattle-Tacoma.epw", "a/b.csv", ".x"}) {
      Throwable thrown = catchThrowable(() -> inputs.carbon("carbon_data_set", name));

      assertThat(thrown).isInstanceOf(InvalidArgumentException.class);
      InvalidArgumentException failure = (InvalidArgumentException) thrown;
      assertThat(failure.reason()).isEqualTo("PATH_OUTSIDE_DATA_DIR");
      assertThat(failure.violations().getFirst().field()).isEqualTo("carbon_data_set");
    }
  }

  @Test
  void fileOfAnotherKind_isNotFound() {
    Throwable thrown = catchThrowable(() -> inputs.carbon("carbon", "USA_WA_Seattle-Tacoma.epw"));

    assertThat(thrown).isInstanceOf(NotFoundException.class);
  }
}
