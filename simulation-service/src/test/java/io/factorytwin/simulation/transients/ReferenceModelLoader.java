package io.factorytwin.simulation.transients;

import io.factorytwin.simulation.model.FacilityModel;
import io.factorytwin.simulation.model.ModelLoader;
import io.factorytwin.simulation.v1.ModelSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Test double of {@link ModelLoader} for the TRANSIENT job tests: every source loads a hall of
 * 1,000 GB200 NVL72 racks, ten on each 1.35 MW CDU, without lifecycle-service or twin-service. A
 * test profile enables it.
 */
@Alternative
@ApplicationScoped
public class ReferenceModelLoader extends ModelLoader {

  static final int RACKS = 1000;

  public ReferenceModelLoader() {
    super(null, null);
  }

  @Override
  public FacilityModel load(String field, ModelSource source) {
    return hall(source.getTwinRevision().isEmpty() ? "reference" : source.getTwinRevision());
  }

  static FacilityModel hall(String name) {
    List<FacilityModel.Cdu> cdus = new ArrayList<>();
    List<FacilityModel.Rack> racks = new ArrayList<>();
    for (int c = 0; c < RACKS / 10; c++) {
      // 1,350 kW, 1.5 L/min per kW of ten 120 kW racks, approach 4 K, rise 10 K.
      cdus.add(new FacilityModel.Cdu("cdu-" + (c + 1), 1_350_000, 1800, 4, 10));
    }
    for (int r = 0; r < RACKS; r++) {
      // GB200 NVL72: 120 kW, 0.9 to liquid, 72 GPUs of 1,200 W, 865,000 tokens/s.
      racks.add(
          new FacilityModel.Rack(
              "rack-" + (r + 1),
              120_000,
              120_000,
              0.9,
              72,
              1200,
              r / 10,
              FacilityModel.GpuLimits.DEFAULT,
              Map.of("llama-2-70b", 865_000.0)));
    }
    FacilityModel.Plant plant =
        new FacilityModel.Plant(
            FacilityModel.HeatRejectionKind.COOLING_TOWER,
            70,
            2_000_000,
            3,
            26_000,
            60,
            2_124_000,
            6.03,
            40,
            300_000,
            8_000);
    return new FacilityModel(
        name,
        new FacilityModel.Site("test site", 39.0, -77.5, 100, -5, "", ""),
        new FacilityModel.PowerSource("PJM", 0),
        cdus,
        racks,
        plant,
        FacilityModel.Setpoints.DEFAULT);
  }
}
