package io.factorytwin.control.audit;

/** What an audit entry records; the names match the contract's AuditEntry.Kind values. */
public enum AuditKind {
  AGENT_REGISTERED,
  AGENT_UPDATED,
  GUARDRAIL_CREATED,
  GUARDRAIL_UPDATED,
  GUARDRAIL_DELETED,
  ACTION_PROPOSED,
  PROPOSAL_REFUSED,
  ACTION_APPROVED,
  ACTION_REJECTED,
  ACTION_EXPIRED,
  ACTION_REVERTED,
  ACTION_SUPERSEDED,
  LEASE_EXPIRED,
  EMERGENCY_STOP,
  HOLD_CREATED,
  HOLD_RELEASED
}
