package io.factorytwin.lifecycle.service;

import io.factorytwin.lifecycle.model.DesignRevision;

/**
 * A design revision with the figures derived from its placements.
 *
 * @param revision the stored revision, or an unsaved copy for a validate_only edit
 * @param itDesignPowerKw sum of the design power of all placed rack systems in kW
 */
public record DesignRevisionView(DesignRevision revision, double itDesignPowerKw) {}
