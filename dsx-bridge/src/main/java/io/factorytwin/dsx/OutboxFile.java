package io.factorytwin.dsx;

import io.factorytwin.dsx.RequestOutbox.Request;
import io.factorytwin.dsx.RequestOutbox.Snapshot;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.jboss.logging.Logger;

/**
 * The outbox's state across restarts, in one text file in the persistence folder: the last audit
 * sequence of control-service that the bridge read, and the setpoint requests that the MQTT client
 * had not taken yet. A request the client took is in Paho's own store, which sends it again after a
 * restart. The bridge resumes WatchActions after the saved sequence and sends the saved requests,
 * so a setpoint applied while the bridge was stopped, or one that waited for the BMS, still reaches
 * the BMS, and no older change is sent again.
 *
 * <p>Format, one entry per line: {@code seen <sequence>}, then {@code waiting <sequence> <apply
 * time, epoch ms> <value> <point>} per request. The file is written beside and then moved over the
 * old one, after the data reached the disk, so a crash leaves the old or the new state.
 */
final class OutboxFile {

  private static final Logger LOG = Logger.getLogger(OutboxFile.class);

  static final String FILE_NAME = "outbox.state";

  private final Path file;
  private String saved = "";
  private String lastFailure = "";

  OutboxFile(Path dir) {
    this.file = dir.resolve(FILE_NAME);
  }

  /**
   * Reads the saved state. A missing file gives the empty state, with which WatchActions starts
   * after the newest audit entry. So does an unreadable one, which is logged.
   */
  Snapshot load() {
    if (!Files.exists(file)) {
      return Snapshot.EMPTY;
    }
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      Snapshot snapshot = parse(text);
      saved = text;
      return snapshot;
    } catch (IOException | IllegalArgumentException e) {
      LOG.warnf(
          "ignoring the unreadable outbox state %s (%s); WatchActions starts after the newest"
              + " audit entry",
          file, e.toString());
      return Snapshot.EMPTY;
    }
  }

  /** Writes the state when it differs from what the file contains. A failure is logged once. */
  synchronized void save(Snapshot snapshot) {
    String text = format(snapshot);
    if (text.equals(saved)) {
      return;
    }
    Path temporary = file.resolveSibling(FILE_NAME + ".tmp");
    try {
      try (FileChannel channel =
          FileChannel.open(
              temporary,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING)) {
        channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
        channel.force(true);
      }
      try {
        Files.move(
            temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
      }
      saved = text;
      lastFailure = "";
    } catch (IOException e) {
      if (!e.toString().equals(lastFailure)) {
        LOG.errorf("cannot save the outbox state %s: %s; retrying every 200 ms", file, e);
        lastFailure = e.toString();
      }
    }
  }

  static String format(Snapshot snapshot) {
    StringBuilder text = new StringBuilder();
    if (snapshot.lastSequence().isPresent()) {
      text.append("seen ").append(snapshot.lastSequence().getAsLong()).append('\n');
    }
    for (Request request : snapshot.waiting()) {
      text.append("waiting ")
          .append(request.sequence())
          .append(' ')
          .append(request.timeMs())
          .append(' ')
          .append(request.value())
          .append(' ')
          .append(request.point())
          .append('\n');
    }
    return text.toString();
  }

  /**
   * Parses the file's text.
   *
   * @throws IllegalArgumentException on a line that is not of the format
   */
  static Snapshot parse(String text) {
    OptionalLong seen = OptionalLong.empty();
    List<Request> waiting = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String[] fields = line.trim().split(" ");
      if (fields[0].equals("seen") && fields.length == 2) {
        seen = OptionalLong.of(Long.parseLong(fields[1]));
      } else if (fields[0].equals("waiting") && fields.length == 5) {
        waiting.add(
            new Request(
                fields[4],
                Long.parseLong(fields[1]),
                Double.parseDouble(fields[3]),
                Long.parseLong(fields[2])));
      } else {
        throw new IllegalArgumentException("invalid line '" + line + "'");
      }
    }
    return new Snapshot(seen, List.copyOf(waiting));
  }
}
