package io.factorytwin.simulation.design;

import io.factorytwin.simulation.model.FacilityModel.Rack;
import java.util.Map;

/**
 * Tokens per second of a rack on a named workload. A rack's part spec may carry its own table
 * ({@code rack.throughput}), which wins; otherwise the figures below apply. Throughput depends on
 * the model served, so there is no single constant: each row names its workload and source.
 */
public final class ThroughputTable {

  /** The workload of the reference scenario, and the default of a design evaluation. */
  public static final String DEFAULT_WORKLOAD = "llama-2-70b-inference";

  /**
   * Whole-rack tokens per second at full utilization, by workload, for a GB200 NVL72 rack: Azure
   * reported about 865,000 tokens/s on Llama 2 70B for one GB200 NVL72 rack. NVIDIA quotes
   * 1,800,000 tokens/s per MW for GB200 NVL72 (10× its 180,000 tokens/s per MW for Hopper, model
   * dependent), which is 216,000 tokens/s for a rack at 120 kW.
   */
  private static final Map<String, Double> GB200_NVL72_RACK =
      Map.of(DEFAULT_WORKLOAD, 865_000.0, "nvidia-reference-per-mw", 216_000.0);

  /** NVIDIA's per-MW figures: 180,000 tokens/s per MW for Hopper, 10× that for GB200 NVL72. */
  private static final double HOPPER_TOKENS_PER_SECOND_PER_W = 180_000.0 / 1e6;

  private static final double BLACKWELL_TOKENS_PER_SECOND_PER_W = 1_800_000.0 / 1e6;

  /** GPU TDP above which a rack counts as Blackwell class: H100/H200 SXM are 700 W. */
  private static final double HOPPER_MAX_TDP_W = 700.0;

  private ThroughputTable() {}

  /** Returns the rack's tokens per second at full utilization on the workload. */
  public static double tokensPerSecond(Rack rack, String workload) {
    Double own = rack.throughputTokensPerSecond().get(workload);
    if (own != null) {
      return own;
    }
    boolean blackwell = rack.gpuTdpW() > HOPPER_MAX_TDP_W;
    if (blackwell && rack.gpuCount() == 72) {
      Double row = GB200_NVL72_RACK.get(workload);
      if (row != null) {
        return row;
      }
    }
    // Other racks and workloads: the per-MW figures, scaled by the rack's design power.
    return rack.designPowerW()
        * (blackwell ? BLACKWELL_TOKENS_PER_SECOND_PER_W : HOPPER_TOKENS_PER_SECOND_PER_W);
  }
}
