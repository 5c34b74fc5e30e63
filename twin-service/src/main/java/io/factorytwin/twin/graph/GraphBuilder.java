package io.factorytwin.twin.graph;

import io.factorytwin.common.v1.Connection;
import io.factorytwin.common.v1.EquipmentClass;
import io.factorytwin.common.v1.Hall;
import io.factorytwin.common.v1.OperatingSetpoints;
import io.factorytwin.common.v1.Orientation;
import io.factorytwin.common.v1.Placement;
import io.factorytwin.common.v1.PortDomain;
import io.factorytwin.common.v1.PortSpec;
import io.factorytwin.common.v1.Position;
import io.factorytwin.common.v1.PowerPath;
import io.factorytwin.common.v1.RedundancyGroup;
import io.factorytwin.common.v1.Row;
import io.factorytwin.common.v1.Site;
import io.factorytwin.support.error.InvalidArgumentException;
import io.factorytwin.support.error.InvalidArgumentException.FieldViolation;
import io.factorytwin.twin.v1.CoolantLoop;
import io.factorytwin.twin.v1.DesignChunk;
import io.factorytwin.twin.v1.DesignPart;
import io.factorytwin.twin.v1.EdgeKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the graph of a twin revision from the chunks of a design. It checks what the twin relies
 * on and reports the first ten problems with the path of the offending element, such as {@code
 * chunks[2].placements[17].part_revision}; a chunk's index is its sequence number.
 *
 * <p>Connections become edges by the domain of their ports: electrical to FEEDS_POWER, TCS and
 * facility water supply to SUPPLIES_COOLANT, their returns to RETURNS_COOLANT, airflow to
 * COOLS_AIR, and a network connection from a power meter or sensor to MEASURES. Other network
 * connections carry no power or heat and are left out of the graph.
 */
public final class GraphBuilder {

  private static final int MAX_VIOLATIONS = 10;

  /** What a {@link TwinGraph} is made of; filled by the builder. */
  static final class Parts {
    String twinId;
    String revisionId;
    String designRevision;
    Site site;
    OperatingSetpoints setpoints = OperatingSetpoints.getDefaultInstance();
    String[] nodeIds;
    EquipmentClass[] classes;
    int[] parents;
    int[] parts;
    String[] displayNames;
    Position[] positions;
    Orientation[] orientations;
    Map<String, String>[] labels;
    Map<String, Integer> nodeIndex;
    DesignPart[] partList;
    RedundancyGroup[] groups;
    int[][] groupMembers;
    int[][] nodeGroups;
    int[] edgeSources;
    int[] edgeTargets;
    EdgeKind[] edgeKinds;
    PowerPath[] edgePaths;
    CoolantLoop[] edgeLoops;
    Connection[] edgeConnections;
  }

  private final List<FieldViolation> violations = new ArrayList<>();

  private GraphBuilder() {}

  /**
   * Builds the graph.
   *
   * @throws InvalidArgumentException with reason INVALID_FIELD when the design is inconsistent
   */
  public static TwinGraph build(
      String twinId, String revisionId, String designRevision, List<DesignChunk> chunks) {
    return new GraphBuilder().run(twinId, revisionId, designRevision, chunks);
  }

  @SuppressWarnings("unchecked")
  private TwinGraph run(
      String twinId, String revisionId, String designRevision, List<DesignChunk> chunks) {
    Parts b = new Parts();
    b.twinId = twinId;
    b.revisionId = revisionId;
    b.designRevision = designRevision;

    Map<String, Integer> partIndex = new HashMap<>();
    List<DesignPart> partList = new ArrayList<>();
    int nodeTotal = 1;
    for (DesignChunk chunk : chunks) {
      nodeTotal += chunk.getHallsCount() + chunk.getRowsCount() + chunk.getPlacementsCount();
    }
    String[] ids = new String[nodeTotal];
    EquipmentClass[] classes = new EquipmentClass[nodeTotal];
    int[] parents = new int[nodeTotal];
    int[] parts = new int[nodeTotal];
    String[] names = new String[nodeTotal];
    Position[] positions = new Position[nodeTotal];
    Orientation[] orientations = new Orientation[nodeTotal];
    Map<String, String>[] labels = new Map[nodeTotal];
    Map<String, Integer> index = new HashMap<>(nodeTotal * 2);

    ids[0] = TwinGraph.SITE_ID;
    classes[0] = EquipmentClass.EQUIPMENT_CLASS_SITE;
    parents[0] = -1;
    parts[0] = -1;
    positions[0] = Position.getDefaultInstance();
    orientations[0] = Orientation.getDefaultInstance();
    index.put(TwinGraph.SITE_ID, 0);
    int next = 1;

    for (DesignChunk chunk : chunks) {
      String at = "chunks[" + chunk.getSequence() + "]";
      if (chunk.hasSite()) {
        if (b.site != null) {
          violation(at + ".site", "the site must be sent in exactly one chunk");
        }
        b.site = chunk.getSite();
        names[0] = chunk.getSite().getDisplayName();
      }
      if (chunk.hasSetpoints()) {
        b.setpoints = chunk.getSetpoints();
      }
      for (int i = 0; i < chunk.getPartsCount(); i++) {
        DesignPart part = chunk.getParts(i);
        if (part.getEquipmentClass() == EquipmentClass.EQUIPMENT_CLASS_UNSPECIFIED
            || part.getEquipmentClassValue() < 0
            || EquipmentClass.forNumber(part.getEquipmentClassValue()) == null) {
          violation(at + ".parts[" + i + "].equipment_class", "required: a known equipment class");
        }
        specViolations(part.getSpec(), at + ".parts[" + i + "].spec");
        if (partIndex.putIfAbsent(part.getPartRevision(), partList.size()) != null) {
          violation(at + ".parts[" + i + "].part_revision", "duplicate " + part.getPartRevision());
        } else {
          partList.add(part);
        }
      }
    }
    if (b.site == null) {
      violation("chunks[].site", "required in exactly one chunk");
    }
    for (DesignChunk chunk : chunks) {
      String at = "chunks[" + chunk.getSequence() + "]";
      for (int i = 0; i < chunk.getHallsCount(); i++) {
        Hall hall = chunk.getHalls(i);
        next =
            addNode(
                index,
                ids,
                classes,
                parents,
                parts,
                names,
                positions,
                orientations,
                next,
                hall.getId(),
                EquipmentClass.EQUIPMENT_CLASS_HALL,
                hall.getDisplayName(),
                hall.getPosition(),
                hall.getOrientation(),
                at + ".halls[" + i + "].id");
      }
    }
    for (DesignChunk chunk : chunks) {
      String at = "chunks[" + chunk.getSequence() + "]";
      for (int i = 0; i < chunk.getRowsCount(); i++) {
        Row row = chunk.getRows(i);
        next =
            addNode(
                index,
                ids,
                classes,
                parents,
                parts,
                names,
                positions,
                orientations,
                next,
                row.getId(),
                EquipmentClass.EQUIPMENT_CLASS_ROW,
                row.getDisplayName(),
                row.getPosition(),
                row.getOrientation(),
                at + ".rows[" + i + "].id");
      }
    }
    for (DesignChunk chunk : chunks) {
      String at = "chunks[" + chunk.getSequence() + "]";
      for (int i = 0; i < chunk.getPlacementsCount(); i++) {
        Placement placement = chunk.getPlacements(i);
        String field = at + ".placements[" + i + "]";
        String id = placement.getId();
        String derived = id.lastIndexOf('.') < 0 ? "" : id.substring(0, id.lastIndexOf('.'));
        if (!placement.getContainer().isEmpty() && !placement.getContainer().equals(derived)) {
          violation(
              field + ".container",
              "is derived from the id and must be '" + derived + "' or empty");
        }
        Integer part = partIndex.get(placement.getPartRevision());
        if (part == null) {
          violation(
              field + ".part_revision",
              "no chunk carries part revision '" + placement.getPartRevision() + "'");
          continue;
        }
        int node = next;
        next =
            addNode(
                index,
                ids,
                classes,
                parents,
                parts,
                names,
                positions,
                orientations,
                next,
                placement.getId(),
                partList.get(part).getEquipmentClass(),
                placement.getDisplayName(),
                placement.getPosition(),
                placement.getOrientation(),
                field + ".id");
        if (next > node) {
          parts[node] = part;
          if (placement.getLabelsCount() > 0) {
            labels[node] = placement.getLabelsMap();
          }
        }
      }
    }
    int nodes = next;
    // Parents from the ids: a row's hall, a placement's hall or row, or the site.
    for (int n = 1; n < nodes; n++) {
      String id = ids[n];
      int dot = id.lastIndexOf('.');
      if (dot < 0) {
        parents[n] = 0;
        continue;
      }
      Integer parent = index.get(id.substring(0, dot));
      if (parent == null
          || (classes[parent] != EquipmentClass.EQUIPMENT_CLASS_HALL
              && classes[parent] != EquipmentClass.EQUIPMENT_CLASS_ROW)) {
        violation("nodes." + id, "its container '" + id.substring(0, dot) + "' is no hall or row");
        parents[n] = 0;
      } else {
        parents[n] = parent;
      }
    }

    List<RedundancyGroup> groups = new ArrayList<>();
    List<int[]> groupMembers = new ArrayList<>();
    Map<String, Integer> groupIds = new HashMap<>();
    for (DesignChunk chunk : chunks) {
      String at = "chunks[" + chunk.getSequence() + "]";
      for (int i = 0; i < chunk.getRedundancyGroupsCount(); i++) {
        RedundancyGroup group = chunk.getRedundancyGroups(i);
        String field = at + ".redundancy_groups[" + i + "]";
        if (groupIds.putIfAbsent(group.getId(), groups.size()) != null) {
          violation(field + ".id", "duplicate group id '" + group.getId() + "'");
          continue;
        }
        int[] members = new int[group.getMembersCount()];
        for (int m = 0; m < members.length; m++) {
          Integer member = index.get(group.getMembers(m));
          if (member == null) {
            violation(field + ".members[" + m + "]", "no placement '" + group.getMembers(m) + "'");
            member = 0;
          }
          members[m] = member;
        }
        groups.add(group);
        groupMembers.add(members);
      }
    }
    int[] groupCount = new int[nodes];
    for (int[] members : groupMembers) {
      for (int m : members) {
        groupCount[m]++;
      }
    }
    int[][] nodeGroups = new int[nodes][];
    int[] empty = new int[0];
    for (int n = 0; n < nodes; n++) {
      nodeGroups[n] = groupCount[n] == 0 ? empty : new int[groupCount[n]];
      groupCount[n] = 0;
    }
    for (int g = 0; g < groupMembers.size(); g++) {
      for (int m : groupMembers.get(g)) {
        nodeGroups[m][groupCount[m]++] = g;
      }
    }

    java.util.Set<String> connectionIds = new java.util.HashSet<>();
    for (DesignChunk chunk : chunks) {
      for (int i = 0; i < chunk.getConnectionsCount(); i++) {
        String id = chunk.getConnections(i).getId();
        if (!id.isEmpty() && !connectionIds.add(id)) {
          violation(
              "chunks[" + chunk.getSequence() + "].connections[" + i + "].id",
              "duplicate connection id '" + id + "'; an element appears once in the stream");
        }
      }
    }
    EdgeList edges = new EdgeList(nodes * 2);
    for (int n = 1; n < nodes; n++) {
      edges.add(parents[n], n, EdgeKind.EDGE_KIND_CONTAINS, null, null, null);
    }
    for (DesignChunk chunk : chunks) {
      String at = "chunks[" + chunk.getSequence() + "]";
      for (int i = 0; i < chunk.getConnectionsCount(); i++) {
        connection(
            chunk.getConnections(i),
            at + ".connections[" + i + "]",
            index,
            classes,
            parts,
            partList,
            edges);
      }
    }
    if (!violations.isEmpty()) {
      throw new InvalidArgumentException(violations);
    }

    b.nodeIds = trim(ids, nodes, new String[0]);
    b.classes = trim(classes, nodes, new EquipmentClass[0]);
    b.parents = java.util.Arrays.copyOf(parents, nodes);
    b.parts = java.util.Arrays.copyOf(parts, nodes);
    for (int n = 0; n < nodes; n++) {
      if (names[n] == null || names[n].isEmpty()) {
        String id = ids[n];
        names[n] = id.substring(id.lastIndexOf('.') + 1);
      }
    }
    b.displayNames = trim(names, nodes, new String[0]);
    b.positions = trim(positions, nodes, new Position[0]);
    b.orientations = trim(orientations, nodes, new Orientation[0]);
    b.labels = java.util.Arrays.copyOf(labels, nodes);
    b.nodeIndex = index;
    b.partList = partList.toArray(new DesignPart[0]);
    b.groups = groups.toArray(new RedundancyGroup[0]);
    b.groupMembers = groupMembers.toArray(new int[0][]);
    b.nodeGroups = nodeGroups;
    edges.fill(b);
    return new TwinGraph(b);
  }

  private static <T> T[] trim(T[] array, int length, T[] type) {
    return array.length == length ? array : java.util.Arrays.copyOf(array, length);
  }

  private int addNode(
      Map<String, Integer> index,
      String[] ids,
      EquipmentClass[] classes,
      int[] parents,
      int[] parts,
      String[] names,
      Position[] positions,
      Orientation[] orientations,
      int next,
      String id,
      EquipmentClass equipmentClass,
      String displayName,
      Position position,
      Orientation orientation,
      String field) {
    if (id.isEmpty()) {
      violation(field, "required");
      return next;
    }
    if (index.putIfAbsent(id, next) != null) {
      violation(field, "duplicate id '" + id + "'");
      return next;
    }
    ids[next] = id;
    classes[next] = equipmentClass;
    parents[next] = 0;
    parts[next] = -1;
    names[next] = displayName;
    positions[next] = position;
    orientations[next] = orientation;
    return next + 1;
  }

  private void connection(
      Connection connection,
      String field,
      Map<String, Integer> index,
      EquipmentClass[] classes,
      int[] parts,
      List<DesignPart> partList,
      EdgeList edges) {
    Integer source = index.get(connection.getSourcePlacement());
    Integer target = index.get(connection.getTargetPlacement());
    if (source == null || parts[source] < 0) {
      violation(
          field + ".source_placement", "no placement '" + connection.getSourcePlacement() + "'");
      return;
    }
    if (target == null || parts[target] < 0) {
      violation(
          field + ".target_placement", "no placement '" + connection.getTargetPlacement() + "'");
      return;
    }
    PortSpec sourcePort = port(partList.get(parts[source]), connection.getSourcePort());
    PortSpec targetPort = port(partList.get(parts[target]), connection.getTargetPort());
    if (sourcePort == null) {
      violation(field + ".source_port", "no port '" + connection.getSourcePort() + "' on its part");
      return;
    }
    if (targetPort == null) {
      violation(field + ".target_port", "no port '" + connection.getTargetPort() + "' on its part");
      return;
    }
    PortDomain domain = sourcePort.getDomain();
    if (targetPort.getDomain() != domain) {
      violation(
          field + ".target_port",
          "domain "
              + targetPort.getDomain()
              + " differs from the source port's "
              + domain
              + "; a connection joins ports of one domain");
      return;
    }
    if (connection.getDomain() != PortDomain.PORT_DOMAIN_UNSPECIFIED
        && connection.getDomain() != domain) {
      violation(field + ".domain", "differs from the domain of its ports, " + domain);
      return;
    }
    PowerPath path = connection.getPowerPath();
    if (path == PowerPath.POWER_PATH_UNSPECIFIED) {
      path = targetPort.getPowerPath();
    }
    if (path == PowerPath.POWER_PATH_UNSPECIFIED) {
      path = sourcePort.getPowerPath();
    }
    switch (domain) {
      case PORT_DOMAIN_ELECTRICAL ->
          edges.add(source, target, EdgeKind.EDGE_KIND_FEEDS_POWER, path, null, connection);
      case PORT_DOMAIN_TCS_SUPPLY ->
          edges.add(
              source,
              target,
              EdgeKind.EDGE_KIND_SUPPLIES_COOLANT,
              null,
              CoolantLoop.COOLANT_LOOP_TCS,
              connection);
      case PORT_DOMAIN_TCS_RETURN ->
          edges.add(
              source,
              target,
              EdgeKind.EDGE_KIND_RETURNS_COOLANT,
              null,
              CoolantLoop.COOLANT_LOOP_TCS,
              connection);
      case PORT_DOMAIN_FACILITY_WATER_SUPPLY ->
          edges.add(
              source,
              target,
              EdgeKind.EDGE_KIND_SUPPLIES_COOLANT,
              null,
              CoolantLoop.COOLANT_LOOP_FACILITY_WATER,
              connection);
      case PORT_DOMAIN_FACILITY_WATER_RETURN ->
          edges.add(
              source,
              target,
              EdgeKind.EDGE_KIND_RETURNS_COOLANT,
              null,
              CoolantLoop.COOLANT_LOOP_FACILITY_WATER,
              connection);
      case PORT_DOMAIN_AIRFLOW ->
          edges.add(source, target, EdgeKind.EDGE_KIND_COOLS_AIR, null, null, connection);
      case PORT_DOMAIN_NETWORK -> {
        EquipmentClass sourceClass = classes[source];
        if (sourceClass == EquipmentClass.EQUIPMENT_CLASS_POWER_METER
            || sourceClass == EquipmentClass.EQUIPMENT_CLASS_SENSOR) {
          edges.add(source, target, EdgeKind.EDGE_KIND_MEASURES, null, null, connection);
        }
      }
      default -> violation(field, "its ports have no domain");
    }
  }

  /** Power, capacity and flow figures must be finite and not negative; fractions within [0, 1]. */
  private void specViolations(io.factorytwin.common.v1.EquipmentSpec spec, String field) {
    nonNegative(spec.hasRatedPowerKw(), spec.getRatedPowerKw(), field + ".rated_power_kw");
    nonNegative(spec.hasDesignPowerKw(), spec.getDesignPowerKw(), field + ".design_power_kw");
    nonNegative(
        spec.hasCoolingCapacityKw(), spec.getCoolingCapacityKw(), field + ".cooling_capacity_kw");
    nonNegative(
        spec.hasCoolantFlowLpmPerKw(),
        spec.getCoolantFlowLpmPerKw(),
        field + ".coolant_flow_lpm_per_kw");
    if (spec.hasHeatToLiquidFraction()
        && !(spec.getHeatToLiquidFraction() >= 0 && spec.getHeatToLiquidFraction() <= 1)) {
      violation(field + ".heat_to_liquid_fraction", "must lie in [0, 1]");
    }
    for (String temperature : List.of("supply_temperature_min_c", "supply_temperature_max_c")) {
      var descriptor = spec.getDescriptorForType().findFieldByName(temperature);
      if (spec.hasField(descriptor) && !Double.isFinite((Double) spec.getField(descriptor))) {
        violation(field + "." + temperature, "must be finite");
      }
    }
  }

  private void nonNegative(boolean present, double value, String field) {
    if (present && !(Double.isFinite(value) && value >= 0)) {
      violation(field, "must be finite and not negative");
    }
  }

  private static PortSpec port(DesignPart part, String portId) {
    for (PortSpec port : part.getPortsList()) {
      if (port.getId().equals(portId)) {
        return port;
      }
    }
    return null;
  }

  private void violation(String field, String description) {
    if (violations.size() < MAX_VIOLATIONS) {
      violations.add(new FieldViolation(field, description));
    }
  }

  /** Growable parallel arrays of edges. */
  private static final class EdgeList {
    int size;
    int[] sources;
    int[] targets;
    EdgeKind[] kinds;
    PowerPath[] paths;
    CoolantLoop[] loops;
    Connection[] connections;

    EdgeList(int capacity) {
      capacity = Math.max(capacity, 16);
      sources = new int[capacity];
      targets = new int[capacity];
      kinds = new EdgeKind[capacity];
      paths = new PowerPath[capacity];
      loops = new CoolantLoop[capacity];
      connections = new Connection[capacity];
    }

    void add(
        int source,
        int target,
        EdgeKind kind,
        PowerPath path,
        CoolantLoop loop,
        Connection connection) {
      if (size == sources.length) {
        int capacity = size * 2;
        sources = java.util.Arrays.copyOf(sources, capacity);
        targets = java.util.Arrays.copyOf(targets, capacity);
        kinds = java.util.Arrays.copyOf(kinds, capacity);
        paths = java.util.Arrays.copyOf(paths, capacity);
        loops = java.util.Arrays.copyOf(loops, capacity);
        connections = java.util.Arrays.copyOf(connections, capacity);
      }
      sources[size] = source;
      targets[size] = target;
      kinds[size] = kind;
      paths[size] = path == null ? PowerPath.POWER_PATH_UNSPECIFIED : path;
      loops[size] = loop == null ? CoolantLoop.COOLANT_LOOP_UNSPECIFIED : loop;
      connections[size] = connection;
      size++;
    }

    void fill(Parts b) {
      b.edgeSources = java.util.Arrays.copyOf(sources, size);
      b.edgeTargets = java.util.Arrays.copyOf(targets, size);
      b.edgeKinds = java.util.Arrays.copyOf(kinds, size);
      b.edgePaths = java.util.Arrays.copyOf(paths, size);
      b.edgeLoops = java.util.Arrays.copyOf(loops, size);
      b.edgeConnections = java.util.Arrays.copyOf(connections, size);
    }
  }
}
