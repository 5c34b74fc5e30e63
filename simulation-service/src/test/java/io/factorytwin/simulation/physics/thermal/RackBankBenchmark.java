package io.factorytwin.simulation.physics.thermal;

import io.factorytwin.simulation.physics.Fluid;

/**
 * Measures the time of one rack step in a bank of 1,000 racks. Not a JUnit test, because timings
 * depend on the machine. Run after {@code mvn test-compile} from simulation-service with {@code
 * java -cp target/classes:target/test-classes
 * io.factorytwin.simulation.physics.thermal.RackBankBenchmark}.
 */
public final class RackBankBenchmark {

  private RackBankBenchmark() {}

  public static void main(String[] args) {
    int racks = 1_000;
    int steps = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    RackBank bank = new RackBank(racks, RackBank.Parameters.gb200Nvl72(), Fluid.WATER, 30.0);
    for (int i = 0; i < racks; i++) {
      bank.setFlow(i, 180.0);
      bank.setUtilization(i, 0.3 + 0.6 * i / racks);
    }

    // Warm-up lets the JIT compile the step loop before timing.
    double checksum = run(bank, steps / 4);
    long start = System.nanoTime();
    checksum += run(bank, steps);
    long elapsed = System.nanoTime() - start;

    System.out.printf(
        "%d racks x %d steps: %.2f ns per rack step (checksum %.3f)%n",
        racks, steps, (double) elapsed / ((double) racks * steps), checksum);
  }

  private static double run(RackBank bank, int steps) {
    double sum = 0.0;
    for (int s = 0; s < steps; s++) {
      bank.step(0.01, 30.0 + (s & 7) * 0.01);
      sum += bank.mixedOutletTemperatureC();
    }
    return sum / steps;
  }
}
