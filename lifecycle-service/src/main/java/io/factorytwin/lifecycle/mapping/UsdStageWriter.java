package io.factorytwin.lifecycle.mapping;

import com.google.protobuf.InvalidProtocolBufferException;
import io.factorytwin.common.v1.Hall;
import io.factorytwin.common.v1.OnSiteGeneration;
import io.factorytwin.common.v1.OperatingSetpoints;
import io.factorytwin.common.v1.Orientation;
import io.factorytwin.common.v1.Placement;
import io.factorytwin.common.v1.Position;
import io.factorytwin.common.v1.PowerSource;
import io.factorytwin.common.v1.Row;
import io.factorytwin.common.v1.Site;
import io.factorytwin.lifecycle.model.Alternative;
import io.factorytwin.lifecycle.model.Area;
import io.factorytwin.lifecycle.model.ConnectionElement;
import io.factorytwin.lifecycle.model.DesignContent;
import io.factorytwin.lifecycle.model.PartRef;
import io.factorytwin.lifecycle.model.PartSubstitution;
import io.factorytwin.lifecycle.model.PlacementElement;
import io.factorytwin.lifecycle.model.PowerPath;
import io.factorytwin.lifecycle.model.Setpoints;
import io.factorytwin.lifecycle.service.UsdExportSource;
import io.factorytwin.support.usd.UsdLiterals;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Writes a design revision as a USD ASCII stage. The layout is described in the service's README:
 * one Xform prim per site, hall, row and placement under {@code /Site}, the element id in {@code
 * factorytwin:id}, the part spec as typed {@code factorytwin:} attributes, connections as
 * relationships on the source prim, and the alternatives as the variant set {@code alternative} on
 * the site prim.
 *
 * <p>The text goes to the writer prim by prim, so the writer keeps the elements in memory but never
 * the whole stage, and the time grows linearly with the number of placements and connections.
 */
public final class UsdStageWriter {

  /** Name of the root prim; a constant, so clients find the site without reading the layer. */
  public static final String SITE_PRIM = "Site";

  /** Name of the variant set that contains the alternatives. */
  public static final String VARIANT_SET = "alternative";

  /**
   * Variant that selects the revision itself. Alternative ids are lower case, so this name never
   * equals one.
   */
  public static final String BASE_VARIANT = "Base";

  /**
   * Default of OnSiteGeneration.system_efficiency_fraction as the contract states it, written when
   * a generator leaves it unset, because a USD array cannot hold a gap.
   */
  private static final double DEFAULT_SYSTEM_EFFICIENCY_FRACTION = 0.85;

  /** Buffered text is handed to the writer once it reaches this many characters. */
  private static final int FLUSH_CHARS = 16 * 1024;

  private static final String NS = "factorytwin";

  private final UsdExportSource source;
  private final boolean withAlternatives;
  private final Writer out;
  private final StringBuilder text = new StringBuilder(2 * FLUSH_CHARS);

  /** Spec attribute lines per part revision and nesting depth, rendered once each. */
  private final Map<PartRef, Map<Integer, String>> specLines = new HashMap<>();

  /** Connections grouped by source placement id, each list in connection id order. */
  private final Map<String, List<ConnectionElement>> outgoing = new HashMap<>();

  private final Map<String, Prim> primsById = new HashMap<>();

  /** A prim of the stage and where its content comes from. */
  private static final class Prim {
    final String name;
    final String path;
    final Map<String, Prim> children = new LinkedHashMap<>();
    Area hall;
    Area row;
    PlacementElement placement;

    Prim(String name, String path) {
      this.name = name;
      this.path = path;
    }

    Prim addChild(String segment) {
      String base = UsdLiterals.primName(segment);
      String unique = base;
      // Two kinds of element may share an id, such as a hall and a site-level placement. The one
      // that comes later in the fixed build order gets a numbered name.
      for (int n = 2; children.containsKey(unique); n++) {
        unique = base + "_" + n;
      }
      Prim child = new Prim(unique, path + "/" + unique);
      children.put(unique, child);
      return child;
    }
  }

  private UsdStageWriter(UsdExportSource source, boolean withAlternatives, Writer out) {
    this.source = source;
    this.withAlternatives = withAlternatives;
    this.out = out;
  }

  /**
   * Writes the stage of a revision.
   *
   * @param withAlternatives whether to write the variant set of the source's alternatives
   * @throws IOException when the writer fails; the stage is then incomplete
   */
  public static void write(UsdExportSource source, boolean withAlternatives, Writer out)
      throws IOException {
    new UsdStageWriter(source, withAlternatives, out).write();
  }

  private void write() throws IOException {
    DesignContent content = source.revision().revision().content();
    Prim site = buildTree(content);
    for (ConnectionElement connection : source.connections()) {
      outgoing
          .computeIfAbsent(connection.sourcePlacement(), id -> new ArrayList<>())
          .add(connection);
    }

    String revisionName = source.revision().revision().name();
    text.append("#usda 1.0\n(\n    defaultPrim = \"")
        .append(SITE_PRIM)
        .append("\"\n    doc = ")
        .append(UsdLiterals.string("Design revision " + revisionName + " from Factory Twin"))
        .append("\n    metersPerUnit = 1\n    upAxis = \"Z\"\n)\n\n");
    writeSite(site, content);
    flush(0);
  }

  private Prim buildTree(DesignContent content) {
    Prim site = new Prim(SITE_PRIM, "/" + SITE_PRIM);
    for (Area hall : content.halls()) {
      Prim prim = site.addChild(hall.id());
      prim.hall = hall;
      primsById.put(hall.id(), prim);
    }
    for (Area row : content.rows()) {
      Prim prim =
          container(site, PlacementElement.containerOf(row.id())).addChild(lastSegment(row.id()));
      prim.row = row;
      primsById.put(row.id(), prim);
    }
    Map<String, Prim> placements = new HashMap<>();
    for (PlacementElement placement : source.placements()) {
      Prim prim = container(site, placement.container()).addChild(lastSegment(placement.id()));
      prim.placement = placement;
      placements.put(placement.id(), prim);
    }
    // Connections name placements, so a placement id wins over a hall or row id with the same
    // text. The prim of that hall or row stays in the tree.
    primsById.putAll(placements);
    return site;
  }

  /** Returns the prim of a hall or row; the site for an empty or unknown container id. */
  private Prim container(Prim site, String containerId) {
    Prim prim = containerId.isEmpty() ? null : primsById.get(containerId);
    return prim != null && prim.placement == null ? prim : site;
  }

  private static String lastSegment(String id) {
    return id.substring(id.lastIndexOf('.') + 1);
  }

  private void writeSite(Prim site, DesignContent content) throws IOException {
    text.append("def Xform \"").append(site.name).append('"');
    if (withAlternatives) {
      text.append(" (\n    variants = {\n        string ")
          .append(VARIANT_SET)
          .append(" = \"")
          .append(BASE_VARIANT)
          .append("\"\n    }\n    prepend variantSets = \"")
          .append(VARIANT_SET)
          .append("\"\n)");
    }
    text.append("\n{\n");

    String indent = indent(1);
    token(indent, "kind", "site");
    string(indent, "designRevision", source.revision().revision().name());
    if (content.site() != null) {
      Site stored = parse(content.site(), "site");
      siteAttributes(indent, stored);
      if (stored.hasPowerSource()) {
        powerSourceAttributes(indent, stored.getPowerSource(), false);
      }
    }
    Setpoints setpoints = content.setpoints();
    if (!setpoints.equals(Setpoints.NONE)) {
      UsdMessageAttributes.append(
          text, indent, NS + ":setpoints", AlternativeMapper.setpoints(setpoints));
    }

    for (Prim child : site.children.values()) {
      text.append('\n');
      writePrim(child, 1);
    }
    if (withAlternatives) {
      text.append('\n');
      writeVariants(indent);
    }
    text.append("}\n");
  }

  private void writePrim(Prim prim, int depth) throws IOException {
    String indent = indent(depth);
    String inner = indent(depth + 1);
    text.append(indent).append("def Xform \"").append(prim.name).append("\"\n");
    text.append(indent).append("{\n");
    if (prim.placement != null) {
      placementAttributes(inner, prim.placement, depth + 1);
    } else if (prim.hall != null) {
      Hall hall = parseHall(prim.hall);
      areaAttributes(inner, hall.getId(), "hall", hall.getDisplayName());
      transform(inner, hall.getPosition(), hall.getOrientation());
    } else {
      Row row = parseRow(prim.row);
      areaAttributes(inner, row.getId(), "row", row.getDisplayName());
      transform(inner, row.getPosition(), row.getOrientation());
    }
    for (Prim child : prim.children.values()) {
      text.append('\n');
      writePrim(child, depth + 1);
    }
    text.append(indent).append("}\n");
    flush(FLUSH_CHARS);
  }

  private void areaAttributes(String indent, String id, String kind, String displayName) {
    string(indent, "id", id);
    token(indent, "kind", kind);
    if (!displayName.isEmpty()) {
      string(indent, "displayName", displayName);
    }
  }

  private void placementAttributes(String indent, PlacementElement placement, int depth) {
    string(indent, "id", placement.id());
    token(indent, "kind", "equipment");
    string(indent, "displayName", placement.displayName());
    string(indent, "partRevision", placement.part().name());
    UsdExportSource.UsedPart part = source.parts().get(placement.part());
    if (part != null) {
      token(indent, "equipmentClass", part.equipmentClass().name());
    }
    Map<String, String> labels = new TreeMap<>(parsePlacementLabels(placement));
    if (!labels.isEmpty()) {
      stringArray(indent, "labelKeys", labels.keySet());
      stringArray(indent, "labelValues", labels.values());
    }
    if (part != null && part.spec() != null) {
      text.append(
          specLines
              .computeIfAbsent(placement.part(), ref -> new HashMap<>())
              .computeIfAbsent(depth, level -> specText(part, indent)));
    }
    transform(
        indent,
        Position.newBuilder()
            .setXM(placement.xM())
            .setYM(placement.yM())
            .setZM(placement.zM())
            .build(),
        Orientation.newBuilder().setYawDeg(placement.yawDeg()).build());
    relationships(indent, outgoing.getOrDefault(placement.id(), List.of()));
  }

  private static String specText(UsdExportSource.UsedPart part, String indent) {
    StringBuilder lines = new StringBuilder();
    UsdMessageAttributes.append(lines, indent, NS, PartMapper.decodeSpec(part.spec()));
    return lines.toString();
  }

  /**
   * Writes translate and then rotate about z, so a point of the prim is first turned by the yaw and
   * then moved to the position, in the parent's frame.
   */
  private void transform(String indent, Position position, Orientation orientation) {
    text.append(indent)
        .append("double3 xformOp:translate = (")
        .append(UsdLiterals.number(position.getXM()))
        .append(", ")
        .append(UsdLiterals.number(position.getYM()))
        .append(", ")
        .append(UsdLiterals.number(position.getZM()))
        .append(")\n");
    text.append(indent)
        .append("double3 xformOp:rotateXYZ = (0, 0, ")
        .append(UsdLiterals.number(orientation.getYawDeg()))
        .append(")\n");
    text.append(indent)
        .append("uniform token[] xformOpOrder = [\"xformOp:translate\", \"xformOp:rotateXYZ\"]\n");
  }

  /**
   * Writes one relationship per connection kind, targets in connection id order without repeats. A
   * connection whose target is not a placement of the revision is left out, so every target names a
   * prim of the stage.
   */
  private void relationships(String indent, List<ConnectionElement> connections) {
    if (connections.isEmpty()) {
      return;
    }
    Map<String, Set<String>> targets = new TreeMap<>();
    for (ConnectionElement connection : connections) {
      Prim target = primsById.get(connection.targetPlacement());
      if (target == null || target.placement == null) {
        continue;
      }
      targets
          .computeIfAbsent(relationshipName(connection), name -> new LinkedHashSet<>())
          .add(target.path);
    }
    for (Map.Entry<String, Set<String>> relationship : targets.entrySet()) {
      text.append(indent).append("rel ").append(NS).append(':').append(relationship.getKey());
      text.append(" = [");
      boolean first = true;
      for (String path : relationship.getValue()) {
        text.append(first ? "<" : ", <").append(path).append('>');
        first = false;
      }
      text.append("]\n");
    }
  }

  /** Returns the relationship name of a connection, without the namespace. */
  static String relationshipName(ConnectionElement connection) {
    return switch (connection.domain()) {
      case ELECTRICAL ->
          connection.powerPath() == PowerPath.UNSPECIFIED
              ? "feedsPower"
              : "feedsPowerPath" + connection.powerPath().name();
      case TCS_SUPPLY -> "suppliesTcs";
      case TCS_RETURN -> "returnsTcs";
      case FACILITY_WATER_SUPPLY -> "suppliesFacilityWater";
      case FACILITY_WATER_RETURN -> "returnsFacilityWater";
      case AIRFLOW -> "suppliesAir";
      case NETWORK -> "connectsNetwork";
    };
  }

  private void siteAttributes(String indent, Site site) {
    string(indent, "displayName", site.getDisplayName());
    number(indent, "latitudeDeg", site.getLatitudeDeg());
    number(indent, "longitudeDeg", site.getLongitudeDeg());
    number(indent, "elevationM", site.getElevationM());
    string(indent, "weatherDataSet", site.getWeatherDataSet());
  }

  /**
   * Writes a power source. In a variant every attribute is written, empty ones included, so no
   * value of the base site shows through the alternative's power source.
   */
  private void powerSourceAttributes(String indent, PowerSource power, boolean inVariant) {
    if (inVariant || !power.getGridRegion().isEmpty()) {
      string(indent, "powerSource:gridRegion", power.getGridRegion());
    }
    List<OnSiteGeneration> generation = power.getOnSiteGenerationList();
    if (generation.isEmpty() && !inVariant) {
      return;
    }
    List<String> kinds = new ArrayList<>();
    List<Double> capacities = new ArrayList<>();
    List<Double> efficiencies = new ArrayList<>();
    for (OnSiteGeneration generator : generation) {
      kinds.add(UsdMessageAttributes.enumToken(generator.getKind().getValueDescriptor()));
      capacities.add(generator.getCapacityKw());
      efficiencies.add(
          generator.hasSystemEfficiencyFraction()
              ? generator.getSystemEfficiencyFraction()
              : DEFAULT_SYSTEM_EFFICIENCY_FRACTION);
    }
    String prefix = "powerSource:onSiteGeneration:";
    tokenArray(indent, prefix + "kind", kinds);
    numberArray(indent, prefix + "capacityKw", capacities);
    numberArray(indent, prefix + "systemEfficiencyFraction", efficiencies);
  }

  /**
   * Writes the variant set: the base variant, empty, then one variant per alternative with the
   * site, power source and setpoints it changes. NOTE: part substitutions are listed on the site
   * prim of the variant; the placement prims keep the base revision's part and spec.
   */
  private void writeVariants(String indent) throws IOException {
    String variantIndent = indent(2);
    String inner = indent(3);
    text.append(indent).append("variantSet \"").append(VARIANT_SET).append("\" = {\n");
    text.append(variantIndent).append('"').append(BASE_VARIANT).append("\" {\n");
    text.append(variantIndent).append("}\n");
    for (Alternative alternative : source.alternatives()) {
      text.append(variantIndent);
      UsdLiterals.appendString(text, alternative.alternativeId);
      text.append(" {\n");
      string(inner, "alternative:displayName", alternative.displayName);
      if (!alternative.description.isEmpty()) {
        string(inner, "alternative:description", alternative.description);
      }
      string(inner, "alternative:baseRevision", alternative.baseRevision);
      Site site = alternative.site == null ? null : parse(alternative.site, "alternative site");
      if (site != null) {
        siteAttributes(inner, site);
      }
      PowerSource power =
          alternative.powerSource != null
              ? parsePowerSource(alternative.powerSource)
              : site != null ? site.getPowerSource() : null;
      if (power != null) {
        powerSourceAttributes(inner, power, true);
      }
      Setpoints setpoints = alternative.setpoints();
      if (!setpoints.equals(Setpoints.NONE)) {
        OperatingSetpoints operating = AlternativeMapper.setpoints(setpoints);
        UsdMessageAttributes.append(text, inner, NS + ":setpoints", operating);
      }
      List<PartSubstitution> substitutions = PartSubstitution.decode(alternative.partSubstitutions);
      if (!substitutions.isEmpty()) {
        stringArray(
            inner,
            "alternative:partSubstitutions:from",
            substitutions.stream().map(substitution -> substitution.from().name()).toList());
        stringArray(
            inner,
            "alternative:partSubstitutions:to",
            substitutions.stream().map(substitution -> substitution.to().name()).toList());
      }
      text.append(variantIndent).append("}\n");
      flush(FLUSH_CHARS);
    }
    text.append(indent).append("}\n");
  }

  private void string(String indent, String name, String value) {
    text.append(indent).append("custom string ").append(NS).append(':').append(name).append(" = ");
    UsdLiterals.appendString(text, value);
    text.append('\n');
  }

  private void token(String indent, String name, String value) {
    text.append(indent).append("custom token ").append(NS).append(':').append(name).append(" = ");
    UsdLiterals.appendString(text, value);
    text.append('\n');
  }

  private void number(String indent, String name, double value) {
    text.append(indent)
        .append("custom double ")
        .append(NS)
        .append(':')
        .append(name)
        .append(" = ")
        .append(UsdLiterals.number(value))
        .append('\n');
  }

  private void stringArray(String indent, String name, Iterable<String> values) {
    array(indent, "string[]", name, values);
  }

  private void tokenArray(String indent, String name, Iterable<String> values) {
    array(indent, "token[]", name, values);
  }

  private void array(String indent, String type, String name, Iterable<String> values) {
    text.append(indent).append("custom ").append(type).append(' ').append(NS).append(':');
    text.append(name).append(" = [");
    boolean first = true;
    for (String value : values) {
      text.append(first ? "" : ", ");
      UsdLiterals.appendString(text, value);
      first = false;
    }
    text.append("]\n");
  }

  private void numberArray(String indent, String name, List<Double> values) {
    text.append(indent).append("custom double[] ").append(NS).append(':').append(name);
    text.append(" = [");
    for (int i = 0; i < values.size(); i++) {
      text.append(i == 0 ? "" : ", ").append(UsdLiterals.number(values.get(i)));
    }
    text.append("]\n");
  }

  private void flush(int threshold) throws IOException {
    if (text.length() >= threshold) {
      out.append(text);
      text.setLength(0);
    }
  }

  private static String indent(int depth) {
    return "    ".repeat(depth);
  }

  private Site parse(byte[] encoded, String what) {
    try {
      return Site.parseFrom(encoded);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(
          "stored " + what + " of " + source.revision().revision().name() + " is unreadable", e);
    }
  }

  private static PowerSource parsePowerSource(byte[] encoded) {
    try {
      return PowerSource.parseFrom(encoded);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("stored power source of an alternative is unreadable", e);
    }
  }

  private static Hall parseHall(Area hall) {
    try {
      return Hall.parseFrom(hall.encoded());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("stored hall " + hall.id() + " is unreadable", e);
    }
  }

  private static Row parseRow(Area row) {
    try {
      return Row.parseFrom(row.encoded());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("stored row " + row.id() + " is unreadable", e);
    }
  }

  private static Map<String, String> parsePlacementLabels(PlacementElement placement) {
    try {
      return Placement.parseFrom(placement.labels()).getLabelsMap();
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("stored labels of " + placement.id() + " are unreadable", e);
    }
  }
}
