package io.factorytwin.simulation.physics.plant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.factorytwin.simulation.physics.Fluid;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;

class PlantModelTest {

  // A hall of 1,000 racks at 120 kW with 90 % of the heat to liquid.
  private static final double LIQUID_W = 108_000_000;
  private static final double AIR_W = 12_000_000;
  private static final double PRESSURE_PA = 101_325;
  private static final double HOUR = 3600;

  private final PlantHour hour = new PlantHour();

  private static PlantModel towerPlant() {
    return new PlantModel(PlantModel.Configuration.sizedFor(LIQUID_W, AIR_W, true));
  }

  private void evaluate(
      PlantModel plant, double dryBulb, double dewPoint, double supply, EconomizerState memory) {
    plant.evaluate(LIQUID_W, AIR_W, dryBulb, dewPoint, PRESSURE_PA, supply, HOUR, memory, hour);
  }

  private void assertBalanced() {
    assertThat(hour.energyBalanceError()).isLessThan(PlantModel.ENERGY_BALANCE_TOLERANCE);
    PlantModel.checkEnergyBalance(hour, PlantModel.ENERGY_BALANCE_TOLERANCE);
  }

  @Test
  void coldWeatherFreeCools() {
    evaluate(towerPlant(), 5, 0, 25, new EconomizerState());
    assertThat(hour.mode).isEqualTo(EconomizerMode.FREE_COOLING);
    assertThat(hour.freeCooling).isTrue();
    assertThat(hour.chillerPowerW).isZero();
    assertThat(hour.chillersRunning).isZero();
    assertThat(hour.supplyTemperatureC).isCloseTo(25.0, within(1e-9));
    assertThat(hour.heatRejectionFanPowerW).isPositive();
    assertBalanced();
  }

  @Test
  void mildWeatherPrecoolsAndTrims() {
    evaluate(towerPlant(), 30, 19, 25, new EconomizerState());
    assertThat(hour.mode).isEqualTo(EconomizerMode.PARTIAL);
    assertThat(hour.economizerHeatW).isPositive();
    assertThat(hour.chillerLoadW).isPositive();
    assertThat(hour.chillerPowerW).isPositive();
    assertThat(hour.supplyTemperatureC).isCloseTo(25.0, within(1e-9));
    assertBalanced();
  }

  @Test
  void conventionalChilledWaterRunsMechanical() {
    evaluate(towerPlant(), 30, 19, 7, new EconomizerState());
    assertThat(hour.mode).isEqualTo(EconomizerMode.MECHANICAL);
    assertThat(hour.economizerHeatW).isZero();
    assertThat(hour.enteringCondenserWaterC).isGreaterThanOrEqualTo(18.0);
    double itAndPumps = LIQUID_W + AIR_W + hour.crahFanPowerW + hour.facilityPumpPowerW;
    assertThat(hour.chillerLoadW).isCloseTo(itAndPumps, Percentage.withPercentage(1e-6));
    // COP of the McQuay chiller with 18 to 26 °C condenser water: 5 to 8.
    assertThat(hour.chillerLoadW / hour.chillerPowerW).isBetween(5.0, 8.0);
    assertBalanced();
  }

  @Test
  void warmChilledWaterUsesCarnotChillers() {
    // 45 °C dry bulb with a 28 °C dew point: wet bulb about 31 °C, too warm to precool 15 °C water.
    evaluate(towerPlant(), 45, 28, 15, new EconomizerState());
    assertThat(hour.mode).isEqualTo(EconomizerMode.MECHANICAL);
    assertThat(hour.chillerPowerW).isPositive();
    assertBalanced();
  }

  @Test
  void heatRejectedExceedsItHeatByCoolingPower() {
    evaluate(towerPlant(), 30, 19, 7, new EconomizerState());
    double expected = LIQUID_W + AIR_W + hour.coolingPowerW() - hour.heatRejectionFanPowerW;
    assertThat(hour.heatRejectedW).isCloseTo(expected, Percentage.withPercentage(0.1));
    assertThat(hour.waterUseLiters).isPositive();
  }

  @Test
  void dryCoolerPlantUsesNoWater() {
    PlantModel plant = new PlantModel(PlantModel.Configuration.sizedFor(LIQUID_W, AIR_W, false));
    evaluate(plant, 10, 5, 30, new EconomizerState());
    assertThat(hour.mode).isEqualTo(EconomizerMode.FREE_COOLING);
    assertThat(hour.waterUseLiters).isZero();
    assertBalanced();
    evaluate(plant, 30, 20, 30, new EconomizerState());
    assertThat(hour.mode).isEqualTo(EconomizerMode.PARTIAL);
    assertThat(hour.waterUseLiters).isZero();
    assertBalanced();
    // At 38 °C the dry coolers cannot get below the 40 °C facility return.
    evaluate(plant, 38, 20, 30, new EconomizerState());
    assertThat(hour.mode).isEqualTo(EconomizerMode.MECHANICAL);
    assertThat(hour.waterUseLiters).isZero();
    assertBalanced();
  }

  @Test
  void adiabaticDryCoolerUsesWaterOnlyWhenHot() {
    PlantModel.Configuration dry = PlantModel.Configuration.sizedFor(LIQUID_W, AIR_W, false);
    DryCooler wet = DryCooler.withDefaults(LIQUID_W * 1.4, DryCooler.AdiabaticPads.withDefaults());
    PlantModel plant = new PlantModel(dry.withHeatRejection(wet));
    evaluate(plant, 20, 10, 30, new EconomizerState());
    assertThat(hour.waterUseLiters).isZero();
    assertBalanced();
    evaluate(plant, 35, 18, 30, new EconomizerState());
    assertThat(hour.waterUseLiters).isPositive();
    assertBalanced();
  }

  @Test
  void wrongHeatCapacityInOneUnitFailsBalance() {
    PlantModel.Configuration good = PlantModel.Configuration.sizedFor(LIQUID_W, AIR_W, true);
    // The tower computes its heat with a heat capacity 10 % below the loop's water.
    Fluid wrongWater = new Fluid("water with a wrong cp", 997.0, 3_762.0);
    CoolingTower badTower =
        new CoolingTower(LIQUID_W * 1.4, 3.0, 0.013 * LIQUID_W * 1.4, 0.2, 1.55, 4.0, wrongWater);
    PlantModel plant = new PlantModel(good.withHeatRejection(badTower));

    // Dry bulb, dew point and supply setpoint for free cooling, partial and mechanical hours.
    double[][] hours = {{5, 0, 25}, {30, 19, 25}, {30, 19, 7}};
    EconomizerMode[] modes = {
      EconomizerMode.FREE_COOLING, EconomizerMode.PARTIAL, EconomizerMode.MECHANICAL
    };
    for (int i = 0; i < hours.length; i++) {
      evaluate(plant, hours[i][0], hours[i][1], hours[i][2], new EconomizerState());
      assertThat(hour.mode).isEqualTo(modes[i]);
      assertThat(hour.energyBalanceError()).as("mode %s", hour.mode).isGreaterThan(0.05);
      assertThatThrownBy(
              () -> PlantModel.checkEnergyBalance(hour, PlantModel.ENERGY_BALANCE_TOLERANCE))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("energy balance failed");
    }
  }

  @Test
  void modeHoldsInTransientSteps() {
    PlantModel plant = towerPlant();
    EconomizerState memory = new EconomizerState();
    plant.evaluate(LIQUID_W, AIR_W, 5, 0, PRESSURE_PA, 25, 60, memory, hour);
    assertThat(hour.mode).isEqualTo(EconomizerMode.FREE_COOLING);
    // The weather turns hot: the plant stays in free cooling for the 30 min hold and lets the
    // supply temperature float above its setpoint.
    for (int minute = 1; minute < 30; minute++) {
      plant.evaluate(LIQUID_W, AIR_W, 40, 26, PRESSURE_PA, 25, 60, memory, hour);
      assertThat(hour.mode).as("minute %d", minute).isEqualTo(EconomizerMode.FREE_COOLING);
      assertThat(hour.supplyTemperatureC).isGreaterThan(25.0);
      assertBalanced();
    }
    plant.evaluate(LIQUID_W, AIR_W, 40, 26, PRESSURE_PA, 25, 60, memory, hour);
    assertThat(hour.mode).isEqualTo(EconomizerMode.PARTIAL);
  }

  @Test
  void zeroItLoadStillBalances() {
    PlantModel plant = towerPlant();
    plant.evaluate(0, 0, 20, 10, PRESSURE_PA, 25, HOUR, new EconomizerState(), hour);
    assertThat(hour.crahFanPowerW).isZero();
    assertThat(hour.chillerPowerW).isZero();
    assertBalanced();
  }

  @Test
  void invalidInputsNameTheArgument() {
    PlantModel plant = towerPlant();
    EconomizerState memory = new EconomizerState();
    assertThatThrownBy(
            () -> plant.evaluate(Double.NaN, AIR_W, 20, 10, PRESSURE_PA, 25, HOUR, memory, hour))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("itHeatToLiquidW");
    assertThatThrownBy(
            () ->
                plant.evaluate(
                    LIQUID_W, AIR_W, Double.NaN, 10, PRESSURE_PA, 25, HOUR, memory, hour))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dryBulbC");
    assertThatThrownBy(
            () ->
                plant.evaluate(
                    LIQUID_W, AIR_W, 20, Double.NaN, PRESSURE_PA, 25, HOUR, memory, hour))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dewPointC");
    assertThatThrownBy(
            () ->
                plant.evaluate(
                    LIQUID_W, AIR_W, 20, 10, PRESSURE_PA, Double.NaN, HOUR, memory, hour))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("supplySetpointC");
  }
}
