package io.factorytwin.simulation.transients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.factorytwin.simulation.input.TransientLoadGenerator;
import io.factorytwin.simulation.input.WorkloadTrace;
import org.junit.jupiter.api.Test;

/** The per-loop-step hook a plant emulation uses: early end, state reads and outside setpoints. */
class TransientEngineHookTest {

  private static TransientEngine engine(
      CoolingPolicy policy, double duration, TransientEngine.LoopHook hook) {
    Hall hall = Hall.gb200("hook", 30, 10);
    TransientLoadGenerator load =
        new TransientLoadGenerator(
            WorkloadTrace.of("trace", 0.9, 0.6),
            30,
            3,
            11,
            TransientLoadGenerator.Shape.defaults());
    return new TransientEngine(
        hall,
        load,
        3000,
        TransientEngineTest.MILD,
        policy,
        duration,
        TransientEngine.Options.defaults(duration).withLoopHook(hook));
  }

  @Test
  void hookEndsRun_midPlantStep_balanceCloses() {
    // 1,290 s is 21.5 plant steps of 60 s, so the run ends inside a plant step.
    TransientRun run =
        engine(BaselinePolicy.fixedSpeed(null, 1.0), 3600, (e, t) -> t < 1290).run(null);

    assertThat(run.simulatedSeconds()).isEqualTo(1290.0);
    assertThat(run.energyBalanceError()).isLessThan(TransientEngine.BALANCE_TOLERANCE);
    assertThat(run.itEnergyJ()).isGreaterThan(0);
  }

  @Test
  void hookSetpoint_movesOneCduSupply() {
    ExternalSetpointPolicy policy = new ExternalSetpointPolicy();
    double[] supply = new double[3];
    TransientEngine engine =
        engine(
            policy,
            600,
            (e, t) -> {
              if (t == 60) {
                policy.setSupplySetpoint(0, 34.0);
              }
              for (int g = 0; g < e.cduCount(); g++) {
                supply[g] = e.cduSupplyC(g);
              }
              return true;
            });
    TransientRun run = engine.run(null);

    assertThat(run.energyBalanceError()).isLessThan(TransientEngine.BALANCE_TOLERANCE);
    assertThat(supply[0]).isCloseTo(34.0, within(0.5));
    assertThat(supply[1]).isCloseTo(30.0, within(0.5));
    assertThat(supply[2]).isCloseTo(30.0, within(0.5));
  }

  @Test
  void rackPower_isTheSwingFreeMean() {
    double[] power = new double[1];
    double[] mean = new double[2];
    engine(
            BaselinePolicy.fixedSpeed(null, 1.0),
            60,
            (e, t) -> {
              power[0] = 0;
              for (int i = 0; i < 30; i++) {
                power[0] += e.rackPowerW(i);
              }
              mean[0] += power[0];
              mean[1]++;
              return true;
            })
        .run(null);
    TransientRun run = engine(BaselinePolicy.fixedSpeed(null, 1.0), 60, null).run(null);

    // The summed rack power over the minute matches the IT energy within 1 %: the swing the
    // accessor leaves out averages to zero.
    assertThat(mean[0] / mean[1] * 60).isCloseTo(run.itEnergyJ(), within(0.01 * run.itEnergyJ()));
  }
}
