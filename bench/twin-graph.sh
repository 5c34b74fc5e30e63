#!/usr/bin/env bash
# Twin graph at scale: ApplyDesign of a campus design, then impact and trace latencies over a
# loopback gRPC channel, against the local PostgreSQL (a fresh database per run).
#   bench/twin-graph.sh           about 10^6 nodes (789 halls, 8 sensors per rack)
#   bench/twin-graph.sh --quick   about 40,000 nodes, for CI
set -euo pipefail
cd "$(dirname "$0")/.."
. bin/java-env.sh
pick_java
halls=789
queries=2000
heap=6g
if [[ "${1:-}" == "--quick" ]]; then
  halls=32
  queries=400
  heap=1g
fi
./mvnw -B -q install -DskipTests -pl proto,service-support,test-support
./mvnw -B verify -pl twin-service -Dtest=TwinScaleBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbench.halls="$halls" -Dbench.queries="$queries" \
  -DargLine="-Xmx$heap -XX:+UseParallelGC" 2>&1 \
  | tee /tmp/twin-graph-bench.log | sed -n '/TWIN SCALE BENCHMARK/,/heap in use/p'
grep -q "BUILD SUCCESS" /tmp/twin-graph-bench.log || {
  grep -E "expected|Expect|FAIL|ERROR" /tmp/twin-graph-bench.log | head -20
  exit 1
}
