package io.factorytwin.support.grpc;

import io.factorytwin.support.config.ServiceConfig;
import io.factorytwin.support.error.ErrorTable;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.ExceptionHandler;
import io.quarkus.grpc.ExceptionHandlerProvider;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Replaces Quarkus's default mapping, which turns every exception but IllegalArgumentException into
 * UNKNOWN with the Java class name in the description, by {@link ErrorTable}.
 */
@ApplicationScoped
public class GrpcErrorHandlerProvider implements ExceptionHandlerProvider {

  private final String domain;

  GrpcErrorHandlerProvider(ServiceConfig config) {
    this.domain = config.errorDomain();
  }

  @Override
  public <ReqT, RespT> ExceptionHandler<ReqT, RespT> createHandler(
      ServerCall.Listener<ReqT> listener, ServerCall<ReqT, RespT> call, Metadata metadata) {
    return new ExceptionHandler<>(listener, call, metadata) {
      @Override
      protected void handleException(
          Throwable failure, ServerCall<ReqT, RespT> serverCall, Metadata headers) {
        StatusRuntimeException status = ErrorTable.toStatus(failure, domain);
        Metadata trailers = status.getTrailers() == null ? new Metadata() : status.getTrailers();
        serverCall.close(status.getStatus(), trailers);
      }
    };
  }

  @Override
  public Throwable transform(Throwable failure) {
    return ErrorTable.toStatus(failure, domain);
  }
}
