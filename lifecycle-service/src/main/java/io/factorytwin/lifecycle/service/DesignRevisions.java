package io.factorytwin.lifecycle.service;

import io.factorytwin.lifecycle.model.Alternative;
import io.factorytwin.lifecycle.model.ConnectionElement;
import io.factorytwin.lifecycle.model.DesignContent;
import io.factorytwin.lifecycle.model.DesignEdit;
import io.factorytwin.lifecycle.model.DesignRevision;
import io.factorytwin.lifecycle.model.EquipmentClass;
import io.factorytwin.lifecycle.model.Part;
import io.factorytwin.lifecycle.model.PartRef;
import io.factorytwin.lifecycle.model.PartRevision;
import io.factorytwin.lifecycle.model.PlacementElement;
import io.factorytwin.lifecycle.model.RevisionLabels;
import io.factorytwin.lifecycle.model.RevisionState;
import io.factorytwin.support.error.FailedPreconditionException;
import io.factorytwin.support.error.InvalidArgumentException;
import io.factorytwin.support.error.InvalidArgumentException.FieldViolation;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Revisions of designs, their elements, their design rule checks and their lifecycle. Every write
 * locks the revision's row (and, for a create or release, the design's row first), so two writers
 * of one design run one after the other and the etag compared is the current one.
 */
@ApplicationScoped
public class DesignRevisions {

  /** Fields a ListDesignRevisions filter may name, with their HQL paths. */
  static final Map<String, FilterParser.Field> FILTER_FIELDS =
      Map.of(
          "state",
          new FilterParser.Field("r.state", false, DesignRevisions::state),
          "author",
          FilterParser.Field.text("r.author"));

  /** Orders of ListDesignRevisions; name order is by design id, then revision letter sequence. */
  static final Map<String, List<Keyset.Key>> ORDERS =
      Map.of(
          "name",
          List.of(
              new Keyset.Key("r.designId", Keyset.KeyType.TEXT),
              new Keyset.Key("r.revisionNumber", Keyset.KeyType.INT)),
          "create_time",
          List.of(
              new Keyset.Key("r.createTime", Keyset.KeyType.INSTANT),
              new Keyset.Key("r.designId", Keyset.KeyType.TEXT),
              new Keyset.Key("r.revisionNumber", Keyset.KeyType.INT)));

  /**
   * Maximum number of violations that a failed release lists. The status details travel in a
   * response trailer, which gRPC clients limit to 8 KiB by default (grpc-java's default maximum
   * metadata size). NOTE: the contract promises one violation per ERROR finding; past this cap the
   * last violation gives the number left out, and CheckDesign lists them all.
   */
  static final int MAX_RELEASE_VIOLATIONS = 20;

  private final PartSpecs specs;

  DesignRevisions(PartSpecs specs) {
    this.specs = specs;
  }

  /**
   * Creates the next revision of a design, IN_WORK, from the given content or as a copy of an
   * earlier revision with all its elements.
   *
   * @param content the new content, null when copying
   * @param copyFromNumber revision number to copy from, 0 when not copying
   */
  @WithSpan("DesignRevisions.create")
  @Transactional
  public DesignRevisionView create(
      @SpanAttribute("design") String designId,
      DesignContent content,
      int copyFromNumber,
      String author) {
    DesignCatalog.find(designId, LockModeType.PESSIMISTIC_WRITE);
    List<DesignRevision> blocking =
        DesignRevision.list(
            "designId = ?1 and state in ?2 order by revisionNumber",
            designId,
            List.of(RevisionState.IN_WORK, RevisionState.UNDER_REVIEW, RevisionState.RELEASED));
    if (!blocking.isEmpty()) {
      DesignRevision first = blocking.getFirst();
      throw new FailedPreconditionException(
          "ILLEGAL_STATE_TRANSITION",
          List.of(
              new FailedPreconditionException.Violation(
                  "OPEN_REVISION",
                  first.name(),
                  "revision is "
                      + first.state
                      + (first.state == RevisionState.RELEASED
                          ? "; a released design changes only through change notices"
                          : "; release, reject and delete, or finish it before creating another"))));
    }
    DesignRevision source = null;
    DesignContent initial;
    if (copyFromNumber > 0) {
      source = find(designId, copyFromNumber, LockModeType.NONE);
      DesignContent copied = source.content();
      initial =
          new DesignContent(
              copied.site(),
              copied.halls(),
              copied.rows(),
              copied.groups(),
              copied.setpoints(),
              content == null ? "" : content.changeSummary());
    } else {
      initial = content == null ? DesignContent.empty() : content;
      DesignGraph empty = new DesignGraph(initial, new HashMap<>(), new HashMap<>(), ref -> null);
      throwIfInvalid(empty.structureViolations(initial, "design_revision"));
    }
    Integer newest =
        Panache.getEntityManager()
            .createQuery(
                "select max(r.revisionNumber) from DesignRevision r where r.designId = :design",
                Integer.class)
            .setParameter("design", designId)
            .getSingleResult();
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    DesignRevision revision = new DesignRevision();
    revision.designId = designId;
    // A deleted IN_WORK revision was never submitted, so its letter is given out again.
    revision.revisionNumber = newest == null ? 1 : newest + 1;
    revision.state = RevisionState.IN_WORK;
    revision.apply(initial);
    revision.author = author;
    revision.createTime = now;
    revision.updateTime = now;
    if (source != null) {
      revision.placementCount = source.placementCount;
      revision.connectionCount = source.connectionCount;
    }
    revision.persistAndFlush();
    if (source != null) {
      DesignStore.copy(source.id, revision.id);
    }
    Log.infof("created design revision %s by %s", revision.name(), author);
    return view(revision);
  }

  @Transactional
  public DesignRevisionView get(String designId, int number) {
    return view(find(designId, number, LockModeType.NONE));
  }

  /**
   * Lists revisions of one design, or of every design when designId is null.
   *
   * @throws NotFoundException when the design does not exist
   */
  @Transactional
  public Page<DesignRevisionView> list(String designId, ListRequest request) {
    KeysetQuery.Parsed parsed = KeysetQuery.parse(request, ORDERS, FILTER_FIELDS);
    if (designId != null) {
      DesignCatalog.find(designId, LockModeType.NONE);
    }

    Page<DesignRevision> page =
        KeysetQuery.page(
            parsed,
            "DesignRevision r",
            DesignRevision.class,
            designId == null ? "" : "r.designId = :design",
            designId == null ? Map.of() : Map.of("design", designId),
            (order, last) ->
                order.text().startsWith("create_time")
                    ? List.of(last.createTime, last.designId, last.revisionNumber)
                    : List.of(last.designId, last.revisionNumber));
    return new Page<>(page.items().stream().map(this::view).toList(), page.nextPageToken());
  }

  /** Replaces the named content fields of an IN_WORK revision, each as a whole. */
  @WithSpan("DesignRevisions.update")
  @Transactional
  public DesignRevisionView update(
      @SpanAttribute("design") String designId,
      int number,
      String etag,
      DesignContent content,
      Set<String> mask) {
    DesignRevision revision = lockForWrite(designId, number, etag);
    requireEditable(revision, "edited");
    DesignContent current = revision.content();
    DesignContent updated =
        new DesignContent(
            mask.contains("site") ? content.site() : current.site(),
            mask.contains("halls") ? content.halls() : current.halls(),
            mask.contains("rows") ? content.rows() : current.rows(),
            mask.contains("redundancy_groups") ? content.groups() : current.groups(),
            mask.contains("setpoints") ? content.setpoints() : current.setpoints(),
            mask.contains("change_summary") ? content.changeSummary() : current.changeSummary());
    if (mask.contains("halls") || mask.contains("rows") || mask.contains("redundancy_groups")) {
      PartLookup parts = new PartLookup();
      DesignGraph graph =
          new DesignGraph(updated, DesignStore.placements(revision.id), new HashMap<>(), parts);
      throwIfInvalid(graph.structureViolations(updated, "design_revision"));
    }
    revision.apply(updated);
    return view(touch(revision, "updated " + mask));
  }

  @WithSpan("DesignRevisions.delete")
  @Transactional
  public void delete(@SpanAttribute("design") String designId, int number, String etag) {
    DesignRevision revision = lockForWrite(designId, number, etag);
    requireEditable(revision, "deleted");
    List<Alternative> alternatives =
        Alternative.list(
            "designId = ?1 and baseRevisionNumber = ?2 order by alternativeId", designId, number);
    if (!alternatives.isEmpty()) {
      throw new FailedPreconditionException(
          "ILLEGAL_STATE_TRANSITION",
          alternatives.stream()
              .map(
                  alternative ->
                      new FailedPreconditionException.Violation(
                          "ALTERNATIVE_BASE",
                          alternative.name(),
                          "alternative is based on "
                              + revision.name()
                              + "; delete it or move it to another base revision first"))
              .toList());
    }
    DesignStore.deleteAll(revision.id);
    revision.delete();
    Log.infof("deleted design revision %s", revision.name());
  }

  /**
   * Applies element edits to an IN_WORK revision as a whole, or with validateOnly returns the
   * revision as the edits would leave it without storing anything.
   */
  @WithSpan("DesignRevisions.edit")
  @Transactional
  public DesignRevisionView edit(
      @SpanAttribute("design") String designId,
      int number,
      String etag,
      List<DesignEdit> edits,
      boolean validateOnly) {
    DesignRevision revision = lockForWrite(designId, number, etag);
    requireEditable(revision, "edited");
    PartLookup parts = new PartLookup();
    DesignGraph graph = load(revision, parts);
    throwIfInvalid(graph.apply(edits));
    double itPowerKw = itDesignPowerKw(graph.placements.values(), parts);
    if (validateOnly) {
      DesignRevision preview = copyOf(revision);
      preview.apply(graph.content());
      preview.placementCount = graph.placements.size();
      preview.connectionCount = graph.connections.size();
      return new DesignRevisionView(preview, itPowerKw);
    }
    DesignStore.write(
        revision.id,
        graph.removedPlacements,
        graph.upsertedPlacements.stream().map(graph.placements::get).toList(),
        graph.removedConnections,
        graph.upsertedConnections.stream().map(graph.connections::get).toList());
    revision.apply(graph.content());
    revision.placementCount = graph.placements.size();
    revision.connectionCount = graph.connections.size();
    touch(revision, "edited with " + edits.size() + " edits");
    return new DesignRevisionView(revision, itPowerKw);
  }

  /** Returns one page of a revision's placements, ordered by id. */
  @Transactional
  public Page<PlacementElement> listPlacements(String designId, int number, ListRequest request) {
    return DesignElementPages.placements(find(designId, number, LockModeType.NONE).id, request);
  }

  /** Returns one page of a revision's connections, ordered by id. */
  @Transactional
  public Page<ConnectionElement> listConnections(String designId, int number, ListRequest request) {
    return DesignElementPages.connections(find(designId, number, LockModeType.NONE).id, request);
  }

  /**
   * Runs design rules on a revision in any state, after applying edits in memory.
   *
   * @param rules rule ids to run; empty runs every rule
   * @param maxFindings the most findings to return; the counts cover all
   */
  @WithSpan("DesignRevisions.check")
  @Transactional
  public CheckReport check(
      @SpanAttribute("design") String designId,
      int number,
      List<DesignEdit> edits,
      Set<String> rules,
      int maxFindings) {
    DesignRevision revision = find(designId, number, LockModeType.NONE);
    PartLookup parts = new PartLookup();
    DesignGraph graph = load(revision, parts);
    throwIfInvalid(graph.apply(edits));
    List<Finding> findings =
        runChecks(graph, parts, rules.isEmpty() ? Set.copyOf(DesignChecker.RULES) : rules);
    int errors = 0;
    int warnings = 0;
    int infos = 0;
    for (Finding finding : findings) {
      switch (finding.severity()) {
        case ERROR -> errors++;
        case WARNING -> warnings++;
        case INFO -> infos++;
      }
    }
    boolean truncated = findings.size() > maxFindings;
    List<Finding> returned = truncated ? findings.subList(0, maxFindings) : findings;
    return new CheckReport(List.copyOf(returned), errors, warnings, infos, truncated);
  }

  /** Moves an IN_WORK revision with a site to UNDER_REVIEW. */
  @WithSpan("DesignRevisions.submit")
  @Transactional
  public DesignRevisionView submit(
      @SpanAttribute("design") String designId, int number, String etag) {
    DesignRevision revision = lockForWrite(designId, number, etag);
    requireTransition(revision, RevisionState.UNDER_REVIEW);
    if (revision.site == null) {
      throw new FailedPreconditionException(
          "MODEL_INCOMPLETE",
          List.of(
              new FailedPreconditionException.Violation(
                  "REQUIRED_FIELD",
                  revision.name(),
                  "site is required before submission; set it with UpdateDesignRevision")));
    }
    revision.state = RevisionState.UNDER_REVIEW;
    return view(touch(revision, "submitted for review"));
  }

  /** Returns a revision under review to IN_WORK, keeping the reviewer's comment. */
  @WithSpan("DesignRevisions.reject")
  @Transactional
  public DesignRevisionView reject(
      @SpanAttribute("design") String designId, int number, String etag, String comment) {
    DesignRevision revision = lockForWrite(designId, number, etag);
    requireTransition(revision, RevisionState.IN_WORK);
    revision.state = RevisionState.IN_WORK;
    revision.reviewComment = comment;
    return view(touch(revision, "rejected"));
  }

  /**
   * Releases a revision under review whose part revisions are all RELEASED and whose design rule
   * checks find no error, and supersedes the design's released revision.
   */
  @WithSpan("DesignRevisions.release")
  @Transactional
  public DesignRevisionView release(
      @SpanAttribute("design") String designId, int number, String etag, String releaser) {
    // The design lock orders this release after any other release of the same design, so at
    // most one revision is RELEASED at a time.
    DesignCatalog.find(designId, LockModeType.PESSIMISTIC_WRITE);
    DesignRevision revision = lockForWrite(designId, number, etag);
    requireTransition(revision, RevisionState.RELEASED);
    PartLookup parts = new PartLookup();
    DesignGraph graph = load(revision, parts);
    // One pass runs every rule; unreleased part revisions are reported on their own first.
    List<Finding> findings = runChecks(graph, parts, Set.copyOf(DesignChecker.RULES));
    List<Finding> partFindings =
        findings.stream()
            .filter(finding -> finding.rule().equals(DesignChecker.RELEASED_PARTS))
            .toList();
    if (!partFindings.isEmpty()) {
      throw new FailedPreconditionException(
          "PART_REVISION_NOT_RELEASED", violations(partFindings, "PART_REVISION_STATE"));
    }
    List<Finding> errors =
        findings.stream().filter(finding -> finding.severity() == Finding.Severity.ERROR).toList();
    if (!errors.isEmpty()) {
      throw new FailedPreconditionException(
          "DESIGN_CHECK_FAILED", violations(errors, "DESIGN_RULE"));
    }
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    List<DesignRevision> previous =
        DesignRevision.find("designId = ?1 and state = ?2", designId, RevisionState.RELEASED)
            .withLock(LockModeType.PESSIMISTIC_WRITE)
            .list();
    for (DesignRevision old : previous) {
      old.state = RevisionState.SUPERSEDED;
      old.updateTime = now;
      Log.infof("design revision %s superseded by %s", old.name(), revision.name());
    }
    revision.state = RevisionState.RELEASED;
    revision.releaser = releaser;
    revision.releaseTime = now;
    return new DesignRevisionView(
        touch(revision, "released by " + releaser),
        itDesignPowerKw(graph.placements.values(), parts));
  }

  /** Withdraws a RELEASED or SUPERSEDED revision. */
  @WithSpan("DesignRevisions.obsolete")
  @Transactional
  public DesignRevisionView obsolete(
      @SpanAttribute("design") String designId, int number, String etag) {
    DesignRevision revision = lockForWrite(designId, number, etag);
    requireTransition(revision, RevisionState.OBSOLETE);
    revision.state = RevisionState.OBSOLETE;
    return view(touch(revision, "made obsolete"));
  }

  /** Returns a part lookup for the current transaction. */
  PartLookup partLookup() {
    return new PartLookup();
  }

  /** Loads part revisions by reference once each, for the duration of one transaction. */
  final class PartLookup implements java.util.function.Function<PartRef, PartInfo> {
    private final Map<PartRef, Optional<PartInfo>> cache = new HashMap<>();

    @Override
    public PartInfo apply(PartRef ref) {
      return cache.computeIfAbsent(ref, this::load).orElse(null);
    }

    private Optional<PartInfo> load(PartRef ref) {
      PartRevision revision =
          PartRevision.find("partId = ?1 and revisionNumber = ?2", ref.partId(), ref.number())
              .firstResult();
      if (revision == null) {
        return Optional.empty();
      }
      Part part = Part.findById(ref.partId());
      EquipmentClass equipmentClass = part.equipmentClass;
      return Optional.of(specs.describe(equipmentClass, revision));
    }

    Map<PartRef, PartInfo> all(Iterable<PlacementElement> placements) {
      Map<PartRef, PartInfo> found = new HashMap<>();
      for (PlacementElement placement : placements) {
        if (!found.containsKey(placement.part())) {
          PartInfo part = apply(placement.part());
          if (part != null) {
            found.put(placement.part(), part);
          }
        }
      }
      return found;
    }
  }

  static List<Finding> runChecks(DesignGraph graph, PartLookup parts, Set<String> rules) {
    long start = System.nanoTime();
    List<Finding> findings =
        DesignChecker.check(
            new DesignChecker.Graph(
                graph.placements.values(),
                graph.connections.values(),
                List.copyOf(graph.groups.values()),
                parts.all(graph.placements.values())),
            rules);
    Log.debugf(
        "checked %d placements and %d connections in %d ms: %d findings",
        graph.placements.size(),
        graph.connections.size(),
        (System.nanoTime() - start) / 1_000_000,
        findings.size());
    return findings;
  }

  static List<FailedPreconditionException.Violation> violations(
      List<Finding> findings, String type) {
    List<FailedPreconditionException.Violation> violations = new ArrayList<>();
    for (Finding finding : findings.subList(0, Math.min(findings.size(), MAX_RELEASE_VIOLATIONS))) {
      violations.add(
          new FailedPreconditionException.Violation(
              type, finding.element().id(), finding.rule() + ": " + finding.message()));
    }
    if (findings.size() > MAX_RELEASE_VIOLATIONS) {
      violations.add(
          new FailedPreconditionException.Violation(
              type,
              "",
              (findings.size() - MAX_RELEASE_VIOLATIONS)
                  + " more findings are not listed; run CheckDesign for all of them"));
    }
    return violations;
  }

  DesignGraph load(DesignRevision revision, PartLookup parts) {
    return new DesignGraph(
        revision.content(),
        DesignStore.placements(revision.id),
        DesignStore.connections(revision.id),
        parts);
  }

  DesignRevisionView view(DesignRevision revision) {
    PartLookup parts = new PartLookup();
    double itPowerKw = 0;
    for (Map.Entry<String, Long> use : DesignStore.placementsPerPart(revision.id).entrySet()) {
      PartInfo part = parts.apply(DesignStore.partRef(use.getKey()));
      if (part != null && part.equipmentClass() == EquipmentClass.RACK_SYSTEM) {
        itPowerKw += part.loadKw() * use.getValue();
      }
    }
    return new DesignRevisionView(revision, itPowerKw);
  }

  static double itDesignPowerKw(Iterable<PlacementElement> placements, PartLookup parts) {
    double total = 0;
    for (PlacementElement placement : placements) {
      PartInfo part = parts.apply(placement.part());
      if (part != null && part.equipmentClass() == EquipmentClass.RACK_SYSTEM) {
        total += part.loadKw();
      }
    }
    return total;
  }

  private static DesignRevision copyOf(DesignRevision stored) {
    DesignRevision copy = new DesignRevision();
    copy.id = stored.id;
    copy.designId = stored.designId;
    copy.revisionNumber = stored.revisionNumber;
    copy.state = stored.state;
    copy.author = stored.author;
    copy.releaser = stored.releaser;
    copy.changeNotice = stored.changeNotice;
    copy.reviewComment = stored.reviewComment;
    copy.version = stored.version;
    copy.createTime = stored.createTime;
    copy.updateTime = stored.updateTime;
    copy.releaseTime = stored.releaseTime;
    return copy;
  }

  static DesignRevision find(String designId, int number, LockModeType lock) {
    DesignRevision revision =
        DesignRevision.find("designId = ?1 and revisionNumber = ?2", designId, number)
            .withLock(lock)
            .firstResult();
    if (revision == null) {
      throw new NotFoundException(
          "designs/" + designId + "/revisions/" + RevisionLabels.id(number));
    }
    return revision;
  }

  private static DesignRevision lockForWrite(String designId, int number, String etag) {
    DesignRevision revision = find(designId, number, LockModeType.PESSIMISTIC_WRITE);
    PartCatalog.checkEtag(revision.etag(), etag, revision.name());
    return revision;
  }

  private static void requireEditable(DesignRevision revision, String action) {
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
                      + ", so create a new revision or a change notice instead")));
    }
  }

  private static void requireTransition(DesignRevision revision, RevisionState target) {
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

  private static void throwIfInvalid(List<FieldViolation> violations) {
    if (!violations.isEmpty()) {
      throw new InvalidArgumentException(violations);
    }
  }

  private static DesignRevision touch(DesignRevision revision, String change) {
    revision.updateTime = Instant.now().truncatedTo(ChronoUnit.MICROS);
    Panache.getEntityManager().flush();
    Log.infof("design revision %s %s", revision.name(), change);
    return revision;
  }

  /** Returns the rule ids of a CheckDesign request, failing on an unknown one. */
  public static Set<String> rules(List<String> requested) {
    Set<String> rules = new LinkedHashSet<>();
    List<FieldViolation> violations = new ArrayList<>();
    for (int i = 0; i < requested.size(); i++) {
      String rule = requested.get(i);
      if (DesignChecker.RULES.contains(rule)) {
        rules.add(rule);
      } else {
        violations.add(
            new FieldViolation(
                "rules[" + i + "]",
                "unknown rule '" + rule + "'; the rules are " + DesignChecker.RULES));
      }
    }
    throwIfInvalid(violations);
    return rules;
  }

  private static Object state(String value) {
    String prefix = "REVISION_STATE_";
    if (!value.startsWith(prefix)) {
      return null;
    }
    try {
      return RevisionState.valueOf(value.substring(prefix.length()));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
