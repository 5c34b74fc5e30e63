package io.factorytwin.twin.grpc;

import com.google.protobuf.Timestamp;
import io.factorytwin.common.v1.EquipmentSpec;
import io.factorytwin.twin.graph.PointTemplate;
import io.factorytwin.twin.graph.TwinGraph;
import io.factorytwin.twin.service.InsightStore;
import io.factorytwin.twin.service.Setpoints;
import io.factorytwin.twin.service.TwinStore.RevisionRow;
import io.factorytwin.twin.service.TwinStore.TwinRow;
import io.factorytwin.twin.service.Twins;
import io.factorytwin.twin.v1.AttributeValue;
import io.factorytwin.twin.v1.DesignPart;
import io.factorytwin.twin.v1.Edge;
import io.factorytwin.twin.v1.Insight;
import io.factorytwin.twin.v1.Node;
import io.factorytwin.twin.v1.Point;
import io.factorytwin.twin.v1.SetpointChange;
import io.factorytwin.twin.v1.Twin;
import io.factorytwin.twin.v1.TwinRevision;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** From the twin's records and graphs to contract messages. */
final class TwinMapper {

  private TwinMapper() {}

  static Twin twin(TwinRow row, RevisionRow active) {
    Twin.Builder twin =
        Twin.newBuilder()
            .setName("twins/" + row.id())
            .setDisplayName(row.displayName())
            .setDesign(row.design())
            .setActiveRevision(Names.revisionName(row.id(), row.activeRevision()))
            .setEtag(Twins.etag(row))
            .setCreateTime(timestamp(row.createTime()))
            .setUpdateTime(timestamp(row.updateTime()));
    if (active != null) {
      twin.setSite(active.site());
    }
    return twin.build();
  }

  static TwinRevision revision(RevisionRow row, String activeRevision) {
    TwinRevision.Builder revision =
        TwinRevision.newBuilder()
            .setName(Names.revisionName(row.twinId(), row.revisionId()))
            .setDesignRevision(row.designRevision())
            .setActive(row.revisionId().equals(activeRevision))
            .setSite(row.site())
            .setSetpoints(row.setpoints())
            .setNodeCount(row.nodeCount())
            .setEdgeCount(row.edgeCount())
            .setPointCount(row.pointCount())
            .setCreateTime(timestamp(row.createTime()));
    if (row.activateTime() != null) {
      revision.setActivateTime(timestamp(row.activateTime()));
    }
    return revision.build();
  }

  static Node node(TwinGraph graph, int node) {
    String twinId = graph.twinId();
    Node.Builder builder =
        Node.newBuilder()
            .setName(Names.node(twinId, graph.nodeId(node)))
            .setRevision(Names.revisionName(twinId, graph.revisionId()))
            .setEquipmentClass(graph.equipmentClass(node))
            .setDisplayName(graph.displayName(node))
            .setPosition(graph.position(node))
            .setOrientation(graph.orientation(node))
            .putAllLabels(graph.labels(node))
            .putAllAttributes(attributes(graph, node));
    if (graph.parent(node) >= 0) {
      builder.setParent(Names.node(twinId, graph.nodeId(graph.parent(node))));
    }
    DesignPart part = graph.part(node);
    if (part != null) {
      builder
          .setPartRevision(part.getPartRevision())
          .setSpec(part.getSpec())
          .addAllPorts(part.getPortsList());
    }
    for (int g : graph.nodeGroups(node)) {
      builder.addRedundancyGroups(graph.group(g).getId());
    }
    return builder.build();
  }

  /**
   * Static attributes of a node, keyed by spec field path. Live attributes (load_kw, load_fraction)
   * are added by the caller from the live state.
   */
  static Map<String, AttributeValue> attributes(TwinGraph graph, int node) {
    Map<String, AttributeValue> attributes = new LinkedHashMap<>();
    DesignPart part = graph.part(node);
    if (part == null) {
      return attributes;
    }
    EquipmentSpec spec = part.getSpec();
    if (spec.hasRatedPowerKw()) {
      attributes.put("rated_power_kw", number(spec.getRatedPowerKw()));
    }
    if (spec.hasDesignPowerKw()) {
      attributes.put("design_power_kw", number(spec.getDesignPowerKw()));
    }
    if (spec.hasCoolingCapacityKw()) {
      attributes.put("cooling_capacity_kw", number(spec.getCoolingCapacityKw()));
    }
    if (spec.hasHeatToLiquidFraction()) {
      attributes.put("heat_to_liquid_fraction", number(spec.getHeatToLiquidFraction()));
    }
    if (spec.hasSupplyTemperatureMinC()) {
      attributes.put("supply_temperature_min_c", number(spec.getSupplyTemperatureMinC()));
    }
    if (spec.hasSupplyTemperatureMaxC()) {
      attributes.put("supply_temperature_max_c", number(spec.getSupplyTemperatureMaxC()));
    }
    if (spec.hasRack()) {
      attributes.put("rack.gpu_count", number(spec.getRack().getGpuCount()));
      attributes.put("rack.gpu_power_w", number(spec.getRack().getGpuPowerW()));
    }
    if (!part.getManufacturer().isEmpty()) {
      attributes.put("manufacturer", text(part.getManufacturer()));
    }
    if (!part.getModel().isEmpty()) {
      attributes.put("model", text(part.getModel()));
    }
    return attributes;
  }

  /** A filter's view of an attribute: a Double, a String or a Boolean. */
  static Object attributeValue(AttributeValue value) {
    return switch (value.getValueCase()) {
      case NUMBER_VALUE -> value.getNumberValue();
      case STRING_VALUE -> value.getStringValue();
      case BOOL_VALUE -> value.getBoolValue();
      case VALUE_NOT_SET -> null;
    };
  }

  static AttributeValue number(double value) {
    return AttributeValue.newBuilder().setNumberValue(value).build();
  }

  static AttributeValue text(String value) {
    return AttributeValue.newBuilder().setStringValue(value).build();
  }

  static Edge edge(TwinGraph graph, int edge) {
    String twinId = graph.twinId();
    Edge.Builder builder =
        Edge.newBuilder()
            .setKind(graph.edgeKind(edge))
            .setSource(Names.node(twinId, graph.nodeId(graph.edgeSource(edge))))
            .setTarget(Names.node(twinId, graph.nodeId(graph.edgeTarget(edge))))
            .setPowerPath(graph.edgePath(edge))
            .setCoolantLoop(graph.edgeLoop(edge))
            .setOrigin(graph.edgeOrigin(edge))
            .setObserver(graph.edgeObserver(edge));
    var connection = graph.edgeConnection(edge);
    if (connection != null) {
      builder
          .setSourcePort(connection.getSourcePort())
          .setTargetPort(connection.getTargetPort())
          .setConnection(connection.getId());
    }
    return builder.build();
  }

  /**
   * A point message.
   *
   * @param written the written value of a setpoint, or null when it holds its default
   */
  static Point point(TwinGraph graph, int point, Setpoints.Value written) {
    String twinId = graph.twinId();
    int node = graph.pointNode(point);
    PointTemplate template = graph.pointTemplate(point);
    Point.Builder builder =
        Point.newBuilder()
            .setName(Names.point(twinId, graph.pointId(point)))
            .setNode(Names.node(twinId, graph.nodeId(node)))
            .setPointType(template.pointType())
            .setProcessArea(template.processArea())
            .setKind(template.kind())
            .setUnit(template.unit())
            .setPhysicalMinValue(template.physicalMin())
            .setPhysicalMaxValue(template.physicalMax())
            .setDeadband(template.deadband())
            .setDsxObjectType(template.dsxObjectType())
            .setDsxPointType(template.dsxPointType());
    if (!template.pairedSuffix().isEmpty()) {
      builder.setPairedPoint(
          Names.point(twinId, graph.nodeId(node) + "." + template.pairedSuffix()));
    }
    if (template.isSetpoint()) {
      builder.setDefaultValue(graph.defaultValue(point));
      builder.setVersion(written == null ? 1 : written.version());
    }
    return builder.build();
  }

  static SetpointChange change(Setpoints.Change change) {
    SetpointChange.Builder builder =
        SetpointChange.newBuilder()
            .setPoint(Names.point(change.twinId(), change.pointId()))
            .setValue(change.value())
            .setPreviousValue(change.previousValue())
            .setVersion(change.version())
            .setApplyTime(timestamp(change.applyTime()))
            .setAction(change.action())
            .setRequestId(change.requestId())
            .setWriter(change.writer());
    if (change.facilityTime() != null) {
      builder.setFacilityTime(timestamp(change.facilityTime()));
    }
    if (change.requestedFacilityTime() != null) {
      builder.setRequestedFacilityTime(timestamp(change.requestedFacilityTime()));
    }
    return builder.build();
  }

  static Insight insight(InsightStore.Row row) {
    return io.factorytwin.twin.service.InsightMessages.insight(row);
  }

  static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder()
        .setSeconds(instant.getEpochSecond())
        .setNanos(instant.getNano())
        .build();
  }

  static Instant instant(Timestamp timestamp) {
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }
}
