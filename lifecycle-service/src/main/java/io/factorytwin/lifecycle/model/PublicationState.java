package io.factorytwin.lifecycle.model;

/**
 * Delivery state of a publication. PENDING moves to DELIVERED when the twin acknowledges the design
 * revision, or to FAILED when the twin rejects it or the relay runs out of attempts. DELIVERED and
 * FAILED are final.
 */
public enum PublicationState {
  PENDING,
  DELIVERED,
  FAILED
}
