package io.factorytwin.control.service;

import io.factorytwin.control.model.GuardrailRecord;
import io.factorytwin.control.model.HoldRecord;
import io.factorytwin.control.model.Interlock;
import io.factorytwin.control.model.Violation;
import io.factorytwin.control.model.Violation.Rule;
import io.factorytwin.control.twin.TwinGateway;
import io.factorytwin.control.twin.TwinGateway.Reading;
import io.factorytwin.support.error.NotFoundException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The guardrail rules of a proposal, in the contract's order: coverage, hold, range, rate of change
 * on the facility clock, interlocks. Every rule runs, so the result lists every violation.
 * Interlocks fail closed: an input point without a value, or with a value older than {@code
 * control.interlock.max-input-age} on the facility clock, violates the interlock.
 */
@ApplicationScoped
public class GuardrailCheck {

  private final TwinGateway twin;
  private final Duration maxInputAge;

  GuardrailCheck(
      TwinGateway twin,
      @ConfigProperty(name = "control.interlock.max-input-age") Duration maxInputAge) {
    this.twin = twin;
    this.maxInputAge = maxInputAge;
  }

  /**
   * The state a proposal is checked against.
   *
   * @param pointNode the point's node, {@code twins/{twin}/nodes/{node}}
   * @param current the point's current setpoint as the twin reports it
   * @param facilityTime the twin's facility clock; null before its first telemetry sample
   * @param revision the twin revision the point was read under
   * @param readings interlock inputs read together with the point; an input missing here is read
   *     when a rule needs it
   */
  public record Context(
      String point,
      String pointNode,
      String unit,
      Reading current,
      Instant facilityTime,
      List<GuardrailRecord> guardrails,
      HoldRecord hold,
      String revision,
      Map<String, Reading> readings) {}

  /**
   * Returns the interlock inputs that the guardrails read for a point with the given node, limited
   * to points of the point's twin that exist under the revision, so the caller can read them in the
   * same call as the point. An input left out is read, or reported missing, by the rule itself.
   */
  public List<String> inputs(
      String point, String pointNode, List<GuardrailRecord> covering, String revision) {
    List<String> inputs = new ArrayList<>();
    String twinName = Names.twinOf(point);
    for (GuardrailRecord guardrail : covering) {
      for (Interlock interlock : guardrail.interlocks()) {
        String input =
            switch (interlock) {
              case Interlock.DewPoint dew ->
                  dew.dewPointPoint().isEmpty()
                      ? hallDewPoint(twinName, pointNode)
                      : dew.dewPointPoint();
              case Interlock.MinimumFlow flow ->
                  flow.flowPoint().isEmpty()
                      ? nodeFlowSensor(twinName, pointNode, revision)
                      : flow.flowPoint();
              case Interlock.ChillerCurve curve -> null;
            };
        if (input != null
            && twinName != null
            && twinName.equals(Names.twinOf(input))
            && !inputs.contains(input)
            && twin.exists(input, revision)) {
          inputs.add(input);
        }
      }
    }
    return inputs;
  }

  /** Returns every rule the value violates. */
  public List<Violation> check(Context context, double value) {
    List<Violation> violations = new ArrayList<>();
    if (context.guardrails().isEmpty()) {
      violations.add(
          new Violation(
              Rule.NO_GUARDRAIL,
              context.point(),
              "no guardrail covers " + context.point() + ", so no agent may move it"));
    }
    if (context.hold() != null) {
      violations.add(
          new Violation(
              Rule.POINT_HELD,
              context.hold().name(),
              context.point()
                  + " is held at "
                  + format(context.hold().value())
                  + " by "
                  + context.hold().name()
                  + " until an operator releases it"));
    }
    for (GuardrailRecord guardrail : context.guardrails()) {
      if (!guardrail.unit().equals(context.unit())) {
        violations.add(
            new Violation(
                Rule.NO_GUARDRAIL,
                guardrail.name(),
                guardrail.name()
                    + " is in unit "
                    + guardrail.unit()
                    + " but the point is in "
                    + context.unit()
                    + "; fix the guardrail's unit"));
        continue;
      }
      checkRange(context, guardrail, value, violations);
    }
    for (GuardrailRecord guardrail : context.guardrails()) {
      if (guardrail.unit().equals(context.unit())) {
        checkRate(context, guardrail, value, violations);
      }
    }
    for (GuardrailRecord guardrail : context.guardrails()) {
      for (Interlock interlock : guardrail.interlocks()) {
        checkInterlock(context, interlock, value, violations);
      }
    }
    return violations;
  }

  private static void checkRange(
      Context context, GuardrailRecord guardrail, double value, List<Violation> violations) {
    String reference = guardrail.name() + " (version " + guardrail.version() + ")";
    if (value < guardrail.minValue()) {
      violations.add(
          new Violation(
              Rule.BELOW_MIN,
              guardrail.name(),
              "setpoint "
                  + format(value)
                  + " "
                  + context.unit()
                  + " is below the minimum "
                  + format(guardrail.minValue())
                  + " of "
                  + reference));
    }
    if (value > guardrail.maxValue()) {
      violations.add(
          new Violation(
              Rule.ABOVE_MAX,
              guardrail.name(),
              "setpoint "
                  + format(value)
                  + " "
                  + context.unit()
                  + " is above the maximum "
                  + format(guardrail.maxValue())
                  + " of "
                  + reference));
    }
  }

  /**
   * A change of size d passes when at least d / rate minutes of facility time have passed since the
   * point's setpoint last changed. A setpoint never written since the twin was built has no last
   * change and passes. Without a facility clock every change fails.
   */
  private static void checkRate(
      Context context, GuardrailRecord guardrail, double value, List<Violation> violations) {
    Double currentValue = context.current().value();
    if (currentValue == null) {
      return;
    }
    double change = Math.abs(value - currentValue);
    if (change == 0) {
      return;
    }
    if (context.facilityTime() == null) {
      violations.add(
          new Violation(
              Rule.RATE_OF_CHANGE,
              guardrail.name(),
              "the twin has received no telemetry yet, so its facility clock cannot measure the"
                  + " rate of change of "
                  + context.point()));
      return;
    }
    Instant lastChange = context.current().facilityTime();
    if (lastChange == null) {
      return;
    }
    double elapsedMinutes =
        Math.max(0, Duration.between(lastChange, context.facilityTime()).toNanos()) / 60e9;
    double allowed = guardrail.maxRatePerMinute() * elapsedMinutes;
    if (change > allowed) {
      violations.add(
          new Violation(
              Rule.RATE_OF_CHANGE,
              guardrail.name(),
              "a change of "
                  + format(change)
                  + " "
                  + context.unit()
                  + " after "
                  + format(elapsedMinutes)
                  + " min of facility time exceeds the maximum rate "
                  + format(guardrail.maxRatePerMinute())
                  + " "
                  + context.unit()
                  + "/min of "
                  + guardrail.name()
                  + " (allowed now: "
                  + format(allowed)
                  + ")"));
    }
  }

  private void checkInterlock(
      Context context, Interlock interlock, double value, List<Violation> violations) {
    switch (interlock) {
      case Interlock.DewPoint dew -> checkDewPoint(context, dew, value, violations);
      case Interlock.MinimumFlow flow -> checkMinimumFlow(context, flow, value, violations);
      case Interlock.ChillerCurve curve -> checkChillerCurve(context, curve, value, violations);
    }
  }

  private void checkDewPoint(
      Context context, Interlock.DewPoint dew, double value, List<Violation> violations) {
    String input =
        dew.dewPointPoint().isEmpty()
            ? hallDewPoint(twinName(context), context.pointNode())
            : dew.dewPointPoint();
    InputValue reading = readInput(context, input);
    if (reading.problem() != null) {
      violations.add(new Violation(Rule.DEW_POINT_INTERLOCK, input, reading.problem()));
      return;
    }
    double dewPointC = reading.value();
    double lowest = dewPointC + dew.marginK();
    if (value < lowest) {
      violations.add(
          new Violation(
              Rule.DEW_POINT_INTERLOCK,
              input,
              "supply temperature setpoint "
                  + format(value)
                  + " C is below the dew point "
                  + format(dewPointC)
                  + " C plus the margin "
                  + format(dew.marginK())
                  + " K ("
                  + format(lowest)
                  + " C)"));
    }
  }

  private void checkMinimumFlow(
      Context context, Interlock.MinimumFlow flow, double value, List<Violation> violations) {
    if ("LPM".equals(context.unit())) {
      if (value < flow.minFlowLpm()) {
        violations.add(
            new Violation(
                Rule.MINIMUM_FLOW_INTERLOCK,
                context.point(),
                "flow setpoint "
                    + format(value)
                    + " L/min is below the minimum flow "
                    + format(flow.minFlowLpm())
                    + " L/min"));
      }
      return;
    }
    String input =
        flow.flowPoint().isEmpty()
            ? nodeFlowSensor(twinName(context), context.pointNode(), context.revision())
            : flow.flowPoint();
    if (input == null) {
      violations.add(
          new Violation(
              Rule.MINIMUM_FLOW_INTERLOCK,
              context.pointNode(),
              "the node has no flow sensor; set flow_point on the interlock"));
      return;
    }
    if (!"%".equals(context.unit())) {
      violations.add(
          new Violation(
              Rule.MINIMUM_FLOW_INTERLOCK,
              input,
              "cannot estimate the flow of a setpoint in unit " + context.unit()));
      return;
    }
    InputValue reading = readInput(context, input);
    String problem = reading.problem();
    Double speed = context.current().value();
    if (problem == null && (speed == null || speed <= 0)) {
      problem =
          "the current pump speed is 0, so the flow at the proposed speed cannot be estimated";
    }
    if (problem != null) {
      violations.add(new Violation(Rule.MINIMUM_FLOW_INTERLOCK, input, problem));
      return;
    }
    // Affinity law: flow is proportional to pump speed.
    double estimatedLpm = reading.value() * value / speed;
    if (estimatedLpm < flow.minFlowLpm()) {
      violations.add(
          new Violation(
              Rule.MINIMUM_FLOW_INTERLOCK,
              input,
              "pump speed "
                  + format(value)
                  + " % gives an estimated flow of "
                  + format(estimatedLpm)
                  + " L/min, below the minimum "
                  + format(flow.minFlowLpm())
                  + " L/min"));
    }
  }

  /**
   * Checks a chiller leaving-water setpoint against the curve range: the guardrail's limits, and
   * for a limit the guardrail leaves unset, the one in the spec of the chiller's part revision.
   * With neither, the interlock fails closed.
   */
  private void checkChillerCurve(
      Context context, Interlock.ChillerCurve curve, double value, List<Violation> violations) {
    Double min = curve.minLeavingTemperatureC();
    Double max = curve.maxLeavingTemperatureC();
    if (min == null || max == null) {
      TwinGateway.ChillerRange part;
      try {
        part = twin.chillerRange(context.pointNode(), context.revision());
      } catch (NotFoundException e) {
        part = new TwinGateway.ChillerRange("", null, null);
      }
      min = min != null ? min : part.minC();
      max = max != null ? max : part.maxC();
      if (min == null || max == null) {
        String field =
            min == null
                ? "min_leaving_chilled_water_temperature_c"
                : "max_leaving_chilled_water_temperature_c";
        String revision = part.partRevision().isEmpty() ? "no part revision" : part.partRevision();
        violations.add(
            new Violation(
                Rule.CHILLER_CURVE_INTERLOCK,
                context.point(),
                "the chiller curve interlock has no "
                    + (min == null ? "lowest" : "highest")
                    + " leaving-water temperature: the guardrail leaves it unset and the chiller's"
                    + " spec ("
                    + revision
                    + ") has no "
                    + field
                    + "; set it on either"));
        return;
      }
    }
    if (value < min || value > max) {
      violations.add(
          new Violation(
              Rule.CHILLER_CURVE_INTERLOCK,
              context.point(),
              "leaving-water setpoint "
                  + format(value)
                  + " C lies outside the curve's range ["
                  + format(min)
                  + ", "
                  + format(max)
                  + "] C"));
    }
  }

  /**
   * Returns the dew point sensor of the hall that contains the point's node. Node ids are placement
   * paths that start with the hall id ({@code hall-1.row-03.cdu-1}), and a hall's dew point sensor
   * is its {@code dew-point-temperature} point.
   */
  private static String hallDewPoint(String twinName, String pointNode) {
    String nodeId = pointNode.substring(pointNode.lastIndexOf('/') + 1);
    int dot = nodeId.indexOf('.');
    String hall = dot < 0 ? nodeId : nodeId.substring(0, dot);
    return twinName + "/points/" + hall + ".dew-point-temperature";
  }

  /** Returns the flow sensor of the point's node (CDU secondary flow, or pump flow), or null. */
  private String nodeFlowSensor(String twinName, String pointNode, String revision) {
    String nodeId = pointNode.substring(pointNode.lastIndexOf('/') + 1);
    for (String type : List.of("liquid-flow.secondary", "liquid-flow")) {
      String candidate = twinName + "/points/" + nodeId + "." + type;
      if (twin.exists(candidate, revision)) {
        return candidate;
      }
    }
    return null;
  }

  /**
   * An interlock input: its value, or why it cannot be used.
   *
   * @param problem null when the value is present and fresh
   */
  private record InputValue(double value, String problem) {}

  /** Reads an interlock input once and checks that its value is present and fresh. */
  private InputValue readInput(Context context, String input) {
    Reading reading = context.readings().get(input);
    try {
      if (reading == null) {
        reading = read(input);
      }
    } catch (NotFoundException e) {
      return new InputValue(
          Double.NaN, input + " does not exist in the twin, so the interlock fails closed");
    }
    if (reading.value() == null || reading.facilityTime() == null) {
      return new InputValue(Double.NaN, input + " has no value yet, so the interlock fails closed");
    }
    if (context.facilityTime() != null
        && Duration.between(reading.facilityTime(), context.facilityTime()).compareTo(maxInputAge)
            > 0) {
      return new InputValue(
          Double.NaN,
          input
              + " was last measured at "
              + reading.facilityTime()
              + ", more than "
              + maxInputAge.toSeconds()
              + " s of facility time before "
              + context.facilityTime()
              + ", so the interlock fails closed");
    }
    return new InputValue(reading.value(), null);
  }

  private Reading read(String input) {
    String twinName = Names.twinOf(input);
    if (twinName == null) {
      throw new NotFoundException(input);
    }
    return twin.latest(twinName, List.of(input)).getFirst();
  }

  private static String twinName(Context context) {
    return Names.twinOf(context.point());
  }

  static String format(double value) {
    return String.format(Locale.ROOT, "%.3f", value).replaceAll("\\.?0+$", "");
  }
}
