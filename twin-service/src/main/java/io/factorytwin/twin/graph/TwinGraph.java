package io.factorytwin.twin.graph;

import io.factorytwin.common.v1.Connection;
import io.factorytwin.common.v1.EquipmentClass;
import io.factorytwin.common.v1.EquipmentSpec;
import io.factorytwin.common.v1.OperatingSetpoints;
import io.factorytwin.common.v1.Orientation;
import io.factorytwin.common.v1.Position;
import io.factorytwin.common.v1.PowerPath;
import io.factorytwin.common.v1.RedundancyGroup;
import io.factorytwin.common.v1.Site;
import io.factorytwin.twin.v1.CoolantLoop;
import io.factorytwin.twin.v1.DesignPart;
import io.factorytwin.twin.v1.EdgeKind;
import io.factorytwin.twin.v1.EdgeOrigin;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The graph of one twin revision, held in memory. It never changes after it is built: nodes, edges,
 * redundancy groups and the point layout are a pure function of the design the revision was built
 * from, which is what the database stores. Arrays indexed by node and edge number keep a graph of a
 * million nodes in a few hundred megabytes and make traversals allocation-free.
 *
 * <p>Points are not stored one by one: node {@code n} owns the points {@code pointBase[n]} to
 * {@code pointBase[n + 1] - 1}, in the order of {@link PointCatalog#templates} for its class.
 *
 * <p>Observed edges (recorded with RecordObservedEdges) never enter the graph of a revision. {@link
 * #withObservedEdges} makes a second, equally immutable graph that shares the nodes and points of
 * the design graph and appends the observed edges after the design's. The live state stays bound to
 * the design graph, which {@link #design()} returns from either.
 */
public final class TwinGraph {

  /** Node id of the site node. */
  public static final String SITE_ID = "site";

  /** An edge observed in the running facility, by node ids. */
  public record ObservedEdge(EdgeKind kind, String source, String target, String observer) {}

  final String twinId;
  final String revisionId;
  final String designRevision;
  final Site site;
  final OperatingSetpoints setpoints;

  final String[] nodeIds;
  final EquipmentClass[] classes;
  final int[] parents;
  final int[] parts;
  final String[] displayNames;
  final Position[] positions;
  final Orientation[] orientations;
  final Map<String, String>[] labels;
  final Map<String, Integer> nodeIndex;
  final int[] sortedNodes;

  final DesignPart[] partList;

  final RedundancyGroup[] groups;
  final int[][] groupMembers;
  final int[][] nodeGroups;

  final int[] edgeSources;
  final int[] edgeTargets;
  final EdgeKind[] edgeKinds;
  final PowerPath[] edgePaths;
  final CoolantLoop[] edgeLoops;
  final Connection[] edgeConnections;
  final int[] outStart;
  final int[] outEdges;
  final int[] inStart;
  final int[] inEdges;
  final int[] sortedEdges;

  final int[] pointBase;

  /** The design graph this one adds observed edges to; null when this is the design graph. */
  private final TwinGraph design;

  /** Edges numbered from here on are observed edges. */
  private final int designEdgeCount;

  /** Observer of each observed edge, indexed by edge number minus {@link #designEdgeCount}. */
  private final String[] edgeObservers;

  TwinGraph(GraphBuilder.Parts b) {
    this.design = null;
    this.twinId = b.twinId;
    this.revisionId = b.revisionId;
    this.designRevision = b.designRevision;
    this.site = b.site;
    this.setpoints = b.setpoints;
    this.nodeIds = b.nodeIds;
    this.classes = b.classes;
    this.parents = b.parents;
    this.parts = b.parts;
    this.displayNames = b.displayNames;
    this.positions = b.positions;
    this.orientations = b.orientations;
    this.labels = b.labels;
    this.nodeIndex = b.nodeIndex;
    this.partList = b.partList;
    this.groups = b.groups;
    this.groupMembers = b.groupMembers;
    this.nodeGroups = b.nodeGroups;
    this.edgeSources = b.edgeSources;
    this.edgeTargets = b.edgeTargets;
    this.edgeKinds = b.edgeKinds;
    this.edgePaths = b.edgePaths;
    this.edgeLoops = b.edgeLoops;
    this.edgeConnections = b.edgeConnections;
    this.designEdgeCount = edgeSources.length;
    this.edgeObservers = new String[0];
    int nodes = nodeIds.length;
    int edges = edgeSources.length;
    this.outStart = new int[nodes + 1];
    this.inStart = new int[nodes + 1];
    this.outEdges = new int[edges];
    this.inEdges = new int[edges];
    adjacency(edgeSources, outStart, outEdges);
    adjacency(edgeTargets, inStart, inEdges);
    Integer[] order = new Integer[nodes];
    for (int i = 0; i < nodes; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (x, y) -> nodeIds[x].compareTo(nodeIds[y]));
    this.sortedNodes = Arrays.stream(order).mapToInt(Integer::intValue).toArray();
    Integer[] edgeOrder = new Integer[edges];
    for (int i = 0; i < edges; i++) {
      edgeOrder[i] = i;
    }
    Arrays.sort(edgeOrder, this::compareEdges);
    this.sortedEdges = Arrays.stream(edgeOrder).mapToInt(Integer::intValue).toArray();
    this.pointBase = new int[nodes + 1];
    for (int n = 0; n < nodes; n++) {
      pointBase[n + 1] = pointBase[n] + PointCatalog.templates(classes[n]).size();
    }
  }

  /** Creates a design graph with observed edges appended; see {@link #withObservedEdges}. */
  private TwinGraph(TwinGraph design, List<ObservedEdge> observed) {
    this.design = design;
    this.twinId = design.twinId;
    this.revisionId = design.revisionId;
    this.designRevision = design.designRevision;
    this.site = design.site;
    this.setpoints = design.setpoints;
    this.nodeIds = design.nodeIds;
    this.classes = design.classes;
    this.parents = design.parents;
    this.parts = design.parts;
    this.displayNames = design.displayNames;
    this.positions = design.positions;
    this.orientations = design.orientations;
    this.labels = design.labels;
    this.nodeIndex = design.nodeIndex;
    this.sortedNodes = design.sortedNodes;
    this.partList = design.partList;
    this.groups = design.groups;
    this.groupMembers = design.groupMembers;
    this.nodeGroups = design.nodeGroups;
    this.pointBase = design.pointBase;

    this.designEdgeCount = design.edgeSources.length;
    int edges = designEdgeCount + observed.size();
    this.edgeSources = Arrays.copyOf(design.edgeSources, edges);
    this.edgeTargets = Arrays.copyOf(design.edgeTargets, edges);
    this.edgeKinds = Arrays.copyOf(design.edgeKinds, edges);
    this.edgePaths = Arrays.copyOf(design.edgePaths, edges);
    this.edgeLoops = Arrays.copyOf(design.edgeLoops, edges);
    this.edgeConnections = Arrays.copyOf(design.edgeConnections, edges);
    this.edgeObservers = new String[observed.size()];
    for (int i = 0; i < observed.size(); i++) {
      ObservedEdge edge = observed.get(i);
      int number = designEdgeCount + i;
      edgeSources[number] = nodeIndex.get(edge.source());
      edgeTargets[number] = nodeIndex.get(edge.target());
      edgeKinds[number] = edge.kind();
      edgePaths[number] = PowerPath.POWER_PATH_UNSPECIFIED;
      edgeLoops[number] = CoolantLoop.COOLANT_LOOP_UNSPECIFIED;
      edgeObservers[i] = edge.observer();
    }

    int nodes = nodeIds.length;
    this.outStart = new int[nodes + 1];
    this.inStart = new int[nodes + 1];
    this.outEdges = new int[edges];
    this.inEdges = new int[edges];
    adjacency(edgeSources, outStart, outEdges);
    adjacency(edgeTargets, inStart, inEdges);
    Integer[] edgeOrder = new Integer[edges];
    for (int i = 0; i < edges; i++) {
      edgeOrder[i] = i;
    }
    Arrays.sort(edgeOrder, this::compareEdges);
    this.sortedEdges = Arrays.stream(edgeOrder).mapToInt(Integer::intValue).toArray();
  }

  /**
   * Returns this design graph with the observed edges added whose two nodes exist in it, skipping
   * an observed edge when a design edge of the same kind already joins the same nodes. Returns the
   * design graph itself when no observed edge applies.
   */
  public TwinGraph withObservedEdges(List<ObservedEdge> observed) {
    TwinGraph base = design();
    Set<String> designEdges = new HashSet<>();
    for (int edge = 0; edge < base.designEdgeCount; edge++) {
      designEdges.add(
          base.edgeKinds[edge].getNumber()
              + "\0"
              + base.edgeSources[edge]
              + "\0"
              + base.edgeTargets[edge]);
    }
    List<ObservedEdge> applied = new ArrayList<>();
    for (ObservedEdge edge : observed) {
      Integer source = base.nodeIndex.get(edge.source());
      Integer target = base.nodeIndex.get(edge.target());
      if (source == null || target == null || source.equals(target)) {
        continue;
      }
      if (designEdges.add(edge.kind().getNumber() + "\0" + source + "\0" + target)) {
        applied.add(edge);
      }
    }
    return applied.isEmpty() ? base : new TwinGraph(base, applied);
  }

  /** Returns the graph built from the design alone: this graph, unless it has observed edges. */
  public TwinGraph design() {
    return design == null ? this : design;
  }

  private static void adjacency(int[] ends, int[] start, int[] list) {
    for (int end : ends) {
      start[end + 1]++;
    }
    for (int i = 1; i < start.length; i++) {
      start[i] += start[i - 1];
    }
    int[] fill = Arrays.copyOf(start, start.length - 1);
    for (int e = 0; e < ends.length; e++) {
      list[fill[ends[e]]++] = e;
    }
  }

  /** Compares two edges by source id, then target id, then kind, then connection id. */
  public int compareEdges(int x, int y) {
    int order = nodeIds[edgeSources[x]].compareTo(nodeIds[edgeSources[y]]);
    if (order == 0) {
      order = nodeIds[edgeTargets[x]].compareTo(nodeIds[edgeTargets[y]]);
    }
    if (order == 0) {
      order = Integer.compare(edgeKinds[x].getNumber(), edgeKinds[y].getNumber());
    }
    if (order == 0) {
      order = connectionId(x).compareTo(connectionId(y));
    }
    return order;
  }

  /**
   * Returns the key that orders an edge in {@link #sortedEdges}: source id, target id, kind number
   * and connection id. A page token keeps it, so a page boundary stays in place when observed edges
   * are added in between.
   */
  public String edgeKey(int edge) {
    return nodeIds[edgeSources[edge]]
        + '\0'
        + nodeIds[edgeTargets[edge]]
        + '\0'
        + edgeKinds[edge].getNumber()
        + '\0'
        + connectionId(edge);
  }

  /**
   * Compares an edge with a key from {@link #edgeKey} in {@link #compareEdges} order.
   *
   * @throws IllegalArgumentException when the key does not have the four parts of an edge key
   */
  public int compareEdgeToKey(int edge, String key) {
    String[] parts = key.split("\0", -1);
    if (parts.length != 4) {
      throw new IllegalArgumentException("not an edge key");
    }
    int order = nodeIds[edgeSources[edge]].compareTo(parts[0]);
    if (order == 0) {
      order = nodeIds[edgeTargets[edge]].compareTo(parts[1]);
    }
    if (order == 0) {
      order = Integer.compare(edgeKinds[edge].getNumber(), Integer.parseInt(parts[2]));
    }
    if (order == 0) {
      order = connectionId(edge).compareTo(parts[3]);
    }
    return order;
  }

  /** Returns the design connection id of an edge, or empty for CONTAINS and observed edges. */
  public String connectionId(int edge) {
    Connection connection = edgeConnections[edge];
    return connection == null ? "" : connection.getId();
  }

  public String twinId() {
    return twinId;
  }

  public String revisionId() {
    return revisionId;
  }

  public String designRevision() {
    return designRevision;
  }

  public Site site() {
    return site;
  }

  public OperatingSetpoints setpoints() {
    return setpoints;
  }

  public int nodeCount() {
    return nodeIds.length;
  }

  public int edgeCount() {
    return edgeSources.length;
  }

  public int pointCount() {
    return pointBase[nodeIds.length];
  }

  /** Returns the node number of an id, or -1. */
  public int node(String nodeId) {
    Integer index = nodeIndex.get(nodeId);
    return index == null ? -1 : index;
  }

  public String nodeId(int node) {
    return nodeIds[node];
  }

  public EquipmentClass equipmentClass(int node) {
    return classes[node];
  }

  /** Returns the containing node, or -1 for the site. */
  public int parent(int node) {
    return parents[node];
  }

  /** Returns the part of a placed node, or null for site, hall and row nodes. */
  public DesignPart part(int node) {
    return parts[node] < 0 ? null : partList[parts[node]];
  }

  /** Returns the spec of a placed node, or the empty spec. */
  public EquipmentSpec spec(int node) {
    DesignPart part = part(node);
    return part == null ? EquipmentSpec.getDefaultInstance() : part.getSpec();
  }

  public String displayName(int node) {
    return displayNames[node];
  }

  public Position position(int node) {
    return positions[node];
  }

  public Orientation orientation(int node) {
    return orientations[node];
  }

  public Map<String, String> labels(int node) {
    return labels[node] == null ? Map.of() : labels[node];
  }

  /** Node numbers in node-id order. */
  public int[] sortedNodes() {
    return sortedNodes;
  }

  /** Edge numbers in {@link #compareEdges} order. */
  public int[] sortedEdges() {
    return sortedEdges;
  }

  public int groupCount() {
    return groups.length;
  }

  public RedundancyGroup group(int group) {
    return groups[group];
  }

  public int[] groupMembers(int group) {
    return groupMembers[group];
  }

  /** Returns the groups a node belongs to. */
  public int[] nodeGroups(int node) {
    return nodeGroups[node];
  }

  public int edgeSource(int edge) {
    return edgeSources[edge];
  }

  public int edgeTarget(int edge) {
    return edgeTargets[edge];
  }

  public EdgeKind edgeKind(int edge) {
    return edgeKinds[edge];
  }

  public PowerPath edgePath(int edge) {
    return edgePaths[edge];
  }

  public CoolantLoop edgeLoop(int edge) {
    return edgeLoops[edge];
  }

  /** Returns the design connection of an edge, or null for CONTAINS and observed edges. */
  public Connection edgeConnection(int edge) {
    return edgeConnections[edge];
  }

  /** Returns whether an edge comes from the design or was observed. */
  public EdgeOrigin edgeOrigin(int edge) {
    return edge < designEdgeCount ? EdgeOrigin.EDGE_ORIGIN_DESIGN : EdgeOrigin.EDGE_ORIGIN_OBSERVED;
  }

  /** Returns who recorded an observed edge first, or empty for a design edge. */
  public String edgeObserver(int edge) {
    return edge < designEdgeCount ? "" : edgeObservers[edge - designEdgeCount];
  }

  /** Number of edges leaving a node. */
  public int outDegree(int node) {
    return outStart[node + 1] - outStart[node];
  }

  /** Returns the i-th edge leaving a node. */
  public int outEdge(int node, int i) {
    return outEdges[outStart[node] + i];
  }

  public int inDegree(int node) {
    return inStart[node + 1] - inStart[node];
  }

  public int inEdge(int node, int i) {
    return inEdges[inStart[node] + i];
  }

  /** Returns the first point number of a node. */
  public int firstPoint(int node) {
    return pointBase[node];
  }

  /** Returns the point templates of a node's class, in point-number order. */
  public List<PointTemplate> templates(int node) {
    return PointCatalog.templates(classes[node]);
  }

  /** Returns the node that owns a point number. */
  public int pointNode(int point) {
    int index = Arrays.binarySearch(pointBase, point);
    if (index >= 0) {
      // Nodes without points share a base with the next node: take the last node at that base.
      while (index + 1 < pointBase.length && pointBase[index + 1] == point) {
        index++;
      }
      return index;
    }
    return -index - 2;
  }

  public PointTemplate pointTemplate(int point) {
    int node = pointNode(point);
    return templates(node).get(point - pointBase[node]);
  }

  /** The point id of a point number: node id, a dot and the template suffix. */
  public String pointId(int point) {
    int node = pointNode(point);
    return nodeIds[node] + "." + templates(node).get(point - pointBase[node]).suffix();
  }

  /** The point number of a point id, or -1. */
  public int point(String pointId) {
    for (String suffix : PointCatalog.suffixes()) {
      if (pointId.length() > suffix.length() + 1
          && pointId.endsWith(suffix)
          && pointId.charAt(pointId.length() - suffix.length() - 1) == '.') {
        int node = node(pointId.substring(0, pointId.length() - suffix.length() - 1));
        if (node >= 0) {
          List<PointTemplate> templates = templates(node);
          for (int i = 0; i < templates.size(); i++) {
            if (templates.get(i).suffix().equals(suffix)) {
              return pointBase[node] + i;
            }
          }
        }
      }
    }
    return -1;
  }

  /** The point number of a node's point with a suffix, or -1. */
  public int point(int node, String suffix) {
    List<PointTemplate> templates = templates(node);
    for (int i = 0; i < templates.size(); i++) {
      if (templates.get(i).suffix().equals(suffix)) {
        return pointBase[node] + i;
      }
    }
    return -1;
  }

  /** Default value of a setpoint point, or null for a sensor. */
  public Double defaultValue(int point) {
    int node = pointNode(point);
    return templates(node).get(point - pointBase[node]).defaultFor(setpoints, spec(node));
  }
}
