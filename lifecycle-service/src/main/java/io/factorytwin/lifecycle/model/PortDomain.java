package io.factorytwin.lifecycle.model;

/**
 * Domain of a connection port, named as the contract's {@code PortDomain} values without their
 * {@code PORT_DOMAIN_} prefix.
 */
public enum PortDomain {
  ELECTRICAL,
  TCS_SUPPLY,
  TCS_RETURN,
  FACILITY_WATER_SUPPLY,
  FACILITY_WATER_RETURN,
  AIRFLOW,
  NETWORK;

  /** Whether coolant or air flows from the source to the target on this domain. */
  public boolean isCoolingSupply() {
    return this == TCS_SUPPLY || this == FACILITY_WATER_SUPPLY || this == AIRFLOW;
  }
}
