package io.factorytwin.cli;

import io.factorytwin.common.v1.EquipmentClass;
import io.factorytwin.twin.v1.CoolantLoop;
import io.factorytwin.twin.v1.Edge;
import io.factorytwin.twin.v1.GetTwinRequest;
import io.factorytwin.twin.v1.ListEdgesRequest;
import io.factorytwin.twin.v1.ListEdgesResponse;
import io.factorytwin.twin.v1.ListNodesRequest;
import io.factorytwin.twin.v1.ListNodesResponse;
import io.factorytwin.twin.v1.Node;
import io.factorytwin.twin.v1.TwinServiceGrpc;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The CDUs of a twin and the racks each one cools, read from the twin graph: a CDU supplies coolant
 * to its racks over SUPPLIES_COOLANT edges on the TCS loop, and a rack's rated power is {@code
 * spec.rated_power_kw} of its node. In the reference hall every CDU of a row supplies all racks of
 * the row (N+1), so the CDUs of one row compute the same load.
 *
 * <p>{@code revision} is the twin's active revision read before the graph. A revision activated
 * while the graph is read can leave the new graph under the old label, but then the next check
 * finds another active revision and reads the graph again.
 */
record AgentTopology(String twin, String revision, List<Cdu> cdus, List<String> warnings) {

  /** Setpoint point suffixes and units, as twin-service's point catalog defines them for a CDU. */
  static final String SUPPLY_SETPOINT = ".liquid-temperature-sp.secondary-supply";

  static final String SUPPLY_UNIT = "C";
  static final String PUMP_SETPOINT = ".pump-speed-sp";
  static final String PUMP_UNIT = "%";
  static final String RACK_POWER = ".rack-power";

  /** One CDU: its node id and the racks it supplies. */
  record Cdu(String id, List<Rack> racks) {
    String supplyPoint(String twin) {
      return twin + "/points/" + id + SUPPLY_SETPOINT;
    }

    String pumpPoint(String twin) {
      return twin + "/points/" + id + PUMP_SETPOINT;
    }
  }

  /** One rack with its rated power in kW. */
  record Rack(String id, double ratedPowerKw) {
    String powerPoint(String twin) {
      return twin + "/points/" + id + RACK_POWER;
    }
  }

  /** Returns every rack-power point the CDUs need, each once, in a stable order. */
  List<String> rackPowerPoints() {
    Map<String, Boolean> points = new LinkedHashMap<>();
    for (Cdu cdu : cdus) {
      for (Rack rack : cdu.racks()) {
        points.put(rack.powerPoint(twin), true);
      }
    }
    return List.copyOf(points.keySet());
  }

  /**
   * Reads the CDUs, the racks and the TCS supply edges of a twin's active revision. A CDU without a
   * rack with a rated power above 0 is left out and named in {@link #warnings}.
   */
  static AgentTopology read(String twin, Supplier<TwinServiceGrpc.TwinServiceBlockingStub> stubs) {
    String revision = activeRevision(twin, stubs);
    Map<String, Node> cduNodes = nodes(twin, stubs, EquipmentClass.EQUIPMENT_CLASS_CDU);
    Map<String, Node> rackNodes = nodes(twin, stubs, EquipmentClass.EQUIPMENT_CLASS_RACK_SYSTEM);
    Map<String, List<String>> racksOfCdu = new TreeMap<>();
    String pageToken = "";
    do {
      ListEdgesResponse page =
          stubs
              .get()
              .listEdges(
                  ListEdgesRequest.newBuilder()
                      .setParent(twin)
                      .setFilter("kind = EDGE_KIND_SUPPLIES_COOLANT")
                      .setPageSize(1000)
                      .setPageToken(pageToken)
                      .build());
      for (Edge edge : page.getEdgesList()) {
        // The loop is checked here rather than in the filter, so that the filter uses only the
        // kind comparison that every twin-service version documents.
        if (edge.getCoolantLoop() == CoolantLoop.COOLANT_LOOP_TCS
            && cduNodes.containsKey(edge.getSource())
            && rackNodes.containsKey(edge.getTarget())) {
          racksOfCdu
              .computeIfAbsent(edge.getSource(), key -> new ArrayList<>())
              .add(edge.getTarget());
        }
      }
      pageToken = page.getNextPageToken();
    } while (!pageToken.isEmpty());

    List<Cdu> cdus = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    for (String cduName : cduNodes.keySet()) {
      List<Rack> racks = new ArrayList<>();
      for (String rackName : racksOfCdu.getOrDefault(cduName, List.of())) {
        Node rack = rackNodes.get(rackName);
        double rated = rack.getSpec().hasRatedPowerKw() ? rack.getSpec().getRatedPowerKw() : 0;
        if (rated > 0 && Double.isFinite(rated)) {
          racks.add(new Rack(nodeId(rackName), rated));
        } else {
          warnings.add(rackName + " has no rated_power_kw; it does not count towards the load");
        }
      }
      if (racks.isEmpty()) {
        warnings.add(cduName + " supplies no rack with a rated power; it is not controlled");
      } else {
        cdus.add(new Cdu(nodeId(cduName), List.copyOf(racks)));
      }
    }
    return new AgentTopology(twin, revision, List.copyOf(cdus), List.copyOf(warnings));
  }

  /** Returns the twin's active revision, `twins/{twin}/revisions/{revision}`. */
  static String activeRevision(
      String twin, Supplier<TwinServiceGrpc.TwinServiceBlockingStub> stubs) {
    return stubs
        .get()
        .getTwin(GetTwinRequest.newBuilder().setName(twin).build())
        .getActiveRevision();
  }

  private static Map<String, Node> nodes(
      String twin,
      Supplier<TwinServiceGrpc.TwinServiceBlockingStub> stubs,
      EquipmentClass equipmentClass) {
    Map<String, Node> nodes = new TreeMap<>();
    String pageToken = "";
    do {
      ListNodesResponse page =
          stubs
              .get()
              .listNodes(
                  ListNodesRequest.newBuilder()
                      .setParent(twin)
                      .setFilter("equipment_class = " + equipmentClass.name())
                      .setPageSize(1000)
                      .setPageToken(pageToken)
                      .build());
      for (Node node : page.getNodesList()) {
        nodes.put(node.getName(), node);
      }
      pageToken = page.getNextPageToken();
    } while (!pageToken.isEmpty());
    return nodes;
  }

  /** `hall-1.row-01.cdu-1` from `twins/{twin}/nodes/hall-1.row-01.cdu-1`. */
  static String nodeId(String nodeName) {
    return nodeName.substring(nodeName.lastIndexOf('/') + 1);
  }
}
