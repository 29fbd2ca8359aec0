#!/usr/bin/env bash
# takt-dataplane forwarding real frames: three end stations and a switch in network namespaces
# (scripts/testbed.sh), the switch on net_af_packet with bridge.json. h1 sends VLAN-tagged
# frames of several priorities; h2 answers to h1's learned address. Asserted: forwarding to the
# right ports (static, flooded, learned), PCP -> traffic class per egress port, exact counters,
# tags intact, and that frames of the gated class (tc 6 on p2: open 200 us of every 1 ms) arrive
# only inside their window, measured with SO_TIMESTAMPNS receive times.
#   usage: dataplane_netns_test.sh /path/to/takt-dataplane
set -euo pipefail

readonly SKIP=77
DATAPLANE=${1:?usage: $0 /path/to/takt-dataplane}
HERE=$(cd "$(dirname "$0")" && pwd)
TESTBED=$(cd "$HERE/../../../scripts" && pwd)/testbed.sh
CONFIG=${TAKT_DATAPLANE_TEST_CONFIG:-$HERE/bridge.json}

skip() { echo "SKIP: $*"; exit "$SKIP"; }
[[ $(id -u) -eq 0 ]] || skip "needs root (network namespaces, raw sockets); run ctest as root"
for tool in ip jq curl python3; do
  command -v "$tool" >/dev/null || skip "$tool is not installed (apt-get install iproute2 jq curl python3)"
done
[[ -x $DATAPLANE ]] || { echo "FAIL: takt-dataplane not found at $DATAPLANE"; exit 1; }

readonly NAME="tkdp$$"
WORK=$(mktemp -d "/tmp/takt-dataplane-it.XXXXXX")
readonly WORK
SWITCH_PID=""
CAPTURE_PIDS=()

cleanup() {
  local rc=$?
  for pid in "${CAPTURE_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  [[ -n $SWITCH_PID ]] && kill -INT "$SWITCH_PID" 2>/dev/null || true
  for pid in "${CAPTURE_PIDS[@]}" $SWITCH_PID; do wait "$pid" 2>/dev/null || true; done
  "$TESTBED" down "$NAME" || true
  if [[ $rc -ne 0 && $rc -ne $SKIP ]]; then
    echo "--- takt-dataplane log"; tail -40 "$WORK/switch.log" 2>/dev/null || true
  fi
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$TESTBED" up "$NAME" 3
LCORES=0 "$TESTBED" switch "$NAME" "$DATAPLANE" "$CONFIG" --metrics-port 9464 --counters-out "$WORK/counters.json" \
  >"$WORK/switch.log" 2>&1 &
SWITCH_PID=$!

for _ in $(seq 150); do
  ip netns exec "$NAME-sw" curl -sf -o /dev/null http://127.0.0.1:9464/metrics && break
  kill -0 "$SWITCH_PID" 2>/dev/null || { echo "FAIL: takt-dataplane exited during start"; exit 1; }
  sleep 0.1
done
ip netns exec "$NAME-sw" curl -sf -o /dev/null http://127.0.0.1:9464/metrics || { echo "FAIL: switch not up"; exit 1; }

for h in 1 2 3; do
  ip netns exec "$NAME-h$h" python3 "$HERE/frames.py" capture eth0 "$WORK/h$h.json" &
  CAPTURE_PIDS+=($!)
done
for h in 1 2 3; do
  for _ in $(seq 100); do [[ -e $WORK/h$h.json.ready ]] && break; sleep 0.05; done
done

# kind 1: stream "motion" to h2, PCP 6 (tc 6, gated on p2); kind 2: stream "io", multicast to
# h2 and h3, PCP 3 (tc 3 on p2, tc 5 on p3 by p3's map); kind 3: best effort broadcast, PCP 0
# (tc 1 on p2, tc 0 on p3), which also teaches the bridge where h1 is; kind 4: h2 -> h1 unicast.
readonly N_MOTION=1000 N_IO=100 N_BCAST=50 N_REPLY=50
cat >"$WORK/h1-plan.json" <<JSON
{"seed": 7, "groups": [
  {"dst": "02:00:00:00:00:02", "src": "02:00:00:00:00:01", "vid": 100, "pcp": 6, "kind": 1, "count": $N_MOTION, "size": 64, "gap_us": [20, 300]},
  {"dst": "01:00:5e:00:00:10", "src": "02:00:00:00:00:01", "vid": 100, "pcp": 3, "kind": 2, "count": $N_IO, "size": 200, "gap_us": [20, 300]},
  {"dst": "ff:ff:ff:ff:ff:ff", "src": "02:00:00:00:00:01", "vid": 100, "pcp": 0, "kind": 3, "count": $N_BCAST, "size": 100, "gap_us": [20, 300]}]}
JSON
cat >"$WORK/h2-plan.json" <<JSON
{"seed": 8, "groups": [
  {"dst": "02:00:00:00:00:01", "src": "02:00:00:00:00:02", "vid": 100, "pcp": 0, "kind": 4, "count": $N_REPLY, "size": 64, "gap_us": [20, 100]}]}
JSON
ip netns exec "$NAME-h1" python3 "$HERE/frames.py" send eth0 "$WORK/h1-plan.json"
sleep 0.2
ip netns exec "$NAME-h2" python3 "$HERE/frames.py" send eth0 "$WORK/h2-plan.json"
sleep 0.5

ip netns exec "$NAME-sw" curl -sf http://127.0.0.1:9464/metrics >"$WORK/metrics.txt"
if command -v promtool >/dev/null; then
  promtool check metrics <"$WORK/metrics.txt" || { echo "FAIL: promtool rejects /metrics"; exit 1; }
  echo "ok: promtool check metrics"
fi

for pid in "${CAPTURE_PIDS[@]}"; do kill "$pid"; done
for pid in "${CAPTURE_PIDS[@]}"; do wait "$pid"; done
CAPTURE_PIDS=()
kill -INT "$SWITCH_PID"
wait "$SWITCH_PID" || { echo "FAIL: takt-dataplane did not exit cleanly"; exit 1; }
SWITCH_PID=""
grep -q "takt-dataplane: bridge sw ran" "$WORK/switch.log" || { echo "FAIL: no counters printed at shutdown"; exit 1; }

python3 "$HERE/check_results.py" "$WORK" "$N_MOTION" "$N_IO" "$N_BCAST" "$N_REPLY"
