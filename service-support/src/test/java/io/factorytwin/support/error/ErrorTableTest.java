package io.factorytwin.support.error;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.PreconditionFailure;
import io.factorytwin.common.v1.ErrorReason;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import jakarta.persistence.OptimisticLockException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import java.util.Map;
import org.hibernate.exception.JDBCConnectionException;
import org.junit.jupiter.api.Test;

class ErrorTableTest {

  private static final String DOMAIN = "test.factorytwin.io";

  /** One instance of every domain exception, with the code the table must give it. */
  private static final Map<DomainException, Status.Code> CASES =
      Map.of(
          new InvalidArgumentException("part.rated_power_kw", "must be finite and positive"),
              Status.Code.INVALID_ARGUMENT,
          new NotFoundException("parts/gb200-nvl72"), Status.Code.NOT_FOUND,
          new AlreadyExistsException("parts/gb200-nvl72"), Status.Code.ALREADY_EXISTS,
          new FailedPreconditionException(
                  "ILLEGAL_STATE_TRANSITION",
                  List.of(
                      new FailedPreconditionException.Violation(
                          "LIFECYCLE_STATE", "parts/x/revisions/A", "is RELEASED"))),
              Status.Code.FAILED_PRECONDITION,
          new EtagMismatchException("designs/hall-1"), Status.Code.ABORTED,
          new UnavailableException("twin-service", "twin-service did not answer"),
              Status.Code.UNAVAILABLE,
          new PermissionDeniedException("OUT_OF_SCOPE", "agent may not write this point"),
              Status.Code.PERMISSION_DENIED,
          new UnauthenticatedException("missing token"), Status.Code.UNAUTHENTICATED);

  @Test
  void table_coversEveryDomainException() {
    assertThat(ErrorTable.CODES.keySet().stream().map(Class::getName))
        .containsExactlyInAnyOrderElementsOf(
            java.util.Arrays.stream(DomainException.class.getPermittedSubclasses())
                .map(Class::getName)
                .toList());
    assertThat(CASES.keySet().stream().map(Object::getClass).distinct())
        .containsExactlyInAnyOrderElementsOf(ErrorTable.CODES.keySet());
  }

  @Test
  void unknownFromDependency_becomesInternal() {
    StatusRuntimeException status =
        ErrorTable.toStatus(Status.UNKNOWN.withDescription("boom").asRuntimeException(), DOMAIN);

    assertThat(status.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
  }

  @Test
  void domainException_mapsToItsCodeWithErrorInfo() {
    CASES.forEach(
        (failure, code) -> {
          StatusRuntimeException status = ErrorTable.toStatus(failure, DOMAIN);

          assertThat(status.getStatus().getCode())
              .as(failure.getClass().getSimpleName())
              .isEqualTo(code);
          assertThat(errorInfo(status).getReason()).isEqualTo(failure.reason());
          assertThat(errorInfo(status).getDomain()).isEqualTo(DOMAIN);
          assertThat(status.getStatus().getDescription()).doesNotContain("Exception");
        });
  }

  @Test
  void everyReason_isAValueOfTheContractEnum() {
    for (DomainException failure : CASES.keySet()) {
      assertThat(ErrorReason.valueOf("ERROR_REASON_" + failure.reason()))
          .as(failure.reason())
          .isNotNull();
    }
    assertThat(ErrorReason.valueOf("ERROR_REASON_INTERNAL")).isNotNull();
  }

  @Test
  void invalidArgument_carriesFieldViolations() {
    StatusRuntimeException status =
        ErrorTable.toStatus(
            new InvalidArgumentException(
                List.of(
                    new InvalidArgumentException.FieldViolation("a", "bad a"),
                    new InvalidArgumentException.FieldViolation("b.c", "bad c"))),
            DOMAIN);

    BadRequest badRequest = detail(status, BadRequest.class);
    assertThat(badRequest.getFieldViolationsList())
        .extracting(BadRequest.FieldViolation::getField)
        .containsExactly("a", "b.c");
  }

  @Test
  void failedPrecondition_carriesViolations() {
    StatusRuntimeException status =
        ErrorTable.toStatus(
            new FailedPreconditionException(
                "GUARDRAIL_VIOLATED",
                List.of(
                    new FailedPreconditionException.Violation(
                        "GUARDRAIL_MAXIMUM", "points/p", "above 45 C"))),
            DOMAIN);

    PreconditionFailure failure = detail(status, PreconditionFailure.class);
    assertThat(failure.getViolations(0).getType()).isEqualTo("GUARDRAIL_MAXIMUM");
    assertThat(failure.getViolations(0).getSubject()).isEqualTo("points/p");
  }

  @Test
  void unexpectedException_isInternalWithoutClassName() {
    StatusRuntimeException status =
        ErrorTable.toStatus(new NullPointerException("Cannot invoke java.lang.String"), DOMAIN);

    assertThat(status.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
    assertThat(status.getStatus().getDescription())
        .doesNotContain("NullPointerException")
        .doesNotContain("java.lang")
        .contains("incident");
    assertThat(errorInfo(status).getMetadataMap()).containsKey("incident");
  }

  @Test
  void wrappedDomainException_isFoundUnderItsWrapper() {
    StatusRuntimeException status =
        ErrorTable.toStatus(new RuntimeException(new NotFoundException("jobs/j1")), DOMAIN);

    assertThat(status.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void optimisticLock_isAborted() {
    StatusRuntimeException status = ErrorTable.toStatus(new OptimisticLockException(), DOMAIN);

    assertThat(status.getStatus().getCode()).isEqualTo(Status.Code.ABORTED);
  }

  @Test
  void lostDatabaseConnection_isUnavailable() {
    StatusRuntimeException status =
        ErrorTable.toStatus(
            new JDBCConnectionException(
                "could not connect", new SQLTransientConnectionException("refused")),
            DOMAIN);

    assertThat(status.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
  }

  @Test
  void exhaustedConnectionPool_isUnavailable() {
    // The exact message Agroal raises when no pooled connection frees up in time.
    RuntimeException wrapped =
        new RuntimeException(
            "a database statement failed", new SQLException("Sorry, acquisition timeout!"));

    StatusRuntimeException status = ErrorTable.toStatus(wrapped, DOMAIN);

    assertThat(status.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
  }

  @Test
  void statusException_passesThroughUnchanged() {
    StatusRuntimeException original =
        Status.DEADLINE_EXCEEDED.withDescription("slow").asRuntimeException();

    assertThat(ErrorTable.toStatus(original, DOMAIN)).isSameAs(original);
  }

  private static ErrorInfo errorInfo(StatusRuntimeException status) {
    return detail(status, ErrorInfo.class);
  }

  private static <T extends com.google.protobuf.Message> T detail(
      StatusRuntimeException status, Class<T> type) {
    com.google.rpc.Status proto = StatusProto.fromThrowable(status);
    assertThat(proto).isNotNull();
    return proto.getDetailsList().stream()
        .filter(any -> any.is(type))
        .map(
            any -> {
              try {
                return any.unpack(type);
              } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                throw new AssertionError(e);
              }
            })
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " detail"));
  }
}
