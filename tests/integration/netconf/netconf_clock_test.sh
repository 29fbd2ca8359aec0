#!/usr/bin/env bash
# A NETCONF switch's clock read with PTP management: two ptp4l (gPTP-style, software
# timestamps, free_running 1) in two network namespaces joined by a veth pair. ptp4l A (the
# grandmaster) stands for the controller host's own ptp4l; ptp4l B is sw1's clock. agents.yaml
# names sw1's clockIdentity (ptp-clock) and A's socket (ptp-via): takt asks B through A. sw3 is
# read the same way but is A itself; sw2 is a takt-agent reading A. Checks, all without
# --allow-unsynchronised:
#   1. while B is UNCALIBRATED, apply is refused naming sw1's clock, nothing changed;
#   2. once B is a SLAVE within the budget, apply installs on all three, and the report and
#      taktctl status say sw1's clock is synchronised, read through A;
#   3. ptp4l B killed: apply is refused naming sw1 and the clock that does not answer.
#
#   netconf_clock_test.sh TAKTCTL TAKT_AGENT TAKT_PMC YANG_DIR
# Needs root, netconfd, sshd, ptp4l, iproute2; exit 77 without.
set -euo pipefail
readonly SKIP=77
TAKTCTL=$1 AGENT=$2 PMC=$3 YANG=$4
HERE=$(cd "$(dirname "$0")" && pwd)
PLANT=$HERE/../install/three_cell.yaml

skip() { echo "SKIP: $*"; exit "$SKIP"; }
fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok: $*"; }

[[ $(id -u) -eq 0 ]] || skip "needs root (mount and network namespaces)"
for tool in netconfd /usr/sbin/netconf-subsystem /usr/sbin/sshd ssh ssh-keygen unshare ptp4l ip jq python3; do
  command -v "$tool" >/dev/null || skip "$tool is not installed"
done
[[ -f $YANG/ieee802-dot1q-sched-bridge.yang ]] || skip "no IEEE YANG modules in $YANG"

# shellcheck source=../../../scripts/lib/netns.sh
source "$HERE/../../../scripts/lib/netns.sh"
# shellcheck source=netconf_servers.sh
source "$HERE/netconf_servers.sh"
# shellcheck source=../ptp/gptp_config.sh
source "$HERE/../ptp/gptp_config.sh"

TAG=$(netns_unique_tag tkncc)
readonly NS_A="${TAG}a" NS_B="${TAG}b" IF_A="${TAG}a" IF_B="${TAG}b"
WORK=$(mktemp -d /tmp/takt-netconf-clock.XXXXXX)
PGIDS=()
clock_cleanup() {
  for g in "${PGIDS[@]}"; do kill -TERM -- "-$g" 2>/dev/null || true; done
  sleep 0.3
  for g in "${PGIDS[@]}"; do kill -KILL -- "-$g" 2>/dev/null || true; done
  if [[ $NETNS_EXIT_STATUS -ne 0 && $NETNS_EXIT_STATUS -ne $SKIP ]]; then
    for f in "$WORK"/*.log; do [[ -f $f ]] && { echo "--- $f"; tail -n 15 "$f"; }; done
  fi
  rm -rf "$WORK"
}
netns_on_cleanup clock_cleanup
netns_cleanup_on_exit

netns_add "$NS_A"
netns_add "$NS_B"
netns_veth "$NS_A" "$IF_A" "$NS_B" "$IF_B"
readonly SOCK_A="$WORK/ptp4l-a" SOCK_B="$WORK/ptp4l-b"
write_gptp_config "$WORK/a.cfg" 100 "$SOCK_A"
write_gptp_config "$WORK/b.cfg" 248 "$SOCK_B"
netns_spawn "$NS_A" "$WORK/ptp4l-a.log" ptp4l -f "$WORK/a.cfg" -i "$IF_A" -S -m
netns_spawn "$NS_B" "$WORK/ptp4l-b.log" ptp4l -f "$WORK/b.cfg" -i "$IF_B" -S -m
PTP_B=$NETNS_PID

identity() { "$PMC" -s "$1" -t 1 --json | jq -r .health.clock_identity; }
state() { "$PMC" -s "$1" -t 1 --json 2>/dev/null | jq -r '.health.ports[0].state' || echo none; }
deadline=$((SECONDS + 20))
until [[ $(state "$SOCK_A") == MASTER && $(state "$SOCK_B") == UNCALIBRATED ]]; do
  ((SECONDS < deadline)) || fail "no MASTER/UNCALIBRATED pair within 20 s (A: $(state "$SOCK_A"), B: $(state "$SOCK_B"))"
  sleep 0.3
done
ID_A=$(identity "$SOCK_A")
ID_B=$(identity "$SOCK_B")

netconf_servers_init
start_server sw1 ieee802-dot1q-sched-bridge iana-if-type
start_server sw3 ieee802-dot1q-sched-bridge iana-if-type
"$AGENT" --bridge sw2 --ports p1 p2 p3 --plain-http --port 0 --port-file "$WORK/sw2.port" \
  --ptp-uds "$SOCK_A" --ptp-transport-specific 1 >"$WORK/agent-sw2.log" 2>&1 &
AGENT_PID=$!
netns_track "$AGENT_PID"
for _ in $(seq 100); do [[ -s $WORK/sw2.port ]] && break; sleep 0.05; done
[[ -s $WORK/sw2.port ]] || fail "takt-agent sw2 did not start: $(cat "$WORK/agent-sw2.log")"
SW2="http://127.0.0.1:$(cat "$WORK/sw2.port")"
cat >"$WORK/agents.yaml" <<EOF
defaults:
  ssh-key: $WORK/client_key
  known-hosts: $WORK/known_hosts
  yang-dir: $YANG:$YUMA_YANG_DIRS
  netconf-content: schedule
  ptp-via: $SOCK_A
  ptp-transport-specific: 1
agents:
  sw1: {url: "netconf://root@127.0.0.1:${PORT[sw1]}", ptp-clock: "$ID_B"}
  sw2: $SW2
  sw3: {url: "netconf://root@127.0.0.1:${PORT[sw3]}", ptp-clock: "$ID_A"}
EOF
"$TAKTCTL" plan "$PLANT" -o "$WORK/plan" >"$WORK/plan.log" 2>&1 || fail "taktctl plan: $(tail -n 3 "$WORK/plan.log")"

# 1. B still UNCALIBRATED: refused, naming sw1's clock.
if "$TAKTCTL" apply "$WORK/plan" --agents "$WORK/agents.yaml" >"$WORK/apply-uncal.log" 2>&1; then
  fail "apply succeeded while sw1's clock was UNCALIBRATED: $(cat "$WORK/apply-uncal.log")"
fi
grep -q "sw1: clock not synchronised within the plan's sync budget .*clock $ID_B (PTP management through" \
  "$WORK/apply-uncal.log" || fail "the refusal does not name sw1's clock: $(cat "$WORK/apply-uncal.log")"
! grep -q "sw3: clock not synchronised" "$WORK/apply-uncal.log" || fail "sw3 (the grandmaster A) judged unsynchronised"
! grep -q '<gate-control-entry>' <<<"$(get_running sw1)" || fail "sw1 was written although refused"
ok "sw1's clock $ID_B read through ptp4l A while UNCALIBRATED: refused, $(grep -o 'sw1: clock not synchronised[^;]*' "$WORK/apply-uncal.log" | head -n 1 | cut -c1-160)"

# 2. B a SLAVE within the budget (a free-running slave leaves UNCALIBRATED once its
# synchronisation is declared certain): installed everywhere without --allow-unsynchronised.
"$PMC" -s "$SOCK_B" -t 1 --set-sync-uncertain >/dev/null
deadline=$((SECONDS + 10))
until "$PMC" -s "$SOCK_B" -t 1 --budget 100000 --check >/dev/null 2>&1; do
  ((SECONDS < deadline)) || fail "ptp4l B did not become a healthy SLAVE"
  sleep 0.2
done
# What an engineer checks first: takt-pmc asks B through A.
[[ $("$PMC" -s "$SOCK_A" -t 1 --remote "$ID_B" --json | jq -r .health.clock_identity) == "$ID_B" ]] ||
  fail "takt-pmc --remote $ID_B through A did not get B's answer"
"$TAKTCTL" apply "$WORK/plan" --agents "$WORK/agents.yaml" >"$WORK/apply.log" 2>&1 ||
  fail "apply with every clock synchronised: $(cat "$WORK/apply.log")"
"$TAKTCTL" status --agents "$WORK/agents.yaml" --sync-budget-ns 100000 --format json >"$WORK/status.json" 2>"$WORK/status.log" ||
  fail "taktctl status: $(cat "$WORK/status.log")"
[[ $(jq -r '.[] | select(.bridge == "sw1") | .synchronised' "$WORK/status.json") == true ]] ||
  fail "status does not show sw1's clock synchronised: $(cat "$WORK/status.json")"
jq -r '.[] | select(.bridge == "sw1") | .clock' "$WORK/status.json" | grep -q "clock $ID_B (PTP management through $SOCK_A): .*SLAVE" ||
  fail "status does not say how sw1's clock was read: $(jq -r '.[] | select(.bridge == "sw1") | .clock' "$WORK/status.json")"
[[ $(grep -o '<gate-control-entry>' <<<"$(get_running sw1)" | wc -l) -gt 0 ]] || fail "sw1 holds no gate control entries"
ok "every clock synchronised (sw1 read through A: $(jq -r '.[] | select(.bridge == "sw1") | .clock' "$WORK/status.json" | cut -c1-120)): installed without --allow-unsynchronised"

# 3. ptp4l B gone: sw1's clock does not answer, refused naming it.
netns_stop "$PTP_B"
if "$TAKTCTL" apply "$WORK/plan" --agents "$WORK/agents.yaml" >"$WORK/apply-gone.log" 2>&1; then
  fail "apply succeeded with sw1's ptp4l gone"
fi
grep -q "sw1: clock not synchronised.*no answer from clock $ID_B through ptp4l at $SOCK_A" "$WORK/apply-gone.log" ||
  fail "the refusal does not say sw1's clock does not answer: $(cat "$WORK/apply-gone.log")"
ok "ptp4l B killed: refused, $(grep -o 'sw1: clock not synchronised[^(]*' "$WORK/apply-gone.log" | head -n 1 | cut -c1-160)"
echo PASS
