package io.factorytwin.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.factorytwin.control.audit.AuditKind;
import io.factorytwin.control.audit.AuditTrail;
import io.factorytwin.control.audit.GroupCommit;
import io.factorytwin.testing.PostgresDatabase;
import io.factorytwin.testing.TestKeys;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The group commit under an exhausted connection pool. Callers keep their pooled connections while
 * they wait for the writer, so the writer must not need one. The pool here is small, and the test
 * takes every connection that is left before the first commit.
 */
@QuarkusTest
@TestProfile(GroupCommitPoolTest.SmallPool.class)
@WithTestResource(PostgresDatabase.class)
@WithTestResource(TestKeys.class)
class GroupCommitPoolTest {

  /** A pool of three connections that reports exhaustion after one second. */
  public static class SmallPool implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "quarkus.datasource.jdbc.max-size", "3",
          "quarkus.datasource.jdbc.acquisition-timeout", "1S");
    }
  }

  @Inject AgroalDataSource dataSource;

  @Inject GroupCommit groupCommit;

  @Inject AuditTrail audit;

  @Test
  void firstCommit_withPoolExhausted_commits() throws Exception {
    List<Connection> pooled = new ArrayList<>();
    long sequence;
    try {
      while (true) {
        try {
          pooled.add(dataSource.getConnection());
        } catch (SQLException exhausted) {
          break;
        }
      }
      assertThat(pooled).as("connections taken before the pool ran out").isNotEmpty();

      sequence =
          groupCommit.run(
              (connection, entries) ->
                  entries.append(
                      AuditKind.GUARDRAIL_DELETED, "pool-test", "guardrails/none", null, Map.of()));
    } finally {
      for (Connection connection : pooled) {
        connection.close();
      }
    }
    assertThat(sequence).isPositive();
    assertThat(audit.find(sequence)).isNotNull();
    assertThat(audit.find(sequence).actor()).isEqualTo("pool-test");
  }
}
