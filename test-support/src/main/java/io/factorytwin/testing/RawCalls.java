package io.factorytwin.testing;

import io.grpc.CallCredentials;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Calls any method of a service with raw bytes as its request, whatever its streaming type, and
 * returns the status it closed with. The tests of the access rules and of the error mapping use it
 * to reach every method of a contract without a typed stub per method.
 */
public final class RawCalls {

  private static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  private RawCalls() {}

  /** The status a call closed with and its trailers. */
  public record Outcome(Status status, Metadata trailers) {}

  /**
   * Sends one request message (an empty message is a valid default request) and half-closes, then
   * waits for the call to close.
   *
   * @param credentials bearer credentials, or null for a call without a token
   * @param deadlineSeconds deadline of the call; a server stream that stays open ends with
   *     DEADLINE_EXCEEDED
   */
  public static Outcome call(
      Channel channel,
      MethodDescriptor<?, ?> method,
      CallCredentials credentials,
      byte[] request,
      long deadlineSeconds) {
    MethodDescriptor<byte[], byte[]> raw =
        MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(method.getType())
            .setFullMethodName(method.getFullMethodName())
            .setRequestMarshaller(BYTES)
            .setResponseMarshaller(BYTES)
            .build();
    CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(deadlineSeconds, TimeUnit.SECONDS);
    if (credentials != null) {
      options = options.withCallCredentials(credentials);
    }
    ClientCall<byte[], byte[]> call = channel.newCall(raw, options);
    CompletableFuture<Outcome> closed = new CompletableFuture<>();
    call.start(
        new ClientCall.Listener<>() {
          @Override
          public void onClose(Status status, Metadata trailers) {
            closed.complete(new Outcome(status, trailers));
          }
        },
        new Metadata());
    call.request(Integer.MAX_VALUE);
    call.sendMessage(request);
    call.halfClose();
    try {
      return closed.get(deadlineSeconds + 5, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      call.cancel("test gave up waiting", e);
      throw new AssertionError(method.getFullMethodName() + " did not close", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
