package io.factorytwin.simulation.model;

import io.factorytwin.common.v1.Connection;
import io.factorytwin.common.v1.EquipmentClass;
import io.factorytwin.common.v1.EquipmentSpec;
import io.factorytwin.common.v1.OnSiteGeneration;
import io.factorytwin.common.v1.OperatingSetpoints;
import io.factorytwin.common.v1.Placement;
import io.factorytwin.common.v1.PortDomain;
import io.factorytwin.common.v1.RackSpec;
import io.factorytwin.common.v1.Site;
import io.factorytwin.common.v1.WorkloadThroughput;
import io.factorytwin.lifecycle.v1.Alternative;
import io.factorytwin.lifecycle.v1.DesignRevision;
import io.factorytwin.lifecycle.v1.PartRevision;
import io.factorytwin.lifecycle.v1.PartSubstitution;
import io.factorytwin.simulation.model.FacilityModel.Cdu;
import io.factorytwin.simulation.model.FacilityModel.GpuLimits;
import io.factorytwin.simulation.model.FacilityModel.HeatRejectionKind;
import io.factorytwin.simulation.model.FacilityModel.Plant;
import io.factorytwin.simulation.model.FacilityModel.PowerSource;
import io.factorytwin.simulation.model.FacilityModel.Rack;
import io.factorytwin.simulation.model.FacilityModel.Setpoints;
import io.factorytwin.support.error.FailedPreconditionException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds a {@link FacilityModel} from a design revision as lifecycle-service serves it: the
 * revision, its placements and connections, the part revisions they use with each part's equipment
 * class, and optionally an alternative whose changes are applied first.
 *
 * <p>Every number comes from the part specs. Where a spec leaves a value unset, the default below
 * applies and is named in its comment.
 */
public final class DesignModelBuilder {

  /**
   * Middle of the 0.85 to 0.95 heat-to-liquid range to study (a GB300 compute tray sends about 94 %
   * to liquid, Morgan Stanley model quoted by epium.com); used when a rack omits it.
   */
  static final double DEFAULT_HEAT_TO_LIQUID = 0.9;

  /** Middle of the 3 to 5 K CDU approach of vendor literature (secondary); used when omitted. */
  static final double DEFAULT_CDU_APPROACH_K = 4.0;

  /** Middle of the 8 to 12 K loop rise of vendor literature (secondary); used when omitted. */
  static final double DEFAULT_CDU_RISE_K = 10.0;

  /** OCP guideline of 1.5 L/min per kW, as for racks; used when omitted. */
  static final double DEFAULT_FLOW_LPM_PER_KW = Rack.DEFAULT_FLOW_LPM_PER_KW;

  /** Dry cooler approach when omitted: the middle of the 5 to 10 K range to study. */
  static final double DEFAULT_DRY_COOLER_APPROACH_K = 7.5;

  /** Tower approach when omitted: the middle of the typical 1.7 to 3.9 K. */
  static final double DEFAULT_TOWER_APPROACH_K = 2.8;

  private DesignModelBuilder() {}

  /** A part revision with the equipment class of its part. */
  public record ClassifiedPart(EquipmentClass equipmentClass, PartRevision revision) {}

  /**
   * Builds the model.
   *
   * @param name the resource the job named, kept as the model's name
   * @param revision the base design revision
   * @param placements every placement of the revision
   * @param connections every connection of the revision
   * @param parts the part revisions by resource name, after substitution
   * @param alternative the alternative to apply, or null for the revision itself
   * @throws FailedPreconditionException reason MODEL_INCOMPLETE when the design lacks what the
   *     simulator needs, such as heat rejection or a rack's part
   */
  public static FacilityModel build(
      String name,
      DesignRevision revision,
      List<Placement> placements,
      List<Connection> connections,
      Map<String, ClassifiedPart> parts,
      Alternative alternative) {
    Site site = revision.getSite();
    OperatingSetpoints.Builder setpoints = revision.getSetpoints().toBuilder();
    Map<String, String> substitutions = new HashMap<>();
    io.factorytwin.common.v1.PowerSource power = site.getPowerSource();
    if (alternative != null) {
      if (alternative.hasSite()) {
        site = alternative.getSite();
        power = site.getPowerSource();
      }
      if (alternative.hasPowerSource()) {
        power = alternative.getPowerSource();
      }
      for (PartSubstitution substitution : alternative.getPartSubstitutionsList()) {
        substitutions.put(substitution.getFromPartRevision(), substitution.getToPartRevision());
      }
      setpoints.mergeFrom(alternative.getSetpoints());
    }

    Map<String, Integer> cduIndex = new LinkedHashMap<>();
    List<Cdu> cdus = new ArrayList<>();
    List<Placement> rackPlacements = new ArrayList<>();
    PlantTally plant = new PlantTally();
    for (Placement placement : placements) {
      String partName =
          substitutions.getOrDefault(placement.getPartRevision(), placement.getPartRevision());
      ClassifiedPart part = parts.get(partName);
      if (part == null) {
        throw incomplete(
            placement.getId(),
            "part revision " + partName + " of " + placement.getId() + " was not read");
      }
      EquipmentSpec spec = part.revision().getSpec();
      switch (part.equipmentClass()) {
        case EQUIPMENT_CLASS_RACK_SYSTEM -> rackPlacements.add(placement);
        case EQUIPMENT_CLASS_CDU -> {
          cduIndex.put(placement.getId(), cdus.size());
          cdus.add(cdu(placement.getId(), spec));
        }
        case EQUIPMENT_CLASS_DRY_COOLER -> plant.dryCooler(placement.getId(), spec);
        case EQUIPMENT_CLASS_COOLING_TOWER -> plant.tower(placement.getId(), spec);
        case EQUIPMENT_CLASS_CHILLER -> plant.chiller(placement.getId(), spec);
        case EQUIPMENT_CLASS_CRAH -> plant.crah(spec);
        default -> {
          // Power distribution and other equipment: the power chain is modelled from the IT
          // load with default loss coefficients.
        }
      }
    }

    // Racks on several CDUs (a row's N+1 group) share them: each rack is given to the connected
    // CDU that has the least design heat so far, so the load spreads as parallel units share it.
    Map<String, List<Integer>> rackCdus = new HashMap<>();
    for (Connection connection : connections) {
      String rack = null;
      String cdu = null;
      if (isTcs(connection, PortDomain.PORT_DOMAIN_TCS_SUPPLY, "tcs-supply")) {
        cdu = connection.getSourcePlacement();
        rack = connection.getTargetPlacement();
      } else if (isTcs(connection, PortDomain.PORT_DOMAIN_TCS_RETURN, "tcs-return")) {
        rack = connection.getSourcePlacement();
        cdu = connection.getTargetPlacement();
      }
      Integer index = cdu == null ? null : cduIndex.get(cdu);
      if (index != null) {
        List<Integer> list = rackCdus.computeIfAbsent(rack, key -> new ArrayList<>());
        if (!list.contains(index)) {
          list.add(index);
        }
      }
    }
    double[] assignedHeat = new double[cdus.size()];
    List<Rack> racks = new ArrayList<>();
    for (Placement placement : rackPlacements) {
      String partName =
          substitutions.getOrDefault(placement.getPartRevision(), placement.getPartRevision());
      EquipmentSpec spec = parts.get(partName).revision().getSpec();
      int index = FacilityModel.NO_CDU;
      List<Integer> candidates = rackCdus.getOrDefault(placement.getId(), List.of());
      for (int candidate : candidates) {
        if (index == FacilityModel.NO_CDU || assignedHeat[candidate] < assignedHeat[index]) {
          index = candidate;
        }
      }
      Rack rack = rack(placement.getId(), spec, index);
      if (index != FacilityModel.NO_CDU) {
        assignedHeat[index] += rack.designLiquidHeatW();
      }
      racks.add(rack);
    }

    OperatingSetpoints merged = setpoints.build();
    Setpoints operating =
        new Setpoints(
            merged.hasTcsSupplyTemperatureC()
                ? merged.getTcsSupplyTemperatureC()
                : Setpoints.DEFAULT.tcsSupplyC(),
            merged.hasFacilityWaterSupplyTemperatureC()
                ? merged.getFacilityWaterSupplyTemperatureC()
                : Math.min(
                    Setpoints.DEFAULT.facilityWaterSupplyC(),
                    merged.hasTcsSupplyTemperatureC()
                        ? merged.getTcsSupplyTemperatureC()
                        : Setpoints.DEFAULT.tcsSupplyC()));

    double solarW = 0;
    double solarEfficiency = PowerSource.DEFAULT_SOLAR_SYSTEM_EFFICIENCY;
    for (OnSiteGeneration generation : power.getOnSiteGenerationList()) {
      if (generation.getKind() == OnSiteGeneration.Kind.KIND_SOLAR_PV) {
        solarW += generation.getCapacityKw() * 1000.0;
        if (generation.hasSystemEfficiencyFraction()) {
          solarEfficiency = generation.getSystemEfficiencyFraction();
        }
      }
    }
    String region = power.getGridRegion();
    FacilityModel.Site modelSite =
        new FacilityModel.Site(
            site.getDisplayName(),
            site.getLatitudeDeg(),
            site.getLongitudeDeg(),
            site.getElevationM(),
            Double.NaN,
            site.getWeatherDataSet(),
            region.isEmpty() ? "" : region + ".csv");
    return new FacilityModel(
        name,
        modelSite,
        new PowerSource(region, solarW, solarEfficiency),
        cdus,
        racks,
        plant.build(name, racks),
        operating);
  }

  private static boolean isTcs(Connection connection, PortDomain domain, String port) {
    if (connection.getDomain() != PortDomain.PORT_DOMAIN_UNSPECIFIED) {
      return connection.getDomain() == domain;
    }
    return connection.getSourcePort().equals(port) && connection.getTargetPort().equals(port);
  }

  private static Cdu cdu(String id, EquipmentSpec spec) {
    if (!spec.hasCoolingCapacityKw()) {
      throw incomplete(id, "CDU " + id + " has no cooling_capacity_kw in its part spec");
    }
    double capacityKw = spec.getCoolingCapacityKw();
    double flow =
        spec.hasPump()
            ? spec.getPump().getDesignFlowLpm()
            : capacityKw
                * (spec.hasCoolantFlowLpmPerKw()
                    ? spec.getCoolantFlowLpmPerKw()
                    : DEFAULT_FLOW_LPM_PER_KW);
    return new Cdu(
        id,
        capacityKw * 1000.0,
        flow,
        spec.hasApproachK() ? spec.getApproachK() : DEFAULT_CDU_APPROACH_K,
        spec.hasDesignTemperatureRiseK() ? spec.getDesignTemperatureRiseK() : DEFAULT_CDU_RISE_K);
  }

  private static Rack rack(String id, EquipmentSpec spec, int cduIndex) {
    if (!spec.hasRatedPowerKw() && !spec.hasDesignPowerKw()) {
      throw incomplete(id, "rack " + id + " has neither rated_power_kw nor design_power_kw");
    }
    double rated = spec.hasRatedPowerKw() ? spec.getRatedPowerKw() : spec.getDesignPowerKw();
    double design = spec.hasDesignPowerKw() ? spec.getDesignPowerKw() : rated;
    RackSpec rack = spec.getRack();
    GpuLimits d = GpuLimits.DEFAULT;
    GpuLimits limits =
        new GpuLimits(
            rack.hasGpuMaxOperatingTemperatureC()
                ? rack.getGpuMaxOperatingTemperatureC()
                : d.maxOperatingC(),
            rack.hasGpuSlowdownTemperatureC() ? rack.getGpuSlowdownTemperatureC() : d.slowdownC(),
            rack.hasGpuShutdownTemperatureC() ? rack.getGpuShutdownTemperatureC() : d.shutdownC(),
            rack.hasColdPlateThermalResistanceKPerW()
                ? rack.getColdPlateThermalResistanceKPerW()
                : d.coldPlateResistanceKPerW());
    Map<String, Double> throughput = new TreeMap<>();
    for (WorkloadThroughput entry : rack.getThroughputList()) {
      throughput.put(entry.getWorkload(), entry.getTokensPerSecond());
    }
    return new Rack(
        id,
        rated * 1000.0,
        design * 1000.0,
        spec.hasHeatToLiquidFraction() ? spec.getHeatToLiquidFraction() : DEFAULT_HEAT_TO_LIQUID,
        rack.getGpuCount(),
        rack.getGpuPowerW(),
        cduIndex,
        limits,
        throughput,
        rated
            * (spec.hasCoolantFlowLpmPerKw()
                ? spec.getCoolantFlowLpmPerKw()
                : DEFAULT_FLOW_LPM_PER_KW));
  }

  private static FailedPreconditionException incomplete(String subject, String description) {
    return new FailedPreconditionException(
        "MODEL_INCOMPLETE",
        List.of(
            new FailedPreconditionException.Violation("MODEL_INCOMPLETE", subject, description)));
  }

  /** Counts the plant equipment while placements are read. */
  private static final class PlantTally {
    int dryCoolers;
    double dryCoolerCapacityW;
    double dryCoolerApproachK = Double.NaN;
    double dryCoolerFanW = Double.NaN;
    int towers;
    double towerCapacityW;
    double towerApproachK = Double.NaN;
    double towerFanW = Double.NaN;
    int chillers;
    double chillerCapacityW;
    double chillerCop;
    int crahs;
    double crahCapacityW;
    double crahFanW = Double.NaN;

    void dryCooler(String id, EquipmentSpec spec) {
      dryCoolers++;
      dryCoolerCapacityW = capacity(id, spec);
      dryCoolerApproachK =
          spec.hasApproachK() ? spec.getApproachK() : DEFAULT_DRY_COOLER_APPROACH_K;
      dryCoolerFanW = spec.hasFan() ? spec.getFan().getDesignPowerKw() * 1000.0 : Double.NaN;
    }

    void tower(String id, EquipmentSpec spec) {
      towers++;
      towerCapacityW = capacity(id, spec);
      towerApproachK = spec.hasApproachK() ? spec.getApproachK() : DEFAULT_TOWER_APPROACH_K;
      towerFanW = spec.hasFan() ? spec.getFan().getDesignPowerKw() * 1000.0 : Double.NaN;
    }

    void chiller(String id, EquipmentSpec spec) {
      chillers++;
      if (spec.hasChiller()) {
        chillerCapacityW = spec.getChiller().getReferenceCapacityKw() * 1000.0;
        chillerCop = spec.getChiller().getReferenceCop();
      } else {
        chillerCapacityW = capacity(id, spec);
        // NOTE: a chiller without EIR data is scaled from the McQuay PFH record's COP 6.03.
        chillerCop = 6.03;
      }
    }

    void crah(EquipmentSpec spec) {
      crahs++;
      crahCapacityW = spec.hasCoolingCapacityKw() ? spec.getCoolingCapacityKw() * 1000.0 : 0;
      crahFanW = spec.hasFan() ? spec.getFan().getDesignPowerKw() * 1000.0 : Double.NaN;
    }

    private static double capacity(String id, EquipmentSpec spec) {
      if (!spec.hasCoolingCapacityKw()) {
        throw incomplete(id, id + " has no cooling_capacity_kw in its part spec");
      }
      return spec.getCoolingCapacityKw() * 1000.0;
    }

    /**
     * Dry coolers, when there are any, cool the facility water, and towers then serve only the
     * chiller condensers. The plant model has one heat-rejection bank, so it takes the dry coolers
     * and leaves such towers out.
     */
    Plant build(String name, List<Rack> racks) {
      if (dryCoolers == 0 && towers == 0) {
        throw incomplete(
            name, "the design has no dry cooler or cooling tower to reject the facility's heat");
      }
      boolean dry = dryCoolers > 0;
      return new Plant(
          dry ? HeatRejectionKind.DRY_COOLER : HeatRejectionKind.COOLING_TOWER,
          dry ? dryCoolers : towers,
          dry ? dryCoolerCapacityW : towerCapacityW,
          dry ? dryCoolerApproachK : towerApproachK,
          dry ? dryCoolerFanW : towerFanW,
          chillers,
          chillerCapacityW,
          chillerCop,
          crahs,
          crahs > 0 && crahCapacityW > 0 ? crahCapacityW : 1.0,
          crahFanW);
    }
  }
}
