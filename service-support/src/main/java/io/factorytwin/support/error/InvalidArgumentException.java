package io.factorytwin.support.error;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A request that breaks the contract; maps to INVALID_ARGUMENT with BadRequest field violations.
 */
public final class InvalidArgumentException extends DomainException {

  /**
   * One offending field.
   *
   * @param field the path of the field in the request, in proto field names ({@code
   *     design.site.latitude_deg}, {@code points[3].value})
   * @param description what is wrong and what a valid value looks like
   */
  public record FieldViolation(String field, String description) {}

  private final List<FieldViolation> violations;

  public InvalidArgumentException(List<FieldViolation> violations) {
    this("INVALID_FIELD", violations);
  }

  /**
   * Creates the failure with a more specific ErrorInfo reason than INVALID_FIELD, such as
   * REQUEST_ID_REUSED.
   */
  public InvalidArgumentException(String reason, List<FieldViolation> violations) {
    super(reason, summarize(violations), Map.of());
    if (violations.isEmpty()) {
      throw new IllegalArgumentException("an invalid argument needs at least one field violation");
    }
    this.violations = List.copyOf(violations);
  }

  public InvalidArgumentException(String field, String description) {
    this(List.of(new FieldViolation(field, description)));
  }

  public List<FieldViolation> violations() {
    return violations;
  }

  /**
   * Returns the same failure with every field path under the given prefix, such as {@code
   * requests[2].} for the third item of a batch call.
   */
  public InvalidArgumentException under(String prefix) {
    return new InvalidArgumentException(
        reason(),
        violations.stream()
            .map(v -> new FieldViolation(prefix + v.field(), v.description()))
            .toList());
  }

  private static String summarize(List<FieldViolation> violations) {
    return violations.stream()
        .map(v -> v.field() + ": " + v.description())
        .collect(Collectors.joining("; "));
  }
}
