package io.factorytwin.cli;

import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.PreconditionFailure;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * Prints a failed call as its gRPC status, message and details on standard error, and returns a
 * non-zero exit code: 2 for a rejected request, 3 for a service that could not be reached, 1 for
 * anything else. Commands return {@link #CHECK_FAILED} themselves when a call succeeded but its
 * result is a failed check.
 */
final class ErrorReporter implements CommandLine.IExecutionExceptionHandler {

  static final int FAILED = 1;
  static final int REJECTED = 2;
  static final int UNREACHABLE = 3;

  /**
   * A call that succeeded with a negative result: a setpoint proposal or approval that ended
   * REJECTED by a guardrail check, an audit trail that does not verify, or a watched simulation job
   * that ended FAILED.
   */
  static final int CHECK_FAILED = 4;

  /**
   * A simulation job that a watch followed to CANCELLED. A watched job that ends FAILED exits with
   * {@link #CHECK_FAILED}, so a script can tell a failed run from one that someone stopped.
   */
  static final int JOB_CANCELLED = 5;

  @Override
  public int handleExecutionException(
      Exception failure, CommandLine commandLine, CommandLine.ParseResult parseResult) {
    PrintWriter err = commandLine.getErr();
    if (failure instanceof StatusRuntimeException status) {
      err.println(
          "error: "
              + status.getStatus().getCode()
              + ": "
              + String.valueOf(status.getStatus().getDescription()));
      printDetails(err, status);
      err.flush();
      return switch (status.getStatus().getCode()) {
        case UNAVAILABLE, DEADLINE_EXCEEDED -> UNREACHABLE;
        default -> REJECTED;
      };
    }
    if (failure instanceof CliException cli) {
      err.println("error: " + cli.getMessage());
      err.flush();
      return FAILED;
    }
    err.println("error: " + failure);
    err.flush();
    return FAILED;
  }

  private static void printDetails(PrintWriter err, StatusRuntimeException failure) {
    com.google.rpc.Status status = StatusProto.fromThrowable(failure);
    if (status == null) {
      return;
    }
    for (com.google.protobuf.Any detail : status.getDetailsList()) {
      try {
        if (detail.is(ErrorInfo.class)) {
          ErrorInfo info = detail.unpack(ErrorInfo.class);
          err.println("  reason: " + info.getReason() + " (" + info.getDomain() + ")");
        } else if (detail.is(BadRequest.class)) {
          for (BadRequest.FieldViolation v :
              detail.unpack(BadRequest.class).getFieldViolationsList()) {
            err.println("  field " + v.getField() + ": " + v.getDescription());
          }
        } else if (detail.is(PreconditionFailure.class)) {
          for (PreconditionFailure.Violation v :
              detail.unpack(PreconditionFailure.class).getViolationsList()) {
            err.println("  " + v.getType() + " " + v.getSubject() + ": " + v.getDescription());
          }
        }
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        err.println("  (unreadable error detail " + detail.getTypeUrl() + ")");
      }
    }
  }
}
