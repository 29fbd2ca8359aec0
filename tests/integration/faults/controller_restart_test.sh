#!/usr/bin/env bash
# Fault: takt-controller is killed (SIGKILL) mid-run and restarted 4 s later. Checks:
#   - while it is gone every bridge forwards on its schedule: frames keep arriving at both
#     listeners, nothing is lost and no deadline missed over the whole run;
#   - restarted, it reconciles (rounds run, every bridge found converged) without writing any
#     schedule: no stage or commit reached either agent, their transactions and the schedules
#     the dataplanes published are unchanged, and it installed nothing.
#   usage: controller_restart_test.sh TAKTCTL TAKT_DATAPLANE TAKT_CONTROLLER TAKT_PMC TAKT_PROBE
set -euo pipefail

TAKTCTL=${1:?usage: $0 taktctl takt-dataplane takt-controller takt-pmc takt-probe}
DATAPLANE=${2:?}
CONTROLLER=${3:?}
PMC=${4:?}
PROBE=${5:?}
# shellcheck source=faults_lib.sh
source "$(dirname "$0")/faults_lib.sh"

faults_setup
declare -A TX WRITES INSTALLS
for b in "${BRIDGES[@]}"; do
  TX[$b]=$(transaction_of "$b")
  WRITES[$b]=$(agent_writes "$b")
  INSTALLS[$b]=$(agent_installs "$b")
done

traffic_start 12
sleep 2
kill_hard ctl
say "takt-controller killed"
r1=$(received_now io1)
r2=$(received_now io2)
sleep 4
d1=$(($(received_now io1) - r1))
d2=$(($(received_now io2) - r2))
# 4 ms interval: about 1000 frames per stream in 4 s.
((d1 >= 900 && d2 >= 900)) || fail "frames stopped while the controller was gone: io1 +$d1, io2 +$d2 in 4 s"
ok "without a controller for 4 s the bridges forwarded on: io1 +$d1, io2 +$d2 frames"

t1=$(now_ns)
start_controller
until (($(controller_metric takt_controller_reconcile_rounds_total) >= 3)) &&
  [[ $(controller_metric takt_controller_converged) == 1 ]]; do
  (($(ms_since "$t1") < 10000)) || fail "the restarted controller did not converge within 10 s: $(tail -5 "$WORK/controller.log")"
  sleep 0.1
done
RECONCILE_MS=$(ms_since "$t1")
[[ $(controller_metric 'takt_controller_installs_total{result="installed"}') == 0 ]] ||
  fail "the restarted controller installed a schedule: $(grep installed "$WORK/controller.log" | tail -2)"
ok "restarted takt-controller reconciled in $RECONCILE_MS ms: $(controller_metric takt_controller_reconcile_rounds_total) rounds, converged, nothing installed"

traffic_finish
check_unharmed local-io sw1
check_unharmed remote-io sw1 sw2
for b in "${BRIDGES[@]}"; do
  [[ $(transaction_of "$b") == "${TX[$b]}" ]] || fail "$b left transaction ${TX[$b]}"
  [[ $(agent_writes "$b") == "${WRITES[$b]}" ]] || fail "a stage or commit reached $b: ${WRITES[$b]} -> $(agent_writes "$b")"
  [[ $(agent_installs "$b") == "${INSTALLS[$b]}" ]] || fail "$b's dataplane published another schedule from its agent"
done
ok "no stage or commit reached sw1 or sw2; transactions ${TX[sw1]}, ${TX[sw2]} kept, no schedule published"
echo "RESULT controller killed: reconciled ${RECONCILE_MS} ms after restart without writes; $(stream_line local-io); $(stream_line remote-io)"
echo PASS
