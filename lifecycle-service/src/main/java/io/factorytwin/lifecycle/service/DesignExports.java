package io.factorytwin.lifecycle.service;

import io.factorytwin.lifecycle.model.Alternative;
import io.factorytwin.lifecycle.model.ConnectionElement;
import io.factorytwin.lifecycle.model.DesignRevision;
import io.factorytwin.lifecycle.model.Part;
import io.factorytwin.lifecycle.model.PartRef;
import io.factorytwin.lifecycle.model.PartRevision;
import io.factorytwin.lifecycle.model.PlacementElement;
import io.factorytwin.support.error.NotFoundException;
import io.opentelemetry.instrumentation.annotations.SpanAttribute;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Loads what an OpenUSD export of a design revision needs. */
@ApplicationScoped
public class DesignExports {

  private final DesignRevisions revisions;

  DesignExports(DesignRevisions revisions) {
    this.revisions = revisions;
  }

  /**
   * Reads a revision in any state with all its elements and the part revisions they use.
   *
   * @param withAlternatives whether to read the design's alternatives too
   * @throws NotFoundException when the design or the revision does not exist
   */
  @WithSpan("DesignExports.load")
  @Transactional
  public UsdExportSource load(
      @SpanAttribute("design") String designId, int number, boolean withAlternatives) {
    DesignRevision revision = DesignRevisions.find(designId, number, LockModeType.NONE);

    List<PlacementElement> placements =
        new ArrayList<>(DesignStore.placements(revision.id).values());
    placements.sort(Comparator.comparing(PlacementElement::id));
    List<ConnectionElement> connections =
        new ArrayList<>(DesignStore.connections(revision.id).values());
    connections.sort(Comparator.comparing(ConnectionElement::id));

    Map<PartRef, UsdExportSource.UsedPart> parts = new HashMap<>();
    Set<PartRef> missing = new HashSet<>();
    for (PlacementElement placement : placements) {
      PartRef ref = placement.part();
      if (!parts.containsKey(ref) && !missing.contains(ref)) {
        UsdExportSource.UsedPart part = usedPart(ref);
        if (part != null) {
          parts.put(ref, part);
        } else {
          missing.add(ref);
        }
      }
    }

    List<Alternative> alternatives =
        withAlternatives
            ? Alternative.list("designId = ?1 order by alternativeId", designId)
            : List.of();
    return new UsdExportSource(
        revisions.view(revision), placements, connections, parts, alternatives);
  }

  private static UsdExportSource.UsedPart usedPart(PartRef ref) {
    PartRevision revision =
        PartRevision.find("partId = ?1 and revisionNumber = ?2", ref.partId(), ref.number())
            .firstResult();
    Part part = Part.findById(ref.partId());
    if (revision == null || part == null) {
      // An IN_WORK part revision can be deleted while an IN_WORK design still places it.
      return null;
    }
    return new UsdExportSource.UsedPart(part.equipmentClass, revision.spec);
  }
}
