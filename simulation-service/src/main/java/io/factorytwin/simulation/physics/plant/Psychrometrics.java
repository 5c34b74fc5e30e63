package io.factorytwin.simulation.physics.plant;

/**
 * Moist-air properties for the heat-rejection models, in SI units (°C, Pa, kg water per kg dry
 * air).
 *
 * <p>Equations from ASHRAE Handbook Fundamentals (2017, SI edition), chapter 1: the saturation
 * pressure is the Hyland–Wexler (1983) formulation of equations 5 (over ice, −100 to 0 °C) and 6
 * (over liquid water, 0 to 200 °C), the humidity ratio is equation 20, and the wet bulb follows
 * from the psychrometric equations 33 (above freezing) and 35 (below). The coefficients are those
 * of that chapter as psychrolib 2.5 implements them.
 */
public final class Psychrometrics {

  /** Ratio of the molar masses of water and dry air, 18.015268 / 28.966 (ASHRAE eq. 20). */
  public static final double MOLAR_MASS_RATIO = 0.621945;

  private static final double KELVIN_OFFSET = 273.15;

  // Hyland–Wexler over ice, ASHRAE 2017 ch. 1 eq. 5.
  private static final double C1 = -5.6745359e3;
  private static final double C2 = 6.3925247;
  private static final double C3 = -9.6778430e-3;
  private static final double C4 = 6.2215701e-7;
  private static final double C5 = 2.0747825e-9;
  private static final double C6 = -9.4840240e-13;
  private static final double C7 = 4.1635019;

  // Hyland–Wexler over liquid water, ASHRAE 2017 ch. 1 eq. 6.
  private static final double C8 = -5.8002206e3;
  private static final double C9 = 1.3914993;
  private static final double C10 = -4.8640239e-2;
  private static final double C11 = 4.1764768e-5;
  private static final double C12 = -1.4452093e-8;
  private static final double C13 = 6.5459673;

  /** Wet-bulb and dew-point iterations stop when the bracket is narrower than this, in K. */
  static final double TEMPERATURE_TOLERANCE_K = 0.001;

  private static final double MIN_TEMPERATURE_C = -100.0;
  private static final double MAX_TEMPERATURE_C = 200.0;

  private Psychrometrics() {}

  /**
   * Returns the saturation vapour pressure in Pa over liquid water at or above 0 °C and over ice
   * below it.
   *
   * @param temperatureC temperature in °C, from −100 to 200
   */
  public static double saturationPressure(double temperatureC) {
    checkTemperature("temperatureC", temperatureC);
    return saturationPressureUnchecked(temperatureC);
  }

  private static double saturationPressureUnchecked(double temperatureC) {
    double t = temperatureC + KELVIN_OFFSET;
    double lnP;
    if (temperatureC < 0) {
      lnP = C1 / t + C2 + t * (C3 + t * (C4 + t * (C5 + t * C6))) + C7 * Math.log(t);
    } else {
      lnP = C8 / t + C9 + t * (C10 + t * (C11 + t * C12)) + C13 * Math.log(t);
    }
    return Math.exp(lnP);
  }

  /**
   * Returns the humidity ratio in kg water per kg dry air (ASHRAE eq. 20).
   *
   * @param vapourPressurePa partial pressure of water vapour in Pa
   * @param pressurePa total (station) pressure in Pa, greater than the vapour pressure
   */
  public static double humidityRatio(double vapourPressurePa, double pressurePa) {
    Arguments.nonNegative("vapourPressurePa", vapourPressurePa);
    Arguments.positive("pressurePa", pressurePa);
    if (vapourPressurePa >= pressurePa) {
      throw new IllegalArgumentException(
          "vapourPressurePa must be below pressurePa, got "
              + vapourPressurePa
              + " Pa at "
              + pressurePa
              + " Pa");
    }
    return MOLAR_MASS_RATIO * vapourPressurePa / (pressurePa - vapourPressurePa);
  }

  /**
   * Returns the thermodynamic wet-bulb temperature in °C. Solves the psychrometric equation (ASHRAE
   * eq. 33, or eq. 35 over ice) for the wet bulb by bisection between the dew point and the dry
   * bulb, to {@value #TEMPERATURE_TOLERANCE_K} K.
   *
   * @param dryBulbC dry-bulb temperature in °C
   * @param dewPointC dew-point temperature in °C, at most the dry bulb
   * @param pressurePa station pressure in Pa
   */
  public static double wetBulb(double dryBulbC, double dewPointC, double pressurePa) {
    checkTemperature("dryBulbC", dryBulbC);
    checkTemperature("dewPointC", dewPointC);
    Arguments.positive("pressurePa", pressurePa);
    if (dewPointC > dryBulbC) {
      throw new IllegalArgumentException(
          "dewPointC must not exceed dryBulbC, got dew point "
              + dewPointC
              + " °C at dry bulb "
              + dryBulbC
              + " °C");
    }
    double humidityRatio = humidityRatio(saturationPressureUnchecked(dewPointC), pressurePa);

    // The humidity ratio implied by a wet-bulb guess rises with the guess, so the root is
    // bracketed by the dew point (too low or equal) and the dry bulb (too high or equal).
    double low = dewPointC;
    double high = dryBulbC;
    while (high - low > TEMPERATURE_TOLERANCE_K) {
      double mid = 0.5 * (low + high);
      if (humidityRatioFromWetBulb(dryBulbC, mid, pressurePa) > humidityRatio) {
        high = mid;
      } else {
        low = mid;
      }
    }
    return 0.5 * (low + high);
  }

  /** Returns the humidity ratio that a dry bulb and wet bulb imply (ASHRAE eq. 33 and 35). */
  static double humidityRatioFromWetBulb(double dryBulbC, double wetBulbC, double pressurePa) {
    double saturated =
        MOLAR_MASS_RATIO
            * saturationPressureUnchecked(wetBulbC)
            / (pressurePa - saturationPressureUnchecked(wetBulbC));
    if (wetBulbC >= 0) {
      return ((2501.0 - 2.326 * wetBulbC) * saturated - 1.006 * (dryBulbC - wetBulbC))
          / (2501.0 + 1.86 * dryBulbC - 4.186 * wetBulbC);
    }
    return ((2830.0 - 0.24 * wetBulbC) * saturated - 1.006 * (dryBulbC - wetBulbC))
        / (2830.0 + 1.86 * dryBulbC - 2.1 * wetBulbC);
  }

  /**
   * Returns the dew point in °C of air at a dry bulb and relative humidity. Inverts the
   * saturation-pressure formulation by Newton iteration on its logarithm, to {@value
   * #TEMPERATURE_TOLERANCE_K} K.
   *
   * @param dryBulbC dry-bulb temperature in °C
   * @param relativeHumidity relative humidity as a fraction, greater than 0 and at most 1
   */
  public static double dewPoint(double dryBulbC, double relativeHumidity) {
    checkTemperature("dryBulbC", dryBulbC);
    if (!(relativeHumidity > 0 && relativeHumidity <= 1)) {
      throw new IllegalArgumentException(
          "relativeHumidity must be greater than 0 and at most 1, got " + relativeHumidity);
    }
    double lnTarget = Math.log(relativeHumidity * saturationPressureUnchecked(dryBulbC));
    double t = dryBulbC;
    for (int i = 0; i < 50; i++) {
      double lnP = Math.log(saturationPressureUnchecked(t));
      // d(ln p)/dT by a central difference, so one code path serves both branches.
      double slope =
          (Math.log(saturationPressureUnchecked(t + 0.01))
                  - Math.log(saturationPressureUnchecked(t - 0.01)))
              / 0.02;
      double step = (lnP - lnTarget) / slope;
      t = Math.max(MIN_TEMPERATURE_C, t - step);
      if (Math.abs(step) < TEMPERATURE_TOLERANCE_K) {
        return t;
      }
    }
    throw new IllegalStateException(
        "dew point did not converge for dry bulb "
            + dryBulbC
            + " °C and relative humidity "
            + relativeHumidity);
  }

  private static void checkTemperature(String name, double temperatureC) {
    if (!(temperatureC >= MIN_TEMPERATURE_C && temperatureC <= MAX_TEMPERATURE_C)) {
      throw new IllegalArgumentException(
          name
              + " must be between "
              + MIN_TEMPERATURE_C
              + " and "
              + MAX_TEMPERATURE_C
              + " °C, got "
              + temperatureC);
    }
  }
}
