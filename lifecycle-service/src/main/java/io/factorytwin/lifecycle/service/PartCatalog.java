package io.factorytwin.lifecycle.service;

import io.factorytwin.lifecycle.model.EquipmentClass;
import io.factorytwin.lifecycle.model.Part;
import io.factorytwin.lifecycle.model.PartRevision;
import io.factorytwin.lifecycle.model.RevisionLabels;
import io.factorytwin.lifecycle.model.RevisionState;
import io.factorytwin.support.error.AlreadyExistsException;
import io.factorytwin.support.error.EtagMismatchException;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Parts of the equipment catalog: create, read, list, update and delete. */
@ApplicationScoped
public class PartCatalog {

  private static final String PREFIX = "EQUIPMENT_CLASS_";

  /** Fields a ListParts filter may name, with their HQL paths. */
  static final Map<String, FilterParser.Field> FILTER_FIELDS =
      Map.of(
          "equipment_class",
          new FilterParser.Field("p.equipmentClass", false, PartCatalog::equipmentClass),
          "manufacturer",
          FilterParser.Field.text("p.manufacturer"),
          "model",
          FilterParser.Field.text("p.model"),
          "display_name",
          FilterParser.Field.text("p.displayName"));

  /** Orders a ListParts order_by may name; the part id is the unique last key. */
  static final Map<String, List<Keyset.Key>> ORDERS =
      Map.of(
          "name",
          List.of(new Keyset.Key("p.id", Keyset.KeyType.TEXT)),
          "display_name",
          List.of(
              new Keyset.Key("p.displayName", Keyset.KeyType.TEXT),
              new Keyset.Key("p.id", Keyset.KeyType.TEXT)),
          "create_time",
          List.of(
              new Keyset.Key("p.createTime", Keyset.KeyType.INSTANT),
              new Keyset.Key("p.id", Keyset.KeyType.TEXT)));

  @WithSpan("PartCatalog.create")
  @Transactional
  public PartView create(@SpanAttribute("part") String partId, PartFields fields) {
    if (Part.findById(partId) != null) {
      throw new AlreadyExistsException("parts/" + partId);
    }
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    Part part = new Part();
    part.id = partId;
    part.displayName = fields.displayName();
    part.equipmentClass = fields.equipmentClass();
    part.manufacturer = fields.manufacturer();
    part.model = fields.model();
    part.description = fields.description();
    part.createTime = now;
    part.updateTime = now;
    part.persistAndFlush();
    Log.infof("created part %s (%s)", part.name(), part.equipmentClass);
    return new PartView(part, null, null);
  }

  @Transactional
  public PartView get(String partId) {
    return view(find(partId, LockModeType.NONE));
  }

  @Transactional
  public Page<PartView> list(ListRequest request) {
    KeysetQuery.Parsed parsed = KeysetQuery.parse(request, ORDERS, FILTER_FIELDS);
    Page<Part> page =
        KeysetQuery.page(
            parsed,
            "Part p",
            Part.class,
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

  @WithSpan("PartCatalog.update")
  @Transactional
  public PartView update(
      @SpanAttribute("part") String partId, String etag, PartFields fields, Set<String> mask) {
    Part part = find(partId, LockModeType.PESSIMISTIC_WRITE);
    checkEtag(part.etag(), etag, part.name());
    if (mask.contains("display_name")) {
      part.displayName = fields.displayName();
    }
    if (mask.contains("manufacturer")) {
      part.manufacturer = fields.manufacturer();
    }
    if (mask.contains("model")) {
      part.model = fields.model();
    }
    if (mask.contains("description")) {
      part.description = fields.description();
    }
    part.updateTime = Instant.now().truncatedTo(ChronoUnit.MICROS);
    Panache.getEntityManager().flush();
    Log.infof("updated part %s: %s", part.name(), mask);
    return view(part);
  }

  /** Deletes a part with its IN_WORK revisions; any other revision keeps the part. */
  @WithSpan("PartCatalog.delete")
  @Transactional
  public void delete(@SpanAttribute("part") String partId, String etag) {
    Part part = find(partId, LockModeType.PESSIMISTIC_WRITE);
    checkEtag(part.etag(), etag, part.name());
    List<PartRevision> kept =
        PartRevision.list(
            "partId = ?1 and state <> ?2 order by revisionNumber", partId, RevisionState.IN_WORK);
    if (!kept.isEmpty()) {
      throw new FailedPreconditionException(
          "REVISION_IMMUTABLE",
          kept.stream()
              .map(
                  revision ->
                      new FailedPreconditionException.Violation(
                          "LIFECYCLE_STATE",
                          revision.name(),
                          "revision is "
                              + revision.state
                              + "; a part with submitted or released revisions is kept, so make"
                              + " its revisions OBSOLETE instead"))
              .toList());
    }
    PartRevision.delete("partId", partId);
    part.delete();
    Log.infof("deleted part %s", part.name());
  }

  /** Loads a part or fails with NOT_FOUND. */
  static Part find(String partId, LockModeType lock) {
    Part part = Part.findById(partId, lock);
    if (part == null) {
      throw new NotFoundException("parts/" + partId);
    }
    return part;
  }

  /** Compares a client's etag with the current one; ABORTED when they differ. */
  static void checkEtag(String current, String sent, String resourceName) {
    if (sent.isEmpty()) {
      throw new InvalidArgumentException("etag", "required; send the etag of the last read");
    }
    if (!current.equals(sent)) {
      throw new EtagMismatchException(resourceName);
    }
  }

  static PartView view(Part part) {
    return views(List.of(part)).getFirst();
  }

  private static List<PartView> views(List<Part> parts) {
    if (parts.isEmpty()) {
      return List.of();
    }
    List<String> ids = parts.stream().map(part -> part.id).toList();
    Map<String, Integer> latest = new HashMap<>();
    Map<String, Integer> released = new HashMap<>();
    var entityManager = Panache.getEntityManager();
    entityManager
        .createQuery(
            "select r.partId, max(r.revisionNumber) from PartRevision r"
                + " where r.partId in :ids group by r.partId",
            Object[].class)
        .setParameter("ids", ids)
        .getResultList()
        .forEach(row -> latest.put((String) row[0], (Integer) row[1]));
    entityManager
        .createQuery(
            "select r.partId, r.revisionNumber from PartRevision r"
                + " where r.partId in :ids and r.state = :state",
            Object[].class)
        .setParameter("ids", ids)
        .setParameter("state", RevisionState.RELEASED)
        .getResultList()
        .forEach(row -> released.put((String) row[0], (Integer) row[1]));
    return parts.stream()
        .map(
            part ->
                new PartView(
                    part,
                    revisionName(part.id, latest.get(part.id)),
                    revisionName(part.id, released.get(part.id))))
        .toList();
  }

  private static String revisionName(String partId, Integer number) {
    return number == null ? null : "parts/" + partId + "/revisions/" + RevisionLabels.id(number);
  }

  private static Object equipmentClass(String value) {
    if (!value.startsWith(PREFIX)) {
      return null;
    }
    try {
      return EquipmentClass.valueOf(value.substring(PREFIX.length()));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
