package io.factorytwin.lifecycle.grpc;

import io.factorytwin.lifecycle.mapping.DesignDocumentReader;
import io.factorytwin.lifecycle.service.DesignDocument;
import io.factorytwin.lifecycle.service.DocumentError;
import io.factorytwin.lifecycle.service.DocumentImporter;
import io.factorytwin.lifecycle.service.DocumentRejectedException;
import io.factorytwin.lifecycle.service.IdempotentRequests;
import io.factorytwin.lifecycle.service.ImportResult;
import io.factorytwin.lifecycle.v1.DocumentChunk;
import io.factorytwin.lifecycle.v1.ImportDesignDocumentRequest;
import io.factorytwin.lifecycle.v1.ImportDesignDocumentResponse;
import io.factorytwin.lifecycle.v1.ImportEnd;
import io.factorytwin.lifecycle.v1.ImportError;
import io.factorytwin.lifecycle.v1.ImportHeader;
import io.factorytwin.support.error.ErrorTable;
import io.factorytwin.support.error.InvalidArgumentException;
import io.factorytwin.support.error.InvalidArgumentException.FieldViolation;
import io.grpc.stub.StreamObserver;
import io.quarkus.logging.Log;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * One ImportDesignDocument upload: collects the header, the chunks in offset order and the end
 * marker, then reads and imports the document once the client half-closes. Nothing is read or
 * stored before the end marker arrives, so a stream cut off early stores nothing.
 */
final class DocumentUpload implements StreamObserver<ImportDesignDocumentRequest> {

  /** Largest chunk, as the contract states. */
  static final int MAX_CHUNK_BYTES = 1024 * 1024;

  private static final int MAX_DOCUMENT_NAME_CHARS = 256;

  /**
   * Most field violations in a failed import. The BadRequest and the status message, which repeats
   * every violation, travel in the response trailers, and grpc-java clients reject trailers over 8
   * KiB by default. Twenty violations of about 150 characters passed that limit in a manual run, so
   * ten are sent. NOTE: past this cap the last violation gives the number left out, and a
   * validate_only run returns every error in the response.
   */
  static final int MAX_VIOLATIONS = 10;

  private final StreamObserver<ImportDesignDocumentResponse> response;
  private final DesignDocumentReader reader;
  private final DocumentImporter importer;
  private final IdempotentRequests requests;
  private final long maxDocumentBytes;
  private final String errorDomain;
  private final String author;

  private final ByteArrayOutputStream document = new ByteArrayOutputStream();
  private final MessageDigest digest;
  private ImportHeader header;
  private ImportEnd end;
  private boolean closed;

  DocumentUpload(
      StreamObserver<ImportDesignDocumentResponse> response,
      DesignDocumentReader reader,
      DocumentImporter importer,
      IdempotentRequests requests,
      long maxDocumentBytes,
      String errorDomain,
      String author) {
    this.response = response;
    this.reader = reader;
    this.importer = importer;
    this.requests = requests;
    this.maxDocumentBytes = maxDocumentBytes;
    this.errorDomain = errorDomain;
    this.author = author;
    try {
      this.digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  @Override
  public void onNext(ImportDesignDocumentRequest message) {
    if (closed) {
      return;
    }
    try {
      switch (message.getMessageCase()) {
        case HEADER -> header(message.getHeader());
        case CHUNK -> chunk(message.getChunk());
        case END -> end(message.getEnd());
        case MESSAGE_NOT_SET ->
            throw new InvalidArgumentException("message", "required; send a header, chunk or end");
      }
    } catch (RuntimeException e) {
      fail(e);
    }
  }

  @Override
  public void onError(Throwable failure) {
    // The client cancelled or the connection broke: the partial document is dropped unread.
    closed = true;
    Log.debugf("design document upload by %s ended by the client: %s", author, failure.toString());
  }

  @Override
  public void onCompleted() {
    if (closed) {
      return;
    }
    try {
      if (header == null) {
        throw incomplete(
            "header", "the stream ended without a header; send the whole upload again");
      }
      if (end == null) {
        throw incomplete(
            "end",
            "the stream ended after "
                + document.size()
                + " bytes without its end marker; send the whole document again");
      }
      ImportDesignDocumentResponse result = run();
      closed = true;
      response.onNext(result);
      response.onCompleted();
    } catch (RuntimeException e) {
      fail(e);
    }
  }

  private void header(ImportHeader sent) {
    if (header != null || document.size() > 0 || end != null) {
      throw incomplete("header", "the header must be the first message and sent once");
    }
    String name = sent.getDocumentName();
    if (name.codePointCount(0, name.length()) > MAX_DOCUMENT_NAME_CHARS) {
      throw new InvalidArgumentException(
          "header.document_name", "at most " + MAX_DOCUMENT_NAME_CHARS + " characters are allowed");
    }
    header = sent;
  }

  private void chunk(DocumentChunk chunk) {
    if (header == null) {
      throw incomplete("chunk", "a chunk arrived before the header; send the header first");
    }
    if (end != null) {
      throw incomplete("chunk", "a chunk arrived after the end marker");
    }
    if (chunk.getOffset() != document.size()) {
      throw incomplete(
          "chunk.offset",
          "expected offset "
              + document.size()
              + ", got "
              + Long.toUnsignedString(chunk.getOffset())
              + "; chunks must follow each other without gaps");
    }
    int size = chunk.getData().size();
    if (size < 1 || size > MAX_CHUNK_BYTES) {
      throw new InvalidArgumentException(
          "chunk.data", "must have 1 to " + MAX_CHUNK_BYTES + " bytes, got " + size);
    }
    if ((long) document.size() + size > maxDocumentBytes) {
      throw new InvalidArgumentException(
          "PAYLOAD_TOO_LARGE",
          List.of(
              new FieldViolation(
                  "chunk.data",
                  "the document is larger than the limit of "
                      + maxDocumentBytes
                      + " bytes; split it into several documents")));
    }
    byte[] data = chunk.getData().toByteArray();
    document.write(data, 0, data.length);
    digest.update(data);
  }

  private void end(ImportEnd sent) {
    if (header == null) {
      throw incomplete("end", "the end marker arrived before the header");
    }
    if (end != null) {
      throw incomplete("end", "the end marker was sent twice");
    }
    if (sent.getTotalBytes() != document.size()) {
      throw incomplete(
          "end.total_bytes",
          "is "
              + Long.toUnsignedString(sent.getTotalBytes())
              + " but "
              + document.size()
              + " bytes arrived; send the whole document again");
    }
    String sha256 = HexFormat.of().formatHex(digest.digest());
    if (!sent.getSha256().isEmpty() && !sent.getSha256().equals(sha256)) {
      throw incomplete(
          "end.sha256",
          "does not match the SHA-256 of the received bytes, "
              + sha256
              + "; send the whole document again");
    }
    end = sent;
  }

  private ImportDesignDocumentResponse run() {
    if (io.vertx.core.Context.isOnEventLoopThread()) {
      // The class-level @Blocking of the gRPC service must move stream callbacks to a worker.
      throw new IllegalStateException("ImportDesignDocument ran on the event loop");
    }
    byte[] bytes = document.toByteArray();
    String name = header.getDocumentName();
    if (header.getValidateOnly()) {
      try {
        DesignDocument parsed = reader.read(bytes, name);
        return toProto(importer.dryRun(parsed, author));
      } catch (DocumentRejectedException e) {
        return ImportDesignDocumentResponse.newBuilder()
            .setCommitted(false)
            .addAllErrors(e.errors().stream().map(DocumentUpload::toProto).toList())
            .build();
      }
    }
    try {
      DesignDocument parsed = reader.read(bytes, name);
      byte[] fingerprint = fingerprint(bytes);
      return requests.run(
          header.getRequestId(),
          "ImportDesignDocument",
          fingerprint,
          () -> toProto(importer.store(parsed, author)),
          ImportDesignDocumentResponse::toByteArray,
          DocumentUpload::decode);
    } catch (DocumentRejectedException e) {
      throw rejected(e.errors());
    }
  }

  /** Builds the identity of the request for request_id reuse from the header flags and document. */
  private byte[] fingerprint(byte[] bytes) {
    byte[] flags =
        ("validate_only=" + header.getValidateOnly() + "\n").getBytes(StandardCharsets.UTF_8);
    byte[] combined = new byte[flags.length + bytes.length];
    System.arraycopy(flags, 0, combined, 0, flags.length);
    System.arraycopy(bytes, 0, combined, flags.length, bytes.length);
    return combined;
  }

  private static ImportDesignDocumentResponse decode(byte[] stored) {
    try {
      return ImportDesignDocumentResponse.parseFrom(stored);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException("stored response of ImportDesignDocument is unreadable", e);
    }
  }

  private static InvalidArgumentException rejected(List<DocumentError> errors) {
    List<FieldViolation> violations = new ArrayList<>();
    for (DocumentError error : errors.subList(0, Math.min(errors.size(), MAX_VIOLATIONS))) {
      String where = error.line() > 0 ? " (line " + error.line() + ")" : "";
      violations.add(new FieldViolation(error.elementPath(), error.message() + where));
    }
    if (errors.size() > MAX_VIOLATIONS) {
      violations.add(
          new FieldViolation(
              "document",
              (errors.size() - MAX_VIOLATIONS)
                  + " more errors; run the import with validate_only to list them all"));
    }
    return new InvalidArgumentException(violations);
  }

  private static InvalidArgumentException incomplete(String field, String description) {
    return new InvalidArgumentException(
        "STREAM_INCOMPLETE", List.of(new FieldViolation(field, description)));
  }

  private void fail(RuntimeException failure) {
    Log.debugf("design document upload by %s failed: %s", author, failure.getMessage());
    closed = true;
    document.reset();
    response.onError(ErrorTable.toStatus(failure, errorDomain));
  }

  private static ImportDesignDocumentResponse toProto(ImportResult result) {
    return ImportDesignDocumentResponse.newBuilder()
        .setCommitted(result.committed())
        .addAllCreatedParts(result.createdParts())
        .addAllCreatedPartRevisions(result.createdPartRevisions())
        .addAllCreatedDesigns(result.createdDesigns())
        .addAllCreatedDesignRevisions(result.createdDesignRevisions())
        .addAllCreatedAlternatives(result.createdAlternatives())
        .addAllUnchanged(result.unchanged())
        .addAllErrors(result.errors().stream().map(DocumentUpload::toProto).toList())
        .build();
  }

  private static ImportError toProto(DocumentError error) {
    return ImportError.newBuilder()
        .setElementPath(error.elementPath())
        .setMessage(error.message())
        .setLine(error.line())
        .setColumn(error.column())
        .build();
  }
}
