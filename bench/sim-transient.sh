#!/usr/bin/env bash
# TRANSIENT speed: a 1,000-rack hall, every rack simulated (no aggregation), one simulated day at
# a 1 s thermal step with the exact first-order solution of each rack's GPU node (swing included),
# 1 s CDU and loop steps and 60 s plant steps. Also times two simulated hours at a 0.1 s thermal
# step for comparison.
#   bench/sim-transient.sh           one simulated day, at least 10^4 x real time (8.64 s)
#   bench/sim-transient.sh --quick   two simulated hours, at least 2,500 x real time, for CI
set -euo pipefail
cd "$(dirname "$0")/.."
. bin/java-env.sh
pick_java
simulated=86400
min_speedup=10000
if [[ "${1:-}" == "--quick" ]]; then
  simulated=7200
  # CI shares the machine with the build; the quick run checks that the engine runs at a useful
  # rate, the full run checks the required 10,000 times real time.
  min_speedup=2500
fi
./mvnw -B -q install -DskipTests -pl proto,service-support,test-support
./mvnw -B test -pl simulation-service -Dtest=TransientBenchmark \
  -Dsurefire.failIfNoSpecifiedTests=false -Dbench.racks=1000 \
  -Dbench.simulated-seconds="$simulated" -Dbench.min-speedup="$min_speedup" \
  -Dbench.thermal-step=1.0 -Dbench.compare-thermal-step=0.1 2>&1 \
  | tee /tmp/sim-transient-bench.log \
  | sed -n '/TRANSIENT BENCHMARK/,/END TRANSIENT BENCHMARK/p'
grep -q "BUILD SUCCESS" /tmp/sim-transient-bench.log || {
  grep -E "expected|Expect|FAIL|ERROR" /tmp/sim-transient-bench.log | head -20
  exit 1
}
