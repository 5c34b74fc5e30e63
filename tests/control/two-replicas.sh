#!/usr/bin/env bash
# The two-replica property test of control-service: random proposals through the @QuarkusTest
# instance and a second replica started from the PostgreSQL jar, both on one fresh database and
# one twin-service process.
#   tests/control/two-replicas.sh             100,000 proposals (the issue's figure)
#   tests/control/two-replicas.sh --quick     10,000 proposals, for CI
#   PROPERTY_SEED=N tests/control/two-replicas.sh   repeats the run of a printed seed
set -euo pipefail
cd "$(dirname "$0")/../.."
. bin/java-env.sh
pick_java
proposals=100000
if [[ "${1:-}" == "--quick" ]]; then
  proposals=10000
fi
seed_option=()
if [[ -n "${PROPERTY_SEED:-}" ]]; then
  seed_option=("-Dproperty.seed=$PROPERTY_SEED")
fi
./mvnw -B -q install -DskipTests -pl proto,service-support,test-support,twin-service
# The second replica's jar: the database kind is fixed when Quarkus builds it.
./mvnw -B -q -Ppostgresql package -DskipTests -pl control-service \
  -Dquarkus.package.output-directory=postgresql-app
./mvnw -B verify -pl control-service -Dtest=TwoReplicaProposalProperties \
  -Dsurefire.failIfNoSpecifiedTests=false -Dproperty.proposals="$proposals" \
  "${seed_option[@]}" 2>&1 \
  | tee /tmp/control-two-replicas.log \
  | grep -E "TWO-REPLICA PROPERTIES|^outcomes:|^twin history:|^audit verified|Tests run:|FAIL" || true
grep -q "BUILD SUCCESS" /tmp/control-two-replicas.log || {
  grep -E "expected|Expect|problems|ERROR" /tmp/control-two-replicas.log | head -30
  exit 1
}
