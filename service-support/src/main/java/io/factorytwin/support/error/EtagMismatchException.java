package io.factorytwin.support.error;

import java.util.Map;

/**
 * A write that carried a stale etag or version; maps to ABORTED so the client rereads and retries.
 */
public final class EtagMismatchException extends DomainException {

  public EtagMismatchException(String resourceName) {
    super(
        "ETAG_MISMATCH",
        resourceName + " was changed by another writer; read it again and retry with its new etag",
        Map.of("resource", resourceName));
  }
}
