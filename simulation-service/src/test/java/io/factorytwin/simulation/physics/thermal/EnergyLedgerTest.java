package io.factorytwin.simulation.physics.thermal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class EnergyLedgerTest {

  @Test
  void balancedRunHasZeroError() {
    EnergyLedger ledger = new EnergyLedger(1_000.0);
    ledger.addItEnergy(500.0);
    ledger.addLosses(100.0);
    ledger.addHeatRejected(450.0);

    assertThat(ledger.imbalanceJoules(1_150.0)).isCloseTo(0.0, within(1e-12));
    assertThat(ledger.isBalanced(1_150.0, 1e-3)).isTrue();
  }

  @Test
  void missingHeatReportedAsRelativeError() {
    EnergyLedger ledger = new EnergyLedger(0.0);
    ledger.addItEnergy(1_000.0);
    ledger.addHeatRejected(990.0);

    assertThat(ledger.relativeError(0.0)).isCloseTo(0.01, within(1e-12));
    assertThat(ledger.isBalanced(0.0, 1e-3)).isFalse();
  }

  @Test
  void errorUndefinedBeforeEnergyEnters() {
    EnergyLedger ledger = new EnergyLedger(0.0);

    assertThatThrownBy(() -> ledger.relativeError(0.0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("add IT energy first");
  }
}
