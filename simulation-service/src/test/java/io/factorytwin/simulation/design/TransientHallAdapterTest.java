package io.factorytwin.simulation.design;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.factorytwin.simulation.input.TransientLoadGenerator;
import io.factorytwin.simulation.input.WorkloadTrace;
import io.factorytwin.simulation.model.FacilityModel;
import io.factorytwin.simulation.model.FacilityModel.PowerSource;
import io.factorytwin.simulation.transients.BaselinePolicy;
import io.factorytwin.simulation.transients.FacilityHalls;
import io.factorytwin.simulation.transients.Hall;
import io.factorytwin.simulation.transients.TransientEngine;
import io.factorytwin.simulation.transients.TransientRun;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The transient engine on a facility model as the design loader builds it. */
class TransientHallAdapterTest {

  @Test
  void referenceRow_runsBalancedUnderItsSetpoints() {
    FacilityModel model =
        ReferenceHalls.hall(1, ReferenceHalls.seattle(), new PowerSource("BPAT", 0));
    Hall hall = FacilityHalls.toHall(model);

    assertThat(hall.rackCount()).isEqualTo(16);
    assertThat(hall.groups()).hasSize(3);
    assertThat(hall.coolingTower()).isFalse();
    assertThat(hall.tcsSupplySetpointC()).isEqualTo(model.setpoints().tcsSupplyC());
    assertThat(hall.rack().ratedPowerWatts()).isEqualTo(132_000);
    assertThat(hall.groups().getFirst().rackNames()).contains("row-01.rack-01", "row-01.rack-04");

    TransientLoadGenerator load =
        new TransientLoadGenerator(
            WorkloadTrace.of("trace", 0.9), 16, 2, 1, TransientLoadGenerator.Shape.defaults());
    TransientRun run =
        new TransientEngine(
                hall,
                load,
                0,
                TransientEngine.Weather.constant(15, 8, 101_325),
                BaselinePolicy.fixedSpeed(null, 1.0),
                600,
                TransientEngine.Options.defaults(600))
            .run(null);
    assertThat(run.energyBalanceError()).isLessThan(TransientEngine.BALANCE_TOLERANCE);
    assertThat(run.maxGpuTemperatureC()).isBetween(40.0, 87.0);
    assertThat(run.series("tcs_supply_temperature_c").values()[599])
        .isCloseTo(model.setpoints().tcsSupplyC(), org.assertj.core.api.Assertions.within(0.5));
  }

  @Test
  void rackOnNoCdu_isRejectedByName() {
    FacilityModel model =
        ReferenceHalls.hall(1, ReferenceHalls.seattle(), new PowerSource("BPAT", 0));
    List<FacilityModel.Rack> racks = new ArrayList<>(model.racks());
    FacilityModel.Rack first = racks.getFirst();
    racks.set(
        0,
        new FacilityModel.Rack(
            first.id(),
            first.ratedPowerW(),
            first.designPowerW(),
            first.heatToLiquidFraction(),
            first.gpuCount(),
            first.gpuTdpW(),
            FacilityModel.NO_CDU,
            first.gpuLimits(),
            first.throughputTokensPerSecond()));
    FacilityModel broken =
        new FacilityModel(
            model.name(),
            model.site(),
            model.powerSource(),
            model.cdus(),
            racks,
            model.plant(),
            model.setpoints());

    assertThatThrownBy(() -> FacilityHalls.toHall(broken))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("row-01.rack-01");
  }
}
