package io.factorytwin.simulation.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.factorytwin.support.error.ErrorTable;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import org.junit.jupiter.api.Test;

/** Checks what a gRPC client receives for a broken data set, through the shared error table. */
class InputErrorStatusTest {

  @Test
  void brokenWeather_becomesInvalidArgumentNamingTheLine() throws Exception {
    Throwable failure =
        catchThrowable(
            () ->
                new EpwReader("design_evaluation.weather_data_set", 2022, 5, 5)
                    .read(InputFixtures.fixture("epw-wrong-column-count.epw")));

    StatusRuntimeException status = ErrorTable.toStatus(failure, "simulation.factorytwin.io");

    assertThat(status.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    com.google.rpc.Status details = StatusProto.fromThrowable(status);
    assertThat(details).isNotNull();
    ErrorInfo info = null;
    BadRequest badRequest = null;
    for (var any : details.getDetailsList()) {
      if (any.is(ErrorInfo.class)) {
        info = any.unpack(ErrorInfo.class);
      } else if (any.is(BadRequest.class)) {
        badRequest = any.unpack(BadRequest.class);
      }
    }
    assertThat(info).isNotNull();
    assertThat(info.getReason()).isEqualTo("DATA_SET_INVALID");
    assertThat(badRequest).isNotNull();
    assertThat(badRequest.getFieldViolations(0).getField())
        .isEqualTo("design_evaluation.weather_data_set");
    assertThat(badRequest.getFieldViolations(0).getDescription())
        .startsWith("epw-wrong-column-count.epw line 11: ");
  }
}
