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

  /**
   * Creates the failure with another ABORTED reason, such as VERSION_MISMATCH for a stale point
   * version, and the message a client reads.
   */
  public EtagMismatchException(String reason, String resourceName, String message) {
    super(reason, message, Map.of("resource", resourceName));
  }
}
