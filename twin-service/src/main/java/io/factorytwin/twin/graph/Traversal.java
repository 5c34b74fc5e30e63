package io.factorytwin.twin.graph;

import io.factorytwin.twin.v1.CoolantLoop;
import io.factorytwin.twin.v1.EdgeKind;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Depth-first walks of a twin graph. A path ends where no further edge of the chosen kinds leads
 * on, at the maximum depth, or before a node it already holds, so cycles end paths instead of
 * repeating them.
 */
public final class Traversal {

  /** A path as node numbers and the edge numbers between them. */
  public record Path(int[] nodes, int[] edges) {}

  private final TwinGraph graph;
  private final boolean upstream;
  private final Set<EdgeKind> kinds;
  private final CoolantLoop loop;
  private final int maxDepth;
  private final int limit;
  private final List<Path> paths = new ArrayList<>();
  private final int[] nodeStack;
  private final int[] edgeStack;
  private final java.util.BitSet onPath;

  private Traversal(
      TwinGraph graph,
      boolean upstream,
      Set<EdgeKind> kinds,
      CoolantLoop loop,
      int maxDepth,
      int limit) {
    this.graph = graph;
    this.upstream = upstream;
    this.kinds = kinds;
    this.loop = loop;
    this.maxDepth = maxDepth;
    this.limit = limit;
    this.nodeStack = new int[maxDepth + 1];
    this.edgeStack = new int[maxDepth];
    this.onPath = new java.util.BitSet();
  }

  /**
   * Walks from a node and returns at most limit paths in depth-first order.
   *
   * @param kinds the edge kinds to follow; empty follows every kind but CONTAINS
   * @param loop the coolant loop to stay on; unspecified follows both
   */
  public static List<Path> walk(
      TwinGraph graph,
      int start,
      boolean upstream,
      Set<EdgeKind> kinds,
      CoolantLoop loop,
      int maxDepth,
      int limit) {
    Set<EdgeKind> followed = kinds;
    if (followed.isEmpty()) {
      followed = EnumSet.allOf(EdgeKind.class);
      followed.remove(EdgeKind.EDGE_KIND_CONTAINS);
      followed.remove(EdgeKind.EDGE_KIND_UNSPECIFIED);
      followed.remove(EdgeKind.UNRECOGNIZED);
    }
    Traversal walk = new Traversal(graph, upstream, followed, loop, maxDepth, limit);
    walk.visit(start, 0);
    return walk.paths;
  }

  private boolean follows(int edge) {
    if (!kinds.contains(graph.edgeKind(edge))) {
      return false;
    }
    CoolantLoop edgeLoop = graph.edgeLoop(edge);
    return loop == CoolantLoop.COOLANT_LOOP_UNSPECIFIED
        || edgeLoop == CoolantLoop.COOLANT_LOOP_UNSPECIFIED
        || edgeLoop == loop;
  }

  private void visit(int node, int depth) {
    if (paths.size() >= limit) {
      return;
    }
    nodeStack[depth] = node;
    onPath.set(node);
    boolean extended = false;
    if (depth < maxDepth) {
      int degree = upstream ? graph.inDegree(node) : graph.outDegree(node);
      for (int i = 0; i < degree && paths.size() < limit; i++) {
        int edge = upstream ? graph.inEdge(node, i) : graph.outEdge(node, i);
        if (!follows(edge)) {
          continue;
        }
        int next = upstream ? graph.edgeSource(edge) : graph.edgeTarget(edge);
        if (onPath.get(next)) {
          continue;
        }
        edgeStack[depth] = edge;
        extended = true;
        visit(next, depth + 1);
      }
    }
    if (!extended && paths.size() < limit) {
      paths.add(
          new Path(
              java.util.Arrays.copyOf(nodeStack, depth + 1),
              java.util.Arrays.copyOf(edgeStack, depth)));
    }
    onPath.clear(node);
  }
}
