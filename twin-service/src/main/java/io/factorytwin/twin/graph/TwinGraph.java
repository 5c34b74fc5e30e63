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
 * #withObservedEdges} makes a second, equally immutable graph that shares every array of the design
 * graph and numbers the observed edges after the design's, with an adjacency of their own. Building
 * it costs O(k log k) in the k observed edges, not a copy or sort of the design's edges. The live
 * state stays bound to the design graph, which {@link #design()} returns from either.
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

  /** The observed edges; empty in a design graph. */
  private final Observed observed;

  /** Edge numbers in {@link #compareEdges} order with the observed edges merged in, made on use. */
  private volatile int[] mergedSortedEdges;

  /**
   * Observed edges, indexed by edge number minus the design's edge count, with a sparse adjacency:
   * outNodes lists the source nodes in ascending order, and the edges leaving outNodes[i] are
   * outEdges[outStart[i]] to outEdges[outStart[i + 1] - 1]; likewise for targets.
   */
  private record Observed(
      int[] sources,
      int[] targets,
      EdgeKind[] kinds,
      String[] observers,
      int[] outNodes,
      int[] outStart,
      int[] outEdges,
      int[] inNodes,
      int[] inStart,
      int[] inEdges) {

    static final Observed NONE =
        new Observed(
            new int[0],
            new int[0],
            new EdgeKind[0],
            new String[0],
            new int[0],
            new int[] {0},
            new int[0],
            new int[0],
            new int[] {0},
            new int[0]);

    int size() {
      return sources.length;
    }
  }

  TwinGraph(GraphBuilder.Parts b) {
    this.design = null;
    this.observed = Observed.NONE;
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

  /** Creates a design graph with observed edges added; see {@link #withObservedEdges}. */
  private TwinGraph(TwinGraph design, List<ObservedEdge> edges) {
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
    this.edgeSources = design.edgeSources;
    this.edgeTargets = design.edgeTargets;
    this.edgeKinds = design.edgeKinds;
    this.edgePaths = design.edgePaths;
    this.edgeLoops = design.edgeLoops;
    this.edgeConnections = design.edgeConnections;
    this.outStart = design.outStart;
    this.outEdges = design.outEdges;
    this.inStart = design.inStart;
    this.inEdges = design.inEdges;
    this.sortedEdges = design.sortedEdges;
    this.designEdgeCount = design.edgeSources.length;

    int count = edges.size();
    int[] sources = new int[count];
    int[] targets = new int[count];
    EdgeKind[] kinds = new EdgeKind[count];
    String[] observers = new String[count];
    for (int i = 0; i < count; i++) {
      ObservedEdge edge = edges.get(i);
      sources[i] = nodeIndex.get(edge.source());
      targets[i] = nodeIndex.get(edge.target());
      kinds[i] = edge.kind();
      observers[i] = edge.observer();
    }
    int[][] out = sparseAdjacency(sources, designEdgeCount);
    int[][] in = sparseAdjacency(targets, designEdgeCount);
    this.observed =
        new Observed(
            sources, targets, kinds, observers, out[0], out[1], out[2], in[0], in[1], in[2]);
  }

  /**
   * Returns the distinct end nodes in ascending order, the start of each node's run and the edge
   * numbers (offset plus index) grouped by node.
   */
  private static int[][] sparseAdjacency(int[] ends, int offset) {
    Integer[] order = new Integer[ends.length];
    for (int i = 0; i < ends.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (x, y) -> Integer.compare(ends[x], ends[y]));
    List<Integer> nodes = new ArrayList<>();
    List<Integer> starts = new ArrayList<>();
    int[] edges = new int[ends.length];
    for (int i = 0; i < order.length; i++) {
      int node = ends[order[i]];
      if (nodes.isEmpty() || nodes.get(nodes.size() - 1) != node) {
        nodes.add(node);
        starts.add(i);
      }
      edges[i] = offset + order[i];
    }
    starts.add(ends.length);
    return new int[][] {
      nodes.stream().mapToInt(Integer::intValue).toArray(),
      starts.stream().mapToInt(Integer::intValue).toArray(),
      edges
    };
  }

  /**
   * Returns this design graph with the observed edges added whose two nodes exist in it, skipping
   * an observed edge when a design edge of the same kind already joins the same nodes. Returns the
   * design graph itself when no observed edge applies.
   */
  public TwinGraph withObservedEdges(List<ObservedEdge> edges) {
    TwinGraph base = design();
    record Key(EdgeKind kind, int source, int target) {}
    Set<Key> applied = new HashSet<>();
    List<ObservedEdge> kept = new ArrayList<>();
    for (ObservedEdge edge : edges) {
      Integer source = base.nodeIndex.get(edge.source());
      Integer target = base.nodeIndex.get(edge.target());
      if (source == null || target == null || source.equals(target)) {
        continue;
      }
      if (base.hasEdge(source, target, edge.kind())) {
        continue;
      }
      if (applied.add(new Key(edge.kind(), source, target))) {
        kept.add(edge);
      }
    }
    return kept.isEmpty() ? base : new TwinGraph(base, kept);
  }

  /** Returns whether an edge of a kind leads from source to target. */
  private boolean hasEdge(int source, int target, EdgeKind kind) {
    for (int i = 0; i < outDegree(source); i++) {
      int edge = outEdge(source, i);
      if (edgeTarget(edge) == target && edgeKind(edge) == kind) {
        return true;
      }
    }
    return false;
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
    int order = nodeIds[edgeSource(x)].compareTo(nodeIds[edgeSource(y)]);
    if (order == 0) {
      order = nodeIds[edgeTarget(x)].compareTo(nodeIds[edgeTarget(y)]);
    }
    if (order == 0) {
      order = Integer.compare(edgeKind(x).getNumber(), edgeKind(y).getNumber());
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
    return nodeIds[edgeSource(edge)]
        + '\0'
        + nodeIds[edgeTarget(edge)]
        + '\0'
        + edgeKind(edge).getNumber()
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
    int order = nodeIds[edgeSource(edge)].compareTo(parts[0]);
    if (order == 0) {
      order = nodeIds[edgeTarget(edge)].compareTo(parts[1]);
    }
    if (order == 0) {
      order = Integer.compare(edgeKind(edge).getNumber(), Integer.parseInt(parts[2]));
    }
    if (order == 0) {
      order = connectionId(edge).compareTo(parts[3]);
    }
    return order;
  }

  /** Returns the design connection id of an edge, or empty for CONTAINS and observed edges. */
  public String connectionId(int edge) {
    Connection connection = edgeConnection(edge);
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
    return designEdgeCount + observed.size();
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
    if (observed.size() == 0) {
      return sortedEdges;
    }
    int[] merged = mergedSortedEdges;
    if (merged == null) {
      merged = mergeSortedEdges();
      mergedSortedEdges = merged;
    }
    return merged;
  }

  /** Merges the sorted observed edges into the design's sorted edges. */
  private int[] mergeSortedEdges() {
    Integer[] order = new Integer[observed.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = designEdgeCount + i;
    }
    Arrays.sort(order, this::compareEdges);
    int[] merged = new int[sortedEdges.length + order.length];
    int d = 0;
    int o = 0;
    for (int i = 0; i < merged.length; i++) {
      boolean takeDesign =
          o == order.length
              || (d < sortedEdges.length && compareEdges(sortedEdges[d], order[o]) <= 0);
      merged[i] = takeDesign ? sortedEdges[d++] : order[o++];
    }
    return merged;
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
    return edge < designEdgeCount ? edgeSources[edge] : observed.sources()[edge - designEdgeCount];
  }

  public int edgeTarget(int edge) {
    return edge < designEdgeCount ? edgeTargets[edge] : observed.targets()[edge - designEdgeCount];
  }

  public EdgeKind edgeKind(int edge) {
    return edge < designEdgeCount ? edgeKinds[edge] : observed.kinds()[edge - designEdgeCount];
  }

  /** Returns the power path of a FEEDS_POWER design edge; unspecified for observed edges. */
  public PowerPath edgePath(int edge) {
    return edge < designEdgeCount ? edgePaths[edge] : PowerPath.POWER_PATH_UNSPECIFIED;
  }

  /** Returns the coolant loop of a coolant design edge; unspecified for observed edges. */
  public CoolantLoop edgeLoop(int edge) {
    return edge < designEdgeCount ? edgeLoops[edge] : CoolantLoop.COOLANT_LOOP_UNSPECIFIED;
  }

  /** Returns the design connection of an edge, or null for CONTAINS and observed edges. */
  public Connection edgeConnection(int edge) {
    return edge < designEdgeCount ? edgeConnections[edge] : null;
  }

  /** Returns whether an edge comes from the design or was observed. */
  public EdgeOrigin edgeOrigin(int edge) {
    return edge < designEdgeCount ? EdgeOrigin.EDGE_ORIGIN_DESIGN : EdgeOrigin.EDGE_ORIGIN_OBSERVED;
  }

  /** Returns who recorded an observed edge first, or empty for a design edge. */
  public String edgeObserver(int edge) {
    return edge < designEdgeCount ? "" : observed.observers()[edge - designEdgeCount];
  }

  /** Number of edges leaving a node. */
  public int outDegree(int node) {
    int degree = outStart[node + 1] - outStart[node];
    return observed.size() == 0
        ? degree
        : degree + observedDegree(observed.outNodes(), observed.outStart(), node);
  }

  /** Returns the i-th edge leaving a node: the design's edges first, then the observed ones. */
  public int outEdge(int node, int i) {
    int degree = outStart[node + 1] - outStart[node];
    if (i < degree) {
      return outEdges[outStart[node] + i];
    }
    int at = Arrays.binarySearch(observed.outNodes(), node);
    return observed.outEdges()[observed.outStart()[at] + i - degree];
  }

  public int inDegree(int node) {
    int degree = inStart[node + 1] - inStart[node];
    return observed.size() == 0
        ? degree
        : degree + observedDegree(observed.inNodes(), observed.inStart(), node);
  }

  public int inEdge(int node, int i) {
    int degree = inStart[node + 1] - inStart[node];
    if (i < degree) {
      return inEdges[inStart[node] + i];
    }
    int at = Arrays.binarySearch(observed.inNodes(), node);
    return observed.inEdges()[observed.inStart()[at] + i - degree];
  }

  private static int observedDegree(int[] nodes, int[] start, int node) {
    int at = Arrays.binarySearch(nodes, node);
    return at < 0 ? 0 : start[at + 1] - start[at];
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
