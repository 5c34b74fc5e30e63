package io.factorytwin.support.error;

import java.util.Map;

/** A dependency (the database, a peer service) that cannot be reached; maps to UNAVAILABLE. */
public final class UnavailableException extends DomainException {

  public UnavailableException(String dependency, String message) {
    super("DEPENDENCY_UNAVAILABLE", message, Map.of("dependency", dependency));
  }
}
