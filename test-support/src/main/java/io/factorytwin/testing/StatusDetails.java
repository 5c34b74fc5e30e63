package io.factorytwin.testing;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.PreconditionFailure;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.ArrayList;
import java.util.List;

/** Reads the google.rpc details a failed call carries, for assertions. */
public final class StatusDetails {

  private StatusDetails() {}

  /** The ErrorInfo reason, or null when the status has none. */
  public static String reason(StatusRuntimeException failure) {
    return details(failure, ErrorInfo.class).stream()
        .map(ErrorInfo::getReason)
        .findFirst()
        .orElse(null);
  }

  /** The fields named by the BadRequest field violations. */
  public static List<String> fields(StatusRuntimeException failure) {
    return details(failure, BadRequest.class).stream()
        .flatMap(request -> request.getFieldViolationsList().stream())
        .map(BadRequest.FieldViolation::getField)
        .toList();
  }

  /** The PreconditionFailure violations. */
  public static List<PreconditionFailure.Violation> preconditions(StatusRuntimeException failure) {
    return details(failure, PreconditionFailure.class).stream()
        .flatMap(detail -> detail.getViolationsList().stream())
        .toList();
  }

  private static <T extends Message> List<T> details(
      StatusRuntimeException failure, Class<T> type) {
    List<T> found = new ArrayList<>();
    com.google.rpc.Status status = StatusProto.fromThrowable(failure);
    if (status == null) {
      return found;
    }
    for (Any detail : status.getDetailsList()) {
      if (detail.is(type)) {
        try {
          found.add(detail.unpack(type));
        } catch (InvalidProtocolBufferException e) {
          throw new AssertionError("a status detail does not parse", e);
        }
      }
    }
    return found;
  }
}
