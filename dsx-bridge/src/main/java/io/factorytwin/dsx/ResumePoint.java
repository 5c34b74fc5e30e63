package io.factorytwin.dsx;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.OptionalLong;
import org.jboss.logging.Logger;

/**
 * The audit sequence after which the bridge resumes control-service's WatchActions when it starts,
 * kept in one file. Every request of an action at or below it is in the MQTT client's own
 * persistence (Paho sends it again after a restart), or superseded by a later one that is. So a
 * bridge that stopped between an APPLIED action and its MQTT publish sends the request after it
 * starts again. A file that cannot be read counts as absent: the bridge then starts at the newest
 * audit entry, as a bridge does on its first start.
 */
final class ResumePoint {

  private static final Logger LOG = Logger.getLogger(ResumePoint.class);

  static final String FILE_NAME = "watch-actions.resume";

  private final Path file;
  private long saved = Long.MIN_VALUE;

  ResumePoint(Path dir) {
    this.file = dir.resolve(FILE_NAME);
  }

  /** Returns the saved sequence, if a readable one is there. */
  OptionalLong load() {
    if (!Files.exists(file)) {
      return OptionalLong.empty();
    }
    try {
      long sequence = Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).trim());
      saved = sequence;
      return OptionalLong.of(sequence);
    } catch (IOException | NumberFormatException e) {
      LOG.warnf("ignoring the unreadable resume point %s: %s", file, e.toString());
      return OptionalLong.empty();
    }
  }

  /**
   * Saves a sequence when it differs from the saved one. The file is replaced by an atomic move, so
   * a crash leaves the old or the new sequence, never a torn one.
   */
  synchronized void save(long sequence) {
    if (sequence == saved) {
      return;
    }
    Path temporary = file.resolveSibling(FILE_NAME + ".tmp");
    try {
      Files.writeString(temporary, Long.toString(sequence), StandardCharsets.US_ASCII);
      try {
        Files.move(
            temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
      }
      saved = sequence;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the resume point " + file, e);
    }
  }
}
