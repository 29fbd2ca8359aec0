#!/usr/bin/env bash
# The README's main command: builds takt, validates the example plants, plans the virtual cell
# (configs/plants/virtual-cell.yaml: the small machining cell of small-cell.yaml with the
# deadlines a cell of software bridges and talkers on this machine's shared CPUs can prove;
# printing the report an engineer reads first), then runs that plan as a virtual cell in
# network namespaces (scripts/virtual-cell.sh): one takt-dataplane with its switch agent per
# bridge, ptp4l per node, takt-controller installing the plan on every bridge at one base time,
# takt-probe talkers and listeners on every stream for DEMO_SECONDS (30), takt-station (eBPF)
# beside them on every end station, Prometheus scraping, and a table per stream. Without root
# only the plan part runs.
# DEMO_FAULTS=babbler,link-cut injects faults while the cell runs (either or both; unset: none):
# a rogue device floods broadcasts and then the redundant stream's identity from sw1's free port
# for a few seconds mid-run, and a link of the redundant stream's second tree (sw1 - sw3) goes
# down for the middle third; the table then shows per stream what the 802.1Qci stream filters
# dropped and what 802.1CB eliminated and recovered, the rogue frames the wildcard filters
# dropped, and whether the redundant stream lost anything.
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
  echo "safety-io runs redundant over the ring (sw1 - sw2 and sw1 - sw3 - sw2); DEMO_FAULTS=babbler,link-cut"
  echo "floods a rogue device on sw1:p6 and cuts sw1 - sw3 while the cell runs."
fi

echo
if [[ $(id -u) -ne 0 ]]; then
  echo "== virtual cell: skipped. It needs root (network namespaces, raw sockets, DPDK on af_packet);"
  echo "   run 'sudo ./scripts/demo.sh' to see the plan run on takt-dataplane bridges."
  exit 0
fi
echo "== virtual cell: $(basename "$plant") in network namespaces for ${DEMO_SECONDS:-30} s${DEMO_FAULTS:+, faults: $DEMO_FAULTS}"
"$root/scripts/virtual-cell.sh" "$out"
