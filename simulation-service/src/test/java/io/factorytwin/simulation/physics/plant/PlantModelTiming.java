package io.factorytwin.simulation.physics.plant;

import java.lang.management.ManagementFactory;

/**
 * Times 8,760 hourly plant evaluations for a 1,000-rack hall; not a test. Run with {@code java -cp
 * target/classes:target/test-classes io.factorytwin.simulation.physics.plant.PlantModelTiming} from
 * simulation-service after {@code test-compile}.
 */
public final class PlantModelTiming {

  private PlantModelTiming() {}

  public static void main(String[] args) {
    double liquid = 108_000_000;
    double air = 12_000_000;
    PlantModel plant = new PlantModel(PlantModel.Configuration.sizedFor(liquid, air, true));
    PlantHour hour = new PlantHour();
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().threadId();
    for (int run = 1; run <= 3; run++) {
      EconomizerState memory = new EconomizerState();
      double chillerEnergyWh = 0;
      int freeHours = 0;
      long allocatedBefore = threads.getThreadAllocatedBytes(thread);
      long start = System.nanoTime();
      for (int h = 0; h < 8760; h++) {
        // Synthetic weather: a seasonal swing of ±12 K and a daily swing of ±5 K around 14 °C.
        double season = Math.cos(2 * Math.PI * (h / 24.0 - 200) / 365.0);
        double day = Math.cos(2 * Math.PI * (h % 24 - 15) / 24.0);
        double dryBulb = 14 + 12 * season + 5 * day;
        double dewPoint = dryBulb - 6 - 2 * day;
        plant.evaluate(liquid, air, dryBulb, dewPoint, 101_325, 25, 3600, memory, hour);
        chillerEnergyWh += hour.chillerPowerW;
        if (hour.freeCooling) {
          freeHours++;
        }
      }
      double millis = (System.nanoTime() - start) / 1e6;
      long allocated = threads.getThreadAllocatedBytes(thread) - allocatedBefore;
      System.out.printf(
          "run %d: 8760 hours in %.1f ms, %d bytes allocated, free-cooling hours %d,"
              + " chiller energy %.0f MWh%n",
          run, millis, allocated, freeHours, chillerEnergyWh / 1e6);
    }
  }
}
