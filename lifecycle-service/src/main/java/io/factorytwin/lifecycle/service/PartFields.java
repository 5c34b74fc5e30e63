package io.factorytwin.lifecycle.service;

import io.factorytwin.lifecycle.model.EquipmentClass;

/**
 * The descriptive fields of a part, already checked against their limits. A field that is unset in
 * an update is null here.
 */
public record PartFields(
    String displayName,
    EquipmentClass equipmentClass,
    String manufacturer,
    String model,
    String description) {}
