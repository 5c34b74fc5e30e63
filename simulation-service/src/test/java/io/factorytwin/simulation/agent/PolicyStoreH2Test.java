package io.factorytwin.simulation.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.factorytwin.simulation.transients.FeedForwardPolicy;
import io.factorytwin.simulation.v1.AgentTrainingResult;
import io.factorytwin.simulation.v1.JobResult;
import io.factorytwin.simulation.v1.Policy;
import io.factorytwin.simulation.v1.PolicyParameters;
import io.factorytwin.simulation.v1.PolicyVersion;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The policy tables on H2 in PostgreSQL mode, the database of the embedded build: the migration
 * applies, versions are numbered in order, a repeated job adds none, and listings page.
 */
class PolicyStoreH2Test {

  private AgroalDataSource dataSource;
  private PolicyStore store;

  @BeforeEach
  void migrate() throws SQLException {
    String url =
        "jdbc:h2:mem:policies-"
            + UUID.randomUUID()
            + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1";
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
                        pool.maxSize(4)
                            .connectionFactoryConfiguration(
                                factory ->
                                    factory.jdbcUrl(url).principal(new NamePrincipal("sa")))));
    store = new PolicyStore(dataSource);
  }

  @AfterEach
  void close() {
    dataSource.close();
  }

  private String add(String jobId, String policyId) throws SQLException {
    PolicyVersion artifact =
        PolicyVersion.newBuilder()
            .setParameters(
                PolicyParameters.newBuilder()
                    .setAlgorithm(FeedForwardPolicy.ALGORITHM)
                    .putAllValues(new FeedForwardPolicy(40, 5, 10, 5, 0.3, 0.2).named()))
            .addTrainingSeeds(3)
            .build();
    JobResult result =
        JobResult.newBuilder().setAgentTraining(AgentTrainingResult.getDefaultInstance()).build();
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      String name =
          PolicyStore.addVersion(
                  connection, jobId, policyId, FeedForwardPolicy.ALGORITHM, artifact, result)
              .getAgentTraining()
              .getPolicyVersion();
      connection.commit();
      connection.setAutoCommit(true);
      return name;
    }
  }

  @Test
  void addVersion_numbersInOrderOncePerJob() throws SQLException {
    assertThat(add("job-a", "line")).isEqualTo("policies/line/versions/1");
    assertThat(add("job-b", "line")).isEqualTo("policies/line/versions/2");
    assertThat(add("job-a", "line")).isEqualTo("policies/line/versions/1");

    Policy policy = store.policy("line");
    assertThat(policy.getLatestVersion()).isEqualTo("policies/line/versions/2");
    PolicyStore.StoredVersion first = store.version("line", 1);
    assertThat(first.version().getTrainingJob()).isEqualTo("jobs/job-a");
    assertThat(first.version().getTrainingSeedsList()).containsExactly(3L);
    assertThat(store.version("line", 3)).isNull();
  }

  @Test
  void listings_pageByKey() throws SQLException {
    add("job-1", "alpha");
    add("job-2", "beta");
    add("job-3", "beta");

    assertThat(store.policies(null, false, 10))
        .extracting(Policy::getName)
        .containsExactly("policies/alpha", "policies/beta");
    assertThat(store.policies("alpha", false, 10))
        .extracting(Policy::getName)
        .containsExactly("policies/beta");

    List<PolicyStore.StoredVersion> newest = store.versions(null, null, true, 2);
    assertThat(newest).extracting(PolicyStore.StoredVersion::versionId).containsExactly(2, 1);
    assertThat(newest)
        .extracting(PolicyStore.StoredVersion::policyId)
        .containsExactly("beta", "beta");
    PolicyStore.StoredVersion last = newest.getLast();
    PolicyStore.VersionKey after =
        new PolicyStore.VersionKey(
            java.time.Instant.ofEpochSecond(
                last.version().getCreateTime().getSeconds(),
                last.version().getCreateTime().getNanos()),
            last.policyId(),
            last.versionId());
    assertThat(store.versions(null, after, true, 2))
        .extracting(PolicyStore.StoredVersion::policyId)
        .containsExactly("alpha");
  }
}
