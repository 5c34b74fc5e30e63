package io.factorytwin.lifecycle;

import static io.factorytwin.lifecycle.DesignFixtures.fail;
import static io.factorytwin.lifecycle.DesignFixtures.reason;
import static org.assertj.core.api.Assertions.assertThat;

import io.factorytwin.lifecycle.v1.DesignRevision;
import io.factorytwin.lifecycle.v1.GetPublicationRequest;
import io.factorytwin.lifecycle.v1.ListPublicationsRequest;
import io.factorytwin.lifecycle.v1.ListPublicationsResponse;
import io.factorytwin.lifecycle.v1.Publication;
import io.factorytwin.lifecycle.v1.PublishDesignRevisionRequest;
import io.factorytwin.lifecycle.v1.ReleaseDesignRevisionRequest;
import io.factorytwin.lifecycle.v1.SubmitDesignRevisionRequest;
import io.factorytwin.testing.GrpcClients;
import io.factorytwin.testing.PostgresDatabase;
import io.factorytwin.testing.TestKeys;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Publishing released design revisions and the relay that delivers them. A {@link StandInTwin}
 * plays twin-service on a loopback port, because twin-service cannot start inside this test JVM.
 */
@QuarkusTest
@WithTestResource(PostgresDatabase.class)
@WithTestResource(TestKeys.class)
@WithTestResource(StandInTwin.class)
class PublicationGrpcTest {

  /** Maximum wait for the relay; its poll interval and backoff are under a second in tests. */
  private static final long WAIT_MILLIS = 30_000;

  @ConfigProperty(name = "quarkus.http.test-port")
  int port;

  @ConfigProperty(name = "quarkus.datasource.jdbc.url")
  String jdbcUrl;

  @ConfigProperty(name = "lifecycle.twin.token-file")
  Path tokenFile;

  StandInTwin twin;

  private ManagedChannel channel;
  private DesignFixtures fixtures;

  @BeforeEach
  void openChannel() {
    channel = GrpcClients.channel(port);
    fixtures = new DesignFixtures(channel, jdbcUrl).withReleasedCatalog();
  }

  @AfterEach
  void restoreTwin() {
    twin.rejectWith(null);
    twin.startListening();
    GrpcClients.close(channel);
  }

  @Test
  void releasedRevision_isDeliveredOnce() throws IOException {
    DesignRevision released = aReleasedHall();
    String designId = released.getName().split("/")[1];

    Publication published = publish(released.getName(), "");
    Publication again = publish(released.getName(), "");
    Publication delivered =
        awaitPublication(published.getName(), isState(Publication.State.STATE_DELIVERED));

    assertThat(published.getName()).startsWith(released.getName() + "/publications/");
    assertThat(published.getState()).isEqualTo(Publication.State.STATE_PENDING);
    assertThat(published.getTwin()).isEqualTo("twins/" + designId);
    assertThat(published.getAuthor()).isEqualTo("alice");
    assertThat(again.getName()).isEqualTo(published.getName());
    assertThat(delivered.getTwinRevision()).isEqualTo("twins/" + designId + "/revisions/a");
    assertThat(delivered.getNewlyBuilt()).isTrue();
    assertThat(delivered.getAttemptCount()).isEqualTo(1);
    assertThat(delivered.hasDeliverTime()).isTrue();
    assertThat(delivered.hasNextAttemptTime()).isFalse();
    assertThat(delivered.getLastErrorCode()).isEmpty();
    assertThat(delivered.getEtag()).isNotEqualTo(published.getEtag());
    assertThat(outboxRows(published.getName())).isZero();
    assertThat(twin.buildsOf(released.getName())).isEqualTo(1);
    List<StandInTwin.Call> calls = twin.callsFor(released.getName());
    assertThat(calls).hasSize(1);
    StandInTwin.Call call = calls.getFirst();
    assertThat(call.authorization()).isEqualTo("Bearer " + Files.readString(tokenFile).trim());
    assertThat(call.header().getTwinId()).isEqualTo(designId);
    assertThat(call.header().getDesign()).isEqualTo("designs/" + designId);
    assertThat(call.header().getActivate()).isFalse();
    assertThat(call.header().getPartCount()).isEqualTo(6);
    assertThat(call.header().getPlacementCount()).isEqualTo(7);
    assertThat(call.header().getConnectionCount()).isEqualTo(7);
    assertThat(call.header().getRedundancyGroupCount()).isZero();
    assertThat(call.parts()).isEqualTo(6);
    assertThat(call.placements()).isEqualTo(7);
    assertThat(call.connections()).isEqualTo(7);
    assertThat(call.halls()).isEqualTo(1);
    assertThat(call.rows()).isEqualTo(1);
    assertThat(call.sites()).isEqualTo(1);
    assertThat(call.chunks()).isEqualTo(1);
    assertThat(call.committed()).isTrue();
  }

  @Test
  void revisionNotReleased_isRejected() {
    DesignRevision inWork = fixtures.anEmptyRevision();
    String designId = inWork.getName().split("/")[1];

    StatusRuntimeException notReleased = fail(() -> publish(inWork.getName(), ""));
    StatusRuntimeException unknown =
        fail(() -> publish("designs/" + designId + "/revisions/b", ""));
    StatusRuntimeException badTwin = fail(() -> publish(inWork.getName(), "hall-twin"));

    assertThat(notReleased.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(reason(notReleased)).isEqualTo("ILLEGAL_STATE_TRANSITION");
    assertThat(notReleased.getStatus().getDescription()).contains("IN_WORK");
    assertThat(unknown.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(badTwin.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(
            fixtures.count("select count(*) from publication where design_id = '" + designId + "'"))
        .isZero();
  }

  @Test
  void twinDown_isRetriedUntilDelivered() {
    DesignRevision released = aReleasedHall();
    twin.stopListening();

    Publication published = publish(released.getName(), "");
    Publication retrying =
        awaitPublication(published.getName(), publication -> publication.getAttemptCount() >= 2);
    twin.startListening();
    Publication delivered =
        awaitPublication(published.getName(), isState(Publication.State.STATE_DELIVERED));

    assertThat(retrying.getState()).isEqualTo(Publication.State.STATE_PENDING);
    assertThat(retrying.getLastErrorCode()).isEqualTo("UNAVAILABLE");
    assertThat(retrying.getLastError()).isNotEmpty();
    assertThat(retrying.hasNextAttemptTime()).isTrue();
    assertThat(delivered.getAttemptCount()).isGreaterThan(1);
    assertThat(delivered.getNewlyBuilt()).isTrue();
    assertThat(delivered.hasNextAttemptTime()).isFalse();
    assertThat(twin.buildsOf(released.getName())).isEqualTo(1);
    assertThat(twin.callsFor(released.getName())).hasSize(1);
  }

  @Test
  void twinRejectsDesign_failsWithLastError() {
    DesignRevision released = aReleasedHall();
    String message = "placement hall-1.row-1.rack-1 uses a part revision that no chunk carries";
    twin.rejectWith(Status.INVALID_ARGUMENT.withDescription(message));

    Publication published = publish(released.getName(), "");
    Publication failed =
        awaitPublication(published.getName(), isState(Publication.State.STATE_FAILED));
    twin.rejectWith(null);
    Publication retried = publish(released.getName(), "");
    Publication delivered =
        awaitPublication(retried.getName(), isState(Publication.State.STATE_DELIVERED));

    assertThat(failed.getLastErrorCode()).isEqualTo("INVALID_ARGUMENT");
    assertThat(failed.getLastError()).isEqualTo(message);
    assertThat(failed.getAttemptCount()).isEqualTo(1);
    assertThat(failed.hasNextAttemptTime()).isFalse();
    assertThat(failed.getTwinRevision()).isEmpty();
    assertThat(outboxRows(published.getName())).isZero();
    assertThat(retried.getName()).isNotEqualTo(published.getName());
    assertThat(delivered.getNewlyBuilt()).isTrue();
  }

  @Test
  void pendingRowFromBeforeCrash_isDelivered() throws SQLException {
    DesignRevision released = aReleasedHall();
    String designId = released.getName().split("/")[1];
    String publicationId = UUID.randomUUID().toString();
    String name = released.getName() + "/publications/" + publicationId;

    // The rows a publish commits, written directly, as if the process had stopped right after
    // the commit and before the relay took the row.
    try (Connection connection =
        DriverManager.getConnection(jdbcUrl, PostgresDatabase.user(), "")) {
      connection.setAutoCommit(false);
      try (PreparedStatement publication =
              connection.prepareStatement(
                  "insert into publication (design_id, revision_number, publication_id, twin,"
                      + " activate, state, attempt_count, newly_built, author, version,"
                      + " create_time, update_time) values (?, 1, ?, ?, true, 'PENDING', 0, false,"
                      + " 'alice', 0, now(), now())");
          PreparedStatement outbox =
              connection.prepareStatement(
                  "insert into publication_outbox (publication_id, due_time, create_time)"
                      + " select id, now(), now() from publication where publication_id = ?")) {
        publication.setString(1, designId);
        publication.setString(2, publicationId);
        publication.setString(3, "twins/" + designId + "-restarted");
        publication.executeUpdate();
        outbox.setString(1, publicationId);
        outbox.executeUpdate();
      }
      connection.commit();
    }
    Publication delivered = awaitPublication(name, isState(Publication.State.STATE_DELIVERED));

    assertThat(delivered.getTwinRevision())
        .isEqualTo("twins/" + designId + "-restarted/revisions/a");
    assertThat(delivered.getAttemptCount()).isEqualTo(1);
    assertThat(twin.callsFor(released.getName()).getFirst().header().getActivate()).isTrue();
    assertThat(outboxRows(name)).isZero();
  }

  @Test
  void deliveryRepeatedAfterCrash_buildsOneTwinRevision() throws SQLException {
    DesignRevision released = aReleasedHall();
    Publication published = publish(released.getName(), "");
    awaitPublication(published.getName(), isState(Publication.State.STATE_DELIVERED));

    // The state of a relay that stopped after the twin built the revision and before it
    // committed DELIVERED: the publication is PENDING with its outbox row due.
    try (Connection connection =
        DriverManager.getConnection(jdbcUrl, PostgresDatabase.user(), "")) {
      connection.setAutoCommit(false);
      String publicationId =
          published.getName().substring(published.getName().lastIndexOf('/') + 1);
      try (PreparedStatement reset =
              connection.prepareStatement(
                  "update publication set state = 'PENDING', twin_revision = null,"
                      + " deliver_time = null where publication_id = ?");
          PreparedStatement outbox =
              connection.prepareStatement(
                  "insert into publication_outbox (publication_id, due_time, create_time)"
                      + " select id, now(), now() from publication where publication_id = ?")) {
        reset.setString(1, publicationId);
        reset.executeUpdate();
        outbox.setString(1, publicationId);
        outbox.executeUpdate();
      }
      connection.commit();
    }
    Publication redelivered =
        awaitPublication(
            published.getName(),
            publication ->
                publication.getState() == Publication.State.STATE_DELIVERED
                    && publication.getAttemptCount() == 2);

    assertThat(redelivered.getNewlyBuilt()).isFalse();
    assertThat(redelivered.getTwinRevision()).endsWith("/revisions/a");
    assertThat(twin.buildsOf(released.getName())).isEqualTo(1);
    List<StandInTwin.Call> calls = twin.callsFor(released.getName());
    assertThat(calls).hasSize(2);
    assertThat(calls.get(1).answeredAfterHeader()).isTrue();
  }

  @Test
  void listPublications_byRevisionAndDesign() {
    DesignRevision released = aReleasedHall();
    String designId = released.getName().split("/")[1];
    Publication first = publish(released.getName(), "twins/" + designId + "-east");
    Publication second = publish(released.getName(), "twins/" + designId + "-west");

    Publication east =
        awaitPublication(first.getName(), isState(Publication.State.STATE_DELIVERED));
    Publication west =
        awaitPublication(second.getName(), isState(Publication.State.STATE_DELIVERED));
    ListPublicationsResponse byRevision = list(released.getName(), "", "", 0);
    ListPublicationsResponse byDesign =
        list(
            "designs/" + designId + "/revisions/-",
            "twin = \"twins/" + designId + "-west\"",
            "",
            0);
    ListPublicationsResponse firstPage = list(released.getName(), "", "create_time desc", 1);
    ListPublicationsResponse failed = list(released.getName(), "state = STATE_FAILED", "", 0);
    StatusRuntimeException unknownDesign =
        fail(() -> list("designs/no-such-design/revisions/-", "", "", 0));

    assertThat(east.getTwinRevision()).isEqualTo("twins/" + designId + "-east/revisions/a");
    assertThat(west.getTwinRevision()).isEqualTo("twins/" + designId + "-west/revisions/a");
    assertThat(west.getNewlyBuilt()).isTrue();
    assertThat(twin.buildsOf(released.getName())).isEqualTo(2);
    assertThat(byRevision.getPublicationsList())
        .extracting(Publication::getName)
        .containsExactly(first.getName(), second.getName());
    assertThat(byDesign.getPublicationsList())
        .extracting(Publication::getName)
        .containsExactly(second.getName());
    assertThat(firstPage.getPublicationsList())
        .extracting(Publication::getName)
        .containsExactly(second.getName());
    assertThat(firstPage.getNextPageToken()).isNotEmpty();
    assertThat(failed.getPublicationsList()).isEmpty();
    assertThat(unknownDesign.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
  }

  private DesignRevision aReleasedHall() {
    DesignRevision edited = fixtures.edit(fixtures.anEmptyRevision(), fixtures.aHallWithTwoRacks());
    DesignRevision submitted =
        fixtures.alice.submitDesignRevision(
            SubmitDesignRevisionRequest.newBuilder()
                .setName(edited.getName())
                .setEtag(edited.getEtag())
                .build());
    return fixtures.alice.releaseDesignRevision(
        ReleaseDesignRevisionRequest.newBuilder()
            .setName(submitted.getName())
            .setEtag(submitted.getEtag())
            .build());
  }

  private Publication publish(String revision, String twinName) {
    return fixtures.alice.publishDesignRevision(
        PublishDesignRevisionRequest.newBuilder().setName(revision).setTwin(twinName).build());
  }

  private ListPublicationsResponse list(String parent, String filter, String orderBy, int size) {
    return fixtures.alice.listPublications(
        ListPublicationsRequest.newBuilder()
            .setParent(parent)
            .setFilter(filter)
            .setOrderBy(orderBy)
            .setPageSize(size)
            .build());
  }

  private static Predicate<Publication> isState(Publication.State state) {
    return publication -> publication.getState() == state;
  }

  /** Reads the publication until it matches, failing after {@link #WAIT_MILLIS}. */
  private Publication awaitPublication(String name, Predicate<Publication> condition) {
    long end = System.currentTimeMillis() + WAIT_MILLIS;
    Publication publication;
    do {
      publication =
          fixtures.alice.getPublication(GetPublicationRequest.newBuilder().setName(name).build());
      if (condition.test(publication)) {
        return publication;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + name, e);
      }
    } while (System.currentTimeMillis() < end);
    throw new AssertionError(
        "publication did not reach the expected state within "
            + WAIT_MILLIS
            + " ms: "
            + publication);
  }

  private long outboxRows(String publicationName) {
    String publicationId = publicationName.substring(publicationName.lastIndexOf('/') + 1);
    return fixtures.count(
        "select count(*) from publication_outbox o join publication p on p.id = o.publication_id"
            + " where p.publication_id = '"
            + publicationId
            + "'");
  }
}
