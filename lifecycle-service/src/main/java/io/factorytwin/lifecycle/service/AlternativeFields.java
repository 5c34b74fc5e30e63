package io.factorytwin.lifecycle.service;

import io.factorytwin.lifecycle.model.PartSubstitution;
import io.factorytwin.lifecycle.model.Setpoints;
import java.util.List;

/**
 * The client-writable fields of an alternative, checked against the contract's limits.
 *
 * @param site the contract's encoding of the replacing Site; null keeps the base site
 * @param powerSource the contract's encoding of the replacing PowerSource; null keeps it
 * @param substitutions part substitutions, at most one per replaced part revision
 * @param setpoints setpoints that replace the base values; null fields keep them
 */
public record AlternativeFields(
    String displayName,
    String description,
    byte[] site,
    byte[] powerSource,
    List<PartSubstitution> substitutions,
    Setpoints setpoints) {}
