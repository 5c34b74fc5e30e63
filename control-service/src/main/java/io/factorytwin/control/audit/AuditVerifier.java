package io.factorytwin.control.audit;

import jakarta.enterprise.context.ApplicationScoped;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Recomputes the audit hash chain and compares it with the signed checkpoints. A checkpoint's hash
 * is compared with the hash the chain recomputes at its sequence, so an entry rewritten with every
 * later hash recomputed is found as soon as a checkpoint covers it.
 */
@ApplicationScoped
public class AuditVerifier {

  private final AuditTrail trail;
  private final Checkpoints checkpoints;

  AuditVerifier(AuditTrail trail, Checkpoints checkpoints) {
    this.trail = trail;
    this.checkpoints = checkpoints;
  }

  /** The state of the newest checkpoint; the names match CheckpointStatus.State. */
  public enum CheckpointState {
    VALID,
    NO_CHECKPOINT,
    SIGNATURE_INVALID,
    ENTRIES_MISSING,
    HASH_MISMATCH
  }

  /**
   * The outcome of a verification.
   *
   * @param firstBadSequence the first entry found wrong, 0 when none
   * @param checkpoint the newest checkpoint, null when there is none
   */
  public record Result(
      boolean valid,
      long checkedEntryCount,
      long headSequence,
      byte[] headHash,
      long firstBadSequence,
      String firstBadDescription,
      CheckpointState checkpointState,
      Checkpoints.Checkpoint checkpoint) {}

  /** Checks the whole trail. */
  public Result verify() {
    List<Checkpoints.Checkpoint> all = checkpoints.readAll();
    Map<Long, byte[]> recomputed = new HashMap<>();
    for (Checkpoints.Checkpoint checkpoint : all) {
      recomputed.put(checkpoint.sequence(), null);
    }
    ChainWalk walk = new ChainWalk(recomputed);
    trail.forEach(walk::accept);

    Checkpoints.Checkpoint newest = all.isEmpty() ? null : all.getLast();
    CheckpointState state;
    long firstBad = walk.firstBad;
    String description = walk.firstBadDescription;
    if (newest == null) {
      state = CheckpointState.NO_CHECKPOINT;
    } else if (!checkpoints.verify(newest)) {
      state = CheckpointState.SIGNATURE_INVALID;
    } else if (newest.sequence() > walk.lastSequence) {
      state = CheckpointState.ENTRIES_MISSING;
      if (firstBad == 0) {
        firstBad = walk.lastSequence + 1;
        description =
            "sequence "
                + firstBad
                + " is missing: the signed checkpoint covers the trail up to sequence "
                + newest.sequence();
      }
    } else if (!MessageDigest.isEqual(recomputed.get(newest.sequence()), newest.hash())) {
      state = CheckpointState.HASH_MISMATCH;
      if (firstBad == 0) {
        firstBad = firstUncoveredSequence(all, recomputed);
        description =
            "the chain no longer matches the signed checkpoint at sequence "
                + newest.sequence()
                + ": an entry from sequence "
                + firstBad
                + " on was rewritten and the later hashes recomputed";
      }
    } else {
      state = CheckpointState.VALID;
    }
    boolean valid =
        firstBad == 0 && (state == CheckpointState.VALID || state == CheckpointState.NO_CHECKPOINT);
    return new Result(
        valid,
        walk.count,
        walk.lastSequence,
        walk.lastSequence == 0 ? new byte[0] : walk.previousHash,
        firstBad,
        description == null ? "" : description,
        state,
        newest);
  }

  /**
   * Returns the sequence after the newest validly signed checkpoint that the chain still matches:
   * the earliest entry that may have been rewritten.
   */
  private long firstUncoveredSequence(
      List<Checkpoints.Checkpoint> all, Map<Long, byte[]> recomputed) {
    long matched = 0;
    for (Checkpoints.Checkpoint checkpoint : all) {
      byte[] chain = recomputed.get(checkpoint.sequence());
      if (chain == null || !checkpoints.verify(checkpoint)) {
        continue;
      }
      if (MessageDigest.isEqual(chain, checkpoint.hash())) {
        matched = Math.max(matched, checkpoint.sequence());
      } else {
        break;
      }
    }
    return matched + 1;
  }

  /** Walks the entries in order, recomputing each hash and noting the first fault. */
  private static final class ChainWalk {
    final Map<Long, byte[]> recomputedAtCheckpoints;
    byte[] previousHash = AuditTrail.ZERO_HASH;
    long lastSequence;
    long count;
    long firstBad;
    String firstBadDescription;

    ChainWalk(Map<Long, byte[]> recomputedAtCheckpoints) {
      this.recomputedAtCheckpoints = recomputedAtCheckpoints;
    }

    void accept(AuditEntryRecord entry) {
      count++;
      long expected = lastSequence + 1;
      if (entry.sequence() != expected) {
        fault(expected, "sequence " + expected + " is missing");
      }
      if (!MessageDigest.isEqual(entry.previousHash(), previousHash)) {
        fault(entry.sequence(), "previous hash does not match the hash of the entry before");
      }
      byte[] hash = AuditTrail.hash(previousHash, entry.payloadJson());
      if (!MessageDigest.isEqual(hash, entry.hash())) {
        fault(entry.sequence(), "hash does not match the payload");
      }
      if (!columnsMatchPayload(entry)) {
        fault(entry.sequence(), "a column differs from the hashed payload");
      }
      if (recomputedAtCheckpoints.containsKey(entry.sequence())) {
        recomputedAtCheckpoints.put(entry.sequence(), hash);
      }
      previousHash = hash;
      lastSequence = entry.sequence();
    }

    private void fault(long sequence, String description) {
      if (firstBad == 0) {
        firstBad = sequence;
        firstBadDescription = description;
      }
    }

    /**
     * Compares the stored columns with the payload. The payload's members are sorted by name, so
     * the columns give its exact start ({@code actor}, {@code create_time}, then {@code details})
     * and end ({@code facility_time} when set, {@code kind}, {@code sequence}, {@code subject}).
     */
    private static boolean columnsMatchPayload(AuditEntryRecord entry) {
      String prefix =
          "{\"actor\":"
              + CanonicalJson.write(entry.actor())
              + ",\"create_time\":"
              + CanonicalJson.write(entry.createTime().toString())
              + ",\"details\":";
      String suffix =
          (entry.facilityTime() == null
                  ? ""
                  : ",\"facility_time\":" + CanonicalJson.write(entry.facilityTime().toString()))
              + ",\"kind\":"
              + CanonicalJson.write(entry.kind() == null ? "" : entry.kind().name())
              + ",\"sequence\":"
              + entry.sequence()
              + ",\"subject\":"
              + CanonicalJson.write(entry.subject())
              + "}";
      String payload = entry.payloadJson();
      return payload.length() >= prefix.length() + suffix.length()
          && payload.startsWith(prefix)
          && payload.endsWith(suffix);
    }
  }
}
