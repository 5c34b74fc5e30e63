package io.factorytwin.cli;

import io.factorytwin.common.v1.EquipmentClass;
import io.factorytwin.common.v1.EquipmentSpec;
import io.factorytwin.common.v1.RackSpec;
import io.factorytwin.control.v1.ChillerCurveInterlock;
import io.factorytwin.control.v1.DewPointInterlock;
import io.factorytwin.control.v1.Guardrail;
import io.factorytwin.control.v1.Interlock;
import io.factorytwin.control.v1.MinimumFlowInterlock;
import io.factorytwin.twin.v1.Node;
import io.factorytwin.twin.v1.Point;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Derives guardrails for the setpoints of a twin from the specs of the parts its nodes were placed
 * from, and from the ASHRAE classes. Each guardrail's description names the spec field or class
 * behind each limit. A limit that no spec gives is never guessed: the point type is reported as
 * skipped with the field to fill in.
 *
 * <p>Setpoints of one type that all come from one part revision share one guardrail with a wildcard
 * pattern. When parts of several revisions have the type, each setpoint gets its own guardrail from
 * its own part's spec, so a CDU pump is not held to a facility pump's minimum flow.
 */
final class GuardrailDefaults {

  /**
   * Margin of the TCS supply above the hall's dew point in K: CDU vendor literature keeps the
   * supply 2 to 3 K above it (secondary sources).
   */
  static final double DEW_POINT_MARGIN_K = 2.0;

  /**
   * CRAH supply air range in °C: the 18 to 27 °C envelope that ASHRAE TC 9.9 recommends for every
   * air-cooled class A1 to A4. Source: Thermal Guidelines for Data Processing Environments, as the
   * open-exam-prep.com CDCP study guide (section 5.1) summarizes it.
   */
  static final double AIR_SUPPLY_MIN_C = 18;

  static final double AIR_SUPPLY_MAX_C = 27;

  /** Rate limits of the derived guardrails: an operating choice, since no spec gives one. */
  record Options(String waterClass, double temperatureRatePerMinute, double speedRatePerMinute) {}

  /** One derived guardrail, with the id it is created under. */
  record Derived(String guardrailId, Guardrail guardrail) {}

  /** The derived guardrails, and a reason for each point type or point that got none. */
  record Result(List<Derived> guardrails, List<String> skipped) {}

  /** A guardrail's limits for the setpoints of one part revision, or why there are none. */
  private record Limits(
      double min, double max, List<Interlock> interlocks, String basis, String problem) {

    static Limits missing(String problem) {
      return new Limits(0, 0, List.of(), "", problem);
    }
  }

  private GuardrailDefaults() {}

  /**
   * Returns the facility water supply limit in °C of an ASHRAE liquid-cooling class (TC 9.9, 2021),
   * which names each class by its highest facility water supply temperature: W17, W27, W32, W40 and
   * W45. W+ (above 45 °C) has no upper limit, so it cannot bound a setpoint.
   */
  static double waterClassLimitC(String waterClass) {
    return switch (waterClass.toUpperCase(Locale.ROOT)) {
      case "W17" -> 17;
      case "W27" -> 27;
      case "W32" -> 32;
      case "W40" -> 40;
      case "W45" -> 45;
      default ->
          throw new IllegalArgumentException(
              "unknown water class "
                  + waterClass
                  + "; use W17, W27, W32, W40 or W45 (W+ has no upper limit)");
    };
  }

  /**
   * Derives the guardrails of a twin.
   *
   * @param twin the twin's name, {@code twins/{twin}}
   * @param setpoints the twin's setpoint points
   * @param nodes the twin's nodes by name, with their part revisions and specs
   */
  static Result derive(
      String twin, List<Point> setpoints, Map<String, Node> nodes, Options options) {
    double waterLimit = waterClassLimitC(options.waterClass());
    List<Node> racks =
        nodes.values().stream()
            .filter(node -> node.getEquipmentClass() == EquipmentClass.EQUIPMENT_CLASS_RACK_SYSTEM)
            .toList();
    // Setpoints by type, then by the part revision of their node.
    Map<String, Map<String, List<Point>>> byType = new TreeMap<>();
    for (Point point : setpoints) {
      Node node = nodes.get(point.getNode());
      String revision = node == null ? "" : node.getPartRevision();
      byType
          .computeIfAbsent(suffix(point), type -> new TreeMap<>())
          .computeIfAbsent(revision, r -> new ArrayList<>())
          .add(point);
    }
    List<Derived> derived = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (Map.Entry<String, Map<String, List<Point>>> type : byType.entrySet()) {
      boolean shared = type.getValue().size() == 1;
      for (Map.Entry<String, List<Point>> group : type.getValue().entrySet()) {
        List<Point> points = group.getValue();
        Node node = nodes.get(points.getFirst().getNode());
        String subject =
            type.getKey() + " of " + describe(group.getKey()) + " (" + nodeIds(points) + ")";
        if (node == null) {
          skipped.add(
              subject + ": the node " + points.getFirst().getNode() + " is not in the twin");
          continue;
        }
        Limits limits = limits(type.getKey(), node, racks, waterLimit, options);
        if (limits == null) {
          skipped.add(subject + ": no rule for this setpoint type on " + className(node));
          continue;
        }
        if (limits.problem() != null) {
          skipped.add(subject + ": " + limits.problem());
          continue;
        }
        double rate =
            points.getFirst().getUnit().equals("%")
                ? options.speedRatePerMinute()
                : options.temperatureRatePerMinute();
        List<Point> covered = shared ? List.of(points.getFirst()) : points;
        for (Point point : covered) {
          String pattern = shared ? twin + "/points/*." + type.getKey() : point.getName();
          String id =
              shared
                  ? guardrailId(type.getKey())
                  : guardrailId(nodeId(point) + "." + type.getKey());
          String problem = safeDefaultProblem(shared ? points : List.of(point), limits);
          if (problem != null) {
            skipped.add((shared ? subject : point.getName()) + ": " + problem);
            continue;
          }
          double safeDefault = point.getDefaultValue();
          Guardrail guardrail =
              Guardrail.newBuilder()
                  .setPointPattern(pattern)
                  .setUnit(point.getUnit())
                  .setMinValue(limits.min())
                  .setMaxValue(limits.max())
                  .setMaxRatePerMinute(rate)
                  .setSafeDefaultValue(safeDefault)
                  .addAllInterlocks(limits.interlocks())
                  .setDescription(
                      truncate(
                          limits.basis()
                              + " Safe default: the design value of the point. Rate: an operating"
                              + " choice, not from a spec."))
                  .build();
          derived.add(new Derived(id, guardrail));
        }
      }
    }
    return new Result(derived, skipped);
  }

  /** Returns the limits for a setpoint type on a node's class, or null when no rule covers it. */
  private static Limits limits(
      String type, Node node, List<Node> racks, double waterLimit, Options options) {
    EquipmentClass equipment = node.getEquipmentClass();
    EquipmentSpec spec = node.getSpec();
    String revision = node.getPartRevision();
    return switch (type) {
      case "liquid-temperature-sp.secondary-supply" ->
          equipment == EquipmentClass.EQUIPMENT_CLASS_CDU ? tcsSupply(node, racks) : null;
      case "pump-speed-sp" ->
          equipment == EquipmentClass.EQUIPMENT_CLASS_CDU
                  || equipment == EquipmentClass.EQUIPMENT_CLASS_PUMP
              ? pumpSpeed(spec, revision)
              : null;
      case "liquid-temperature-sp.supply" ->
          switch (equipment) {
            case EQUIPMENT_CLASS_CHILLER -> chillerSupply(spec, revision);
            case EQUIPMENT_CLASS_DRY_COOLER, EQUIPMENT_CLASS_COOLING_TOWER ->
                facilityWater(spec, revision, waterLimit, options.waterClass());
            default -> null;
          };
      case "air-temperature-sp.supply" ->
          equipment == EquipmentClass.EQUIPMENT_CLASS_CRAH
              ? new Limits(
                  AIR_SUPPLY_MIN_C,
                  AIR_SUPPLY_MAX_C,
                  List.of(),
                  "Range: the ASHRAE recommended envelope for air-cooled IT, 18 to 27 C (TC 9.9"
                      + " Thermal Guidelines, 5th ed.).",
                  null)
              : null;
      default -> null;
    };
  }

  /**
   * TCS supply of a CDU: the narrowest range of the CDU's and every rack's supply limits, and for
   * each rack with GPU data the warmest supply that keeps its GPUs at their operating limit at full
   * power: the limit, less the GPU power times the cold plate resistance, less the rack's coolant
   * rise (the last GPU on the loop receives coolant at the supply plus the whole rise).
   */
  private static Limits tcsSupply(Node cdu, List<Node> racks) {
    Double min = null;
    Double max = null;
    List<String> basis = new ArrayList<>();
    EquipmentSpec cduSpec = cdu.getSpec();
    if (cduSpec.hasSupplyTemperatureMinC()) {
      min = cduSpec.getSupplyTemperatureMinC();
      basis.add(
          "min " + number(min) + " C from supply_temperature_min_c of " + cdu.getPartRevision());
    }
    if (cduSpec.hasSupplyTemperatureMaxC()) {
      max = cduSpec.getSupplyTemperatureMaxC();
      basis.add(
          "max " + number(max) + " C from supply_temperature_max_c of " + cdu.getPartRevision());
    }
    Map<String, EquipmentSpec> rackSpecs = new TreeMap<>();
    racks.forEach(rack -> rackSpecs.putIfAbsent(rack.getPartRevision(), rack.getSpec()));
    for (Map.Entry<String, EquipmentSpec> rack : rackSpecs.entrySet()) {
      EquipmentSpec spec = rack.getValue();
      if (spec.hasSupplyTemperatureMinC()
          && (min == null || spec.getSupplyTemperatureMinC() > min)) {
        min = spec.getSupplyTemperatureMinC();
        basis.add("min " + number(min) + " C from supply_temperature_min_c of " + rack.getKey());
      }
      if (spec.hasSupplyTemperatureMaxC()
          && (max == null || spec.getSupplyTemperatureMaxC() < max)) {
        max = spec.getSupplyTemperatureMaxC();
        basis.add("max " + number(max) + " C from supply_temperature_max_c of " + rack.getKey());
      }
      RackSpec gpu = spec.getRack();
      if (spec.hasRack()
          && gpu.hasGpuMaxOperatingTemperatureC()
          && gpu.hasColdPlateThermalResistanceKPerW()
          && spec.hasDesignTemperatureRiseK()) {
        double bound =
            gpu.getGpuMaxOperatingTemperatureC()
                - gpu.getGpuPowerW() * gpu.getColdPlateThermalResistanceKPerW()
                - spec.getDesignTemperatureRiseK();
        if (max == null || bound < max) {
          max = bound;
          basis.add(
              "max "
                  + number(bound)
                  + " C keeps the GPUs of "
                  + rack.getKey()
                  + " at their "
                  + number(gpu.getGpuMaxOperatingTemperatureC())
                  + " C limit at full power ("
                  + number(gpu.getGpuPowerW())
                  + " W x "
                  + number(gpu.getColdPlateThermalResistanceKPerW())
                  + " K/W cold plate, "
                  + number(spec.getDesignTemperatureRiseK())
                  + " K rise)");
        }
      }
    }
    if (min == null) {
      return Limits.missing(
          "no lowest TCS supply: set supply_temperature_min_c on "
              + cdu.getPartRevision()
              + " or on a rack part");
    }
    if (max == null) {
      return Limits.missing(
          "no highest TCS supply: set supply_temperature_max_c on "
              + cdu.getPartRevision()
              + ", or the GPU limits, cold plate resistance and design rise on a rack part");
    }
    if (min > max) {
      return Limits.missing(
          "the specs leave no TCS supply range: lowest "
              + number(min)
              + " C, highest "
              + number(max)
              + " C");
    }
    basis.add("interlock: " + number(DEW_POINT_MARGIN_K) + " K above the hall's dew point");
    return new Limits(
        min,
        max,
        List.of(
            Interlock.newBuilder()
                .setDewPoint(DewPointInterlock.newBuilder().setMarginK(DEW_POINT_MARGIN_K))
                .build()),
        "TCS supply: " + String.join("; ", basis) + ".",
        null);
  }

  /** Pump speed: the pump's lowest speed up to full speed, and its minimum flow as an interlock. */
  private static Limits pumpSpeed(EquipmentSpec spec, String revision) {
    if (!spec.hasPump() || !spec.getPump().hasMinSpeedPercent()) {
      return Limits.missing("no lowest pump speed: set pump.min_speed_percent on " + revision);
    }
    double min = spec.getPump().getMinSpeedPercent();
    List<Interlock> interlocks = new ArrayList<>();
    String basis =
        "Pump speed: min " + number(min) + " % from pump.min_speed_percent of " + revision;
    if (spec.getPump().hasMinFlowLpm()) {
      double flow = spec.getPump().getMinFlowLpm();
      interlocks.add(
          Interlock.newBuilder()
              .setMinimumFlow(MinimumFlowInterlock.newBuilder().setMinFlowLpm(flow))
              .build());
      basis += "; interlock: flow at least " + number(flow) + " L/min from pump.min_flow_lpm";
    }
    return new Limits(min, 100, interlocks, basis + "; max: full speed.", null);
  }

  /**
   * Chiller leaving water: the range over which the chiller's curves hold. The interlock leaves its
   * limits unset, so control-service reads them from the chiller's spec when it checks.
   */
  private static Limits chillerSupply(EquipmentSpec spec, String revision) {
    if (!spec.hasChiller()
        || !spec.getChiller().hasMinLeavingChilledWaterTemperatureC()
        || !spec.getChiller().hasMaxLeavingChilledWaterTemperatureC()) {
      return Limits.missing(
          "no curve range: set chiller.min_leaving_chilled_water_temperature_c and"
              + " chiller.max_leaving_chilled_water_temperature_c on "
              + revision);
    }
    double min = spec.getChiller().getMinLeavingChilledWaterTemperatureC();
    double max = spec.getChiller().getMaxLeavingChilledWaterTemperatureC();
    return new Limits(
        min,
        max,
        List.of(Interlock.newBuilder().setChillerCurve(ChillerCurveInterlock.newBuilder()).build()),
        "Chiller leaving water: "
            + number(min)
            + " to "
            + number(max)
            + " C, the curve range of "
            + revision
            + "; interlock: the same range, read from the spec at each check.",
        null);
  }

  /**
   * Facility water from heat rejection: the ASHRAE class's limit above the part's lowest supply.
   */
  private static Limits facilityWater(
      EquipmentSpec spec, String revision, double waterLimit, String waterClass) {
    if (!spec.hasSupplyTemperatureMinC()) {
      return Limits.missing("no lowest supply: set supply_temperature_min_c on " + revision);
    }
    double min = spec.getSupplyTemperatureMinC();
    if (min > waterLimit) {
      return Limits.missing(
          "supply_temperature_min_c "
              + number(min)
              + " C of "
              + revision
              + " is above the "
              + waterClass
              + " limit of "
              + number(waterLimit)
              + " C");
    }
    return new Limits(
        min,
        waterLimit,
        List.of(),
        "Facility water supply: min "
            + number(min)
            + " C from supply_temperature_min_c of "
            + revision
            + "; max "
            + number(waterLimit)
            + " C, the limit of ASHRAE liquid-cooling class "
            + waterClass.toUpperCase(Locale.ROOT)
            + " (TC 9.9, 2021).",
        null);
  }

  /** Returns why the design values of the points cannot be the safe default, or null. */
  private static String safeDefaultProblem(List<Point> points, Limits limits) {
    for (Point point : points) {
      if (!point.hasDefaultValue()) {
        return point.getName() + " has no design value to return to; set it in the design";
      }
      double value = point.getDefaultValue();
      if (value < limits.min() || value > limits.max()) {
        return "the design value "
            + number(value)
            + " of "
            + point.getName()
            + " lies outside the derived range ["
            + number(limits.min())
            + ", "
            + number(limits.max())
            + "]; fix the design or the spec";
      }
    }
    double first = points.getFirst().getDefaultValue();
    for (Point point : points) {
      if (Double.compare(point.getDefaultValue(), first) != 0) {
        return "the points' design values differ ("
            + number(first)
            + " and "
            + number(point.getDefaultValue())
            + "), and one guardrail has one safe default";
      }
    }
    return null;
  }

  /** Returns the point's type and process area as its name ends: {@code pump-speed-sp}. */
  static String suffix(Point point) {
    return point.getProcessArea().isEmpty()
        ? point.getPointType()
        : point.getPointType() + "." + point.getProcessArea();
  }

  /**
   * Returns a valid guardrail id for a text: lower-case letters, digits and hyphens, starting with
   * a letter, at most 63 characters. A longer text keeps its first 54 characters and a hash of the
   * whole, so two long texts stay apart.
   */
  static String guardrailId(String text) {
    String id =
        text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
    if (id.isEmpty() || !Character.isLetter(id.charAt(0))) {
      id = "g-" + id;
    }
    if (id.length() > 63) {
      String hash =
          UUID.nameUUIDFromBytes(text.getBytes(StandardCharsets.UTF_8)).toString().substring(0, 8);
      id = id.substring(0, 54).replaceAll("-+$", "") + "-" + hash;
    }
    return id;
  }

  /** Returns the node ids of the points, the first three and a count of the rest. */
  private static String nodeIds(List<Point> points) {
    List<String> ids = points.stream().limit(3).map(GuardrailDefaults::nodeId).toList();
    String more = points.size() > 3 ? " and " + (points.size() - 3) + " more" : "";
    return String.join(", ", ids) + more;
  }

  private static String nodeId(Point point) {
    return point.getNode().substring(point.getNode().lastIndexOf('/') + 1);
  }

  private static String describe(String partRevision) {
    return partRevision.isEmpty() ? "nodes without a part" : partRevision;
  }

  private static String className(Node node) {
    return node.getEquipmentClass().name().replace("EQUIPMENT_CLASS_", "");
  }

  private static String number(double value) {
    return String.format(Locale.ROOT, "%.3f", value).replaceAll("\\.?0+$", "");
  }

  private static String truncate(String text) {
    return text.length() <= 2000 ? text : text.substring(0, 1997) + "...";
  }
}
