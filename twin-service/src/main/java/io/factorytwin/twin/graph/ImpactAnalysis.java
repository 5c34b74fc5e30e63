package io.factorytwin.twin.graph;

import static io.factorytwin.common.v1.EquipmentClass.*;

import io.factorytwin.common.v1.EquipmentClass;
import io.factorytwin.common.v1.EquipmentSpec;
import io.factorytwin.common.v1.Redundancy;
import io.factorytwin.twin.v1.CoolantLoop;
import io.factorytwin.twin.v1.EdgeKind;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.WeakHashMap;
import java.util.function.IntFunction;

/**
 * Which racks lose power or cooling when some nodes fail, given the redundancy the design declares.
 *
 * <p>Connectivity first: a node has power when it is not failed and is a utility feed or generator,
 * or has a FEEDS_POWER edge from a node with power; a node has cooling when it is not failed and is
 * heat rejection (dry cooler, cooling tower, chiller) without a coolant supply of its own, or has a
 * SUPPLIES_COOLANT edge from a node with cooling. A rack with feeds but none of them live loses
 * power; a rack with TCS supplies but none of them live loses cooling; a rack that keeps some but
 * not all of its feeds or supplies has its redundancy reduced.
 *
 * <p>Capacity second: a redundancy group is on a rack's path when one of its members is upstream of
 * the rack. A member that failed or lost its own supply is lost. The surviving capacity of a 2N
 * group is its largest surviving member, since each side must carry the whole load alone; of an N
 * or N+1 group, the sum of its surviving members. When a group that lost members can no longer
 * carry its load, its racks lose power (electrical groups) or cooling (coolant and air groups). The
 * load of a group is the design power of the racks downstream of its members: all of it for
 * electrical groups, the heat-to-liquid fraction for coolant groups, the rest for air groups.
 */
public final class ImpactAnalysis {

  /** The effect on one rack. */
  public record RackResult(
      int rack,
      boolean losesPower,
      boolean losesCooling,
      boolean redundancyReduced,
      String reason,
      List<Integer> causes,
      Double marginKw,
      Double marginFraction) {}

  /** The effect on one group that lost members. */
  public record GroupResult(
      int group,
      Redundancy redundancy,
      List<Integer> lostMembers,
      double remainingKw,
      double loadKw) {}

  /** The outcome of one analysis. */
  public record Result(List<RackResult> racks, List<GroupResult> groups, int evaluatedRacks) {}

  private enum Domain {
    POWER,
    LIQUID,
    AIR
  }

  private static final Set<EquipmentClass> POWER_SOURCES =
      EnumSet.of(EQUIPMENT_CLASS_UTILITY_FEED, EQUIPMENT_CLASS_GENERATOR);
  private static final Set<EquipmentClass> HEAT_REJECTION =
      EnumSet.of(
          EQUIPMENT_CLASS_DRY_COOLER, EQUIPMENT_CLASS_COOLING_TOWER, EQUIPMENT_CLASS_CHILLER);
  private static final Set<EquipmentClass> LIQUID_CLASSES =
      EnumSet.of(
          EQUIPMENT_CLASS_CDU,
          EQUIPMENT_CLASS_DRY_COOLER,
          EQUIPMENT_CLASS_COOLING_TOWER,
          EQUIPMENT_CLASS_CHILLER,
          EQUIPMENT_CLASS_PUMP);

  /** Rack counts and design loads per group, computed once per graph. */
  private static final Map<TwinGraph, Model> MODELS =
      Collections.synchronizedMap(new WeakHashMap<>());

  private record Model(int rackCount, Domain[] domains, double[] designLoads, int[][] groupRacks) {}

  private final TwinGraph graph;
  private final BitSet failed = new BitSet();
  private final byte[] power;
  private final byte[] cooling;
  private final IntFunction<Double> liveRackPower;

  private ImpactAnalysis(TwinGraph graph, IntFunction<Double> liveRackPower) {
    this.graph = graph;
    this.power = new byte[graph.nodeCount()];
    this.cooling = new byte[graph.nodeCount()];
    this.liveRackPower = liveRackPower;
  }

  /**
   * Analyses a failure.
   *
   * @param failedNodes node numbers assumed failed
   * @param liveRackPower the live power of a rack in kW, or null to use its design power; null
   *     itself for the design basis
   */
  public static Result analyze(
      TwinGraph graph, int[] failedNodes, IntFunction<Double> liveRackPower) {
    ImpactAnalysis analysis = new ImpactAnalysis(graph, liveRackPower);
    for (int node : failedNodes) {
      analysis.failed.set(node);
    }
    return analysis.run();
  }

  private Result run() {
    Model model = MODELS.computeIfAbsent(graph, ImpactAnalysis::model);
    // Only racks downstream of a failed node can be affected.
    BitSet downstream = new BitSet();
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    for (int n = failed.nextSetBit(0); n >= 0; n = failed.nextSetBit(n + 1)) {
      downstream.set(n);
      queue.add(n);
    }
    while (!queue.isEmpty()) {
      int node = queue.poll();
      for (int i = 0; i < graph.outDegree(node); i++) {
        int edge = graph.outEdge(node, i);
        if (carries(graph.edgeKind(edge)) && !downstream.get(graph.edgeTarget(edge))) {
          downstream.set(graph.edgeTarget(edge));
          queue.add(graph.edgeTarget(edge));
        }
      }
    }
    List<RackResult> racks = new ArrayList<>();
    Map<Integer, GroupResult> touched = new TreeMap<>();
    List<Integer> candidates = new ArrayList<>();
    for (int n = downstream.nextSetBit(0); n >= 0; n = downstream.nextSetBit(n + 1)) {
      if (graph.equipmentClass(n) == EQUIPMENT_CLASS_RACK_SYSTEM) {
        candidates.add(n);
      }
    }
    candidates.sort((a, b) -> graph.nodeId(a).compareTo(graph.nodeId(b)));
    for (int rack : candidates) {
      RackResult result = rack(rack, model, touched);
      if (result != null) {
        racks.add(result);
      }
    }
    List<GroupResult> groups = new ArrayList<>(touched.values());
    groups.sort((a, b) -> graph.group(a.group()).getId().compareTo(graph.group(b.group()).getId()));
    return new Result(racks, groups, model.rackCount());
  }

  private static boolean carries(EdgeKind kind) {
    return kind == EdgeKind.EDGE_KIND_FEEDS_POWER
        || kind == EdgeKind.EDGE_KIND_SUPPLIES_COOLANT
        || kind == EdgeKind.EDGE_KIND_COOLS_AIR;
  }

  private RackResult rack(int rack, Model model, Map<Integer, GroupResult> touched) {
    List<String> reasons = new ArrayList<>();
    boolean losesPower = false;
    boolean losesCooling = false;
    boolean reduced = false;
    if (failed.get(rack)) {
      return new RackResult(
          rack, true, true, false, "the rack itself failed", List.of(rack), null, null);
    }
    int[] feeds =
        liveInputs(rack, EdgeKind.EDGE_KIND_FEEDS_POWER, CoolantLoop.COOLANT_LOOP_UNSPECIFIED);
    if (feeds[0] > 0 && feeds[1] == 0) {
      losesPower = true;
      reasons.add("all " + feeds[0] + " power feeds are cut");
    } else if (feeds[1] < feeds[0]) {
      reduced = true;
      reasons.add((feeds[0] - feeds[1]) + " of " + feeds[0] + " power feeds cut");
    }
    int[] supplies =
        liveInputs(rack, EdgeKind.EDGE_KIND_SUPPLIES_COOLANT, CoolantLoop.COOLANT_LOOP_TCS);
    if (supplies[0] > 0 && supplies[1] == 0) {
      losesCooling = true;
      reasons.add("all " + supplies[0] + " coolant supplies are cut");
    } else if (supplies[1] < supplies[0]) {
      reduced = true;
      reasons.add((supplies[0] - supplies[1]) + " of " + supplies[0] + " coolant supplies cut");
    }
    int[] air =
        liveInputs(rack, EdgeKind.EDGE_KIND_COOLS_AIR, CoolantLoop.COOLANT_LOOP_UNSPECIFIED);
    if (air[0] > 0 && air[1] == 0) {
      losesCooling = true;
      reasons.add("all " + air[0] + " air coolers are lost");
    } else if (air[1] < air[0]) {
      reduced = true;
      reasons.add((air[0] - air[1]) + " of " + air[0] + " air coolers lost");
    }

    BitSet upstream = upstream(rack);
    TreeSet<Integer> causes = new TreeSet<>((a, b) -> graph.nodeId(a).compareTo(graph.nodeId(b)));
    Double margin = null;
    Double marginFraction = null;
    TreeSet<Integer> groupsOnPath = new TreeSet<>();
    for (int n = upstream.nextSetBit(0); n >= 0; n = upstream.nextSetBit(n + 1)) {
      if (failed.get(n)) {
        causes.add(n);
      }
      for (int g : graph.nodeGroups(n)) {
        groupsOnPath.add(g);
      }
    }
    for (int g : groupsOnPath) {
      GroupResult group = group(g, model);
      double left = group.remainingKw() - group.loadKw();
      if (!group.lostMembers().isEmpty()) {
        touched.putIfAbsent(g, group);
        String id = graph.group(g).getId();
        if (left < 0) {
          if (model.domains()[g] == Domain.POWER) {
            losesPower = true;
          } else {
            losesCooling = true;
          }
          reasons.add(
              String.format(
                  java.util.Locale.ROOT,
                  "group %s has %.0f kW left for %.0f kW of load",
                  id,
                  group.remainingKw(),
                  group.loadKw()));
        } else {
          reduced = true;
          reasons.add(
              String.format(
                  java.util.Locale.ROOT,
                  "group %s lost %d of %d members",
                  id,
                  group.lostMembers().size(),
                  graph.groupMembers(g).length));
        }
      }
      if (margin == null || left < margin) {
        margin = left;
        marginFraction = group.remainingKw() > 0 ? left / group.remainingKw() : null;
      }
    }
    if (!losesPower && !losesCooling && !reduced) {
      return null;
    }
    if (losesPower || losesCooling) {
      margin = null;
      marginFraction = null;
    }
    String reason = String.join("; ", reasons);
    if (!causes.isEmpty()) {
      List<String> names = causes.stream().map(graph::nodeId).toList();
      reason += " (failed: " + String.join(", ", names) + ")";
    }
    return new RackResult(
        rack,
        losesPower,
        losesCooling,
        reduced && !losesPower && !losesCooling,
        reason,
        List.copyOf(causes),
        margin,
        marginFraction);
  }

  /** Counts of a rack's inputs of one kind: {all, live}. */
  private int[] liveInputs(int rack, EdgeKind kind, CoolantLoop loop) {
    int all = 0;
    int live = 0;
    for (int i = 0; i < graph.inDegree(rack); i++) {
      int edge = graph.inEdge(rack, i);
      if (graph.edgeKind(edge) != kind
          || (loop != CoolantLoop.COOLANT_LOOP_UNSPECIFIED && graph.edgeLoop(edge) != loop)) {
        continue;
      }
      all++;
      int source = graph.edgeSource(edge);
      if (kind == EdgeKind.EDGE_KIND_FEEDS_POWER ? hasPower(source) : hasCooling(source)) {
        live++;
      }
    }
    return new int[] {all, live};
  }

  /** Nodes upstream of a node along power, coolant supply and air edges. */
  private BitSet upstream(int start) {
    BitSet seen = new BitSet();
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    queue.add(start);
    while (!queue.isEmpty()) {
      int node = queue.poll();
      for (int i = 0; i < graph.inDegree(node); i++) {
        int edge = graph.inEdge(node, i);
        int source = graph.edgeSource(edge);
        if (carries(graph.edgeKind(edge)) && !seen.get(source)) {
          seen.set(source);
          queue.add(source);
        }
      }
    }
    return seen;
  }

  // Memo states: 0 unknown, 1 being computed (a cycle counts as no supply), 2 no, 3 yes.
  private boolean hasPower(int node) {
    if (power[node] >= 2) {
      return power[node] == 3;
    }
    if (power[node] == 1 || failed.get(node)) {
      return false;
    }
    boolean live = POWER_SOURCES.contains(graph.equipmentClass(node));
    power[node] = 1;
    for (int i = 0; !live && i < graph.inDegree(node); i++) {
      int edge = graph.inEdge(node, i);
      live =
          graph.edgeKind(edge) == EdgeKind.EDGE_KIND_FEEDS_POWER
              && hasPower(graph.edgeSource(edge));
    }
    power[node] = (byte) (live ? 3 : 2);
    return live;
  }

  private boolean hasCooling(int node) {
    if (cooling[node] >= 2) {
      return cooling[node] == 3;
    }
    if (cooling[node] == 1 || failed.get(node)) {
      return false;
    }
    cooling[node] = 1;
    boolean supplied = false;
    boolean live = false;
    for (int i = 0; !live && i < graph.inDegree(node); i++) {
      int edge = graph.inEdge(node, i);
      if (graph.edgeKind(edge) == EdgeKind.EDGE_KIND_SUPPLIES_COOLANT) {
        supplied = true;
        live = hasCooling(graph.edgeSource(edge));
      }
    }
    if (!supplied) {
      // Heat rejection needs no coolant supply; a CRAH or CDU without one is a design gap, and
      // the design checks, not the impact analysis, report it.
      live =
          HEAT_REJECTION.contains(graph.equipmentClass(node))
              || graph.equipmentClass(node) == EQUIPMENT_CLASS_CRAH;
    }
    cooling[node] = (byte) (live ? 3 : 2);
    return live;
  }

  private GroupResult group(int g, Model model) {
    int[] members = graph.groupMembers(g);
    Domain domain = model.domains()[g];
    List<Integer> lost = new ArrayList<>();
    double sum = 0;
    double largest = 0;
    for (int member : members) {
      boolean live = domain == Domain.POWER ? hasPower(member) : hasCooling(member);
      if (!live) {
        lost.add(member);
        continue;
      }
      double capacity = capacity(member, domain);
      sum += capacity;
      largest = Math.max(largest, capacity);
    }
    Redundancy redundancy = graph.group(g).getRedundancy();
    double remaining = redundancy == Redundancy.REDUNDANCY_2N ? largest : sum;
    double load = model.designLoads()[g];
    if (liveRackPower != null) {
      load = 0;
      for (int rack : model.groupRacks()[g]) {
        load += rackLoad(rack, domain, liveRackPower);
      }
    }
    return new GroupResult(g, redundancy, List.copyOf(lost), remaining, load);
  }

  private double capacity(int node, Domain domain) {
    EquipmentSpec spec = graph.spec(node);
    if (domain != Domain.POWER && spec.hasCoolingCapacityKw()) {
      return spec.getCoolingCapacityKw();
    }
    return spec.hasRatedPowerKw() ? spec.getRatedPowerKw() : 0;
  }

  private double rackLoad(int rack, Domain domain, IntFunction<Double> live) {
    EquipmentSpec spec = graph.spec(rack);
    Double measured = live == null ? null : live.apply(rack);
    double kw =
        measured != null
            ? measured
            : spec.hasDesignPowerKw()
                ? spec.getDesignPowerKw()
                : spec.hasRatedPowerKw() ? spec.getRatedPowerKw() : 0;
    double toLiquid = spec.hasHeatToLiquidFraction() ? spec.getHeatToLiquidFraction() : 1;
    return switch (domain) {
      case POWER -> kw;
      case LIQUID -> kw * toLiquid;
      case AIR -> kw * (1 - toLiquid);
    };
  }

  private static Model model(TwinGraph graph) {
    int racks = 0;
    for (int n = 0; n < graph.nodeCount(); n++) {
      if (graph.equipmentClass(n) == EQUIPMENT_CLASS_RACK_SYSTEM) {
        racks++;
      }
    }
    int groups = graph.groupCount();
    Domain[] domains = new Domain[groups];
    double[] loads = new double[groups];
    int[][] groupRacks = new int[groups][];
    ImpactAnalysis design = new ImpactAnalysis(graph, null);
    for (int g = 0; g < groups; g++) {
      int[] members = graph.groupMembers(g);
      EquipmentClass memberClass =
          members.length == 0 ? EQUIPMENT_CLASS_UNSPECIFIED : graph.equipmentClass(members[0]);
      Domain domain =
          LIQUID_CLASSES.contains(memberClass)
              ? Domain.LIQUID
              : memberClass == EQUIPMENT_CLASS_CRAH ? Domain.AIR : Domain.POWER;
      domains[g] = domain;
      EdgeKind kind =
          switch (domain) {
            case POWER -> EdgeKind.EDGE_KIND_FEEDS_POWER;
            case LIQUID -> EdgeKind.EDGE_KIND_SUPPLIES_COOLANT;
            case AIR -> EdgeKind.EDGE_KIND_COOLS_AIR;
          };
      BitSet seen = new BitSet();
      ArrayDeque<Integer> queue = new ArrayDeque<>();
      for (int member : members) {
        seen.set(member);
        queue.add(member);
      }
      List<Integer> served = new ArrayList<>();
      while (!queue.isEmpty()) {
        int node = queue.poll();
        if (graph.equipmentClass(node) == EQUIPMENT_CLASS_RACK_SYSTEM) {
          served.add(node);
          continue;
        }
        for (int i = 0; i < graph.outDegree(node); i++) {
          int edge = graph.outEdge(node, i);
          int target = graph.edgeTarget(edge);
          if (graph.edgeKind(edge) == kind && !seen.get(target)) {
            seen.set(target);
            queue.add(target);
          }
        }
      }
      groupRacks[g] = served.stream().mapToInt(Integer::intValue).toArray();
      double load = 0;
      for (int rack : groupRacks[g]) {
        load += design.rackLoad(rack, domain, null);
      }
      loads[g] = load;
    }
    return new Model(racks, domains, loads, groupRacks);
  }
}
