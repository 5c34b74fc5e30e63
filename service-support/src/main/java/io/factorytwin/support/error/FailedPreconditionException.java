package io.factorytwin.support.error;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A valid request that the current state does not allow (a wrong lifecycle state, a violated
 * guardrail); maps to FAILED_PRECONDITION with PreconditionFailure details.
 */
public final class FailedPreconditionException extends DomainException {

  /**
   * One unmet precondition, in the terms of {@code google.rpc.PreconditionFailure.Violation}.
   *
   * @param type the kind of rule, such as {@code LIFECYCLE_STATE} or {@code GUARDRAIL_MAXIMUM}
   * @param subject the resource or point the rule applies to
   * @param description what is wrong and how to resolve it
   */
  public record Violation(String type, String subject, String description) {}

  private final List<Violation> violations;

  public FailedPreconditionException(String reason, List<Violation> violations) {
    super(reason, summarize(violations), Map.of());
    if (violations.isEmpty()) {
      throw new IllegalArgumentException("a failed precondition needs at least one violation");
    }
    this.violations = List.copyOf(violations);
  }

  public List<Violation> violations() {
    return violations;
  }

  private static String summarize(List<Violation> violations) {
    return violations.stream()
        .map(v -> v.subject() + ": " + v.description())
        .collect(Collectors.joining("; "));
  }
}
