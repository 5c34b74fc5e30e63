package io.factorytwin.lifecycle.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.factorytwin.support.error.InvalidArgumentException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class UsdChunkWriterTest {

  record Chunk(long offset, String text) {}

  /** Text of more than two chunks whose first chunk boundary falls inside a surrogate pair. */
  private static String text() {
    return "a".repeat(UsdChunkWriter.CHUNK_CHARS - 1)
        + "\uD83D\uDE80"
        + "ü".repeat(UsdChunkWriter.CHUNK_CHARS)
        + "end";
  }

  private static List<Chunk> write(String text, long startOffset, UsdChunkWriter[] writer) {
    List<Chunk> chunks = new ArrayList<>();
    writer[0] =
        new UsdChunkWriter(startOffset, (offset, chunk) -> chunks.add(new Chunk(offset, chunk)));
    for (int i = 0; i < text.length(); i += 1000) {
      writer[0].append(text, i, Math.min(text.length(), i + 1000));
    }
    writer[0].finish();
    return chunks;
  }

  @Test
  void chunks_keepCharactersWhole() throws Exception {
    String text = text();
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    UsdChunkWriter[] writer = new UsdChunkWriter[1];

    List<Chunk> chunks = write(text, 0, writer);

    StringBuilder joined = new StringBuilder();
    long offset = 0;
    for (Chunk chunk : chunks) {
      assertThat(chunk.offset()).isEqualTo(offset);
      assertThat(Character.isHighSurrogate(chunk.text().charAt(chunk.text().length() - 1)))
          .isFalse();
      int length = chunk.text().getBytes(StandardCharsets.UTF_8).length;
      assertThat(length).isLessThanOrEqualTo(3 * UsdChunkWriter.CHUNK_CHARS);
      joined.append(chunk.text());
      offset += length;
    }
    assertThat(chunks).hasSizeGreaterThan(2);
    assertThat(joined.toString()).isEqualTo(text);
    assertThat(writer[0].totalBytes()).isEqualTo(bytes.length);
    assertThat(writer[0].sha256Hex())
        .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
  }

  @Test
  void chunks_resumeAtOffset() {
    String text = text();
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    // After the "a"s and the 4-byte rocket, at the start of the 101st two-byte "ü".
    int start = (UsdChunkWriter.CHUNK_CHARS - 1) + 4 + 2 * 100;
    UsdChunkWriter[] writer = new UsdChunkWriter[1];

    List<Chunk> chunks = write(text, start, writer);

    assertThat(chunks.getFirst().offset()).isEqualTo(start);
    String resumed = String.join("", chunks.stream().map(Chunk::text).toList());
    assertThat(resumed.getBytes(StandardCharsets.UTF_8))
        .isEqualTo(java.util.Arrays.copyOfRange(bytes, start, bytes.length));
    assertThat(writer[0].totalBytes()).isEqualTo(bytes.length);
  }

  @Test
  void chunks_rejectOffsetInsideCharacter() {
    String text = text();
    // The first "ü" starts right after the 4-byte rocket; one byte later is inside it.
    long inside = (UsdChunkWriter.CHUNK_CHARS - 1) + 4 + 1;

    InvalidArgumentException failure =
        catchThrowableOfType(
            InvalidArgumentException.class, () -> write(text, inside, new UsdChunkWriter[1]));

    assertThat(failure).isNotNull();
    assertThat(failure.violations().getFirst().field()).isEqualTo("resume_offset");
  }
}
