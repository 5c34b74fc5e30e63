package io.factorytwin.lifecycle.model;

import java.util.Set;

/**
 * Lifecycle state of a part revision. Moves IN_WORK to UNDER_REVIEW (submit), back to IN_WORK
 * (reject) or on to RELEASED (release); a RELEASED revision becomes SUPERSEDED when a later one is
 * released, and RELEASED or SUPERSEDED becomes OBSOLETE (obsolete). Nothing leaves OBSOLETE.
 */
public enum RevisionState {
  IN_WORK,
  UNDER_REVIEW,
  RELEASED,
  SUPERSEDED,
  OBSOLETE;

  /** Returns the states from which the transition to this state is allowed. */
  public Set<RevisionState> allowedSources() {
    return switch (this) {
      case IN_WORK -> Set.of(UNDER_REVIEW);
      case UNDER_REVIEW -> Set.of(IN_WORK);
      case RELEASED -> Set.of(UNDER_REVIEW);
      case SUPERSEDED -> Set.of(RELEASED);
      case OBSOLETE -> Set.of(RELEASED, SUPERSEDED);
    };
  }

  /** Returns whether a revision in this state may still be edited or deleted. */
  public boolean isEditable() {
    return this == IN_WORK;
  }
}
