#!/usr/bin/env bash
# A mixed plant of four bridges in one transaction (four_bridges.yaml, every stream crossing all
# four): sw1 and sw3 are real takt-dataplane processes, each in its network namespace beside its
# ptp4l (as install_dataplane_test.sh: net_null ports, --no-huge, the switch agent over TLS on a
# veth management address), sw2 and sw4 are NETCONF servers (netconfd behind a private sshd,
# netconf_servers.sh) whose clocks are read with PTP management through sw1's ptp4l (sw2 as the
# grandmaster itself, sw4 as sw3's slave clock), so nothing needs --allow-unsynchronised.
# sw4's server carries a deviation limiting each gate control list to plan A's length. Checks:
#   1. taktctl apply installs plan A on all four at one base time; read back here, not by
#      taktctl: each NETCONF server's running configuration holds every leaf of
#      yang/<bridge>.json (its gate tables: netconf-content schedule) with the reported base
#      time, and each takt-dataplane agent's committed configuration is bridge/<bridge>.json
#      leaf by leaf, committed at that base time under the apply's transaction;
#   2. plan B (four_bridges_v2.yaml: one more stream, longer gate lists) does not fit sw4's
#      models (the deviation): apply fails naming sw4 and the gate control entry, nothing is
#      installed anywhere, and all four still hold plan A exactly as in check 1 (read back
#      again), nothing staged on sw1 and sw3;
#   3. taktctl status over the four: every clock synchronised, the dataplanes on plan A's
#      transaction, the NETCONF bridges' gate tables as plan A has them.
# Why: issue 15 asks that hardware and takt-dataplane bridges install, and fail, as one.
#
#   netconf_dataplane_test.sh TAKTCTL TAKT_DATAPLANE TAKT_PMC YANG_DIR
# Needs root (network and mount namespaces), netconfd, sshd, ssh, ssh-keygen, ptp4l, ip, jq,
# curl, openssl, python3; exit 77 (skipped) without.
set -euo pipefail
readonly SKIP=77
TAKTCTL=${1:?usage: $0 taktctl takt-dataplane takt-pmc yang-dir}
DATAPLANE=${2:?}
PMC=${3:?}
YANG=${4:?}
HERE=$(cd "$(dirname "$0")" && pwd)
PLANT_A=$HERE/four_bridges.yaml
PLANT_B=$HERE/four_bridges_v2.yaml

skip() { echo "SKIP: $*"; exit "$SKIP"; }
fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok: $*"; }

[[ $(id -u) -eq 0 ]] || skip "needs root (network and mount namespaces)"
for tool in netconfd /usr/sbin/netconf-subsystem /usr/sbin/sshd ssh ssh-keygen unshare ptp4l ip jq curl openssl python3; do
  command -v "$tool" >/dev/null || skip "$tool is not installed"
done
[[ -f $YANG/ieee802-dot1q-sched-bridge.yang ]] || skip "no IEEE YANG modules in $YANG"

# shellcheck source=../../../scripts/lib/netns.sh
source "$HERE/../../../scripts/lib/netns.sh"
# shellcheck source=netconf_servers.sh
source "$HERE/netconf_servers.sh"
# shellcheck source=../ptp/gptp_config.sh
source "$HERE/../ptp/gptp_config.sh"
ROOT=$(cd "$HERE/../../.." && pwd)

TAG=$(netns_unique_tag tkncd)
readonly NS1="${TAG}1" NS3="${TAG}3"
readonly SUBNET="10.249.$(($$ % 250))" AGENT_PORT=8443
WORK=$(mktemp -d /tmp/takt-netconf-dp.XXXXXX)
PGIDS=()
declare -A URL
cleanup() {
  local g
  for g in "${PGIDS[@]}"; do kill -TERM -- "-$g" 2>/dev/null || true; done
  sleep 0.3
  for g in "${PGIDS[@]}"; do kill -KILL -- "-$g" 2>/dev/null || true; done
  rm -rf "/var/run/dpdk/${TAG}sw1" "/var/run/dpdk/${TAG}sw3"
  if [[ $NETNS_EXIT_STATUS -ne 0 && $NETNS_EXIT_STATUS -ne $SKIP ]]; then
    for f in "$WORK"/*.log "$WORK"/ns-*/netconfd.log; do [[ -f $f ]] && { echo "--- $f"; tail -n 15 "$f"; }; done
  fi
  rm -rf "$WORK"
}
netns_on_cleanup cleanup
netns_cleanup_on_exit

# --- the plans, and sw4's deviation: gate control lists no longer than plan A's there, as gate
# control entry indexes up to plan A's longest list. A type, not max-elements or must: taktctl
# parses the plan in the server's models, deviations included, and that parse checks types but
# not list lengths or must. (netconfd announces the deviation, but here it accepted an edit
# outside it, whether max-elements, must or this range: the refusal is taktctl's, from the
# models sw4 announces, before anything is staged.) ---------------------------------------------
"$TAKTCTL" plan "$PLANT_A" -o "$WORK/plan-a" >"$WORK/plan-a.log" 2>&1 || fail "taktctl plan $PLANT_A: $(tail -n 3 "$WORK/plan-a.log")"
"$TAKTCTL" plan "$PLANT_B" -o "$WORK/plan-b" >"$WORK/plan-b.log" 2>&1 || fail "taktctl plan $PLANT_B: $(tail -n 3 "$WORK/plan-b.log")"
GCL='."ietf-interfaces:interfaces".interface[]."ieee802-dot1q-bridge:bridge-port"."ieee802-dot1q-sched-bridge:gate-parameter-table"."admin-control-list"."gate-control-entry"'
longest() { jq "[$GCL | length] | max" "$WORK/$1/yang/$2.json"; }
MAX_A=$(longest plan-a sw4)
MAX_B=$(longest plan-b sw4)
((MAX_B > MAX_A)) || fail "plan B's longest gate control list on sw4 ($MAX_B entries) is not longer than plan A's ($MAX_A): the deviation cannot refuse it"
netconf_servers_init
cat >"$WORK/yang-test/takt-test-short-lists.yang" <<EOF
module takt-test-short-lists {
  yang-version 1.1;
  namespace "urn:takt:test:short-gate-lists";
  prefix tsg;
  import ietf-interfaces { prefix if; }
  import ieee802-dot1q-bridge { prefix dot1q; }
  import ieee802-dot1q-sched-bridge { prefix sched-bridge; }
  description "A switch whose gate control lists hold $MAX_A entries at most.";
  deviation "/if:interfaces/if:interface/dot1q:bridge-port/sched-bridge:gate-parameter-table/"
          + "sched-bridge:admin-control-list/sched-bridge:gate-control-entry/sched-bridge:index" {
    deviate replace { type uint32 { range "0..$((MAX_A - 1))"; } }
  }
}
EOF

# --- sw1 and sw3: namespaces, ptp4l (sw1 the grandmaster), management veths, PKI -------------
netns_add "$NS1"
netns_add "$NS3"
netns_veth "$NS1" "${TAG}a" "$NS3" "${TAG}b"  # PTP between the two
readonly SOCK1="$WORK/ptp4l-sw1" SOCK3="$WORK/ptp4l-sw3"
# write_gptp_config (../ptp/gptp_config.sh) writes free_running 1: both ptp4l measure and
# report, and never steer this machine's clock.
write_gptp_config "$WORK/sw1.cfg" 100 "$SOCK1"
write_gptp_config "$WORK/sw3.cfg" 248 "$SOCK3"
netns_spawn "$NS1" "$WORK/ptp4l-sw1.log" ptp4l -f "$WORK/sw1.cfg" -i "${TAG}a" -S -m
netns_spawn "$NS3" "$WORK/ptp4l-sw3.log" ptp4l -f "$WORK/sw3.cfg" -i "${TAG}b" -S -m
mgmt_host() { echo "$SUBNET.$((4 * $1 - 3))"; }
mgmt_ns() { echo "$SUBNET.$((4 * $1 - 2))"; }
netns_veth "" "${TAG}m1" "$NS1" mgmt --addr-a "$(mgmt_host 1)/30" --addr-b "$(mgmt_ns 1)/30"
netns_veth "" "${TAG}m3" "$NS3" mgmt --addr-a "$(mgmt_host 3)/30" --addr-b "$(mgmt_ns 3)/30"
"$ROOT/scripts/pki.sh" "$WORK/pki" --server "dataplane,$(mgmt_ns 1),$(mgmt_ns 3)" --client taktctl >/dev/null

state() { "$PMC" -s "$1" -t 1 --json 2>/dev/null | jq -r '.health.ports[0].state' || echo none; }
identity() { "$PMC" -s "$1" -t 1 --json | jq -r .health.clock_identity; }
deadline=$((SECONDS + 20))
until [[ $(state "$SOCK1") == MASTER && $(state "$SOCK3") =~ ^(UNCALIBRATED|SLAVE)$ ]]; do
  ((SECONDS < deadline)) || fail "ptp4l: no MASTER (sw1: $(state "$SOCK1")) and slave (sw3: $(state "$SOCK3")) within 20 s"
  sleep 0.3
done
# A free-running slave leaves UNCALIBRATED once its synchronisation is declared certain.
"$PMC" -s "$SOCK3" -t 1 --set-sync-uncertain >/dev/null
deadline=$((SECONDS + 10))
until "$PMC" -s "$SOCK3" -t 1 --budget 100000 --check >/dev/null 2>&1; do
  ((SECONDS < deadline)) || fail "ptp4l sw3 did not become a healthy SLAVE of sw1: $(state "$SOCK3")"
  sleep 0.2
done
ID1=$(identity "$SOCK1")
ID3=$(identity "$SOCK3")

# start_switch SW: takt-dataplane in SW's namespace from plan B's bridge configuration (so plan
# A is a change), one net_null port per bridge port, pinned to CPU 0 (sw1) or 1 (sw3).
start_switch() {
  local sw=$1 i=${1#sw} config=$WORK/plan-b/bridge/$1.json ns
  ns=${TAG}$i
  local eal=(--no-huge --no-pci -m 256 --file-prefix "${TAG}$sw" -l $(((i - 1) / 2)) --log-level=lib.eal:warning)
  local app=(--config "$config" --idle-sleep-us 50)
  local n=0 port
  for port in $(jq -r '.ports[].name' "$config"); do
    eal+=(--vdev "net_null$n,no-rx=1")
    app+=(--port "$port=net_null$n")
    n=$((n + 1))
  done
  app+=(--agent-port "$AGENT_PORT" --agent-address "$(mgmt_ns "$i")" --agent-cert "$WORK/pki/server-dataplane.pem"
        --agent-key "$WORK/pki/server-dataplane.key" --agent-ca "$WORK/pki/ca.pem"
        --ptp-uds "$WORK/ptp4l-$sw" --ptp-transport-specific 1)
  netns_spawn "$ns" "$WORK/dataplane-$sw.log" "$DATAPLANE" "${eal[@]}" -- "${app[@]}"
  local pid=$NETNS_PID
  URL[$sw]="https://$(mgmt_ns "$i"):$AGENT_PORT"
  for _ in $(seq 200); do
    kill -0 "$pid" 2>/dev/null || fail "takt-dataplane $sw exited during start: $(tail -n 5 "$WORK/dataplane-$sw.log")"
    [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 1 --cacert "$WORK/pki/ca.pem" "${URL[$sw]}/") != 000 ]] && return
    sleep 0.1
  done
  fail "takt-dataplane $sw does not answer on ${URL[$sw]}"
}
start_switch sw1
start_switch sw3

# --- sw2 and sw4: NETCONF servers on loopback, sw4 with the deviation ------------------------
SCHED="ieee802-dot1q-sched-bridge iana-if-type"
# shellcheck disable=SC2086
start_server sw2 $SCHED
# shellcheck disable=SC2086
start_server sw4 $SCHED deviation:takt-test-short-lists
# Ready once a whole session works (start_server waits for the port only), and empty.
for sw in sw2 sw4; do
  running=$(get_running "$sw") || fail "$sw: no NETCONF session: $running"
  ! grep -q '<gate-control-entry>' <<<"$running" || fail "$sw holds gate control entries before any apply: ${running:0:500}"
done

cat >"$WORK/agents.yaml" <<EOF
defaults:
  ca: $WORK/pki/ca.pem
  cert: $WORK/pki/client-taktctl.pem
  key: $WORK/pki/client-taktctl.key
  request-timeout-ms: 3000
  ssh-key: $WORK/client_key
  known-hosts: $WORK/known_hosts
  yang-dir: $YANG:$WORK/yang-test:$YUMA_YANG_DIRS
  netconf-content: schedule
  ptp-via: $SOCK1
  ptp-transport-specific: 1
agents:
  sw1: ${URL[sw1]}
  sw2: {url: "netconf://root@127.0.0.1:${PORT[sw2]}", ptp-clock: "$ID1"}
  sw3: ${URL[sw3]}
  sw4: {url: "netconf://root@127.0.0.1:${PORT[sw4]}", ptp-clock: "$ID3"}
EOF
ok "sw1, sw3 takt-dataplane (${URL[sw1]}, ${URL[sw3]}), sw2, sw4 NETCONF (ports ${PORT[sw2]}, ${PORT[sw4]}; sw4's gate lists at most $MAX_A entries); clocks $ID1 (grandmaster), $ID3"

# --- read-back helpers: every difference printed, with the bridge's name ----------------------
bridge_state() { curl -sf --max-time 5 --cacert "$WORK/pki/ca.pem" "${URL[$1]}/api/v1/bridge"; }
# netconf_holds SW PLAN BASE: SW's running configuration has every leaf of PLAN/yang/SW.json.
netconf_holds() {
  local sw=$1 plan=$2 base=$3 diffs
  get_running "$sw" >"$WORK/running-$sw.xml" || fail "$sw: get-config failed: $(cat "$WORK/running-$sw.xml")"
  if ! diffs=$(YANG_DIRS=$YANG python3 "$HERE/tree_compare.py" yang-xml "$WORK/$plan/yang/$sw.json" "$WORK/running-$sw.xml" "$base"); then
    fail "$sw's running configuration differs from $plan/yang/$sw.json (base time $base): $(head -n 20 <<<"$diffs")"
  fi
}
# dataplane_holds SW PLAN TX BASE: SW's agent committed PLAN/bridge/SW.json, leaf by leaf, under
# transaction TX at base time BASE, and holds nothing staged.
dataplane_holds() {
  local sw=$1 plan=$2 tx=$3 base=$4 diffs have
  bridge_state "$sw" >"$WORK/state-$sw.json" || fail "$sw: GET ${URL[$sw]}/api/v1/bridge failed"
  have=$(jq -r '.committed.transaction' "$WORK/state-$sw.json")
  [[ $have == "$tx" ]] || fail "$sw's agent committed transaction $have, not $tx"
  have=$(jq -r '.committed."base-time" | (.seconds | tonumber) * 1000000000 + .nanoseconds' "$WORK/state-$sw.json")
  [[ $have == "$base" ]] || fail "$sw's agent committed base time $have, not $base"
  if ! diffs=$(python3 "$HERE/tree_compare.py" json "$WORK/$plan/bridge/$sw.json" "$WORK/state-$sw.json" committed.config "$base"); then
    fail "$sw's committed configuration differs from $plan/bridge/$sw.json: $(head -n 20 <<<"$diffs")"
  fi
  have=$(jq -c '.staged' "$WORK/state-$sw.json")
  [[ $have == null ]] || fail "$sw's agent still holds a staged configuration: ${have:0:300}"
}
holds_plan_a() {
  netconf_holds sw2 plan-a "$BASE_A"
  netconf_holds sw4 plan-a "$BASE_A"
  dataplane_holds sw1 plan-a "$TX_A" "$BASE_A"
  dataplane_holds sw3 plan-a "$TX_A" "$BASE_A"
}

# taktctl SUBCOMMAND ARGS...: taktctl, but a run that hangs (say, a NETCONF session waiting for
# a reply its server never sends) fails the test after 60 s, saying so, instead of the timeout.
exec 3>&1
taktctl() {
  local rc=0
  timeout -k 5 60 "$TAKTCTL" "$@" || rc=$?
  if ((rc == 124 || rc == 137)); then
    fail "taktctl $1 did not finish within 60 s; TAKT_NETCONF_TRACE=1 shows where a NETCONF session waits" >&3
  fi
  return "$rc"
}

# --- 1. plan A on all four ---------------------------------------------------------------------
if ! taktctl apply "$WORK/plan-a" --agents "$WORK/agents.yaml" --lead-ms 1000 --format json \
  >"$WORK/apply-a.json" 2>"$WORK/apply-a.log"; then
  fail "apply of plan A to the four bridges: $(cat "$WORK/apply-a.json" "$WORK/apply-a.log")"
fi
[[ $(jq -r .installed "$WORK/apply-a.json") == true ]] || fail "apply A: not installed: $(cat "$WORK/apply-a.json")"
BASE_A=$(jq -r '."base-time-ns"' "$WORK/apply-a.json")
TX_A=$(jq -r .transaction "$WORK/apply-a.json")
holds_plan_a
for sw in sw1 sw3; do
  grep -q "gate schedule .* installed by the switch agent" "$WORK/dataplane-$sw.log" ||
    fail "takt-dataplane $sw did not log installing the schedule its agent committed: $(tail -n 5 "$WORK/dataplane-$sw.log")"
done
ENTRIES=$(cat "$WORK"/plan-a/yang/sw{2,4}.json | jq -s "[.[] | ${GCL}[]] | length")
ok "plan A installed on all four (transaction $TX_A, base time $BASE_A); read back: sw2 and sw4 hold every leaf of yang/<bridge>.json ($ENTRIES gate control entries), sw1 and sw3 committed bridge/<bridge>.json leaf by leaf"

# --- 2. plan B refused for sw4: nothing installed, all four keep plan A -------------------------
if taktctl apply "$WORK/plan-b" --agents "$WORK/agents.yaml" --lead-ms 1000 >"$WORK/apply-b.log" 2>&1; then
  fail "apply of plan B succeeded although sw4's gate control lists take $MAX_A entries and plan B has $MAX_B: $(cat "$WORK/apply-b.log")"
fi
grep -q "sw4 (netconf://" "$WORK/apply-b.log" || fail "the failure does not name sw4: $(cat "$WORK/apply-b.log")"
! grep -qE "sw[123] \((https|netconf)://[^)]*\): " "$WORK/apply-b.log" ||
  fail "the failure blames another bridge than sw4: $(cat "$WORK/apply-b.log")"
grep -qE "aborted on every bridge|reverted on every bridge|nothing was changed" "$WORK/apply-b.log" ||
  fail "the failure does not say the transaction was undone everywhere: $(cat "$WORK/apply-b.log")"
grep -q "sw4 (netconf://.*range.*gate-control-entry" "$WORK/apply-b.log" ||
  fail "sw4's refusal does not name the gate control entry out of its range: $(cat "$WORK/apply-b.log")"
sleep 0.1  # a reverted port restarts its own list at its next cycle boundary (2 ms here)
holds_plan_a
ok "plan B refused by sw4: $(grep -o 'sw4 (netconf://[^)]*): .*' "$WORK/apply-b.log" | head -n 1 | cut -c1-260); all four keep plan A (read back as in 1), nothing staged"

# --- 3. taktctl status over the four ------------------------------------------------------------
taktctl status --agents "$WORK/agents.yaml" --sync-budget-ns 100000 --format json >"$WORK/status.json" 2>"$WORK/status.log" ||
  fail "taktctl status on the four bridges: $(cat "$WORK/status.log" "$WORK/status.json")"
for sw in sw1 sw2 sw3 sw4; do
  [[ $(jq -r --arg b "$sw" '.[] | select(.bridge == $b) | .synchronised' "$WORK/status.json") == true ]] ||
    fail "status: $sw's clock is not synchronised: $(jq -c --arg b "$sw" '.[] | select(.bridge == $b) | .clock' "$WORK/status.json")"
done
for sw in sw1 sw3; do
  have=$(jq -r --arg b "$sw" '.[] | select(.bridge == $b) | .transaction' "$WORK/status.json")
  [[ $have == "$TX_A" ]] || fail "status: $sw shows transaction $have, not $TX_A"
done
for sw in sw2 sw4; do
  want=$(jq "[${GCL}[]] | length" "$WORK/plan-a/yang/$sw.json")
  have=$(jq --arg b "$sw" '[.[] | select(.bridge == $b) | .ports[].admin.entries] | add' "$WORK/status.json")
  [[ $have == "$want" ]] || fail "status: $sw shows $have gate control entries, plan A has $want"
  have=$(jq -r --arg b "$sw" '[.[] | select(.bridge == $b) | .ports[].admin."base-time-ns"] | unique | join(",")' "$WORK/status.json")
  [[ $have == "$BASE_A" ]] || fail "status: $sw shows base times $have, not $BASE_A"
done
ok "taktctl status: all four clocks synchronised, sw1 and sw3 on $TX_A, sw2 and sw4 with plan A's gate tables at $BASE_A"
echo PASS
