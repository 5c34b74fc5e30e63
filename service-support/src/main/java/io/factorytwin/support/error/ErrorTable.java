package io.factorytwin.support.error;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.PreconditionFailure;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.quarkus.logging.Log;
import jakarta.persistence.OptimisticLockException;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hibernate.exception.JDBCConnectionException;

/**
 * The one table from exception to gRPC status. Every failure a client sees passes through {@link
 * #toStatus}: a known failure keeps its code, reason and details, and anything else becomes
 * INTERNAL with an incident id, so no client ever reads UNKNOWN or a Java class name.
 */
public final class ErrorTable {

  /** Status code per domain exception class. */
  static final Map<Class<? extends DomainException>, Status.Code> CODES =
      Map.of(
          InvalidArgumentException.class, Status.Code.INVALID_ARGUMENT,
          NotFoundException.class, Status.Code.NOT_FOUND,
          AlreadyExistsException.class, Status.Code.ALREADY_EXISTS,
          FailedPreconditionException.class, Status.Code.FAILED_PRECONDITION,
          EtagMismatchException.class, Status.Code.ABORTED,
          UnavailableException.class, Status.Code.UNAVAILABLE,
          PermissionDeniedException.class, Status.Code.PERMISSION_DENIED,
          UnauthenticatedException.class, Status.Code.UNAUTHENTICATED);

  private ErrorTable() {}

  /**
   * Converts any failure into the status a client receives.
   *
   * @param failure what a service method threw or failed with
   * @param domain the ErrorInfo domain of the service, such as {@code twin.factorytwin.io}
   */
  public static StatusRuntimeException toStatus(Throwable failure, String domain) {
    Throwable cause = unwrap(failure);
    if (cause instanceof StatusRuntimeException statusRuntime) {
      return passThrough(statusRuntime.getStatus(), statusRuntime.getTrailers(), statusRuntime);
    }
    if (cause instanceof StatusException status) {
      return passThrough(status.getStatus(), status.getTrailers(), null);
    }
    if (cause instanceof DomainException domainFailure) {
      return fromDomain(domainFailure, domain);
    }
    if (cause instanceof OptimisticLockException
        || cause instanceof org.hibernate.StaleStateException) {
      return build(
          Status.Code.ABORTED,
          "the record was changed by another writer; read it again and retry",
          errorInfo("ETAG_MISMATCH", domain, Map.of()),
          List.of());
    }
    if (isDatabaseUnreachable(cause)) {
      Log.warnf("database unavailable: %s", cause.toString());
      return build(
          Status.Code.UNAVAILABLE,
          "the service's database is unavailable; retry with backoff",
          errorInfo("DEPENDENCY_UNAVAILABLE", domain, Map.of("dependency", "database")),
          List.of());
    }
    String incident = UUID.randomUUID().toString();
    Log.errorf(cause, "internal error, incident %s", incident);
    return build(
        Status.Code.INTERNAL,
        "internal error; the server log has the details under incident " + incident,
        errorInfo("INTERNAL", domain, Map.of("incident", incident)),
        List.of());
  }

  /**
   * Keeps a status that a called service or the gRPC runtime produced, but turns UNKNOWN, which
   * tells a client nothing it can act on, into INTERNAL.
   */
  private static StatusRuntimeException passThrough(
      Status status, io.grpc.Metadata trailers, StatusRuntimeException original) {
    if (status.getCode() != Status.Code.UNKNOWN) {
      return original != null ? original : new StatusRuntimeException(status, trailers);
    }
    Log.warnf("a call failed with UNKNOWN (%s); returning INTERNAL", status.getDescription());
    return Status.INTERNAL
        .withDescription("internal error in a dependency of this service")
        .asRuntimeException();
  }

  private static Throwable unwrap(Throwable failure) {
    Throwable current = failure;
    // CDI interceptors and Mutiny wrap the real failure; a DomainException or a status is what
    // the table maps, so look a few levels down for one.
    for (int depth = 0; depth < 8 && current != null; depth++) {
      if (current instanceof DomainException
          || current instanceof StatusRuntimeException
          || current instanceof StatusException) {
        return current;
      }
      current = current.getCause();
    }
    return failure;
  }

  private static boolean isDatabaseUnreachable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof JDBCConnectionException || t instanceof SQLTransientConnectionException) {
        return true;
      }
      // Plain JDBC: SQLState class 08 is a connection failure. The Agroal pool reports that no
      // connection became free in time as an SQLException without a state, whose message reads
      // "Sorry, acquisition timeout!"; that is overload, which a client retries with backoff.
      if (t instanceof java.sql.SQLException sql
          && ((sql.getSQLState() != null && sql.getSQLState().startsWith("08"))
              || (sql.getMessage() != null
                  && sql.getMessage()
                      .toLowerCase(java.util.Locale.ROOT)
                      .contains("acquisition timeout")))) {
        return true;
      }
    }
    return false;
  }

  private static StatusRuntimeException fromDomain(DomainException failure, String domain) {
    Status.Code code = CODES.get(failure.getClass());
    if (code == null) {
      throw new IllegalStateException("no status code mapped for " + failure.getClass());
    }
    List<Any> details =
        switch (failure) {
          case InvalidArgumentException invalid -> List.of(Any.pack(badRequest(invalid)));
          case FailedPreconditionException failed -> List.of(Any.pack(preconditionFailure(failed)));
          default -> List.of();
        };
    return build(
        code,
        failure.getMessage(),
        errorInfo(failure.reason(), domain, failure.metadata()),
        details);
  }

  private static BadRequest badRequest(InvalidArgumentException failure) {
    BadRequest.Builder builder = BadRequest.newBuilder();
    for (InvalidArgumentException.FieldViolation violation : failure.violations()) {
      builder
          .addFieldViolationsBuilder()
          .setField(violation.field())
          .setDescription(violation.description());
    }
    return builder.build();
  }

  private static PreconditionFailure preconditionFailure(FailedPreconditionException failure) {
    PreconditionFailure.Builder builder = PreconditionFailure.newBuilder();
    for (FailedPreconditionException.Violation violation : failure.violations()) {
      builder
          .addViolationsBuilder()
          .setType(violation.type())
          .setSubject(violation.subject())
          .setDescription(violation.description());
    }
    return builder.build();
  }

  private static ErrorInfo errorInfo(String reason, String domain, Map<String, String> metadata) {
    return ErrorInfo.newBuilder()
        .setReason(reason)
        .setDomain(domain)
        .putAllMetadata(metadata)
        .build();
  }

  private static StatusRuntimeException build(
      Status.Code code, String message, ErrorInfo info, List<Any> details) {
    com.google.rpc.Status status =
        com.google.rpc.Status.newBuilder()
            .setCode(code.value())
            .setMessage(message == null ? code.name() : message)
            .addDetails(Any.pack(info))
            .addAllDetails(details)
            .build();
    return StatusProto.toStatusRuntimeException(status);
  }
}
