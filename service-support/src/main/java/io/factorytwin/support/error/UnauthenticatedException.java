package io.factorytwin.support.error;

import java.util.Map;

/** A call without a valid token; maps to UNAUTHENTICATED. */
public final class UnauthenticatedException extends DomainException {

  public UnauthenticatedException(String message) {
    super("UNAUTHENTICATED", message, Map.of());
  }
}
