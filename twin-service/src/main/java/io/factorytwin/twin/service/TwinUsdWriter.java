package io.factorytwin.twin.service;

import io.factorytwin.common.v1.EquipmentClass;
import io.factorytwin.common.v1.PowerPath;
import io.factorytwin.support.usd.UsdLiterals;
import io.factorytwin.twin.graph.PointTemplate;
import io.factorytwin.twin.graph.TwinGraph;
import io.factorytwin.twin.v1.CoolantLoop;
import io.factorytwin.twin.v1.EdgeKind;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Writes a twin revision as an OpenUSD text stage with the prim layout of lifecycle-service's
 * design export: one Xform per node under {@code /Site}, named after the last segment of its id,
 * with {@code factorytwin:id}, the equipment class and the transform, and one relationship per edge
 * kind on the edge's source. Each point is a {@code custom double factorytwin:point:<name>}
 * attribute whose time samples are its values; time codes are facility time in seconds since the
 * Unix epoch. The output depends only on the graph and the values passed in, so the same inputs
 * give the same bytes.
 */
public final class TwinUsdWriter {

  /** The values of one point to write: facility times in epoch milliseconds, oldest first. */
  public record Samples(long[] times, double[] values) {}

  private final TwinGraph graph;
  private final String[] paths;

  private TwinUsdWriter(TwinGraph graph) {
    this.graph = graph;
    this.paths = new String[graph.nodeCount()];
  }

  /**
   * Writes the stage.
   *
   * @param samples the samples of a point number, or null for a point without values
   */
  public static String write(
      TwinGraph graph, long asOfMillis, java.util.function.IntFunction<Samples> samples) {
    return new TwinUsdWriter(graph).stage(asOfMillis, samples);
  }

  private String stage(long asOfMillis, java.util.function.IntFunction<Samples> samples) {
    List<List<Integer>> children = new ArrayList<>();
    for (int n = 0; n < graph.nodeCount(); n++) {
      children.add(new ArrayList<>());
    }
    for (int n : graph.sortedNodes()) {
      if (graph.parent(n) >= 0) {
        children.get(graph.parent(n)).add(n);
      }
    }
    assignPaths(0, "/Site", children);
    StringBuilder out = new StringBuilder(1 << 16);
    out.append("#usda 1.0\n(\n    defaultPrim = \"Site\"\n    metersPerUnit = 1\n")
        .append(
            "    upAxis = \"Z\"\n    customLayerData = {\n        string \"factorytwin:twin\" = ")
        .append(UsdLiterals.string("twins/" + graph.twinId()))
        .append("\n        string \"factorytwin:revision\" = ")
        .append(UsdLiterals.string("twins/" + graph.twinId() + "/revisions/" + graph.revisionId()))
        .append("\n        string \"factorytwin:designRevision\" = ")
        .append(UsdLiterals.string(graph.designRevision()))
        .append("\n        double \"factorytwin:asOfFacilityTimeSeconds\" = ")
        .append(UsdLiterals.number(asOfMillis / 1000.0))
        .append("\n    }\n)\n\n");
    prim(out, 0, "", children, samples);
    return out.toString();
  }

  private void assignPaths(int node, String path, List<List<Integer>> children) {
    paths[node] = path;
    Set<String> used = new HashSet<>();
    for (int child : children.get(node)) {
      String id = graph.nodeId(child);
      String base = UsdLiterals.primName(id.substring(id.lastIndexOf('.') + 1));
      String name = base;
      for (int i = 2; !used.add(name); i++) {
        name = base + "_" + i;
      }
      assignPaths(child, path + "/" + name, children);
    }
  }

  private void prim(
      StringBuilder out,
      int node,
      String indent,
      List<List<Integer>> children,
      java.util.function.IntFunction<Samples> samples) {
    String name = paths[node].substring(paths[node].lastIndexOf('/') + 1);
    String inner = indent + "    ";
    out.append(indent)
        .append("def Xform \"")
        .append(name)
        .append("\"\n")
        .append(indent)
        .append("{\n");
    line(out, inner, "custom string factorytwin:id = " + UsdLiterals.string(graph.nodeId(node)));
    EquipmentClass equipmentClass = graph.equipmentClass(node);
    line(
        out,
        inner,
        "custom string factorytwin:equipmentClass = "
            + UsdLiterals.string(equipmentClass.name().replace("EQUIPMENT_CLASS_", "")));
    var position = graph.position(node);
    line(
        out,
        inner,
        "double3 xformOp:translate = ("
            + UsdLiterals.number(position.getXM())
            + ", "
            + UsdLiterals.number(position.getYM())
            + ", "
            + UsdLiterals.number(position.getZM())
            + ")");
    line(
        out,
        inner,
        "double3 xformOp:rotateXYZ = (0, 0, "
            + UsdLiterals.number(graph.orientation(node).getYawDeg())
            + ")");
    line(
        out,
        inner,
        "uniform token[] xformOpOrder = [\"xformOp:translate\", \"xformOp:rotateXYZ\"]");
    List<PointTemplate> templates = graph.templates(node);
    for (int t = 0; t < templates.size(); t++) {
      Samples values = samples.apply(graph.firstPoint(node) + t);
      if (values == null || values.times().length == 0) {
        continue;
      }
      String attribute =
          "custom double factorytwin:point:"
              + UsdLiterals.primName(templates.get(t).suffix().replace('.', '-'));
      out.append(inner).append(attribute).append(".timeSamples = {\n");
      for (int i = 0; i < values.times().length; i++) {
        out.append(inner)
            .append("    ")
            .append(UsdLiterals.number(values.times()[i] / 1000.0))
            .append(": ")
            .append(UsdLiterals.number(values.values()[i]))
            .append(",\n");
      }
      out.append(inner).append("}\n");
    }
    relationships(out, inner, node);
    for (int child : children.get(node)) {
      out.append('\n');
      prim(out, child, inner, children, samples);
    }
    out.append(indent).append("}\n");
  }

  private void relationships(StringBuilder out, String indent, int node) {
    Map<String, List<String>> targets = new TreeMap<>();
    for (int i = 0; i < graph.outDegree(node); i++) {
      int edge = graph.outEdge(node, i);
      String name = relationship(edge);
      if (name == null) {
        continue;
      }
      targets.computeIfAbsent(name, key -> new ArrayList<>()).add(paths[graph.edgeTarget(edge)]);
    }
    for (Map.Entry<String, List<String>> entry : targets.entrySet()) {
      List<String> unique = entry.getValue().stream().distinct().sorted().toList();
      StringBuilder line =
          new StringBuilder("rel factorytwin:").append(entry.getKey()).append(" = [");
      for (int i = 0; i < unique.size(); i++) {
        line.append(i == 0 ? "<" : ", <").append(unique.get(i)).append('>');
      }
      line.append(']');
      line(out, indent, line.toString());
    }
  }

  private String relationship(int edge) {
    EdgeKind kind = graph.edgeKind(edge);
    boolean tcs = graph.edgeLoop(edge) == CoolantLoop.COOLANT_LOOP_TCS;
    return switch (kind) {
      case EDGE_KIND_FEEDS_POWER ->
          graph.edgePath(edge) == PowerPath.POWER_PATH_A
              ? "feedsPowerPathA"
              : graph.edgePath(edge) == PowerPath.POWER_PATH_B ? "feedsPowerPathB" : "feedsPower";
      case EDGE_KIND_SUPPLIES_COOLANT -> tcs ? "suppliesTcs" : "suppliesFacilityWater";
      case EDGE_KIND_RETURNS_COOLANT -> tcs ? "returnsTcs" : "returnsFacilityWater";
      case EDGE_KIND_COOLS_AIR -> "suppliesAir";
      case EDGE_KIND_MEASURES -> "measures";
      default -> null;
    };
  }

  private static void line(StringBuilder out, String indent, String text) {
    out.append(indent).append(text).append('\n');
  }
}
