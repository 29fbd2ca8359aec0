#!/usr/bin/env bash
# The README's main command: builds takt, validates the example plants, plans the virtual cell
# (configs/plants/virtual-cell.yaml: the small machining cell of small-cell.yaml with the
# deadlines a cell of software bridges and talkers on this machine's shared CPUs can prove;
# printing the report an engineer reads first), then runs that plan as a virtual cell in
# network namespaces (scripts/virtual-cell.sh): one takt-dataplane with its switch agent per
# bridge, ptp4l per node, takt-controller installing the plan on every bridge at one base time,
# takt-probe talkers and listeners on every stream for DEMO_SECONDS (30), Prometheus scraping,
# and a table per stream. Without root only the plan part runs.
#   usage: demo.sh [PLANT.yaml]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [[ ${DEMO_SKIP_BUILD:-0} != 1 ]]; then
  "$root/scripts/setup.sh"
  "$root/scripts/build.sh"
fi
build=${TAKT_BUILD_DIR:-$root/build}
export TAKT_BUILD_DIR=$build
taktctl="$build/control/cli/taktctl"
plant=${1:-$root/configs/plants/virtual-cell.yaml}

echo
echo "== taktctl check"
"$taktctl" check "$root"/configs/plants/*.yaml

out=$(mktemp -d /tmp/takt-demo.XXXXXX)
echo
echo "== taktctl plan $(basename "$plant") -o $out"
"$taktctl" plan "$plant" -o "$out"
echo
echo "Artifacts in $out: $(cd "$out" && echo *)"
if [[ $(basename "$plant") == virtual-cell.yaml ]]; then
  echo
  echo "This cell runs on one machine's shared CPUs, so its bridges (takt-dataplane-vm) and talkers"
  echo "(end-station-vm) reserve 500 us of transmission timing error per hop. The same cell on bridges"
  echo "with dedicated cores plans 100 us motion deadlines: taktctl plan configs/plants/small-cell.yaml"
fi

echo
if [[ $(id -u) -ne 0 ]]; then
  echo "== virtual cell: skipped. It needs root (network namespaces, raw sockets, DPDK on af_packet);"
  echo "   run 'sudo ./scripts/demo.sh' to see the plan run on takt-dataplane bridges."
  exit 0
fi
echo "== virtual cell: $(basename "$plant") in network namespaces for ${DEMO_SECONDS:-30} s"
"$root/scripts/virtual-cell.sh" "$out"
