package io.factorytwin.support.error;

import java.util.Map;

/** A named resource that does not exist; maps to NOT_FOUND. */
public final class NotFoundException extends DomainException {

  public NotFoundException(String resourceName) {
    super("RESOURCE_NOT_FOUND", resourceName + " not found", Map.of("resource", resourceName));
  }
}
