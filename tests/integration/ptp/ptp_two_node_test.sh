#!/usr/bin/env bash
# Live test of takt's ptp4l management client: two ptp4l (gPTP-style: transportSpecific 1,
# P2P, L2) in two network namespaces joined by a veth pair, software timestamps, free_running 1
# so the machine's clock is never touched. Node A (priority1 100) must become grandmaster and
# node B follow it; takt-pmc must report that, agree with linuxptp's own pmc, and fail with
# errors naming the socket when asked the wrong way.
#   usage: ptp_two_node_test.sh /path/to/takt-pmc
set -euo pipefail

readonly SKIP=77
PMC_BIN=${1:?usage: $0 /path/to/takt-pmc}

skip() { echo "SKIP: $*"; exit "$SKIP"; }
[[ $(id -u) -eq 0 ]] || skip "needs root (network namespaces); run ctest as root"
for tool in ptp4l pmc ip jq; do
  command -v "$tool" >/dev/null || skip "$tool is not installed (apt-get install linuxptp iproute2 jq)"
done
[[ -x $PMC_BIN ]] || { echo "FAIL: takt-pmc not found at $PMC_BIN"; exit 1; }

# shellcheck source=../../../scripts/lib/netns.sh
source "$(dirname "$0")/../../../scripts/lib/netns.sh"
# Unique names: this test may run next to other tests and other people's namespaces.
TAG=$(netns_unique_tag tkptp)
readonly TAG
readonly NS_A="${TAG}a" NS_B="${TAG}b"
readonly IF_A="${TAG}a" IF_B="${TAG}b"  # veth names must stay within 15 characters
WORK=$(mktemp -d "/tmp/takt-ptp-it.XXXXXX")
readonly WORK

# After netns.sh stopped ptp4l, before it deletes the namespaces.
ptp_cleanup() {
  if [[ $NETNS_EXIT_STATUS -ne 0 && $NETNS_EXIT_STATUS -ne $SKIP ]]; then
    echo "--- ptp4l A log"; tail -20 "$WORK/a.log" 2>/dev/null || true
    echo "--- ptp4l B log"; tail -20 "$WORK/b.log" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
netns_on_cleanup ptp_cleanup
netns_cleanup_on_exit

fail() { echo "FAIL: $*"; exit 1; }
check() {  # check <description> <actual> <expected>
  if [[ $2 == "$3" ]]; then echo "ok: $1 ($2)"; else fail "$1: got '$2', expected '$3'"; fi
}

netns_add "$NS_A"
netns_add "$NS_B"
netns_veth "$NS_A" "$IF_A" "$NS_B" "$IF_B"

# shellcheck source=gptp_config.sh
source "$(dirname "$0")/gptp_config.sh"
readonly SOCK_A="$WORK/ptp4l-a" SOCK_B="$WORK/ptp4l-b"
write_gptp_config "$WORK/a.cfg" 100 "$SOCK_A"
write_gptp_config "$WORK/b.cfg" 248 "$SOCK_B"
netns_spawn "$NS_A" "$WORK/a.log" ptp4l -f "$WORK/a.cfg" -i "$IF_A" -S -m
netns_spawn "$NS_B" "$WORK/b.log" ptp4l -f "$WORK/b.cfg" -i "$IF_B" -S -m

health() {  # health <socket> [takt-pmc options...] -> JSON on stdout
  local sock=$1
  shift
  "$PMC_BIN" -s "$sock" -t 1 --json "$@"
}

# Wait (at most 15 s) until A serves as grandmaster and B follows it.
deadline=$((SECONDS + 15))
while :; do
  state_a=$(health "$SOCK_A" 2>/dev/null | jq -r '.health.ports[0].state' || echo none)
  state_b=$(health "$SOCK_B" 2>/dev/null | jq -r '.health.ports[0].state' || echo none)
  if [[ $state_a == MASTER && ($state_b == UNCALIBRATED || $state_b == SLAVE) ]]; then
    gm_b=$(health "$SOCK_B" | jq -r '.health.grandmaster_identity')
    id_a=$(health "$SOCK_A" | jq -r '.health.clock_identity')
    [[ $gm_b == "$id_a" ]] && break
  fi
  ((SECONDS < deadline)) || fail "no MASTER/SLAVE pair within 15 s (A: $state_a, B: $state_b)"
  sleep 0.3
done
echo "converged after ${SECONDS} s: A $state_a, B $state_b"

json_a=$(health "$SOCK_A")
json_b=$(health "$SOCK_B")
id_a=$(jq -r '.health.clock_identity' <<<"$json_a")
id_b=$(jq -r '.health.clock_identity' <<<"$json_b")
[[ $id_a =~ ^[0-9a-f]{6}\.[0-9a-f]{4}\.[0-9a-f]{6}$ ]] || fail "clock identity '$id_a' is not xxxxxx.xxxx.xxxxxx"
[[ $id_a != "$id_b" ]] || fail "both nodes report clock identity $id_a"

# linuxptp's own pmc is the independent oracle for identities.
pmc_field() {  # pmc_field <socket> <GET id> <field>
  pmc -u -b 0 -t 1 -s "$1" "GET $2" | awk -v f="$3" '$1 == f { print $2; exit }'
}
check "A's clock identity agrees with pmc" "$id_a" "$(pmc_field "$SOCK_A" DEFAULT_DATA_SET clockIdentity)"
check "B's clock identity agrees with pmc" "$id_b" "$(pmc_field "$SOCK_B" DEFAULT_DATA_SET clockIdentity)"

check "A port state" "$(jq -r '.health.ports[0].state' <<<"$json_a")" MASTER
check "A port count" "$(jq -r '.health.ports | length' <<<"$json_a")" 1
check "A port uses P2P" "$(jq -r '.health.ports[0].delay_mechanism' <<<"$json_a")" P2P
check "A grandmaster is A" "$(jq -r '.health.grandmaster_identity' <<<"$json_a")" "$id_a"
check "A is grandmaster" "$(jq -r '.health.is_grandmaster' <<<"$json_a")" true
check "A gmPresent" "$(jq -r '.health.gm_present' <<<"$json_a")" false
check "A steps removed" "$(jq -r '.health.steps_removed' <<<"$json_a")" 0
check "A assessment" "$(jq -r '.assessment.ok' <<<"$json_a")" true
check "A UTC offset" "$(jq -r '.health.utc_offset_s' <<<"$json_a")" 37

state_b=$(jq -r '.health.ports[0].state' <<<"$json_b")
[[ $state_b == UNCALIBRATED || $state_b == SLAVE ]] || fail "B port state $state_b, expected UNCALIBRATED or SLAVE"
echo "ok: B port state ($state_b)"
check "B grandmaster is A" "$(jq -r '.health.grandmaster_identity' <<<"$json_b")" "$id_a"
check "B grandmaster agrees with pmc" "$id_a" "$(pmc_field "$SOCK_B" PARENT_DATA_SET grandmasterIdentity)"
check "B gmPresent" "$(jq -r '.health.gm_present' <<<"$json_b")" true
check "B steps removed" "$(jq -r '.health.steps_removed' <<<"$json_b")" 1
check "B announced currentUtcOffset" "$(jq -r '.health.current_utc_offset_s' <<<"$json_b")" 37
check "B currentUtcOffsetValid (software timestamps)" "$(jq -r '.health.current_utc_offset_valid' <<<"$json_b")" false
check "B UTC offset" "$(jq -r '.health.utc_offset_s' <<<"$json_b")" 37
peer_delay_a=$(jq -r '.health.ports[0].peer_mean_path_delay_ns' <<<"$json_a")
((peer_delay_a > 0 && peer_delay_a < 20000)) || fail "A peer mean path delay $peer_delay_a ns outside (0, 20000)"
echo "ok: A peer mean path delay ${peer_delay_a} ns"
if [[ $state_b == UNCALIBRATED ]]; then
  check "B assessment while UNCALIBRATED" "$(jq -r '.assessment.ok' <<<"$json_b")" false
  jq -r '.assessment.reason' <<<"$json_b" | grep -q "UNCALIBRATED" || fail "B's reason does not say UNCALIBRATED"
fi

# A free-running slave leaves UNCALIBRATED once told its synchronization is not uncertain.
check "SET SYNCHRONIZATION_UNCERTAIN_NP echo" \
  "$(health "$SOCK_B" --set-sync-uncertain | jq -r '.set_synchronization_uncertain')" false
deadline=$((SECONDS + 5))
until [[ $(health "$SOCK_B" | jq -r '.health.ports[0].state') == SLAVE ]]; do
  ((SECONDS < deadline)) || fail "B did not become SLAVE within 5 s of SET SYNCHRONIZATION_UNCERTAIN_NP false"
  sleep 0.2
done
# Software timestamps on a shared VM: judge against a 1 ms budget; the offset is printed.
json_b=$(health "$SOCK_B" --budget 1000000)
echo "B offset from master $(jq -r '.health.offset_from_master_ns' <<<"$json_b") ns," \
  "mean path delay $(jq -r '.health.mean_path_delay_ns' <<<"$json_b") ns"
check "B port state after SET" "$(jq -r '.health.ports[0].state' <<<"$json_b")" SLAVE
check "B assessment as SLAVE (1 ms budget)" "$(jq -r '.assessment.ok' <<<"$json_b")" true
"$PMC_BIN" -s "$SOCK_B" -t 1 --budget 1000000 --check >/dev/null || fail "takt-pmc --check failed on a healthy SLAVE"
echo "ok: takt-pmc --check exits 0 on a healthy SLAVE"

# For the record: one takt-pmc run (process start + six GETs) against a live ptp4l.
start_ns=$(date +%s%N)
for _ in 1 2 3 4 5 6 7 8 9 10; do health "$SOCK_B" >/dev/null; done
echo "takt-pmc health read: $(( ($(date +%s%N) - start_ns) / 10000 )) us per run (mean of 10)"

# Errors name the socket path.
expect_error() {  # expect_error <description> <stderr pattern> <takt-pmc args...>
  local description=$1 pattern=$2 err rc=0
  shift 2
  err=$("$PMC_BIN" "$@" 2>&1 >/dev/null) || rc=$?
  [[ $rc -eq 1 ]] || fail "$description: exit status $rc, expected 1"
  [[ $err == *"$pattern"* ]] || fail "$description: stderr '$err' lacks '$pattern'"
  echo "ok: $description"
}
expect_error "nonexistent socket path is named" \
  "cannot send GET DEFAULT_DATA_SET to ptp4l at $WORK/no-such-ptp4l: no such socket" -s "$WORK/no-such-ptp4l" -t 1
# ptp4l silently drops management messages whose transportSpecific differs from its own.
expect_error "wrong transportSpecific times out naming the socket" \
  "no answer from ptp4l at $SOCK_A within 300 ms" -s "$SOCK_A" -t 0 --timeout 300
expect_error "wrong domainNumber times out naming the socket" \
  "no answer from ptp4l at $SOCK_A within 300 ms" -s "$SOCK_A" -t 1 -d 5 --timeout 300

# The client removes its own socket: nothing of ours is left in /tmp.
leftover=$(find /tmp -maxdepth 1 -name "takt-pmc.*" -newer "$WORK/a.cfg" 2>/dev/null | head -1)
[[ -z $leftover ]] || fail "client socket $leftover was not removed"
echo "ok: client sockets removed"

echo "PASS (${SECONDS} s)"
