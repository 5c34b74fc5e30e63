package io.factorytwin.lifecycle.grpc;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.factorytwin.lifecycle.mapping.UsdStageWriter;
import io.factorytwin.lifecycle.service.UsdExportSource;
import io.factorytwin.lifecycle.v1.ExportDesignUsdResponse;
import io.factorytwin.lifecycle.v1.UsdExportEnd;
import io.factorytwin.lifecycle.v1.UsdExportHeader;
import io.factorytwin.lifecycle.v1.UsdTextChunk;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.logging.Log;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends one ExportDesignUsd stream: the header, the stage text in chunks, then the end with the
 * size and SHA-256 of the whole stage. The stage is written while it is sent, so the server keeps
 * one chunk of text in memory at a time and never the whole stage.
 *
 * <p>NOTE: it sends no keepalive, so a client gets no message while the elements are read before
 * the header. For the reference hall the whole call took under 0.3 s (docs/benchmarks.md). A client
 * that treats 30 s without a message as a dead connection would give up on a longer read.
 */
final class UsdExportStream {

  /** Pause between checks of a client that is not ready for more; short against a chunk's time. */
  private static final long READY_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

  private final UsdExportSource source;
  private final boolean withAlternatives;
  private final StreamObserver<ExportDesignUsdResponse> response;
  private final String errorDomain;
  private final long startNanos;

  /**
   * @param startNanos {@link System#nanoTime} when the call started, so the log line covers the
   *     database read too
   */
  UsdExportStream(
      UsdExportSource source,
      boolean withAlternatives,
      StreamObserver<ExportDesignUsdResponse> response,
      String errorDomain,
      long startNanos) {
    this.source = source;
    this.withAlternatives = withAlternatives;
    this.response = response;
    this.errorDomain = errorDomain;
    this.startNanos = startNanos;
  }

  /**
   * Sends the stream from a byte offset of the stage.
   *
   * @param resumeOffset the request's resume_offset, unsigned
   */
  void send(long resumeOffset) {
    String name = source.revision().revision().name();
    if (resumeOffset != 0) {
      // The stage size is known only once it is written, so a resumed stream writes it once
      // without sending to reject an offset past the end before the header goes out.
      UsdChunkWriter counter = new UsdChunkWriter(0, null);
      writeStage(counter);
      if (Long.compareUnsigned(resumeOffset, counter.totalBytes()) > 0) {
        throw outOfRange(resumeOffset, counter.totalBytes());
      }
    }

    next(
        ExportDesignUsdResponse.newBuilder()
            .setHeader(
                UsdExportHeader.newBuilder()
                    .setEtag(source.revision().revision().etag())
                    .setStartOffset(resumeOffset))
            .build());
    UsdChunkWriter chunks =
        new UsdChunkWriter(
            resumeOffset,
            (offset, text) ->
                next(
                    ExportDesignUsdResponse.newBuilder()
                        .setChunk(UsdTextChunk.newBuilder().setOffset(offset).setText(text))
                        .build()));
    writeStage(chunks);
    next(
        ExportDesignUsdResponse.newBuilder()
            .setEnd(
                UsdExportEnd.newBuilder()
                    .setTotalBytes(chunks.totalBytes())
                    .setSha256(chunks.sha256Hex()))
            .build());
    response.onCompleted();
    Log.infof(
        "exported %s as USD: %d placements, %d connections, %d bytes from offset %d in %d ms",
        name,
        source.placements().size(),
        source.connections().size(),
        chunks.totalBytes(),
        resumeOffset,
        (System.nanoTime() - startNanos) / 1_000_000);
  }

  private void writeStage(UsdChunkWriter out) {
    try {
      UsdStageWriter.write(source, withAlternatives, out);
      out.finish();
    } catch (IOException e) {
      // UsdChunkWriter does no I/O of its own, so this is never reached in practice.
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Sends one message once the client is ready for it, so a slow client slows the export down
   * instead of growing the server's send buffer.
   */
  private void next(ExportDesignUsdResponse message) {
    if (response instanceof ServerCallStreamObserver<ExportDesignUsdResponse> call) {
      while (!call.isReady()) {
        if (call.isCancelled()) {
          throw Status.CANCELLED
              .withDescription("the client cancelled the USD export")
              .asRuntimeException();
        }
        LockSupport.parkNanos(READY_POLL_NANOS);
      }
    }
    response.onNext(message);
  }

  private StatusRuntimeException outOfRange(long resumeOffset, long totalBytes) {
    String description =
        "is "
            + Long.toUnsignedString(resumeOffset)
            + ", past the end of the stage at "
            + totalBytes
            + " bytes; resume from an offset that a chunk ended at";
    com.google.rpc.Status status =
        com.google.rpc.Status.newBuilder()
            .setCode(Status.Code.OUT_OF_RANGE.value())
            .setMessage("resume_offset: " + description)
            .addDetails(
                Any.pack(
                    ErrorInfo.newBuilder()
                        .setReason("INVALID_FIELD")
                        .setDomain(errorDomain)
                        .build()))
            .addDetails(
                Any.pack(
                    BadRequest.newBuilder()
                        .addFieldViolations(
                            BadRequest.FieldViolation.newBuilder()
                                .setField("resume_offset")
                                .setDescription(description))
                        .build()))
            .build();
    return StatusProto.toStatusRuntimeException(status);
  }
}
