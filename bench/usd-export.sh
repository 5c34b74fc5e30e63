#!/usr/bin/env bash
# Times the writing of OpenUSD stages of growing size (UsdExportTiming, a plain Java main in
# lifecycle-service's test sources), to show that the export time grows linearly with the number
# of racks. Each row has 16 racks, two RPPs and three CDUs with 8 connections per rack, like the
# reference hall. The stage text is only counted, so the figures leave out the database read and
# the network.
#
#   bench/usd-export.sh [ROWS ...]   default 8 80 469 rows: 128, 1,280 and 7,504 racks
#
# Prints racks, placements, connections, bytes, the median of 5 runs in ms and the ms per 1,000
# racks. Needs the proto module installed (./mvnw install -DskipTests -pl proto).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../bin/java-env.sh"
pick_java
cd "$FACTORYTWIN_HOME"

./mvnw -B -q -pl lifecycle-service test-compile
classpath_file=$(mktemp)
trap 'rm -f "$classpath_file"' EXIT
./mvnw -B -q -pl lifecycle-service dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$classpath_file"
module="$FACTORYTWIN_HOME/lifecycle-service"
"$JAVA_HOME/bin/java" -Xmx1g \
  -cp "$module/target/test-classes:$module/target/classes:$(cat "$classpath_file")" \
  io.factorytwin.lifecycle.mapping.UsdExportTiming "$@"
