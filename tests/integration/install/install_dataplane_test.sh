#!/usr/bin/env bash
# Installing schedules end to end on three real takt-dataplane processes: each runs in its
# bridge's network namespace beside that bridge's ptp4l, forwards on net_null ports named like
# the plan's bridge ports, starts from the bridge configuration `taktctl plan` wrote for plan B,
# and serves its switch agent over TLS on the namespace's management address, which taktctl
# and takt-controller reach from the host over a veth pair. The checks are install_lib.sh's.
#   usage: install_dataplane_test.sh TAKTCTL TAKT_DATAPLANE TAKT_CONTROLLER TAKT_PMC
set -euo pipefail

TAKTCTL=${1:?usage: $0 taktctl takt-dataplane takt-controller takt-pmc}
DATAPLANE=${2:?}
CONTROLLER=${3:?}
PMC=${4:?}
# shellcheck source=install_lib.sh
source "$(dirname "$0")/install_lib.sh"
TAG=$(netns_unique_tag tkdi)
# A loaded machine runs three busy-polling forwarders here; give staging and commit room.
LEAD_MS=1000
readonly AGENT_PORT=8443
readonly SUBNET="10.251.$(($$ % 250))"

install_cleanup_hook() {
  local sw
  for sw in "${SWITCHES[@]}"; do rm -rf "/var/run/dpdk/${TAG}$sw"; done
}

# Management network: host ${TAG}m<i> <-> "mgmt" in the bridge's namespace, one /30 each.
mgmt_host() { echo "$SUBNET.$((4 * $1 - 3))"; }
mgmt_ns() { echo "$SUBNET.$((4 * $1 - 2))"; }
address_of() { mgmt_ns "${1#sw}"; }

install_setup
for i in 1 2 3; do
  netns_veth "" "${TAG}m$i" "${NS[i - 1]}" mgmt --addr-a "$(mgmt_host $i)/30" --addr-b "$(mgmt_ns $i)/30"
done
install_pki --server "dataplane,$(mgmt_ns 1),$(mgmt_ns 2),$(mgmt_ns 3)"

"$TAKTCTL" plan "$PLAN_B" -o "$WORK/plan-b" >"$WORK/plan-b.log" 2>&1 || fail "taktctl plan $PLAN_B: $(cat "$WORK/plan-b.log")"
EXPECTED_PORTS=0
for sw in "${SWITCHES[@]}"; do
  [[ -r $WORK/plan-b/bridge/$sw.json ]] || fail "taktctl plan wrote no bridge/$sw.json"
  EXPECTED_PORTS=$((EXPECTED_PORTS + $(jq '.ports | length' "$WORK/plan-b/bridge/$sw.json")))
done

# start_switch <sw>: takt-dataplane in <sw>'s namespace, one net_null vdev per bridge port of
# its configuration, the packet loop on CPU 0 or 1 so the three share the machine's two.
start_switch() {
  local sw=$1 i=${1#sw} config=$WORK/plan-b/bridge/$1.json
  local eal=(--no-huge --no-pci -m 256 --file-prefix "${TAG}$sw" -l $(((i + 1) % 2)) --log-level=lib.eal:warning)
  local app=(--config "$config")
  local n=0 port
  for port in $(jq -r '.ports[].name' "$config"); do
    eal+=(--vdev "net_null$n,no-rx=1")
    app+=(--port "$port=net_null$n")
    n=$((n + 1))
  done
  local address
  address=$(address_of "$sw")
  app+=(--agent-port "$AGENT_PORT" --agent-address "$address" --agent-cert "$WORK/pki/server-dataplane.pem"
        --agent-key "$WORK/pki/server-dataplane.key" --agent-ca "$WORK/pki/ca.pem"
        --ptp-uds "$WORK/ptp4l-$sw" --ptp-transport-specific 1)
  echo "--- start" >>"$WORK/dataplane-$sw.log"
  ip netns exec "${NS[i - 1]}" "$DATAPLANE" "${eal[@]}" -- "${app[@]}" >>"$WORK/dataplane-$sw.log" 2>&1 &
  PID[$sw]=$!
  URL[$sw]="https://$address:$AGENT_PORT"
  for _ in $(seq 200); do
    kill -0 "${PID[$sw]}" 2>/dev/null || fail "takt-dataplane $sw exited during start"
    [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 1 --cacert "$WORK/pki/ca.pem" "${URL[$sw]}/") != 000 ]] &&
      return
    sleep 0.1
  done
  fail "takt-dataplane $sw does not answer on ${URL[$sw]}"
}

# SIGHUP reloads racing agent commits on sw1: both publish through takt-dataplane's one
# SchedulePublisher, so neither reads a schedule the other may be freeing. The reloads put the
# file's schedule (plan B) back, so applies made meanwhile may fail their confirmation; the
# dataplane must survive, and an apply after the reloads must succeed from what they left.
check_reload_during_commits() {
  kill "${PID[ctl]}"
  wait "${PID[ctl]}" 2>/dev/null || true
  unset 'PID[ctl]'
  local sw1=${PID[sw1]} plan
  (for _ in $(seq 60); do kill -HUP "$sw1" || exit; sleep 0.02; done) &
  local hup=$!
  for plan in "$PLAN_B" "$PLAN_A" "$PLAN_B" "$PLAN_A"; do
    "$TAKTCTL" apply "$plan" --agents "$WORK/agents.yaml" --lead-ms 100 --no-wait >>"$WORK/apply-race.txt" 2>&1 || true
  done
  wait "$hup" || fail "takt-dataplane sw1 went away during SIGHUP reloads"
  kill -0 "$sw1" 2>/dev/null || fail "takt-dataplane sw1 died while reloads raced agent commits"
  local reloads commits
  reloads=$(grep -c "bridge/sw1.json: gate schedule [0-9]* installed" "$WORK/dataplane-sw1.log" || true)
  commits=$(grep -c "gate schedule [0-9]* installed by the switch agent" "$WORK/dataplane-sw1.log" || true)
  ((reloads > 0 && commits > 2)) || fail "sw1 logged $reloads reloads and $commits agent commits"
  ! grep -q "not installed" "$WORK/dataplane-sw1.log" || fail "a reload failed: $(grep "not installed" "$WORK/dataplane-sw1.log")"
  "$TAKTCTL" apply "$PLAN_A" --agents "$WORK/agents.yaml" --lead-ms "$LEAD_MS" >"$WORK/apply-after-race.txt" 2>&1 ||
    fail "apply after the reloads failed: $(cat "$WORK/apply-after-race.txt")"
  ok "sw1 survived $reloads SIGHUP reloads racing $commits agent commits; apply afterwards confirmed on all three"
}

install_start_agents
ok "three takt-dataplane agents up: ${URL[sw1]} ${URL[sw2]} ${URL[sw3]} ($EXPECTED_PORTS ports)"
install_run_checks
for sw in sw1 sw3; do
  grep -q "gate schedule .* installed by the switch agent" "$WORK/dataplane-$sw.log" ||
    fail "takt-dataplane $sw never installed a schedule from its agent"
done
ok "takt-dataplane sw1 and sw3 installed the gate schedules their agents committed"
check_reload_during_commits
echo PASS
