#!/usr/bin/env bash
# Kubernetes manifest checks: renders every overlay under k8s/overlays/ with 'kubectl kustomize',
# validates each rendered object against the Kubernetes OpenAPI schemas (CloudNativePG objects
# against the operator's CRD schemas) and rejects unknown fields, then runs the policy test over
# the same objects. Installs the npm packages of tests/k8s/ with 'npm ci'.
#
# Needs kubectl 1.27 or newer (Kustomize 5) and Node.js 20 or newer. Set KUBECTL to use a kubectl
# that is not on the PATH. Without a recent kubectl the script prints a warning that nothing was
# rendered and exits 0, so the rest of the test suite still runs on that machine.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
here="$root/tests/k8s"
kubectl="${KUBECTL:-kubectl}"
min_minor=27

skip_loudly() {
  echo "##########################################################################" >&2
  echo "WARNING: the Kubernetes manifests were NOT rendered and NOT checked." >&2
  echo "  $1" >&2
  echo "  Install kubectl 1.$min_minor or newer (or set KUBECTL) to run tests/k8s/check.sh." >&2
  echo "##########################################################################" >&2
  exit 0
}

if ! command -v "$kubectl" >/dev/null 2>&1; then
  skip_loudly "No kubectl found (looked for '$kubectl')."
fi
version_json="$("$kubectl" version --client -o json 2>/dev/null || true)"
minor="$(printf '%s' "$version_json" | sed -n 's/.*"minor": *"\([0-9]*\).*/\1/p' | head -n 1)"
major="$(printf '%s' "$version_json" | sed -n 's/.*"major": *"\([0-9]*\).*/\1/p' | head -n 1)"
if [ "$major" != "1" ] || [ -z "$minor" ] || [ "$minor" -lt "$min_minor" ]; then
  skip_loudly "$kubectl reports client version '${major:-?}.${minor:-?}'; these overlays need 1.$min_minor or newer."
fi

rendered="$(mktemp -d)"
trap 'rm -rf "$rendered"' EXIT

for overlay_dir in "$root"/k8s/overlays/*/; do
  overlay="$(basename "$overlay_dir")"
  [ -f "$overlay_dir/kustomization.yaml" ] || continue
  echo "== render k8s/overlays/$overlay"
  "$kubectl" kustomize "$overlay_dir" >"$rendered/$overlay.yaml"
  echo "$overlay: $(grep -c '^kind:' "$rendered/$overlay.yaml") objects"
done

echo "== npm packages (tests/k8s)"
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)

echo "== schema validation and policy test"
cd "$here"
FACTORYTWIN_K8S_RENDERED="$rendered" node --test --test-reporter=spec
