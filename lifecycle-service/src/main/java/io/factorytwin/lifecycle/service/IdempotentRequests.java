package io.factorytwin.lifecycle.service;

import io.factorytwin.lifecycle.model.RequestRecord;
import io.factorytwin.support.error.InvalidArgumentException;
import io.quarkus.hibernate.orm.panache.Panache;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Runs creating calls at most once per request_id: a retry with the same request_id within 24 hours
 * returns the stored result of the first call, and the same request_id with a different request
 * fails. The record is written in the transaction of the work itself, so a call that fails leaves
 * no record and may be retried.
 */
@ApplicationScoped
public class IdempotentRequests {

  /** How long a request_id is remembered, as the contract promises retries are honoured. */
  static final Duration RETENTION = Duration.ofHours(24);

  private static final Pattern UUID_TEXT =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  /**
   * Runs the work once for the request_id, or returns the stored result of its first run.
   *
   * @param requestId the request's request_id; empty runs the work without a record
   * @param method the gRPC method name, part of the request's identity
   * @param request the encoded request, compared with the first use of the request_id
   * @param work the creating call, joined to this transaction
   * @param encode encodes the result for storage
   * @param decode decodes a stored result
   */
  @Transactional
  public <T> T run(
      String requestId,
      String method,
      byte[] request,
      Supplier<T> work,
      Function<T, byte[]> encode,
      Function<byte[], T> decode) {
    if (requestId.isEmpty()) {
      return work.get();
    }
    if (!UUID_TEXT.matcher(requestId).matches()) {
      throw new InvalidArgumentException(
          "request_id", "must be a UUID such as 3f2b6c1e-0d4a-4e8b-9a61-2c7d5e9f1a03");
    }
    UUID id = UUID.fromString(requestId);
    byte[] fingerprint = fingerprint(method, request);
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    var entityManager = Panache.getEntityManager();
    // A concurrent call with the same request_id blocks on this insert until the first commits,
    // then finds the stored result below.
    int inserted =
        entityManager
            .createNativeQuery(
                "INSERT INTO request_log (request_id, method, fingerprint, create_time)"
                    + " VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING")
            .setParameter(1, id)
            .setParameter(2, method)
            .setParameter(3, fingerprint)
            .setParameter(4, now)
            .executeUpdate();
    RequestRecord record =
        entityManager.find(RequestRecord.class, id, LockModeType.PESSIMISTIC_WRITE);
    if (inserted == 0) {
      if (record.createTime.isAfter(now.minus(RETENTION))) {
        if (!record.method.equals(method) || !Arrays.equals(record.fingerprint, fingerprint)) {
          throw new InvalidArgumentException(
              "REQUEST_ID_REUSED",
              List.of(
                  new InvalidArgumentException.FieldViolation(
                      "request_id",
                      "request_id "
                          + requestId
                          + " was already used for a different request; send a new request_id")));
        }
        Log.debugf("%s %s is a retry; returning its first result", method, requestId);
        return decode.apply(record.response);
      }
      record.method = method;
      record.fingerprint = fingerprint;
      record.createTime = now;
    }
    T result = work.get();
    record.response = encode.apply(result);
    return result;
  }

  /** Deletes request records older than the retention period. */
  @Scheduled(every = "1h", delayed = "5m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  @Transactional
  void purgeExpired() {
    long deleted = RequestRecord.delete("createTime < ?1", Instant.now().minus(RETENTION));
    if (deleted > 0) {
      Log.infof("deleted %d request records older than %s", deleted, RETENTION);
    }
  }

  private static byte[] fingerprint(String method, byte[] request) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(method.getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
      digest.update(request);
      return digest.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
