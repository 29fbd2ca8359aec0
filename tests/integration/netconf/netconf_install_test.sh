#!/usr/bin/env bash
# A mixed plant installed in one transaction: sw1 and sw3 are "hardware" bridges served by real
# NETCONF servers (yuma123's netconfd behind a private sshd, each in its own mount namespace so
# each has its own /tmp/ncxserver.sock), sw2 runs takt-agent. Checks:
#   1. taktctl apply installs three_cell.yaml on all three at one base time; each NETCONF
#      server's running configuration, read back here with a plain ssh client, holds every
#      gate control entry of yang/<bridge>.json and the reported base time;
#   2. sw3's candidate locked by another session: staging fails there, the transaction is
#      aborted everywhere, sw1 and sw2 keep plan A (sw1's base time, sw2's committed
#      transaction) and sw2 holds nothing staged;
#   3. a server whose model deviates (gate-states-value limited to 0..127, so the plan's
#      255 does not fit) is refused naming sw3 and the node, nothing changed anywhere;
#   4. a server without the sched-bridge model is refused at check, naming the module;
#   5. taktctl status shows each NETCONF bridge's gate tables as the switch holds them;
#   6. a server without :candidate (netconfd --target=running) is refused, naming the fallback;
#      with netconf-fallback: edit-running it is installed by editing running;
#   7. sw3's sshd killed between stage and commit: reverted everywhere (the edit-running
#      server's running configuration put back), every bridge keeps what it ran;
#   8. takt-controller converges without writing anything, then repairs a hand edit made on sw3
#      over NETCONF (a drift read back with get-config), leaving sw1 and sw2 alone.
#
#   netconf_install_test.sh TAKTCTL TAKT_AGENT YANG_DIR TAKT_CONTROLLER
# Needs root (mount namespaces), netconfd, sshd, ssh, ssh-keygen, jq, curl; exit 77 without.
set -euo pipefail
readonly SKIP=77
TAKTCTL=$1 AGENT=$2 YANG=$3 CONTROLLER=$4
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=netconf_servers.sh
source "$HERE/netconf_servers.sh"
PLANT=$HERE/../install/three_cell.yaml

skip() { echo "SKIP: $*"; exit "$SKIP"; }
fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok: $*"; }

[[ $(id -u) -eq 0 ]] || skip "needs root (mount namespaces for the NETCONF servers)"
for tool in netconfd /usr/sbin/netconf-subsystem /usr/sbin/sshd ssh ssh-keygen unshare nsenter pgrep jq curl python3; do
  command -v "$tool" >/dev/null || skip "$tool is not installed (apt-get install netconfd openssh-server openssh-client)"
done
[[ -f $YANG/ieee802-dot1q-sched-bridge.yang ]] || skip "no IEEE YANG modules in $YANG"

WORK=$(mktemp -d /tmp/takt-netconf-it.XXXXXX)
PGIDS=()
AGENT_PID=""
CONTROLLER_PID=""
cleanup() {
  local status=$?
  [[ -n $CONTROLLER_PID ]] && kill "$CONTROLLER_PID" 2>/dev/null || true
  for g in "${PGIDS[@]}"; do kill -TERM -- "-$g" 2>/dev/null || true; done
  [[ -n $AGENT_PID ]] && kill "$AGENT_PID" 2>/dev/null || true
  sleep 0.3
  for g in "${PGIDS[@]}"; do kill -KILL -- "-$g" 2>/dev/null || true; done
  if [[ $status -ne 0 && $status -ne $SKIP ]]; then
    for f in "$WORK"/*.log "$WORK"/ns-*/netconfd.log "$WORK"/ns-*/sshd.log; do
      [[ -f $f ]] && { echo "--- $f"; tail -n 15 "$f"; }
    done
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Modules every server loads: the sched-bridge model (or not, for check 3), iana-if-type.
# A deviation module for check 2, in a folder of its own that the servers and taktctl both read.
mkdir -p "$WORK/yang-test"
cat >"$WORK/yang-test/takt-test-seven-gates.yang" <<'EOF'
module takt-test-seven-gates {
  yang-version 1.1;
  namespace "urn:takt:test:short-lists";
  prefix tsl;
  import ietf-interfaces { prefix if; }
  import ieee802-dot1q-bridge { prefix dot1q; }
  import ieee802-dot1q-sched-bridge { prefix sched-bridge; }
  description "A switch whose gates cover traffic classes 0..6 only: gate-states-value up to 127.";
  deviation "/if:interfaces/if:interface/dot1q:bridge-port/sched-bridge:gate-parameter-table/"
          + "sched-bridge:admin-control-list/sched-bridge:gate-control-entry/sched-bridge:gate-states-value" {
    deviate replace { type uint8 { range "0..127"; } }
  }
}
EOF

netconf_servers_init

SCHED="ieee802-dot1q-sched-bridge iana-if-type"
start_server sw1 $SCHED
start_server sw3 $SCHED
start_server sw3seven $SCHED deviation:takt-test-seven-gates
start_server sw3bare iana-if-type
start_server sw1run $SCHED target:running

"$AGENT" --bridge sw2 --ports p1 p2 p3 --plain-http --port 0 --port-file "$WORK/sw2.port" >"$WORK/agent-sw2.log" 2>&1 &
AGENT_PID=$!
for _ in $(seq 100); do [[ -s $WORK/sw2.port ]] && break; sleep 0.05; done
[[ -s $WORK/sw2.port ]] || fail "takt-agent sw2 did not start"
SW2="http://127.0.0.1:$(cat "$WORK/sw2.port")"

# agents_file SW3-SERVER [SW1-SERVER [FALLBACK]]: sw1 and sw3 over NETCONF, sw2 over HTTP;
# written to agents-SW3-SERVER[-SW1-SERVER[-FALLBACK]].yaml.
agents_file() {
  local sw1=${2:-sw1} fallback=${3:-refuse} name=$1${2:+-$2}${3:+-$3}
  cat >"$WORK/agents-$name.yaml" <<EOF
defaults:
  ssh-key: $WORK/client_key
  known-hosts: $WORK/known_hosts
  yang-dir: $YANG:$WORK/yang-test:$YUMA_YANG_DIRS
agents:
  sw1: {url: "netconf://root@127.0.0.1:${PORT[$sw1]}", netconf-content: schedule, netconf-fallback: $fallback}
  sw2: $SW2
  sw3: {url: "netconf://root@127.0.0.1:${PORT[$1]}", netconf-content: schedule}
EOF
}

"$TAKTCTL" plan "$PLANT" -o "$WORK/plan" >"$WORK/plan.log" 2>&1 || fail "taktctl plan: $(tail -n 3 "$WORK/plan.log")"

# 1. Install plan A everywhere.
agents_file sw3
if ! "$TAKTCTL" apply "$WORK/plan" --agents "$WORK/agents-sw3.yaml" --allow-unsynchronised --format json \
  >"$WORK/apply-a.json" 2>"$WORK/apply-a.log"; then
  cat "$WORK/apply-a.json" "$WORK/apply-a.log"
  fail "apply of plan A to the mixed plant"
fi
[[ $(jq -r .installed "$WORK/apply-a.json") == true ]] || fail "apply A: not installed: $(cat "$WORK/apply-a.json")"
BASE_A=$(jq -r '."base-time-ns"' "$WORK/apply-a.json")
TX_A=$(jq -r .transaction "$WORK/apply-a.json")
for sw in sw1 sw3; do
  running=$(get_running "$sw")
  want=$(jq '[."ietf-interfaces:interfaces".interface[]."ieee802-dot1q-bridge:bridge-port"."ieee802-dot1q-sched-bridge:gate-parameter-table".
      "admin-control-list"."gate-control-entry"[]?] | length' "$WORK/plan/yang/$sw.json")
  have=$(grep -o '<gate-control-entry>' <<<"$running" | wc -l)
  [[ $have -eq $want && $want -gt 0 ]] || fail "$sw: running holds $have gate control entries, yang/$sw.json $want: ${running:0:3000}"
  grep -q "<seconds>$((BASE_A / 1000000000))</seconds>" <<<"$running" || fail "$sw: running lacks the base time's seconds"
  grep -q "<nanoseconds>$((BASE_A % 1000000000))</nanoseconds>" <<<"$running" || fail "$sw: base time nanoseconds"
done
committed=$(curl -sf "$SW2/api/v1/bridge" | jq -r .committed.transaction)
[[ $committed == "$TX_A" ]] || fail "sw2 committed $committed, not $TX_A"
ok "plan A installed on sw1, sw3 (NETCONF) and sw2 (takt agent) at base time $BASE_A; read back: every gate control entry and the base time"

# keeps_plan_a: after a failed apply, sw1 still runs plan A's base time and sw2 plan A's
# transaction, with nothing staged.
keeps_plan_a() {
  local running committed
  running=$(get_running sw1)
  grep -q "<seconds>$((BASE_A / 1000000000))</seconds>" <<<"$running" || fail "sw1 lost plan A's base time"
  committed=$(curl -sf "$SW2/api/v1/bridge" | jq -r .committed.transaction)
  [[ $committed == "$TX_A" ]] || fail "sw2 committed $committed after the failed apply, not $TX_A"
  [[ $(curl -sf "$SW2/api/v1/bridge" | jq -r '.staged') == null ]] || fail "sw2 still has a staged configuration"
}

# 2. Another session holds sw3's candidate: staging fails there and everything is aborted.
python3 "$NETCONF_LIB_DIR/netconf_client.py" "${PORT[sw3]}" "$WORK/client_key" "$WORK/known_hosts" \
  --hold "$WORK/locked" '<lock><target><candidate/></target></lock>' >"$WORK/locker.log" 2>&1 &
LOCKER=$!
for _ in $(seq 100); do [[ -e $WORK/locked ]] && break; sleep 0.1; done
[[ -e $WORK/locked ]] || fail "could not lock sw3's candidate from a second session"
if "$TAKTCTL" apply "$WORK/plan" --agents "$WORK/agents-sw3.yaml" --allow-unsynchronised \
  >"$WORK/apply-locked.log" 2>&1; then
  fail "apply succeeded while sw3's candidate was locked by another session"
fi
pkill -P "$LOCKER" 2>/dev/null || true  # its ssh session, then the client
kill "$LOCKER" 2>/dev/null || true
wait "$LOCKER" 2>/dev/null || true
grep -q "sw3.*lock" "$WORK/apply-locked.log" || { cat "$WORK/apply-locked.log"; fail "the failure does not name sw3's lock"; }
grep -q "aborted on every bridge" "$WORK/apply-locked.log" || { cat "$WORK/apply-locked.log"; fail "not aborted everywhere"; }
keeps_plan_a
ok "sw3's candidate locked elsewhere: $(grep -o 'sw3 ([^)]*): lock[^;]*' "$WORK/apply-locked.log" | head -n 1 | cut -c1-110); aborted everywhere, sw1 and sw2 keep plan A"

# 3. A server whose model the plan does not fit: refused (at check or at its edit), nothing changed.
agents_file sw3seven
if "$TAKTCTL" apply "$WORK/plan" --agents "$WORK/agents-sw3seven.yaml" --allow-unsynchronised \
  >"$WORK/apply-seven.log" 2>&1; then
  fail "apply to a server whose gate-states-value stops at 127 succeeded"
fi
grep -q "sw3" "$WORK/apply-seven.log" || fail "the failure does not name sw3: $(cat "$WORK/apply-seven.log")"
grep -qi "nothing was changed\|aborted on every bridge" "$WORK/apply-seven.log" ||
  { cat "$WORK/apply-seven.log"; fail "the failure does not say nothing was changed"; }
grep -q "gate-states-value" "$WORK/apply-seven.log" || { cat "$WORK/apply-seven.log"; fail "the failure does not name the node"; }
keeps_plan_a
running=$(get_running sw3seven)
! grep -q '<gate-control-entry>' <<<"$running" || fail "sw3seven kept gate control entries"
ok "a server whose model the plan does not fit: $(grep -o 'sw3 ([^)]*): [^(]*' "$WORK/apply-seven.log" | head -n 1 | cut -c1-150); nothing changed, sw1 and sw2 keep plan A"

# 4. A server without the sched-bridge model is refused before anything is staged.
agents_file sw3bare
if "$TAKTCTL" apply "$WORK/plan" --agents "$WORK/agents-sw3bare.yaml" --allow-unsynchronised \
  >"$WORK/apply-bare.log" 2>&1; then
  fail "apply to a server without ieee802-dot1q-sched-bridge succeeded"
fi
grep -q "sw3.*ieee802-dot1q-sched-bridge" "$WORK/apply-bare.log" ||
  fail "the refusal does not name sw3 and the module: $(cat "$WORK/apply-bare.log")"
grep -q "nothing was changed" "$WORK/apply-bare.log" || fail "the refusal does not say nothing was changed"
committed=$(curl -sf "$SW2/api/v1/bridge" | jq -r .committed.transaction)
[[ $committed == "$TX_A" ]] || fail "sw2 committed $committed after the refusal"
ok "a server without the sched-bridge model: refused at check, naming it"
# 5. taktctl status reads the NETCONF bridges too: each port's gate table as the switch holds it.
"$TAKTCTL" status --agents "$WORK/agents-sw3.yaml" --format json >"$WORK/status.json" 2>"$WORK/status.log" ||
  fail "taktctl status on the mixed plant: $(cat "$WORK/status.log" "$WORK/status.json")"
for sw in sw1 sw3; do
  want=$(jq '[."ietf-interfaces:interfaces".interface[]."ieee802-dot1q-bridge:bridge-port"."ieee802-dot1q-sched-bridge:gate-parameter-table".
      "admin-control-list"."gate-control-entry"[]?] | length' "$WORK/plan/yang/$sw.json")
  have=$(jq --arg b "$sw" '[.[] | select(.bridge == $b) | .ports[].admin.entries] | add' "$WORK/status.json")
  [[ $have -eq $want ]] || fail "status: $sw shows $have gate control entries, the plan has $want: $(cat "$WORK/status.json")"
  bases=$(jq -r --arg b "$sw" '[.[] | select(.bridge == $b) | .ports[].admin."base-time-ns"] | unique | join(",")' "$WORK/status.json")
  [[ $bases == "$BASE_A" ]] || fail "status: $sw shows base times $bases, not $BASE_A"
done
[[ $(jq -r '.[] | select(.bridge == "sw2") | .transaction' "$WORK/status.json") == "$TX_A" ]] ||
  fail "status: sw2 does not show transaction $TX_A"
"$TAKTCTL" status --agents "$WORK/agents-sw3.yaml" >"$WORK/status.txt" 2>&1 || fail "taktctl status (text)"
grep -q "sw3 (netconf://.*NETCONF, ieee802-dot1q-sched-bridge" <(tr '\n' ' ' <"$WORK/status.txt") ||
  fail "status text does not show sw3 over NETCONF: $(cat "$WORK/status.txt")"
ok "taktctl status: sw1 and sw3 read over NETCONF ($want gate control entries on sw3, base time $BASE_A), sw2 from its agent"

# 6. A server without :candidate (netconfd --target=running) as sw1: refused unless the engineer
# allows the edit-running fallback; with it, installed by editing running.
agents_file sw3 sw1run
if "$TAKTCTL" apply "$WORK/plan" --agents "$WORK/agents-sw3-sw1run.yaml" --allow-unsynchronised \
  >"$WORK/apply-run.log" 2>&1; then
  fail "apply to a server without :candidate succeeded without the fallback"
fi
grep -q "sw1 .*lacks :candidate.*netconf-fallback: edit-running" "$WORK/apply-run.log" ||
  fail "the refusal does not name sw1, :candidate and the fallback: $(cat "$WORK/apply-run.log")"
keeps_plan_a
! grep -q '<gate-control-entry>' <<<"$(get_running sw1run)" || fail "sw1run was written although refused"
agents_file sw3 sw1run edit-running
"$TAKTCTL" apply "$WORK/plan" --agents "$WORK/agents-sw3-sw1run-edit-running.yaml" --allow-unsynchronised --format json \
  >"$WORK/apply-c.json" 2>"$WORK/apply-c.log" ||
  fail "apply with the edit-running fallback: $(cat "$WORK/apply-c.json" "$WORK/apply-c.log")"
BASE_C=$(jq -r '."base-time-ns"' "$WORK/apply-c.json")
TX_C=$(jq -r .transaction "$WORK/apply-c.json")
want=$(jq '[."ietf-interfaces:interfaces".interface[]."ieee802-dot1q-bridge:bridge-port"."ieee802-dot1q-sched-bridge:gate-parameter-table".
    "admin-control-list"."gate-control-entry"[]?] | length' "$WORK/plan/yang/sw1.json")
running=$(get_running sw1run)
[[ $(grep -o '<gate-control-entry>' <<<"$running" | wc -l) -eq $want ]] || fail "sw1run does not hold sw1's $want entries"
grep -q "<seconds>$((BASE_C / 1000000000))</seconds>" <<<"$running" || fail "sw1run lacks the base time"
ok "a server without :candidate: refused by default, naming the fallback; with netconf-fallback: edit-running installed ($want entries, base time $BASE_C)"

# 7. sw3's sshd is killed between stage and commit (the install holds its staged transaction
# for 4 s to make room): the commit cannot reach sw3, so the transaction is aborted everywhere:
# sw1run's running configuration is put back (it was edited at commit), sw3's confirmed commit
# never happened, sw2's commit is reverted; every bridge keeps transaction C.
ns_pids() {  # the processes in the mount namespace of the server whose process group is $1
  local ns
  ns=$(readlink "/proc/$(pgrep -g "$1" -x netconfd | head -n 1)/ns/mnt")
  for p in /proc/[0-9]*; do [[ $(readlink "$p/ns/mnt" 2>/dev/null) == "$ns" ]] && echo "${p#/proc/}"; done
}
SW3_PGID=${PGIDS[1]}
"$TAKTCTL" apply "$WORK/plan" --agents "$WORK/agents-sw3-sw1run-edit-running.yaml" \
  --allow-unsynchronised --hold-before-commit-ms 4000 >"$WORK/apply-cut.log" 2>&1 &
CUT=$!
for _ in $(seq 600); do grep -q "holding transaction" "$WORK/apply-cut.log" && break; sleep 0.05; done
grep -q "holding transaction" "$WORK/apply-cut.log" || fail "the held apply did not stage: $(cat "$WORK/apply-cut.log")"
NETCONFD_SW3=$(pgrep -g "$SW3_PGID" -x netconfd | head -n 1)
killed=0
for p in $(ns_pids "$SW3_PGID"); do
  [[ $(cat "/proc/$p/comm" 2>/dev/null) == sshd ]] && kill -KILL "$p" 2>/dev/null && killed=$((killed + 1))
done
((killed >= 2)) || fail "found $killed sshd processes of sw3 (its daemon and the install's session) to kill"
if wait "$CUT"; then fail "apply succeeded although sw3's sshd was killed before commit: $(cat "$WORK/apply-cut.log")"; fi
grep -q "sw3" "$WORK/apply-cut.log" || fail "the failure does not name sw3: $(cat "$WORK/apply-cut.log")"
grep -q "reverted on every bridge" "$WORK/apply-cut.log" || { cat "$WORK/apply-cut.log"; fail "not reverted everywhere"; }
# sw3's sshd back (the same netconfd, in its namespace) to look at it.
setsid nsenter -m -t "$NETCONFD_SW3" /usr/sbin/sshd -D -f /tmp/sshd_config -E /tmp/sshd.log >/dev/null 2>&1 &
PGIDS+=($!)
for _ in $(seq 100); do (echo >"/dev/tcp/127.0.0.1/${PORT[sw3]}") 2>/dev/null && break; sleep 0.1; done
for sw in sw1run sw3; do
  running=$(get_running "$sw")
  grep -q "<seconds>$((BASE_C / 1000000000))</seconds>" <<<"$running" || fail "$sw lost transaction C's base time"
  grep -q "<nanoseconds>$((BASE_C % 1000000000))</nanoseconds>" <<<"$running" || fail "$sw lost C's base time ns"
done
[[ $(grep -o '<gate-control-entry>' <<<"$(get_running sw1run)" | wc -l) -eq $want ]] || fail "sw1run's entries were not put back"
[[ $(curl -sf "$SW2/api/v1/bridge" | jq -r .committed.transaction) == "$TX_C" ]] || fail "sw2 does not keep transaction C"
[[ $(curl -sf "$SW2/api/v1/bridge" | jq -r '.staged') == null ]] || fail "sw2 still has a staged configuration"
ok "sw3's sshd killed between stage and commit: $(grep -o 'sw3 ([^)]*): [^;]*' "$WORK/apply-cut.log" | head -n 1 | cut -c1-110); reverted everywhere (sw1run's running put back), every bridge keeps transaction C"

TX_A=$TX_C  # sw2 runs the same plan under transaction C now; sw1 was not part of C

# 8. takt-controller keeps the plan: it reconciles without writing anything, then repairs sw3
# after a hand edit over NETCONF changed one gate control entry, leaving sw1 and sw2 alone.
"$CONTROLLER" "$WORK/plan" --agents "$WORK/agents-sw3.yaml" --allow-unsynchronised --state-dir "$WORK/state" \
  --metrics-port 0 --interval-ms 300 --lead-ms 500 >"$WORK/controller.log" 2>&1 &
CONTROLLER_PID=$!
url=""
for _ in $(seq 100); do
  url=$(grep -o 'metrics on http://[^ ,]*' "$WORK/controller.log" | head -n 1 | cut -d' ' -f3) || true
  [[ -n $url ]] && break
  sleep 0.1
done
[[ -n $url ]] || fail "takt-controller did not start: $(cat "$WORK/controller.log")"
converged() { curl -sf "$url" | grep -q '^takt_controller_converged 1'; }
for _ in $(seq 100); do converged && break; sleep 0.2; done
converged || fail "the controller did not converge on the installed plan A: $(tail -n 20 "$WORK/controller.log")"
! grep -q "installed plant" "$WORK/controller.log" || fail "the controller wrote a schedule to bridges that run the plan"
# The hand edit: the first gate control entry of sw3's first gated port, one gate flipped.
read -r port index value < <(jq -r '[."ietf-interfaces:interfaces".interface[] | select(."ieee802-dot1q-bridge:bridge-port"."ieee802-dot1q-sched-bridge:gate-parameter-table" != null)][0] |
  [.name, (."ieee802-dot1q-bridge:bridge-port"."ieee802-dot1q-sched-bridge:gate-parameter-table"."admin-control-list"."gate-control-entry"[0] | .index, ."gate-states-value")] | @tsv' "$WORK/plan/yang/sw3.json")
edited=$((value ^ 1))
entry="<interfaces xmlns=\"urn:ietf:params:xml:ns:yang:ietf-interfaces\"><interface><name>$port</name><bridge-port xmlns=\"urn:ieee:std:802.1Q:yang:ieee802-dot1q-bridge\"><gate-parameter-table xmlns=\"urn:ieee:std:802.1Q:yang:ieee802-dot1q-sched-bridge\"><admin-control-list><gate-control-entry><index>$index</index><gate-states-value>$edited</gate-states-value></gate-control-entry></admin-control-list></gate-parameter-table></bridge-port></interface></interfaces>"
nc sw3 "<edit-config><target><candidate/></target><config>$entry</config></edit-config>" '<commit/>' >"$WORK/hand-edit.log" ||
  fail "the hand edit of sw3 was refused: $(cat "$WORK/hand-edit.log")"
# (Not read back here: the controller's 300 ms round may repair it first; its log shows the edit.)
# The controller's next round sees it and reinstalls sw3 (a fresh base time on the same grid).
for _ in $(seq 100); do grep -q "installed plant .* on sw3 " "$WORK/controller.log" && break; sleep 0.2; done
grep -q "sw3 drifted from the plan: .*gate-states-value: is $edited, want $value" "$WORK/controller.log" ||
  fail "the controller did not report sw3's drift: $(tail -n 20 "$WORK/controller.log")"
grep -q "installed plant .* on sw3 " "$WORK/controller.log" || fail "the controller did not repair sw3: $(tail -n 20 "$WORK/controller.log")"
for _ in $(seq 50); do converged && break; sleep 0.2; done
[[ $(gate_value sw3 "$port" "$index") == "$edited" ]] && fail "sw3 still runs the hand edit"
[[ $(gate_value sw3 "$port" "$index") == "$value" ]] || fail "sw3's $port entry $index is not back to $value"
keeps_plan_a
kill "$CONTROLLER_PID"
wait "$CONTROLLER_PID" 2>/dev/null || true
CONTROLLER_PID=""
ok "a hand edit on sw3 ($port entry $index: $value -> $edited) repaired by takt-controller: $(grep -o 'installed plant .* on sw3 [^)]*)' "$WORK/controller.log" | head -n 1); sw1 and sw2 untouched"
echo PASS
