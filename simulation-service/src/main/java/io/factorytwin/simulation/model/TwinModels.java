package io.factorytwin.simulation.model;

import io.factorytwin.common.v1.Connection;
import io.factorytwin.common.v1.Placement;
import io.factorytwin.common.v1.PortDomain;
import io.factorytwin.lifecycle.v1.DesignRevision;
import io.factorytwin.lifecycle.v1.PartRevision;
import io.factorytwin.simulation.model.DesignModelBuilder.ClassifiedPart;
import io.factorytwin.twin.v1.CoolantLoop;
import io.factorytwin.twin.v1.Edge;
import io.factorytwin.twin.v1.EdgeKind;
import io.factorytwin.twin.v1.Node;
import io.factorytwin.twin.v1.TwinRevision;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a twin revision (its site, setpoints, equipment nodes and TCS coolant edges) into the
 * placements, connections and parts that {@link DesignModelBuilder} reads, so a twin gives the same
 * model as the design it was published from.
 */
public final class TwinModels {

  /** The edges that tie racks to CDUs. */
  public static final String TCS_EDGES = "coolant_loop = COOLANT_LOOP_TCS";

  private TwinModels() {}

  /** Builds the model of a twin revision from what twin-service returned for it. */
  public static FacilityModel build(
      String name, TwinRevision revision, List<Node> nodes, List<Edge> edges) {
    List<Placement> placements = new ArrayList<>();
    Map<String, ClassifiedPart> parts = new HashMap<>();
    for (Node node : nodes) {
      if (node.getPartRevision().isEmpty()) {
        continue;
      }
      placements.add(
          Placement.newBuilder()
              .setId(id(node.getName()))
              .setPartRevision(node.getPartRevision())
              .build());
      parts.putIfAbsent(
          node.getPartRevision(),
          new ClassifiedPart(
              node.getEquipmentClass(),
              PartRevision.newBuilder()
                  .setName(node.getPartRevision())
                  .setSpec(node.getSpec())
                  .addAllPorts(node.getPortsList())
                  .build()));
    }
    List<Connection> connections = new ArrayList<>();
    for (Edge edge : edges) {
      if (edge.getCoolantLoop() != CoolantLoop.COOLANT_LOOP_TCS) {
        continue;
      }
      PortDomain domain;
      if (edge.getKind() == EdgeKind.EDGE_KIND_SUPPLIES_COOLANT) {
        domain = PortDomain.PORT_DOMAIN_TCS_SUPPLY;
      } else if (edge.getKind() == EdgeKind.EDGE_KIND_RETURNS_COOLANT) {
        domain = PortDomain.PORT_DOMAIN_TCS_RETURN;
      } else {
        continue;
      }
      connections.add(
          Connection.newBuilder()
              .setId(edge.getConnection())
              .setSourcePlacement(id(edge.getSource()))
              .setSourcePort(edge.getSourcePort())
              .setTargetPlacement(id(edge.getTarget()))
              .setTargetPort(edge.getTargetPort())
              .setDomain(domain)
              .build());
    }
    DesignRevision design =
        DesignRevision.newBuilder()
            .setName(revision.getDesignRevision())
            .setSite(revision.getSite())
            .setSetpoints(revision.getSetpoints())
            .build();
    return DesignModelBuilder.build(name, design, placements, connections, parts, null);
  }

  /** Returns the node id of {@code twins/{twin}/nodes/{node}}. */
  private static String id(String nodeName) {
    int slash = nodeName.lastIndexOf("/nodes/");
    return slash < 0 ? nodeName : nodeName.substring(slash + "/nodes/".length());
  }
}
