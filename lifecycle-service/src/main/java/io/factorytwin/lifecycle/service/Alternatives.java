package io.factorytwin.lifecycle.service;

import io.factorytwin.lifecycle.model.Alternative;
import io.factorytwin.lifecycle.model.DesignRevision;
import io.factorytwin.lifecycle.model.EquipmentClass;
import io.factorytwin.lifecycle.model.PartRef;
import io.factorytwin.lifecycle.model.PartSubstitution;
import io.factorytwin.lifecycle.model.RevisionLabels;
import io.factorytwin.lifecycle.model.Setpoints;
import io.factorytwin.support.error.AlreadyExistsException;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Alternatives of designs: variants of a base revision that change its site, power source, part
 * revisions or setpoints, and their side-by-side comparison. Every write locks the alternative's
 * row, so the etag compared is the current one.
 */
@ApplicationScoped
public class Alternatives {

  /** Fields a ListAlternatives filter may name, with their HQL paths. */
  static final Map<String, FilterParser.Field> FILTER_FIELDS =
      Map.of(
          "base_revision",
          FilterParser.Field.text("a.baseRevision"),
          "display_name",
          FilterParser.Field.text("a.displayName"));

  /** Orders of ListAlternatives. The alternative id is the unique last key within a design. */
  static final Map<String, List<Keyset.Key>> ORDERS =
      Map.of(
          "name",
          List.of(new Keyset.Key("a.alternativeId", Keyset.KeyType.TEXT)),
          "display_name",
          List.of(
              new Keyset.Key("a.displayName", Keyset.KeyType.TEXT),
              new Keyset.Key("a.alternativeId", Keyset.KeyType.TEXT)),
          "create_time",
          List.of(
              new Keyset.Key("a.createTime", Keyset.KeyType.INSTANT),
              new Keyset.Key("a.alternativeId", Keyset.KeyType.TEXT)));

  private final DesignRevisions revisions;

  Alternatives(DesignRevisions revisions) {
    this.revisions = revisions;
  }

  /**
   * Creates an alternative of the design's revision baseNumber.
   *
   * @throws NotFoundException when the design or the base revision does not exist
   * @throws InvalidArgumentException for a substitution of a missing part revision or between
   *     equipment classes
   */
  @WithSpan("Alternatives.create")
  @Transactional
  public Alternative create(
      @SpanAttribute("design") String designId,
      @SpanAttribute("alternative") String alternativeId,
      int baseNumber,
      AlternativeFields fields,
      String author) {
    DesignCatalog.find(designId, LockModeType.NONE);
    if (findOptional(designId, alternativeId, LockModeType.NONE) != null) {
      throw new AlreadyExistsException("designs/" + designId + "/alternatives/" + alternativeId);
    }
    DesignRevision base = DesignRevisions.find(designId, baseNumber, LockModeType.NONE);
    checkSubstitutions(fields.substitutions(), "alternative");
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    Alternative alternative = new Alternative();
    alternative.designId = designId;
    alternative.alternativeId = alternativeId;
    alternative.displayName = fields.displayName();
    alternative.description = fields.description();
    alternative.baseRevision = base.name();
    alternative.baseRevisionNumber = base.revisionNumber;
    alternative.site = fields.site();
    alternative.powerSource = fields.powerSource();
    alternative.partSubstitutions = PartSubstitution.encode(fields.substitutions());
    alternative.setSetpoints(fields.setpoints());
    alternative.author = author;
    alternative.createTime = now;
    alternative.updateTime = now;
    alternative.persistAndFlush();
    Log.infof("created alternative %s of %s by %s", alternative.name(), base.name(), author);
    return alternative;
  }

  @Transactional
  public Alternative get(String designId, String alternativeId) {
    return find(designId, alternativeId, LockModeType.NONE);
  }

  /**
   * Lists the alternatives of a design.
   *
   * @throws NotFoundException when the design does not exist
   */
  @Transactional
  public Page<Alternative> list(String designId, ListRequest request) {
    KeysetQuery.Parsed parsed = KeysetQuery.parse(request, ORDERS, FILTER_FIELDS);
    DesignCatalog.find(designId, LockModeType.NONE);

    return KeysetQuery.page(
        parsed,
        "Alternative a",
        Alternative.class,
        "a.designId = :design",
        Map.of("design", designId),
        (order, last) ->
            switch (order.text().replace(" desc", "")) {
              case "display_name" -> List.of(last.displayName, last.alternativeId);
              case "create_time" -> List.of(last.createTime, last.alternativeId);
              default -> List.of(last.alternativeId);
            });
  }

  /**
   * Replaces the named fields of an alternative, each as a whole.
   *
   * @param baseNumber the new base revision number, used when the mask names base_revision
   */
  @WithSpan("Alternatives.update")
  @Transactional
  public Alternative update(
      @SpanAttribute("design") String designId,
      @SpanAttribute("alternative") String alternativeId,
      String etag,
      int baseNumber,
      AlternativeFields fields,
      Set<String> mask) {
    Alternative alternative = lockForWrite(designId, alternativeId, etag);
    if (mask.contains("base_revision")) {
      DesignRevision base = DesignRevisions.find(designId, baseNumber, LockModeType.NONE);
      alternative.baseRevision = base.name();
      alternative.baseRevisionNumber = base.revisionNumber;
    }
    if (mask.contains("display_name")) {
      alternative.displayName = fields.displayName();
    }
    if (mask.contains("description")) {
      alternative.description = fields.description();
    }
    if (mask.contains("site")) {
      alternative.site = fields.site();
    }
    if (mask.contains("power_source")) {
      alternative.powerSource = fields.powerSource();
    }
    if (mask.contains("part_substitutions")) {
      checkSubstitutions(fields.substitutions(), "alternative");
      alternative.partSubstitutions = PartSubstitution.encode(fields.substitutions());
    }
    if (mask.contains("setpoints")) {
      alternative.setSetpoints(fields.setpoints());
    }
    alternative.updateTime = Instant.now().truncatedTo(ChronoUnit.MICROS);
    Panache.getEntityManager().flush();
    Log.infof("updated alternative %s: %s", alternative.name(), mask);
    return alternative;
  }

  @WithSpan("Alternatives.delete")
  @Transactional
  public void delete(
      @SpanAttribute("design") String designId,
      @SpanAttribute("alternative") String alternativeId,
      String etag) {
    Alternative alternative = lockForWrite(designId, alternativeId, etag);
    alternative.delete();
    Log.infof("deleted alternative %s", alternative.name());
  }

  /**
   * Returns the comparison columns: each distinct base revision first, then each alternative.
   *
   * @param alternativeIds the alternatives in column order, or empty to compare all by id order
   * @throws NotFoundException for an unknown design or alternative
   */
  @WithSpan("Alternatives.compare")
  @Transactional
  public List<ComparisonSubject> compare(
      @SpanAttribute("design") String designId, List<String> alternativeIds) {
    DesignCatalog.find(designId, LockModeType.NONE);
    List<Alternative> alternatives = new ArrayList<>();
    if (alternativeIds.isEmpty()) {
      alternatives.addAll(Alternative.list("designId = ?1 order by alternativeId", designId));
    } else {
      for (String alternativeId : alternativeIds) {
        alternatives.add(find(designId, alternativeId, LockModeType.NONE));
      }
    }
    DesignRevisions.PartLookup parts = revisions.partLookup();
    Set<String> otherFroms = new TreeSet<>();
    for (Alternative alternative : alternatives) {
      for (PartSubstitution substitution : PartSubstitution.decode(alternative.partSubstitutions)) {
        PartInfo from = parts.apply(substitution.from());
        if (from == null || from.equipmentClass() != EquipmentClass.RACK_SYSTEM) {
          otherFroms.add(substitution.from().name());
        }
      }
    }

    Map<Integer, DesignRevision> bases = new LinkedHashMap<>();
    for (Alternative alternative : alternatives) {
      bases.computeIfAbsent(
          alternative.baseRevisionNumber,
          number -> DesignRevisions.find(designId, number, LockModeType.NONE));
    }
    Map<Integer, Map<String, Long>> baseCounts = new HashMap<>();
    List<ComparisonSubject> columns = new ArrayList<>();
    for (DesignRevision base : bases.values()) {
      Map<String, Long> counts = DesignStore.placementsPerPart(base.id);
      baseCounts.put(base.revisionNumber, counts);
      columns.add(
          subject(
              base.name(),
              "Revision " + RevisionLabels.label(base.revisionNumber),
              base.site,
              null,
              base.setpoints(),
              counts,
              List.of(),
              otherFroms,
              parts));
    }
    for (Alternative alternative : alternatives) {
      DesignRevision base = bases.get(alternative.baseRevisionNumber);
      columns.add(
          subject(
              alternative.name(),
              alternative.displayName,
              alternative.site != null ? alternative.site : base.site,
              alternative.powerSource,
              base.setpoints().merge(alternative.setpoints()),
              baseCounts.get(alternative.baseRevisionNumber),
              PartSubstitution.decode(alternative.partSubstitutions),
              otherFroms,
              parts));
    }
    return columns;
  }

  private static ComparisonSubject subject(
      String source,
      String displayName,
      byte[] site,
      byte[] powerSource,
      Setpoints setpoints,
      Map<String, Long> baseCounts,
      List<PartSubstitution> substitutions,
      Set<String> otherFroms,
      DesignRevisions.PartLookup parts) {
    Map<String, Long> counts = new HashMap<>(baseCounts);
    Map<String, String> replacements = new HashMap<>();
    for (PartSubstitution substitution : substitutions) {
      String from = substitution.from().name();
      String to = substitution.to().name();
      replacements.put(from, to);
      Long moved = counts.remove(from);
      if (moved != null) {
        counts.merge(to, moved, Long::sum);
      }
    }
    Map<String, Long> rackSystems = new TreeMap<>();
    double itPowerKw = 0;
    long rackCount = 0;
    for (Map.Entry<String, Long> use : counts.entrySet()) {
      PartInfo part = parts.apply(DesignStore.partRef(use.getKey()));
      if (part != null && part.equipmentClass() == EquipmentClass.RACK_SYSTEM) {
        rackSystems.put(use.getKey(), use.getValue());
        itPowerKw += part.loadKw() * use.getValue();
        rackCount += use.getValue();
      }
    }
    Map<String, String> otherParts = new TreeMap<>();
    for (String from : otherFroms) {
      otherParts.put(from, replacements.getOrDefault(from, from));
    }
    return new ComparisonSubject(
        source,
        displayName,
        site,
        powerSource,
        setpoints,
        rackSystems,
        otherParts,
        itPowerKw,
        rackCount);
  }

  /** Checks that both part revisions of each substitution exist and share an equipment class. */
  private void checkSubstitutions(List<PartSubstitution> substitutions, String prefix) {
    DesignRevisions.PartLookup parts = revisions.partLookup();
    List<FieldViolation> violations = new ArrayList<>();
    for (int i = 0; i < substitutions.size(); i++) {
      String path = prefix + ".part_substitutions[" + i + "]";
      PartRef fromRef = substitutions.get(i).from();
      PartRef toRef = substitutions.get(i).to();
      PartInfo from = parts.apply(fromRef);
      PartInfo to = parts.apply(toRef);
      if (from == null) {
        violations.add(
            new FieldViolation(
                path + ".from_part_revision",
                "part revision " + fromRef.name() + " does not exist"));
      }
      if (to == null) {
        violations.add(
            new FieldViolation(
                path + ".to_part_revision", "part revision " + toRef.name() + " does not exist"));
      }
      if (from != null && to != null && from.equipmentClass() != to.equipmentClass()) {
        violations.add(
            new FieldViolation(
                path + ".to_part_revision",
                "is "
                    + to.equipmentClass()
                    + " but "
                    + fromRef.name()
                    + " is "
                    + from.equipmentClass()
                    + "; substitute within one equipment class"));
      }
    }
    if (!violations.isEmpty()) {
      throw new InvalidArgumentException(violations);
    }
  }

  private static Alternative findOptional(
      String designId, String alternativeId, LockModeType lock) {
    return Alternative.find("designId = ?1 and alternativeId = ?2", designId, alternativeId)
        .withLock(lock)
        .firstResult();
  }

  static Alternative find(String designId, String alternativeId, LockModeType lock) {
    Alternative alternative = findOptional(designId, alternativeId, lock);
    if (alternative == null) {
      throw new NotFoundException("designs/" + designId + "/alternatives/" + alternativeId);
    }
    return alternative;
  }

  private static Alternative lockForWrite(String designId, String alternativeId, String etag) {
    Alternative alternative = find(designId, alternativeId, LockModeType.PESSIMISTIC_WRITE);
    PartCatalog.checkEtag(alternative.etag(), etag, alternative.name());
    return alternative;
  }
}
