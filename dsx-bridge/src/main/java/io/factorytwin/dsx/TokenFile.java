package io.factorytwin.dsx;

import io.grpc.CallCredentials;
import io.grpc.Metadata;
import io.grpc.Status;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executor;

/** A bearer token read from a file on every call, so a rotated token takes effect at once. */
final class TokenFile {

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final Path file;

  TokenFile(Path file) {
    this.file = file;
  }

  CallCredentials credentials() {
    return new CallCredentials() {
      @Override
      public void applyRequestMetadata(
          RequestInfo requestInfo, Executor executor, MetadataApplier applier) {
        try {
          Metadata headers = new Metadata();
          headers.put(
              AUTHORIZATION, "Bearer " + Files.readString(file, StandardCharsets.US_ASCII).trim());
          applier.apply(headers);
        } catch (IOException e) {
          applier.fail(
              Status.UNAUTHENTICATED
                  .withDescription("cannot read token file " + file)
                  .withCause(e));
        }
      }
    };
  }
}
