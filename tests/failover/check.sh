#!/usr/bin/env bash
# Failover of the twins' live state between two real twin-service processes on one PostgreSQL
# database: the owner is killed with SIGKILL, and the standby must take over within twice the
# lease duration with setpoints intact and ingest resuming.
#
# It builds twin-service for PostgreSQL into twin-service/target/failover-postgresql when the
# sources are newer (the H2 build in target/quarkus-app stays as it is), creates a database of
# its own on FACTORYTWIN_TEST_PG (host:port, default 127.0.0.1:5432), runs the replicas on
# 127.0.0.1:18112 and :18113 with a 4 s lease, and needs run/jwt and run/tokens from
# 'bin/factoryctl dev init' and the npm packages of tests/node.
set -euo pipefail
home="$(cd "$(dirname "$0")/../.." && pwd)"
. "$home/bin/java-env.sh"
pick_java

lease_s=4
pg="${FACTORYTWIN_TEST_PG:-127.0.0.1:5432}"
pg_host=${pg%%:*}
pg_port=${pg##*:}
pg_user="${FACTORYTWIN_TEST_PG_USER:-postgres}"
database="factorytwin_failover_$$"
service_dir="$home/twin-service/target/failover-postgresql"
work="$(mktemp -d)"

newest_source=$(find "$home/twin-service/src/main" "$home/service-support/src/main" "$home/proto/src" \
  -newer "$service_dir/quarkus-run.jar" -print -quit 2>/dev/null || true)
if [ ! -f "$service_dir/quarkus-run.jar" ] || [ -n "$newest_source" ]; then
  echo "== building twin-service for PostgreSQL"
  (cd "$home" && ./mvnw -B -q -Ppostgresql package -DskipTests -pl twin-service -am \
    -Dquarkus.package.output-directory=failover-postgresql)
fi

psql_admin() {
  psql -h "$pg_host" -p "$pg_port" -U "$pg_user" -d postgres -v ON_ERROR_STOP=1 -q -c "$1"
}
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  psql_admin "DROP DATABASE IF EXISTS $database" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
psql_admin "CREATE DATABASE $database"

start_replica() {
  local name=$1 port=$2
  mkdir -p "$work/$name"
  (cd "$work/$name" && QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT="$port" \
    QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://$pg_host:$pg_port/$database" \
    QUARKUS_DATASOURCE_USERNAME="$pg_user" QUARKUS_DATASOURCE_PASSWORD= \
    FACTORYTWIN_JWT_PUBLIC_KEY="$home/run/jwt/public.pem" TWIN_LEASE_DURATION="${lease_s}S" \
    exec "$JAVA_HOME/bin/java" -Xmx512m -XX:+UseSerialGC -jar "$service_dir/quarkus-run.jar" \
    >"$work/$name.log" 2>&1) &
  pids+=($!)
  # No "Killed" job notice when the check kills the owner.
  disown $!
}

ready() {
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/q/health/ready")" = 200 ]
}

start_replica a 18112
for _ in $(seq 1 300); do ready 18112 && break; sleep 0.1; done
ready 18112 || { echo "error: replica a did not become ready; its log:" >&2; tail -30 "$work/a.log" >&2; exit 1; }
owner_pid=${pids[0]}
start_replica b 18113
sleep 6
if ready 18113; then
  echo "error: the standby reports ready while the owner holds the lease" >&2
  exit 1
fi
echo "standby: not ready while the owner holds the lease"

twin_id="failover-$$"
node "$home/tests/failover/failover.mjs" prepare 127.0.0.1:18112 "$twin_id"

kill -9 "$owner_pid"
node "$home/tests/failover/failover.mjs" takeover 127.0.0.1:18113 "$twin_id" "$(date +%s%3N)" \
  $(( 2 * lease_s * 1000 ))
