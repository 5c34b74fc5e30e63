package io.factorytwin.support.error;

import java.util.Map;

/** A dependency (the database, a peer service) that cannot be reached; maps to UNAVAILABLE. */
public final class UnavailableException extends DomainException {

  public UnavailableException(String dependency, String message) {
    super("DEPENDENCY_UNAVAILABLE", message, Map.of("dependency", dependency));
  }

  /** Creates the failure with another reason, such as NOT_TWIN_OWNER. */
  public UnavailableException(String reason, String dependency, String message) {
    super(reason, message, Map.of("dependency", dependency));
  }
}
