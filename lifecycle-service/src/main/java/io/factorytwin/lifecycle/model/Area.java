package io.factorytwin.lifecycle.model;

/**
 * A hall or a row of a design revision.
 *
 * @param id the element id, such as {@code hall-1} or {@code hall-1.row-03}
 * @param encoded the contract's protobuf encoding of the Hall or Row, opaque here
 */
public record Area(String id, byte[] encoded) {}
