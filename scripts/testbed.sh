#!/usr/bin/env bash
# A bridge testbed in network namespaces: N end stations and one switch, joined by veth pairs,
# with takt-dataplane forwarding between them on net_af_packet.
#
#   testbed.sh up NAME N            namespaces NAME-sw and NAME-h1..NAME-hN; in NAME-hI the
#                                   interface eth0 (MAC 02:00:00:00:00:0I) is wired to the
#                                   switch's interface pI. IPv6 is off, so the only frames on
#                                   the wires are the ones you send.
#   testbed.sh down NAME            deletes every namespace NAME-* (and with them the veths)
#   testbed.sh switch NAME DATAPLANE CONFIG [takt-dataplane options...]
#                                   runs takt-dataplane in NAME-sw in the foreground, one
#                                   net_af_packet port per port of CONFIG (bridge port pI on
#                                   interface pI); LCORES (default 0) picks the EAL lcores
#   testbed.sh run NAME N DATAPLANE CONFIG [options...]
#                                   up + switch; everything is torn down when the switch ends
#                                   or on Ctrl-C
#
# NAME must be unique on the machine (namespaces and the DPDK file prefix are named after it);
# keep it short: "tb$$" is a good choice. Needs root, iproute2 and jq.
set -euo pipefail
# shellcheck source=lib/netns.sh
source "$(dirname "$0")/lib/netns.sh"

usage() { sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
die() { echo "testbed: $*" >&2; exit 1; }

station_mac() { printf '02:00:00:00:00:%02x' "$1"; }

cmd_down() {
  local name=$1 ns
  for ns in $(ip netns list | awk '{print $1}' | grep -E "^${name}-(sw|h[0-9]+)$" || true); do
    ip netns del "$ns" 2>/dev/null || true
  done
}

cmd_up() {
  local name=$1 n=$2 i
  [[ $n =~ ^[0-9]+$ && $n -ge 1 && $n -le 64 ]] || die "station count must be 1..64, got '$n'"
  ip netns list | grep -qE "^${name}-sw( |$)" && die "namespace ${name}-sw exists already; pick another NAME or run: $0 down $name"
  # A half-built testbed is removed again rather than left behind; a whole one stays.
  netns_cleanup_on_exit
  netns_add "${name}-sw"
  for ((i = 1; i <= n; i++)); do
    netns_add "${name}-h$i"
    netns_veth "${name}-h$i" eth0 "${name}-sw" "p$i" --mac-a "$(station_mac "$i")"
  done
  netns_keep
}

cmd_switch() {
  local name=$1 dataplane=$2 config=$3
  shift 3
  [[ -x $dataplane ]] || die "$dataplane is not an executable takt-dataplane"
  [[ -r $config ]] || die "cannot read $config"
  local eal=(--no-huge --no-pci -m 256 --file-prefix "$name" -l "${LCORES:-0}" --log-level=lib.eal:warning)
  local app=(--config "$config")
  local i=0 port
  for port in $(jq -r '.ports[].name' "$config"); do
    ip -n "${name}-sw" link show "$port" >/dev/null 2>&1 ||
      die "bridge port $port of $config has no interface $port in ${name}-sw"
    eal+=(--vdev "net_af_packet$i,iface=$port,framecnt=4096,qpairs=1,qdisc_bypass=0")
    app+=(--port "$port=net_af_packet$i")
    i=$((i + 1))
  done
  exec ip netns exec "${name}-sw" "$dataplane" "${eal[@]}" -- "${app[@]}" "$@"
}

cmd_run() {
  local name=$1 n=$2 i
  shift 2
  cmd_up "$name" "$n"
  # Everything of this testbed goes when the switch ends or on Ctrl-C (netns.sh stops the
  # switch with SIGINT first, so it prints its counters).
  netns_adopt "${name}-sw"
  for ((i = 1; i <= n; i++)); do netns_adopt "${name}-h$i"; done
  testbed_dpdk_dir=/var/run/dpdk/$name
  remove_dpdk_dir() { rm -rf "$testbed_dpdk_dir"; }  # the switch's EAL runtime folder (--file-prefix NAME)
  netns_on_cleanup remove_dpdk_dir
  netns_cleanup_on_exit
  # Not exec'd: the trap must outlive the switch.
  (cmd_switch "$name" "$@") &
  netns_track $!
  wait $!
}

[[ $(id -u) -eq 0 ]] || die "needs root (network namespaces)"
[[ $# -ge 2 ]] || usage
case $1 in
  up) [[ $# -eq 3 ]] || usage; cmd_up "$2" "$3" ;;
  down) [[ $# -eq 2 ]] || usage; cmd_down "$2" ;;
  switch) [[ $# -ge 4 ]] || usage; cmd_switch "${@:2}" ;;
  run) [[ $# -ge 5 ]] || usage; cmd_run "${@:2}" ;;
  *) usage ;;
esac
