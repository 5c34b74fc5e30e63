package io.factorytwin.lifecycle.model;

/**
 * One change to the elements of a design revision. Every edit carries the request path it came
 * from, such as {@code edits[12].upsert_placement}, so a violation found while applying it names
 * the offending field.
 */
public sealed interface DesignEdit {

  String path();

  record UpsertHall(String path, Area hall) implements DesignEdit {}

  record RemoveHall(String path, String id) implements DesignEdit {}

  record UpsertRow(String path, Area row) implements DesignEdit {}

  record RemoveRow(String path, String id) implements DesignEdit {}

  record UpsertPlacement(String path, PlacementElement placement) implements DesignEdit {}

  record RemovePlacement(String path, String id) implements DesignEdit {}

  record UpsertConnection(String path, ConnectionElement connection) implements DesignEdit {}

  record RemoveConnection(String path, String id) implements DesignEdit {}

  record UpsertGroup(String path, GroupElement group) implements DesignEdit {}

  record RemoveGroup(String path, String id) implements DesignEdit {}

  record ReplaceSite(String path, byte[] site) implements DesignEdit {}

  record UpdateSetpoints(String path, Setpoints patch) implements DesignEdit {}

  record SubstitutePart(String path, PartRef from, PartRef to) implements DesignEdit {}
}
