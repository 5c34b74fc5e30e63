package io.factorytwin.control.model;

import java.time.Instant;

/**
 * An operator's hold of one setpoint at a manual value.
 *
 * @param active true while the hold is ACTIVE, false once RELEASED
 * @param previousValue the setpoint before the hold was written; null when unknown
 * @param pointVersion the point's version in twin-service after the hold was written
 */
public record HoldRecord(
    String id,
    String point,
    double value,
    String unit,
    String reason,
    boolean active,
    Double previousValue,
    long pointVersion,
    String creator,
    String releaser,
    long version,
    Instant createTime,
    Instant releaseTime) {

  public String name() {
    return "holds/" + id;
  }
}
