package io.factorytwin.twin.graph;

import static io.factorytwin.common.v1.EquipmentClass.*;

import io.factorytwin.common.v1.EquipmentClass;
import io.factorytwin.common.v1.EquipmentSpec;
import io.factorytwin.common.v1.OperatingSetpoints;
import io.factorytwin.twin.v1.Point;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The points of each equipment class. Types follow the BMS schema of NVIDIA DSX Exchange (public
 * repository NVIDIA/dsx-exchange, docs/schema-bms-*-value.mdx: Rack RackPower,
 * RackLiquidSupplyTemperature, RackLiquidReturnTemperature, RackLiquidFlow; CDU LiquidTemperature,
 * LiquidFlow, PumpSpeed and the integration-written LiquidTemperatureSpRequest; PowerMeter
 * ActivePower; CRAH, Chiller, CoolingTower, Pump, UPS, Generator, BESS and Sensor objects), turned
 * into lower-case words joined by hyphens as the contract's point.proto describes.
 *
 * <p>Physical ranges reject values no instrument of that kind can report (a coolant below -40 °C or
 * above 150 °C, a negative flow or power, a speed outside 0–100 %); the narrower operating limits
 * are control-service guardrails, not point properties.
 */
public final class PointCatalog {

  private static final double TEMPERATURE_MIN_C = -40;
  private static final double TEMPERATURE_MAX_C = 150;
  private static final double POWER_MAX_KW = 5_000_000;
  private static final double FLOW_MAX_LPM = 10_000_000;

  /**
   * Fallback setpoint defaults in °C and % when neither the design nor the part names one: 30 °C
   * TCS supply is inside ASHRAE liquid-cooling class W32 (facility water up to 32 °C, ASHRAE TC 9.9
   * Liquid Cooling Guidelines, 2021); 24 °C air supply is inside the ASHRAE recommended envelope of
   * 18–27 °C (ASHRAE Thermal Guidelines for Data Processing Environments, 5th ed.).
   */
  private static final double DEFAULT_TCS_SUPPLY_C = 30;

  private static final double DEFAULT_FACILITY_WATER_C = 25;
  private static final double DEFAULT_AIR_SUPPLY_C = 24;
  private static final double DEFAULT_PUMP_SPEED_PERCENT = 70;

  private static final Map<EquipmentClass, List<PointTemplate>> TEMPLATES =
      new EnumMap<>(EquipmentClass.class);

  /** Every suffix of any class, longest first, so that id parsing takes the most specific. */
  private static final List<String> SUFFIXES;

  static {
    TEMPLATES.put(
        EQUIPMENT_CLASS_SITE,
        List.of(
            kpi("pue", "1", 0, 10, 0.001),
            kpi("tokens-per-watt", "tokens/J", 0, 1e9, 0.001),
            kpi("tokens-per-second", "tokens/s", 0, 1e15, 1),
            kpi("it-power", "kW", 0, POWER_MAX_KW, 1),
            kpi("cooling-power", "kW", 0, POWER_MAX_KW, 1),
            kpi("facility-power", "kW", 0, POWER_MAX_KW, 1)));
    TEMPLATES.put(
        EQUIPMENT_CLASS_HALL,
        List.of(
            sensor("air-temperature", "", "C", TEMPERATURE_MIN_C, TEMPERATURE_MAX_C, 0.1, "", ""),
            sensor("relative-humidity", "", "%RH", 0, 100, 0.5, "", ""),
            sensor("dew-point-temperature", "", "C", TEMPERATURE_MIN_C, 100, 0.1, "", "")));
    TEMPLATES.put(EQUIPMENT_CLASS_ROW, List.of());
    TEMPLATES.put(
        EQUIPMENT_CLASS_RACK_SYSTEM,
        List.of(
            sensor("rack-power", "", "kW", 0, POWER_MAX_KW, 0.5, "Rack", "RackPower"),
            sensor(
                "rack-liquid-supply-temperature",
                "",
                "C",
                TEMPERATURE_MIN_C,
                TEMPERATURE_MAX_C,
                0.1,
                "Rack",
                "RackLiquidSupplyTemperature"),
            sensor(
                "rack-liquid-return-temperature",
                "",
                "C",
                TEMPERATURE_MIN_C,
                TEMPERATURE_MAX_C,
                0.1,
                "Rack",
                "RackLiquidReturnTemperature"),
            sensor("rack-liquid-flow", "", "LPM", 0, FLOW_MAX_LPM, 1, "Rack", "RackLiquidFlow"),
            sensor("gpu-temperature", "", "C", TEMPERATURE_MIN_C, TEMPERATURE_MAX_C, 0.5, "", ""),
            sensor("tokens-per-second", "", "tokens/s", 0, 1e12, 1, "", "")));
    TEMPLATES.put(
        EQUIPMENT_CLASS_CDU,
        List.of(
            liquidTemperature("CDU", "secondary-supply", "liquid-temperature-sp.secondary-supply"),
            liquidTemperature("CDU", "secondary-return", ""),
            liquidTemperature("CDU", "primary-supply", ""),
            liquidTemperature("CDU", "primary-return", ""),
            sensor("liquid-flow", "secondary", "LPM", 0, FLOW_MAX_LPM, 1, "CDU", "LiquidFlow"),
            paired(sensor("pump-speed", "", "%", 0, 100, 0.5, "CDU", "PumpSpeed"), "pump-speed-sp"),
            power(),
            setpoint(
                "liquid-temperature-sp",
                "secondary-supply",
                "C",
                TEMPERATURE_MIN_C,
                TEMPERATURE_MAX_C,
                0.1,
                "CDU",
                "LiquidTemperatureSpRequest",
                "liquid-temperature.secondary-supply",
                (setpoints, spec) ->
                    setpoints.hasTcsSupplyTemperatureC()
                        ? setpoints.getTcsSupplyTemperatureC()
                        : spec.hasSupplyTemperatureMaxC()
                            ? Math.min(spec.getSupplyTemperatureMaxC(), DEFAULT_TCS_SUPPLY_C)
                            : DEFAULT_TCS_SUPPLY_C),
            setpoint(
                "pump-speed-sp",
                "",
                "%",
                0,
                100,
                0.5,
                "",
                "",
                "pump-speed",
                (setpoints, spec) ->
                    setpoints.hasTcsPumpSpeedPercent()
                        ? setpoints.getTcsPumpSpeedPercent()
                        : DEFAULT_PUMP_SPEED_PERCENT)));
    List<PointTemplate> heatRejection =
        List.of(
            liquidTemperature("", "supply", "liquid-temperature-sp.supply"),
            liquidTemperature("", "return", ""),
            sensor("fan-speed", "", "%", 0, 100, 0.5, "", ""),
            power(),
            facilityWaterSetpoint(""));
    TEMPLATES.put(EQUIPMENT_CLASS_DRY_COOLER, heatRejection);
    TEMPLATES.put(
        EQUIPMENT_CLASS_COOLING_TOWER,
        List.of(
            liquidTemperature("CoolingTower", "supply", ""),
            liquidTemperature("CoolingTower", "return", ""),
            sensor("fan-speed", "", "%", 0, 100, 0.5, "CoolingTower", "FanSpeed"),
            power()));
    TEMPLATES.put(
        EQUIPMENT_CLASS_CHILLER,
        List.of(
            liquidTemperature("Chiller", "supply", "liquid-temperature-sp.supply"),
            liquidTemperature("Chiller", "return", ""),
            power(),
            facilityWaterSetpoint("Chiller")));
    TEMPLATES.put(
        EQUIPMENT_CLASS_CRAH,
        List.of(
            paired(
                sensor(
                    "air-temperature",
                    "supply",
                    "C",
                    TEMPERATURE_MIN_C,
                    TEMPERATURE_MAX_C,
                    0.1,
                    "CRAH",
                    "AirTemperature"),
                "air-temperature-sp.supply"),
            sensor(
                "air-temperature",
                "return",
                "C",
                TEMPERATURE_MIN_C,
                TEMPERATURE_MAX_C,
                0.1,
                "CRAH",
                "AirTemperature"),
            sensor("fan-speed", "", "%", 0, 100, 0.5, "CRAH", "FanSpeed"),
            power(),
            setpoint(
                "air-temperature-sp",
                "supply",
                "C",
                TEMPERATURE_MIN_C,
                TEMPERATURE_MAX_C,
                0.1,
                "",
                "",
                "air-temperature.supply",
                (setpoints, spec) ->
                    setpoints.hasAirSupplyTemperatureC()
                        ? setpoints.getAirSupplyTemperatureC()
                        : DEFAULT_AIR_SUPPLY_C)));
    TEMPLATES.put(
        EQUIPMENT_CLASS_PUMP,
        List.of(
            paired(
                sensor("pump-speed", "", "%", 0, 100, 0.5, "Pump", "PumpSpeed"), "pump-speed-sp"),
            sensor("liquid-flow", "", "LPM", 0, FLOW_MAX_LPM, 1, "Pump", "LiquidFlow"),
            power(),
            setpoint(
                "pump-speed-sp",
                "",
                "%",
                0,
                100,
                0.5,
                "",
                "",
                "pump-speed",
                (setpoints, spec) ->
                    setpoints.hasTcsPumpSpeedPercent()
                        ? setpoints.getTcsPumpSpeedPercent()
                        : DEFAULT_PUMP_SPEED_PERCENT)));
    TEMPLATES.put(EQUIPMENT_CLASS_UPS, List.of(activePower("UPS")));
    TEMPLATES.put(EQUIPMENT_CLASS_REMOTE_POWER_PANEL, List.of(activePower("")));
    TEMPLATES.put(EQUIPMENT_CLASS_PDU, List.of(activePower("")));
    TEMPLATES.put(EQUIPMENT_CLASS_BUSWAY, List.of(activePower("")));
    TEMPLATES.put(EQUIPMENT_CLASS_TRANSFORMER, List.of(activePower("")));
    TEMPLATES.put(EQUIPMENT_CLASS_SWITCHGEAR, List.of(activePower("")));
    TEMPLATES.put(EQUIPMENT_CLASS_UTILITY_FEED, List.of(activePower("")));
    TEMPLATES.put(EQUIPMENT_CLASS_GENERATOR, List.of(activePower("Generator")));
    TEMPLATES.put(
        EQUIPMENT_CLASS_BATTERY,
        List.of(
            activePower("BESS"),
            sensor("state-of-charge", "", "%", 0, 100, 0.5, "BESS", "StateOfCharge")));
    TEMPLATES.put(EQUIPMENT_CLASS_POWER_METER, List.of(activePower("PowerMeter")));
    TEMPLATES.put(
        EQUIPMENT_CLASS_SENSOR,
        List.of(
            sensor(
                "air-temperature",
                "",
                "C",
                TEMPERATURE_MIN_C,
                TEMPERATURE_MAX_C,
                0.1,
                "Sensor",
                "AirTemperature"),
            sensor("relative-humidity", "", "%RH", 0, 100, 0.5, "Sensor", "RelativeHumidity")));
    Set<String> suffixes = new LinkedHashSet<>();
    TEMPLATES.values().forEach(list -> list.forEach(t -> suffixes.add(t.suffix())));
    List<String> sorted = new ArrayList<>(suffixes);
    sorted.sort((a, b) -> Integer.compare(b.length(), a.length()));
    SUFFIXES = List.copyOf(sorted);
  }

  private PointCatalog() {}

  /** The point templates of a class, in a fixed order; empty for an unknown class. */
  public static List<PointTemplate> templates(EquipmentClass equipmentClass) {
    return TEMPLATES.getOrDefault(equipmentClass, List.of());
  }

  /** Every point suffix, longest first. */
  public static List<String> suffixes() {
    return SUFFIXES;
  }

  private static PointTemplate sensor(
      String type,
      String area,
      String unit,
      double min,
      double max,
      double deadband,
      String dsxObject,
      String dsxPoint) {
    return new PointTemplate(
        type,
        area,
        Point.Kind.KIND_SENSOR,
        unit,
        min,
        max,
        deadband,
        dsxObject,
        dsxPoint,
        "",
        null);
  }

  private static PointTemplate kpi(String type, String unit, double min, double max, double db) {
    return sensor(type, "", unit, min, max, db, "", "");
  }

  private static PointTemplate paired(PointTemplate sensor, String pairedSuffix) {
    return new PointTemplate(
        sensor.pointType(),
        sensor.processArea(),
        sensor.kind(),
        sensor.unit(),
        sensor.physicalMin(),
        sensor.physicalMax(),
        sensor.deadband(),
        sensor.dsxObjectType(),
        sensor.dsxPointType(),
        pairedSuffix,
        null);
  }

  private static PointTemplate setpoint(
      String type,
      String area,
      String unit,
      double min,
      double max,
      double deadband,
      String dsxObject,
      String dsxPoint,
      String pairedSuffix,
      BiFunction<OperatingSetpoints, EquipmentSpec, Double> defaultValue) {
    return new PointTemplate(
        type,
        area,
        Point.Kind.KIND_SETPOINT,
        unit,
        min,
        max,
        deadband,
        dsxObject,
        dsxPoint,
        pairedSuffix,
        defaultValue);
  }

  private static PointTemplate liquidTemperature(String dsxObject, String area, String paired) {
    return paired(
        sensor(
            "liquid-temperature",
            area,
            "C",
            TEMPERATURE_MIN_C,
            TEMPERATURE_MAX_C,
            0.1,
            dsxObject,
            dsxObject.isEmpty() ? "" : "LiquidTemperature"),
        paired);
  }

  private static PointTemplate facilityWaterSetpoint(String dsxObject) {
    return setpoint(
        "liquid-temperature-sp",
        "supply",
        "C",
        TEMPERATURE_MIN_C,
        TEMPERATURE_MAX_C,
        0.1,
        dsxObject,
        dsxObject.isEmpty() ? "" : "LiquidTemperatureSp",
        "liquid-temperature.supply",
        (setpoints, spec) ->
            setpoints.hasFacilityWaterSupplyTemperatureC()
                ? setpoints.getFacilityWaterSupplyTemperatureC()
                : DEFAULT_FACILITY_WATER_C);
  }

  private static PointTemplate power() {
    return sensor("power", "", "kW", 0, POWER_MAX_KW, 0.5, "", "");
  }

  private static PointTemplate activePower(String dsxObject) {
    return sensor(
        "active-power",
        "",
        "kW",
        -POWER_MAX_KW,
        POWER_MAX_KW,
        0.5,
        dsxObject,
        dsxObject.isEmpty() ? "" : "ActivePower");
  }
}
