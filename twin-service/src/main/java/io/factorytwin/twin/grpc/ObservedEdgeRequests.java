package io.factorytwin.twin.grpc;

import io.factorytwin.common.v1.EquipmentClass;
import io.factorytwin.support.error.InvalidArgumentException;
import io.factorytwin.support.error.NotFoundException;
import io.factorytwin.twin.graph.TwinGraph;
import io.factorytwin.twin.v1.EdgeKind;
import io.factorytwin.twin.v1.ObservedEdge;
import io.factorytwin.twin.v1.RecordObservedEdgesRequest;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Checks a RecordObservedEdges request against the twin's active revision. */
final class ObservedEdgeRequests {

  static final int MAX_EDGES = 1000;
  static final int MAX_OBSERVER_CHARS = 200;

  private static final Set<EquipmentClass> MEASURING =
      Set.of(EquipmentClass.EQUIPMENT_CLASS_POWER_METER, EquipmentClass.EQUIPMENT_CLASS_SENSOR);

  private ObservedEdgeRequests() {}

  /** Checks the fields that need no graph: the observer and the number of edges. */
  static void checkShape(RecordObservedEdgesRequest request) {
    String observer = request.getObserver();
    if (observer.isBlank() || observer.length() > MAX_OBSERVER_CHARS) {
      throw new InvalidArgumentException(
          "observer",
          "required: 1 to "
              + MAX_OBSERVER_CHARS
              + " characters naming who observed the edges, such as dsx-exchange/FT");
    }
    if (request.getEdgesCount() == 0 || request.getEdgesCount() > MAX_EDGES) {
      throw new InvalidArgumentException(
          "edges", "required: 1 to " + MAX_EDGES + " edges; got " + request.getEdgesCount());
    }
  }

  /**
   * Returns the request's edges by node id, each once, in request order.
   *
   * @throws InvalidArgumentException naming the first bad field
   * @throws NotFoundException when a node does not exist in the active revision
   */
  static List<TwinGraph.ObservedEdge> edges(
      RecordObservedEdgesRequest request, String twinId, TwinGraph active) {
    Set<TwinGraph.ObservedEdge> edges = new LinkedHashSet<>();
    for (int i = 0; i < request.getEdgesCount(); i++) {
      ObservedEdge edge = request.getEdges(i);
      String field = "edges[" + i + "]";
      if (edge.getKind() != EdgeKind.EDGE_KIND_MEASURES) {
        throw new InvalidArgumentException(
            field + ".kind",
            "must be EDGE_KIND_MEASURES; got "
                + edge.getKind()
                + ". Power, coolant and air edges come only from a published design");
      }
      int source = node(edge.getSource(), twinId, active, field + ".source");
      int target = node(edge.getTarget(), twinId, active, field + ".target");
      if (source == target) {
        throw new InvalidArgumentException(
            field + ".target", "must differ from source; both are " + edge.getSource());
      }
      if (!MEASURING.contains(active.equipmentClass(source))) {
        throw new InvalidArgumentException(
            field + ".source",
            "a MEASURES edge starts at a power meter or sensor; "
                + edge.getSource()
                + " is "
                + active.equipmentClass(source));
      }
      edges.add(
          new TwinGraph.ObservedEdge(
              edge.getKind(), active.nodeId(source), active.nodeId(target), request.getObserver()));
    }
    return new ArrayList<>(edges);
  }

  private static int node(String name, String twinId, TwinGraph active, String field) {
    Names.Child node = Names.child(name, "nodes", field);
    if (!node.twinId().equals(twinId)) {
      throw new InvalidArgumentException(field, "must be a node of twins/" + twinId);
    }
    int index = active.node(node.id());
    if (index < 0) {
      throw new NotFoundException(name, field);
    }
    return index;
  }
}
