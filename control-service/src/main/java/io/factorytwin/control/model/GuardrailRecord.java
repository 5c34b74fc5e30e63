package io.factorytwin.control.model;

import java.time.Instant;
import java.util.List;

/**
 * The limits on the setpoints that a point pattern covers, all values in {@code unit}.
 *
 * @param maxRatePerMinute the largest change per minute of facility time
 * @param approvalMinValue lower edge of the band an autonomous agent may apply without approval
 * @param approvalMaxValue upper edge of that band
 * @param version 1 when created, raised by one on every update
 */
public record GuardrailRecord(
    String id,
    String pointPattern,
    String description,
    String unit,
    double minValue,
    double maxValue,
    double maxRatePerMinute,
    double approvalMinValue,
    double approvalMaxValue,
    double safeDefaultValue,
    List<Interlock> interlocks,
    long version,
    Instant createTime,
    Instant updateTime) {

  public String name() {
    return "guardrails/" + id;
  }
}
