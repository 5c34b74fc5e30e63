package io.factorytwin.lifecycle.service;

import io.factorytwin.lifecycle.model.Part;
import io.factorytwin.lifecycle.model.PartRevision;
import io.factorytwin.lifecycle.model.RevisionContent;
import io.factorytwin.lifecycle.model.RevisionLabels;
import io.factorytwin.lifecycle.model.RevisionState;
import io.factorytwin.support.error.FailedPreconditionException;
import io.factorytwin.support.error.InvalidArgumentException;
import io.factorytwin.support.error.NotFoundException;
import io.opentelemetry.instrumentation.annotations.SpanAttribute;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.hibernate.orm.panache.Panache;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Revisions of catalog parts and their lifecycle. Every write locks the revision's row (and, for a
 * create or release, the part's row first), so two writers of one part run one after the other and
 * the etag compared is the current one.
 */
@ApplicationScoped
public class PartRevisions {

  private static final String STATE_PREFIX = "REVISION_STATE_";

  /** Fields a ListPartRevisions filter may name, with their HQL paths. */
  static final Map<String, FilterParser.Field> FILTER_FIELDS =
      Map.of(
          "state",
          new FilterParser.Field("r.state", false, PartRevisions::state),
          "author",
          FilterParser.Field.text("r.author"));

  /**
   * Orders a ListPartRevisions order_by may name. Name order is by part id, then by revision in
   * letter sequence (A, B, ..., Z, AA), which is not the character order of the names.
   */
  static final Map<String, List<Keyset.Key>> ORDERS =
      Map.of(
          "name",
          List.of(
              new Keyset.Key("r.partId", Keyset.KeyType.TEXT),
              new Keyset.Key("r.revisionNumber", Keyset.KeyType.INT)),
          "create_time",
          List.of(
              new Keyset.Key("r.createTime", Keyset.KeyType.INSTANT),
              new Keyset.Key("r.partId", Keyset.KeyType.TEXT),
              new Keyset.Key("r.revisionNumber", Keyset.KeyType.INT)));

  private final SpecRules rules;

  PartRevisions(SpecRules rules) {
    this.rules = rules;
  }

  /**
   * Creates the next revision of a part, IN_WORK, from the given content or as a copy of the spec,
   * ports and sources of an earlier revision of the same part.
   *
   * @param content the new content, null when copying
   * @param copyFromNumber revision number to copy from, 0 when not copying
   */
  @WithSpan("PartRevisions.create")
  @Transactional
  public PartRevision create(
      @SpanAttribute("part") String partId,
      RevisionContent content,
      int copyFromNumber,
      String author) {
    Part part = PartCatalog.find(partId, LockModeType.PESSIMISTIC_WRITE);
    List<PartRevision> open =
        PartRevision.list(
            "partId = ?1 and state in ?2 order by revisionNumber",
            partId,
            List.of(RevisionState.IN_WORK, RevisionState.UNDER_REVIEW));
    if (!open.isEmpty()) {
      PartRevision first = open.getFirst();
      throw new FailedPreconditionException(
          "ILLEGAL_STATE_TRANSITION",
          List.of(
              new FailedPreconditionException.Violation(
                  "OPEN_REVISION",
                  first.name(),
                  "revision is "
                      + first.state
                      + "; release, reject and delete, or finish it before creating another")));
    }
    RevisionContent initial;
    if (copyFromNumber > 0) {
      PartRevision source = find(partId, copyFromNumber, LockModeType.NONE);
      initial =
          new RevisionContent(
              source.spec,
              source.ports,
              source.sources,
              content == null ? "" : content.changeSummary());
    } else {
      initial = content == null ? RevisionContent.empty() : content;
      throwIfInvalid(rules.validate(part.equipmentClass, initial, "part_revision"));
    }
    Integer newest =
        Panache.getEntityManager()
            .createQuery(
                "select max(r.revisionNumber) from PartRevision r where r.partId = :part",
                Integer.class)
            .setParameter("part", partId)
            .getSingleResult();
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    PartRevision revision = new PartRevision();
    revision.partId = partId;
    // A deleted IN_WORK revision was never submitted, so its letter is given out again.
    revision.revisionNumber = newest == null ? 1 : newest + 1;
    revision.state = RevisionState.IN_WORK;
    apply(revision, initial);
    revision.author = author;
    revision.createTime = now;
    revision.updateTime = now;
    revision.persistAndFlush();
    Log.infof("created part revision %s by %s", revision.name(), author);
    return revision;
  }

  @Transactional
  public PartRevision get(String partId, int number) {
    return find(partId, number, LockModeType.NONE);
  }

  /**
   * Lists revisions of one part, or of every part when partId is null.
   *
   * @throws NotFoundException when the part does not exist
   */
  @Transactional
  public Page<PartRevision> list(String partId, ListRequest request) {
    KeysetQuery.Parsed parsed = KeysetQuery.parse(request, ORDERS, FILTER_FIELDS);
    if (partId != null) {
      PartCatalog.find(partId, LockModeType.NONE);
    }

    return KeysetQuery.page(
        parsed,
        "PartRevision r",
        PartRevision.class,
        partId == null ? "" : "r.partId = :part",
        partId == null ? Map.of() : Map.of("part", partId),
        (order, last) ->
            order.text().startsWith("create_time")
                ? List.of(last.createTime, last.partId, last.revisionNumber)
                : List.of(last.partId, last.revisionNumber));
  }

  /** Replaces the named content fields of an IN_WORK revision. */
  @WithSpan("PartRevisions.update")
  @Transactional
  public PartRevision update(
      @SpanAttribute("part") String partId,
      int number,
      String etag,
      RevisionContent content,
      Set<String> mask) {
    PartRevision revision = lockForWrite(partId, number, etag);
    requireEditable(revision, "edited");
    RevisionContent current = revision.content();
    RevisionContent updated =
        new RevisionContent(
            mask.contains("spec") ? content.spec() : current.spec(),
            mask.contains("ports") ? content.ports() : current.ports(),
            mask.contains("sources") ? content.sources() : current.sources(),
            mask.contains("change_summary") ? content.changeSummary() : current.changeSummary());
    Part part = PartCatalog.find(partId, LockModeType.NONE);
    throwIfInvalid(rules.validate(part.equipmentClass, updated, "part_revision"));
    apply(revision, updated);
    return touch(revision, "updated " + mask);
  }

  @WithSpan("PartRevisions.delete")
  @Transactional
  public void delete(@SpanAttribute("part") String partId, int number, String etag) {
    PartRevision revision = lockForWrite(partId, number, etag);
    requireEditable(revision, "deleted");
    revision.delete();
    Log.infof("deleted part revision %s", revision.name());
  }

  /** Moves an IN_WORK revision to UNDER_REVIEW once its spec has what its class requires. */
  @WithSpan("PartRevisions.submit")
  @Transactional
  public PartRevision submit(@SpanAttribute("part") String partId, int number, String etag) {
    PartRevision revision = lockForWrite(partId, number, etag);
    requireTransition(revision, RevisionState.UNDER_REVIEW);
    Part part = PartCatalog.find(partId, LockModeType.NONE);
    List<String> missing = rules.missingForSubmit(part.equipmentClass, revision.content());
    if (!missing.isEmpty()) {
      throw new FailedPreconditionException(
          "MODEL_INCOMPLETE",
          missing.stream()
              .map(
                  field ->
                      new FailedPreconditionException.Violation(
                          "REQUIRED_SPEC_FIELD",
                          revision.name(),
                          field
                              + " is required for "
                              + part.equipmentClass
                              + " before submission; set it with UpdatePartRevision"))
              .toList());
    }
    revision.state = RevisionState.UNDER_REVIEW;
    return touch(revision, "submitted for review");
  }

  /** Returns a revision under review to IN_WORK, keeping the reviewer's comment. */
  @WithSpan("PartRevisions.reject")
  @Transactional
  public PartRevision reject(
      @SpanAttribute("part") String partId, int number, String etag, String comment) {
    PartRevision revision = lockForWrite(partId, number, etag);
    requireTransition(revision, RevisionState.IN_WORK);
    revision.state = RevisionState.IN_WORK;
    revision.reviewComment = comment;
    return touch(revision, "rejected");
  }

  /** Releases a revision under review and supersedes the part's released revision. */
  @WithSpan("PartRevisions.release")
  @Transactional
  public PartRevision release(
      @SpanAttribute("part") String partId, int number, String etag, String releaser) {
    // The part lock orders this release after any other release of the same part, so at most
    // one revision is RELEASED at a time.
    PartCatalog.find(partId, LockModeType.PESSIMISTIC_WRITE);
    PartRevision revision = lockForWrite(partId, number, etag);
    requireTransition(revision, RevisionState.RELEASED);
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    List<PartRevision> previous =
        PartRevision.find("partId = ?1 and state = ?2", partId, RevisionState.RELEASED)
            .withLock(LockModeType.PESSIMISTIC_WRITE)
            .list();
    for (PartRevision old : previous) {
      old.state = RevisionState.SUPERSEDED;
      old.updateTime = now;
      Log.infof("part revision %s superseded by %s", old.name(), revision.name());
    }
    revision.state = RevisionState.RELEASED;
    revision.releaser = releaser;
    revision.releaseTime = now;
    return touch(revision, "released by " + releaser);
  }

  /** Withdraws a RELEASED or SUPERSEDED revision from use. */
  @WithSpan("PartRevisions.obsolete")
  @Transactional
  public PartRevision obsolete(@SpanAttribute("part") String partId, int number, String etag) {
    PartRevision revision = lockForWrite(partId, number, etag);
    requireTransition(revision, RevisionState.OBSOLETE);
    revision.state = RevisionState.OBSOLETE;
    return touch(revision, "made obsolete");
  }

  private static PartRevision find(String partId, int number, LockModeType lock) {
    PartRevision revision =
        PartRevision.find("partId = ?1 and revisionNumber = ?2", partId, number)
            .withLock(lock)
            .firstResult();
    if (revision == null) {
      throw new NotFoundException("parts/" + partId + "/revisions/" + RevisionLabels.id(number));
    }
    return revision;
  }

  private static PartRevision lockForWrite(String partId, int number, String etag) {
    PartRevision revision = find(partId, number, LockModeType.PESSIMISTIC_WRITE);
    PartCatalog.checkEtag(revision.etag(), etag, revision.name());
    return revision;
  }

  private static void requireEditable(PartRevision revision, String action) {
    if (!revision.state.isEditable()) {
      throw new FailedPreconditionException(
          "REVISION_IMMUTABLE",
          List.of(
              new FailedPreconditionException.Violation(
                  "LIFECYCLE_STATE",
                  revision.name(),
                  "revision is "
                      + revision.state
                      + "; only an IN_WORK revision can be "
                      + action
                      + ", so create a new revision instead")));
    }
  }

  private static void requireTransition(PartRevision revision, RevisionState target) {
    if (!target.allowedSources().contains(revision.state)) {
      throw new FailedPreconditionException(
          "ILLEGAL_STATE_TRANSITION",
          List.of(
              new FailedPreconditionException.Violation(
                  "LIFECYCLE_STATE",
                  revision.name(),
                  "revision is "
                      + revision.state
                      + "; it can move to "
                      + target
                      + " only from "
                      + target.allowedSources().stream().map(Enum::name).sorted().toList())));
    }
  }

  private static void throwIfInvalid(List<InvalidArgumentException.FieldViolation> violations) {
    if (!violations.isEmpty()) {
      throw new InvalidArgumentException(violations);
    }
  }

  private static void apply(PartRevision revision, RevisionContent content) {
    revision.spec = content.spec();
    revision.ports = content.ports();
    revision.sources = content.sources();
    revision.changeSummary = content.changeSummary();
  }

  private static PartRevision touch(PartRevision revision, String change) {
    revision.updateTime = Instant.now().truncatedTo(ChronoUnit.MICROS);
    Panache.getEntityManager().flush();
    Log.infof("part revision %s %s", revision.name(), change);
    return revision;
  }

  private static Object state(String value) {
    if (!value.startsWith(STATE_PREFIX)) {
      return null;
    }
    try {
      return RevisionState.valueOf(value.substring(STATE_PREFIX.length()));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
