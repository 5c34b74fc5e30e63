package io.factorytwin.simulation.physics.plant;

/** Losses of a {@link PowerChain} at one IT load, in W, written into a caller-owned instance. */
public final class PowerChainLosses {

  /** PDU and busway loss in W. */
  public double distributionLossW;

  /** UPS loss in W. */
  public double upsLossW;

  /** Transformer loss in W. */
  public double transformerLossW;

  /** Power drawn from the utility for the IT load, in W: IT load plus all three losses. */
  public double utilityInputW;

  /** Returns the sum of the three losses in W. */
  public double totalLossW() {
    return distributionLossW + upsLossW + transformerLossW;
  }
}
