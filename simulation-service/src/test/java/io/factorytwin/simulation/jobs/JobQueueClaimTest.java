package io.factorytwin.simulation.jobs;

import static io.factorytwin.simulation.jobs.JobFixtures.transientJob;
import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.factorytwin.simulation.v1.Job;
import io.factorytwin.simulation.v1.JobResult;
import io.factorytwin.simulation.v1.TransientResult;
import io.factorytwin.testing.PostgresDatabase;
import io.factorytwin.testing.TestKeys;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The claim protocol of the queue without worker threads: the tests play the workers, each on its
 * own database connection, so they decide when a claimer claims, dies or writes late.
 */
@QuarkusTest
@TestProfile(JobQueueClaimTest.NoWorkers.class)
@WithTestResource(PostgresDatabase.class)
@WithTestResource(TestKeys.class)
class JobQueueClaimTest {

  /** Turns the worker threads off, so only the tests claim jobs. */
  public static class NoWorkers implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("simulation.jobs.workers", "0");
    }
  }

  private static final int MAX_ATTEMPTS = 3;

  @Inject JobStore store;
  @Inject AgroalDataSource dataSource;

  private String queue(Job job) {
    String id = "j-" + UUID.randomUUID();
    Instant now = JobStore.now();
    boolean inserted =
        store.insert(
            new JobRecord(
                id,
                Job.Kind.KIND_TRANSIENT,
                JobState.QUEUED,
                job,
                "test",
                null,
                "h",
                1,
                0,
                null,
                null,
                false,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                now,
                now,
                null,
                null));
    assertThat(inserted).isTrue();
    return id;
  }

  /** Claims until the queue is empty and returns the claimed ids; one transaction per claim. */
  private List<String> drain(String owner) {
    List<String> claimed = new ArrayList<>();
    JobRecord job;
    while ((job = store.claim(owner, Duration.ofMinutes(5), MAX_ATTEMPTS)) != null) {
      assertThat(job.state()).isEqualTo(JobState.RUNNING);
      assertThat(job.leaseOwner()).isEqualTo(owner);
      claimed.add(job.id());
    }
    return claimed;
  }

  @Test
  void concurrentClaimers_neverClaimOneJobTwice() throws Exception {
    Set<String> queued = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      queued.add(queue(transientJob(i, 1)));
    }
    int claimers = 4;
    ExecutorService pool = Executors.newFixedThreadPool(claimers);
    CountDownLatch ready = new CountDownLatch(claimers);
    List<Future<List<String>>> results = new ArrayList<>();
    for (int c = 0; c < claimers; c++) {
      String owner = "claimer-" + c;
      results.add(
          pool.submit(
              () -> {
                ready.countDown();
                ready.await();
                return drain(owner);
              }));
    }
    List<String> all = new ArrayList<>();
    Map<String, Integer> perClaimer = new ConcurrentHashMap<>();
    for (int c = 0; c < claimers; c++) {
      List<String> claimed = results.get(c).get();
      perClaimer.put("claimer-" + c, claimed.size());
      all.addAll(claimed);
    }
    pool.shutdown();

    assertThat(all).doesNotHaveDuplicates();
    assertThat(new HashSet<>(all)).containsAll(queued);
    assertThat(all.stream().filter(queued::contains).count()).isEqualTo(queued.size());
    for (String id : queued) {
      assertThat(store.find(id).attemptCount()).as(id).isEqualTo(1);
    }
    // More than one claimer took part, or the test proved nothing about concurrency.
    assertThat(perClaimer.values().stream().filter(n -> n > 0).count()).isGreaterThan(1);
  }

  @Test
  void lockedRow_isSkippedByAnotherConnection() throws SQLException {
    queue(transientJob(1, 1));
    queue(transientJob(2, 1));
    String select =
        "SELECT id FROM job WHERE state = 'QUEUED' ORDER BY create_time, id LIMIT 1"
            + " FOR UPDATE SKIP LOCKED";
    try (Connection first = dataSource.getConnection();
        Connection second = dataSource.getConnection()) {
      first.setAutoCommit(false);
      second.setAutoCommit(false);
      String firstId = selectOne(first, select);
      String secondId = selectOne(second, select);
      first.rollback();
      second.rollback();
      first.setAutoCommit(true);
      second.setAutoCommit(true);

      assertThat(firstId).isNotNull();
      assertThat(secondId).isNotNull().isNotEqualTo(firstId);
    }
    // Leave no QUEUED job for the other tests of this class.
    drain("cleanup");
  }

  @Test
  void expiredLease_reclaimedByNewOwner() throws InterruptedException {
    String id = queue(transientJob(9, 1));
    JobRecord first = store.claim("worker-a", Duration.ofMillis(200), MAX_ATTEMPTS);
    assertThat(first.id()).isEqualTo(id);
    assertThat(store.claim("worker-b", Duration.ofSeconds(30), MAX_ATTEMPTS))
        .as("claimed while the lease holds")
        .isNull();

    // worker-a stops renewing; after its lease, worker-b takes the job.
    Thread.sleep(300);
    JobRecord second = store.claim("worker-b", Duration.ofSeconds(30), MAX_ATTEMPTS);
    assertThat(second.id()).isEqualTo(id);
    assertThat(second.attemptCount()).isEqualTo(2);
    assertThat(second.leaseOwner()).isEqualTo("worker-b");

    // worker-a wakes up: its progress, renewal, result and stop are all rejected.
    JobResult staleResult =
        JobResult.newBuilder().setTransient(TransientResult.newBuilder().setSeed(1)).build();
    assertThat(store.progress(id, "worker-a", 0.9, "late", null, Duration.ofSeconds(30)))
        .isEqualTo(JobStore.ProgressCheck.LEASE_LOST);
    assertThat(store.renew(id, "worker-a", Duration.ofSeconds(30))).isFalse();
    assertThat(store.succeed(id, "worker-a", staleResult, List.of())).isFalse();
    assertThat(store.stop(id, "worker-a", JobState.FAILED, null)).isFalse();
    assertThat(store.result(id)).isNull();
    assertThat(store.find(id).state()).isEqualTo(JobState.RUNNING);
    assertThat(store.find(id).leaseOwner()).isEqualTo("worker-b");

    // worker-b, the owner, finishes the job.
    JobResult result =
        JobResult.newBuilder().setTransient(TransientResult.newBuilder().setSeed(9)).build();
    assertThat(store.progress(id, "worker-b", 0.5, "half", null, Duration.ofSeconds(30)))
        .isEqualTo(JobStore.ProgressCheck.OWNED);
    assertThat(store.succeed(id, "worker-b", result, List.of())).isTrue();
    assertThat(store.find(id).state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(store.result(id).getTransient().getSeed()).isEqualTo(9);
    // A second result write, even by the last owner, is rejected once the job has ended.
    assertThat(store.succeed(id, "worker-b", result, List.of())).isFalse();
  }

  @Test
  void leaseExpiredOnEveryAttempt_jobFails() throws InterruptedException {
    String id = queue(transientJob(10, 1));
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      JobRecord claimed = store.claim("dying-" + attempt, Duration.ofMillis(50), MAX_ATTEMPTS);
      assertThat(claimed.id()).isEqualTo(id);
      assertThat(claimed.attemptCount()).isEqualTo(attempt);
      Thread.sleep(100);
    }

    assertThat(store.claim("next", Duration.ofSeconds(30), MAX_ATTEMPTS)).isNull();
    JobRecord failed = store.find(id);
    assertThat(failed.state()).isEqualTo(JobState.FAILED);
    assertThat(failed.failureReason()).isEqualTo("INTERNAL");
    assertThat(failed.failureMessage()).contains(Integer.toString(MAX_ATTEMPTS));
    assertThat(failed.leaseOwner()).isNull();
  }

  @Test
  void cancelOfDeadOwnersJob_endsOnClaim() throws InterruptedException {
    String id = queue(transientJob(11, 1));
    store.claim("dying", Duration.ofMillis(50), MAX_ATTEMPTS);
    JobStore.CancelOutcome cancel = store.cancel(id, job -> {});
    assertThat(cancel.job().cancelRequested()).isTrue();
    assertThat(cancel.job().state()).isEqualTo(JobState.RUNNING);
    Thread.sleep(100);

    assertThat(store.claim("next", Duration.ofSeconds(30), MAX_ATTEMPTS)).isNull();
    JobRecord job = store.find(id);
    assertThat(job.state()).isEqualTo(JobState.CANCELLED);
    assertThat(job.attemptCount()).isEqualTo(1);
  }

  @Test
  void progress_afterCancel_tellsOwnerToStop() {
    String id = queue(transientJob(12, 1));
    store.claim("owner", Duration.ofSeconds(30), MAX_ATTEMPTS);
    long versionBefore = store.find(id).version();

    store.cancel(id, job -> {});

    assertThat(store.progress(id, "owner", 0.1, "step", null, Duration.ofSeconds(30)))
        .isEqualTo(JobStore.ProgressCheck.CANCEL_REQUESTED);
    assertThat(store.stop(id, "owner", JobState.CANCELLED, null)).isTrue();
    JobRecord job = store.find(id);
    assertThat(job.state()).isEqualTo(JobState.CANCELLED);
    assertThat(job.version()).isEqualTo(versionBefore + 2);
  }

  private static String selectOne(Connection connection, String sql) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(sql);
        ResultSet row = select.executeQuery()) {
      return row.next() ? row.getString(1) : null;
    }
  }
}
