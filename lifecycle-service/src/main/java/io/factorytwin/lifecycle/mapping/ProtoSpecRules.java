package io.factorytwin.lifecycle.mapping;

import static io.factorytwin.lifecycle.model.EquipmentClass.BATTERY;
import static io.factorytwin.lifecycle.model.EquipmentClass.CDU;
import static io.factorytwin.lifecycle.model.EquipmentClass.CHILLER;
import static io.factorytwin.lifecycle.model.EquipmentClass.COOLING_TOWER;
import static io.factorytwin.lifecycle.model.EquipmentClass.CRAH;
import static io.factorytwin.lifecycle.model.EquipmentClass.DRY_COOLER;
import static io.factorytwin.lifecycle.model.EquipmentClass.PDU;
import static io.factorytwin.lifecycle.model.EquipmentClass.PUMP;
import static io.factorytwin.lifecycle.model.EquipmentClass.RACK_SYSTEM;
import static io.factorytwin.lifecycle.model.EquipmentClass.TRANSFORMER;
import static io.factorytwin.lifecycle.model.EquipmentClass.UPS;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.factorytwin.common.v1.EfficiencyPoint;
import io.factorytwin.common.v1.EquipmentSpec;
import io.factorytwin.common.v1.PortDomain;
import io.factorytwin.common.v1.PortSpec;
import io.factorytwin.lifecycle.model.EquipmentClass;
import io.factorytwin.lifecycle.model.RevisionContent;
import io.factorytwin.lifecycle.service.SpecRules;
import io.factorytwin.lifecycle.v1.SpecSource;
import io.factorytwin.support.error.InvalidArgumentException.FieldViolation;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The ranges, class rules and submission requirements of EquipmentSpec, PortSpec and SpecSource as
 * their comments in the contract state them. Every double anywhere in a spec must be finite.
 */
@ApplicationScoped
public class ProtoSpecRules implements SpecRules {

  /** An allowed interval; a bound is null when that side is open-ended. */
  record Range(Double min, boolean minInclusive, Double max, boolean maxInclusive) {

    boolean contains(double value) {
      boolean aboveMin = min == null || (minInclusive ? value >= min : value > min);
      boolean belowMax = max == null || (maxInclusive ? value <= max : value < max);
      return aboveMin && belowMax;
    }

    String describe() {
      String low = min == null ? "(-inf" : (minInclusive ? "[" : "(") + format(min);
      String high = max == null ? "+inf)" : format(max) + (maxInclusive ? "]" : ")");
      return "in " + low + ", " + high;
    }

    private static String format(double bound) {
      return bound == Math.rint(bound) ? Long.toString((long) bound) : Double.toString(bound);
    }
  }

  private static final Range POSITIVE = new Range(0.0, false, null, false);
  private static final Range NON_NEGATIVE = new Range(0.0, true, null, false);
  private static final Range FRACTION = new Range(0.0, true, 1.0, true);
  private static final Range POSITIVE_FRACTION = new Range(0.0, false, 1.0, true);
  private static final Range PERCENT = new Range(0.0, true, 100.0, true);

  /** Absolute zero is the lowest temperature that exists. */
  private static final Range CELSIUS = new Range(-273.15, true, null, false);

  /**
   * Ranges per field path relative to EquipmentSpec, with list indices left out. Fields absent here
   * take any finite value; temperatures in °C are checked by their _c suffix.
   */
  private static final Map<String, Range> RANGES =
      Map.ofEntries(
          Map.entry("rated_power_kw", POSITIVE),
          Map.entry("design_power_kw", NON_NEGATIVE),
          Map.entry("cooling_capacity_kw", POSITIVE),
          Map.entry("heat_to_liquid_fraction", FRACTION),
          Map.entry("coolant_flow_lpm_per_kw", POSITIVE),
          Map.entry("approach_k", NON_NEGATIVE),
          Map.entry("design_temperature_rise_k", POSITIVE),
          Map.entry("efficiency_curve.load_fraction", new Range(0.0, true, 1.5, true)),
          Map.entry("efficiency_curve.efficiency_fraction", POSITIVE_FRACTION),
          Map.entry("rack.gpu_count", POSITIVE),
          Map.entry("rack.cpu_count", NON_NEGATIVE),
          Map.entry("rack.gpu_power_w", POSITIVE),
          Map.entry("rack.idle_power_kw", NON_NEGATIVE),
          Map.entry("rack.cold_plate_thermal_resistance_k_per_w", POSITIVE),
          Map.entry("rack.throughput.tokens_per_second", POSITIVE),
          Map.entry("chiller.reference_capacity_kw", POSITIVE),
          Map.entry("chiller.reference_cop", POSITIVE),
          Map.entry("chiller.min_part_load_ratio", POSITIVE_FRACTION),
          Map.entry("chiller.min_unloading_ratio", FRACTION),
          Map.entry("chiller.max_part_load_ratio", new Range(1.0, true, null, false)),
          Map.entry("pump.design_flow_lpm", POSITIVE),
          Map.entry("pump.design_head_kpa", POSITIVE),
          Map.entry("pump.design_power_kw", POSITIVE),
          Map.entry("pump.min_flow_lpm", NON_NEGATIVE),
          Map.entry("pump.min_speed_percent", PERCENT),
          Map.entry("fan.design_airflow_m3_per_h", POSITIVE),
          Map.entry("fan.design_power_kw", POSITIVE),
          Map.entry("fan.min_speed_percent", PERCENT),
          Map.entry("cooling_tower.evaporation_l_per_kwh", POSITIVE),
          Map.entry("cooling_tower.cycles_of_concentration", new Range(1.0, false, null, false)),
          Map.entry("battery.energy_capacity_kwh", POSITIVE),
          Map.entry("battery.max_discharge_power_kw", POSITIVE),
          Map.entry("battery.round_trip_efficiency_fraction", POSITIVE_FRACTION));

  private static final Set<EquipmentClass> COOLING =
      EnumSet.of(RACK_SYSTEM, CDU, CHILLER, DRY_COOLER, COOLING_TOWER, CRAH);
  private static final Set<EquipmentClass> HEAT_REMOVAL =
      EnumSet.of(CDU, CHILLER, DRY_COOLER, COOLING_TOWER, CRAH);
  private static final Set<EquipmentClass> FANNED = EnumSet.of(DRY_COOLER, COOLING_TOWER, CRAH);

  /**
   * The classes that may set each top-level spec field, after the field comments of EquipmentSpec;
   * a field absent here applies to every class.
   */
  private static final Map<String, Set<EquipmentClass>> CLASSES =
      Map.ofEntries(
          Map.entry("cooling_capacity_kw", HEAT_REMOVAL),
          Map.entry("heat_to_liquid_fraction", EnumSet.of(RACK_SYSTEM)),
          Map.entry("coolant_flow_lpm_per_kw", EnumSet.of(RACK_SYSTEM, CDU)),
          Map.entry("supply_temperature_min_c", COOLING),
          Map.entry("supply_temperature_max_c", COOLING),
          Map.entry("approach_k", EnumSet.of(CDU, DRY_COOLER, COOLING_TOWER, CRAH)),
          Map.entry("design_temperature_rise_k", COOLING),
          Map.entry("efficiency_curve", EnumSet.of(UPS, TRANSFORMER, PDU)),
          Map.entry("rack", EnumSet.of(RACK_SYSTEM)),
          Map.entry("chiller", EnumSet.of(CHILLER)),
          Map.entry("pump", EnumSet.of(PUMP, CDU)),
          Map.entry("fan", FANNED),
          Map.entry("cooling_tower", EnumSet.of(COOLING_TOWER)),
          Map.entry("battery", EnumSet.of(BATTERY)));

  /**
   * Spec fields each class needs before submission: what the design rule checks and the simulation
   * read for that class. A class absent here needs only a spec.
   */
  private static final Map<EquipmentClass, List<String>> REQUIRED_FOR_SUBMIT =
      Map.ofEntries(
          Map.entry(
              RACK_SYSTEM,
              List.of(
                  "rated_power_kw", "heat_to_liquid_fraction", "coolant_flow_lpm_per_kw", "rack")),
          Map.entry(CDU, List.of("cooling_capacity_kw", "approach_k")),
          Map.entry(CHILLER, List.of("cooling_capacity_kw", "chiller")),
          Map.entry(DRY_COOLER, List.of("cooling_capacity_kw", "approach_k", "fan")),
          Map.entry(COOLING_TOWER, List.of("cooling_capacity_kw", "approach_k", "fan")),
          Map.entry(CRAH, List.of("cooling_capacity_kw", "fan")),
          Map.entry(PUMP, List.of("pump")),
          Map.entry(UPS, List.of("rated_power_kw")),
          Map.entry(EquipmentClass.REMOTE_POWER_PANEL, List.of("rated_power_kw")),
          Map.entry(PDU, List.of("rated_power_kw")),
          Map.entry(EquipmentClass.BUSWAY, List.of("rated_power_kw")),
          Map.entry(TRANSFORMER, List.of("rated_power_kw")),
          Map.entry(EquipmentClass.SWITCHGEAR, List.of("rated_power_kw")),
          Map.entry(EquipmentClass.UTILITY_FEED, List.of("rated_power_kw")),
          Map.entry(EquipmentClass.GENERATOR, List.of("rated_power_kw")),
          Map.entry(BATTERY, List.of("battery")));

  private static final Pattern PORT_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
  private static final Pattern WORKLOAD = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
  private static final int MAX_CITATION_CHARS = 1024;

  @Override
  public List<FieldViolation> validate(
      EquipmentClass equipmentClass, RevisionContent content, String fieldPrefix) {
    List<FieldViolation> violations = new ArrayList<>();
    if (content.spec() != null) {
      EquipmentSpec spec = PartMapper.decodeSpec(content.spec());
      String prefix = fieldPrefix + ".spec";
      checkNumbers(spec, prefix, "", violations);
      checkClass(spec, equipmentClass, prefix, violations);
      checkRelations(spec, prefix, violations);
    }
    checkPorts(
        PartMapper.decodeRevision(content.ports()).getPortsList(),
        fieldPrefix + ".ports",
        violations);
    checkSources(
        PartMapper.decodeRevision(content.sources()).getSourcesList(),
        fieldPrefix + ".sources",
        violations);
    return violations;
  }

  @Override
  public List<String> missingForSubmit(EquipmentClass equipmentClass, RevisionContent content) {
    if (content.spec() == null) {
      return List.of("spec");
    }
    EquipmentSpec spec = PartMapper.decodeSpec(content.spec());
    List<String> missing = new ArrayList<>();
    for (String field : REQUIRED_FOR_SUBMIT.getOrDefault(equipmentClass, List.of())) {
      if (!spec.hasField(EquipmentSpec.getDescriptor().findFieldByName(field))) {
        missing.add("spec." + field);
      }
    }
    return missing;
  }

  /**
   * Checks every number of a message and its sub-messages against finiteness and its range. Scalars
   * without presence (proto3 plain fields) are checked with their default value too, so a required
   * count left at 0 fails its positive range.
   */
  private static void checkNumbers(
      Message message, String path, String rulePath, List<FieldViolation> violations) {
    for (FieldDescriptor field : message.getDescriptorForType().getFields()) {
      String fieldPath = path + "." + field.getName();
      String fieldRule = rulePath.isEmpty() ? field.getName() : rulePath + "." + field.getName();
      if (field.isRepeated()) {
        for (int i = 0; i < message.getRepeatedFieldCount(field); i++) {
          checkValue(
              field,
              message.getRepeatedField(field, i),
              fieldPath + "[" + i + "]",
              fieldRule,
              violations);
        }
      } else if (!field.hasPresence() || message.hasField(field)) {
        checkValue(field, message.getField(field), fieldPath, fieldRule, violations);
      }
    }
  }

  private static void checkValue(
      FieldDescriptor field,
      Object value,
      String path,
      String rulePath,
      List<FieldViolation> violations) {
    switch (field.getJavaType()) {
      case MESSAGE -> checkNumbers((Message) value, path, rulePath, violations);
      case DOUBLE, FLOAT, INT, LONG -> {
        double number = ((Number) value).doubleValue();
        if (!Double.isFinite(number)) {
          violations.add(new FieldViolation(path, "must be a finite number, got " + number));
          return;
        }
        Range range = RANGES.get(rulePath);
        if (range == null && rulePath.endsWith("_c")) {
          range = CELSIUS;
        }
        if (range != null && !range.contains(number)) {
          violations.add(
              new FieldViolation(path, "must be " + range.describe() + ", got " + number));
        }
      }
      case ENUM -> {
        int number = ((EnumValueDescriptor) value).getNumber();
        if (field.getEnumType().findValueByNumber(number) == null) {
          violations.add(new FieldViolation(path, "unknown enum value " + number));
        }
      }
      default -> {}
    }
  }

  private static void checkClass(
      EquipmentSpec spec,
      EquipmentClass equipmentClass,
      String prefix,
      List<FieldViolation> violations) {
    Descriptor descriptor = EquipmentSpec.getDescriptor();
    for (Map.Entry<String, Set<EquipmentClass>> entry : CLASSES.entrySet()) {
      FieldDescriptor field = descriptor.findFieldByName(entry.getKey());
      boolean set =
          field.isRepeated() ? spec.getRepeatedFieldCount(field) > 0 : spec.hasField(field);
      if (set && !entry.getValue().contains(equipmentClass)) {
        violations.add(
            new FieldViolation(
                prefix + "." + entry.getKey(),
                "does not apply to "
                    + equipmentClass
                    + "; it applies to "
                    + entry.getValue().stream().map(Enum::name).sorted().toList()));
      }
    }
  }

  /** Checks the rules that relate two fields, such as a maximum not below its minimum. */
  private static void checkRelations(
      EquipmentSpec spec, String prefix, List<FieldViolation> violations) {
    if (spec.hasDesignPowerKw()
        && spec.hasRatedPowerKw()
        && spec.getDesignPowerKw() > spec.getRatedPowerKw()) {
      violations.add(
          new FieldViolation(prefix + ".design_power_kw", "must not exceed rated_power_kw"));
    }
    if (spec.hasSupplyTemperatureMinC()
        && spec.hasSupplyTemperatureMaxC()
        && spec.getSupplyTemperatureMaxC() < spec.getSupplyTemperatureMinC()) {
      violations.add(
          new FieldViolation(
              prefix + ".supply_temperature_max_c", "must not be below supply_temperature_min_c"));
    }
    List<EfficiencyPoint> curve = spec.getEfficiencyCurveList();
    for (int i = 1; i < curve.size(); i++) {
      if (curve.get(i).getLoadFraction() <= curve.get(i - 1).getLoadFraction()) {
        violations.add(
            new FieldViolation(
                prefix + ".efficiency_curve[" + i + "].load_fraction",
                "must be greater than the load_fraction of the point before it"));
      }
    }
    if (spec.hasRack()) {
      var rack = spec.getRack();
      String rackPath = prefix + ".rack";
      if (rack.hasGpuSlowdownTemperatureC()
          && rack.hasGpuMaxOperatingTemperatureC()
          && rack.getGpuSlowdownTemperatureC() < rack.getGpuMaxOperatingTemperatureC()) {
        violations.add(
            new FieldViolation(
                rackPath + ".gpu_slowdown_temperature_c",
                "must not be below gpu_max_operating_temperature_c"));
      }
      if (rack.hasGpuShutdownTemperatureC()
          && rack.hasGpuSlowdownTemperatureC()
          && rack.getGpuShutdownTemperatureC() < rack.getGpuSlowdownTemperatureC()) {
        violations.add(
            new FieldViolation(
                rackPath + ".gpu_shutdown_temperature_c",
                "must not be below gpu_slowdown_temperature_c"));
      }
      Set<String> workloads = new HashSet<>();
      for (int i = 0; i < rack.getThroughputCount(); i++) {
        String workload = rack.getThroughput(i).getWorkload();
        String path = rackPath + ".throughput[" + i + "].workload";
        if (!WORKLOAD.matcher(workload).matches()) {
          violations.add(
              new FieldViolation(
                  path, "must be lower-case letters, digits and hyphens, at most 63 characters"));
        } else if (!workloads.add(workload)) {
          violations.add(new FieldViolation(path, "workload '" + workload + "' appears twice"));
        }
      }
    }
    if (spec.hasChiller()) {
      var chiller = spec.getChiller();
      String chillerPath = prefix + ".chiller";
      if (!chiller.hasCapacityTemperatureCurve()) {
        violations.add(new FieldViolation(chillerPath + ".capacity_temperature_curve", "required"));
      }
      if (!chiller.hasEirTemperatureCurve()) {
        violations.add(new FieldViolation(chillerPath + ".eir_temperature_curve", "required"));
      }
      if (!chiller.hasEirPartLoadCurve()) {
        violations.add(new FieldViolation(chillerPath + ".eir_part_load_curve", "required"));
      }
      if (chiller.getMinUnloadingRatio() < chiller.getMinPartLoadRatio()) {
        violations.add(
            new FieldViolation(
                chillerPath + ".min_unloading_ratio", "must not be below min_part_load_ratio"));
      }
      if (chiller.hasMinLeavingChilledWaterTemperatureC()
          && chiller.hasMaxLeavingChilledWaterTemperatureC()
          && chiller.getMaxLeavingChilledWaterTemperatureC()
              < chiller.getMinLeavingChilledWaterTemperatureC()) {
        violations.add(
            new FieldViolation(
                chillerPath + ".max_leaving_chilled_water_temperature_c",
                "must not be below min_leaving_chilled_water_temperature_c"));
      }
    }
  }

  private static void checkPorts(
      List<PortSpec> ports, String prefix, List<FieldViolation> violations) {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < ports.size(); i++) {
      PortSpec port = ports.get(i);
      String path = prefix + "[" + i + "]";
      checkNumbers(port, path, "port", violations);
      if (!PORT_ID.matcher(port.getId()).matches()) {
        violations.add(
            new FieldViolation(
                path + ".id",
                port.getId().isEmpty()
                    ? "required"
                    : "must be lower-case letters, digits and hyphens, at most 63 characters"));
      } else if (!ids.add(port.getId())) {
        violations.add(
            new FieldViolation(path + ".id", "port id '" + port.getId() + "' appears twice"));
      }
      PortDomain domain = port.getDomain();
      if (domain == PortDomain.PORT_DOMAIN_UNSPECIFIED || domain == PortDomain.UNRECOGNIZED) {
        violations.add(new FieldViolation(path + ".domain", "required; pick a port domain"));
      }
      boolean electrical = domain == PortDomain.PORT_DOMAIN_ELECTRICAL;
      boolean liquid =
          domain == PortDomain.PORT_DOMAIN_TCS_SUPPLY
              || domain == PortDomain.PORT_DOMAIN_TCS_RETURN
              || domain == PortDomain.PORT_DOMAIN_FACILITY_WATER_SUPPLY
              || domain == PortDomain.PORT_DOMAIN_FACILITY_WATER_RETURN;
      checkRating(
          port.hasRatedPowerKw(),
          port.getRatedPowerKw(),
          electrical,
          path + ".rated_power_kw",
          "electrical",
          violations);
      checkRating(
          port.hasRatedFlowLpm(),
          port.getRatedFlowLpm(),
          liquid,
          path + ".rated_flow_lpm",
          "TCS and facility water",
          violations);
      checkRating(
          port.hasRatedAirflowM3PerH(),
          port.getRatedAirflowM3PerH(),
          domain == PortDomain.PORT_DOMAIN_AIRFLOW,
          path + ".rated_airflow_m3_per_h",
          "airflow",
          violations);
      if (port.hasMaxConnections() && port.getMaxConnections() < 1) {
        violations.add(new FieldViolation(path + ".max_connections", "must be at least 1"));
      }
      if (port.getPowerPathValue() != 0 && !electrical) {
        violations.add(
            new FieldViolation(path + ".power_path", "applies only to electrical ports"));
      }
    }
  }

  private static void checkRating(
      boolean set,
      double value,
      boolean applies,
      String path,
      String domains,
      List<FieldViolation> violations) {
    if (!set) {
      return;
    }
    if (!applies) {
      violations.add(new FieldViolation(path, "applies only to " + domains + " ports"));
    } else if (!(value > 0) || !Double.isFinite(value)) {
      violations.add(
          new FieldViolation(path, "must be a finite number greater than 0, got " + value));
    }
  }

  private static void checkSources(
      List<SpecSource> sources, String prefix, List<FieldViolation> violations) {
    Set<String> fields = new HashSet<>();
    for (int i = 0; i < sources.size(); i++) {
      SpecSource source = sources.get(i);
      String path = prefix + "[" + i + "]";
      if (!isSpecField(source.getField())) {
        violations.add(
            new FieldViolation(
                path + ".field",
                "must name a field of EquipmentSpec such as 'rack.gpu_power_w', got '"
                    + ResourceNames.clip(source.getField())
                    + "'"));
      } else if (!fields.add(source.getField())) {
        violations.add(
            new FieldViolation(
                path + ".field", "'" + source.getField() + "' has more than one source"));
      }
      List<FieldViolation> citation = new ArrayList<>();
      PartMapper.checkText(
          source.getCitation(), path + ".citation", MAX_CITATION_CHARS, true, citation);
      violations.addAll(citation);
    }
  }

  /** Whether a dotted path names a field of EquipmentSpec, walking into its messages. */
  private static boolean isSpecField(String path) {
    if (path.isEmpty()) {
      return false;
    }
    Descriptor descriptor = EquipmentSpec.getDescriptor();
    String[] segments = path.split("\\.", -1);
    for (int i = 0; i < segments.length; i++) {
      if (descriptor == null) {
        return false;
      }
      FieldDescriptor field = descriptor.findFieldByName(segments[i]);
      if (field == null) {
        return false;
      }
      descriptor =
          field.getJavaType() == FieldDescriptor.JavaType.MESSAGE ? field.getMessageType() : null;
    }
    return true;
  }
}
