package io.factorytwin.control.service;

import io.factorytwin.control.model.AgentMode;
import java.time.Duration;
import java.util.List;

/**
 * The agent settings of a register or update request. On update, a null field is not in the update
 * mask and keeps its value.
 *
 * @param mode null when unset (invalid on register)
 * @param leaseDuration null for the default on register
 */
public record AgentChanges(
    String displayName,
    String owner,
    List<String> scopes,
    AgentMode mode,
    Boolean enabled,
    Duration leaseDuration) {}
