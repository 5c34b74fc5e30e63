package io.factorytwin.support.error;

import java.util.Map;

/** A create that names a resource which exists already; maps to ALREADY_EXISTS. */
public final class AlreadyExistsException extends DomainException {

  public AlreadyExistsException(String resourceName) {
    super("ALREADY_EXISTS", resourceName + " already exists", Map.of("resource", resourceName));
  }
}
