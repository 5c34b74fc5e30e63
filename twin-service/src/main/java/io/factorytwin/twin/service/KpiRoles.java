package io.factorytwin.twin.service;

import static io.factorytwin.common.v1.EquipmentClass.*;

import io.factorytwin.common.v1.EquipmentClass;
import io.factorytwin.twin.graph.TwinGraph;
import io.factorytwin.twin.v1.EdgeKind;
import java.util.EnumSet;
import java.util.Set;

/**
 * Which points the live KPIs add up. IT power is the sum of rack power. Facility power is the sum
 * of the power meters that measure a utility feed or generator; where no meter measures one, that
 * feed's own active power counts. Cooling power is the power of chillers, dry coolers, cooling
 * towers, CDUs, CRAHs and pumps. Throughput is the sum of the racks' tokens per second.
 */
final class KpiRoles {

  private static final Set<EquipmentClass> COOLING =
      EnumSet.of(
          EQUIPMENT_CLASS_CHILLER,
          EQUIPMENT_CLASS_DRY_COOLER,
          EQUIPMENT_CLASS_COOLING_TOWER,
          EQUIPMENT_CLASS_CDU,
          EQUIPMENT_CLASS_CRAH,
          EQUIPMENT_CLASS_PUMP);

  private KpiRoles() {}

  static byte[] of(TwinGraph graph) {
    byte[] roles = new byte[graph.pointCount()];
    for (int node = 0; node < graph.nodeCount(); node++) {
      EquipmentClass equipmentClass = graph.equipmentClass(node);
      if (equipmentClass == EQUIPMENT_CLASS_RACK_SYSTEM) {
        mark(graph, roles, node, "rack-power", LiveState.KPI_IT);
        mark(graph, roles, node, "tokens-per-second", LiveState.KPI_TOKENS);
      } else if (COOLING.contains(equipmentClass)) {
        mark(graph, roles, node, "power", LiveState.KPI_COOLING);
      } else if (equipmentClass == EQUIPMENT_CLASS_POWER_METER && measuresAFeed(graph, node)) {
        mark(graph, roles, node, "active-power", LiveState.KPI_FACILITY);
      } else if ((equipmentClass == EQUIPMENT_CLASS_UTILITY_FEED
              || equipmentClass == EQUIPMENT_CLASS_GENERATOR)
          && !measured(graph, node)) {
        mark(graph, roles, node, "active-power", LiveState.KPI_FACILITY);
      }
    }
    return roles;
  }

  private static void mark(TwinGraph graph, byte[] roles, int node, String suffix, int role) {
    int point = graph.point(node, suffix);
    if (point >= 0) {
      roles[point] = (byte) role;
    }
  }

  private static boolean isFeed(TwinGraph graph, int node) {
    EquipmentClass equipmentClass = graph.equipmentClass(node);
    return equipmentClass == EQUIPMENT_CLASS_UTILITY_FEED
        || equipmentClass == EQUIPMENT_CLASS_GENERATOR;
  }

  private static boolean measuresAFeed(TwinGraph graph, int meter) {
    for (int i = 0; i < graph.outDegree(meter); i++) {
      int edge = graph.outEdge(meter, i);
      if (graph.edgeKind(edge) == EdgeKind.EDGE_KIND_MEASURES
          && isFeed(graph, graph.edgeTarget(edge))) {
        return true;
      }
    }
    return false;
  }

  private static boolean measured(TwinGraph graph, int feed) {
    for (int i = 0; i < graph.inDegree(feed); i++) {
      int edge = graph.inEdge(feed, i);
      if (graph.edgeKind(edge) == EdgeKind.EDGE_KIND_MEASURES
          && graph.equipmentClass(graph.edgeSource(edge)) == EQUIPMENT_CLASS_POWER_METER) {
        return true;
      }
    }
    return false;
  }
}
