package io.factorytwin.lifecycle.model;

/** Declared redundancy of a group of units; UNSPECIFIED counts as N, as the contract states. */
public enum Redundancy {
  UNSPECIFIED,
  N,
  N_PLUS_1,
  TWO_N;

  /** Returns the label used in messages, such as {@code N+1}. */
  public String label() {
    return switch (this) {
      case UNSPECIFIED, N -> "N";
      case N_PLUS_1 -> "N+1";
      case TWO_N -> "2N";
    };
  }
}
