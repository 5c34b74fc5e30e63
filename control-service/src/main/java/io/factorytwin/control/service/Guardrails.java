package io.factorytwin.control.service;

import io.factorytwin.control.audit.AuditKind;
import io.factorytwin.control.audit.AuditTrail;
import io.factorytwin.control.model.GuardrailRecord;
import io.factorytwin.control.model.Interlock;
import io.factorytwin.control.repository.FilterSql;
import io.factorytwin.control.repository.GuardrailStore;
import io.factorytwin.control.repository.RequestStore;
import io.factorytwin.support.error.EtagMismatchException;
import io.factorytwin.support.error.InvalidArgumentException;
import io.factorytwin.support.error.InvalidArgumentException.FieldViolation;
import io.factorytwin.support.error.NotFoundException;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Guardrails: versioned limits per point or point class. Every change is audited. */
@ApplicationScoped
public class Guardrails {

  /** Default margin of a dew point interlock, in kelvin, as the contract sets it. */
  public static final double DEFAULT_DEW_POINT_MARGIN_K = 2.0;

  private final GuardrailStore store;
  private final RequestStore requests;
  private final AuditTrail audit;

  Guardrails(GuardrailStore store, RequestStore requests, AuditTrail audit) {
    this.store = store;
    this.requests = requests;
    this.audit = audit;
  }

  /** Creates a guardrail at version 1 and returns it. */
  @Transactional
  public GuardrailRecord create(
      String guardrailId, GuardrailChanges fields, String operator, String requestId) {
    String earlier = Requests.earlier(requests, operator, "CreateGuardrail", requestId);
    if (earlier != null) {
      return get(earlier.substring("guardrails/".length()));
    }
    List<FieldViolation> violations = new ArrayList<>();
    if (guardrailId == null || !Names.ID.matcher(guardrailId).matches()) {
      violations.add(
          new FieldViolation(
              "guardrail_id", "required: 1 to 63 lower-case letters, digits and hyphens"));
    }
    List<String> missing = new ArrayList<>();
    if (fields.minValue() == null) {
      missing.add("min_value");
    }
    if (fields.maxValue() == null) {
      missing.add("max_value");
    }
    if (fields.maxRatePerMinute() == null) {
      missing.add("max_rate_per_minute");
    }
    if (fields.safeDefaultValue() == null) {
      missing.add("safe_default_value");
    }
    missing.forEach(field -> violations.add(new FieldViolation("guardrail." + field, "required")));
    if (!violations.isEmpty()) {
      throw new InvalidArgumentException(violations);
    }
    Instant now = now();
    GuardrailRecord candidate =
        new GuardrailRecord(
            guardrailId,
            orEmpty(fields.pointPattern()),
            orEmpty(fields.description()),
            orEmpty(fields.unit()),
            fields.minValue(),
            fields.maxValue(),
            fields.maxRatePerMinute(),
            fields.approvalMinValue() == null ? fields.minValue() : fields.approvalMinValue(),
            fields.approvalMaxValue() == null ? fields.maxValue() : fields.approvalMaxValue(),
            fields.safeDefaultValue(),
            fields.interlocks() == null ? List.of() : List.copyOf(fields.interlocks()),
            1,
            now,
            now);
    check(candidate);
    store.insert(candidate);
    if (!requestId.isEmpty()) {
      requests.insert(operator, "CreateGuardrail", requestId, candidate.name());
    }
    audit.append(
        AuditKind.GUARDRAIL_CREATED, operator, candidate.name(), null, describe(candidate));
    Log.infof("guardrail %s created by %s", candidate.name(), operator);
    return candidate;
  }

  /** Returns the guardrail; NOT_FOUND when there is none. */
  public GuardrailRecord get(String guardrailId) {
    GuardrailRecord guardrail = store.find(guardrailId);
    if (guardrail == null) {
      throw new NotFoundException("guardrails/" + guardrailId);
    }
    return guardrail;
  }

  /** Returns one page of the guardrails that match the filter, ordered by id. */
  public List<GuardrailRecord> page(String afterId, FilterSql filter, int limit) {
    return store.page(afterId, filter, limit);
  }

  /** Returns every guardrail whose pattern matches the point name. */
  public List<GuardrailRecord> covering(String pointName) {
    return covering(pointName, store.all());
  }

  /** Returns every guardrail, ordered by id, to match several points against one read. */
  public List<GuardrailRecord> all() {
    return store.all();
  }

  /** Returns the guardrails among the given ones whose pattern matches the point, in order. */
  public static List<GuardrailRecord> covering(String pointName, List<GuardrailRecord> all) {
    List<GuardrailRecord> matching = new ArrayList<>();
    for (GuardrailRecord guardrail : all) {
      PointPattern pattern = PointPattern.parse(guardrail.pointPattern());
      if (pattern != null && pattern.matches(pointName)) {
        matching.add(guardrail);
      }
    }
    return matching;
  }

  /** Applies the changes, raises the version by one and returns the guardrail. */
  @Transactional
  public GuardrailRecord update(
      String guardrailId, String etag, GuardrailChanges changes, String operator) {
    GuardrailRecord current = get(guardrailId);
    if (etag != null && !etag.isEmpty() && !etag.equals(etag(current))) {
      throw new EtagMismatchException(current.name());
    }
    double min = changes.minValue() == null ? current.minValue() : changes.minValue();
    double max = changes.maxValue() == null ? current.maxValue() : changes.maxValue();
    // An approval edge that equals its range edge is taken as the default and follows it.
    double approvalMin;
    if (changes.clearApprovalMin()) {
      approvalMin = min;
    } else if (changes.approvalMinValue() != null) {
      approvalMin = changes.approvalMinValue();
    } else if (current.approvalMinValue() == current.minValue()) {
      approvalMin = min;
    } else {
      approvalMin = current.approvalMinValue();
    }
    double approvalMax;
    if (changes.clearApprovalMax()) {
      approvalMax = max;
    } else if (changes.approvalMaxValue() != null) {
      approvalMax = changes.approvalMaxValue();
    } else if (current.approvalMaxValue() == current.maxValue()) {
      approvalMax = max;
    } else {
      approvalMax = current.approvalMaxValue();
    }
    GuardrailRecord updated =
        new GuardrailRecord(
            current.id(),
            changes.pointPattern() == null ? current.pointPattern() : changes.pointPattern(),
            changes.description() == null ? current.description() : changes.description(),
            changes.unit() == null ? current.unit() : changes.unit(),
            min,
            max,
            changes.maxRatePerMinute() == null
                ? current.maxRatePerMinute()
                : changes.maxRatePerMinute(),
            approvalMin,
            approvalMax,
            changes.safeDefaultValue() == null
                ? current.safeDefaultValue()
                : changes.safeDefaultValue(),
            changes.interlocks() == null ? current.interlocks() : List.copyOf(changes.interlocks()),
            current.version() + 1,
            current.createTime(),
            now());
    check(updated);
    if (!store.update(updated, current.version())) {
      throw new EtagMismatchException(current.name());
    }
    audit.append(AuditKind.GUARDRAIL_UPDATED, operator, updated.name(), null, describe(updated));
    Log.infof(
        "guardrail %s updated to version %d by %s", updated.name(), updated.version(), operator);
    return updated;
  }

  /** Deletes the guardrail and returns the sequence of the audit entry that records it. */
  @Transactional
  public long delete(String guardrailId, String etag, String operator) {
    GuardrailRecord current = get(guardrailId);
    if (etag != null && !etag.isEmpty() && !etag.equals(etag(current))) {
      throw new EtagMismatchException(current.name());
    }
    if (!store.delete(guardrailId, current.version())) {
      throw new EtagMismatchException(current.name());
    }
    Log.infof("guardrail %s deleted by %s", current.name(), operator);
    return audit.append(
        AuditKind.GUARDRAIL_DELETED, operator, current.name(), null, describe(current));
  }

  /** Returns the guardrail's etag: its version in quotes. */
  public static String etag(GuardrailRecord guardrail) {
    return "\"" + guardrail.version() + "\"";
  }

  private static void check(GuardrailRecord g) {
    List<FieldViolation> violations = new ArrayList<>();
    String p = "guardrail.";
    if (PointPattern.parse(g.pointPattern()) == null) {
      violations.add(
          new FieldViolation(
              p + "point_pattern",
              "required: a point-name pattern such as twins/*/points/*.cdu-*.pump-speed-sp"));
    }
    if (g.description().length() > 2000) {
      violations.add(new FieldViolation(p + "description", "at most 2,000 characters"));
    }
    if (g.unit().isBlank() || g.unit().length() > 32) {
      violations.add(new FieldViolation(p + "unit", "required: the points' unit, such as C or %"));
    }
    boolean finite = true;
    for (Map.Entry<String, Double> value :
        Map.of(
                "min_value", g.minValue(),
                "max_value", g.maxValue(),
                "max_rate_per_minute", g.maxRatePerMinute(),
                "approval_min_value", g.approvalMinValue(),
                "approval_max_value", g.approvalMaxValue(),
                "safe_default_value", g.safeDefaultValue())
            .entrySet()) {
      if (!Double.isFinite(value.getValue())) {
        violations.add(new FieldViolation(p + value.getKey(), "must be finite"));
        finite = false;
      }
    }
    if (finite) {
      if (g.minValue() > g.maxValue()) {
        violations.add(
            new FieldViolation(p + "min_value", "must be at most max_value " + g.maxValue()));
      }
      if (g.maxRatePerMinute() <= 0) {
        violations.add(new FieldViolation(p + "max_rate_per_minute", "must be greater than 0"));
      }
      if (g.approvalMinValue() < g.minValue() || g.approvalMinValue() > g.approvalMaxValue()) {
        violations.add(
            new FieldViolation(
                p + "approval_min_value", "must lie within [min_value, approval_max_value]"));
      }
      if (g.approvalMaxValue() < g.approvalMinValue() || g.approvalMaxValue() > g.maxValue()) {
        violations.add(
            new FieldViolation(
                p + "approval_max_value", "must lie within [approval_min_value, max_value]"));
      }
      if (g.safeDefaultValue() < g.minValue() || g.safeDefaultValue() > g.maxValue()) {
        violations.add(
            new FieldViolation(p + "safe_default_value", "must lie within [min_value, max_value]"));
      }
    }
    if (g.interlocks().size() > 20) {
      violations.add(new FieldViolation(p + "interlocks", "at most 20 interlocks"));
    }
    for (int i = 0; i < g.interlocks().size(); i++) {
      String field = p + "interlocks[" + i + "]";
      switch (g.interlocks().get(i)) {
        case Interlock.DewPoint dew -> {
          if (!Double.isFinite(dew.marginK()) || dew.marginK() < 0 || dew.marginK() > 20) {
            violations.add(
                new FieldViolation(field + ".dew_point.margin_k", "must lie within [0, 20] K"));
          }
          if (!dew.dewPointPoint().isEmpty() && Names.twinOf(dew.dewPointPoint()) == null) {
            violations.add(
                new FieldViolation(
                    field + ".dew_point.dew_point_point", "must be twins/{twin}/points/{point}"));
          }
        }
        case Interlock.MinimumFlow flow -> {
          if (!Double.isFinite(flow.minFlowLpm()) || flow.minFlowLpm() <= 0) {
            violations.add(
                new FieldViolation(
                    field + ".minimum_flow.min_flow_lpm", "required: greater than 0"));
          }
          if (!flow.flowPoint().isEmpty() && Names.twinOf(flow.flowPoint()) == null) {
            violations.add(
                new FieldViolation(
                    field + ".minimum_flow.flow_point", "must be twins/{twin}/points/{point}"));
          }
        }
        case Interlock.ChillerCurve curve -> {
          Double low = curve.minLeavingTemperatureC();
          Double high = curve.maxLeavingTemperatureC();
          if ((low != null && !Double.isFinite(low))
              || (high != null && !Double.isFinite(high))
              || (low != null && high != null && low > high)) {
            violations.add(
                new FieldViolation(
                    field + ".chiller_curve",
                    "the limits must be finite, with the minimum at most the maximum"));
          }
        }
      }
    }
    if (!violations.isEmpty()) {
      throw new InvalidArgumentException(violations);
    }
  }

  private static Map<String, Object> describe(GuardrailRecord g) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("point_pattern", g.pointPattern());
    details.put("description", g.description());
    details.put("unit", g.unit());
    details.put("min_value", g.minValue());
    details.put("max_value", g.maxValue());
    details.put("max_rate_per_minute", g.maxRatePerMinute());
    details.put("approval_min_value", g.approvalMinValue());
    details.put("approval_max_value", g.approvalMaxValue());
    details.put("safe_default_value", g.safeDefaultValue());
    List<Object> interlocks = new ArrayList<>();
    for (Interlock interlock : g.interlocks()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      switch (interlock) {
        case Interlock.DewPoint dew -> {
          entry.put("kind", "dew_point");
          entry.put("dew_point_point", dew.dewPointPoint());
          entry.put("margin_k", dew.marginK());
        }
        case Interlock.MinimumFlow flow -> {
          entry.put("kind", "minimum_flow");
          entry.put("flow_point", flow.flowPoint());
          entry.put("min_flow_lpm", flow.minFlowLpm());
        }
        case Interlock.ChillerCurve curve -> {
          entry.put("kind", "chiller_curve");
          entry.put("min_leaving_temperature_c", curve.minLeavingTemperatureC());
          entry.put("max_leaving_temperature_c", curve.maxLeavingTemperatureC());
        }
      }
      interlocks.add(entry);
    }
    details.put("interlocks", interlocks);
    details.put("version", g.version());
    return details;
  }

  private static String orEmpty(String text) {
    return text == null ? "" : text;
  }

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }
}
