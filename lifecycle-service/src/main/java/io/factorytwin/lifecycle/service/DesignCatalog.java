package io.factorytwin.lifecycle.service;

import io.factorytwin.lifecycle.model.Alternative;
import io.factorytwin.lifecycle.model.Design;
import io.factorytwin.lifecycle.model.DesignRevision;
import io.factorytwin.lifecycle.model.RevisionLabels;
import io.factorytwin.lifecycle.model.RevisionState;
import io.factorytwin.support.error.AlreadyExistsException;
import io.factorytwin.support.error.FailedPreconditionException;
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
import java.util.List;
import java.util.Map;

/** Designs: create, read, list, update and delete. */
@ApplicationScoped
public class DesignCatalog {

  /** Fields a ListDesigns filter may name, with their HQL paths. */
  static final Map<String, FilterParser.Field> FILTER_FIELDS =
      Map.of("display_name", FilterParser.Field.text("d.displayName"));

  /** Orders a ListDesigns order_by may name; the design id is the unique last key. */
  static final Map<String, List<Keyset.Key>> ORDERS =
      Map.of(
          "name",
          List.of(new Keyset.Key("d.id", Keyset.KeyType.TEXT)),
          "display_name",
          List.of(
              new Keyset.Key("d.displayName", Keyset.KeyType.TEXT),
              new Keyset.Key("d.id", Keyset.KeyType.TEXT)),
          "create_time",
          List.of(
              new Keyset.Key("d.createTime", Keyset.KeyType.INSTANT),
              new Keyset.Key("d.id", Keyset.KeyType.TEXT)));

  @WithSpan("DesignCatalog.create")
  @Transactional
  public DesignView create(@SpanAttribute("design") String designId, DesignFields fields) {
    if (Design.findById(designId) != null) {
      throw new AlreadyExistsException("designs/" + designId);
    }
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    Design design = new Design();
    design.id = designId;
    design.displayName = fields.displayName();
    design.description = fields.description();
    design.createTime = now;
    design.updateTime = now;
    design.persistAndFlush();
    Log.infof("created design %s", design.name());
    return new DesignView(design, null, null);
  }

  @Transactional
  public DesignView get(String designId) {
    return views(List.of(find(designId, LockModeType.NONE))).getFirst();
  }

  @Transactional
  public Page<DesignView> list(ListRequest request) {
    KeysetQuery.Parsed parsed = KeysetQuery.parse(request, ORDERS, FILTER_FIELDS);
    Page<Design> page =
        KeysetQuery.page(
            parsed,
            "Design d",
            Design.class,
            "",
            Map.of(),
            (order, last) ->
                switch (order.text().replace(" desc", "")) {
                  case "display_name" -> List.of(last.displayName, last.id);
                  case "create_time" -> List.of(last.createTime, last.id);
                  default -> List.of(last.id);
                });
    return new Page<>(views(page.items()), page.nextPageToken());
  }

  @WithSpan("DesignCatalog.update")
  @Transactional
  public DesignView update(
      @SpanAttribute("design") String designId,
      String etag,
      DesignFields fields,
      java.util.Set<String> mask) {
    Design design = find(designId, LockModeType.PESSIMISTIC_WRITE);
    PartCatalog.checkEtag(design.etag(), etag, design.name());
    if (mask.contains("display_name")) {
      design.displayName = fields.displayName();
    }
    if (mask.contains("description")) {
      design.description = fields.description();
    }
    design.updateTime = Instant.now().truncatedTo(ChronoUnit.MICROS);
    Panache.getEntityManager().flush();
    Log.infof("updated design %s: %s", design.name(), mask);
    return views(List.of(design)).getFirst();
  }

  /** Deletes a design whose revisions are all IN_WORK, with those revisions and their elements. */
  @WithSpan("DesignCatalog.delete")
  @Transactional
  public void delete(@SpanAttribute("design") String designId, String etag) {
    Design design = find(designId, LockModeType.PESSIMISTIC_WRITE);
    PartCatalog.checkEtag(design.etag(), etag, design.name());
    List<DesignRevision> revisions =
        DesignRevision.list("designId = ?1 order by revisionNumber", designId);
    List<FailedPreconditionException.Violation> kept = new ArrayList<>();
    for (DesignRevision revision : revisions) {
      if (revision.state != RevisionState.IN_WORK) {
        kept.add(
            new FailedPreconditionException.Violation(
                "LIFECYCLE_STATE",
                revision.name(),
                "revision is "
                    + revision.state
                    + "; a design with submitted or released revisions is kept, so make its"
                    + " revisions OBSOLETE instead"));
      }
    }
    if (!kept.isEmpty()) {
      throw new FailedPreconditionException("REVISION_IMMUTABLE", kept);
    }
    long alternatives = Alternative.delete("designId", designId);
    for (DesignRevision revision : revisions) {
      DesignStore.deleteAll(revision.id);
      revision.delete();
    }
    design.delete();
    Log.infof(
        "deleted design %s with %d revisions and %d alternatives",
        design.name(), revisions.size(), alternatives);
  }

  /** Loads a design or fails with NOT_FOUND. */
  static Design find(String designId, LockModeType lock) {
    Design design = Design.findById(designId, lock);
    if (design == null) {
      throw new NotFoundException("designs/" + designId);
    }
    return design;
  }

  static List<DesignView> views(List<Design> designs) {
    if (designs.isEmpty()) {
      return List.of();
    }
    List<String> ids = designs.stream().map(design -> design.id).toList();
    Map<String, Integer> latest = new HashMap<>();
    Map<String, Integer> released = new HashMap<>();
    var entityManager = Panache.getEntityManager();
    entityManager
        .createQuery(
            "select r.designId, max(r.revisionNumber) from DesignRevision r"
                + " where r.designId in :ids group by r.designId",
            Object[].class)
        .setParameter("ids", ids)
        .getResultList()
        .forEach(row -> latest.put((String) row[0], (Integer) row[1]));
    entityManager
        .createQuery(
            "select r.designId, r.revisionNumber from DesignRevision r"
                + " where r.designId in :ids and r.state = :state",
            Object[].class)
        .setParameter("ids", ids)
        .setParameter("state", RevisionState.RELEASED)
        .getResultList()
        .forEach(row -> released.put((String) row[0], (Integer) row[1]));
    return designs.stream()
        .map(
            design ->
                new DesignView(
                    design,
                    revisionName(design.id, latest.get(design.id)),
                    revisionName(design.id, released.get(design.id))))
        .toList();
  }

  private static String revisionName(String designId, Integer number) {
    return number == null
        ? null
        : "designs/" + designId + "/revisions/" + RevisionLabels.id(number);
  }
}
