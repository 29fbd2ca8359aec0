#!/usr/bin/env bash
# takt-dataplane's command line as a person meets it (issue 11): a usage error in its own
# options exits 2 like every takt tool (CLI11's 105/106 were passed on), before EAL starts; a
# --counters-out into a folder that does not exist is one of them, named at start instead of
# losing the counters at shutdown; an EAL failure keeps its own code, 3.
set -uo pipefail
DATAPLANE=${1:?usage: $0 takt-dataplane bridge.json}
CONFIG=${2:?usage: $0 takt-dataplane bridge.json}
WORK=$(mktemp -d /tmp/takt-dataplane-usage-XXXXXX)
PREFIX="takt-usage-$$"
trap 'rm -rf "$WORK" "/var/run/dpdk/$PREFIX"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

eal=(--no-huge --no-pci -m 64 --file-prefix "$PREFIX" -l 0 --log-level=lib.eal:error)
expect() {  # expect NAME CODE TEXT -- takt-dataplane args...
  local name=$1 code=$2 text=$3
  shift 4
  timeout 30 "$DATAPLANE" "$@" >"$WORK/$name.out" 2>&1
  local got=$?
  [ "$got" -eq "$code" ] || fail "$name: exit $got, expected $code: $(head -c 600 "$WORK/$name.out")"
  grep -qF -- "$text" "$WORK/$name.out" || fail "$name: no '$text' in: $(head -c 600 "$WORK/$name.out")"
}

expect no-config 2 "--config is required" -- "${eal[@]}" -- --port p1=net_null0
expect missing-config 2 "$WORK/nope.json" -- "${eal[@]}" -- --config "$WORK/nope.json" --port p1=net_null0
expect out-of-range 2 "--burst" -- "${eal[@]}" -- --config "$CONFIG" --port p1=net_null0 --burst 0
expect counters-folder 2 "--counters-out $WORK/missing/x.json: the folder $WORK/missing does not exist" -- \
  "${eal[@]}" -- --config "$CONFIG" --port p1=net_null0 --counters-out "$WORK/missing/x.json"
expect counters-is-folder 2 "--counters-out $WORK: is a folder, not a file" -- \
  "${eal[@]}" -- --config "$CONFIG" --port p1=net_null0 --counters-out "$WORK"
expect help 0 "--counters-out" -- "${eal[@]}" -- --help
expect eal 3 "EAL initialisation failed" -- --no-such-eal-option "${eal[@]}" -- --config "$CONFIG" --port p1=net_null0

[ "$failures" -eq 0 ] || exit 1
echo "takt-dataplane usage: all checks passed"
