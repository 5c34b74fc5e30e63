package io.factorytwin.lifecycle.model;

import java.util.List;

/**
 * A redundancy group: interchangeable units that serve one load together.
 *
 * @param id the group id
 * @param displayName the display name, empty when not given
 * @param redundancy the declared redundancy
 * @param members the member placement ids, at least two
 */
public record GroupElement(
    String id, String displayName, Redundancy redundancy, List<String> members) {}
