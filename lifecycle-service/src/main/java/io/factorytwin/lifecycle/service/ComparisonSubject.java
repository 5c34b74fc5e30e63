package io.factorytwin.lifecycle.service;

import io.factorytwin.lifecycle.model.Setpoints;
import java.util.Map;

/**
 * One column of an alternatives comparison: a base revision, or an alternative with its changes
 * applied to its base.
 *
 * @param source resource name of the base revision or the alternative
 * @param site the contract's encoding of the effective Site; null when the column has none
 * @param powerSource the contract's encoding of a PowerSource that replaces the site's; null keeps
 *     the site's own
 * @param setpoints the effective setpoints; null fields are unset
 * @param rackSystems placements per rack-system part revision name, after substitutions
 * @param otherParts for each substituted part revision of another class in the comparison, the part
 *     revision name the column uses in its place
 * @param itDesignPowerKw sum of the design power of all placed rack systems in kW
 * @param rackCount number of placed rack systems
 */
public record ComparisonSubject(
    String source,
    String displayName,
    byte[] site,
    byte[] powerSource,
    Setpoints setpoints,
    Map<String, Long> rackSystems,
    Map<String, String> otherParts,
    double itDesignPowerKw,
    long rackCount) {}
