#!/usr/bin/env bash
# OpenUSD checks with TinyUSDZ, a parser that shares no code with the exporter. First come the
# tests of the checker on hand-written stages, which must reject a syntax error and a relationship
# to a missing prim. Then comes the reference hall stage that UsdExportGrpcTest exported during
# the Maven build.
# Needs the npm packages of this folder (npm ci here first).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
stage="$root/lifecycle-service/target/usd/reference-hall.usda"
cd "$root/tests/usd"

echo "USD checker tests (node --test)"
node --test

echo "USD stage of the reference hall"
if [ ! -f "$stage" ]; then
  echo "error: $stage is missing; run './mvnw verify -pl lifecycle-service' first, whose" \
    "UsdExportGrpcTest writes it" >&2
  exit 1
fi
node check-stage.mjs "$stage" reference-hall.expect.json
