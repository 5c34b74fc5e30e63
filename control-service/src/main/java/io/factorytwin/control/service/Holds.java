package io.factorytwin.control.service;

import io.factorytwin.control.audit.AuditKind;
import io.factorytwin.control.audit.AuditTrail;
import io.factorytwin.control.model.GuardrailRecord;
import io.factorytwin.control.model.HoldRecord;
import io.factorytwin.control.repository.ActionStore;
import io.factorytwin.control.repository.FilterSql;
import io.factorytwin.control.repository.HoldStore;
import io.factorytwin.control.repository.RequestStore;
import io.factorytwin.control.twin.TwinGateway;
import io.factorytwin.control.twin.TwinGateway.PointInfo;
import io.factorytwin.support.error.EtagMismatchException;
import io.factorytwin.support.error.FailedPreconditionException;
import io.factorytwin.support.error.InvalidArgumentException;
import io.factorytwin.support.error.InvalidArgumentException.FieldViolation;
import io.factorytwin.support.error.NotFoundException;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Operator holds: a point written to a manual value that no agent can move until the hold is
 * released. Only the guardrail range applies to a hold, so that an operator can still act when an
 * interlock's input sensor has failed.
 */
@ApplicationScoped
public class Holds {

  private final HoldStore store;
  private final RequestStore requests;
  private final ActionStore actions;
  private final Guardrails guardrails;
  private final TwinGateway twin;
  private final AuditTrail audit;

  Holds(
      HoldStore store,
      RequestStore requests,
      ActionStore actions,
      Guardrails guardrails,
      TwinGateway twin,
      AuditTrail audit) {
    this.store = store;
    this.requests = requests;
    this.actions = actions;
    this.guardrails = guardrails;
    this.twin = twin;
    this.audit = audit;
  }

  /**
   * Writes the held value to the twin and stores the hold in state ACTIVE.
   *
   * @param holdId the id, or empty for a generated one
   */
  public HoldRecord create(
      String holdId,
      String point,
      double value,
      String unit,
      String reason,
      String operator,
      String requestId) {
    String earlier = Requests.earlier(requests, operator, "CreateHold", requestId);
    if (earlier != null) {
      return get(earlier.substring("holds/".length()));
    }
    List<FieldViolation> violations = new ArrayList<>();
    String id = holdId.isEmpty() ? UUID.randomUUID().toString() : holdId;
    if (!holdId.isEmpty() && !Names.ID.matcher(holdId).matches()) {
      violations.add(
          new FieldViolation("hold_id", "must be 1 to 63 lower-case letters, digits and hyphens"));
    }
    String twinName = Names.twinOf(point);
    if (twinName == null) {
      violations.add(new FieldViolation("hold.point", "required: twins/{twin}/points/{point}"));
    }
    if (!Double.isFinite(value)) {
      violations.add(new FieldViolation("hold.value", "must be finite"));
    }
    if (unit.isEmpty()) {
      violations.add(new FieldViolation("hold.unit", "required: the point's unit"));
    }
    if (reason.isBlank() || reason.length() > 2000) {
      violations.add(new FieldViolation("hold.reason", "required: 1 to 2,000 characters"));
    }
    if (!violations.isEmpty()) {
      throw new InvalidArgumentException(violations);
    }
    if (store.find(id) != null) {
      throw new io.factorytwin.support.error.AlreadyExistsException("holds/" + id);
    }
    PointInfo info = twin.point(point);
    if (!info.setpoint()) {
      throw new FailedPreconditionException(
          "POINT_KIND_MISMATCH",
          List.of(
              new FailedPreconditionException.Violation(
                  "POINT_KIND", point, "is a sensor; only setpoint points can be held")));
    }
    if (!info.unit().equals(unit)) {
      throw new InvalidArgumentException(
          "hold.unit", "must be the point's unit '" + info.unit() + "', not '" + unit + "'");
    }
    List<FailedPreconditionException.Violation> outside = new ArrayList<>();
    for (GuardrailRecord guardrail : guardrails.covering(point)) {
      if (value < guardrail.minValue() || value > guardrail.maxValue()) {
        outside.add(
            new FailedPreconditionException.Violation(
                "GUARDRAIL_RANGE",
                guardrail.name(),
                "the held value "
                    + value
                    + " lies outside ["
                    + guardrail.minValue()
                    + ", "
                    + guardrail.maxValue()
                    + "]"));
      }
    }
    if (!outside.isEmpty()) {
      throw new FailedPreconditionException("GUARDRAIL_VIOLATED", outside);
    }
    HoldRecord existing = store.active(point);
    if (existing != null) {
      throw new FailedPreconditionException(
          "POINT_HELD",
          List.of(
              new FailedPreconditionException.Violation(
                  "POINT_HELD", existing.name(), point + " is already held; release it first")));
    }
    Instant facilityTime = twin.facilityTime(twinName);
    // NOTE: before the twin's first telemetry sample there is no facility clock, so the hold's
    // write is stamped with the wall clock.
    Instant stamp = facilityTime == null ? Instant.now() : facilityTime;
    String writeId =
        UUID.nameUUIDFromBytes(("hold\n" + id).getBytes(StandardCharsets.UTF_8)).toString();
    // The twin takes only action names; a hold's write is named after the hold.
    TwinGateway.AppliedChange change =
        twin.apply(point, value, info.version(), writeId, stamp, "actions/hold." + id);
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    HoldRecord hold =
        new HoldRecord(
            id,
            point,
            value,
            unit,
            reason,
            true,
            change.previousValue(),
            change.version(),
            operator,
            "",
            1,
            now,
            null);
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              store.insert(hold);
              if (!requestId.isEmpty()) {
                requests.insert(operator, "CreateHold", requestId, hold.name());
              }
              audit.append(
                  AuditKind.HOLD_CREATED, operator, hold.name(), facilityTime, describe(hold));
              for (String older : actions.supersede(point, "", hold.name(), now)) {
                audit.append(
                    AuditKind.ACTION_SUPERSEDED,
                    operator,
                    "actions/" + older,
                    facilityTime,
                    Map.of("superseded_by", hold.name()));
              }
            });
    Log.infof("%s put a hold on %s at %s: %s", operator, point, value, reason);
    return hold;
  }

  /** Returns the hold; NOT_FOUND when there is none. */
  public HoldRecord get(String holdId) {
    HoldRecord hold = store.find(holdId);
    if (hold == null) {
      throw new NotFoundException("holds/" + holdId);
    }
    return hold;
  }

  /** Returns one page of the holds that match the filter, newest first (a null time first). */
  public List<HoldRecord> page(
      Instant beforeCreateTime, String beforeId, FilterSql filter, int limit) {
    return store.page(beforeCreateTime, beforeId, filter, limit);
  }

  /** Releases the hold; a released hold is returned unchanged. */
  public HoldRecord release(String holdId, String etag, String operator) {
    return QuarkusTransaction.requiringNew()
        .call(
            () -> {
              HoldRecord hold = get(holdId);
              if (etag != null && !etag.isEmpty() && !etag.equals(etag(hold))) {
                throw new EtagMismatchException(hold.name());
              }
              if (!hold.active()) {
                return hold;
              }
              Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
              if (!store.release(holdId, hold.version(), operator, now)) {
                throw new EtagMismatchException(hold.name());
              }
              audit.append(
                  AuditKind.HOLD_RELEASED,
                  operator,
                  hold.name(),
                  null,
                  Map.of("point", hold.point()));
              Log.infof("%s released %s on %s", operator, hold.name(), hold.point());
              return store.find(holdId);
            });
  }

  /** Returns the hold's etag: its version in quotes. */
  public static String etag(HoldRecord hold) {
    return "\"" + hold.version() + "\"";
  }

  private static Map<String, Object> describe(HoldRecord hold) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("point", hold.point());
    details.put("value", hold.value());
    details.put("unit", hold.unit());
    details.put("reason", hold.reason());
    details.put("previous_value", hold.previousValue());
    details.put("point_version", hold.pointVersion());
    return details;
  }
}
