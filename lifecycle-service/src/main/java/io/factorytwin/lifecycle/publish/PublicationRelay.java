package io.factorytwin.lifecycle.publish;

import io.factorytwin.lifecycle.mapping.ApplyDesignMessages;
import io.factorytwin.lifecycle.service.Publications;
import io.factorytwin.lifecycle.service.Publications.Claim;
import io.factorytwin.lifecycle.service.PublishedDesign;
import io.factorytwin.twin.v1.ApplyDesignRequest;
import io.factorytwin.twin.v1.ApplyDesignResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Delivers PENDING publications to twin-service on a thread of its own. Every poll interval it
 * takes the due outbox rows, streams each design revision to ApplyDesign and records the result:
 * DELIVERED, a retry after an exponential backoff, or FAILED. ApplyDesign is idempotent by design
 * revision, so a delivery repeated after a crash or a lost response builds no second twin revision.
 */
@ApplicationScoped
public class PublicationRelay {

  /** Codes after which a retry cannot succeed: the twin rejected the design or the caller. */
  static final Set<Status.Code> FINAL_CODES =
      Set.of(
          Status.Code.INVALID_ARGUMENT,
          Status.Code.FAILED_PRECONDITION,
          Status.Code.PERMISSION_DENIED);

  /** Time a claim stays with this relay beyond the call deadline, for reading and recording. */
  private static final Duration LEASE_MARGIN = Duration.ofSeconds(30);

  /** Consecutive failed polls between two log lines while the database stays unreachable. */
  private static final int POLL_FAILURES_PER_LOG = 60;

  private final Publications publications;
  private final TwinClient twin;
  private final boolean enabled;
  private final Duration pollInterval;
  private final int batchSize;
  private final int maxAttempts;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Duration lease;

  private ScheduledExecutorService executor;
  private int failedPolls;

  PublicationRelay(
      Publications publications,
      TwinClient twin,
      @ConfigProperty(name = "lifecycle.publish.relay-enabled") boolean enabled,
      @ConfigProperty(name = "lifecycle.publish.poll-interval") Duration pollInterval,
      @ConfigProperty(name = "lifecycle.publish.batch-size") int batchSize,
      @ConfigProperty(name = "lifecycle.publish.max-attempts") int maxAttempts,
      @ConfigProperty(name = "lifecycle.publish.initial-backoff") Duration initialBackoff,
      @ConfigProperty(name = "lifecycle.publish.max-backoff") Duration maxBackoff,
      @ConfigProperty(name = "lifecycle.twin.deadline") Duration deadline) {
    this.publications = publications;
    this.twin = twin;
    this.enabled = enabled;
    this.pollInterval = pollInterval;
    this.batchSize = batchSize;
    this.maxAttempts = maxAttempts;
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
    this.lease = deadline.plus(LEASE_MARGIN);
  }

  void start(@Observes StartupEvent event) {
    if (!enabled) {
      Log.info("publication relay is off (lifecycle.publish.relay-enabled=false)");
      return;
    }
    executor =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("publication-relay").daemon().factory());
    executor.scheduleWithFixedDelay(this::poll, 0, pollInterval.toMillis(), TimeUnit.MILLISECONDS);
    Log.infof(
        "publication relay started: polling every %s, at most %d attempts per publication",
        pollInterval, maxAttempts);
  }

  void stop(@Observes ShutdownEvent event) {
    if (executor == null) {
      return;
    }
    executor.shutdownNow();
    try {
      if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
        Log.warn("publication relay did not stop within 5 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Log.info("publication relay stopped");
  }

  /** Delivers every due publication once; runs on the relay thread. */
  void poll() {
    List<Claim> claims;
    try {
      claims = publications.claimDue(batchSize, lease);
      if (failedPolls > 0) {
        Log.infof("publication relay reads the outbox again after %d failed polls", failedPolls);
        failedPolls = 0;
      }
    } catch (RuntimeException e) {
      if (failedPolls++ % POLL_FAILURES_PER_LOG == 0) {
        Log.warnf(
            e,
            "publication relay cannot read the outbox (%d failed polls in a row); retrying every"
                + " %s",
            failedPolls,
            pollInterval);
      }
      return;
    }
    for (Claim claim : claims) {
      if (Thread.currentThread().isInterrupted()) {
        // The lease of the remaining claims ends, and a relay delivers them then.
        return;
      }
      try {
        deliver(claim);
      } catch (RuntimeException e) {
        Log.errorf(
            e,
            "publication relay failed attempt %d of %s before it could record a result; the"
                + " publication is retried when the attempt's lease ends",
            claim.attempt(),
            claim.name());
      }
    }
  }

  private void deliver(Claim claim) {
    ApplyDesignResponse response;
    try {
      PublishedDesign design = publications.content(claim.id());
      List<ApplyDesignRequest> messages =
          ApplyDesignMessages.of(
              design, claim.twinId(), claim.activate(), ApplyDesignMessages.CHUNK_BYTES);
      response = twin.applyDesign(messages);
    } catch (StatusRuntimeException e) {
      if (Thread.currentThread().isInterrupted()) {
        return;
      }
      recordFailure(claim, e.getStatus());
      return;
    }
    String twinRevision = response.getTwinRevision().getName();
    if (twinRevision.isEmpty()) {
      recordFailure(
          claim,
          Status.INTERNAL.withDescription("twin-service answered without a twin revision name"));
      return;
    }
    publications.recordDelivered(claim.id(), twinRevision, response.getNewlyBuilt());
  }

  /** Records a failed attempt as a retry after the backoff, or as FAILED. */
  void recordFailure(Claim claim, Status status) {
    String code = status.getCode().name();
    String message = status.getDescription() == null ? code : status.getDescription();
    if (status.getCause() != null && status.getCause().getMessage() != null) {
      // grpc-java describes a refused connection only as "io exception". The cause names it.
      message = message + ": " + status.getCause().getMessage();
    }
    if (FINAL_CODES.contains(status.getCode())) {
      publications.recordFailure(claim.id(), claim.attempt(), code, message, null);
    } else if (claim.attempt() >= maxAttempts) {
      publications.recordFailure(
          claim.id(),
          claim.attempt(),
          code,
          message + " (gave up after " + claim.attempt() + " attempts)",
          null);
    } else {
      Instant retryAt = Instant.now().plus(backoff(claim.attempt()));
      publications.recordFailure(claim.id(), claim.attempt(), code, message, retryAt);
    }
  }

  /**
   * Returns the wait after the given failed attempt: the initial backoff doubled per earlier
   * attempt, capped at the maximum, of which a random half is taken off so relays that failed
   * together do not retry together.
   */
  Duration backoff(int attempt) {
    long initial = initialBackoff.toMillis();
    long doubled = initial << Math.min(attempt - 1, 30);
    long capped =
        doubled < initial ? maxBackoff.toMillis() : Math.min(doubled, maxBackoff.toMillis());
    long half = capped / 2;
    return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(half + 1));
  }
}
