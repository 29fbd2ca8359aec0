#!/usr/bin/env bash
# The README's main command: builds takt, validates the example plants and plans the small
# cell, printing the report an engineer reads first.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
"$root/scripts/build.sh"
build=${TAKT_BUILD_DIR:-$root/build}
taktctl="$build/control/cli/taktctl"
plant=${1:-$root/configs/plants/small-cell.yaml}

echo
echo "== taktctl check"
"$taktctl" check "$root"/configs/plants/*.yaml

if "$taktctl" plan --help >/dev/null 2>&1; then
  out=$(mktemp -d /tmp/takt-demo.XXXXXX)
  echo
  echo "== taktctl plan $(basename "$plant") -o $out"
  "$taktctl" plan "$plant" -o "$out"
  echo
  echo "Artifacts in $out:"
  ls "$out"
fi
