package io.factorytwin.lifecycle.service;

import io.factorytwin.lifecycle.model.ConnectionElement;
import io.factorytwin.lifecycle.model.DesignRevision;
import io.factorytwin.lifecycle.model.Part;
import io.factorytwin.lifecycle.model.PartRef;
import io.factorytwin.lifecycle.model.PartRevision;
import io.factorytwin.lifecycle.model.PlacementElement;
import io.factorytwin.lifecycle.model.Publication;
import io.factorytwin.lifecycle.model.PublicationState;
import io.factorytwin.lifecycle.model.RevisionLabels;
import io.factorytwin.lifecycle.model.RevisionState;
import io.factorytwin.support.error.FailedPreconditionException;
import io.factorytwin.support.error.NotFoundException;
import io.opentelemetry.instrumentation.annotations.SpanAttribute;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Publications of released design revisions to twins, and the outbox rows the relay delivers them
 * from. Publishing writes the publication and its outbox row in one transaction, so a publication
 * that the caller saw created is delivered even if the process stops right after the commit.
 */
@ApplicationScoped
public class Publications {

  /** Fields a ListPublications filter may name, with their HQL paths. */
  static final Map<String, FilterParser.Field> FILTER_FIELDS =
      Map.of(
          "state",
          new FilterParser.Field("p.state", false, Publications::state),
          "twin",
          FilterParser.Field.text("p.twin"));

  /** Orders of ListPublications. The publication id is unique within a design. */
  static final Map<String, List<Keyset.Key>> ORDERS =
      Map.of(
          "create_time",
          List.of(
              new Keyset.Key("p.createTime", Keyset.KeyType.INSTANT),
              new Keyset.Key("p.publicationId", Keyset.KeyType.TEXT)),
          "update_time",
          List.of(
              new Keyset.Key("p.updateTime", Keyset.KeyType.INSTANT),
              new Keyset.Key("p.publicationId", Keyset.KeyType.TEXT)));

  /** Maximum length of last_error, the size of its column. */
  private static final int MAX_ERROR_CHARS = 4096;

  /**
   * A publication that a relay has taken for one delivery attempt.
   *
   * @param id the publication's row id
   * @param name the publication's resource name
   * @param twinId the target twin id
   * @param activate whether the twin activates the built revision
   * @param attempt the number of this attempt, counting from 1
   */
  public record Claim(long id, String name, String twinId, boolean activate, int attempt) {}

  /**
   * Creates a PENDING publication of a RELEASED design revision and its outbox row, or returns the
   * PENDING or DELIVERED publication of the same revision to the same twin.
   *
   * @throws NotFoundException when the revision does not exist
   * @throws FailedPreconditionException when the revision is not RELEASED
   */
  @WithSpan("Publications.publish")
  @Transactional
  public Publication publish(
      @SpanAttribute("design") String designId,
      int number,
      @SpanAttribute("twin") String twinId,
      boolean activate,
      String author) {
    // The revision lock orders concurrent publishes of one revision, so only one creates a row.
    DesignRevision revision =
        DesignRevisions.find(designId, number, LockModeType.PESSIMISTIC_WRITE);
    if (revision.state != RevisionState.RELEASED) {
      throw new FailedPreconditionException(
          "ILLEGAL_STATE_TRANSITION",
          List.of(
              new FailedPreconditionException.Violation(
                  "LIFECYCLE_STATE",
                  revision.name(),
                  "revision is "
                      + revision.state
                      + "; only a RELEASED revision can be published")));
    }
    String twin = "twins/" + twinId;
    Publication existing =
        Publication.find(
                "designId = ?1 and revisionNumber = ?2 and twin = ?3 and state in ?4"
                    + " order by createTime desc",
                designId,
                number,
                twin,
                List.of(PublicationState.PENDING, PublicationState.DELIVERED))
            .firstResult();
    if (existing != null) {
      Log.infof(
          "publication of %s to %s exists as %s (%s)",
          revision.name(), twin, existing.name(), existing.state);
      return existing;
    }

    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    Publication publication = new Publication();
    publication.designId = designId;
    publication.revisionNumber = number;
    publication.publicationId = UUID.randomUUID().toString();
    publication.twin = twin;
    publication.activate = activate;
    publication.state = PublicationState.PENDING;
    publication.author = author;
    publication.createTime = now;
    publication.updateTime = now;
    publication.persistAndFlush();
    PublicationOutbox.insert(publication.id, now);
    Log.infof("published %s to %s as %s by %s", revision.name(), twin, publication.name(), author);
    return publication;
  }

  @Transactional
  public Publication get(String designId, int number, String publicationId) {
    Publication publication =
        Publication.find(
                "designId = ?1 and revisionNumber = ?2 and publicationId = ?3",
                designId,
                number,
                publicationId)
            .firstResult();
    if (publication == null) {
      throw new NotFoundException(
          "designs/"
              + designId
              + "/revisions/"
              + RevisionLabels.id(number)
              + "/publications/"
              + publicationId);
    }
    return publication;
  }

  /**
   * Lists the publications of one design revision, or of every revision of the design when number
   * is 0. The default order is create_time.
   *
   * @throws NotFoundException when the design or the revision does not exist
   */
  @Transactional
  public Page<Publication> list(String designId, int number, ListRequest request) {
    ListRequest ordered =
        request.orderBy().isBlank()
            ? new ListRequest(
                request.pageSize(), request.pageToken(), request.filter(), "create_time")
            : request;
    KeysetQuery.Parsed parsed = KeysetQuery.parse(ordered, ORDERS, FILTER_FIELDS);
    DesignCatalog.find(designId, LockModeType.NONE);
    if (number > 0) {
      DesignRevisions.find(designId, number, LockModeType.NONE);
    }

    return KeysetQuery.page(
        parsed,
        "Publication p",
        Publication.class,
        number > 0 ? "p.designId = :design and p.revisionNumber = :number" : "p.designId = :design",
        number > 0 ? Map.of("design", designId, "number", number) : Map.of("design", designId),
        (order, last) ->
            order.text().startsWith("update_time")
                ? List.of(last.updateTime, last.publicationId)
                : List.of(last.createTime, last.publicationId));
  }

  /**
   * Takes up to limit due outbox rows for delivery: counts an attempt on each publication and moves
   * the row's due time to the end of the lease. No other relay takes the row until the lease ends.
   * A relay that dies during a delivery therefore delays the publication by at most the lease.
   */
  @Transactional
  public List<Claim> claimDue(int limit, Duration lease) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    List<Claim> claims = new ArrayList<>();
    for (long id : PublicationOutbox.lockDue(now, limit)) {
      Publication publication = Publication.findById(id, LockModeType.PESSIMISTIC_WRITE);
      if (publication.state != PublicationState.PENDING) {
        // Not expected: the transaction that ends a publication deletes its outbox row.
        Log.warnf(
            "removed the outbox row of %s, which is %s", publication.name(), publication.state);
        PublicationOutbox.delete(id);
        continue;
      }
      publication.attemptCount++;
      publication.lastAttemptTime = now;
      publication.updateTime = now;
      PublicationOutbox.reschedule(id, now.plus(lease));
      claims.add(
          new Claim(
              id,
              publication.name(),
              publication.twinId(),
              publication.activate,
              publication.attemptCount));
    }
    return claims;
  }

  /** Reads the content of the publication's design revision, with the part revisions it uses. */
  @Transactional
  public PublishedDesign content(long id) {
    Publication publication = Publication.findById(id);
    DesignRevision revision =
        DesignRevisions.find(publication.designId, publication.revisionNumber, LockModeType.NONE);
    List<PlacementElement> placements =
        DesignStore.placements(revision.id).values().stream()
            .sorted(Comparator.comparing(PlacementElement::id))
            .toList();
    List<ConnectionElement> connections =
        DesignStore.connections(revision.id).values().stream()
            .sorted(Comparator.comparing(ConnectionElement::id))
            .toList();
    Map<PartRef, PublishedDesign.UsedPart> parts = new LinkedHashMap<>();
    for (PlacementElement placement : placements) {
      parts.computeIfAbsent(placement.part(), Publications::usedPart);
    }
    List<PublishedDesign.UsedPart> sortedParts =
        parts.values().stream().sorted(Comparator.comparing(part -> part.ref().name())).toList();
    return new PublishedDesign(revision, placements, connections, sortedParts);
  }

  private static PublishedDesign.UsedPart usedPart(PartRef ref) {
    PartRevision revision =
        PartRevision.find("partId = ?1 and revisionNumber = ?2", ref.partId(), ref.number())
            .firstResult();
    Part part = Part.findById(ref.partId());
    if (revision == null || part == null) {
      // A released design uses only released part revisions, which cannot be deleted.
      throw new IllegalStateException("part revision " + ref.name() + " does not exist");
    }
    return new PublishedDesign.UsedPart(ref, part, revision);
  }

  /**
   * Marks a PENDING publication DELIVERED and deletes its outbox row. Does nothing when the
   * publication is no longer PENDING, because another relay recorded its delivery first.
   */
  @Transactional
  public void recordDelivered(long id, String twinRevision, boolean newlyBuilt) {
    Publication publication = Publication.findById(id, LockModeType.PESSIMISTIC_WRITE);
    if (publication == null || publication.state != PublicationState.PENDING) {
      return;
    }
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    publication.state = PublicationState.DELIVERED;
    publication.twinRevision = twinRevision;
    publication.newlyBuilt = newlyBuilt;
    publication.nextAttemptTime = null;
    publication.deliverTime = now;
    publication.updateTime = now;
    PublicationOutbox.delete(id);
    Log.infof(
        "delivered %s to %s as %s (%s) on attempt %d",
        publication.name(),
        publication.twin,
        twinRevision,
        newlyBuilt ? "newly built" : "already built",
        publication.attemptCount);
  }

  /**
   * Records a failed attempt. With retryAt, the publication stays PENDING and its outbox row
   * becomes due then. Without it, the publication becomes FAILED and its outbox row is deleted.
   * Does nothing unless the publication is PENDING and attempt is its latest attempt, so an attempt
   * whose lease ran out cannot overwrite the state of a later one.
   *
   * @param code the gRPC status code name
   * @param message what failed
   * @param retryAt the time of the next attempt, or null to stop trying
   */
  @Transactional
  public void recordFailure(long id, int attempt, String code, String message, Instant retryAt) {
    Publication publication = Publication.findById(id, LockModeType.PESSIMISTIC_WRITE);
    if (publication == null
        || publication.state != PublicationState.PENDING
        || publication.attemptCount != attempt) {
      return;
    }
    publication.lastErrorCode = code;
    publication.lastError =
        message.length() <= MAX_ERROR_CHARS ? message : message.substring(0, MAX_ERROR_CHARS);
    publication.updateTime = Instant.now().truncatedTo(ChronoUnit.MICROS);
    if (retryAt == null) {
      publication.state = PublicationState.FAILED;
      publication.nextAttemptTime = null;
      PublicationOutbox.delete(id);
      Log.errorf(
          "publication %s to %s FAILED on attempt %d: %s %s",
          publication.name(), publication.twin, attempt, code, message);
      return;
    }
    Instant next = retryAt.truncatedTo(ChronoUnit.MICROS);
    publication.nextAttemptTime = next;
    PublicationOutbox.reschedule(id, next);
    Log.warnf(
        "attempt %d of publication %s to %s failed with %s %s; retrying at %s",
        attempt, publication.name(), publication.twin, code, message, next);
  }

  private static Object state(String value) {
    String prefix = "STATE_";
    if (!value.startsWith(prefix)) {
      return null;
    }
    try {
      return PublicationState.valueOf(value.substring(prefix.length()));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
