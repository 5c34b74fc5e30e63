#!/usr/bin/env bash
# Sustained telemetry ingest into one twin over one loopback gRPC stream, with roll-ups written
# to the local PostgreSQL (a fresh database per run) and the insight rules active.
#   bench/twin-ingest.sh           about 10^6 points for 125 facility seconds
#   bench/twin-ingest.sh --quick   about 30,000 points for 70 facility seconds, for CI
set -euo pipefail
cd "$(dirname "$0")/.."
. bin/java-env.sh
pick_java
halls=318
rounds=125
min_rate=1000000
heap=3g
if [[ "${1:-}" == "--quick" ]]; then
  halls=10
  rounds=70
  # CI shares the machine with the build; the quick run checks that ingest works at a useful
  # rate, the full run checks the issue's figure.
  min_rate=100000
fi
./mvnw -B -q install -DskipTests -pl proto,service-support,test-support
./mvnw -B verify -pl twin-service -Dtest=TwinIngestBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbench.halls="$halls" -Dbench.rounds="$rounds" -Dbench.min-rate="$min_rate" \
  -DargLine="-Xmx$heap -XX:+UseParallelGC" 2>&1 \
  | tee /tmp/twin-ingest-bench.log | sed -n '/TWIN INGEST BENCHMARK/,/heap after GC/p'
grep -q "BUILD SUCCESS" /tmp/twin-ingest-bench.log || {
  grep -E "expected|Expect|FAIL|ERROR" /tmp/twin-ingest-bench.log | head -20
  exit 1
}
