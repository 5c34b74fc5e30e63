package io.factorytwin.simulation.transients;

import io.factorytwin.simulation.model.FacilityModel;
import io.factorytwin.simulation.physics.Fluid;
import io.factorytwin.simulation.physics.thermal.AffinityLaws;
import io.factorytwin.simulation.physics.thermal.RackBank;
import java.util.ArrayList;
import java.util.List;

/**
 * Adapts a {@link FacilityModel} into the transient engine's {@link Hall}: racks grouped by their
 * CDU, CDUs sized from their design flow, approach and rise, the plant kind and the setpoints.
 *
 * <p>NOTE: the engine gives every rack one parameter set, taken from the first rack; racks of
 * another power, GPU count or limits are simulated with the first rack's values. The plant is sized
 * by {@code PlantModel.Configuration.sizedFor} from the racks' design heat, not from the model's
 * unit counts and capacities.
 */
public final class FacilityHalls {

  /**
   * GPU and cold-plate time constant, in s. NOTE: an estimate without a published source, the same
   * as {@code RackBank.Parameters.gb200Nvl72()}.
   */
  static final double GPU_TIME_CONSTANT_S = 3.0;

  /** IT power at idle over rated power; an estimate, the same as the GB200 default. */
  static final double IDLE_FRACTION = 0.3;

  /** Clock fraction just below shutdown; an estimate, the same as the GB200 default. */
  static final double MIN_CLOCK_FRACTION = 0.5;

  /** Smallest approach used to size a CDU exchanger, in K, so that its UA stays finite. */
  static final double MIN_APPROACH_K = 0.5;

  private FacilityHalls() {}

  /**
   * Builds the hall.
   *
   * @throws IllegalArgumentException naming the rack when a rack is on no CDU, or when the model
   *     has no rack
   */
  public static Hall toHall(FacilityModel model) {
    if (model.racks().isEmpty()) {
      throw new IllegalArgumentException("model " + model.name() + " has no rack");
    }
    List<String> uncooled = model.racksWithoutCdu();
    if (!uncooled.isEmpty()) {
      throw new IllegalArgumentException(
          "rack " + uncooled.getFirst() + " of " + model.name() + " is connected to no CDU");
    }
    RackBank.Parameters rack = rackParameters(model.racks().getFirst());
    List<List<String>> names = new ArrayList<>();
    for (int c = 0; c < model.cdus().size(); c++) {
      names.add(new ArrayList<>());
    }
    for (FacilityModel.Rack r : model.racks()) {
      names.get(r.cduIndex()).add(r.id());
    }
    List<Hall.Group> groups = new ArrayList<>();
    for (int c = 0; c < model.cdus().size(); c++) {
      if (names.get(c).isEmpty()) {
        continue;
      }
      groups.add(new Hall.Group(cduDesign(model.cdus().get(c), names.get(c).size()), names.get(c)));
    }
    return new Hall(
        model.name(),
        rack,
        groups,
        model.plant().heatRejectionKind() == FacilityModel.HeatRejectionKind.COOLING_TOWER,
        model.setpoints().facilityWaterSupplyC(),
        model.setpoints().tcsSupplyC(),
        Hall.FACILITY_LITERS_PER_RACK * model.racks().size());
  }

  static RackBank.Parameters rackParameters(FacilityModel.Rack r) {
    double gpuShare =
        Math.min(r.heatToLiquidFraction(), r.gpuCount() * r.gpuTdpW() / r.ratedPowerW());
    double tokens =
        r.throughputTokensPerSecond().values().stream()
            .mapToDouble(Double::doubleValue)
            .max()
            .orElse(RackBank.Parameters.gb200Nvl72().peakTokensPerSecond());
    FacilityModel.GpuLimits limits = r.gpuLimits();
    return new RackBank.Parameters(
        r.ratedPowerW(),
        IDLE_FRACTION,
        r.heatToLiquidFraction(),
        gpuShare,
        r.gpuCount(),
        limits.coldPlateResistanceKPerW(),
        GPU_TIME_CONSTANT_S,
        limits.maxOperatingC(),
        limits.slowdownC(),
        limits.shutdownC(),
        MIN_CLOCK_FRACTION,
        tokens,
        RackBank.ColdPlateFlow.atRatedFlow(r.ratedCoolantFlowLpm()));
  }

  static CduDesign cduDesign(FacilityModel.Cdu cdu, int racks) {
    Fluid water = Fluid.WATER;
    double flow = cdu.designFlowLpm();
    double rate = water.capacityRate(flow);
    double rise = cdu.designRiseK();
    double approach = Math.max(MIN_APPROACH_K, cdu.approachK());
    // Equal capacity rates on both sides (Cr = 1): ε = NTU/(1 + NTU), so NTU = ε/(1 − ε).
    double effectiveness = rise / (rise + approach);
    double ntu = effectiveness / (1 - effectiveness);
    double pumpPower =
        CduDesign.PUMP_HEAD_KPA * 1000.0 * flow / 60_000.0 / CduDesign.PUMP_EFFICIENCY;
    double perRackLiters = Math.max(1.0, racks);
    return new CduDesign(
        cdu.id(),
        ntu * rate,
        new AffinityLaws(flow, CduDesign.PUMP_HEAD_KPA, pumpPower),
        CduDesign.SUPPLY_LITERS_PER_RACK * perRackLiters,
        // Keep at least 1.5 s of design flow in each pipe so a 1 s loop step never drains it.
        Math.max(CduDesign.PIPE_LITERS_PER_RACK * perRackLiters, flow / 60.0 * 1.5),
        flow,
        water,
        water,
        CduDesign.DEFAULT_VALVE_GAIN,
        CduDesign.DEFAULT_VALVE_INTEGRAL_SECONDS,
        approach);
  }
}
