package io.factorytwin.twin.graph;

import io.factorytwin.common.v1.EquipmentSpec;
import io.factorytwin.twin.v1.Insight;
import java.util.List;

/**
 * The limit rules a twin evaluates on its telemetry, each bound to one point type. A rule's limit
 * comes from the node's spec where the spec has one, else from the default beside the rule.
 */
public final class InsightRules {

  /**
   * One limit rule.
   *
   * @param id the rule id, as Insight.rule
   * @param suffix the point suffix it watches
   * @param above true for ABOVE_LIMIT, false for BELOW_LIMIT
   * @param severity severity of the insights it raises
   * @param hysteresis how far back past the limit the value must go to resolve, in the unit
   * @param durationMs how long the condition must hold on the facility clock before it opens
   * @param condition words for the summary, such as "supply temperature too high"
   */
  public record Rule(
      String id,
      String suffix,
      boolean above,
      Insight.Severity severity,
      double hysteresis,
      long durationMs,
      String condition,
      java.util.function.Function<EquipmentSpec, Double> limit) {

    public Insight.RuleKind kind() {
      if (id.endsWith("-rising")) {
        return Insight.RuleKind.RULE_KIND_RATE_OF_CHANGE;
      }
      if (id.startsWith("pue-")) {
        return Insight.RuleKind.RULE_KIND_KPI_DEVIATION;
      }
      if (suffix.isEmpty()) {
        return Insight.RuleKind.RULE_KIND_SETPOINT_DEVIATION;
      }
      return above
          ? Insight.RuleKind.RULE_KIND_ABOVE_LIMIT
          : Insight.RuleKind.RULE_KIND_BELOW_LIMIT;
    }

    /** For a setpoint-deviation rule: the band in the point's unit. */
    public double band() {
      return limit.apply(EquipmentSpec.getDefaultInstance());
    }
  }

  /**
   * Defaults: 45 °C is the top of ASHRAE liquid-cooling class W45 for facility water (ASHRAE TC
   * 9.9, Liquid Cooling Guidelines, 2021), used for TCS supply where the CDU spec gives no maximum;
   * 87 °C is a GPU slowdown temperature typical of current NVIDIA data-center GPUs where the rack
   * spec gives none (nvidia-smi reports the actual "GPU Slowdown Temp" per board).
   */
  private static final List<Rule> RULES =
      List.of(
          new Rule(
              "tcs-supply-temperature-high",
              "liquid-temperature.secondary-supply",
              true,
              Insight.Severity.SEVERITY_WARNING,
              1.0,
              60_000,
              "secondary supply temperature too high",
              spec -> spec.hasSupplyTemperatureMaxC() ? spec.getSupplyTemperatureMaxC() : 45.0),
          new Rule(
              "rack-inlet-temperature-high",
              "rack-liquid-supply-temperature",
              true,
              Insight.Severity.SEVERITY_WARNING,
              1.0,
              60_000,
              "liquid inlet temperature too high",
              spec -> 45.0),
          new Rule(
              "gpu-temperature-high",
              "gpu-temperature",
              true,
              Insight.Severity.SEVERITY_CRITICAL,
              2.0,
              10_000,
              "GPU temperature at the slowdown limit",
              spec ->
                  spec.hasRack() && spec.getRack().hasGpuSlowdownTemperatureC()
                      ? spec.getRack().getGpuSlowdownTemperatureC()
                      : 87.0),
          new Rule(
              "rack-power-over-rating",
              "rack-power",
              true,
              Insight.Severity.SEVERITY_WARNING,
              2.0,
              30_000,
              "power above its rating",
              spec -> spec.hasRatedPowerKw() ? spec.getRatedPowerKw() : Double.NaN),
          // Setpoint deviation: a reported value more than a band away from its setpoint for five
          // minutes, for example a CDU that cannot reach its supply temperature setpoint. The
          // bands (2 K, 10 % of speed) are this product's defaults, not from a standard. The
          // suffix is empty: the rule applies to every sensor with a paired setpoint of the unit.
          new Rule(
              "temperature-off-setpoint",
              "",
              true,
              Insight.Severity.SEVERITY_WARNING,
              0.5,
              300_000,
              "temperature away from its setpoint",
              spec -> 2.0),
          // Rate of change: the TCS supply temperature rising more than 2 K per minute, measured
          // over at least one minute of facility time, warns of a cooling loss before the
          // absolute limit is reached. The 2 K/min is this product's default.
          new Rule(
              "tcs-supply-temperature-rising",
              "liquid-temperature.secondary-supply",
              true,
              Insight.Severity.SEVERITY_WARNING,
              0.5,
              0,
              "secondary supply temperature rising fast",
              spec -> 2.0),
          // KPI: PUE more than 0.1 above the expected value for ten minutes. The expected value
          // is configuration (twin.insights.expected-pue); the band is this product's default.
          new Rule(
              "pue-above-expected",
              "pue",
              true,
              Insight.Severity.SEVERITY_WARNING,
              0.02,
              600_000,
              "PUE above its expected value",
              spec -> 0.1),
          new Rule(
              "speed-off-setpoint",
              "",
              true,
              Insight.Severity.SEVERITY_INFO,
              2.0,
              300_000,
              "speed away from its setpoint",
              spec -> 10.0));

  /** The rule with an id, or -1. */
  public static int ruleId(String id) {
    for (int i = 0; i < RULES.size(); i++) {
      if (RULES.get(i).id().equals(id)) {
        return i;
      }
    }
    return -1;
  }

  /** The setpoint-deviation rule for a unit, or -1. */
  public static int deviationRuleFor(String unit) {
    String id =
        switch (unit) {
          case "C" -> "temperature-off-setpoint";
          case "%" -> "speed-off-setpoint";
          default -> null;
        };
    for (int i = 0; id != null && i < RULES.size(); i++) {
      if (RULES.get(i).id().equals(id)) {
        return i;
      }
    }
    return -1;
  }

  private InsightRules() {}

  public static List<Rule> rules() {
    return RULES;
  }

  /** The rule number watching a point suffix, or -1. */
  public static int ruleFor(String suffix) {
    for (int i = 0; i < RULES.size(); i++) {
      Rule rule = RULES.get(i);
      if (!suffix.isEmpty()
          && rule.suffix().equals(suffix)
          && (rule.kind() == Insight.RuleKind.RULE_KIND_ABOVE_LIMIT
              || rule.kind() == Insight.RuleKind.RULE_KIND_BELOW_LIMIT)) {
        return i;
      }
    }
    return -1;
  }
}
