package io.factorytwin.simulation.transients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.factorytwin.simulation.input.TransientLoadGenerator;
import io.factorytwin.simulation.input.WorkloadTrace;
import org.junit.jupiter.api.Test;

/**
 * The facility supply-temperature reset: the plant makes the warmest water that lets every CDU hold
 * its TCS setpoint, so a warmer TCS setpoint lowers plant energy.
 */
class SupplyResetTest {

  /** Warm, humid weather in which a 25 °C facility supply needs chillers. */
  static final TransientEngine.Weather WARM = TransientEngine.Weather.constant(32, 22, 101_325);

  private static TransientEngine engine(Hall hall, CoolingPolicy policy, double duration) {
    TransientLoadGenerator load =
        new TransientLoadGenerator(
            WorkloadTrace.of("trace", 0.8),
            hall.rackCount(),
            1,
            5,
            TransientLoadGenerator.Shape.defaults());
    return new TransientEngine(
        hall, load, 0, WARM, policy, duration, TransientEngine.Options.defaults(duration));
  }

  @Test
  void facilitySetpoint_isLowestTcsSetpointMinusApproach() {
    Hall hall = Hall.gb200("reset", 20, 10);
    double approach =
        hall.groups().getFirst().cdu().designApproachK() + TransientEngine.RESET_MARGIN_K;

    assertThat(engine(hall, BaselinePolicy.fixedSpeed(40.0, 1.0), 60).facilitySupplySetpointC())
        .isCloseTo(40.0 - approach, within(1e-12));
    // Never below the hall's design facility setpoint.
    assertThat(engine(hall, BaselinePolicy.fixedSpeed(20.0, 1.0), 60).facilitySupplySetpointC())
        .isCloseTo(hall.facilitySupplySetpointC(), within(1e-12));
    // Above the chillers' warmest water only free cooling makes it, so the setpoint is not capped.
    assertThat(engine(hall, BaselinePolicy.fixedSpeed(60.0, 1.0), 60).facilitySupplySetpointC())
        .isCloseTo(60.0 - approach, within(1e-12));
  }

  @Test
  void facilitySetpoint_followsTheColdestCdu() {
    Hall hall = Hall.gb200("reset", 20, 10);
    double approach =
        hall.groups().getFirst().cdu().designApproachK() + TransientEngine.RESET_MARGIN_K;
    CoolingPolicy split =
        new CoolingPolicy() {
          @Override
          public void reset(int cdus, double defaultSetpointC) {}

          @Override
          public void decide(
              int cdu, double dt, double load, double supplyC, double returnC, Decision out) {
            out.supplySetpointC = cdu == 0 ? 42.0 : 36.0;
            out.pumpSpeed = 1.0;
          }

          @Override
          public String label() {
            return "split";
          }
        };
    assertThat(engine(hall, split, 60).facilitySupplySetpointC())
        .isCloseTo(36.0 - approach, within(1e-12));
  }

  @Test
  void warmerTcsSetpoint_lowersPlantEnergy() {
    Hall hall = Hall.gb200("reset", 20, 10);
    TransientRun cool = engine(hall, BaselinePolicy.pidSpeed(32.0, 10.0), 1800).run(null);
    TransientRun warm = engine(hall, BaselinePolicy.pidSpeed(42.0, 10.0), 1800).run(null);
    double coolPlant = cool.chillersJ() + cool.heatRejectionFansJ();
    double warmPlant = warm.chillersJ() + warm.heatRejectionFansJ();
    System.out.printf(
        "supply reset: chillers + fans %.1f kWh at 32 °C TCS, %.1f kWh at 42 °C%n",
        coolPlant / 3.6e6, warmPlant / 3.6e6);

    assertThat(warmPlant).isLessThan(0.8 * coolPlant);
    // 55 °C facility water, above the chillers' range, comes from the towers alone.
    TransientRun hot = engine(hall, BaselinePolicy.pidSpeed(60.0, 10.0), 600).run(null);
    assertThat(hot.chillersJ()).isZero();
    assertThat(hot.energyBalanceError()).isLessThan(TransientEngine.BALANCE_TOLERANCE);
    assertThat(warm.energyBalanceError()).isLessThan(TransientEngine.BALANCE_TOLERANCE);
    assertThat(cool.energyBalanceError()).isLessThan(TransientEngine.BALANCE_TOLERANCE);
  }
}
