package io.factorytwin.simulation.physics.thermal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.factorytwin.simulation.physics.Fluid;
import org.junit.jupiter.api.Test;

class FacilityWaterLoopTest {

  @Test
  void settlesAtPlantSupplyPlusRise() {
    FacilityWaterLoop loop = new FacilityWaterLoop(1_000.0, Fluid.WATER, 20.0);
    double plantRate = Fluid.WATER.capacityRate(1_000.0);
    for (int i = 0; i < 3_000; i++) {
      loop.step(1.0, 400_000.0, 20.0, 1_000.0);
    }

    assertThat(loop.temperatureC()).isCloseTo(20.0 + 400_000.0 / plantRate, within(1e-6));
    assertThat(loop.heatToPlantW()).isCloseTo(400_000.0, within(1e-3));
  }

  @Test
  void storedPlusRejectedEqualsHeatIn() {
    FacilityWaterLoop loop = new FacilityWaterLoop(5_000.0, Fluid.WATER, 22.0);
    double before = loop.storedHeatJoules();
    double heatIn = 0.0;
    double rejected = 0.0;
    for (int i = 0; i < 200; i++) {
      double heat = 300_000.0 + 100_000.0 * Math.sin(i * 0.1);
      loop.step(2.0, heat, 20.0 + (i % 3), 900.0);
      heatIn += heat * 2.0;
      rejected += loop.heatToPlantW() * 2.0;
    }

    double stored = loop.storedHeatJoules() - before;
    assertThat(heatIn - rejected - stored).isCloseTo(0.0, within(1e-9 * heatIn));
  }

  @Test
  void withoutPlantFlowWarmsLinearly() {
    FacilityWaterLoop loop = new FacilityWaterLoop(1_000.0, Fluid.WATER, 20.0);

    loop.step(10.0, 100_000.0, 15.0, 0.0);

    assertThat(loop.temperatureC())
        .isCloseTo(20.0 + 100_000.0 * 10.0 / loop.heatCapacityJPerK(), within(1e-12));
    assertThat(loop.heatToPlantW()).isZero();
  }
}
