#!/usr/bin/env bash
# Fault: ptp4l on bridge sw2 is killed mid-run and restarted 4 s later, with takt-dataplane's
# --sync-loss MODE on both bridges. Checks:
#   - sw2's agent reports its clock out of sync within 2 s (/api/v1/health "sync");
#   - takt-controller raises its sync alarm for sw2 (takt_controller_sync_alarm, log), none for sw1;
#   - the fallback takes effect: keep = sw2 runs its committed lists on; open-gates = every gate
#     of sw2 open (no oper list), and after the clock is back the committed lists run again
#     without anybody writing a schedule;
#   - nothing else is harmed: no stage or commit reached either agent (the controller does not
#     reinstall a bridge out of sync, nor one whose gates are held open), both streams lose no
#     frame and miss no deadline, sw1 never leaves its schedule.
#   usage: sync_loss_test.sh keep|open-gates TAKTCTL TAKT_DATAPLANE TAKT_CONTROLLER TAKT_PMC TAKT_PROBE
set -euo pipefail

MODE=${1:?usage: $0 keep|open-gates taktctl takt-dataplane takt-controller takt-pmc takt-probe}
TAKTCTL=${2:?}
DATAPLANE=${3:?}
CONTROLLER=${4:?}
PMC=${5:?}
PROBE=${6:?}
[[ $MODE == keep || $MODE == open-gates ]] || { echo "mode must be keep or open-gates" >&2; exit 2; }
FAULT_DATAPLANE_ARGS="--sync-loss $MODE"
# shellcheck source=faults_lib.sh
source "$(dirname "$0")/faults_lib.sh"

faults_setup
# The controller may have installed the bridges in one transaction or, when a clock was not
# ready, in two; either way each keeps its own through the fault.
TX1=$(transaction_of sw1)
TX2=$(transaction_of sw2)
WRITES1=$(agent_writes sw1)
WRITES2=$(agent_writes sw2)
SW2_OPER=$(oper_lists sw2)
[[ $SW2_OPER == *gate-control-entry* ]] || fail "sw2 runs no gate control list after the install: $SW2_OPER"
agent_get sw2 /api/v1/health | jq -e '.sync.state == "in-sync"' >/dev/null || fail "sw2's agent does not report in-sync"

traffic_start 14
sleep 2
t0=$(now_ns)
kill_hard ptp-sw2
say "ptp4l of sw2 killed"

# The agent's verdict: at most 2 s.
until agent_get sw2 /api/v1/health | jq -e '.sync.state == "out-of-sync"' >/dev/null; do
  (($(ms_since "$t0") < 5000)) || fail "sw2's agent still reports its clock in sync 5 s after ptp4l died"
  sleep 0.05
done
OUT_MS=$(ms_since "$t0")
((OUT_MS <= 2000)) || fail "sw2's agent reported out-of-sync after $OUT_MS ms (limit 2000 ms)"
ok "sw2's agent reports out-of-sync $OUT_MS ms after ptp4l died: $(agent_get sw2 /api/v1/health | jq -r .sync.reason)"

until [[ $(controller_metric 'takt_controller_sync_alarm{bridge="sw2"}') == 1 ]]; do
  (($(ms_since "$t0") < 6000)) || fail "takt-controller raised no sync alarm for sw2 within 6 s"
  sleep 0.05
done
ALARM_MS=$(ms_since "$t0")
grep -q "ALARM sync loss on sw2" "$WORK/controller.log" || fail "the controller log has no sync alarm for sw2"
ok "takt-controller raised its sync alarm for sw2 $ALARM_MS ms after ptp4l died"

sleep 0.5
health=$(agent_get sw2 /api/v1/health)
bridge=$(agent_get sw2 /api/v1/bridge)
if [[ $MODE == open-gates ]]; then
  jq -e '.sync."gates-held-open" == true' <<<"$health" >/dev/null || fail "sw2 does not hold its gates open: $health"
  jq -e "$TABLES | all(.[]; .\"oper-control-list\" == null and .\"oper-gate-states\" == 255)" <<<"$bridge" >/dev/null ||
    fail "sw2's ports are not all open: $(jq -c "$TABLES" <<<"$bridge")"
  grep -q "holds every gate open" "$WORK/dataplane-sw2.log" || fail "sw2's dataplane did not log opening its gates"
  ok "fallback open-gates: every gate of sw2 open (the dataplane published an all-open schedule)"
else
  jq -e '.sync."gates-held-open" == false' <<<"$health" >/dev/null || fail "sw2 holds its gates open with --sync-loss keep"
  [[ $(jq -c "$TABLES | map(.\"oper-control-list\")" <<<"$bridge") == "$SW2_OPER" ]] ||
    fail "sw2 left its schedule with --sync-loss keep"
  ok "fallback keep: sw2 runs its committed gate control lists on"
fi
[[ $(jq -r '.committed.transaction' <<<"$bridge") == "$TX2" ]] || fail "sw2's committed transaction changed"
[[ $(controller_metric 'takt_controller_sync_alarm{bridge="sw1"}') == 0 ]] || fail "the controller raised an alarm for sw1"

sleep 2
t1=$(now_ns)
start_ptp4l sw2
wait_clock sw2
until agent_get sw2 /api/v1/health | jq -e '.sync.state == "in-sync" and .sync."gates-held-open" == false' >/dev/null; do
  (($(ms_since "$t1") < 15000)) || fail "sw2's agent does not report in-sync 15 s after ptp4l restarted"
  sleep 0.1
done
BACK_MS=$(ms_since "$t1")
until [[ $(controller_metric 'takt_controller_sync_alarm{bridge="sw2"}') == 0 ]]; do
  (($(ms_since "$t1") < 15000)) || fail "the controller's sync alarm for sw2 stays raised"
  sleep 0.1
done
sleep 0.3
[[ $(oper_lists sw2) == "$SW2_OPER" ]] || fail "sw2 does not run its committed lists again: $(oper_lists sw2)"
ok "ptp4l of sw2 back: in sync again after $BACK_MS ms, alarm cleared, sw2 runs its committed lists"

traffic_finish
# sw2's alarm is this test's fault: its stream gates' discards stay harm.
EXPECTED_ALARMS=sw2
check_unharmed local-io sw1
check_unharmed remote-io sw1 sw2
[[ $(transaction_of sw1) == "$TX1" && $(transaction_of sw2) == "$TX2" ]] || fail "a bridge's transaction changed"
[[ $(agent_writes sw1) == "$WRITES1" && $(agent_writes sw2) == "$WRITES2" ]] ||
  fail "a schedule was written during the fault: stages/commits sw1 $WRITES1 -> $(agent_writes sw1), sw2 $WRITES2 -> $(agent_writes sw2)"
ok "no stage or commit reached sw1 or sw2 (stages/commits $WRITES1, $WRITES2); both still on their transactions $TX1, $TX2"
echo "RESULT sync-loss $MODE: out-of-sync after ${OUT_MS} ms, controller alarm after ${ALARM_MS} ms," \
  "in sync again ${BACK_MS} ms after ptp4l restarted; $(stream_line local-io); $(stream_line remote-io)"
echo PASS
