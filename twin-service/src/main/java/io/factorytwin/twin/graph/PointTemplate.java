package io.factorytwin.twin.graph;

import io.factorytwin.common.v1.EquipmentSpec;
import io.factorytwin.common.v1.OperatingSetpoints;
import io.factorytwin.twin.v1.Point;
import java.util.function.BiFunction;

/**
 * One point that every node of an equipment class has. The point id is the node id followed by
 * {@link #suffix()}.
 *
 * @param pointType the point type, a DSX pointType in lower-case words joined by hyphens
 * @param processArea the DSX processArea words joined the same way; empty when not needed
 * @param kind sensor or setpoint
 * @param unit the engineering unit, spelled as DSX engUnit where DSX has one
 * @param physicalMin lowest physically possible value in the unit
 * @param physicalMax highest physically possible value in the unit
 * @param deadband smallest change that Watch reports, in the unit
 * @param dsxObjectType the DSX object type; empty where DSX has no term
 * @param dsxPointType the DSX pointType; empty where DSX has no term
 * @param pairedSuffix the suffix of the paired sensor or setpoint; empty when there is none
 * @param defaultValue the default of a setpoint from the design's operating setpoints and the part
 *     spec; null for sensors
 */
public record PointTemplate(
    String pointType,
    String processArea,
    Point.Kind kind,
    String unit,
    double physicalMin,
    double physicalMax,
    double deadband,
    String dsxObjectType,
    String dsxPointType,
    String pairedSuffix,
    BiFunction<OperatingSetpoints, EquipmentSpec, Double> defaultValue) {

  /** The part of a point id after the node id: the point type and, when set, the area. */
  public String suffix() {
    return processArea.isEmpty() ? pointType : pointType + "." + processArea;
  }

  public boolean isSetpoint() {
    return kind == Point.Kind.KIND_SETPOINT;
  }

  /** The default value of a setpoint on a node with the given spec, or null for a sensor. */
  public Double defaultFor(OperatingSetpoints setpoints, EquipmentSpec spec) {
    return defaultValue == null ? null : defaultValue.apply(setpoints, spec);
  }
}
