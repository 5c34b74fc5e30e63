#!/usr/bin/env bash
# OpenUSD checks with TinyUSDZ, a parser that shares no code with the exporter. First come the
# tests of the checker on hand-written stages, which must reject a syntax error and a relationship
# to a missing prim. Then come the stages that the Maven build exported: the reference hall from
# UsdExportGrpcTest, a small stage with escaped strings, colliding ids and an alternative from
# UsdStageWriterTest, and a twin with time samples from twin-service's TwinUsdExportTest.
# Needs the npm packages of this folder (npm ci here first).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
stage="$root/lifecycle-service/target/usd/reference-hall.usda"
edge_stage="$root/lifecycle-service/target/usd/edge-cases.usda"
twin_stage="$root/twin-service/target/usd/twin.usda"
cd "$root/tests/usd"

echo "USD checker tests (node --test)"
node --test

echo "USD stages exported by the Maven tests"
for file in "$stage" "$edge_stage" "$twin_stage"; do
  if [ ! -f "$file" ]; then
    echo "error: $file is missing; run './mvnw verify' first: lifecycle-service's" \
      "UsdExportGrpcTest and UsdStageWriterTest and twin-service's TwinUsdExportTest write them" >&2
    exit 1
  fi
done
node check-stage.mjs "$stage" reference-hall.expect.json
node check-stage.mjs "$edge_stage" edge-cases.expect.json
node check-stage.mjs "$twin_stage" twin.expect.json
