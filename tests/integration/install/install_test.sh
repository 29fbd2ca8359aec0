#!/usr/bin/env bash
# Installing schedules end to end: three bridges, each with its own ptp4l in its own network
# namespace (chain sw1 - sw2 - sw3 over veth, software timestamps, free_running 1 so the
# machine's clock is never steered), a takt-agent per bridge on loopback (TLS, client
# certificates, clock health read from that bridge's ptp4l socket), taktctl and takt-controller.
#
# The agents are takt-agent (core gate engines, no packet path), not takt-dataplane: the
# install protocol and gate state are the same, this test does not forward frames.
#
#   1. apply is refused, naming the switches, while the slaves are UNCALIBRATED;
#   2. apply installs plan A on all three at one base time;
#   3. sw2's agent frozen then killed while plan B is staged: apply fails, sw1 and sw3 stay on A;
#   4. takt-controller restores plan A on the restarted sw2;
#   5. writes without a valid client certificate are refused (403).
#   usage: install_test.sh TAKTCTL TAKT_AGENT TAKT_CONTROLLER TAKT_PMC
set -euo pipefail

readonly SKIP=77
TAKTCTL=${1:?usage: $0 taktctl takt-agent takt-controller takt-pmc}
AGENT=${2:?}
CONTROLLER=${3:?}
PMC=${4:?}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)

skip() { echo "SKIP: $*"; exit "$SKIP"; }
[[ $(id -u) -eq 0 ]] || skip "needs root (network namespaces)"
for tool in ptp4l ip jq curl openssl; do command -v "$tool" >/dev/null || skip "$tool is not installed"; done

readonly TAG="tkin$$"
NS=("${TAG}1" "${TAG}2" "${TAG}3")
WORK=$(mktemp -d /tmp/takt-install-it.XXXXXX)
readonly WORK
declare -A PID

cleanup() {
  local rc=$?
  for p in "${PID[@]}"; do kill -CONT "$p" 2>/dev/null || true; kill "$p" 2>/dev/null || true; done
  for p in "${PID[@]}"; do wait "$p" 2>/dev/null || true; done
  for ns in "${NS[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
  if [[ $rc -ne 0 && $rc -ne $SKIP ]]; then
    for f in "$WORK"/*.log; do echo "--- $f"; tail -15 "$f"; done
  fi
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok: $*"; }

# --- network namespaces and ptp4l ---------------------------------------------------------
for ns in "${NS[@]}"; do ip netns add "$ns"; done
ip link add "${TAG}a" type veth peer name "${TAG}b"   # sw1 - sw2
ip link add "${TAG}c" type veth peer name "${TAG}d"   # sw2 - sw3
ip link set "${TAG}a" netns "${NS[0]}"
ip link set "${TAG}b" netns "${NS[1]}"
ip link set "${TAG}c" netns "${NS[1]}"
ip link set "${TAG}d" netns "${NS[2]}"
ip -n "${NS[0]}" link set "${TAG}a" up
ip -n "${NS[1]}" link set "${TAG}b" up
ip -n "${NS[1]}" link set "${TAG}c" up
ip -n "${NS[2]}" link set "${TAG}d" up

write_config() {  # write_config <file> <priority1> <uds_address>
  cat >"$1" <<CFG
[global]
free_running            1
gmCapable               1
priority1               $2
priority2               248
logAnnounceInterval     -2
announceReceiptTimeout  3
logSyncInterval         -3
syncReceiptTimeout      3
logMinPdelayReqInterval -2
neighborPropDelayThresh 20000
min_neighbor_prop_delay -20000000
assume_two_step         1
transportSpecific       0x1
ptp_dst_mac             01:80:C2:00:00:0E
network_transport       L2
delay_mechanism         P2P
tx_timestamp_timeout    50
fault_reset_interval    0
uds_address             $3
CFG
}
for i in 1 2 3; do write_config "$WORK/sw$i.cfg" $((i == 1 ? 100 : 248)) "$WORK/ptp4l-sw$i"; done
ip netns exec "${NS[0]}" ptp4l -f "$WORK/sw1.cfg" -i "${TAG}a" -S -m >"$WORK/ptp4l-sw1.log" 2>&1 & PID[p1]=$!
ip netns exec "${NS[1]}" ptp4l -f "$WORK/sw2.cfg" -i "${TAG}b" -i "${TAG}c" -S -m >"$WORK/ptp4l-sw2.log" 2>&1 & PID[p2]=$!
ip netns exec "${NS[2]}" ptp4l -f "$WORK/sw3.cfg" -i "${TAG}d" -S -m >"$WORK/ptp4l-sw3.log" 2>&1 & PID[p3]=$!

gm_of() { "$PMC" -s "$WORK/ptp4l-$1" -t 1 --json 2>/dev/null | jq -r '.health.grandmaster_identity' || echo none; }
deadline=$((SECONDS + 20))
until [[ $(gm_of sw2) == "$(gm_of sw1)" && $(gm_of sw3) == "$(gm_of sw1)" && $(gm_of sw1) != none ]]; do
  ((SECONDS < deadline)) || fail "ptp4l did not agree on a grandmaster within 20 s"
  sleep 0.3
done
ok "three ptp4l follow sw1's grandmaster after ${SECONDS} s"

# --- certificates and agents ----------------------------------------------------------------
"$ROOT/scripts/pki.sh" "$WORK/pki" --client taktctl >/dev/null
"$ROOT/scripts/pki.sh" "$WORK/rogue" --client intruder >/dev/null
start_agent() {  # start_agent <sw> [port]
  rm -f "$WORK/$1.port"
  "$AGENT" --bridge "$1" --ports p1,p2,p3 --port "${2:-0}" --port-file "$WORK/$1.port" \
    --cert "$WORK/pki/server-localhost.pem" --key "$WORK/pki/server-localhost.key" --ca "$WORK/pki/ca.pem" \
    --ptp-uds "$WORK/ptp4l-$1" --ptp-transport-specific 1 --sync-budget-ns 100000 >>"$WORK/agent-$1.log" 2>&1 &
  PID[$1]=$!
  for _ in $(seq 100); do [[ -s $WORK/$1.port ]] && return; sleep 0.05; done
  fail "takt-agent $1 did not start"
}
for sw in sw1 sw2 sw3; do start_agent $sw; done
{
  echo "defaults: {ca: pki/ca.pem, cert: pki/client-taktctl.pem, key: pki/client-taktctl.key, request-timeout-ms: 1500}"
  echo "agents:"
  for sw in sw1 sw2 sw3; do echo "  $sw: https://127.0.0.1:$(cat "$WORK/$sw.port")"; done
} >"$WORK/agents.yaml"
sed -e 's#cert: pki/client-taktctl.pem, key: pki/client-taktctl.key, ##' "$WORK/agents.yaml" >"$WORK/agents-nocert.yaml"
PLAN_A="$HERE/three_cell.yaml"
PLAN_B="$HERE/three_cell_v2.yaml"
# Exit 3 (an agent unreachable) is expected while sw2 is down; the JSON says who.
status_json() { "$TAKTCTL" status --agents "$WORK/agents.yaml" --sync-budget-ns 100000 --format json || true; }
transaction_of() { status_json | jq -r --arg b "$1" '.[] | select(.bridge == $b) | .transaction'; }
ports_of() { status_json | jq -c --arg b "$1" '[.[] | select(.bridge == $b) | .ports[] | .oper]'; }

# --- 1. refused while slaves are UNCALIBRATED ----------------------------------------------------
rc=0
out=$("$TAKTCTL" apply "$PLAN_A" --agents "$WORK/agents.yaml" 2>&1) || rc=$?
[[ $rc -eq 3 ]] || fail "apply with UNCALIBRATED slaves: exit $rc, expected 3: $out"
[[ $out == *"sw2: clock not synchronised"* && $out == *"sw3: clock not synchronised"* ]] ||
  fail "refusal does not name sw2 and sw3: $out"
[[ $out != *"sw1: clock not synchronised"* ]] || fail "refusal names the grandmaster sw1: $out"
[[ -z $(transaction_of sw1) ]] || fail "sw1 got a schedule from a refused apply"
ok "apply refused, naming sw2 and sw3 (UNCALIBRATED)"

# A free-running slave leaves UNCALIBRATED once its synchronisation is declared certain.
for sw in sw2 sw3; do "$PMC" -s "$WORK/ptp4l-$sw" -t 1 --set-sync-uncertain >/dev/null; done
deadline=$((SECONDS + 10))
until "$PMC" -s "$WORK/ptp4l-sw2" -t 1 --budget 100000 --check >/dev/null 2>&1 &&
      "$PMC" -s "$WORK/ptp4l-sw3" -t 1 --budget 100000 --check >/dev/null 2>&1; do
  ((SECONDS < deadline)) || fail "sw2/sw3 did not become healthy SLAVEs"
  sleep 0.2
done

# --- 2. install plan A everywhere ----------------------------------------------------------------
"$TAKTCTL" apply "$PLAN_A" --agents "$WORK/agents.yaml" --lead-ms 300 >"$WORK/apply-a.txt" || {
  cat "$WORK/apply-a.txt"; fail "apply of plan A failed"; }
tx_a=$(transaction_of sw1)
for sw in sw2 sw3; do [[ $(transaction_of $sw) == "$tx_a" ]] || fail "$sw is not on transaction $tx_a"; done
base_a=$(status_json | jq '[.[].ports[]] | length')
((base_a == 9)) || fail "expected 9 ports (3 per agent) in status, got $base_a"
status_json | jq -e 'all(.[]; .synchronised)' >/dev/null || fail "status does not report every clock synchronised"
ok "plan A installed on sw1, sw2, sw3 (transaction $tx_a); status reports synchronised clocks"
sw2_ports_a=$(ports_of sw2)

# --- 3. sw2's agent dies while plan B is being staged ------------------------------------------
# taktctl prints each phase as it ends; sw2's agent is killed the moment the clock health
# phase is over, so it is gone when its stage request (or, if that won the race, its commit)
# arrives.
kill_sw2_after_health() {
  local line
  while IFS= read -r line; do
    echo "$line"
    if [[ $line == *"clock health checked"* ]]; then
      kill -KILL "$1" && echo "(test: sw2's agent killed)"
    fi
  done
}
set +e
"$TAKTCTL" apply "$PLAN_B" --agents "$WORK/agents.yaml" --lead-ms 300 2>&1 | kill_sw2_after_health "${PID[sw2]}" >"$WORK/apply-b.txt"
rc=${PIPESTATUS[0]}
set -e
wait "${PID[sw2]}" 2>/dev/null || true
grep -q "sw2's agent killed" "$WORK/apply-b.txt" && unset 'PID[sw2]'
out=$(cat "$WORK/apply-b.txt")
[[ -z ${PID[sw2]:-} ]] || fail "apply never reached the staging phase: $out"
[[ $rc -eq 3 ]] || fail "apply with sw2 killed: exit $rc, expected 3: $out"
# The kill lands during staging or, if sw2 answered its stage first, before its commit; either
# way the others must drop or revert plan B long before its base time (300 ms ahead).
[[ $out == *"sw2 (https://127.0.0.1:"* ]] || fail "failure does not name sw2: $out"
[[ $out == *"aborted on every bridge"* || $out == *"reverted on every bridge"* ]] || fail "failure does not say aborted: $out"
echo "$out" | sed -n 's/^apply: /  /p'

for sw in sw1 sw3; do
  [[ $(transaction_of $sw) == "$tx_a" ]] || fail "$sw left plan A after the failed apply"
done
sleep 0.1  # a reverted port restarts its own list at its next cycle boundary (<= 4 ms here)
if ! status_json | jq -e '[.[] | select(.bridge != "sw2") | .ports[] | .["config-pending"]] | all(. == false)' >/dev/null; then
  status_json
  fail "a change is still pending on sw1 or sw3"
fi
ok "apply of plan B failed on sw2; sw1 and sw3 stay on plan A"

# --- 4. the controller restores plan A on the restarted sw2 -------------------------------------
"$CONTROLLER" "$PLAN_A" --agents "$WORK/agents.yaml" --state-dir "$WORK/state" --metrics-port 0 \
  --interval-ms 300 --lead-ms 300 >"$WORK/controller.log" 2>&1 &
PID[ctl]=$!
sleep 1
start_agent sw2 "$(cat "$WORK/sw2.port")"
deadline=$((SECONDS + 15))
until [[ $(ports_of sw2) == "$sw2_ports_a" && -n $(transaction_of sw2) ]]; do
  ((SECONDS < deadline)) || fail "the controller did not restore plan A on sw2: $(ports_of sw2)"
  sleep 0.3
done
grep -q "installed plant three-cell on sw2" "$WORK/controller.log" || fail "controller log lacks the repair of sw2"
[[ -f $WORK/state/last-good/bridge/sw2.json || -f $WORK/state/last-good/bridges/sw2.json ]] ||
  fail "no last good plan in the state directory"
ok "takt-controller restored plan A on the restarted sw2 and kept it as the last good plan"

# --- 5. writes without a valid client certificate ------------------------------------------------
port1=$(cat "$WORK/sw1.port")
code=$(curl -s -o "$WORK/403.json" -w '%{http_code}' --cacert "$WORK/pki/ca.pem" -X POST \
  "https://127.0.0.1:$port1/api/v1/abort" -d '{"transaction":"x"}')
[[ $code == 403 ]] || fail "write without certificate: HTTP $code"
grep -q "no client certificate was presented" "$WORK/403.json" || fail "403 without the reason: $(cat "$WORK/403.json")"
code=$(curl -s -o "$WORK/403b.json" -w '%{http_code}' --cacert "$WORK/pki/ca.pem" --cert "$WORK/rogue/client-intruder.pem" \
  --key "$WORK/rogue/client-intruder.key" -X POST "https://127.0.0.1:$port1/api/v1/abort" -d '{"transaction":"x"}')
[[ $code == 403 ]] || fail "write with a certificate of another CA: HTTP $code"
rc=0
out=$("$TAKTCTL" apply "$PLAN_B" --agents "$WORK/agents-nocert.yaml" 2>&1) || rc=$?
[[ $rc -eq 3 && $out == *"403"* ]] || fail "apply without a client certificate: exit $rc: $out"
[[ $(transaction_of sw1) == "$tx_a" ]] || fail "sw1 changed after a refused apply"
ok "writes without a valid client certificate refused with 403; nothing changed"
echo "PASS"
