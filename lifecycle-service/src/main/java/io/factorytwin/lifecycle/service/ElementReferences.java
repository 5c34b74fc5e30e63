package io.factorytwin.lifecycle.service;

import io.factorytwin.lifecycle.model.Area;
import io.factorytwin.lifecycle.model.DesignContent;
import io.factorytwin.lifecycle.model.GroupElement;
import io.factorytwin.lifecycle.model.PartRef;
import io.factorytwin.lifecycle.model.PlacementElement;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiPredicate;
import java.util.stream.Collectors;

/**
 * Computes the affected and resulting elements of a change notice by comparing its base revision
 * with the revision its edits produce, and stores them in a length-prefixed layout: a layout
 * version, a count, then per reference its kind name and id, written with {@link DataOutputStream}.
 */
final class ElementReferences {

  /** Layout version written first, so a change of layout is detected on read. */
  private static final int LAYOUT = 1;

  /**
   * The two lists of a change notice.
   *
   * @param affected elements of the base that change or go, and part revisions no longer used
   * @param resulting elements that are added or change, and part revisions newly used
   */
  record Difference(List<Finding.Element> affected, List<Finding.Element> resulting) {}

  /**
   * The parts of a base revision that edits may change, captured before the edits apply, because
   * {@link DesignGraph} changes its maps in place.
   */
  record Snapshot(
      DesignContent content,
      Set<String> placementIds,
      Set<String> connectionIds,
      Set<PartRef> parts) {

    static Snapshot of(
        DesignContent content,
        Map<String, PlacementElement> placements,
        Collection<String> connectionIds) {
      return new Snapshot(
          content,
          Set.copyOf(placements.keySet()),
          Set.copyOf(connectionIds),
          partsOf(placements.values()));
    }
  }

  private ElementReferences() {}

  /** Compares the base snapshot with the graph after the edits were applied to it. */
  static Difference difference(Snapshot base, DesignGraph edited) {
    List<Finding.Element> affected = new ArrayList<>();
    List<Finding.Element> resulting = new ArrayList<>();
    DesignContent before = base.content();
    if (!Arrays.equals(before.site(), edited.site)) {
      affected.add(new Finding.Element(Finding.Kind.SITE, ""));
      resulting.add(new Finding.Element(Finding.Kind.SITE, ""));
    }

    compare(
        Finding.Kind.HALL,
        ids(before.halls()),
        edited.halls,
        (id, area) -> Arrays.equals(area(before.halls(), id), area.encoded()),
        affected,
        resulting);
    compare(
        Finding.Kind.ROW,
        ids(before.rows()),
        edited.rows,
        (id, area) -> Arrays.equals(area(before.rows(), id), area.encoded()),
        affected,
        resulting);

    Set<String> removedPlacements = new TreeSet<>(edited.removedPlacements);
    removedPlacements.retainAll(base.placementIds());
    changed(
        Finding.Kind.PLACEMENT,
        base.placementIds(),
        removedPlacements,
        edited.upsertedPlacements,
        affected,
        resulting);
    Set<String> removedConnections = new TreeSet<>(edited.removedConnections);
    removedConnections.retainAll(base.connectionIds());
    changed(
        Finding.Kind.CONNECTION,
        base.connectionIds(),
        removedConnections,
        edited.upsertedConnections,
        affected,
        resulting);

    Map<String, GroupElement> groupsBefore =
        before.groups().stream().collect(Collectors.toMap(GroupElement::id, group -> group));
    compare(
        Finding.Kind.REDUNDANCY_GROUP,
        groupsBefore.keySet(),
        edited.groups,
        (id, group) -> group.equals(groupsBefore.get(id)),
        affected,
        resulting);

    if (!Objects.equals(before.setpoints(), edited.setpoints)) {
      affected.add(new Finding.Element(Finding.Kind.SETPOINTS, ""));
      resulting.add(new Finding.Element(Finding.Kind.SETPOINTS, ""));
    }

    Set<PartRef> partsAfter = partsOf(edited.placements.values());
    Set<String> stopped = new TreeSet<>();
    base.parts().stream()
        .filter(part -> !partsAfter.contains(part))
        .forEach(part -> stopped.add(part.name()));
    Set<String> started = new TreeSet<>();
    partsAfter.stream()
        .filter(part -> !base.parts().contains(part))
        .forEach(part -> started.add(part.name()));
    stopped.forEach(name -> affected.add(new Finding.Element(Finding.Kind.PART_REVISION, name)));
    started.forEach(name -> resulting.add(new Finding.Element(Finding.Kind.PART_REVISION, name)));
    return new Difference(List.copyOf(affected), List.copyOf(resulting));
  }

  static byte[] encode(List<Finding.Element> elements) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(LAYOUT);
      out.writeInt(elements.size());
      for (Finding.Element element : elements) {
        out.writeUTF(element.kind().name());
        out.writeUTF(element.id());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static List<Finding.Element> decode(byte[] stored) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(stored))) {
      if (in.readInt() != LAYOUT) {
        throw new IllegalStateException("stored element references have an unknown layout");
      }
      int count = in.readInt();
      List<Finding.Element> elements = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        elements.add(new Finding.Element(Finding.Kind.valueOf(in.readUTF()), in.readUTF()));
      }
      return elements;
    } catch (IOException e) {
      throw new UncheckedIOException("stored element references are unreadable", e);
    }
  }

  /**
   * Adds the elements of one kind kept in maps: those gone from the base to affected, those new to
   * resulting, and those whose content differs to both.
   */
  private static <T> void compare(
      Finding.Kind kind,
      Set<String> before,
      Map<String, T> after,
      BiPredicate<String, T> unchanged,
      List<Finding.Element> affected,
      List<Finding.Element> resulting) {
    for (String id : new TreeSet<>(before)) {
      T now = after.get(id);
      if (now == null) {
        affected.add(new Finding.Element(kind, id));
      } else if (!unchanged.test(id, now)) {
        affected.add(new Finding.Element(kind, id));
        resulting.add(new Finding.Element(kind, id));
      }
    }
    for (String id : new TreeSet<>(after.keySet())) {
      if (!before.contains(id)) {
        resulting.add(new Finding.Element(kind, id));
      }
    }
  }

  /**
   * Adds the elements of one kind that the graph tracks as removed or upserted rows. An upsert of
   * an element the base has counts as a change, even when it repeats the same values.
   */
  private static void changed(
      Finding.Kind kind,
      Set<String> before,
      Set<String> removed,
      Set<String> upserted,
      List<Finding.Element> affected,
      List<Finding.Element> resulting) {
    Set<String> touched = new TreeSet<>(removed);
    upserted.stream().filter(before::contains).forEach(touched::add);
    touched.forEach(id -> affected.add(new Finding.Element(kind, id)));
    new TreeSet<>(upserted).forEach(id -> resulting.add(new Finding.Element(kind, id)));
  }

  private static Set<String> ids(List<Area> areas) {
    return areas.stream().map(Area::id).collect(Collectors.toSet());
  }

  private static byte[] area(List<Area> areas, String id) {
    return areas.stream()
        .filter(area -> area.id().equals(id))
        .map(Area::encoded)
        .findFirst()
        .orElse(null);
  }

  private static Set<PartRef> partsOf(Collection<PlacementElement> placements) {
    return placements.stream().map(PlacementElement::part).collect(Collectors.toSet());
  }
}
