package io.factorytwin.cli;

/** A failure before any call was made, such as an unreadable token file. */
final class CliException extends RuntimeException {

  CliException(String message) {
    super(message);
  }
}
