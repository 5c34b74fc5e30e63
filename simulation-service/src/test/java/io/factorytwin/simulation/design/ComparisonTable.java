package io.factorytwin.simulation.design;

import io.factorytwin.simulation.v1.AnnualKpis;
import io.factorytwin.simulation.v1.ComparisonResult;
import io.factorytwin.simulation.v1.DesignEvaluationResult;

/** Prints a comparison as the Markdown table of the README. */
final class ComparisonTable {

  private ComparisonTable() {}

  static String markdown(ComparisonResult comparison) {
    StringBuilder out = new StringBuilder();
    out.append(
        "| alternative | PUE | PUE Jan / Jul | IT energy (GWh) | facility energy (GWh) | solar (GWh)"
            + " | WUE (L/kWh) | CUE (kg/kWh) | free-cooling h | GPU over-limit h | peak facility"
            + " (MW) | tokens per J |\n");
    out.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (DesignEvaluationResult row : comparison.getRowsList()) {
      AnnualKpis k = row.getKpis();
      String model = row.getModel();
      out.append(
          String.format(
              "| %s | %.3f | %.3f / %.3f | %.1f | %.1f | %.2f | %.3f | %.3f | %.0f | %.0f | %.2f |"
                  + " %.3f |%n",
              model.substring(model.lastIndexOf('/') + 1),
              k.getPue(),
              k.getMonthlyPue(0),
              k.getMonthlyPue(6),
              k.getItEnergyKwh() / 1e6,
              k.getFacilityEnergyKwh() / 1e6,
              k.getOnsiteGenerationKwh() / 1e6,
              k.getWueLPerKwh(),
              k.getCueKgPerKwh(),
              k.getFreeCoolingHours(),
              k.getGpuOverLimitHours(),
              k.getPeakFacilityPowerKw() / 1e3,
              k.getTokensPerWatt()));
    }
    out.append("\nBest per KPI: ");
    comparison
        .getBestList()
        .forEach(
            best ->
                out.append(best.getKpi())
                    .append(" ")
                    .append(best.getModel().substring(best.getModel().lastIndexOf('/') + 1))
                    .append("; "));
    return out.toString();
  }
}
