#!/usr/bin/env bash
# An estimate of the ceiling of the agent's saving: the fair baseline against an hour-by-hour
# oracle that picks the baseline's two setpoints (TCS supply temperature, pump rise target) anew
# for each held-out episode, knowing it in advance. Same hall, scenario and episodes as
# bench/agent-training.sh.
#   bench/agent-oracle.sh           10 min episodes, one starting in each hour of a day (24
#                                   training and 24 held-out seeds), budget 300
#   bench/agent-oracle.sh --quick   10 min episodes over 3 h, 3 + 3 seeds, budget 42; checks that
#                                   the per-episode search finds a safe pair no worse than the
#                                   fair baseline wherever that one is safe
# Set BENCH_WEATHER, BENCH_WORKLOAD, BENCH_START_HOUR (as in bench/agent-training.sh),
# BENCH_WINDOW_HOURS, BENCH_SEEDS (training seeds 1..n and held-out seeds 1001..1000+n) and
# BENCH_BUDGET to run another scenario.
set -euo pipefail
cd "$(dirname "$0")/.."
. bin/java-env.sh
pick_java
window=24
seeds=24
budget=300
if [[ "${1:-}" == "--quick" ]]; then
  window=3
  seeds=3
  budget=42
fi
./mvnw -B -q install -DskipTests -pl proto,service-support,test-support
./mvnw -B test -pl simulation-service -Dtest=HourlyOracleBenchmark \
  -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbench.weather="${BENCH_WEATHER:-USA_AZ_Phoenix-Sky.Harbor.epw}" \
  -Dbench.workload="${BENCH_WORKLOAD:-GoogleClusteData_CPU_Data_Hourly_1.csv}" \
  -Dbench.start-hour="${BENCH_START_HOUR:-4574}" \
  -Dbench.hours=0.16666666666666666 -Dbench.window-hours="${BENCH_WINDOW_HOURS:-$window}" \
  -Dbench.budget="${BENCH_BUDGET:-$budget}" -Dbench.seeds="${BENCH_SEEDS:-$seeds}" 2>&1 \
  | tee /tmp/agent-oracle-bench.log \
  | sed -n '/HOURLY ORACLE BENCHMARK/,/END HOURLY ORACLE BENCHMARK/p'
grep -q "BUILD SUCCESS" /tmp/agent-oracle-bench.log || {
  grep -E "expected|Expect|FAIL|ERROR|oracle energy|safe" /tmp/agent-oracle-bench.log | head -20
  exit 1
}
