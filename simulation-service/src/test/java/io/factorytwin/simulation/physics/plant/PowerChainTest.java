package io.factorytwin.simulation.physics.plant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;

class PowerChainTest {

  private static final double UPS_RATED_W = 1_000_000;
  private static final double TRANSFORMER_RATED_W = 1_500_000;

  private final PowerChain chain = PowerChain.withDefaults(UPS_RATED_W, TRANSFORMER_RATED_W);

  @Test
  void upsEfficiencyInVendorBandAtTypicalLoad() {
    for (double fraction = 0.4; fraction <= 0.8001; fraction += 0.1) {
      assertThat(chain.upsEfficiency(fraction * UPS_RATED_W))
          .as("UPS efficiency at %.0f %% load", fraction * 100)
          .isBetween(0.95, 0.97);
    }
  }

  @Test
  void upsEfficiencyLowerAtLightLoad() {
    double light = chain.upsEfficiency(0.1 * UPS_RATED_W);
    assertThat(light).isLessThan(0.95);
    assertThat(light).isLessThan(chain.upsEfficiency(0.4 * UPS_RATED_W));
    assertThat(chain.upsEfficiency(0)).isZero();
  }

  @Test
  void transformerMeetsDoeLevelAtThirtyFivePercent() {
    // 10 CFR 431.196(a)(2): 1,000 kVA three-phase low-voltage dry-type, 99.28 % at 35 % load.
    assertThat(chain.transformerEfficiency(0.35 * TRANSFORMER_RATED_W))
        .isCloseTo(0.9928, Percentage.withPercentage(0.001));
  }

  @Test
  void chainLossesAddUp() {
    PowerChainLosses losses = new PowerChainLosses();
    chain.evaluate(600_000, losses);
    assertThat(losses.distributionLossW).isCloseTo(6_000, Percentage.withPercentage(1e-9));
    double upsOutput = 606_000;
    assertThat(losses.upsLossW)
        .isCloseTo(
            10_000 + 0.015 * upsOutput + 0.01 * upsOutput * upsOutput / UPS_RATED_W,
            Percentage.withPercentage(1e-9));
    assertThat(losses.utilityInputW)
        .isCloseTo(600_000 + losses.totalLossW(), Percentage.withPercentage(1e-12));
    assertThat(losses.transformerLossW).isPositive();
  }

  @Test
  void zeroLoadStillHasNoLoadLosses() {
    PowerChainLosses losses = new PowerChainLosses();
    chain.evaluate(0, losses);
    assertThat(losses.upsLossW).isCloseTo(10_000, Percentage.withPercentage(1e-9));
    assertThat(losses.transformerLossW).isPositive();
    assertThat(losses.distributionLossW).isZero();
  }

  @Test
  void invalidInputsNameTheArgument() {
    PowerChainLosses losses = new PowerChainLosses();
    assertThatThrownBy(() -> chain.evaluate(Double.NaN, losses))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("itLoadW");
    assertThatThrownBy(() -> PowerChain.withDefaults(Double.NaN, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("upsRatedW");
  }
}
