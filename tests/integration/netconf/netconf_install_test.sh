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
#   4. a server without the sched-bridge model is refused at check, naming the module.
#
#   netconf_install_test.sh TAKTCTL TAKT_AGENT YANG_DIR
# Needs root (mount namespaces), netconfd, sshd, ssh, ssh-keygen, jq, curl; exit 77 without.
set -euo pipefail
readonly SKIP=77
TAKTCTL=$1 AGENT=$2 YANG=$3
HERE=$(cd "$(dirname "$0")" && pwd)
PLANT=$HERE/../install/three_cell.yaml

skip() { echo "SKIP: $*"; exit "$SKIP"; }
fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok: $*"; }

[[ $(id -u) -eq 0 ]] || skip "needs root (mount namespaces for the NETCONF servers)"
for tool in netconfd /usr/sbin/netconf-subsystem /usr/sbin/sshd ssh ssh-keygen unshare jq curl python3; do
  command -v "$tool" >/dev/null || skip "$tool is not installed (apt-get install netconfd openssh-server openssh-client)"
done
[[ -f $YANG/ieee802-dot1q-sched-bridge.yang ]] || skip "no IEEE YANG modules in $YANG"

WORK=$(mktemp -d /tmp/takt-netconf-it.XXXXXX)
PGIDS=()
AGENT_PID=""
cleanup() {
  local status=$?
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

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

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

ssh-keygen -q -t ed25519 -N '' -f "$WORK/client_key"
: >"$WORK/known_hosts"

# start_server NAME MODULES...: netconfd + sshd in a new mount namespace whose /tmp is
# $WORK/ns-NAME; sets PORT[NAME].
declare -A PORT
start_server() {
  local name=$1
  shift
  local dir=$WORK/ns-$name port
  port=$(free_port)
  mkdir -p "$dir"
  ssh-keygen -q -t ed25519 -N '' -f "$dir/host_key"
  cp "$WORK/client_key.pub" "$dir/authorized_keys"
  cp "$WORK"/yang-test/*.yang "$dir/"  # $WORK is hidden inside the namespace; $dir is its /tmp
  cat >"$dir/sshd_config" <<EOF
Port $port
ListenAddress 127.0.0.1
HostKey /tmp/host_key
PidFile /tmp/sshd.pid
AuthorizedKeysFile /tmp/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
Subsystem netconf /usr/sbin/netconf-subsystem --ncxserver-sockname=$port@/tmp/ncxserver.sock
EOF
  local modules=""
  for m in "$@"; do
    case $m in
      deviation:*) modules+=" --deviation=${m#deviation:}" ;;  # yuma123 applies deviations given so
      *) modules+=" --module=$m" ;;
    esac
  done
  cat >"$dir/run.sh" <<EOF
set -e
mount --make-rprivate /
mount --bind "$dir" /tmp
mkdir -p /run/sshd
netconfd --modpath=$YANG:/tmp:/usr/share/yuma/modules $modules --no-startup --superuser=root \
  --port=$port --log=/tmp/netconfd.log --log-level=info >/tmp/netconfd.out 2>&1 &
for _ in \$(seq 100); do [ -S /tmp/ncxserver.sock ] && break; sleep 0.1; done
exec /usr/sbin/sshd -D -f /tmp/sshd_config -E /tmp/sshd.log
EOF
  setsid unshare -m bash "$dir/run.sh" >"$WORK/server-$name.log" 2>&1 &
  PGIDS+=($!)
  echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$dir/host_key.pub")" >>"$WORK/known_hosts"
  local _
  for _ in $(seq 100); do
    (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && [[ -S $dir/ncxserver.sock ]] && break
    sleep 0.1
  done
  (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null || fail "NETCONF server $name did not start"
  PORT[$name]=$port
}

# get_running NAME: the server's running configuration (XML), through a plain ssh client,
# read until the reply has come (NETCONF 1.0 framing).
get_running() {
  python3 - "${PORT[$1]}" "$WORK/client_key" "$WORK/known_hosts" <<'PY'
import subprocess, sys, time
port, key, known = sys.argv[1:4]
p = subprocess.Popen(["ssh", "-p", port, "-i", key, "-o", "UserKnownHostsFile=" + known, "-o", "GlobalKnownHostsFile=/dev/null",
                      "-o", "StrictHostKeyChecking=yes", "-o", "LogLevel=ERROR", "root@127.0.0.1", "-s", "netconf"],
                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)
end = b"]]>]]>"
data, deadline = b"", time.time() + 20
# netconfd drops what arrives before it has sent its own hello: wait for it first.
while end not in data and time.time() < deadline:
    chunk = p.stdout.read1(65536)
    if not chunk:
        sys.exit("the server on port " + port + " closed the session before its hello")
    data += chunk
data = data[data.index(end) + len(end):]
p.stdin.write(b'<?xml version="1.0" encoding="UTF-8"?><hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities>'
              b'<capability>urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>' + end)
p.stdin.flush()
time.sleep(0.5)  # and what arrives in the same read as our hello, after it
p.stdin.write(b'<rpc message-id="1" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><get-config><source><running/></source>'
              b'</get-config></rpc>' + end)
p.stdin.flush()
while time.time() < deadline:
    chunk = p.stdout.read1(65536)
    if not chunk:
        break
    data += chunk
    replies = data.split(end)
    done = [r for r in replies[:-1] if b'message-id="1"' in r]
    if done:
        p.stdin.write(b'<rpc message-id="2" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><close-session/></rpc>' + end)
        p.stdin.close()
        p.wait(timeout=10)
        print(done[0].decode().replace("\n", ""))
        sys.exit(0)
p.kill()
sys.exit("no get-config reply from the server on port " + port)
PY
}

SCHED="ieee802-dot1q-sched-bridge iana-if-type"
start_server sw1 $SCHED
start_server sw3 $SCHED
start_server sw3seven $SCHED deviation:takt-test-seven-gates
start_server sw3bare iana-if-type

"$AGENT" --bridge sw2 --ports p1 p2 p3 --plain-http --port 0 --port-file "$WORK/sw2.port" >"$WORK/agent-sw2.log" 2>&1 &
AGENT_PID=$!
for _ in $(seq 100); do [[ -s $WORK/sw2.port ]] && break; sleep 0.05; done
[[ -s $WORK/sw2.port ]] || fail "takt-agent sw2 did not start"
SW2="http://127.0.0.1:$(cat "$WORK/sw2.port")"

# agents_file SW3-SERVER: sw1 and sw3 over NETCONF (sw3 on the given server), sw2 over HTTP.
agents_file() {
  cat >"$WORK/agents-$1.yaml" <<EOF
defaults:
  ssh-key: $WORK/client_key
  known-hosts: $WORK/known_hosts
  yang-dir: $YANG:$WORK/yang-test:/usr/share/yuma/modules/ietf
agents:
  sw1: {url: "netconf://root@127.0.0.1:${PORT[sw1]}", netconf-content: schedule}
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
python3 - "${PORT[sw3]}" "$WORK/client_key" "$WORK/known_hosts" "$WORK/locked" <<'PY' &
import os, subprocess, sys, time
port, key, known, flag = sys.argv[1:5]
p = subprocess.Popen(["ssh", "-p", port, "-i", key, "-o", "UserKnownHostsFile=" + known, "-o", "GlobalKnownHostsFile=/dev/null",
                      "-o", "StrictHostKeyChecking=yes", "-o", "LogLevel=ERROR", "root@127.0.0.1", "-s", "netconf"],
                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)
end, data = b"]]>]]>", b""
while end not in data:
    chunk = p.stdout.read1(65536)
    if not chunk:
        sys.exit(1)
    data += chunk
p.stdin.write(b'<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities><capability>'
              b'urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>' + end)
p.stdin.flush()
time.sleep(0.5)
p.stdin.write(b'<rpc message-id="1" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><lock><target><candidate/>'
              b'</target></lock></rpc>' + end)
p.stdin.flush()
data = b""
while b"<ok/>" not in data:
    chunk = p.stdout.read1(65536)
    if not chunk:
        sys.exit(1)
    data += chunk
open(flag, "w").close()
time.sleep(60)  # killed by the test once apply has failed
PY
LOCKER=$!
for _ in $(seq 100); do [[ -e $WORK/locked ]] && break; sleep 0.1; done
[[ -e $WORK/locked ]] || fail "could not lock sw3's candidate from a second session"
if "$TAKTCTL" apply "$WORK/plan" --agents "$WORK/agents-sw3.yaml" --allow-unsynchronised \
  >"$WORK/apply-locked.log" 2>&1; then
  fail "apply succeeded while sw3's candidate was locked by another session"
fi
kill "$LOCKER" 2>/dev/null || true
pkill -P "$LOCKER" 2>/dev/null || true
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
echo PASS
