package io.factorytwin.simulation.physics;

/**
 * A heat-transfer liquid with constant properties over the operating range of a cooling loop.
 *
 * @param name short label used in reports and error messages
 * @param densityKgPerM3 density in kg/m³
 * @param specificHeatJPerKgK isobaric specific heat in J/(kg·K)
 */
public record Fluid(String name, double densityKgPerM3, double specificHeatJPerKgK) {

  /**
   * Water near 25 °C. The density (997 kg/m³) and heat capacity (4,180 J/(kg·K)) are the values of
   * the rack energy-balance validation case in REFERENCE.md; steam tables give 997.0 kg/m³ and
   * 4,181 J/(kg·K) at 25 °C.
   */
  public static final Fluid WATER = new Fluid("water", 997.0, 4180.0);

  /**
   * Propylene glycol 25 % by volume near 30 °C, common in secondary loops that may freeze. Values
   * from ASHRAE Handbook Fundamentals (2021), chapter 31, table for propylene glycol solutions,
   * read at 25 % and 30 °C: about 1,020 kg/m³ and 3,900 J/(kg·K).
   */
  public static final Fluid PROPYLENE_GLYCOL_25 = new Fluid("PG25", 1020.0, 3900.0);

  public Fluid {
    if (!(densityKgPerM3 > 0) || !(specificHeatJPerKgK > 0)) {
      throw new IllegalArgumentException(
          "fluid " + name + ": density and specific heat must be positive");
    }
  }

  /**
   * Returns the heat capacity rate in W/K of a volumetric flow.
   *
   * @param flowLitersPerMinute volumetric flow in L/min
   */
  public double capacityRate(double flowLitersPerMinute) {
    return flowLitersPerMinute / 60_000.0 * densityKgPerM3 * specificHeatJPerKgK;
  }

  /** Returns the mass flow in kg/s of a volumetric flow in L/min. */
  public double massFlow(double flowLitersPerMinute) {
    return flowLitersPerMinute / 60_000.0 * densityKgPerM3;
  }
}
