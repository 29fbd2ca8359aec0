# shellcheck shell=bash
# Network namespaces, veth pairs, processes in them and their cleanup: sourced by
# scripts/virtual-cell.sh, scripts/testbed.sh and the integration tests that build small
# networks on this machine. Nothing here sends traffic: the namespaces keep every frame of a
# test off the machine's own interfaces.
#
#   netns_unique_tag PREFIX          a tag no namespace of this machine starts with (PREFIX +
#                                    digits of this process); name namespaces and interfaces
#                                    after it, so another run, or someone else's, never clashes
#   netns_cleanup_on_exit            from now on EXIT, INT and TERM run netns_cleanup
#   netns_add NS                     a namespace: lo up, IPv6 off (no router solicitations or
#                                    MLD on the links: tests count every frame)
#   netns_adopt NS...                namespaces made by someone else, removed by our cleanup
#   netns_veth NS_A IF_A NS_B IF_B [--mac-a MAC] [--mac-b MAC] [--addr-a CIDR] [--addr-b CIDR]
#                                    a veth pair, each end created straight in its namespace
#                                    ("" = the root namespace), up, with optional MACs and
#                                    addresses; a root-namespace end is removed by the cleanup
#   netns_exec NS CMD...             CMD in NS ("" = here), in the foreground
#   netns_spawn NS LOG CMD...        CMD in NS in the background, output to LOG; its pid is
#                                    NETNS_PID and the cleanup stops it
#   netns_track PID...               stop these too at cleanup (processes started otherwise)
#   netns_stop PID...                SIGINT, up to 3 s to exit, then SIGKILL; reaped
#   netns_on_cleanup FUNC            FUNC runs at cleanup once the processes are stopped and
#                                    before the namespaces go, with NETNS_EXIT_STATUS set
#   netns_keep                       forget everything made so far (a script that builds a
#                                    network for others: `testbed.sh up`)
#   netns_cleanup                    stops every tracked process (newest first), runs the
#                                    hooks, deletes root-side links and every namespace made;
#                                    idempotent, keeps the exit status
#
# Needs root and iproute2. Never touches the machine's clock or its own interfaces.

NETNS_NAMESPACES=()
NETNS_ROOT_LINKS=()
NETNS_PIDS=()
NETNS_HOOKS=()
NETNS_PID=""
NETNS_EXIT_STATUS=0
NETNS_CLEANED=0

netns_unique_tag() {
  local prefix=$1 n=$(($$ % 10000))
  while ip netns list | awk '{print $1}' | grep -q "^${prefix}${n}"; do n=$(((n + 1) % 10000)); done
  echo "${prefix}${n}"
}

netns_add() {
  ip netns add "$1"
  NETNS_NAMESPACES+=("$1")
  ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  ip -n "$1" link set lo up
}

netns_adopt() { NETNS_NAMESPACES+=("$@"); }

# ip -n "" is not the root namespace: every command that may run there goes through this.
_netns_ip() {
  local ns=$1
  shift
  if [[ -n $ns ]]; then ip -n "$ns" "$@"; else ip "$@"; fi
}

netns_veth() {
  local ns_a=$1 if_a=$2 ns_b=$3 if_b=$4
  shift 4
  local mac_a="" mac_b="" addr_a="" addr_b=""
  while (($#)); do
    case $1 in
      --mac-a) mac_a=$2 ;;
      --mac-b) mac_b=$2 ;;
      --addr-a) addr_a=$2 ;;
      --addr-b) addr_b=$2 ;;
      *) echo "netns_veth: unknown option $1" >&2; return 2 ;;
    esac
    shift 2
  done
  local a=("$if_a") b=(peer name "$if_b")
  [[ -n $ns_a ]] && a+=(netns "$ns_a")
  [[ -n $mac_a ]] && a+=(address "$mac_a")
  [[ -n $ns_b ]] && b+=(netns "$ns_b")
  [[ -n $mac_b ]] && b+=(address "$mac_b")
  # Created straight inside both namespaces: names only need to be unique per namespace.
  ip link add "${a[@]}" type veth "${b[@]}"
  [[ -z $ns_a ]] && NETNS_ROOT_LINKS+=("$if_a")
  [[ -z $ns_b ]] && NETNS_ROOT_LINKS+=("$if_b")
  [[ -z $addr_a ]] || _netns_ip "$ns_a" addr add "$addr_a" dev "$if_a"
  [[ -z $addr_b ]] || _netns_ip "$ns_b" addr add "$addr_b" dev "$if_b"
  _netns_ip "$ns_a" link set "$if_a" up
  _netns_ip "$ns_b" link set "$if_b" up
}

netns_exec() {
  local ns=$1
  shift
  if [[ -n $ns ]]; then ip netns exec "$ns" "$@"; else "$@"; fi
}

netns_spawn() {
  local ns=$1 log=$2
  shift 2
  # ip netns exec execs the command: the pid is the command's own, to signal and wait for.
  if [[ -n $ns ]]; then
    ip netns exec "$ns" "$@" >"$log" 2>&1 &
  else
    "$@" >"$log" 2>&1 &
  fi
  NETNS_PID=$!
  NETNS_PIDS+=("$NETNS_PID")
}

netns_track() { NETNS_PIDS+=("$@"); }

netns_stop() {
  local pid
  # SIGINT first: dataplanes stop their ports, probes write their summaries.
  for pid in "$@"; do kill -CONT "$pid" 2>/dev/null || true; kill -INT "$pid" 2>/dev/null || true; done
  for pid in "$@"; do
    for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
}

netns_on_cleanup() { NETNS_HOOKS+=("$1"); }

netns_keep() {
  NETNS_NAMESPACES=()
  NETNS_ROOT_LINKS=()
  NETNS_PIDS=()
}

netns_cleanup() {
  NETNS_EXIT_STATUS=${NETNS_EXIT_STATUS:-0}
  ((NETNS_CLEANED == 0)) || return 0
  NETNS_CLEANED=1
  local i hook ns link pids=()
  for ((i = ${#NETNS_PIDS[@]} - 1; i >= 0; i--)); do pids+=("${NETNS_PIDS[i]}"); done
  ((${#pids[@]} == 0)) || netns_stop "${pids[@]}"
  for hook in "${NETNS_HOOKS[@]}"; do "$hook" || true; done
  for link in "${NETNS_ROOT_LINKS[@]}"; do ip link del "$link" 2>/dev/null || true; done
  # Deleting a namespace deletes the veth ends in it, and with them their peers.
  for ns in "${NETNS_NAMESPACES[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
  netns_keep
}

_netns_on_exit() {
  NETNS_EXIT_STATUS=$?
  trap - EXIT INT TERM
  set +e
  netns_cleanup
  exit "$NETNS_EXIT_STATUS"
}

netns_cleanup_on_exit() {
  trap _netns_on_exit EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}
