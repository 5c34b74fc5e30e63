#!/usr/bin/env bash
# Measures import, design rule checks, submit and release of a gigawatt-scale design in
# lifecycle-service on PostgreSQL, driven through factoryctl as a partner tool would drive it.
#
#   bench/lifecycle-scale.sh            7,552 racks (examples/generate-campus.py --racks 7500)
#   bench/lifecycle-scale.sh --quick    1,024 racks, the short run of 'bin/factory test'
#
# Limits checked (full run): import, check, submit and release together in at most 30 s, and the
# design rule checks in at most 5 s. The quick run scales both limits to its share of the
# full design's elements and adds 1.5 s per factoryctl call for the client's JVM start-up,
# which does not shrink with the design. LIFECYCLE_SCALE_LIMIT_FACTOR multiplies every limit
# ('bin/factory test' uses 2), and FACTORYTWIN_JAVA_OPTS replaces the service's JVM options.
# Exits non-zero when a limit is exceeded, a call fails, or the checks report an error.
#
# It builds lifecycle-service for PostgreSQL into lifecycle-service/target/bench-postgresql
# (the H2 build in target/quarkus-app stays as it is) and factoryctl when their sources are
# newer than the jars, creates a database of its own, starts the service alone on
# 127.0.0.1:${LIFECYCLE_SCALE_PORT:-18101}, and drops the database and stops the service on exit.
# PostgreSQL is taken from FACTORYTWIN_TEST_PG (host:port, default 127.0.0.1:5432) and
# FACTORYTWIN_TEST_PG_USER (default postgres), as the tests take it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../bin/java-env.sh"
pick_java

quick=false
case "${1:-}" in
  "") ;;
  --quick) quick=true ;;
  -h | --help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "error: unknown argument '$1'; expected --quick or nothing" >&2; exit 2 ;;
esac

FULL_RACKS=7500
# Placements plus connections that examples/generate-campus.py writes for FULL_RACKS.
FULL_ELEMENTS=$((14101 + 108560))
FULL_TOTAL_LIMIT_S=30
FULL_CHECK_LIMIT_S=5
CLI_START_ALLOWANCE_S=1.5
racks=$FULL_RACKS
$quick && racks=1000
factor=${LIFECYCLE_SCALE_LIMIT_FACTOR:-1}
port=${LIFECYCLE_SCALE_PORT:-18101}
pg=${FACTORYTWIN_TEST_PG:-127.0.0.1:5432}
pg_host=${pg%:*}
pg_port=${pg##*:}
pg_user=${FACTORYTWIN_TEST_PG_USER:-postgres}
database="factorytwin_bench_lifecycle_$$"
home=$FACTORYTWIN_HOME
service_dir="$home/lifecycle-service/target/bench-postgresql"
service_jar="$service_dir/quarkus-run.jar"
cli_jar="$home/cli/target/factoryctl.jar"

# Rebuilds when a jar is missing or a source it is built from changed after it.
stale() {
  local jar=$1
  shift
  [ ! -f "$jar" ] || [ -n "$(find "$@" -newer "$jar" -type f -print -quit)" ]
}
sources=("$home/pom.xml" "$home/proto/src" "$home/proto/pom.xml" "$home/service-support/src"
  "$home/service-support/pom.xml")
if stale "$service_jar" "${sources[@]}" "$home/lifecycle-service/src/main" \
  "$home/lifecycle-service/pom.xml" || stale "$cli_jar" "${sources[@]}" "$home/cli/src/main" \
  "$home/cli/pom.xml"; then
  echo "building lifecycle-service for PostgreSQL and factoryctl ..."
  (cd "$home" && ./mvnw -B -q -Ppostgresql package -DskipTests -pl lifecycle-service,cli -am \
    -Dquarkus.package.output-directory=bench-postgresql)
fi

work=$(mktemp -d)
pid=""
psql_admin() {
  psql -h "$pg_host" -p "$pg_port" -U "$pg_user" -d postgres -v ON_ERROR_STOP=1 -q -c "$1"
}
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    wait "$pid" 2>/dev/null || true
  fi
  psql_admin "DROP DATABASE IF EXISTS $database" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "generating the design ..."
python3 "$home/examples/generate-campus.py" --racks "$racks" -o "$work/campus.yaml" 2>"$work/counts"
cat "$work/counts"
"$home/bin/factoryctl" dev init --dir "$work/run" >/dev/null
psql_admin "CREATE DATABASE $database"

# shellcheck disable=SC2046
(cd "$work" && QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT="$port" \
  QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://$pg_host:$pg_port/$database" \
  QUARKUS_DATASOURCE_USERNAME="$pg_user" QUARKUS_DATASOURCE_PASSWORD= \
  FACTORYTWIN_JWT_PUBLIC_KEY="$work/run/jwt/public.pem" \
  exec "$JAVA_HOME/bin/java" $(service_java_opts lifecycle "$work/run") -jar "$service_jar" \
  >"$work/lifecycle.log" 2>&1) &
pid=$!
deadline=$((SECONDS + 60))
until curl -sf "http://127.0.0.1:$port/q/health/ready" >/dev/null 2>&1; do
  if ! kill -0 "$pid" 2>/dev/null || [ $SECONDS -ge $deadline ]; then
    echo "error: lifecycle-service did not become ready on port $port; its log:" >&2
    tail -n 30 "$work/lifecycle.log" >&2
    exit 1
  fi
  sleep 0.1
done

ctl() {
  FACTORYTWIN_LIFECYCLE_ADDRESS="127.0.0.1:$port" \
    FACTORYTWIN_TOKEN="$(cat "$work/run/tokens/operator.jwt")" "$home/bin/factoryctl" "$@"
}

now_ms() { date +%s%3N; }

# Runs one factoryctl call as a timed stage; its output goes to $work/<stage>.out.
declare -A STAGE_MS
run_stage() {
  local stage=$1 start status=0
  shift
  start=$(now_ms)
  ctl "$@" >"$work/$stage.out" 2>&1 || status=$?
  STAGE_MS[$stage]=$(($(now_ms) - start))
  if [ "$status" != 0 ]; then
    echo "error: stage '$stage' (factoryctl $*) failed with exit code $status:" >&2
    tail -n 20 "$work/$stage.out" >&2
    echo "the end of the lifecycle-service log:" >&2
    tail -n 20 "$work/lifecycle.log" >&2
    exit 1
  fi
}

revision=designs/campus/revisions/a
ctl design import "$home/examples/catalog.yaml" >/dev/null
run_stage import design import "$work/campus.yaml"
run_stage check design check --timeout 60 "$revision"
run_stage submit design submit --timeout 60 "$revision"
run_stage release design release --timeout 60 "$revision"
ctl design show -o json "$revision" >"$work/revision.json"

tail -n 1 "$work/check.out"
read -r state placements connections < <(python3 -c '
import json, sys
revision = json.load(open(sys.argv[1]))
print(revision["state"], revision.get("placementCount", 0), revision.get("connectionCount", 0))
' "$work/revision.json")
if [ "$state" != REVISION_STATE_RELEASED ]; then
  echo "error: $revision is $state after the release, expected REVISION_STATE_RELEASED" >&2
  exit 1
fi

# Limits in ms. The quick run's share is counted in elements, placements plus connections.
read -r total_limit_ms check_limit_ms < <(python3 -c '
import sys
quick, elements, factor = sys.argv[1] == "true", int(sys.argv[2]), float(sys.argv[3])
total_s, check_s, cli_s = float(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6])
full_elements = int(sys.argv[7])
share = elements / full_elements if quick else 1.0
cli = cli_s if quick else 0.0
print(int((total_s * share + 4 * cli) * factor * 1000), int((check_s * share + cli) * factor * 1000))
' "$quick" "$((placements + connections))" "$factor" "$FULL_TOTAL_LIMIT_S" "$FULL_CHECK_LIMIT_S" \
  "$CLI_START_ALLOWANCE_S" "$FULL_ELEMENTS")

total_ms=$((STAGE_MS[import] + STAGE_MS[check] + STAGE_MS[submit] + STAGE_MS[release]))
verdict() { if [ "$1" -le "$2" ]; then echo ok; else echo "OVER LIMIT"; fi; }
echo
echo "lifecycle-service on PostgreSQL, $placements placements, $connections connections:"
printf '%-8s %10s %10s  %s\n' STAGE MS LIMIT_MS VERDICT
for stage in import check submit release; do
  limit=""
  result=""
  if [ "$stage" = check ]; then
    limit=$check_limit_ms
    result=$(verdict "${STAGE_MS[$stage]}" "$limit")
  fi
  printf '%-8s %10s %10s  %s\n' "$stage" "${STAGE_MS[$stage]}" "$limit" "$result"
done
printf '%-8s %10s %10s  %s\n' total "$total_ms" "$total_limit_ms" \
  "$(verdict "$total_ms" "$total_limit_ms")"

if [ "$total_ms" -gt "$total_limit_ms" ] || [ "${STAGE_MS[check]}" -gt "$check_limit_ms" ]; then
  exit 1
fi
