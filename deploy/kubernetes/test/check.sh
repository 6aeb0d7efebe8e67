#!/usr/bin/env bash
# Offline checks of the Kubernetes manifests (no cluster needed):
# `kubectl kustomize` renders the base and the example overlay, then
# validate.test.mjs checks schemas (kubernetes-models), unknown fields (tsc),
# the wiring between objects, the rules ConfigMap, and, with MODERATIOND set,
# starts the real server with the Deployment's flags from an empty Hyperscan
# cache (as a new pod does: about a minute on 2 cores) and checks its peak
# memory against the Deployment's limit.
#
#   bash deploy/kubernetes/test/check.sh
#
# Environment: MODERATIOND (server binary; default build/server/moderationd
# when it exists), KUBECTL (default kubectl on PATH).
#
# kubectl: needs its built-in kustomize v4 or newer (kubectl 1.21+). Debian 12
# ships kubectl only in kubernetes-client 1.20.2, whose kustomize v2.0.3
# rejects `labels`, components and patch targets; this machine image carries
# kubectl 1.32 (kustomize v5.5) from Google's Cloud SDK package. Without a
# suitable kubectl the step fails, it never passes unchecked.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
KUBECTL="${KUBECTL:-kubectl}"

die() { echo "check.sh: $*" >&2; exit 1; }
command -v node >/dev/null || die "node not found"
command -v "$KUBECTL" >/dev/null || die "kubectl not found (kubectl 1.21+ with kustomize v4+ is needed; Debian 12's kubernetes-client 1.20 is too old)"
kustomize_version="$("$KUBECTL" version --client 2>/dev/null | sed -n 's/^Kustomize Version: v\([0-9]*\).*/\1/p')"
[[ "${kustomize_version:-0}" -ge 4 ]] ||
  die "$KUBECTL has kustomize '${kustomize_version:-unknown}'; v4 or newer is needed (kubectl 1.21+)"

installed="$here/node_modules/.package-lock.json"
if [[ ! -f "$installed" || "$here/package-lock.json" -nt "$installed" || "$here/package.json" -nt "$installed" ]]; then
  echo "check.sh: installing the pinned packages (npm ci) in $here" >&2
  (cd "$here" && npm ci --no-audit --no-fund </dev/null) >&2
fi

if [[ -z "${MODERATIOND:-}" && -x "$repo/build/server/moderationd" ]]; then
  export MODERATIOND="$repo/build/server/moderationd"
fi
export KUBECTL
cd "$here"
node --test validate.test.mjs </dev/null
