package io.factorytwin.simulation.physics.plant;

/** Argument checks shared by the plant models; every message names the rejected argument. */
final class Arguments {

  private Arguments() {}

  static double finite(String name, double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(name + " must be a finite number, got " + value);
    }
    return value;
  }

  static double nonNegative(String name, double value) {
    if (!(value >= 0) || value == Double.POSITIVE_INFINITY) {
      throw new IllegalArgumentException(
          name + " must be a finite number of at least 0, got " + value);
    }
    return value;
  }

  static double positive(String name, double value) {
    if (!(value > 0) || value == Double.POSITIVE_INFINITY) {
      throw new IllegalArgumentException(
          name + " must be a finite number greater than 0, got " + value);
    }
    return value;
  }

  static double fraction(String name, double value) {
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException(name + " must be between 0 and 1, got " + value);
    }
    return value;
  }
}
