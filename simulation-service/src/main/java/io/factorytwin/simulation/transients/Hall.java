package io.factorytwin.simulation.transients;

import io.factorytwin.simulation.physics.Fluid;
import io.factorytwin.simulation.physics.thermal.RackBank;
import java.util.ArrayList;
import java.util.List;

/**
 * The transient engine's own description of a hall: CDU groups of identical racks, the plant kind
 * and the setpoints. It is the input record of {@link TransientEngine}; a facility model from a
 * design or twin is adapted into it.
 *
 * @param name the model name reported in results
 * @param rack parameters shared by every rack
 * @param groups one entry per CDU, in order; the racks of group k are numbered after those of
 *     groups 0..k−1
 * @param coolingTower true for an evaporative tower bank, false for dry coolers
 * @param facilitySupplySetpointC facility water supply setpoint, in °C
 * @param tcsSupplySetpointC default TCS supply setpoint of every CDU, in °C
 * @param facilityLoopLiters water volume of the facility loop, in L
 */
public record Hall(
    String name,
    RackBank.Parameters rack,
    List<Group> groups,
    boolean coolingTower,
    double facilitySupplySetpointC,
    double tcsSupplySetpointC,
    double facilityLoopLiters) {

  /**
   * The racks on one CDU.
   *
   * @param cdu the CDU design
   * @param rackNames one name per rack, such as a twin node name
   */
  public record Group(CduDesign cdu, List<String> rackNames) {
    public Group {
      rackNames = List.copyOf(rackNames);
      if (rackNames.isEmpty()) {
        throw new IllegalArgumentException("CDU " + cdu.name() + " has no racks");
      }
    }
  }

  /**
   * Facility water supply setpoint for warm-water liquid cooling, in °C. NOTE: a design choice,
   * giving a 30 °C TCS supply with a 3 to 5 K CDU approach.
   */
  public static final double DEFAULT_FACILITY_SUPPLY_C = 25.0;

  /** TCS supply setpoint, in °C; a design choice inside the 25 to 45 °C of warm-water designs. */
  public static final double DEFAULT_TCS_SUPPLY_C = 30.0;

  /** Facility loop volume per rack, in L; an assumption for headers, pipes and buffer tanks. */
  public static final double FACILITY_LITERS_PER_RACK = 50.0;

  public Hall {
    groups = List.copyOf(groups);
    if (groups.isEmpty()) {
      throw new IllegalArgumentException("hall " + name + " has no CDU");
    }
    if (!(facilityLoopLiters > 0)) {
      throw new IllegalArgumentException("facility loop volume must be positive");
    }
  }

  /**
   * Builds a hall of GB200 NVL72 racks, {@code racksPerCdu} on each CDU (the last CDU takes the
   * rest), with water in every loop and a cooling-tower plant.
   */
  public static Hall gb200(String name, int racks, int racksPerCdu) {
    RackBank.Parameters rack = RackBank.Parameters.gb200Nvl72();
    List<Group> groups = new ArrayList<>();
    int cdus = (racks + racksPerCdu - 1) / racksPerCdu;
    for (int c = 0; c < cdus; c++) {
      int first = c * racksPerCdu;
      int count = Math.min(racksPerCdu, racks - first);
      List<String> names = new ArrayList<>(count);
      for (int r = 0; r < count; r++) {
        names.add("rack-" + (first + r + 1));
      }
      groups.add(new Group(CduDesign.sizedFor("cdu-" + (c + 1), count, rack, Fluid.WATER), names));
    }
    return new Hall(
        name,
        rack,
        groups,
        true,
        DEFAULT_FACILITY_SUPPLY_C,
        DEFAULT_TCS_SUPPLY_C,
        FACILITY_LITERS_PER_RACK * racks);
  }

  /** Returns the number of racks over every group. */
  public int rackCount() {
    int sum = 0;
    for (Group group : groups) {
      sum += group.rackNames().size();
    }
    return sum;
  }

  /** Returns a copy with one group replaced. */
  public Hall withGroup(int index, Group group) {
    List<Group> copy = new ArrayList<>(groups);
    copy.set(index, group);
    return new Hall(
        name,
        rack,
        copy,
        coolingTower,
        facilitySupplySetpointC,
        tcsSupplySetpointC,
        facilityLoopLiters);
  }

  /** Returns a copy with another rack parameter set. */
  public Hall withRack(RackBank.Parameters parameters) {
    return new Hall(
        name,
        parameters,
        groups,
        coolingTower,
        facilitySupplySetpointC,
        tcsSupplySetpointC,
        facilityLoopLiters);
  }

  /** Returns a copy with another TCS supply setpoint. */
  public Hall withTcsSupplySetpoint(double setpointC) {
    return new Hall(
        name, rack, groups, coolingTower, facilitySupplySetpointC, setpointC, facilityLoopLiters);
  }
}
