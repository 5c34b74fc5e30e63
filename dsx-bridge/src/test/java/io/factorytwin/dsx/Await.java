package io.factorytwin.dsx;

import java.util.function.BooleanSupplier;

/** Polling waits of the bridge tests, which fail with the bridge's counters in the message. */
final class Await {

  private Await() {}

  /** Waits until a condition holds, polling every 50 ms, or fails after the timeout. */
  static void until(String what, long timeoutMs, BooleanSupplier condition, BridgeCounters counters)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError(
            "timed out waiting for " + what + "; counters " + counters.snapshot());
      }
      Thread.sleep(50);
    }
  }
}
