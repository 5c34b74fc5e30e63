#!/usr/bin/env bash
# Contract checks: buf lint, buf breaking against the committed baseline image, and proof that
# the breaking check fails on an incompatible change (a renumbered field, made on a copy).
# Needs the npm packages of tests/node (npm ci there first).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
buf="$root/tests/node/node_modules/.bin/buf"
cd "$root/proto"

echo "buf lint"
"$buf" lint

echo "buf breaking against proto/baseline/contract.binpb"
"$buf" breaking --against baseline/contract.binpb

echo "buf breaking must fail on a renumbered field"
copy="$(mktemp -d)"
trap 'rm -rf "$copy"' EXIT
cp -r "$root/proto/buf.yaml" "$root/proto/src" "$copy/"
file="$copy/src/main/proto/factorytwin/common/v1/access.proto"
sed -i 's/repeated Role roles = 1;/repeated Role roles = 7;/' "$file"
grep -q 'repeated Role roles = 7;' "$file" || { echo "the renumbering edit did not apply" >&2; exit 1; }
if (cd "$copy" && "$buf" breaking --against "$root/proto/baseline/contract.binpb" >"$copy/out.txt" 2>&1); then
  echo "error: buf breaking accepted a renumbered field" >&2
  exit 1
fi
grep -q 'roles' "$copy/out.txt" || { cat "$copy/out.txt" >&2; echo "error: buf breaking failed for another reason" >&2; exit 1; }
echo "buf breaking rejected the renumbered field, as it must"
