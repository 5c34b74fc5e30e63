package io.factorytwin.lifecycle.service;

import io.factorytwin.lifecycle.model.EquipmentClass;
import io.factorytwin.lifecycle.model.PartRevision;

/**
 * Reads the ratings and ports of a stored part revision, whose spec and ports are the contract's
 * encoding; the mapping layer implements it.
 */
public interface PartSpecs {

  PartInfo describe(EquipmentClass equipmentClass, PartRevision revision);
}
