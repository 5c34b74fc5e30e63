package io.factorytwin.lifecycle.service;

import io.factorytwin.lifecycle.model.Area;
import io.factorytwin.lifecycle.model.ConnectionElement;
import io.factorytwin.lifecycle.model.DesignContent;
import io.factorytwin.lifecycle.model.DesignEdit;
import io.factorytwin.lifecycle.model.EquipmentClass;
import io.factorytwin.lifecycle.model.GroupElement;
import io.factorytwin.lifecycle.model.PartRef;
import io.factorytwin.lifecycle.model.PlacementElement;
import io.factorytwin.lifecycle.model.PortDomain;
import io.factorytwin.lifecycle.model.PowerPath;
import io.factorytwin.lifecycle.model.RevisionState;
import io.factorytwin.lifecycle.model.Setpoints;
import io.factorytwin.support.error.InvalidArgumentException.FieldViolation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * One design revision in memory: its content and all its placements and connections. Edits apply
 * here and record which element rows changed, so only those rows are written back.
 */
final class DesignGraph {

  byte[] site;
  final LinkedHashMap<String, Area> halls = new LinkedHashMap<>();
  final LinkedHashMap<String, Area> rows = new LinkedHashMap<>();
  final LinkedHashMap<String, GroupElement> groups = new LinkedHashMap<>();
  Setpoints setpoints;
  String changeSummary;
  final Map<String, PlacementElement> placements;
  final Map<String, ConnectionElement> connections;

  /** Connection ids per placement id, for removing a placement with its connections. */
  private final Map<String, Set<String>> attached = new HashMap<>();

  final Set<String> upsertedPlacements = new LinkedHashSet<>();
  final Set<String> removedPlacements = new LinkedHashSet<>();
  final Set<String> upsertedConnections = new LinkedHashSet<>();
  final Set<String> removedConnections = new LinkedHashSet<>();

  private final Function<PartRef, PartInfo> parts;

  DesignGraph(
      DesignContent content,
      Map<String, PlacementElement> placements,
      Map<String, ConnectionElement> connections,
      Function<PartRef, PartInfo> parts) {
    this.parts = parts;
    setContent(content);
    this.placements = placements;
    this.connections = connections;
    for (ConnectionElement connection : connections.values()) {
      attach(connection);
    }
  }

  void setContent(DesignContent content) {
    site = content.site();
    halls.clear();
    content.halls().forEach(hall -> halls.put(hall.id(), hall));
    rows.clear();
    content.rows().forEach(row -> rows.put(row.id(), row));
    groups.clear();
    content.groups().forEach(group -> groups.put(group.id(), group));
    setpoints = content.setpoints();
    changeSummary = content.changeSummary();
  }

  DesignContent content() {
    return new DesignContent(
        site,
        List.copyOf(halls.values()),
        List.copyOf(rows.values()),
        List.copyOf(groups.values()),
        setpoints,
        changeSummary);
  }

  /**
   * Checks that halls, rows and groups are consistent with each other and with the placements:
   * unique ids, a row's hall exists, every placement's container exists, and group members exist
   * and share one equipment class.
   *
   * @param content the lists as sent, to detect duplicate ids before they collapse in a map
   * @param prefix the request path of the revision, such as {@code design_revision}
   */
  List<FieldViolation> structureViolations(DesignContent content, String prefix) {
    List<FieldViolation> violations = new ArrayList<>();
    duplicates(content.halls().stream().map(Area::id).toList(), prefix + ".halls", violations);
    duplicates(content.rows().stream().map(Area::id).toList(), prefix + ".rows", violations);
    duplicates(
        content.groups().stream().map(GroupElement::id).toList(),
        prefix + ".redundancy_groups",
        violations);
    for (int i = 0; i < content.rows().size(); i++) {
      String hall = PlacementElement.containerOf(content.rows().get(i).id());
      if (!halls.containsKey(hall)) {
        violations.add(
            new FieldViolation(
                prefix + ".rows[" + i + "].id",
                "hall " + hall + " does not exist; add it to halls first"));
      }
    }
    Set<String> reported = new HashSet<>();
    for (PlacementElement placement : placements.values()) {
      String container = placement.container();
      if (!container.isEmpty()
          && !halls.containsKey(container)
          && !rows.containsKey(container)
          && reported.add(container)) {
        violations.add(
            new FieldViolation(
                prefix + (container.contains(".") ? ".rows" : ".halls"),
                container + " still contains placements, such as " + placement.id()));
      }
    }
    for (int i = 0; i < content.groups().size(); i++) {
      memberViolations(content.groups().get(i), prefix + ".redundancy_groups[" + i + "]")
          .forEach(violations::add);
    }
    return violations;
  }

  /** Applies edits in order; returns one violation per bad edit, leaving the graph undefined. */
  List<FieldViolation> apply(List<DesignEdit> edits) {
    List<FieldViolation> violations = new ArrayList<>();
    for (DesignEdit edit : edits) {
      String problem = applyOne(edit, violations);
      if (problem != null) {
        violations.add(new FieldViolation(edit.path(), problem));
      }
    }
    return violations;
  }

  /** Applies one edit; returns a problem of the edit as a whole, or null. */
  private String applyOne(DesignEdit edit, List<FieldViolation> violations) {
    switch (edit) {
      case DesignEdit.UpsertHall upsert -> halls.put(upsert.hall().id(), upsert.hall());
      case DesignEdit.RemoveHall remove -> {
        if (!halls.containsKey(remove.id())) {
          return "hall " + remove.id() + " does not exist";
        }
        for (String row : rows.keySet()) {
          if (row.startsWith(remove.id() + ".")) {
            return "hall " + remove.id() + " still contains row " + row + "; remove it first";
          }
        }
        String contained = firstPlacementIn(remove.id());
        if (contained != null) {
          return "hall " + remove.id() + " still contains placement " + contained;
        }
        halls.remove(remove.id());
      }
      case DesignEdit.UpsertRow upsert -> {
        String hall = PlacementElement.containerOf(upsert.row().id());
        if (!halls.containsKey(hall)) {
          violations.add(
              new FieldViolation(edit.path() + ".id", "hall " + hall + " does not exist"));
          return null;
        }
        rows.put(upsert.row().id(), upsert.row());
      }
      case DesignEdit.RemoveRow remove -> {
        if (!rows.containsKey(remove.id())) {
          return "row " + remove.id() + " does not exist";
        }
        String contained = firstPlacementIn(remove.id());
        if (contained != null) {
          return "row " + remove.id() + " still contains placement " + contained;
        }
        rows.remove(remove.id());
      }
      case DesignEdit.UpsertPlacement upsert -> upsertPlacement(upsert, violations);
      case DesignEdit.RemovePlacement remove -> {
        if (!placements.containsKey(remove.id())) {
          return "placement " + remove.id() + " does not exist";
        }
        for (String connection : List.copyOf(attached.getOrDefault(remove.id(), Set.of()))) {
          removeConnection(connection);
        }
        placements.remove(remove.id());
        upsertedPlacements.remove(remove.id());
        removedPlacements.add(remove.id());
      }
      case DesignEdit.UpsertConnection upsert -> upsertConnection(upsert, violations);
      case DesignEdit.RemoveConnection remove -> {
        if (!connections.containsKey(remove.id())) {
          return "connection " + remove.id() + " does not exist";
        }
        removeConnection(remove.id());
      }
      case DesignEdit.UpsertGroup upsert -> {
        List<FieldViolation> members = memberViolations(upsert.group(), edit.path());
        if (!members.isEmpty()) {
          violations.addAll(members);
          return null;
        }
        groups.put(upsert.group().id(), upsert.group());
      }
      case DesignEdit.RemoveGroup remove -> {
        if (groups.remove(remove.id()) == null) {
          return "redundancy group " + remove.id() + " does not exist";
        }
      }
      case DesignEdit.ReplaceSite replace -> site = replace.site();
      case DesignEdit.UpdateSetpoints update -> setpoints = setpoints.merge(update.patch());
      case DesignEdit.SubstitutePart substitute -> substitutePart(substitute, violations);
    }
    return null;
  }

  private void upsertPlacement(DesignEdit.UpsertPlacement upsert, List<FieldViolation> violations) {
    PlacementElement placement = upsert.placement();
    String path = upsert.path();
    boolean bad = false;
    String container = placement.container();
    if (!container.isEmpty() && !halls.containsKey(container) && !rows.containsKey(container)) {
      violations.add(
          new FieldViolation(
              path + ".id",
              "container " + container + " is neither a hall nor a row of this revision"));
      bad = true;
    }
    PartInfo part = parts.apply(placement.part());
    PlacementElement previous = placements.get(placement.id());
    boolean samePart = previous != null && previous.part().equals(placement.part());
    if (part == null) {
      violations.add(
          new FieldViolation(
              path + ".part_revision",
              "part revision " + placement.part().name() + " does not exist"));
      bad = true;
    } else if (part.state() == RevisionState.OBSOLETE && !samePart) {
      violations.add(
          new FieldViolation(
              path + ".part_revision",
              "part revision "
                  + placement.part().name()
                  + " is OBSOLETE and cannot be placed; use a released revision"));
      bad = true;
    }
    if (bad) {
      return;
    }
    placements.put(placement.id(), placement);
    removedPlacements.remove(placement.id());
    upsertedPlacements.add(placement.id());
  }

  private void upsertConnection(
      DesignEdit.UpsertConnection upsert, List<FieldViolation> violations) {
    ConnectionElement connection = upsert.connection();
    String path = upsert.path();
    PartInfo.Port source =
        endPort(
            connection.sourcePlacement(),
            connection.sourcePort(),
            path + ".source_placement",
            path + ".source_port",
            violations);
    PartInfo.Port target =
        endPort(
            connection.targetPlacement(),
            connection.targetPort(),
            path + ".target_placement",
            path + ".target_port",
            violations);
    if (source == null || target == null) {
      return;
    }
    if (source.domain() != target.domain()) {
      violations.add(
          new FieldViolation(
              path + ".target_port",
              "port "
                  + target.id()
                  + " is "
                  + target.domain()
                  + " but source port "
                  + source.id()
                  + " is "
                  + source.domain()
                  + "; a connection joins ports of one domain"));
      return;
    }
    PowerPath powerPath = connection.powerPath();
    if (source.domain() == PortDomain.ELECTRICAL && powerPath == PowerPath.UNSPECIFIED) {
      powerPath =
          target.powerPath() != PowerPath.UNSPECIFIED ? target.powerPath() : source.powerPath();
    } else if (source.domain() != PortDomain.ELECTRICAL) {
      powerPath = PowerPath.UNSPECIFIED;
    }
    if (connections.containsKey(connection.id())) {
      removeConnection(connection.id());
    }
    ConnectionElement resolved = connection.resolved(source.domain(), powerPath);
    connections.put(resolved.id(), resolved);
    attach(resolved);
    removedConnections.remove(resolved.id());
    upsertedConnections.add(resolved.id());
  }

  private PartInfo.Port endPort(
      String placementId,
      String portId,
      String placementPath,
      String portPath,
      List<FieldViolation> violations) {
    PlacementElement placement = placements.get(placementId);
    if (placement == null) {
      violations.add(
          new FieldViolation(placementPath, "placement " + placementId + " does not exist"));
      return null;
    }
    PartInfo part = parts.apply(placement.part());
    PartInfo.Port port = part == null ? null : part.ports().get(portId);
    if (port == null) {
      violations.add(
          new FieldViolation(
              portPath,
              "part revision "
                  + placement.part().name()
                  + " of "
                  + placementId
                  + " has no port "
                  + portId));
    }
    return port;
  }

  private void substitutePart(
      DesignEdit.SubstitutePart substitute, List<FieldViolation> violations) {
    String path = substitute.path();
    PartInfo from = parts.apply(substitute.from());
    PartInfo to = parts.apply(substitute.to());
    if (from == null) {
      violations.add(
          new FieldViolation(
              path + ".from_part_revision",
              "part revision " + substitute.from().name() + " does not exist"));
    }
    if (to == null) {
      violations.add(
          new FieldViolation(
              path + ".to_part_revision",
              "part revision " + substitute.to().name() + " does not exist"));
    }
    if (from == null || to == null) {
      return;
    }
    if (from.equipmentClass() != to.equipmentClass()) {
      violations.add(
          new FieldViolation(
              path + ".to_part_revision",
              "is "
                  + to.equipmentClass()
                  + " but "
                  + substitute.from().name()
                  + " is "
                  + from.equipmentClass()
                  + "; substitute within one equipment class"));
      return;
    }
    if (to.state() == RevisionState.OBSOLETE) {
      violations.add(
          new FieldViolation(
              path + ".to_part_revision",
              substitute.to().name() + " is OBSOLETE and cannot be placed"));
      return;
    }
    List<String> moved = new ArrayList<>();
    for (PlacementElement placement : placements.values()) {
      if (placement.part().equals(substitute.from())) {
        moved.add(placement.id());
      }
    }
    for (String id : moved) {
      for (String connectionId : attached.getOrDefault(id, Set.of())) {
        ConnectionElement connection = connections.get(connectionId);
        String port =
            connection.sourcePlacement().equals(id)
                ? connection.sourcePort()
                : connection.targetPort();
        if (!to.ports().containsKey(port)) {
          violations.add(
              new FieldViolation(
                  path + ".to_part_revision",
                  substitute.to().name()
                      + " has no port "
                      + port
                      + ", which connection "
                      + connectionId
                      + " uses"));
          return;
        }
      }
    }
    for (String id : moved) {
      placements.put(id, placements.get(id).withPart(substitute.to()));
      upsertedPlacements.add(id);
    }
  }

  private List<FieldViolation> memberViolations(GroupElement group, String path) {
    List<FieldViolation> violations = new ArrayList<>();
    EquipmentClass first = null;
    for (int i = 0; i < group.members().size(); i++) {
      String member = group.members().get(i);
      PlacementElement placement = placements.get(member);
      if (placement == null) {
        violations.add(
            new FieldViolation(
                path + ".members[" + i + "]", "placement " + member + " does not exist"));
        continue;
      }
      PartInfo part = parts.apply(placement.part());
      EquipmentClass equipmentClass = part == null ? null : part.equipmentClass();
      if (first == null) {
        first = equipmentClass;
      } else if (equipmentClass != first) {
        violations.add(
            new FieldViolation(
                path + ".members[" + i + "]",
                member
                    + " is "
                    + equipmentClass
                    + " but the group's first member is "
                    + first
                    + "; members share one equipment class"));
      }
    }
    return violations;
  }

  private void removeConnection(String id) {
    ConnectionElement removed = connections.remove(id);
    detach(removed);
    upsertedConnections.remove(id);
    removedConnections.add(id);
  }

  private void attach(ConnectionElement connection) {
    attached
        .computeIfAbsent(connection.sourcePlacement(), k -> new HashSet<>())
        .add(connection.id());
    attached
        .computeIfAbsent(connection.targetPlacement(), k -> new HashSet<>())
        .add(connection.id());
  }

  private void detach(ConnectionElement connection) {
    for (String end : List.of(connection.sourcePlacement(), connection.targetPlacement())) {
      Set<String> ids = attached.get(end);
      if (ids != null) {
        ids.remove(connection.id());
      }
    }
  }

  private String firstPlacementIn(String container) {
    for (PlacementElement placement : placements.values()) {
      if (placement.container().equals(container)) {
        return placement.id();
      }
    }
    return null;
  }

  private static void duplicates(List<String> ids, String path, List<FieldViolation> violations) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < ids.size(); i++) {
      if (!seen.add(ids.get(i))) {
        violations.add(
            new FieldViolation(
                path + "[" + i + "].id", "duplicate id " + ids.get(i) + "; ids must be unique"));
      }
    }
  }
}
