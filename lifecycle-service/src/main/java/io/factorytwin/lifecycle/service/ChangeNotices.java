package io.factorytwin.lifecycle.service;

import io.factorytwin.lifecycle.model.ChangeNotice;
import io.factorytwin.lifecycle.model.ChangeNoticeState;
import io.factorytwin.lifecycle.model.DesignContent;
import io.factorytwin.lifecycle.model.DesignEdit;
import io.factorytwin.lifecycle.model.DesignRevision;
import io.factorytwin.lifecycle.model.PlacementElement;
import io.factorytwin.lifecycle.model.RevisionState;
import io.factorytwin.support.error.AlreadyExistsException;
import io.factorytwin.support.error.EtagMismatchException;
import io.factorytwin.support.error.FailedPreconditionException;
import io.factorytwin.support.error.InvalidArgumentException;
import io.factorytwin.support.error.InvalidArgumentException.FieldViolation;
import io.factorytwin.support.error.NotFoundException;
import io.factorytwin.support.error.PermissionDeniedException;
import io.opentelemetry.instrumentation.annotations.SpanAttribute;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.hibernate.orm.panache.Panache;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Change notices: the controlled way to change a released design revision. Every write locks the
 * change notice's row, so the etag compared is the current one. Applying also locks the design and
 * then the base revision, in the order a release takes them. It then compares the base revision's
 * etag with the one recorded at creation, so of two changes racing on one revision only the first
 * applies.
 */
@ApplicationScoped
public class ChangeNotices {

  /** Fields a ListChangeNotices filter may name, with their HQL paths. */
  static final Map<String, FilterParser.Field> FILTER_FIELDS =
      Map.of(
          "state",
          new FilterParser.Field("c.state", false, ChangeNotices::state),
          "base_revision",
          FilterParser.Field.text("c.baseRevision"),
          "author",
          FilterParser.Field.text("c.author"),
          "reviewer",
          FilterParser.Field.text("c.reviewer"));

  /** Orders of ListChangeNotices. The change id is the unique last key within a design. */
  static final Map<String, List<Keyset.Key>> ORDERS =
      Map.of(
          "name",
          List.of(new Keyset.Key("c.changeId", Keyset.KeyType.TEXT)),
          "create_time",
          List.of(
              new Keyset.Key("c.createTime", Keyset.KeyType.INSTANT),
              new Keyset.Key("c.changeId", Keyset.KeyType.TEXT)),
          "update_time",
          List.of(
              new Keyset.Key("c.updateTime", Keyset.KeyType.INSTANT),
              new Keyset.Key("c.changeId", Keyset.KeyType.TEXT)));

  private final DesignRevisions revisions;
  private final EditCodec codec;

  ChangeNotices(DesignRevisions revisions, EditCodec codec) {
    this.revisions = revisions;
    this.codec = codec;
  }

  /**
   * Creates a DRAFT change notice against the RELEASED revision baseNumber of the design.
   *
   * @throws InvalidArgumentException when the edits do not apply to the base revision
   */
  @WithSpan("ChangeNotices.create")
  @Transactional
  public ChangeNoticeView create(
      @SpanAttribute("design") String designId,
      @SpanAttribute("change") String changeId,
      int baseNumber,
      ChangeNoticeFields fields,
      String author) {
    DesignCatalog.find(designId, LockModeType.NONE);
    if (findOptional(designId, changeId, LockModeType.NONE) != null) {
      throw new AlreadyExistsException("designs/" + designId + "/changes/" + changeId);
    }
    DesignRevision base = DesignRevisions.find(designId, baseNumber, LockModeType.NONE);
    if (base.state != RevisionState.RELEASED) {
      throw new FailedPreconditionException(
          "ILLEGAL_STATE_TRANSITION",
          List.of(
              new FailedPreconditionException.Violation(
                  "LIFECYCLE_STATE",
                  base.name(),
                  "revision is "
                      + base.state
                      + "; a change notice applies only to the RELEASED revision of a design")));
    }
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    ChangeNotice notice = new ChangeNotice();
    notice.designId = designId;
    notice.changeId = changeId;
    notice.baseRevision = base.name();
    notice.baseRevisionNumber = base.revisionNumber;
    notice.baseRevisionEtag = base.etag();
    notice.state = ChangeNoticeState.DRAFT;
    notice.author = author;
    notice.createTime = now;
    notice.updateTime = now;
    notice.title = fields.title();
    notice.description = fields.description();
    setEdits(notice, base, fields);
    notice.persistAndFlush();
    Log.infof(
        "created change notice %s against %s by %s", notice.name(), notice.baseRevision, author);
    return view(notice);
  }

  @Transactional
  public ChangeNoticeView get(String designId, String changeId) {
    return view(find(designId, changeId, LockModeType.NONE));
  }

  /**
   * Lists the change notices of a design.
   *
   * @throws NotFoundException when the design does not exist
   */
  @Transactional
  public Page<ChangeNoticeView> list(String designId, ListRequest request) {
    KeysetQuery.Parsed parsed = KeysetQuery.parse(request, ORDERS, FILTER_FIELDS);
    DesignCatalog.find(designId, LockModeType.NONE);

    Page<ChangeNotice> page =
        KeysetQuery.page(
            parsed,
            "ChangeNotice c",
            ChangeNotice.class,
            "c.designId = :design",
            Map.of("design", designId),
            (order, last) ->
                switch (order.text().replace(" desc", "")) {
                  case "create_time" -> List.of(last.createTime, last.changeId);
                  case "update_time" -> List.of(last.updateTime, last.changeId);
                  default -> List.of(last.changeId);
                });
    return new Page<>(
        page.items().stream().map(ChangeNotices::view).toList(), page.nextPageToken());
  }

  /** Replaces the named fields of a DRAFT change notice, each as a whole. */
  @WithSpan("ChangeNotices.update")
  @Transactional
  public ChangeNoticeView update(
      @SpanAttribute("design") String designId,
      @SpanAttribute("change") String changeId,
      String etag,
      ChangeNoticeFields fields,
      Set<String> mask) {
    ChangeNotice notice = lockForWrite(designId, changeId, etag);
    requireDraft(notice, "edited");
    if (mask.contains("title")) {
      notice.title = fields.title();
    }
    if (mask.contains("description")) {
      notice.description = fields.description();
    }
    if (mask.contains("edits")) {
      DesignRevision base =
          DesignRevisions.find(designId, notice.baseRevisionNumber, LockModeType.NONE);
      setEdits(notice, base, fields);
    }
    return view(touch(notice, "updated " + mask));
  }

  @WithSpan("ChangeNotices.delete")
  @Transactional
  public void delete(
      @SpanAttribute("design") String designId,
      @SpanAttribute("change") String changeId,
      String etag) {
    ChangeNotice notice = lockForWrite(designId, changeId, etag);
    requireDraft(notice, "deleted");
    notice.delete();
    Log.infof("deleted change notice %s", notice.name());
  }

  /**
   * Moves a DRAFT change notice with edits to UNDER_REVIEW when the design its edits produce has no
   * finding of severity ERROR.
   */
  @WithSpan("ChangeNotices.submit")
  @Transactional
  public ChangeNoticeView submit(
      @SpanAttribute("design") String designId,
      @SpanAttribute("change") String changeId,
      String etag) {
    ChangeNotice notice = lockForWrite(designId, changeId, etag);
    requireTransition(notice, ChangeNoticeState.UNDER_REVIEW);
    if (notice.editCount == 0) {
      throw new FailedPreconditionException(
          "ILLEGAL_STATE_TRANSITION",
          List.of(
              new FailedPreconditionException.Violation(
                  "REQUIRED_FIELD",
                  notice.name(),
                  "change notice has no edits; add them with UpdateChangeNotice before"
                      + " submitting")));
    }
    DesignRevision base =
        DesignRevisions.find(designId, notice.baseRevisionNumber, LockModeType.NONE);
    DesignRevisions.PartLookup parts = revisions.partLookup();
    DesignGraph graph = editedGraph(notice, base, parts);
    requireNoErrors(graph, parts);
    notice.state = ChangeNoticeState.UNDER_REVIEW;
    return view(touch(notice, "submitted for review"));
  }

  /**
   * Approves a change notice under review and records the reviewer.
   *
   * @throws PermissionDeniedException when the reviewer is the author
   */
  @WithSpan("ChangeNotices.approve")
  @Transactional
  public ChangeNoticeView approve(
      @SpanAttribute("design") String designId,
      @SpanAttribute("change") String changeId,
      String etag,
      String reviewer,
      String comment) {
    ChangeNotice notice = lockForWrite(designId, changeId, etag);
    requireTransition(notice, ChangeNoticeState.APPROVED);
    if (notice.author.equals(reviewer)) {
      throw new PermissionDeniedException(
          "SELF_APPROVAL_FORBIDDEN",
          reviewer
              + " is the author of "
              + notice.name()
              + "; a change notice is approved by someone other than its author");
    }
    return view(review(notice, ChangeNoticeState.APPROVED, reviewer, comment));
  }

  /** Rejects a change notice under review and records the reviewer and the reason. */
  @WithSpan("ChangeNotices.reject")
  @Transactional
  public ChangeNoticeView reject(
      @SpanAttribute("design") String designId,
      @SpanAttribute("change") String changeId,
      String etag,
      String reviewer,
      String comment) {
    ChangeNotice notice = lockForWrite(designId, changeId, etag);
    requireTransition(notice, ChangeNoticeState.REJECTED);
    return view(review(notice, ChangeNoticeState.REJECTED, reviewer, comment));
  }

  /**
   * Applies an approved change notice: creates the next revision of the design from the base
   * revision and the edits, RELEASED, and marks the base SUPERSEDED.
   *
   * @throws EtagMismatchException when the change notice's etag is stale, or the base revision
   *     changed after the change notice was created
   */
  @WithSpan("ChangeNotices.apply")
  @Transactional
  public AppliedChange apply(
      @SpanAttribute("design") String designId,
      @SpanAttribute("change") String changeId,
      String etag) {
    // The design lock orders this after any release or other application on the same design.
    DesignCatalog.find(designId, LockModeType.PESSIMISTIC_WRITE);
    ChangeNotice notice = lockForWrite(designId, changeId, etag);
    requireTransition(notice, ChangeNoticeState.APPLIED);
    DesignRevision base =
        DesignRevisions.find(designId, notice.baseRevisionNumber, LockModeType.PESSIMISTIC_WRITE);
    if (!base.etag().equals(notice.baseRevisionEtag)) {
      Log.infof(
          "change notice %s not applied: %s changed since the notice was created",
          notice.name(), base.name());
      throw new EtagMismatchException(base.name());
    }
    DesignRevisions.PartLookup parts = revisions.partLookup();
    DesignGraph graph = editedGraph(notice, base, parts);
    requireNoErrors(graph, parts);

    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    Integer newest =
        Panache.getEntityManager()
            .createQuery(
                "select max(r.revisionNumber) from DesignRevision r where r.designId = :design",
                Integer.class)
            .setParameter("design", designId)
            .getSingleResult();
    DesignRevision next = new DesignRevision();
    next.designId = designId;
    next.revisionNumber = newest + 1;
    next.state = RevisionState.RELEASED;
    DesignContent content = graph.content();
    next.apply(
        new DesignContent(
            content.site(),
            content.halls(),
            content.rows(),
            content.groups(),
            content.setpoints(),
            notice.title));
    next.placementCount = graph.placements.size();
    next.connectionCount = graph.connections.size();
    next.changeNotice = notice.name();
    next.author = notice.author;
    next.releaser = notice.reviewer;
    next.createTime = now;
    next.updateTime = now;
    next.releaseTime = now;
    next.persistAndFlush();
    DesignStore.copy(base.id, next.id);
    DesignStore.write(
        next.id,
        graph.removedPlacements,
        graph.upsertedPlacements.stream().map(graph.placements::get).toList(),
        graph.removedConnections,
        graph.upsertedConnections.stream().map(graph.connections::get).toList());

    base.state = RevisionState.SUPERSEDED;
    base.updateTime = now;
    notice.state = ChangeNoticeState.APPLIED;
    notice.resultingRevision = next.name();
    notice.applyTime = now;
    touch(notice, "applied: " + next.name() + " released, " + base.name() + " superseded");
    double itPowerKw = DesignRevisions.itDesignPowerKw(graph.placements.values(), parts);
    return new AppliedChange(view(notice), new DesignRevisionView(next, itPowerKw));
  }

  /** Applies the edits to the base revision in memory; fails when they do not apply. */
  private DesignGraph editedGraph(
      ChangeNotice notice, DesignRevision base, DesignRevisions.PartLookup parts) {
    DesignGraph graph = revisions.load(base, parts);
    List<FieldViolation> violations = graph.apply(codec.decode(notice.edits));
    if (!violations.isEmpty()) {
      List<FailedPreconditionException.Violation> broken = new ArrayList<>();
      for (FieldViolation violation : violations) {
        broken.add(
            new FailedPreconditionException.Violation(
                "EDIT_NOT_APPLICABLE", violation.field(), violation.description()));
      }
      throw new FailedPreconditionException("DESIGN_CHECK_FAILED", broken);
    }
    return graph;
  }

  private static void requireNoErrors(DesignGraph graph, DesignRevisions.PartLookup parts) {
    List<Finding> errors =
        DesignRevisions.runChecks(graph, parts, Set.copyOf(DesignChecker.RULES)).stream()
            .filter(finding -> finding.severity() == Finding.Severity.ERROR)
            .toList();
    if (!errors.isEmpty()) {
      throw new FailedPreconditionException(
          "DESIGN_CHECK_FAILED", DesignRevisions.violations(errors, "DESIGN_RULE"));
    }
  }

  /** Stores the edits and the element references they produce against the base revision. */
  private void setEdits(ChangeNotice notice, DesignRevision base, ChangeNoticeFields fields) {
    List<DesignEdit> edits = fields.edits();
    DesignRevisions.PartLookup parts = revisions.partLookup();
    Map<String, PlacementElement> placements = DesignStore.placements(base.id);
    var connections = DesignStore.connections(base.id);
    ElementReferences.Snapshot snapshot =
        ElementReferences.Snapshot.of(base.content(), placements, connections.keySet());
    DesignGraph graph = new DesignGraph(base.content(), placements, connections, parts);
    List<FieldViolation> violations = graph.apply(edits);
    if (!violations.isEmpty()) {
      throw new InvalidArgumentException(violations);
    }
    ElementReferences.Difference difference = ElementReferences.difference(snapshot, graph);
    notice.edits = fields.encodedEdits();
    notice.editCount = edits.size();
    notice.affectedElements = ElementReferences.encode(difference.affected());
    notice.resultingElements = ElementReferences.encode(difference.resulting());
  }

  private static ChangeNotice review(
      ChangeNotice notice, ChangeNoticeState state, String reviewer, String comment) {
    notice.state = state;
    notice.reviewer = reviewer;
    notice.reviewComment = comment;
    notice.reviewTime = Instant.now().truncatedTo(ChronoUnit.MICROS);
    return touch(notice, state.name().toLowerCase(Locale.ROOT) + " by " + reviewer);
  }

  static ChangeNoticeView view(ChangeNotice notice) {
    return new ChangeNoticeView(
        notice,
        ElementReferences.decode(notice.affectedElements),
        ElementReferences.decode(notice.resultingElements));
  }

  private static ChangeNotice findOptional(String designId, String changeId, LockModeType lock) {
    return ChangeNotice.find("designId = ?1 and changeId = ?2", designId, changeId)
        .withLock(lock)
        .firstResult();
  }

  static ChangeNotice find(String designId, String changeId, LockModeType lock) {
    ChangeNotice notice = findOptional(designId, changeId, lock);
    if (notice == null) {
      throw new NotFoundException("designs/" + designId + "/changes/" + changeId);
    }
    return notice;
  }

  private static ChangeNotice lockForWrite(String designId, String changeId, String etag) {
    ChangeNotice notice = find(designId, changeId, LockModeType.PESSIMISTIC_WRITE);
    PartCatalog.checkEtag(notice.etag(), etag, notice.name());
    return notice;
  }

  private static void requireDraft(ChangeNotice notice, String action) {
    if (notice.state != ChangeNoticeState.DRAFT) {
      throw new FailedPreconditionException(
          "REVISION_IMMUTABLE",
          List.of(
              new FailedPreconditionException.Violation(
                  "LIFECYCLE_STATE",
                  notice.name(),
                  "change notice is "
                      + notice.state
                      + "; only a DRAFT change notice can be "
                      + action
                      + ", so create a new change notice instead")));
    }
  }

  private static void requireTransition(ChangeNotice notice, ChangeNoticeState target) {
    if (!target.allowedSources().contains(notice.state)) {
      throw new FailedPreconditionException(
          "ILLEGAL_STATE_TRANSITION",
          List.of(
              new FailedPreconditionException.Violation(
                  "LIFECYCLE_STATE",
                  notice.name(),
                  "change notice is "
                      + notice.state
                      + "; it can move to "
                      + target
                      + " only from "
                      + target.allowedSources().stream().map(Enum::name).sorted().toList())));
    }
  }

  private static ChangeNotice touch(ChangeNotice notice, String change) {
    notice.updateTime = Instant.now().truncatedTo(ChronoUnit.MICROS);
    Panache.getEntityManager().flush();
    Log.infof("change notice %s %s", notice.name(), change);
    return notice;
  }

  private static Object state(String value) {
    String prefix = "STATE_";
    if (!value.startsWith(prefix)) {
      return null;
    }
    try {
      return ChangeNoticeState.valueOf(value.substring(prefix.length()));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
