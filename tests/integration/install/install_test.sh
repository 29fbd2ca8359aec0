#!/usr/bin/env bash
# Installing schedules end to end with takt-agent (the agent on core gate engines, no packet
# path) per bridge on loopback: TLS, client certificates, clock health read from that bridge's
# ptp4l socket. The setup and the five checks are install_lib.sh's; install_dataplane_test.sh
# runs the same checks against takt-dataplane.
#   usage: install_test.sh TAKTCTL TAKT_AGENT TAKT_CONTROLLER TAKT_PMC
set -euo pipefail

TAKTCTL=${1:?usage: $0 taktctl takt-agent takt-controller takt-pmc}
AGENT=${2:?}
CONTROLLER=${3:?}
PMC=${4:?}
# shellcheck source=install_lib.sh
source "$(dirname "$0")/install_lib.sh"
TAG=$(netns_unique_tag tkin)
EXPECTED_PORTS=9  # three per agent

# start_switch <sw>: takt-agent for <sw> on loopback; a restart keeps the port taktctl knows.
start_switch() {
  local port=0
  [[ -s $WORK/$1.port ]] && port=$(cat "$WORK/$1.port")
  rm -f "$WORK/$1.port"
  "$AGENT" --bridge "$1" --ports p1,p2,p3 --port "$port" --port-file "$WORK/$1.port" \
    --cert "$WORK/pki/server-localhost.pem" --key "$WORK/pki/server-localhost.key" --ca "$WORK/pki/ca.pem" \
    --ptp-uds "$WORK/ptp4l-$1" --ptp-transport-specific 1 --sync-budget-ns 100000 >>"$WORK/agent-$1.log" 2>&1 &
  PID[$1]=$!
  for _ in $(seq 100); do
    if [[ -s $WORK/$1.port ]]; then
      URL[$1]="https://127.0.0.1:$(cat "$WORK/$1.port")"
      return
    fi
    sleep 0.05
  done
  fail "takt-agent $1 did not start"
}

install_setup
install_pki --server localhost
install_start_agents
install_run_checks
echo PASS
