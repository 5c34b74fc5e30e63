package io.factorytwin.simulation.jobs;

import static io.factorytwin.simulation.jobs.JobFixtures.transientJob;
import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.factorytwin.simulation.v1.Job;
import io.factorytwin.simulation.v1.JobResult;
import io.factorytwin.simulation.v1.TransientResult;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The queue on H2 in PostgreSQL mode, the database of the embedded build: the migrations apply and
 * the claim, lease and ownership rules hold as on PostgreSQL.
 */
class JobStoreH2Test {

  private AgroalDataSource dataSource;
  private JobStore store;

  @BeforeEach
  void migrate() throws SQLException {
    // The URL options of the embedded build in application.properties, on an in-memory database.
    String url =
        "jdbc:h2:mem:jobs-"
            + UUID.randomUUID()
            + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1";
    // Flyway's own connection closes after the migration, before the pool opens its connections,
    // which is the case in which H2 2.4 rejects inserts into tables with CHECK constraints.
    Flyway.configure()
        .dataSource(url, "sa", "")
        .locations("classpath:db/migration")
        .load()
        .migrate();
    dataSource =
        AgroalDataSource.from(
            new AgroalDataSourceConfigurationSupplier()
                .connectionPoolConfiguration(
                    pool ->
                        pool.maxSize(8)
                            .connectionFactoryConfiguration(
                                factory ->
                                    factory.jdbcUrl(url).principal(new NamePrincipal("sa")))));
    store = new JobStore(dataSource);
  }

  @AfterEach
  void close() {
    dataSource.close();
  }

  private String queue(long seed) {
    String id = "h2-" + UUID.randomUUID();
    Instant now = JobStore.now();
    assertThat(
            store.insert(
                new JobRecord(
                    id,
                    Job.Kind.KIND_TRANSIENT,
                    JobState.QUEUED,
                    transientJob(seed, 1),
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
                    null)))
        .isTrue();
    return id;
  }

  @Test
  void concurrentClaimers_onH2_neverShareJob() throws Exception {
    List<String> queued = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      queued.add(queue(i));
    }
    ExecutorService pool = Executors.newFixedThreadPool(3);
    List<Future<List<String>>> results = new ArrayList<>();
    for (int c = 0; c < 3; c++) {
      String owner = "h2-claimer-" + c;
      results.add(
          pool.submit(
              () -> {
                List<String> claimed = new ArrayList<>();
                // H2 makes concurrent claimers take turns, so an empty claim may only mean that
                // another claim held the rows. A claimer stops after 20 empty claims in a row.
                int empty = 0;
                while (empty < 20) {
                  JobRecord job = store.claim(owner, Duration.ofMinutes(5), 3);
                  if (job == null) {
                    empty++;
                    Thread.sleep(5);
                  } else {
                    empty = 0;
                    claimed.add(job.id());
                  }
                }
                return claimed;
              }));
    }
    List<String> all = new ArrayList<>();
    for (Future<List<String>> result : results) {
      all.addAll(result.get());
    }
    pool.shutdown();

    assertThat(all).doesNotHaveDuplicates();
    assertThat(all).containsExactlyInAnyOrderElementsOf(queued);
  }

  @Test
  void expiredLease_onH2_rejectsOldOwner() throws InterruptedException {
    String id = queue(5);
    store.claim("old", Duration.ofMillis(50), 3);
    Thread.sleep(100);
    JobRecord reclaimed = store.claim("new", Duration.ofSeconds(30), 3);

    JobResult result =
        JobResult.newBuilder().setTransient(TransientResult.newBuilder().setSeed(5)).build();
    assertThat(reclaimed.id()).isEqualTo(id);
    assertThat(reclaimed.attemptCount()).isEqualTo(2);
    assertThat(store.succeed(id, "old", result, List.of())).isFalse();
    assertThat(store.progress(id, "old", 0.5, "late", null, Duration.ofSeconds(30)))
        .isEqualTo(JobStore.ProgressCheck.LEASE_LOST);
    assertThat(store.succeed(id, "new", result, List.of())).isTrue();
    assertThat(store.find(id).state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(store.result(id).getTransient().getSeed()).isEqualTo(5);
  }

  @Test
  void cancelAndPage_onH2() {
    String first = queue(1);
    String second = queue(2);

    JobStore.CancelOutcome cancel = store.cancel(first, job -> {});

    assertThat(cancel.job().state()).isEqualTo(JobState.CANCELLED);
    assertThat(store.page(Set.of(JobState.QUEUED), Set.of(), null, null, 10))
        .extracting(JobRecord::id)
        .containsExactly(second);
    assertThat(store.page(Set.of(), Set.of(Job.Kind.KIND_TRANSIENT), null, null, 10))
        .extracting(JobRecord::id)
        .containsExactlyInAnyOrder(first, second);
  }
}
