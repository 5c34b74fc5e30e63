package io.factorytwin.lifecycle.grpc;

import io.factorytwin.support.error.InvalidArgumentException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Cuts stage text into chunks of whole UTF-8 characters, counts its bytes and hashes it with
 * SHA-256. Chunks that end at or before the start offset are counted and hashed but not sent, so a
 * resumed stream continues at the same byte and still reports the size and hash of the whole stage.
 */
final class UsdChunkWriter extends Writer {

  /**
   * Characters per chunk. One UTF-16 unit encodes to at most 3 UTF-8 bytes, so a chunk has at most
   * 192 KiB, well under the contract's 1 MiB.
   */
  static final int CHUNK_CHARS = 64 * 1024;

  /** Receives each chunk to send. */
  interface ChunkSink {
    void chunk(long offset, String text);
  }

  private final long startOffset;
  private final ChunkSink sink;
  private final StringBuilder pending = new StringBuilder(CHUNK_CHARS + 1024);
  private final MessageDigest sha256;
  private long position;

  /**
   * @param startOffset byte offset of the first byte to send
   * @param sink receives the chunks; null counts and hashes only
   */
  UsdChunkWriter(long startOffset, ChunkSink sink) {
    this.startOffset = startOffset;
    this.sink = sink;
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime provides SHA-256", e);
    }
  }

  @Override
  public void write(char[] buffer, int offset, int length) {
    pending.append(buffer, offset, length);
    emitFullChunks();
  }

  @Override
  public void write(String text, int offset, int length) {
    pending.append(text, offset, offset + length);
    emitFullChunks();
  }

  @Override
  public Writer append(CharSequence text) {
    pending.append(text);
    emitFullChunks();
    return this;
  }

  @Override
  public Writer append(CharSequence text, int start, int end) {
    pending.append(text, start, end);
    emitFullChunks();
    return this;
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}

  /** Sends what is left; call once, after the whole stage is written. */
  void finish() {
    while (!pending.isEmpty()) {
      emit(Math.min(pending.length(), CHUNK_CHARS));
    }
  }

  /** Returns the number of UTF-8 bytes written so far; the stage size after {@link #finish}. */
  long totalBytes() {
    return position;
  }

  /** Returns the SHA-256 of everything written, in lower-case hex; call after {@link #finish}. */
  String sha256Hex() {
    return HexFormat.of().formatHex(sha256.digest());
  }

  private void emitFullChunks() {
    while (pending.length() >= CHUNK_CHARS) {
      emit(CHUNK_CHARS);
    }
  }

  private void emit(int chars) {
    int end = chars;
    // A chunk must end on a whole character, so a surrogate pair stays together.
    if (end < pending.length() && Character.isHighSurrogate(pending.charAt(end - 1))) {
      end--;
    }
    byte[] bytes = pending.substring(0, end).getBytes(StandardCharsets.UTF_8);
    pending.delete(0, end);
    sha256.update(bytes);
    long chunkStart = position;
    position += bytes.length;
    if (sink == null || position <= startOffset) {
      return;
    }
    int from = (int) Math.max(0, startOffset - chunkStart);
    if (from > 0 && (bytes[from] & 0xC0) == 0x80) {
      throw new InvalidArgumentException(
          "resume_offset",
          "offset "
              + startOffset
              + " is inside a UTF-8 character; send the offset plus the length of the last chunk"
              + " received");
    }
    sink.chunk(
        chunkStart + from, new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8));
  }
}
