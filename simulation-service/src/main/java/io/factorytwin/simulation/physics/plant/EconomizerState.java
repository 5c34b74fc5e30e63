package io.factorytwin.simulation.physics.plant;

/**
 * The mode memory that {@link Economizer} carries from one step to the next: the current mode and
 * how long it has been held. A new state has no mode, so the first selection is free of any hold
 * time.
 */
public final class EconomizerState {

  private EconomizerMode mode;
  private double secondsInMode;

  public EconomizerState() {}

  /** Creates a state that has held {@code mode} for {@code secondsInMode} seconds. */
  public EconomizerState(EconomizerMode mode, double secondsInMode) {
    this.mode = mode;
    this.secondsInMode = Arguments.nonNegative("secondsInMode", secondsInMode);
  }

  /** Returns the current mode, or null before the first selection. */
  public EconomizerMode mode() {
    return mode;
  }

  /** Returns how long the current mode has been held, in s. */
  public double secondsInMode() {
    return secondsInMode;
  }

  void advance(EconomizerMode next, double stepSeconds) {
    if (next != mode) {
      mode = next;
      secondsInMode = 0;
    }
    secondsInMode += stepSeconds;
  }
}
