package io.factorytwin.lifecycle.service;

import io.factorytwin.lifecycle.model.ConnectionElement;
import io.factorytwin.lifecycle.model.EquipmentClass;
import io.factorytwin.lifecycle.model.GroupElement;
import io.factorytwin.lifecycle.model.PartRef;
import io.factorytwin.lifecycle.model.PlacementElement;
import io.factorytwin.lifecycle.model.PortDomain;
import io.factorytwin.lifecycle.model.RevisionState;
import io.factorytwin.lifecycle.service.Finding.Element;
import io.factorytwin.lifecycle.service.Finding.Kind;
import io.factorytwin.lifecycle.service.Finding.Severity;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The design rule checks. They run in memory over one revision's graph: placements become array
 * indices, connections become edge lists, and every rule is one pass over them, so the cost grows
 * linearly with the number of elements.
 *
 * <p>Loads are counted at the design operating point: a placement's own electrical load is its
 * part's design power (else its rated power) for every class that consumes power, and a rack's heat
 * equals its electrical load. A unit's load is shared equally among the connections that feed it,
 * and a feeder carries its own load plus its shares, so loads add up from the racks to the utility
 * feed and to heat rejection. Conversion losses (UPS, transformer efficiency) and the heat of pumps
 * and chiller compressors are not added.
 */
public final class DesignChecker {

  public static final String ENDPOINTS = "connection-endpoints-exist";
  public static final String DOMAIN_MATCH = "connection-domain-match";
  public static final String PORT_LIMIT = "port-connection-limit";
  public static final String POWER_PATH = "rack-power-path";
  public static final String COOLING_PATH = "rack-cooling-path";
  public static final String CAPACITY = "capacity-at-redundancy";
  public static final String ORPHAN = "orphan-equipment";
  public static final String RELEASED_PARTS = "released-parts-only";

  /** Every rule id, in the order of the contract's Finding.rule comment. */
  public static final List<String> RULES =
      List.of(
          ENDPOINTS,
          DOMAIN_MATCH,
          PORT_LIMIT,
          POWER_PATH,
          COOLING_PATH,
          CAPACITY,
          ORPHAN,
          RELEASED_PARTS);

  /** Classes whose rated power is an output rating, so they consume no power of their own. */
  private static final Set<EquipmentClass> SUPPLY_CLASSES =
      EnumSet.of(
          EquipmentClass.UTILITY_FEED,
          EquipmentClass.GENERATOR,
          EquipmentClass.SWITCHGEAR,
          EquipmentClass.TRANSFORMER,
          EquipmentClass.UPS,
          EquipmentClass.REMOTE_POWER_PANEL,
          EquipmentClass.PDU,
          EquipmentClass.BUSWAY,
          EquipmentClass.BATTERY,
          EquipmentClass.POWER_METER);

  private static final Set<EquipmentClass> POWER_SOURCES =
      EnumSet.of(EquipmentClass.UTILITY_FEED, EquipmentClass.GENERATOR);

  private static final Set<EquipmentClass> HEAT_REJECTION =
      EnumSet.of(EquipmentClass.CHILLER, EquipmentClass.DRY_COOLER, EquipmentClass.COOLING_TOWER);

  /** Classes whose electrical load is compared with their rated power. */
  private static final Set<EquipmentClass> POWER_RATED =
      EnumSet.of(EquipmentClass.REMOTE_POWER_PANEL, EquipmentClass.UPS, EquipmentClass.TRANSFORMER);

  /** Classes whose heat load is compared with their cooling capacity. */
  private static final Set<EquipmentClass> COOLING_RATED =
      EnumSet.of(
          EquipmentClass.CDU,
          EquipmentClass.CHILLER,
          EquipmentClass.DRY_COOLER,
          EquipmentClass.COOLING_TOWER);

  /** Load in kW that a rating may be exceeded by before a finding, against rounding. */
  private static final double TOLERANCE_KW = 1e-6;

  /**
   * The graph of one revision.
   *
   * @param parts the part revisions the placements use; a missing entry is a part revision that
   *     does not exist
   */
  public record Graph(
      Collection<PlacementElement> placements,
      Collection<ConnectionElement> connections,
      List<GroupElement> groups,
      Map<PartRef, PartInfo> parts) {}

  private final Graph graph;
  private final Set<String> rules;
  private final List<Finding> findings = new ArrayList<>();

  private final int count;
  private final String[] ids;
  private final PartInfo[] parts;
  private final Map<String, Integer> index;
  private final boolean[] connected;

  /** Electrical and cooling-supply edges of valid connections: sources, targets, domains. */
  private final Edges electrical = new Edges();

  private final Edges cooling = new Edges();

  private DesignChecker(Graph graph, Set<String> rules) {
    this.graph = graph;
    this.rules = rules;
    count = graph.placements().size();
    ids = new String[count];
    parts = new PartInfo[count];
    index = HashMap.newHashMap(count);
    connected = new boolean[count];
    int i = 0;
    for (PlacementElement placement : graph.placements()) {
      ids[i] = placement.id();
      parts[i] = graph.parts().get(placement.part());
      index.put(placement.id(), i);
      i++;
    }
  }

  /**
   * Runs the given rules on a graph and returns every finding, errors first, then by element id.
   *
   * @param rules the rule ids to run; every id must be in {@link #RULES}
   */
  public static List<Finding> check(Graph graph, Set<String> rules) {
    DesignChecker checker = new DesignChecker(graph, rules);
    checker.checkConnections();
    if (rules.contains(POWER_PATH)) {
      checker.checkPaths(
          checker.electrical, POWER_SOURCES, POWER_PATH, "power", "utility feed or" + " generator");
    }
    if (rules.contains(COOLING_PATH)) {
      checker.checkPaths(
          checker.cooling,
          HEAT_REJECTION,
          COOLING_PATH,
          "cooling",
          "chiller, dry cooler or cooling tower");
    }
    if (rules.contains(CAPACITY)) {
      checker.checkCapacity();
    }
    if (rules.contains(ORPHAN)) {
      checker.checkOrphans();
    }
    if (rules.contains(RELEASED_PARTS)) {
      checker.checkReleasedParts(graph.placements());
    }
    List<Finding> result = checker.findings;
    result.sort(
        Comparator.comparing((Finding finding) -> finding.severity(), Comparator.reverseOrder())
            .thenComparing(finding -> finding.element().id())
            .thenComparing(Finding::rule));
    return result;
  }

  /** Growable edge lists in parallel int arrays. */
  private static final class Edges {
    int size;
    int[] sources = new int[1024];
    int[] targets = new int[1024];
    PortDomain[] domains = new PortDomain[1024];

    void add(int source, int target, PortDomain domain) {
      if (size == sources.length) {
        sources = java.util.Arrays.copyOf(sources, size * 2);
        targets = java.util.Arrays.copyOf(targets, size * 2);
        domains = java.util.Arrays.copyOf(domains, size * 2);
      }
      sources[size] = source;
      targets[size] = target;
      domains[size] = domain;
      size++;
    }

    /** Returns, per node, the edge indices that start at it (outgoing) or end at it. */
    int[][] byNode(int nodes, boolean outgoing) {
      int[] degree = new int[nodes];
      int[] ends = outgoing ? sources : targets;
      for (int e = 0; e < size; e++) {
        degree[ends[e]]++;
      }
      int[][] lists = new int[nodes][];
      for (int n = 0; n < nodes; n++) {
        lists[n] = new int[degree[n]];
        degree[n] = 0;
      }
      for (int e = 0; e < size; e++) {
        int node = ends[e];
        lists[node][degree[node]++] = e;
      }
      return lists;
    }
  }

  private void checkConnections() {
    Map<String, int[]> portUse = new HashMap<>();
    for (ConnectionElement connection : graph.connections()) {
      Element self = new Element(Kind.CONNECTION, connection.id());
      Integer source = index.get(connection.sourcePlacement());
      Integer target = index.get(connection.targetPlacement());
      if (source != null) {
        connected[source] = true;
      }
      if (target != null) {
        connected[target] = true;
      }
      PartInfo.Port sourcePort = port(source, connection.sourcePort());
      PartInfo.Port targetPort = port(target, connection.targetPort());
      String missing = missingEnd(connection, source, target, sourcePort, targetPort);
      if (missing != null) {
        add(ENDPOINTS, Severity.ERROR, self, missing, endsOf(connection));
        continue;
      }
      if (sourcePort.domain() != targetPort.domain()) {
        add(
            DOMAIN_MATCH,
            Severity.ERROR,
            self,
            "connection "
                + connection.id()
                + " joins port "
                + sourcePort.id()
                + " ("
                + sourcePort.domain()
                + ") to port "
                + targetPort.id()
                + " ("
                + targetPort.domain()
                + "); connect ports of one domain",
            endsOf(connection));
        continue;
      }
      portUse
          .computeIfAbsent(connection.sourcePlacement() + "\0" + sourcePort.id(), k -> new int[1])[
          0]++;
      portUse
          .computeIfAbsent(connection.targetPlacement() + "\0" + targetPort.id(), k -> new int[1])[
          0]++;
      if (sourcePort.domain() == PortDomain.ELECTRICAL) {
        electrical.add(source, target, PortDomain.ELECTRICAL);
      } else if (sourcePort.domain().isCoolingSupply()) {
        cooling.add(source, target, sourcePort.domain());
      }
    }
    if (rules.contains(PORT_LIMIT)) {
      checkPortLimits(portUse);
    }
  }

  private String missingEnd(
      ConnectionElement connection,
      Integer source,
      Integer target,
      PartInfo.Port sourcePort,
      PartInfo.Port targetPort) {
    if (source == null) {
      return "source placement " + connection.sourcePlacement() + " does not exist";
    }
    if (target == null) {
      return "target placement " + connection.targetPlacement() + " does not exist";
    }
    if (sourcePort == null) {
      return "source placement "
          + connection.sourcePlacement()
          + " has no port "
          + connection.sourcePort()
          + " in its part revision";
    }
    if (targetPort == null) {
      return "target placement "
          + connection.targetPlacement()
          + " has no port "
          + connection.targetPort()
          + " in its part revision";
    }
    return null;
  }

  private PartInfo.Port port(Integer placement, String portId) {
    if (placement == null || parts[placement] == null) {
      return null;
    }
    return parts[placement].ports().get(portId);
  }

  private void checkPortLimits(Map<String, int[]> portUse) {
    for (Map.Entry<String, int[]> use : portUse.entrySet()) {
      int separator = use.getKey().indexOf('\0');
      String placement = use.getKey().substring(0, separator);
      String portId = use.getKey().substring(separator + 1);
      PartInfo.Port port = parts[index.get(placement)].ports().get(portId);
      int connections = use.getValue()[0];
      if (connections > port.maxConnections()) {
        add(
            PORT_LIMIT,
            Severity.ERROR,
            new Element(Kind.PLACEMENT, placement),
            "port "
                + portId
                + " of "
                + placement
                + " has "
                + connections
                + " connections, above its limit of "
                + port.maxConnections(),
            List.of());
      }
    }
  }

  /** Marks every placement reachable from the start classes and reports each rack not reached. */
  private void checkPaths(
      Edges edges, Set<EquipmentClass> starts, String rule, String kind, String startText) {
    int[][] outgoing = edges.byNode(count, true);
    boolean[] reached = new boolean[count];
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    for (int n = 0; n < count; n++) {
      if (parts[n] != null && starts.contains(parts[n].equipmentClass())) {
        reached[n] = true;
        queue.add(n);
      }
    }
    while (!queue.isEmpty()) {
      int node = queue.poll();
      for (int e : outgoing[node]) {
        int next = edges.targets[e];
        if (!reached[next]) {
          reached[next] = true;
          queue.add(next);
        }
      }
    }
    for (int n = 0; n < count; n++) {
      if (!reached[n] && isRack(n)) {
        add(
            rule,
            Severity.ERROR,
            new Element(Kind.PLACEMENT, ids[n]),
            "rack "
                + ids[n]
                + " has no "
                + kind
                + " path from a "
                + startText
                + "; connect it through the "
                + kind
                + " chain",
            List.of());
      }
    }
  }

  private void checkCapacity() {
    double[] ownPower = new double[count];
    double[] liquidHeat = new double[count];
    double[] airHeat = new double[count];
    for (int n = 0; n < count; n++) {
      PartInfo part = parts[n];
      if (part == null || SUPPLY_CLASSES.contains(part.equipmentClass())) {
        continue;
      }
      ownPower[n] = part.loadKw();
      if (part.equipmentClass() == EquipmentClass.RACK_SYSTEM) {
        // A rack without a heat-to-liquid fraction is counted as fully liquid cooled.
        double fraction = part.heatToLiquidFraction() == null ? 1 : part.heatToLiquidFraction();
        liquidHeat[n] = part.loadKw() * fraction;
        airHeat[n] = part.loadKw() - liquidHeat[n];
      }
    }
    double[] power = accumulate(electrical, ownPower, null);
    double[] heat = accumulate(cooling, liquidHeat, airHeat);

    Map<Integer, GroupElement> grouped = new HashMap<>();
    for (GroupElement group : graph.groups()) {
      checkGroup(group, power, heat, grouped);
    }
    for (int n = 0; n < count; n++) {
      if (parts[n] == null || grouped.containsKey(n)) {
        continue;
      }
      EquipmentClass equipmentClass = parts[n].equipmentClass();
      if (POWER_RATED.contains(equipmentClass)) {
        checkUnit(n, power[n], parts[n].ratedPowerKw(), "rated power");
      } else if (COOLING_RATED.contains(equipmentClass)) {
        checkUnit(n, heat[n], parts[n].coolingCapacityKw(), "cooling capacity");
      }
    }
  }

  /**
   * Adds each node's load to its feeders, from the consumers upstream, in reverse topological order
   * of the edges (Kahn's algorithm). A node on a cycle is never ready; it is reported and its load
   * stays where it is.
   *
   * @param own the load each node has of its own; for cooling, a rack's heat to liquid
   * @param air for cooling, a rack's heat to air, which goes only to its airflow feeders; null for
   *     power
   * @return the total load of each node
   */
  private double[] accumulate(Edges edges, double[] own, double[] air) {
    int[][] incoming = edges.byNode(count, false);
    int[] pendingOutgoing = new int[count];
    for (int e = 0; e < edges.size; e++) {
      pendingOutgoing[edges.sources[e]]++;
    }
    double[] total = own.clone();
    ArrayDeque<Integer> ready = new ArrayDeque<>();
    for (int n = 0; n < count; n++) {
      if (pendingOutgoing[n] == 0) {
        ready.add(n);
      }
    }
    int done = 0;
    while (!ready.isEmpty()) {
      int node = ready.poll();
      done++;
      distribute(edges, incoming[node], node, total, air);
      for (int e : incoming[node]) {
        int feeder = edges.sources[e];
        if (--pendingOutgoing[feeder] == 0) {
          ready.add(feeder);
        }
      }
    }
    if (done < count) {
      for (int n = 0; n < count; n++) {
        if (pendingOutgoing[n] > 0) {
          add(
              CAPACITY,
              Severity.WARNING,
              new Element(Kind.PLACEMENT, ids[n]),
              ids[n]
                  + " is on a loop of supply connections, so its load cannot be counted;"
                  + " connections must point from supply to consumer",
              List.of());
        }
      }
    }
    return total;
  }

  /** Shares a node's load among the edges that feed it. */
  private void distribute(Edges edges, int[] feeds, int node, double[] total, double[] air) {
    if (feeds.length == 0) {
      return;
    }
    if (air == null || !isRack(node)) {
      double share = total[node] / feeds.length;
      for (int e : feeds) {
        total[edges.sources[e]] += share;
      }
      return;
    }
    int liquidFeeds = 0;
    int airFeeds = 0;
    for (int e : feeds) {
      if (edges.domains[e] == PortDomain.AIRFLOW) {
        airFeeds++;
      } else {
        liquidFeeds++;
      }
    }
    for (int e : feeds) {
      boolean airflow = edges.domains[e] == PortDomain.AIRFLOW;
      double share = airflow ? air[node] / airFeeds : total[node] / liquidFeeds;
      total[edges.sources[e]] += share;
    }
  }

  private void checkGroup(
      GroupElement group, double[] power, double[] heat, Map<Integer, GroupElement> grouped) {
    List<Integer> members = new ArrayList<>();
    for (String member : group.members()) {
      Integer n = index.get(member);
      if (n != null && parts[n] != null) {
        members.add(n);
      }
    }
    if (members.isEmpty()) {
      return;
    }
    EquipmentClass equipmentClass = parts[members.getFirst()].equipmentClass();
    boolean powerRated = POWER_RATED.contains(equipmentClass);
    if (!powerRated && !COOLING_RATED.contains(equipmentClass)) {
      return;
    }
    double load = 0;
    double smallestRating = Double.POSITIVE_INFINITY;
    for (int n : members) {
      grouped.put(n, group);
      load += powerRated ? power[n] : heat[n];
      Double rating = powerRated ? parts[n].ratedPowerKw() : parts[n].coolingCapacityKw();
      smallestRating = Math.min(smallestRating, rating == null ? 0 : rating);
    }
    int units = members.size();
    int usable =
        switch (group.redundancy()) {
          case UNSPECIFIED, N -> units;
          case N_PLUS_1 -> units - 1;
          case TWO_N -> units / 2;
        };
    double capacity = usable * smallestRating;
    if (load > capacity + TOLERANCE_KW) {
      add(
          CAPACITY,
          Severity.ERROR,
          new Element(Kind.REDUNDANCY_GROUP, group.id()),
          "group "
              + group.id()
              + " of "
              + units
              + " units carries "
              + kw(load)
              + " kW, above its "
              + kw(capacity)
              + " kW "
              + (powerRated ? "rated power" : "cooling capacity")
              + " at "
              + group.redundancy().label()
              + " ("
              + usable
              + " x "
              + kw(smallestRating)
              + " kW); add units or move load",
          members.stream().map(n -> new Element(Kind.PLACEMENT, ids[n])).toList());
    }
  }

  private void checkUnit(int n, double load, Double rating, String ratingName) {
    if (rating == null) {
      if (load > 0) {
        add(
            CAPACITY,
            Severity.WARNING,
            new Element(Kind.PLACEMENT, ids[n]),
            ids[n]
                + " carries "
                + kw(load)
                + " kW but its part revision has no "
                + ratingName
                + ", so its capacity is not checked",
            List.of());
      }
      return;
    }
    if (load > rating + TOLERANCE_KW) {
      add(
          CAPACITY,
          Severity.ERROR,
          new Element(Kind.PLACEMENT, ids[n]),
          ids[n]
              + " carries "
              + kw(load)
              + " kW, above its "
              + kw(rating)
              + " kW "
              + ratingName
              + " at N; add units or move load",
          List.of());
    }
  }

  private void checkOrphans() {
    for (int n = 0; n < count; n++) {
      if (!connected[n]) {
        add(
            ORPHAN,
            Severity.ERROR,
            new Element(Kind.PLACEMENT, ids[n]),
            ids[n] + " has no connection; connect it or remove it",
            List.of());
      }
    }
  }

  /** Reports each part revision that is not RELEASED once, with the number of its placements. */
  private void checkReleasedParts(Collection<PlacementElement> placements) {
    Map<PartRef, Integer> uses = new TreeMap<>(Comparator.comparing(PartRef::name));
    for (PlacementElement placement : placements) {
      uses.merge(placement.part(), 1, Integer::sum);
    }
    for (Map.Entry<PartRef, Integer> use : uses.entrySet()) {
      PartInfo part = graph.parts().get(use.getKey());
      String name = use.getKey().name();
      if (part == null) {
        add(
            RELEASED_PARTS,
            Severity.ERROR,
            new Element(Kind.PART_REVISION, name),
            use.getValue() + " placements use " + name + ", which does not exist",
            List.of());
      } else if (part.state() != RevisionState.RELEASED) {
        add(
            RELEASED_PARTS,
            Severity.ERROR,
            new Element(Kind.PART_REVISION, name),
            use.getValue()
                + " placements use "
                + name
                + ", which is "
                + part.state()
                + "; release it or substitute a released revision",
            List.of());
      }
    }
  }

  private boolean isRack(int n) {
    return parts[n] != null && parts[n].equipmentClass() == EquipmentClass.RACK_SYSTEM;
  }

  private void add(
      String rule, Severity severity, Element element, String message, List<Element> related) {
    if (rules.contains(rule)) {
      findings.add(new Finding(severity, element, rule, message, related));
    }
  }

  private static List<Element> endsOf(ConnectionElement connection) {
    return List.of(
        new Element(Kind.PLACEMENT, connection.sourcePlacement()),
        new Element(Kind.PLACEMENT, connection.targetPlacement()));
  }

  private static String kw(double value) {
    return String.format(Locale.ROOT, "%.0f", value);
  }
}
