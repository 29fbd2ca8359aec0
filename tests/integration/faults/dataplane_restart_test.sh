#!/usr/bin/env bash
# Fault: sw2's takt-dataplane is killed (SIGKILL) mid-run and restarted 1 s later, with no
# schedule (every gate open) as a bridge comes up. Checks:
#   - takt-controller reinstalls sw2 alone, at a base time in the future of its commit on a
#     hyperperiod boundary (so it falls into the plan's phase), and sw2 runs the plan again;
#   - the other bridge sees nothing: no stage or commit reached sw1, its transaction and the
#     schedules its dataplane published are unchanged, local-io (sw1 only) loses no frame and
#     misses no deadline. remote-io crosses sw2 and loses the frames of the outage; the test
#     prints how many and checks that it recovers.
#   usage: dataplane_restart_test.sh TAKTCTL TAKT_DATAPLANE TAKT_CONTROLLER TAKT_PMC TAKT_PROBE
set -euo pipefail

TAKTCTL=${1:?usage: $0 taktctl takt-dataplane takt-controller takt-pmc takt-probe}
DATAPLANE=${2:?}
CONTROLLER=${3:?}
PMC=${4:?}
PROBE=${5:?}
# shellcheck source=faults_lib.sh
source "$(dirname "$0")/faults_lib.sh"

faults_setup
TX=$(transaction_of sw1)
TX2=$(transaction_of sw2)
WRITES1=$(agent_writes sw1)
INSTALLS1=$(agent_installs sw1)
HYPERPERIOD=$(jq '."hyperperiod-ns"' "$WORK/plan/plan.json")

traffic_start 14
sleep 2
t0=$(now_ns)
kill_hard sw2
say "takt-dataplane sw2 killed"
sleep 1
start_dataplane sw2
UP_MS=$(ms_since "$t0")
until [[ -n $(transaction_of sw2) && $(transaction_of sw2) != "$TX2" ]]; do
  (($(ms_since "$t0") < 15000)) || fail "the controller did not reinstall sw2 within 15 s: $(tail -5 "$WORK/controller.log")"
  sleep 0.1
done
wait_installed sw2
REINSTALL_MS=$(ms_since "$t0")
committed=$(agent_get sw2 /api/v1/bridge | jq -c '.committed | {b: ."base-time", c: ."committed-at"}')
base_ns=$(jq -r '.b.seconds | tonumber * 1000000000' <<<"$committed")
base_ns=$((base_ns + $(jq -r '.b.nanoseconds' <<<"$committed")))
at_ns=$(($(jq -r '.c.seconds' <<<"$committed") * 1000000000 + $(jq -r '.c.nanoseconds' <<<"$committed")))
((base_ns > at_ns)) || fail "sw2's base time $base_ns is not after its commit at $at_ns"
((HYPERPERIOD > 0 && base_ns % HYPERPERIOD == 0)) || fail "sw2's base time $base_ns is not on the $HYPERPERIOD ns hyperperiod grid"
grep -q "installed plant fault-cell on sw2 (" "$WORK/controller.log" || fail "the controller log names no install on sw2 alone"
ok "takt-controller reinstalled sw2 alone $REINSTALL_MS ms after the kill (dataplane up after $UP_MS ms): base time" \
  "$(((base_ns - at_ns) / 1000000)) ms after its commit, on the hyperperiod grid"

traffic_finish
check_unharmed local-io sw1
[[ $(transaction_of sw1) == "$TX" ]] || fail "sw1 left transaction $TX"
[[ $(agent_writes sw1) == "$WRITES1" ]] || fail "a stage or commit reached sw1: $WRITES1 -> $(agent_writes sw1)"
[[ $(agent_installs sw1) == "$INSTALLS1" ]] || fail "sw1's dataplane published another schedule from its agent"
ok "sw1 saw nothing: transaction $TX, stages/commits $WRITES1, no schedule published"
received=$(stream_field remote-io received)
sent=$(stream_field remote-io sent)
# The outage is about 1 s of dataplane start-up plus the install's lead; at a frame per 4 ms
# remote-io must have got most of its 14 s through.
((received > sent / 2)) || fail "remote-io did not recover after sw2 came back: $(stream_line remote-io)"
ok "remote-io through sw2 (expected to lose the outage): $(stream_line remote-io)"
echo "RESULT dataplane killed: sw2 reinstalled ${REINSTALL_MS} ms after the kill; $(stream_line local-io); remote-io (through sw2): $(stream_line remote-io)"
echo PASS
