package io.factorytwin.simulation.physics.plant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;

class PsychrometricsTest {

  private static final double SEA_LEVEL_PA = 101_325.0;

  @Test
  void saturationPressureMatchesAshraeTable() {
    // ASHRAE Handbook Fundamentals 2017 SI, ch. 1, Table 3, as quoted by psychrolib's tests;
    // ASHRAE states the formulation is within 300 ppm of these values.
    assertThat(Psychrometrics.saturationPressure(-20))
        .isCloseTo(103.24, Percentage.withPercentage(0.03));
    assertThat(Psychrometrics.saturationPressure(-5))
        .isCloseTo(401.74, Percentage.withPercentage(0.03));
    assertThat(Psychrometrics.saturationPressure(5))
        .isCloseTo(872.6, Percentage.withPercentage(0.03));
    assertThat(Psychrometrics.saturationPressure(25))
        .isCloseTo(3169.7, Percentage.withPercentage(0.03));
    assertThat(Psychrometrics.saturationPressure(50))
        .isCloseTo(12351.3, Percentage.withPercentage(0.03));
  }

  @Test
  void humidityRatioAtSaturation() {
    // ASHRAE 2017 ch. 1, Table 2: Ws at 25 °C and 101.325 kPa is 0.020173 kg/kg.
    double ws = Psychrometrics.humidityRatio(Psychrometrics.saturationPressure(25), SEA_LEVEL_PA);
    assertThat(ws).isCloseTo(0.020173, Percentage.withPercentage(0.5));
  }

  @Test
  void ashraeExampleOneWetBulb() {
    // ASHRAE 2017 ch. 1, Example 1: 40 °C dry bulb, 20 °C wet bulb at 101.325 kPa gives
    // W = 0.0065 kg/kg.
    double w = Psychrometrics.humidityRatioFromWetBulb(40, 20, SEA_LEVEL_PA);
    assertThat(w).isCloseTo(0.0065, within(0.0001));

    // Back from the dew point that this humidity ratio implies to the wet bulb.
    double vapour = w * SEA_LEVEL_PA / (Psychrometrics.MOLAR_MASS_RATIO + w);
    double dewPoint = Psychrometrics.dewPoint(40, vapour / Psychrometrics.saturationPressure(40));
    assertThat(Psychrometrics.wetBulb(40, dewPoint, SEA_LEVEL_PA)).isCloseTo(20.0, within(0.01));
  }

  @Test
  void thirtyDegreesFiftyPercent() {
    // The usual sea-level chart reading for 30 °C and 50 % RH: dew point about 18.4 °C, wet bulb
    // about 22.0 °C. It is not checked against a printed chart here; the ASHRAE Example 1 test
    // above is the cited check.
    double dewPoint = Psychrometrics.dewPoint(30, 0.5);
    assertThat(dewPoint).isCloseTo(18.44, within(0.05));
    assertThat(Psychrometrics.wetBulb(30, dewPoint, SEA_LEVEL_PA)).isCloseTo(22.0, within(0.1));
  }

  @Test
  void wetBulbBoundsAndSaturation() {
    assertThat(Psychrometrics.wetBulb(20, 20, SEA_LEVEL_PA)).isCloseTo(20.0, within(0.01));
    double wetBulb = Psychrometrics.wetBulb(35, 10, SEA_LEVEL_PA);
    assertThat(wetBulb).isGreaterThan(10).isLessThan(35);
  }

  @Test
  void wetBulbBelowFreezing() {
    double dewPoint = Psychrometrics.dewPoint(-5, 0.6);
    double wetBulb = Psychrometrics.wetBulb(-5, dewPoint, SEA_LEVEL_PA);
    assertThat(wetBulb).isGreaterThan(dewPoint).isLessThan(-5);
    assertThat(Psychrometrics.humidityRatioFromWetBulb(-5, wetBulb, SEA_LEVEL_PA))
        .isCloseTo(
            Psychrometrics.humidityRatio(Psychrometrics.saturationPressure(dewPoint), SEA_LEVEL_PA),
            Percentage.withPercentage(0.5));
  }

  @Test
  void wetBulbFallsWithAltitude() {
    // Lower pressure raises the humidity ratio at the same dew point and lowers the wet bulb.
    double seaLevel = Psychrometrics.wetBulb(30, 15, SEA_LEVEL_PA);
    double highSite = Psychrometrics.wetBulb(30, 15, 84_556);
    assertThat(highSite).isLessThan(seaLevel);
  }

  @Test
  void invalidInputsNameTheArgument() {
    assertThatThrownBy(() -> Psychrometrics.saturationPressure(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("temperatureC");
    assertThatThrownBy(() -> Psychrometrics.wetBulb(Double.NaN, 10, SEA_LEVEL_PA))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dryBulbC");
    assertThatThrownBy(() -> Psychrometrics.wetBulb(20, Double.NaN, SEA_LEVEL_PA))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dewPointC");
    assertThatThrownBy(() -> Psychrometrics.wetBulb(20, 10, Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pressurePa");
    assertThatThrownBy(() -> Psychrometrics.wetBulb(20, 25, SEA_LEVEL_PA))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dewPointC");
    assertThatThrownBy(() -> Psychrometrics.dewPoint(20, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("relativeHumidity");
    assertThatThrownBy(() -> Psychrometrics.humidityRatio(2000, 1000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("vapourPressurePa");
  }
}
