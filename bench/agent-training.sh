#!/usr/bin/env bash
# Agent training and evaluation on the 128-rack reference hall (8 rows of 16 GB200 NVL72 racks,
# 24 CDUs). A cross-entropy search trains predictive-liquid-cooling on training seeds. The fair
# baseline is the reactive PID with its pump PID at the highest setpoint safe on the training
# seeds, found with the same budget. Both then run held-out seeds. Prints the cooling energy
# saving by component, GPU minutes over the limit, the tokens-per-watt change and the wall time.
#   bench/agent-training.sh           10 min episodes, one starting in each hour of a day
#                                     (24 training and 24 held-out seeds), budget 300, as the
#                                     demo trains; requires a 20 % saving, 0 over-limit minutes
#                                     and tokens per watt no lower
#   bench/agent-training.sh --quick   10 min episodes over 3 h, 4 + 2 seeds, budget 96; requires 0
#                                     over-limit minutes for the agent, closed energy
#                                     balances, and a baseline whose hottest GPU is within 0.5 K
#                                     under the limit (the baseline search found the edge). It
#                                     does not check the saving.
# Set BENCH_WEATHER, BENCH_WORKLOAD, BENCH_START_HOUR (hour of the year, local standard time of
# the weather file) to run another scenario, and BENCH_HOURS, BENCH_WINDOW_HOURS (span over which
# the episodes are spread), BENCH_TRAINING_SEEDS, BENCH_HELD_OUT_SEEDS and BENCH_BUDGET to change
# the episodes and the search.
set -euo pipefail
cd "$(dirname "$0")/.."
. bin/java-env.sh
pick_java
hours=0.16666666666666666
window=24
budget=300
training=24
held_out=24
min_saving=0.20
min_tokens=0.0
baseline_edge_k=1000
if [[ "${1:-}" == "--quick" ]]; then
  hours=0.16666666666666666
  window=3
  budget=96
  training=4
  held_out=2
  min_saving=-1000
  min_tokens=-1000
  baseline_edge_k=0.5
fi
./mvnw -B -q install -DskipTests -pl proto,service-support,test-support
./mvnw -B test -pl simulation-service -Dtest=AgentTrainingBenchmark \
  -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbench.weather="${BENCH_WEATHER:-USA_AZ_Phoenix-Sky.Harbor.epw}" \
  -Dbench.workload="${BENCH_WORKLOAD:-GoogleClusteData_CPU_Data_Hourly_1.csv}" \
  -Dbench.start-hour="${BENCH_START_HOUR:-4574}" \
  -Dbench.hours="${BENCH_HOURS:-$hours}" -Dbench.window-hours="${BENCH_WINDOW_HOURS:-$window}" \
  -Dbench.budget="${BENCH_BUDGET:-$budget}" \
  -Dbench.training-seeds="${BENCH_TRAINING_SEEDS:-$training}" \
  -Dbench.held-out-seeds="${BENCH_HELD_OUT_SEEDS:-$held_out}" \
  -Dbench.min-saving="$min_saving" -Dbench.min-tokens-per-watt-change="$min_tokens" \
  -Dbench.baseline-edge-k="$baseline_edge_k" 2>&1 \
  | tee /tmp/agent-training-bench.log \
  | sed -n '/AGENT TRAINING BENCHMARK/,/END AGENT TRAINING BENCHMARK/p'
grep -q "BUILD SUCCESS" /tmp/agent-training-bench.log || {
  grep -E "expected|Expect|FAIL|ERROR|\[(saving|agent|baseline|tokens)" /tmp/agent-training-bench.log | head -20
  exit 1
}
