package io.factorytwin.support.error;

import java.util.Map;

/** An authenticated caller that may not do this; maps to PERMISSION_DENIED. */
public final class PermissionDeniedException extends DomainException {

  public PermissionDeniedException(String reason, String message) {
    super(reason, message, Map.of());
  }
}
