package io.factorytwin.lifecycle.service;

import java.util.List;

/**
 * A design document with errors. The gRPC layer turns it into INVALID_ARGUMENT with one field
 * violation per error, or into the error list of a validate_only response.
 */
public final class DocumentRejectedException extends RuntimeException {

  private final transient List<DocumentError> errors;

  public DocumentRejectedException(List<DocumentError> errors) {
    super(errors.size() + " errors in the design document", null, false, false);
    this.errors = List.copyOf(errors);
  }

  public List<DocumentError> errors() {
    return errors;
  }
}
