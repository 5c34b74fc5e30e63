package io.factorytwin.simulation.input;

/**
 * The ASHRAE climatic design values that an EPW file carries in its DESIGN CONDITIONS line, all in
 * °C. Annual percentiles follow the ASHRAE Handbook Fundamentals, chapter 14: a 0.4 % cooling value
 * is exceeded about 35 hours a year, a 99.6 % heating value is undercut about 35 hours a year.
 *
 * @param heatingDryBulb996C heating design dry bulb, 99.6 % annual percentile
 * @param heatingDryBulb990C heating design dry bulb, 99.0 % annual percentile
 * @param coolingDryBulb004C cooling design dry bulb, 0.4 % annual percentile
 * @param coolingDewPoint004C dehumidification design dew point, 0.4 % annual percentile: the
 *     highest dew-point design value of the site
 * @param extremeMeanMinDryBulbC mean of the annual extreme minimum dry bulb
 * @param extremeMeanMaxDryBulbC mean of the annual extreme maximum dry bulb
 * @param extreme50YearMinDryBulbC minimum dry bulb with a 50-year return period
 * @param extreme50YearMaxDryBulbC maximum dry bulb with a 50-year return period
 */
public record DesignConditions(
    double heatingDryBulb996C,
    double heatingDryBulb990C,
    double coolingDryBulb004C,
    double coolingDewPoint004C,
    double extremeMeanMinDryBulbC,
    double extremeMeanMaxDryBulbC,
    double extreme50YearMinDryBulbC,
    double extreme50YearMaxDryBulbC) {}
