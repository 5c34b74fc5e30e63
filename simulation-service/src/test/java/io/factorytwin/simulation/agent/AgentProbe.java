package io.factorytwin.simulation.agent;

import io.factorytwin.simulation.design.ReferenceHalls;
import io.factorytwin.simulation.input.WeatherYear;
import io.factorytwin.simulation.input.WorkloadTrace;
import io.factorytwin.simulation.model.FacilityModel;
import io.factorytwin.simulation.transients.BaselinePolicy;
import io.factorytwin.simulation.transients.FacilityHalls;
import io.factorytwin.simulation.transients.FeedForwardPolicy;
import io.factorytwin.simulation.transients.Hall;
import io.factorytwin.simulation.transients.TransientEngine;
import io.factorytwin.simulation.transients.TransientRun;

/** Scratch probe of the physics; not a test. */
public class AgentProbe {
  public static void main(String[] args) {
    String epw = System.getProperty("epw", "USA_VA_Leesburg.Exec.epw");
    String workload = System.getProperty("workload", "Alibaba_CPU_Data_Hourly_1.csv");
    int startHour = Integer.getInteger("hour", 4800);
    double hours = Double.parseDouble(System.getProperty("hours", "2"));
    FacilityModel model =
        ReferenceHalls.hallOfRacks(
            128, ReferenceHalls.virginia(), new FacilityModel.PowerSource("PJM", 0));
    Hall hall = FacilityHalls.toHall(model);
    var data = ReferenceHalls.inputDataSets();
    WeatherYear year = data.weather("w", epw, 2022);
    WorkloadTrace trace = data.workload("t", workload);
    double duration = hours * 3600;
    TransientEngine.Weather weather =
        TransientEngine.Weather.fromYear(year, startHour, (int) Math.ceil(hours) + 1);
    for (int h = 0; h < Math.ceil(hours) + 1; h++) {
      System.out.printf(
          "hour %d db %.1f level %.2f%n",
          startHour + h, weather.dryBulbC()[h], trace.utilization(startHour + h));
    }
    Episodes episodes =
        new Episodes(
            hall,
            trace,
            startHour * 3600.0,
            weather,
            duration,
            TransientEngine.Options.defaults(duration));
    String[] sps = System.getProperty("setpoints", "30,35,40,45").split(",");
    for (String sp : sps) {
      long t0 = System.nanoTime();
      TransientRun run = episodes.run(BaselinePolicy.pidSpeed(Double.parseDouble(sp), 10.0), 1);
      print("baseline " + sp, run, t0);
    }
    String ff = System.getProperty("ff");
    if (ff != null) {
      String[] p = ff.split(",");
      double[] v = new double[p.length];
      for (int i = 0; i < p.length; i++) v[i] = Double.parseDouble(p[i]);
      long t0 = System.nanoTime();
      print("ff", episodes.run(new FeedForwardPolicy(v), 1), t0);
    }
  }

  static void print(String label, TransientRun run, long t0) {
    System.out.printf(
        "%s: cooling %.1f kWh (ch %.1f fans %.1f pumps %.1f crah %.1f) IT %.0f kWh maxGPU %.2f over %.0f min tok/W %.4f wall %.2f s%n",
        label,
        run.coolingEnergyJ() / 3.6e6,
        run.chillersJ() / 3.6e6,
        run.heatRejectionFansJ() / 3.6e6,
        run.pumpsJ() / 3.6e6,
        run.crahsJ() / 3.6e6,
        run.itEnergyJ() / 3.6e6,
        run.maxGpuTemperatureC(),
        run.gpuOverLimitMinutes(),
        run.tokens() / run.facilityEnergyJ(),
        (System.nanoTime() - t0) / 1e9);
  }
}
