#!/usr/bin/env bash
# apply to four NETCONF bridges on loopback (yuma123's netconfd behind a private sshd each, one
# mount namespace per server): first apply with fresh SSH sessions, second with kept ones.
# Needs root, netconfd, sshd. Not a ctest test.
#
#   bench_apply_netconf.sh BUILD_DIR [--repeats N]
set -euo pipefail
BUILD=$(cd "${1:?usage: $0 BUILD_DIR [--repeats N]}" && pwd)
shift
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
YANG=${TAKT_YANG_DIR:-$(cd "$ROOT/../shared/yang" && pwd)}
[[ $(id -u) -eq 0 ]] || { echo "bench_apply_netconf.sh: needs root (mount namespaces)"; exit 1; }
WORK=$(mktemp -d /tmp/takt-netconf-bench.XXXXXX)
PGIDS=()
cleanup() {
  for g in "${PGIDS[@]}"; do kill -TERM -- "-$g" 2>/dev/null || true; done
  sleep 0.3
  for g in "${PGIDS[@]}"; do kill -KILL -- "-$g" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# shellcheck source=../../integration/netconf/netconf_servers.sh
source "$ROOT/tests/integration/netconf/netconf_servers.sh"
netconf_servers_init
for sw in sw1 sw2 sw3 sw4; do start_server "$sw" ieee802-dot1q-sched-bridge iana-if-type; done

cat >"$WORK/plant.yaml" <<PLANT
# Four hardware bridges in a line: plc --- sw1 --- sw2 --- sw3 --- sw4 --- drive
plant: netconf-bench
defaults: {link-speed: 1Gbps, bridge-profile: microchip-lan9668, sync-error-budget: 1us, vlan: 100}
bridges: {sw1: {ports: 2}, sw2: {ports: 2}, sw3: {ports: 2}, sw4: {ports: 2}}
end-stations:
  plc: {mac: "02:00:00:00:02:01"}
  drive: {mac: "02:00:00:00:02:02"}
links:
  - {ends: [plc, sw1:p1], length: 5m}
  - {ends: [sw1:p2, sw2:p1], length: 20m}
  - {ends: [sw2:p2, sw3:p1], length: 20m}
  - {ends: [sw3:p2, sw4:p1], length: 20m}
  - {ends: [sw4:p2, drive], length: 3m}
streams:
  setpoint: {talker: plc, listeners: [drive], interval: 1ms, max-frame-size: 64B, max-latency: 500us}
  actual: {talker: drive, listeners: [plc], interval: 1ms, max-frame-size: 64B, max-latency: 500us}
PLANT
"$BUILD/control/cli/taktctl" plan "$WORK/plant.yaml" -o "$WORK/plan" >"$WORK/plan.log"
{
  echo "defaults: {ssh-key: $WORK/client_key, known-hosts: $WORK/known_hosts, netconf-content: schedule,"
  echo "           yang-dir: \"$YANG:$YUMA_YANG_DIRS\"}"
  echo "agents:"
  for sw in sw1 sw2 sw3 sw4; do echo "  $sw: netconf://root@127.0.0.1:${PORT[$sw]}"; done
} >"$WORK/agents.yaml"
"$BUILD/tests/bench/apply/bench_apply_netconf" "$WORK/plan" "$WORK/agents.yaml" "$@"
