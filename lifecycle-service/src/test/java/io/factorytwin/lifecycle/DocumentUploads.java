package io.factorytwin.lifecycle;

import com.google.protobuf.ByteString;
import io.factorytwin.lifecycle.v1.DocumentChunk;
import io.factorytwin.lifecycle.v1.ImportDesignDocumentRequest;
import io.factorytwin.lifecycle.v1.ImportDesignDocumentResponse;
import io.factorytwin.lifecycle.v1.ImportEnd;
import io.factorytwin.lifecycle.v1.ImportHeader;
import io.factorytwin.lifecycle.v1.LifecycleServiceGrpc;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Uploads design documents through ImportDesignDocument, as factoryctl does. */
final class DocumentUploads {

  /** Chunk size of the upload: small enough that the reference hall takes several chunks. */
  private static final int CHUNK_BYTES = 64 * 1024;

  /** The repository's examples folder, seen from the module's working directory. */
  static final Path EXAMPLES = Path.of("..", "examples");

  private DocumentUploads() {}

  static ImportDesignDocumentResponse upload(
      LifecycleServiceGrpc.LifecycleServiceStub uploader, Path file) throws Exception {
    byte[] bytes = Files.readAllBytes(file);
    CompletableFuture<ImportDesignDocumentResponse> result = new CompletableFuture<>();
    StreamObserver<ImportDesignDocumentRequest> requests =
        uploader.importDesignDocument(
            new StreamObserver<>() {
              @Override
              public void onNext(ImportDesignDocumentResponse value) {
                result.complete(value);
              }

              @Override
              public void onError(Throwable failure) {
                result.completeExceptionally(failure);
              }

              @Override
              public void onCompleted() {}
            });
    requests.onNext(
        ImportDesignDocumentRequest.newBuilder()
            .setHeader(ImportHeader.newBuilder().setDocumentName(file.getFileName().toString()))
            .build());
    for (int offset = 0; offset < bytes.length; offset += CHUNK_BYTES) {
      byte[] data = Arrays.copyOfRange(bytes, offset, Math.min(bytes.length, offset + CHUNK_BYTES));
      requests.onNext(
          ImportDesignDocumentRequest.newBuilder()
              .setChunk(
                  DocumentChunk.newBuilder().setOffset(offset).setData(ByteString.copyFrom(data)))
              .build());
    }
    requests.onNext(
        ImportDesignDocumentRequest.newBuilder()
            .setEnd(ImportEnd.newBuilder().setTotalBytes(bytes.length))
            .build());
    requests.onCompleted();
    return result.get(120, TimeUnit.SECONDS);
  }
}
