package io.factorytwin.control.audit;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Signed checkpoints of the audit chain, kept outside the database. Each checkpoint is an
 * HMAC-SHA256 over the big-endian 8-byte sequence number followed by the 32-byte hash at that
 * sequence, with a key read from {@code control.audit.checkpoint-key-file}. Checkpoints are
 * appended as lines to {@code audit-checkpoints.log} in {@code control.audit.checkpoint-dir}: every
 * {@code control.audit.checkpoint-interval} when the chain has grown, and at shutdown.
 *
 * <p>Because someone with write access to the database does not hold the key, deleting the newest
 * entries, or rewriting an entry and recomputing every later hash, no longer matches a checkpoint.
 */
@ApplicationScoped
public class Checkpoints {

  static final String LOG_FILE = "audit-checkpoints.log";

  private final AuditTrail trail;
  private final Path directory;
  private final Path keyFile;
  private byte[] key;
  private long lastSequence = -1;

  Checkpoints(
      AuditTrail trail,
      @ConfigProperty(name = "control.audit.checkpoint-dir") Path directory,
      @ConfigProperty(name = "control.audit.checkpoint-key-file") Path keyFile) {
    this.trail = trail;
    this.directory = directory;
    this.keyFile = keyFile;
  }

  /** One signed checkpoint as read from the log. */
  public record Checkpoint(long sequence, byte[] hash, Instant createTime, byte[] mac) {}

  /** Writes a checkpoint of the current head unless the newest one already covers it. */
  @Scheduled(
      every = "${control.audit.checkpoint-interval}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void periodic() {
    try {
      write();
    } catch (RuntimeException e) {
      Log.errorf(e, "writing the audit checkpoint to %s failed", directory);
    }
  }

  void onShutdown(@Observes ShutdownEvent event) {
    periodic();
  }

  /** Writes a checkpoint of the current chain head and returns it; null for an empty trail. */
  public synchronized Checkpoint write() {
    AuditTrail.Head head = trail.head();
    if (head.sequence() == 0 || head.sequence() == lastSequence) {
      return null;
    }
    Instant now = Instant.now();
    byte[] mac = sign(head.sequence(), head.hash());
    String line =
        head.sequence()
            + " "
            + HexFormat.of().formatHex(head.hash())
            + " "
            + now
            + " "
            + HexFormat.of().formatHex(mac)
            + "\n";
    try {
      Files.createDirectories(directory);
      Files.writeString(
          directory.resolve(LOG_FILE),
          line,
          StandardCharsets.US_ASCII,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND,
          StandardOpenOption.SYNC);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to " + directory.resolve(LOG_FILE), e);
    }
    lastSequence = head.sequence();
    Log.debugf("audit checkpoint at sequence %d", head.sequence());
    return new Checkpoint(head.sequence(), head.hash(), now, mac);
  }

  /** Returns every checkpoint in the log, oldest first; lines that do not parse are skipped. */
  public List<Checkpoint> readAll() {
    List<String> lines;
    try {
      lines = Files.readAllLines(directory.resolve(LOG_FILE), StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + directory.resolve(LOG_FILE), e);
    }
    List<Checkpoint> checkpoints = new ArrayList<>();
    for (String line : lines) {
      String[] fields = line.trim().split(" ");
      if (fields.length != 4) {
        Log.warnf("skipping a malformed line in %s", directory.resolve(LOG_FILE));
        continue;
      }
      try {
        checkpoints.add(
            new Checkpoint(
                Long.parseLong(fields[0]),
                HexFormat.of().parseHex(fields[1]),
                Instant.parse(fields[2]),
                HexFormat.of().parseHex(fields[3])));
      } catch (RuntimeException e) {
        Log.warnf("skipping a malformed line in %s: %s", directory.resolve(LOG_FILE), e);
      }
    }
    return checkpoints;
  }

  /** Returns whether the checkpoint's HMAC verifies with this service's key. */
  public boolean verify(Checkpoint checkpoint) {
    return MessageDigest.isEqual(sign(checkpoint.sequence(), checkpoint.hash()), checkpoint.mac());
  }

  private byte[] sign(long sequence, byte[] hash) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key(), "HmacSHA256"));
      mac.update(ByteBuffer.allocate(Long.BYTES).putLong(sequence).array());
      mac.update(hash);
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available", e);
    }
  }

  /**
   * Returns the key, creating a random 256-bit key file readable only by its owner when none
   * exists, so that a development instance works without setup.
   */
  private synchronized byte[] key() {
    if (key != null) {
      return key;
    }
    try {
      if (!Files.exists(keyFile)) {
        byte[] fresh = new byte[32];
        new SecureRandom().nextBytes(fresh);
        Path parent = keyFile.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Files.writeString(keyFile, HexFormat.of().formatHex(fresh) + "\n");
        try {
          Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
          Log.warnf("cannot restrict the permissions of %s on this file system", keyFile);
        }
        Log.warnf("created a new audit checkpoint key at %s", keyFile.toAbsolutePath());
      }
      byte[] read = HexFormat.of().parseHex(Files.readString(keyFile).trim());
      if (read.length < 32) {
        throw new IllegalStateException(
            "the audit checkpoint key in "
                + keyFile
                + " must have at least 32 bytes (64 hex digits)");
      }
      key = Arrays.copyOf(read, read.length);
      return key;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the audit checkpoint key " + keyFile, e);
    }
  }
}
