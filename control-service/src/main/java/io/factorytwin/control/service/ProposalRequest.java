package io.factorytwin.control.service;

import java.time.Instant;

/**
 * A setpoint proposal as the agent sent it.
 *
 * @param agentFacilityTime the facility time the agent based its decision on; null when unset.
 *     Recorded only, never used for a check.
 */
public record ProposalRequest(
    String point,
    double value,
    String unit,
    String requestId,
    boolean validateOnly,
    Instant agentFacilityTime,
    String rationale) {}
