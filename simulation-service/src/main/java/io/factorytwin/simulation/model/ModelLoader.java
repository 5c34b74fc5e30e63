package io.factorytwin.simulation.model;

import io.factorytwin.common.v1.Placement;
import io.factorytwin.lifecycle.v1.Alternative;
import io.factorytwin.lifecycle.v1.DesignRevision;
import io.factorytwin.lifecycle.v1.Part;
import io.factorytwin.lifecycle.v1.PartRevision;
import io.factorytwin.lifecycle.v1.PartSubstitution;
import io.factorytwin.simulation.model.DesignModelBuilder.ClassifiedPart;
import io.factorytwin.simulation.v1.ModelSource;
import io.factorytwin.support.error.FailedPreconditionException;
import io.factorytwin.support.error.InvalidArgumentException;
import io.factorytwin.twin.v1.TwinRevision;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the {@link FacilityModel} of a job's {@link ModelSource}: a design revision or an
 * alternative read from lifecycle-service, or a twin revision read from twin-service.
 *
 * <p>A model with a rack on no CDU is rejected with FAILED_PRECONDITION, reason MODEL_INCOMPLETE,
 * naming the first such rack, because its heat would have nowhere to go.
 */
@ApplicationScoped
public class ModelLoader {

  private final LifecycleClient lifecycle;
  private final TwinClient twins;

  public ModelLoader(LifecycleClient lifecycle, TwinClient twins) {
    this.lifecycle = lifecycle;
    this.twins = twins;
  }

  private FacilityModel loadTwin(String revisionName) {
    TwinRevision revision = twins.twinRevision(revisionName);
    String twin = revisionName.substring(0, revisionName.indexOf("/revisions/"));
    return TwinModels.build(
        revisionName,
        revision,
        twins.nodes(twin, revisionName),
        twins.edges(twin, revisionName, TwinModels.TCS_EDGES));
  }

  /**
   * Loads the model.
   *
   * @param field the request field of the source, for error messages
   */
  public FacilityModel load(String field, ModelSource source) {
    FacilityModel model =
        switch (source.getSourceCase()) {
          case DESIGN_REVISION -> loadDesign(source.getDesignRevision(), null);
          case ALTERNATIVE -> {
            Alternative alternative = lifecycle.alternative(source.getAlternative());
            yield loadDesign(alternative.getBaseRevision(), alternative);
          }
          case TWIN_REVISION -> loadTwin(source.getTwinRevision());
          case SOURCE_NOT_SET ->
              throw new InvalidArgumentException(field, "a model source is required");
        };
    requireCooledRacks(model);
    return model;
  }

  /** Rejects a model with a rack on no CDU, naming the first such rack. */
  public static void requireCooledRacks(FacilityModel model) {
    List<String> uncooled = model.racksWithoutCdu();
    if (!uncooled.isEmpty()) {
      String rack = uncooled.getFirst();
      throw new FailedPreconditionException(
          "MODEL_INCOMPLETE",
          List.of(
              new FailedPreconditionException.Violation(
                  "MODEL_INCOMPLETE",
                  rack,
                  "rack "
                      + rack
                      + " is connected to no CDU"
                      + (uncooled.size() > 1 ? " (and " + (uncooled.size() - 1) + " more)" : "")
                      + " in "
                      + model.name()
                      + "; connect its tcs-supply and tcs-return ports to a CDU")));
    }
  }

  private FacilityModel loadDesign(String revisionName, Alternative alternative) {
    DesignRevision revision = lifecycle.designRevision(revisionName);
    List<Placement> placements = lifecycle.placements(revisionName);
    var connections = lifecycle.connections(revisionName);
    Set<String> partNames = new LinkedHashSet<>();
    for (Placement placement : placements) {
      partNames.add(placement.getPartRevision());
    }
    if (alternative != null) {
      for (PartSubstitution substitution : alternative.getPartSubstitutionsList()) {
        partNames.add(substitution.getToPartRevision());
      }
    }
    Map<String, ClassifiedPart> parts = new HashMap<>();
    Map<String, Part> partsByName = new HashMap<>();
    for (String name : partNames) {
      PartRevision partRevision = lifecycle.partRevision(name);
      String partName = name.substring(0, name.indexOf("/revisions/"));
      Part part = partsByName.computeIfAbsent(partName, lifecycle::part);
      parts.put(name, new ClassifiedPart(part.getEquipmentClass(), partRevision));
    }
    String modelName = alternative == null ? revisionName : alternative.getName();
    return DesignModelBuilder.build(
        modelName, revision, placements, connections, parts, alternative);
  }
}
