package io.factorytwin.simulation.input;

import io.factorytwin.support.error.InvalidArgumentException;
import java.util.List;

/** Builds the errors that the input readers raise for a data set file they cannot use. */
final class InputErrors {

  /** ErrorInfo reason of the contract for a data set that exists but cannot be used. */
  static final String DATA_SET_INVALID = "DATA_SET_INVALID";

  private InputErrors() {}

  /**
   * Returns an INVALID_ARGUMENT failure that names the file and the 1-based line.
   *
   * @param field the request field that named the data set, such as {@code weather}
   */
  static InvalidArgumentException atLine(String field, String file, int line, String problem) {
    return new InvalidArgumentException(
        DATA_SET_INVALID,
        List.of(
            new InvalidArgumentException.FieldViolation(
                field, file + " line " + line + ": " + problem)));
  }

  /** Returns an INVALID_ARGUMENT failure about the file as a whole. */
  static InvalidArgumentException inFile(String field, String file, String problem) {
    return new InvalidArgumentException(
        DATA_SET_INVALID,
        List.of(new InvalidArgumentException.FieldViolation(field, file + ": " + problem)));
  }
}
