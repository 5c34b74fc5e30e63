package io.factorytwin.simulation.design;

import static org.assertj.core.api.Assertions.assertThat;

import io.factorytwin.simulation.input.HourlyInputs;
import io.factorytwin.simulation.model.FacilityModel;
import io.factorytwin.simulation.model.FacilityModel.PowerSource;
import io.factorytwin.simulation.physics.Fluid;
import io.factorytwin.simulation.v1.AnnualKpis;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A year of the reference hall on the real weather, carbon and workload files. */
class DesignEvaluationTest {

  private static final String WORKLOAD = "Alibaba_CPU_Data_Hourly_1.csv";

  @Test
  void virginiaYear_kpisPlausibleAndBalanced() {
    FacilityModel hall =
        ReferenceHalls.hall(8, ReferenceHalls.virginia(), new PowerSource("PJM", 0));
    HourlyInputs inputs = ReferenceHalls.inputs(hall.site(), WORKLOAD);
    List<Integer> months = new ArrayList<>();

    DesignEvaluation.Result result =
        new DesignEvaluation(hall, DesignEvaluation.Options.DEFAULT).run(inputs, -5, months::add);
    AnnualKpis kpis = result.kpis();
    System.out.println("Virginia KPIs:\n" + kpis);

    assertThat(result.balanced()).as(result.balanceFailure()).isTrue();
    assertThat(kpis.getEnergyBalanceErrorFraction()).isLessThan(1e-3);
    assertThat(kpis.getPue()).isBetween(1.05, 1.4);
    assertThat(kpis.getMonthlyPueCount()).isEqualTo(12);
    assertThat(kpis.getItEnergyKwh()).isPositive();
    assertThat(kpis.getFacilityEnergyKwh()).isGreaterThan(kpis.getItEnergyKwh());
    assertThat(kpis.getCueKgPerKwh()).isPositive();
    assertThat(kpis.getTokens()).isPositive();
    assertThat(kpis.getFreeCoolingHours()).isBetween(1.0, 8760.0);
    assertThat(months).hasSize(12);
    assertThat(months.getLast()).isEqualTo(8760);
    assertThat(result.series()).hasSize(7);
    assertThat(result.series().getFirst().getValuesCount()).isEqualTo(365);
    // Daily tokens per joule, weighted by each day's facility energy, add up to the annual value.
    List<Double> daily = seriesValues(result, "tokens_per_watt");
    List<Double> facility = seriesValues(result, "facility_power_kw");
    double tokens = 0;
    double energy = 0;
    for (int d = 0; d < daily.size(); d++) {
      tokens += daily.get(d) * facility.get(d);
      energy += facility.get(d);
    }
    assertThat(tokens / energy)
        .isCloseTo(kpis.getTokensPerWatt(), org.assertj.core.data.Percentage.withPercentage(1e-6));
  }

  private static List<Double> seriesValues(DesignEvaluation.Result result, String name) {
    return result.series().stream()
        .filter(s -> s.getName().equals(name))
        .findFirst()
        .orElseThrow()
        .getValuesList();
  }

  @Test
  void solarArray_cutsGridEnergyNotFacilityEnergy() {
    FacilityModel gridOnly =
        ReferenceHalls.hall(8, ReferenceHalls.texas(), new PowerSource("ERCO", 0));
    FacilityModel withSolar =
        ReferenceHalls.hall(8, ReferenceHalls.texas(), new PowerSource("ERCO", 10_000_000));
    HourlyInputs inputs = ReferenceHalls.inputs(gridOnly.site(), WORKLOAD);

    AnnualKpis without =
        new DesignEvaluation(gridOnly, DesignEvaluation.Options.DEFAULT)
            .run(inputs, -6, null)
            .kpis();
    AnnualKpis with =
        new DesignEvaluation(withSolar, DesignEvaluation.Options.DEFAULT)
            .run(inputs, -6, null)
            .kpis();

    assertThat(with.getFacilityEnergyKwh()).isEqualTo(without.getFacilityEnergyKwh());
    assertThat(with.getOnsiteGenerationKwh()).isPositive();
    assertThat(without.getOnsiteGenerationKwh()).isZero();
    assertThat(with.getGridEnergyKwh())
        .isCloseTo(
            without.getGridEnergyKwh() - with.getOnsiteGenerationKwh(),
            org.assertj.core.data.Offset.offset(1.0));
    assertThat(with.getCueKgPerKwh()).isLessThan(without.getCueKgPerKwh());
    // 10 MW at 0.85 system efficiency on Dallas irradiance gave 15.0 GWh, a capacity factor of
    // 17 %; the band allows other weather files.
    double capacityFactor = with.getOnsiteGenerationKwh() / (10_000 * 8760.0);
    assertThat(capacityFactor).isBetween(0.10, 0.30);
  }

  @Test
  void wrongHeatCapacityInOneUnit_failsBalance() {
    FacilityModel hall =
        ReferenceHalls.hall(8, ReferenceHalls.virginia(), new PowerSource("PJM", 0));
    HourlyInputs inputs = ReferenceHalls.inputs(hall.site(), WORKLOAD);
    List<Fluid> fluids =
        new ArrayList<>(Collections.nCopies(hall.plant().heatRejectionUnits(), Fluid.WATER));
    // Glycol's heat capacity configured on the fourth unit, whose loop is water.
    fluids.set(3, Fluid.PROPYLENE_GLYCOL_25);

    DesignEvaluation.Result result =
        new DesignEvaluation(
                hall, new DesignEvaluation.Options(ThroughputTable.DEFAULT_WORKLOAD, fluids))
            .run(inputs, -5, null);

    assertThat(result.balanced()).isFalse();
    assertThat(result.kpis().getEnergyBalanceErrorFraction()).isGreaterThan(1e-3);
    assertThat(result.balanceFailure()).contains("energy balance").contains("heat-rejection unit");
  }
}
