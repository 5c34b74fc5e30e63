package io.factorytwin.simulation.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The simulator's description of one facility, the same whether it was read from a design revision,
 * one of its alternatives, or a twin revision.
 *
 * <p>The record is immutable and holds only SI-style plain numbers: power in W, flow in L/min,
 * temperatures in °C, differences in K. It carries no gRPC or CDI types, so the physics engines
 * (design evaluation, transient) build on it without the service around them.
 *
 * <p>Compatibility: other engines construct and read this record. New information is added as new
 * components with a constructor that keeps the old signature; existing components keep their name,
 * unit and meaning.
 *
 * @param name the resource the model was built from, such as {@code designs/x/revisions/3}
 * @param site where the facility is and which data sets describe its climate and grid
 * @param powerSource grid region and on-site generation
 * @param cdus the coolant distribution units; racks refer to them by index
 * @param racks every rack, in the order of the source
 * @param plant the heat-rejection plant of the hall
 * @param setpoints operating setpoints the design is built for
 */
public record FacilityModel(
    String name,
    Site site,
    PowerSource powerSource,
    List<Cdu> cdus,
    List<Rack> racks,
    Plant plant,
    Setpoints setpoints) {

  /** Value of {@link Rack#cduIndex()} for a rack that is connected to no CDU. */
  public static final int NO_CDU = -1;

  public FacilityModel {
    requireNonNull("name", name);
    requireNonNull("site", site);
    requireNonNull("powerSource", powerSource);
    requireNonNull("plant", plant);
    requireNonNull("setpoints", setpoints);
    cdus = List.copyOf(requireNonNull("cdus", cdus));
    racks = List.copyOf(requireNonNull("racks", racks));
    for (Rack rack : racks) {
      if (rack.cduIndex() != NO_CDU && rack.cduIndex() >= cdus.size()) {
        throw new IllegalArgumentException(
            "rack " + rack.id() + " refers to CDU index " + rack.cduIndex() + " of " + cdus.size());
      }
    }
  }

  /** Ids of the racks that are connected to no CDU, in rack order; empty when all are. */
  public List<String> racksWithoutCdu() {
    List<String> ids = new ArrayList<>();
    for (Rack rack : racks) {
      if (rack.cduIndex() == NO_CDU) {
        ids.add(rack.id());
      }
    }
    return ids;
  }

  /** Sum of the racks' design power, in W. */
  public double designItPowerW() {
    double sum = 0;
    for (Rack rack : racks) {
      sum += rack.designPowerW();
    }
    return sum;
  }

  /** Sum of the racks' design heat to liquid, in W. */
  public double designLiquidHeatW() {
    double sum = 0;
    for (Rack rack : racks) {
      sum += rack.designPowerW() * rack.heatToLiquidFraction();
    }
    return sum;
  }

  /** Returns a copy with another site and power source, as an alternative of a design does. */
  public FacilityModel withSite(String newName, Site newSite, PowerSource newPowerSource) {
    return new FacilityModel(newName, newSite, newPowerSource, cdus, racks, plant, setpoints);
  }

  /**
   * The location and the data sets of a site.
   *
   * @param displayName for reports
   * @param latitudeDeg north positive, degrees
   * @param longitudeDeg east positive, degrees
   * @param elevationM above sea level, m
   * @param utcOffsetHours local standard time minus UTC, hours (no daylight saving); NaN when the
   *     source gives none, in which case the weather file's own offset applies
   * @param weatherDataSet EPW file name in the weather data folder; empty when unknown
   * @param carbonDataSet grid-carbon CSV file name; empty when unknown (then {@code <grid
   *     region>.csv} is the default)
   */
  public record Site(
      String displayName,
      double latitudeDeg,
      double longitudeDeg,
      double elevationM,
      double utcOffsetHours,
      String weatherDataSet,
      String carbonDataSet) {
    public Site {
      displayName = displayName == null ? "" : displayName;
      weatherDataSet = weatherDataSet == null ? "" : weatherDataSet;
      carbonDataSet = carbonDataSet == null ? "" : carbonDataSet;
      if (!(latitudeDeg >= -90 && latitudeDeg <= 90)) {
        throw new IllegalArgumentException("latitudeDeg must be in [-90, 90], got " + latitudeDeg);
      }
      if (!(longitudeDeg >= -180 && longitudeDeg <= 180)) {
        throw new IllegalArgumentException(
            "longitudeDeg must be in [-180, 180], got " + longitudeDeg);
      }
      if (!Double.isFinite(elevationM)) {
        throw new IllegalArgumentException("elevationM must be finite, got " + elevationM);
      }
      if (!Double.isNaN(utcOffsetHours) && !(utcOffsetHours >= -14 && utcOffsetHours <= 14)) {
        throw new IllegalArgumentException(
            "utcOffsetHours must be in [-14, 14] or NaN, got " + utcOffsetHours);
      }
    }
  }

  /**
   * Where the power comes from.
   *
   * @param gridRegion balancing authority code, such as {@code PJM}; empty when unknown
   * @param solarCapacityW peak output of on-site solar PV at 1,000 W/m², W; 0 for none
   * @param solarSystemEfficiency share of the ideal PV output that reaches the site after inverter
   *     and wiring losses, in (0, 1]
   */
  public record PowerSource(
      String gridRegion, double solarCapacityW, double solarSystemEfficiency) {

    /** The default of {@code OnSiteGeneration.system_efficiency_fraction} in the contract. */
    public static final double DEFAULT_SOLAR_SYSTEM_EFFICIENCY = 0.85;

    public PowerSource {
      gridRegion = gridRegion == null ? "" : gridRegion;
      if (!(solarCapacityW >= 0) || Double.isInfinite(solarCapacityW)) {
        throw new IllegalArgumentException(
            "solarCapacityW must be finite and >= 0, got " + solarCapacityW);
      }
      if (!(solarSystemEfficiency > 0 && solarSystemEfficiency <= 1)) {
        throw new IllegalArgumentException(
            "solarSystemEfficiency must be in (0, 1], got " + solarSystemEfficiency);
      }
    }

    /** Creates a power source with the default PV system efficiency. */
    public PowerSource(String gridRegion, double solarCapacityW) {
      this(gridRegion, solarCapacityW, DEFAULT_SOLAR_SYSTEM_EFFICIENCY);
    }
  }

  /**
   * One coolant distribution unit.
   *
   * @param id element id in the source
   * @param capacityW rated heat transfer, W
   * @param designFlowLpm secondary (TCS) flow at design, L/min
   * @param approachK TCS supply minus facility water supply at design, K
   * @param designRiseK TCS return minus supply at design, K
   */
  public record Cdu(
      String id, double capacityW, double designFlowLpm, double approachK, double designRiseK) {
    public Cdu {
      requireNonNull("id", id);
      positive("capacityW", capacityW);
      positive("designFlowLpm", designFlowLpm);
      nonNegative("approachK", approachK);
      positive("designRiseK", designRiseK);
    }
  }

  /**
   * One rack system.
   *
   * @param id element id in the source
   * @param ratedPowerW nameplate power, W
   * @param designPowerW power the cooling is designed for, W
   * @param heatToLiquidFraction share of the rack's heat that goes to the liquid loop, 0..1
   * @param gpuCount GPUs in the rack
   * @param gpuTdpW thermal design power of one GPU, W
   * @param cduIndex index into {@link FacilityModel#cdus()}, or {@link FacilityModel#NO_CDU}
   * @param gpuLimits GPU temperature limits and cold-plate resistance
   * @param throughputTokensPerSecond tokens per second of the whole rack at full utilization, by
   *     workload name (such as {@code llama-2-70b-inference}); empty when the part gives none
   * @param ratedCoolantFlowLpm coolant flow through the rack at its rating, L/min; the cold-plate
   *     resistance in {@code gpuLimits} applies at this flow
   */
  public record Rack(
      String id,
      double ratedPowerW,
      double designPowerW,
      double heatToLiquidFraction,
      int gpuCount,
      double gpuTdpW,
      int cduIndex,
      GpuLimits gpuLimits,
      Map<String, Double> throughputTokensPerSecond,
      double ratedCoolantFlowLpm) {

    /**
     * Coolant flow per kW of rated power when the part gives none: the OCP guideline of 1.5 L/min
     * per kW (OCP OAI v1.0, quoted by a prophetstor.com white paper).
     */
    public static final double DEFAULT_FLOW_LPM_PER_KW = 1.5;

    /** A rack whose coolant flow is {@link #DEFAULT_FLOW_LPM_PER_KW} of its rated power. */
    public Rack(
        String id,
        double ratedPowerW,
        double designPowerW,
        double heatToLiquidFraction,
        int gpuCount,
        double gpuTdpW,
        int cduIndex,
        GpuLimits gpuLimits,
        Map<String, Double> throughputTokensPerSecond) {
      this(
          id,
          ratedPowerW,
          designPowerW,
          heatToLiquidFraction,
          gpuCount,
          gpuTdpW,
          cduIndex,
          gpuLimits,
          throughputTokensPerSecond,
          ratedPowerW / 1000.0 * DEFAULT_FLOW_LPM_PER_KW);
    }

    public Rack {
      requireNonNull("id", id);
      positive("ratedPowerW", ratedPowerW);
      positive("designPowerW", designPowerW);
      if (!(heatToLiquidFraction >= 0 && heatToLiquidFraction <= 1)) {
        throw new IllegalArgumentException(
            "heatToLiquidFraction of rack "
                + id
                + " must be in [0, 1], got "
                + heatToLiquidFraction);
      }
      if (gpuCount < 0) {
        throw new IllegalArgumentException("gpuCount of rack " + id + " must be >= 0");
      }
      nonNegative("gpuTdpW", gpuTdpW);
      if (cduIndex < NO_CDU) {
        throw new IllegalArgumentException("cduIndex of rack " + id + " must be >= -1");
      }
      requireNonNull("gpuLimits", gpuLimits);
      positive("ratedCoolantFlowLpm", ratedCoolantFlowLpm);
      throughputTokensPerSecond =
          Map.copyOf(throughputTokensPerSecond == null ? Map.of() : throughputTokensPerSecond);
    }

    /** Heat to liquid at design power, W. */
    public double designLiquidHeatW() {
      return designPowerW * heatToLiquidFraction;
    }
  }

  /**
   * GPU temperature limits and the thermal path from GPU to coolant.
   *
   * @param maxOperatingC highest normal operating temperature, °C
   * @param slowdownC temperature at which clocks are cut, °C
   * @param shutdownC temperature at which the GPU turns off, °C
   * @param coldPlateResistanceKPerW junction to coolant per GPU, K/W
   */
  public record GpuLimits(
      double maxOperatingC, double slowdownC, double shutdownC, double coldPlateResistanceKPerW) {

    /**
     * Hopper SXM limits read from nvidia-smi on an H800 system (87 / 89 / 92 °C; no Blackwell
     * figure was found) and 0.03 K/W, inside the 0.02 to 0.05 K/W per GPU that cooling-thermal.com
     * gives (secondary).
     */
    public static final GpuLimits DEFAULT = new GpuLimits(87, 89, 92, 0.03);

    public GpuLimits {
      if (!(maxOperatingC <= slowdownC && slowdownC <= shutdownC)) {
        throw new IllegalArgumentException(
            "GPU limits must satisfy maxOperating <= slowdown <= shutdown, got "
                + maxOperatingC
                + ", "
                + slowdownC
                + ", "
                + shutdownC);
      }
      positive("coldPlateResistanceKPerW", coldPlateResistanceKPerW);
    }
  }

  /** How the facility water finally rejects its heat. */
  public enum HeatRejectionKind {
    COOLING_TOWER,
    DRY_COOLER
  }

  /**
   * The plant that cools the facility water.
   *
   * @param heatRejectionKind towers (evaporative, use water) or dry coolers
   * @param heatRejectionUnits number of towers or dry coolers installed
   * @param heatRejectionUnitCapacityW rated heat of one unit, W
   * @param heatRejectionApproachK leaving water minus wet bulb (towers) or dry bulb (dry coolers)
   *     at design, K
   * @param heatRejectionFanPowerW fan power of one unit at full speed, W; NaN for the model default
   * @param chillers number of chillers installed; 0 for a plant without mechanical cooling
   * @param chillerCapacityW reference capacity of one chiller, W
   * @param chillerReferenceCop COP at the chiller's reference point
   * @param crahs number of CRAHs for the air-side heat
   * @param crahCapacityW sensible capacity of one CRAH, W
   * @param crahFanPowerW fan power of one CRAH at full speed, W; NaN for the model default
   */
  public record Plant(
      HeatRejectionKind heatRejectionKind,
      int heatRejectionUnits,
      double heatRejectionUnitCapacityW,
      double heatRejectionApproachK,
      double heatRejectionFanPowerW,
      int chillers,
      double chillerCapacityW,
      double chillerReferenceCop,
      int crahs,
      double crahCapacityW,
      double crahFanPowerW) {
    public Plant {
      requireNonNull("heatRejectionKind", heatRejectionKind);
      if (heatRejectionUnits < 1) {
        throw new IllegalArgumentException("heatRejectionUnits must be >= 1");
      }
      positive("heatRejectionUnitCapacityW", heatRejectionUnitCapacityW);
      nonNegative("heatRejectionApproachK", heatRejectionApproachK);
      if (chillers < 0 || crahs < 0) {
        throw new IllegalArgumentException("chillers and crahs must be >= 0");
      }
      if (chillers > 0) {
        positive("chillerCapacityW", chillerCapacityW);
        positive("chillerReferenceCop", chillerReferenceCop);
      }
      if (crahs > 0) {
        positive("crahCapacityW", crahCapacityW);
      }
    }

    /** Total installed heat-rejection capacity, W. */
    public double heatRejectionCapacityW() {
      return heatRejectionUnits * heatRejectionUnitCapacityW;
    }
  }

  /**
   * Operating setpoints.
   *
   * @param tcsSupplyC TCS supply temperature at the CDU outlet, °C
   * @param facilityWaterSupplyC facility water supply temperature, °C
   */
  public record Setpoints(double tcsSupplyC, double facilityWaterSupplyC) {

    /**
     * 30 °C TCS supply and 25 °C facility water: chosen defaults for warm-water liquid cooling, not
     * from a source. They leave a CDU approach of 5 K, the top of the 3 to 5 K that vendor
     * literature gives (secondary).
     */
    public static final Setpoints DEFAULT = new Setpoints(30.0, 25.0);

    public Setpoints {
      if (!(tcsSupplyC >= 5 && tcsSupplyC <= 60)) {
        throw new IllegalArgumentException("tcsSupplyC must be in [5, 60], got " + tcsSupplyC);
      }
      if (!(facilityWaterSupplyC >= 4 && facilityWaterSupplyC <= tcsSupplyC)) {
        throw new IllegalArgumentException(
            "facilityWaterSupplyC must be in [4, tcsSupplyC], got " + facilityWaterSupplyC);
      }
    }
  }

  private static <T> T requireNonNull(String what, T value) {
    if (value == null) {
      throw new IllegalArgumentException(what + " must not be null");
    }
    return value;
  }

  private static void positive(String what, double value) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(what + " must be finite and > 0, got " + value);
    }
  }

  private static void nonNegative(String what, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(what + " must be finite and >= 0, got " + value);
    }
  }
}
