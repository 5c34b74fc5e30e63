package io.factorytwin.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.factorytwin.control.model.ActionRecord;
import io.factorytwin.control.repository.ActionStore;
import io.factorytwin.testing.PostgresDatabase;
import io.factorytwin.testing.TestKeys;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The query behind lease-expiry reverts, on PostgreSQL. Its rows are written directly, with an
 * agent whose lease ended an hour ago, so no twin-service is needed; the lease watcher that runs
 * meanwhile cannot reach a twin and changes nothing.
 */
@QuarkusTest
@WithTestResource(PostgresDatabase.class)
@WithTestResource(TestKeys.class)
class ExpiredLeaseQueryTest {

  private static final String HELD = "twins/lapsed/points/cdu-1.pump-speed-sp";
  private static final String FREE = "twins/lapsed/points/cdu-2.pump-speed-sp";

  @Inject AgroalDataSource dataSource;

  @Inject ActionStore actions;

  @AfterEach
  void clean() throws Exception {
    execute("DELETE FROM action WHERE agent_id = 'lapsed-agent'");
    execute("DELETE FROM hold WHERE id = 'lapsed-hold'");
    execute("DELETE FROM agent WHERE id = 'lapsed-agent'");
  }

  @Test
  void heldPoints_neverFillTheRevertBatch() throws Exception {
    execute(
        "INSERT INTO agent (id, display_name, owner, scopes, mode, enabled, lease_duration_ms,"
            + " lease_expire_time, disabled_reason, version, create_time, update_time) VALUES"
            + " ('lapsed-agent', '', 'ops@example.com', 'twins/lapsed/points/*', 'AUTONOMOUS',"
            + " TRUE, 30000, now() - interval '1 hour', '', 1, now(), now())");
    for (int i = 0; i < 3; i++) {
      insertApplied("held-" + i, HELD, "now() - interval '" + (50 - i) + " minutes'");
    }
    insertApplied("free-0", FREE, "now() - interval '10 minutes'");
    execute(
        "INSERT INTO hold (id, point, hold_value, unit, reason, state, point_version, creator,"
            + " releaser, version, create_time) VALUES ('lapsed-hold', '"
            + HELD
            + "', 60, '%', 'maintenance', 'ACTIVE', 1, 'ops-lead', '', 1, now())");

    List<ActionRecord> batch = actions.appliedWithExpiredLease(Instant.now(), 2);

    assertThat(batch).extracting(ActionRecord::point).containsExactly(FREE);
  }

  private void insertApplied(String requestId, String point, String createTime) throws Exception {
    execute(
        "INSERT INTO action (id, agent_id, point, requested_value, unit, rationale, request_id,"
            + " agent_mode, outcome, state, point_version, decided_by, decision_comment,"
            + " revert_cause, reverted_by, superseded_by, version, create_time, update_time)"
            + " VALUES ('lapsed-"
            + requestId
            + "', 'lapsed-agent', '"
            + point
            + "', 80, '%', '', '"
            + requestId
            + "', 'AUTONOMOUS', 'APPLIED', 'APPLIED', 1, '', '', '', '', '', 1, "
            + createTime
            + ", now())");
  }

  private void execute(String sql) throws Exception {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}
