# shellcheck shell=bash
# Shared by the install integration tests (sourced, not run): three bridges sw1 - sw2 - sw3,
# each with its own ptp4l in its own network namespace (veth chain, software timestamps,
# free_running 1 so the machine's clock is never steered), a switch agent per bridge, taktctl
# and takt-controller, and the five checks of issue 5:
#
#   1. apply is refused, naming the switches, while the slaves are UNCALIBRATED;
#   2. apply installs plan A on all three at one base time;
#   3. sw2's agent killed while plan B is staged: apply fails, sw1 and sw3 stay on A;
#   4. takt-controller restores plan A on the restarted sw2;
#   5. writes without a valid client certificate are refused (403).
#
# The test script sets TAKTCTL, CONTROLLER and PMC, sources this file, sets TAG (a name prefix
# unique to this run: netns_unique_tag), calls install_setup, then defines
#   start_switch SW     starts SW's agent (takt-agent or takt-dataplane), sets PID[SW] and
#                       returns once the agent answers; called again for the restarted sw2
#   URL[SW]             the agent's base URL, as taktctl reaches it
# and runs the install_check_* functions in order. EXPECTED_PORTS (ports over all bridges) and
# LEAD_MS (how far ahead apply puts the base time) may be set before the checks run.

readonly SKIP=77
INSTALL_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../../../scripts/lib/netns.sh
source "$INSTALL_HERE/../../../scripts/lib/netns.sh"
# shellcheck source=../ptp/gptp_config.sh
source "$INSTALL_HERE/../ptp/gptp_config.sh"
readonly INSTALL_HERE
ROOT=$(cd "$INSTALL_HERE/../../.." && pwd)
PLAN_A="$INSTALL_HERE/three_cell.yaml"
PLAN_B="$INSTALL_HERE/three_cell_v2.yaml"
SWITCHES=(sw1 sw2 sw3)
declare -A PID URL
LEAD_MS=${LEAD_MS:-300}

skip() { echo "SKIP: $*"; exit "$SKIP"; }
fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok: $*"; }

# Extra cleanup of the test script (e.g. DPDK runtime directories); runs before namespaces go.
install_cleanup_hook() { :; }

# Runs from netns.sh's cleanup, before it deletes the namespaces: the processes of PID (agents
# and the controller are restarted during the checks, so PID holds the current ones).
install_cleanup() {
  ((${#PID[@]} == 0)) || netns_stop "${PID[@]}"
  install_cleanup_hook || true
  if [[ $NETNS_EXIT_STATUS -ne 0 && $NETNS_EXIT_STATUS -ne $SKIP ]]; then
    for f in "$WORK"/*.log; do echo "--- $f"; tail -15 "$f"; done
  fi
  rm -rf "$WORK"
}

# install_setup: checks the tools, makes the namespaces and starts ptp4l in each.
install_setup() {
  [[ $(id -u) -eq 0 ]] || skip "needs root (network namespaces)"
  local tool
  for tool in ptp4l ip jq curl openssl; do command -v "$tool" >/dev/null || skip "$tool is not installed"; done
  NS=("${TAG}1" "${TAG}2" "${TAG}3")
  WORK=$(mktemp -d /tmp/takt-install-it.XXXXXX)
  readonly WORK
  netns_on_cleanup install_cleanup
  netns_cleanup_on_exit

  local ns
  for ns in "${NS[@]}"; do netns_add "$ns"; done
  netns_veth "${NS[0]}" "${TAG}a" "${NS[1]}" "${TAG}b"  # sw1 - sw2
  netns_veth "${NS[1]}" "${TAG}c" "${NS[2]}" "${TAG}d"  # sw2 - sw3

  local i
  for i in 1 2 3; do write_gptp_config "$WORK/sw$i.cfg" $((i == 1 ? 100 : 248)) "$WORK/ptp4l-sw$i"; done
  netns_spawn "${NS[0]}" "$WORK/ptp4l-sw1.log" ptp4l -f "$WORK/sw1.cfg" -i "${TAG}a" -S -m
  PID[p1]=$NETNS_PID
  netns_spawn "${NS[1]}" "$WORK/ptp4l-sw2.log" ptp4l -f "$WORK/sw2.cfg" -i "${TAG}b" -i "${TAG}c" -S -m
  PID[p2]=$NETNS_PID
  netns_spawn "${NS[2]}" "$WORK/ptp4l-sw3.log" ptp4l -f "$WORK/sw3.cfg" -i "${TAG}d" -S -m
  PID[p3]=$NETNS_PID

  local deadline=$((SECONDS + 20))
  until [[ $(gm_of sw2) == "$(gm_of sw1)" && $(gm_of sw3) == "$(gm_of sw1)" && $(gm_of sw1) != none ]]; do
    ((SECONDS < deadline)) || fail "ptp4l did not agree on a grandmaster within 20 s"
    sleep 0.3
  done
  ok "three ptp4l follow sw1's grandmaster after ${SECONDS} s"
}

gm_of() { "$PMC" -s "$WORK/ptp4l-$1" -t 1 --json 2>/dev/null | jq -r '.health.grandmaster_identity' || echo none; }

# install_pki [pki.sh --server SPEC]: the CA, server certificates, taktctl's client certificate
# and one from another CA.
install_pki() {
  "$ROOT/scripts/pki.sh" "$WORK/pki" "$@" --client taktctl >/dev/null
  "$ROOT/scripts/pki.sh" "$WORK/rogue" --client intruder >/dev/null
}

# install_start_agents: start_switch for each bridge, then taktctl's agents files.
install_start_agents() {
  local sw
  for sw in "${SWITCHES[@]}"; do start_switch "$sw"; done
  {
    echo "defaults: {ca: pki/ca.pem, cert: pki/client-taktctl.pem, key: pki/client-taktctl.key, request-timeout-ms: 1500}"
    echo "agents:"
    for sw in "${SWITCHES[@]}"; do echo "  $sw: ${URL[$sw]}"; done
  } >"$WORK/agents.yaml"
  sed -e 's#cert: pki/client-taktctl.pem, key: pki/client-taktctl.key, ##' "$WORK/agents.yaml" >"$WORK/agents-nocert.yaml"
}

# Exit 3 (an agent unreachable) is expected while sw2 is down; the JSON says who.
status_json() { "$TAKTCTL" status --agents "$WORK/agents.yaml" --sync-budget-ns 100000 --format json || true; }
transaction_of() { status_json | jq -r --arg b "$1" '.[] | select(.bridge == $b) | .transaction'; }
ports_of() { status_json | jq -c --arg b "$1" '[.[] | select(.bridge == $b) | .ports[] | .oper]'; }

# --- 1. refused while slaves are UNCALIBRATED ----------------------------------------------------
install_check_refused_while_uncalibrated() {
  local rc=0 out
  out=$("$TAKTCTL" apply "$PLAN_A" --agents "$WORK/agents.yaml" 2>&1) || rc=$?
  [[ $rc -eq 3 ]] || fail "apply with UNCALIBRATED slaves: exit $rc, expected 3: $out"
  [[ $out == *"sw2: clock not synchronised"* && $out == *"sw3: clock not synchronised"* ]] ||
    fail "refusal does not name sw2 and sw3: $out"
  [[ $out != *"sw1: clock not synchronised"* ]] || fail "refusal names the grandmaster sw1: $out"
  [[ -z $(transaction_of sw1) ]] || fail "sw1 got a schedule from a refused apply"
  ok "apply refused, naming sw2 and sw3 (UNCALIBRATED)"

  # A free-running slave leaves UNCALIBRATED once its synchronisation is declared certain.
  local sw
  for sw in sw2 sw3; do "$PMC" -s "$WORK/ptp4l-$sw" -t 1 --set-sync-uncertain >/dev/null; done
  local deadline=$((SECONDS + 10))
  until "$PMC" -s "$WORK/ptp4l-sw2" -t 1 --budget 100000 --check >/dev/null 2>&1 &&
        "$PMC" -s "$WORK/ptp4l-sw3" -t 1 --budget 100000 --check >/dev/null 2>&1; do
    ((SECONDS < deadline)) || fail "sw2/sw3 did not become healthy SLAVEs"
    sleep 0.2
  done
}

# --- 2. install plan A everywhere ----------------------------------------------------------------
install_check_apply_plan_a() {
  "$TAKTCTL" apply "$PLAN_A" --agents "$WORK/agents.yaml" --lead-ms "$LEAD_MS" >"$WORK/apply-a.txt" || {
    cat "$WORK/apply-a.txt"; fail "apply of plan A failed"; }
  TX_A=$(transaction_of sw1)
  [[ -n $TX_A ]] || fail "sw1 reports no transaction after apply of plan A"
  local sw
  for sw in sw2 sw3; do [[ $(transaction_of $sw) == "$TX_A" ]] || fail "$sw is not on transaction $TX_A"; done
  local ports
  ports=$(status_json | jq '[.[].ports[]] | length')
  ((ports == EXPECTED_PORTS)) || fail "expected $EXPECTED_PORTS ports in status, got $ports"
  status_json | jq -e 'all(.[]; .synchronised)' >/dev/null || fail "status does not report every clock synchronised"
  ok "plan A installed on sw1, sw2, sw3 (transaction $TX_A); status reports synchronised clocks"
  SW2_PORTS_A=$(ports_of sw2)
}

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

install_check_killed_during_staging() {
  local rc out
  set +e
  "$TAKTCTL" apply "$PLAN_B" --agents "$WORK/agents.yaml" --lead-ms "$LEAD_MS" 2>&1 |
    kill_sw2_after_health "${PID[sw2]}" >"$WORK/apply-b.txt"
  rc=${PIPESTATUS[0]}
  set -e
  wait "${PID[sw2]}" 2>/dev/null || true
  grep -q "sw2's agent killed" "$WORK/apply-b.txt" && unset 'PID[sw2]'
  out=$(cat "$WORK/apply-b.txt")
  [[ -z ${PID[sw2]:-} ]] || fail "apply never reached the staging phase: $out"
  [[ $rc -eq 3 ]] || fail "apply with sw2 killed: exit $rc, expected 3: $out"
  # The kill lands during staging or, if sw2 answered its stage first, before its commit; either
  # way the others must drop or revert plan B long before its base time (LEAD_MS ahead).
  [[ $out == *"sw2 (${URL[sw2]}"* ]] || fail "failure does not name sw2 (${URL[sw2]}): $out"
  [[ $out == *"aborted on every bridge"* || $out == *"reverted on every bridge"* ]] || fail "failure does not say aborted: $out"
  echo "$out" | sed -n 's/^apply: /  /p'

  local sw
  for sw in sw1 sw3; do
    [[ $(transaction_of $sw) == "$TX_A" ]] || fail "$sw left plan A after the failed apply"
  done
  sleep 0.1  # a reverted port restarts its own list at its next cycle boundary (<= 4 ms here)
  if ! status_json | jq -e '[.[] | select(.bridge != "sw2") | .ports[] | .["config-pending"]] | all(. == false)' >/dev/null; then
    status_json
    fail "a change is still pending on sw1 or sw3"
  fi
  ok "apply of plan B failed on sw2; sw1 and sw3 stay on plan A"
}

# --- 4. the controller restores plan A on the restarted sw2 -------------------------------------
install_check_controller_restores() {
  "$CONTROLLER" "$PLAN_A" --agents "$WORK/agents.yaml" --state-dir "$WORK/state" --metrics-port 0 \
    --interval-ms 300 --lead-ms "$LEAD_MS" >"$WORK/controller.log" 2>&1 &
  PID[ctl]=$!
  sleep 1
  start_switch sw2
  local deadline=$((SECONDS + 15))
  # Done when sw2 runs plan A again and the controller confirmed it (a repair whose
  # confirmation failed is retried in the next round).
  until [[ $(ports_of sw2) == "$SW2_PORTS_A" && -n $(transaction_of sw2) ]] &&
        grep -q "installed plant three-cell on sw2" "$WORK/controller.log"; do
    ((SECONDS < deadline)) || fail "the controller did not restore plan A on sw2: $(ports_of sw2)"
    sleep 0.3
  done
  # The controller saves the last good plan in the round after every bridge confirmed it.
  until [[ -f $WORK/state/last-good/bridge/sw2.json || -f $WORK/state/last-good/bridges/sw2.json ]]; do
    ((SECONDS < deadline + 5)) || fail "no last good plan in the state directory"
    sleep 0.3
  done
  ok "takt-controller restored plan A on the restarted sw2 and kept it as the last good plan"
}

# --- 5. writes without a valid client certificate ------------------------------------------------
install_check_refused_without_certificate() {
  local code rc=0 out
  code=$(curl -s -o "$WORK/403.json" -w '%{http_code}' --cacert "$WORK/pki/ca.pem" -X POST \
    "${URL[sw1]}/api/v1/abort" -d '{"transaction":"x"}')
  [[ $code == 403 ]] || fail "write without certificate: HTTP $code"
  grep -q "no client certificate was presented" "$WORK/403.json" || fail "403 without the reason: $(cat "$WORK/403.json")"
  code=$(curl -s -o "$WORK/403b.json" -w '%{http_code}' --cacert "$WORK/pki/ca.pem" --cert "$WORK/rogue/client-intruder.pem" \
    --key "$WORK/rogue/client-intruder.key" -X POST "${URL[sw1]}/api/v1/abort" -d '{"transaction":"x"}')
  [[ $code == 403 ]] || fail "write with a certificate of another CA: HTTP $code"
  out=$("$TAKTCTL" apply "$PLAN_B" --agents "$WORK/agents-nocert.yaml" 2>&1) || rc=$?
  [[ $rc -eq 3 && $out == *"403"* ]] || fail "apply without a client certificate: exit $rc: $out"
  [[ $(transaction_of sw1) == "$TX_A" ]] || fail "sw1 changed after a refused apply"
  ok "writes without a valid client certificate refused with 403; nothing changed"
}

install_run_checks() {
  install_check_refused_while_uncalibrated
  install_check_apply_plan_a
  install_check_killed_during_staging
  install_check_controller_restores
  install_check_refused_without_certificate
}
