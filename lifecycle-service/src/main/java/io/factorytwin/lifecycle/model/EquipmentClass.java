package io.factorytwin.lifecycle.model;

/**
 * Equipment class of a part. The constants carry the names of the contract's {@code EquipmentClass}
 * values without their {@code EQUIPMENT_CLASS_} prefix; site, hall and row are containers of a
 * design, never parts, so they are absent here.
 */
public enum EquipmentClass {
  RACK_SYSTEM,
  CDU,
  CHILLER,
  DRY_COOLER,
  COOLING_TOWER,
  CRAH,
  PUMP,
  UPS,
  REMOTE_POWER_PANEL,
  PDU,
  BUSWAY,
  TRANSFORMER,
  SWITCHGEAR,
  UTILITY_FEED,
  GENERATOR,
  BATTERY,
  POWER_METER,
  SENSOR
}
