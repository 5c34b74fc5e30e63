package io.factorytwin.lifecycle.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.factorytwin.lifecycle.service.Publications;
import io.factorytwin.lifecycle.service.Publications.Claim;
import io.grpc.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the relay classifies failed attempts and spaces its retries, without a database. */
class PublicationRelayTest {

  /** One recordFailure call as the relay made it. */
  record Failure(int attempt, String code, String message, Instant retryAt) {}

  /** Publications that only record the failures the relay reports. */
  static final class RecordedFailures extends Publications {
    final List<Failure> failures = new ArrayList<>();

    @Override
    public void recordFailure(long id, int attempt, String code, String message, Instant retryAt) {
      failures.add(new Failure(attempt, code, message, retryAt));
    }
  }

  private final RecordedFailures publications = new RecordedFailures();
  private final PublicationRelay relay =
      new PublicationRelay(
          publications,
          null,
          false,
          Duration.ofSeconds(1),
          10,
          5,
          Duration.ofSeconds(1),
          Duration.ofSeconds(60),
          Duration.ofSeconds(60));

  private static Claim attempt(int number) {
    return new Claim(7, "designs/hall/revisions/a/publications/p", "hall", false, number);
  }

  @Test
  void retryableCodes_scheduleRetry() {
    List<Status.Code> codes =
        List.of(
            Status.Code.UNAVAILABLE,
            Status.Code.DEADLINE_EXCEEDED,
            Status.Code.ABORTED,
            Status.Code.RESOURCE_EXHAUSTED,
            Status.Code.UNAUTHENTICATED,
            Status.Code.INTERNAL);
    Instant before = Instant.now();

    for (Status.Code code : codes) {
      relay.recordFailure(attempt(1), Status.fromCode(code).withDescription("twin busy"));
    }

    assertThat(publications.failures).hasSize(codes.size());
    for (int i = 0; i < codes.size(); i++) {
      Failure failure = publications.failures.get(i);
      assertThat(failure.code()).isEqualTo(codes.get(i).name());
      assertThat(failure.message()).isEqualTo("twin busy");
      assertThat(failure.retryAt()).as("retry time after %s", codes.get(i)).isAfter(before);
    }
  }

  @Test
  void rejectionCodes_failAtOnce() {
    List<Status.Code> codes =
        List.of(
            Status.Code.INVALID_ARGUMENT,
            Status.Code.FAILED_PRECONDITION,
            Status.Code.PERMISSION_DENIED);

    for (Status.Code code : codes) {
      relay.recordFailure(attempt(1), Status.fromCode(code).withDescription("design mismatch"));
    }

    assertThat(publications.failures).extracting(Failure::retryAt).containsOnlyNulls();
    assertThat(publications.failures)
        .extracting(Failure::code)
        .containsExactly("INVALID_ARGUMENT", "FAILED_PRECONDITION", "PERMISSION_DENIED");
  }

  @Test
  void lastAttempt_failsWithAttemptCount() {
    relay.recordFailure(attempt(5), Status.UNAVAILABLE.withDescription("connection refused"));

    Failure failure = publications.failures.getFirst();
    assertThat(failure.retryAt()).isNull();
    assertThat(failure.message()).isEqualTo("connection refused (gave up after 5 attempts)");
  }

  @Test
  void statusWithoutDescription_usesCodeAndCause() {
    relay.recordFailure(
        attempt(1), Status.UNAVAILABLE.withCause(new java.io.IOException("Connection refused")));

    assertThat(publications.failures.getFirst().message())
        .isEqualTo("UNAVAILABLE: Connection refused");
  }

  @Test
  void backoff_doublesUpToMaximum() {
    for (int i = 0; i < 100; i++) {
      assertThat(relay.backoff(1)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
      assertThat(relay.backoff(3)).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(4));
      assertThat(relay.backoff(20)).isBetween(Duration.ofSeconds(30), Duration.ofSeconds(60));
      assertThat(relay.backoff(100)).isBetween(Duration.ofSeconds(30), Duration.ofSeconds(60));
    }
  }
}
