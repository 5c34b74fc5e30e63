package io.factorytwin.support.error;

import java.util.Map;

/** A named resource that does not exist; maps to NOT_FOUND. */
public final class NotFoundException extends DomainException {

  public NotFoundException(String resourceName) {
    super("RESOURCE_NOT_FOUND", resourceName + " not found", Map.of("resource", resourceName));
  }

  /**
   * Creates the failure for a resource that a request field names, such as a node that {@code
   * edges[2].target} refers to. The ErrorInfo metadata carries both, as {@code resource} and {@code
   * field}.
   */
  public NotFoundException(String resourceName, String field) {
    super(
        "RESOURCE_NOT_FOUND",
        field + ": " + resourceName + " not found",
        Map.of("resource", resourceName, "field", field));
  }
}
