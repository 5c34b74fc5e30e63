package io.factorytwin.lifecycle.model;

import java.util.Set;

/**
 * State of a change notice. DRAFT moves to UNDER_REVIEW (submit), which moves to APPROVED (approve)
 * or REJECTED (reject); APPROVED moves to APPLIED (apply). REJECTED and APPLIED are final.
 */
public enum ChangeNoticeState {
  DRAFT,
  UNDER_REVIEW,
  APPROVED,
  REJECTED,
  APPLIED;

  /** Returns the states from which the transition to this state is allowed. */
  public Set<ChangeNoticeState> allowedSources() {
    return switch (this) {
      case DRAFT -> Set.of();
      case UNDER_REVIEW -> Set.of(DRAFT);
      case APPROVED, REJECTED -> Set.of(UNDER_REVIEW);
      case APPLIED -> Set.of(APPROVED);
    };
  }
}
