package io.factorytwin.support.error;

import java.util.Map;

/**
 * A failure of a service's own rules. Each subclass stands for one gRPC status code, fixed in
 * {@link ErrorTable}; the reason is the {@code google.rpc.ErrorInfo} reason, the name of a value of
 * the contract's {@code ErrorReason} enum without its {@code ERROR_REASON_} prefix.
 */
public abstract sealed class DomainException extends RuntimeException
    permits AlreadyExistsException,
        EtagMismatchException,
        FailedPreconditionException,
        InvalidArgumentException,
        NotFoundException,
        PermissionDeniedException,
        UnauthenticatedException,
        UnavailableException {

  private final String reason;
  private final Map<String, String> metadata;

  protected DomainException(String reason, String message, Map<String, String> metadata) {
    super(message, null, false, false);
    this.reason = reason;
    this.metadata = Map.copyOf(metadata);
  }

  /** The ErrorInfo reason in UPPER_SNAKE_CASE. */
  public String reason() {
    return reason;
  }

  /** ErrorInfo metadata: the ids involved, such as the resource name. */
  public Map<String, String> metadata() {
    return metadata;
  }
}
