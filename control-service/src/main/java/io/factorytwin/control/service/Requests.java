package io.factorytwin.control.service;

import io.factorytwin.control.repository.RequestStore;
import io.factorytwin.support.error.InvalidArgumentException;

/** The optional idempotency keys of create calls. */
final class Requests {

  private Requests() {}

  /**
   * Returns the resource an earlier call with the key created, or null when the key is empty or
   * new; INVALID_ARGUMENT when a key is set but is not a UUID.
   */
  static String earlier(RequestStore store, String caller, String method, String requestId) {
    if (requestId.isEmpty()) {
      return null;
    }
    if (!Names.isUuid(requestId)) {
      throw new InvalidArgumentException("request_id", "must be a UUID when set");
    }
    return store.find(caller, method, requestId);
  }
}
