package io.factorytwin.simulation.agent;

import io.factorytwin.simulation.transients.TransientRun;
import io.factorytwin.simulation.transients.TransientRunner;
import io.factorytwin.simulation.v1.TransientKpis;
import java.util.List;

/** KPIs of transient runs, one run as TRANSIENT jobs report it, or several summed. */
final class Kpis {

  private Kpis() {}

  static TransientKpis of(TransientRun run) {
    return TransientRunner.kpis(run);
  }

  /**
   * Sums energies, tokens, minutes, spikes and durations over the runs; the maximum GPU
   * temperature, peak power and energy balance error are the largest of any run, and PUE and tokens
   * per watt are recomputed from the sums.
   */
  static TransientKpis sum(List<TransientRun> runs) {
    double it = 0;
    double chillers = 0;
    double fans = 0;
    double pumps = 0;
    double crahs = 0;
    double tokens = 0;
    double minutes = 0;
    long spikes = 0;
    double maxGpu = Double.NEGATIVE_INFINITY;
    double peak = 0;
    double error = 0;
    double seconds = 0;
    for (TransientRun run : runs) {
      it += run.itEnergyJ();
      chillers += run.chillersJ();
      fans += run.heatRejectionFansJ();
      pumps += run.pumpsJ();
      crahs += run.crahsJ();
      tokens += run.tokens();
      minutes += run.gpuOverLimitMinutes();
      spikes += run.thermalSpikeCount();
      maxGpu = Math.max(maxGpu, run.maxGpuTemperatureC());
      peak = Math.max(peak, run.peakFacilityPowerW());
      error = Math.max(error, run.energyBalanceError());
      seconds += run.simulatedSeconds();
    }
    TransientRun total =
        new TransientRun(
            it, chillers, fans, pumps, crahs, maxGpu, minutes, spikes, tokens, peak, 0, 0, 0, 0,
            error, seconds, 0, List.of());
    return TransientRunner.kpis(total);
  }
}
