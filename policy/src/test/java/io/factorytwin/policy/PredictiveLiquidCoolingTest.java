package io.factorytwin.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PredictiveLiquidCoolingTest {

  private static final double EPSILON = 1e-9;

  /** Parameters with setpoint 40 °C − 10 K per unit of load and pump 0.5 + 0.4 per unit. */
  private static Map<String, Double> parameters(double leadTimeS, double filterTimeS) {
    Map<String, Double> values = new HashMap<>();
    values.put("setpoint_c", 40.0);
    values.put("setpoint_load_gain_k", 10.0);
    values.put("lead_time_s", leadTimeS);
    values.put("filter_time_s", filterTimeS);
    values.put("pump_speed_min", 0.5);
    values.put("pump_speed_load_gain", 0.4);
    return values;
  }

  private static PredictiveLiquidCooling policy(Map<String, Double> values) {
    return PredictiveLiquidCooling.create(PredictiveLiquidCooling.ALGORITHM, values);
  }

  @Test
  void steadyLoad_followsLinearLaw() {
    PredictiveLiquidCooling policy = policy(parameters(30, 20));

    PredictiveLiquidCooling.Decision decision = policy.decide(0, 60, 0.5);

    assertEquals(40 - 10 * 0.5, decision.supplySetpointC(), EPSILON);
    assertEquals(0.5 + 0.4 * 0.5, decision.pumpSpeedFraction(), EPSILON);
  }

  @Test
  void loadStep_isFilteredExponentially() {
    PredictiveLiquidCooling policy = policy(parameters(0, 10));
    policy.decide(0, 10, 0.0);

    PredictiveLiquidCooling.Decision decision = policy.decide(0, 10, 1.0);

    // One time constant after a unit step, a first-order filter has reached 1 − e^−1.
    double filtered = 1 - Math.exp(-1);
    assertEquals(40 - 10 * filtered, decision.supplySetpointC(), EPSILON);
    assertEquals(0.5 + 0.4 * filtered, decision.pumpSpeedFraction(), EPSILON);
  }

  @Test
  void leadTime_addsRateOfFilteredLoad() {
    PredictiveLiquidCooling policy = policy(parameters(5, 10));
    policy.decide(0, 10, 0.0);

    PredictiveLiquidCooling.Decision decision = policy.decide(0, 10, 1.0);

    double filtered = 1 - Math.exp(-1);
    double predicted = filtered + 5 * (filtered / 10);
    assertEquals(40 - 10 * predicted, decision.supplySetpointC(), EPSILON);
  }

  @Test
  void fallingLoad_predictionNotBelowZero() {
    PredictiveLiquidCooling policy = policy(parameters(1000, 0));
    policy.decide(0, 1, 1.0);

    PredictiveLiquidCooling.Decision decision = policy.decide(0, 1, 0.0);

    assertEquals(40, decision.supplySetpointC(), EPSILON);
    assertEquals(0.5, decision.pumpSpeedFraction(), EPSILON);
  }

  @Test
  void setpoint_clampedToContractRange() {
    Map<String, Double> low = parameters(0, 0);
    low.put("setpoint_load_gain_k", 100.0);
    Map<String, Double> high = parameters(0, 0);
    high.put("setpoint_c", 75.0);

    assertEquals(5, policy(low).decide(0, 1, 1.0).supplySetpointC(), EPSILON);
    assertEquals(60, policy(high).decide(0, 1, 0.0).supplySetpointC(), EPSILON);
  }

  @Test
  void pump_clampedToMinimumAndFullSpeed() {
    Map<String, Double> low = parameters(0, 0);
    low.put("pump_speed_min", 0.1);
    low.put("pump_speed_load_gain", 0.0);
    Map<String, Double> high = parameters(0, 0);
    high.put("pump_speed_load_gain", 2.0);

    assertEquals(0.3, policy(low).decide(0, 1, 0.5).pumpSpeedFraction(), EPSILON);
    assertEquals(1.0, policy(high).decide(0, 1, 0.9).pumpSpeedFraction(), EPSILON);
  }

  @Test
  void cdus_keepSeparateFilters() {
    PredictiveLiquidCooling policy = policy(parameters(0, 10));
    policy.decide(0, 10, 0.0);
    policy.decide(3, 10, 1.0);

    assertEquals(40 - 10 * 1.0, policy.decide(3, 10, 1.0).supplySetpointC(), EPSILON);
    assertEquals(
        40 - 10 * (1 - Math.exp(-1)), policy.decide(0, 10, 1.0).supplySetpointC(), EPSILON);
  }

  @Test
  void reset_restartsFilter() {
    PredictiveLiquidCooling policy = policy(parameters(0, 10));
    policy.decide(0, 10, 0.0);
    policy.reset();

    assertEquals(30, policy.decide(0, 10, 1.0).supplySetpointC(), EPSILON);
  }

  @Test
  void create_missingKey_namesIt() {
    Map<String, Double> values = parameters(0, 10);
    values.remove("lead_time_s");

    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> policy(values));

    assertTrue(error.getMessage().contains("missing parameter lead_time_s"), error.getMessage());
  }

  @Test
  void create_unknownKey_namesIt() {
    Map<String, Double> values = parameters(0, 10);
    values.put("gain", 1.0);

    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> policy(values));

    assertTrue(error.getMessage().contains("unknown parameter gain"), error.getMessage());
  }

  @Test
  void create_nonFiniteValue_namesKey() {
    Map<String, Double> values = parameters(0, 10);
    values.put("pump_speed_load_gain", Double.NaN);

    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> policy(values));

    assertTrue(error.getMessage().contains("pump_speed_load_gain = NaN"), error.getMessage());
  }

  @Test
  void create_negativeFilterTime_isRejected() {
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> policy(parameters(0, -1)));

    assertTrue(error.getMessage().contains("filter_time_s = -1.0"), error.getMessage());
  }

  @Test
  void create_otherAlgorithm_isRejected() {
    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class,
            () -> PredictiveLiquidCooling.create("pid", parameters(0, 10)));

    assertTrue(error.getMessage().contains("unknown policy algorithm 'pid'"), error.getMessage());
  }

  @Test
  void decide_invalidInputs_areRejected() {
    PredictiveLiquidCooling policy = policy(parameters(0, 10));

    assertThrows(IllegalArgumentException.class, () -> policy.decide(-1, 1, 0.5));
    assertThrows(IllegalArgumentException.class, () -> policy.decide(0, 0, 0.5));
    assertThrows(IllegalArgumentException.class, () -> policy.decide(0, 1, Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> policy.decide(0, 1, -0.1));
  }

  @Test
  void named_returnsValuesInKeyOrder() {
    PredictiveLiquidCooling policy = policy(parameters(5, 10));

    assertEquals(PredictiveLiquidCooling.KEYS, policy.named().keySet().stream().toList());
    assertEquals(5.0, policy.named().get("lead_time_s"));
    assertEquals(10.0, policy.vector()[3]);
  }
}
