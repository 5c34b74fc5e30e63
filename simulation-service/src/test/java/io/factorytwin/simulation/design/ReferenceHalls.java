package io.factorytwin.simulation.design;

import io.factorytwin.simulation.input.HourlyInputs;
import io.factorytwin.simulation.input.InputDataSets;
import io.factorytwin.simulation.model.FacilityModel;
import io.factorytwin.simulation.model.FacilityModel.Cdu;
import io.factorytwin.simulation.model.FacilityModel.GpuLimits;
import io.factorytwin.simulation.model.FacilityModel.HeatRejectionKind;
import io.factorytwin.simulation.model.FacilityModel.Plant;
import io.factorytwin.simulation.model.FacilityModel.PowerSource;
import io.factorytwin.simulation.model.FacilityModel.Rack;
import io.factorytwin.simulation.model.FacilityModel.Setpoints;
import io.factorytwin.simulation.model.FacilityModel.Site;
import io.factorytwin.support.config.ServiceConfig;
import io.factorytwin.support.data.DataSets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Halls built like examples/reference-hall.yaml without lifecycle-service, for the plain engine
 * tests and the benchmark. The equipment numbers are those of examples/catalog.yaml, where each
 * carries its source.
 */
public final class ReferenceHalls {

  public static final Path DATA =
      Path.of("..", "..", "shared", "data").toAbsolutePath().normalize();

  private ReferenceHalls() {}

  /** Builds rows of 16 GB200 NVL72 racks on 3 CDUs each, with enough 2 MW dry coolers plus one. */
  public static FacilityModel hall(int rows, Site site, PowerSource power) {
    return hallOfRacks(rows * 16, site, power);
  }

  /** Builds a hall of the given number of racks in rows of 16; the last row may be shorter. */
  public static FacilityModel hallOfRacks(int rackCount, Site site, PowerSource power) {
    List<Cdu> cdus = new ArrayList<>();
    List<Rack> racks = new ArrayList<>();
    int rows = (rackCount + 15) / 16;
    for (int row = 1; row <= rows; row++) {
      int first = cdus.size();
      for (int c = 1; c <= 3; c++) {
        // cdu-1350: 1,350 kW, 1.5 L/min per kW, approach 4 K, rise 10 K.
        cdus.add(new Cdu(String.format("row-%02d.cdu-%d", row, c), 1_350_000, 2025, 4, 10));
      }
      int inRow = Math.min(16, rackCount - (row - 1) * 16);
      for (int r = 1; r <= inRow; r++) {
        // gb200-nvl72: rated 132 kW, design 120 kW, 0.9 to liquid, 72 GPUs of 1,200 W.
        racks.add(
            new Rack(
                String.format("row-%02d.rack-%02d", row, r),
                132_000,
                120_000,
                0.9,
                72,
                1200,
                first + (r - 1) % 3,
                GpuLimits.DEFAULT,
                Map.of(ThroughputTable.DEFAULT_WORKLOAD, 865_000.0)));
      }
    }
    // dry-cooler-2000: 2 MW, approach 7.5 K, fans 20 kW; mcquay-pfh-2124; crah-300 with 8 kW fans.
    int dryCoolers = (int) Math.ceil(rackCount * 120_000.0 / 2_000_000.0) + 1;
    Plant plant =
        new Plant(
            HeatRejectionKind.DRY_COOLER,
            dryCoolers,
            2_000_000,
            7.5,
            20_000,
            2,
            2_124_000,
            6.03,
            2 * rows,
            300_000,
            8_000);
    return new FacilityModel(
        "designs/reference-hall/revisions/a", site, power, cdus, racks, plant, Setpoints.DEFAULT);
  }

  public static Site virginia() {
    return new Site(
        "Leesburg, Virginia",
        39.078,
        -77.558,
        119.0,
        Double.NaN,
        "USA_VA_Leesburg.Exec.epw",
        "PJM.csv");
  }

  public static Site texas() {
    return new Site(
        "Dallas-Fort Worth, Texas",
        32.898,
        -97.019,
        170.7,
        Double.NaN,
        "USA_TX_Dallas-Fort.Worth.epw",
        "ERCO.csv");
  }

  public static Site seattle() {
    return new Site(
        "Seattle-Tacoma, Washington",
        47.444,
        -122.314,
        137.0,
        Double.NaN,
        "USA_WA_Seattle-Tacoma.epw",
        "BPAT.csv");
  }

  public static InputDataSets inputDataSets() {
    return new InputDataSets(dataSets(DATA));
  }

  /** Returns the data sets under a folder, as the service reads them. */
  static DataSets dataSets(Path folder) {
    return new DataSets(
        new ServiceConfig() {
          @Override
          public String serviceName() {
            return "simulation";
          }

          @Override
          public Optional<String> dataDir() {
            return Optional.of(folder.toString());
          }
        });
  }

  /** Weather and carbon of the site joined with a workload trace on the UTC hours of 2022. */
  static HourlyInputs inputs(Site site, String workload) {
    InputDataSets data = inputDataSets();
    return HourlyInputs.join(
        data.weather("weather", site.weatherDataSet(), 2022),
        data.carbon("carbon", site.carbonDataSet()),
        data.workload("workload", workload),
        2022);
  }
}
