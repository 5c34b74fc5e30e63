package io.factorytwin.dsx;

import java.util.Map;
import java.util.function.DoubleUnaryOperator;

/**
 * Converts a DSX engineering unit into the unit of the twin point it feeds. Only conversions that
 * need no equipment data are here: a DSX PumpSpeed in RPM cannot become the twin's percent of
 * design speed without the pump's rated speed, so it counts as a unit mismatch.
 */
final class Units {

  /** Exact by definition: 1 US gallon = 231 in³ = 3.785411784 L (NIST Handbook 44, Appendix C). */
  private static final double LITRES_PER_US_GALLON = 3.785411784;

  /** 1 psi = 6.894757 kPa (NIST SP 811, 2008, Appendix B.8). */
  private static final double KPA_PER_PSI = 6.894757;

  private static final Map<String, String> SPELLINGS =
      Map.ofEntries(
          Map.entry("°C", "C"),
          Map.entry("degC", "C"),
          Map.entry("°F", "F"),
          Map.entry("degF", "F"),
          Map.entry("l/min", "LPM"),
          Map.entry("L/min", "LPM"),
          Map.entry("gpm", "GPM"),
          Map.entry("m3/h", "m³/h"),
          Map.entry("RH", "%RH"),
          Map.entry("% RH", "%RH"));

  private static final Map<String, DoubleUnaryOperator> CONVERSIONS =
      Map.ofEntries(
          Map.entry("F>C", f -> (f - 32) * 5 / 9),
          Map.entry("W>kW", w -> w / 1000),
          Map.entry("MW>kW", mw -> mw * 1000),
          Map.entry("GPM>LPM", gpm -> gpm * LITRES_PER_US_GALLON),
          Map.entry("m³/h>LPM", m3h -> m3h * 1000 / 60),
          Map.entry("Pa>kPa", pa -> pa / 1000),
          Map.entry("kPa>Pa", kpa -> kpa * 1000),
          Map.entry("bar>kPa", bar -> bar * 100),
          Map.entry("psi>kPa", psi -> psi * KPA_PER_PSI));

  private Units() {}

  static String normalize(String unit) {
    String trimmed = unit.trim();
    return SPELLINGS.getOrDefault(trimmed, trimmed);
  }

  /**
   * The conversion from a DSX unit to a twin unit, or null when there is none. An empty DSX unit is
   * taken as the twin's own: the schema fixes the unit of many point types.
   */
  static DoubleUnaryOperator conversion(String dsxUnit, String twinUnit) {
    String from = normalize(dsxUnit);
    String to = normalize(twinUnit);
    if (from.isEmpty() || from.equals(to)) {
      return DoubleUnaryOperator.identity();
    }
    return CONVERSIONS.get(from + ">" + to);
  }
}
