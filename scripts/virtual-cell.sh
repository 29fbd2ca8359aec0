#!/usr/bin/env bash
# The virtual cell: runs a plan of `taktctl plan` on this machine, one network namespace per
# bridge and per end station, and measures every stream end to end.
#
#   virtual-cell.sh PLAN_DIR
#
#   - a namespace per node (<tag>-<node>), a veth pair per plant link (bridge ports keep the
#     plant's names p1, p2...; end stations have eth0);
#   - ptp4l per node (free_running 1: measures, never steers a clock) and takt-pmc's view of it;
#   - one takt-dataplane per bridge on net_af_packet, started from PLAN_DIR/bridge/<name>.json
#     without its gate schedules (every gate open), its switch agent serving HTTPS on the
#     bridge's management address with certificates of a per-run CA (scripts/pki.sh);
#   - once every bridge's clock passes the health check: takt-controller in the root namespace
#     installing PLAN_DIR on every bridge through the agents at one common base time, as in
#     production, and reconciling for the whole run; the talkers start when every bridge runs
#     the schedule (one line per bridge: base time, oper lists);
#   - takt-probe: a listener per listener station, a talker per talker station sending every
#     stream of PLAN_DIR/talkers/<station>.json for DEMO_SECONDS (default 30);
#   - Prometheus on 127.0.0.1 scraping every dataplane, probe and the controller;
#   - then a table per stream, each bridge's state and PromQL examples. Everything it created
#     (namespaces, processes, certificates, DPDK runtime folders) is removed on exit, also on
#     Ctrl-C / SIGTERM; DEMO_KEEP=1 keeps logs and data, never the run's CA and keys.
#
# Time: the talkers' offsets and the planned gate lists count from TAI 0 (interval k of a
# stream starts at k x interval). The controller's base time is a multiple of the plan's
# hyperperiod and every port's cycle divides the hyperperiod, so the installed gate cycles fall
# on the same TAI-0 grid the talkers send on. Both read TAI as CLOCK_REALTIME + TAI-UTC: the
# probes take the kernel's TAI offset, the dataplanes ptp4l's currentUtcOffset, each 37 s when
# unset or not valid (as on a test VM whose grandmaster is a free-running ptp4l).
#
# Metrics and PTP travel on a management network, not on the plant links: a "monitor"
# namespace holds a Linux bridge; every node namespace has a veth "mon0" on it, and one veth
# reaches the root namespace so Prometheus and takt-controller (in root) reach every node. Addresses are
# link-local 169.254.S.0/24 with S picked per run among subnets nobody on this host uses.
#
# Environment: TAKT_BUILD_DIR (default build/), DEMO_SECONDS (30), DEMO_LCORES (CPUs for the
# dataplanes' packet loops, one per bridge in turn; default "0 1"), DEMO_KEEP=1 keeps the work
# folder (logs, summaries, Prometheus data), DEMO_RESULTS=FILE copies the table as JSON there,
# DEMO_TAG names the run (default tkc<pid>), DEMO_DATAPLANE_MODE replaces the dataplanes'
# shared-CPU options (idle sleep, real-time priority), DEMO_DATAPLANE_ARGS adds options.
# DEMO_LEAD_MS: how far ahead of now the controller puts the base time (default 1000).
# Needs root, iproute2, jq, curl, openssl, linuxptp and prometheus.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${TAKT_BUILD_DIR:-$root/build}
plan_dir=${1:?usage: $0 PLAN_DIR (the -o folder of taktctl plan)}
seconds=${DEMO_SECONDS:-30}
read -r -a lcores <<<"${DEMO_LCORES:-0 1}"

die() { echo "virtual-cell: $*" >&2; exit 1; }
say() { echo "[cell +${SECONDS}s] $*"; }

[[ $(id -u) -eq 0 ]] || die "needs root (network namespaces, raw sockets, DPDK on af_packet)"
for tool in ip jq curl openssl ptp4l prometheus; do
  command -v "$tool" >/dev/null || die "$tool is missing; run scripts/setup.sh"
done
[[ $seconds =~ ^[0-9]+$ && $seconds -ge 1 ]] || die "DEMO_SECONDS must be a whole number of seconds >= 1, got '$seconds'"
[[ -r $plan_dir/plan.json ]] || die "$plan_dir/plan.json not found; run taktctl plan PLANT -o $plan_dir"
dataplane=$build/dataplane/dpdk/takt-dataplane
probe=$build/dataplane/probe/takt-probe
pmc=$build/control/ptp/takt-pmc
controller=$build/control/controller/takt-controller
taktctl=$build/control/cli/taktctl
for bin in "$dataplane" "$probe" "$pmc" "$controller" "$taktctl"; do
  [[ -x $bin ]] || die "$bin is not built; run scripts/build.sh (or set TAKT_BUILD_DIR)"
done

# Per-run names: other people's namespaces and other runs of this script may exist.
# Every process and file of the run carries the tag, so leftovers are easy to find.
tag=${DEMO_TAG:-tkc$$}
[[ $tag =~ ^[a-z0-9]{1,8}$ ]] || die "DEMO_TAG must be 1-8 lowercase letters or digits (it prefixes interface names)"
work=$(mktemp -d "/tmp/takt-cell-${tag}.XXXXXX")
namespaces=()
bridges=()
pids=()      # every background process we started, stopped in reverse order
controller_pid=""
root_if=""

cleanup() {
  local rc=$? i pid b
  trap - EXIT INT TERM
  ((rc == 130 || rc == 143)) && echo && say "interrupted: stopping the cell"
  # SIGINT first: dataplanes stop their ports and probes write their summaries.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill -INT "${pids[i]}" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  for ns in "${namespaces[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
  [[ -n $root_if ]] && ip link del "$root_if" 2>/dev/null || true
  # DPDK's runtime folders of this run's dataplanes (their file prefixes start with the tag).
  for b in "${bridges[@]}"; do rm -rf "/var/run/dpdk/${tag}${b}"; done
  # The run's CA key and certificates: nothing after the run may trust them, DEMO_KEEP or not.
  rm -rf "$work/pki"
  if [[ ${DEMO_KEEP:-0} == 1 ]]; then
    echo "virtual-cell: kept logs, summaries and Prometheus data in $work"
  else
    rm -rf "$work"
  fi
  say "cleaned up: namespaces ${tag}-*, processes and $work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------------
# The cell as the plan describes it.
plan=$plan_dir/plan.json
mapfile -t bridges < <(for f in "$plan_dir"/bridge/*.json; do jq -r .bridge "$f"; done)
((${#bridges[@]} > 0)) || die "$plan_dir/bridge/ has no bridge configurations"
is_bridge() { local b; for b in "${bridges[@]}"; do [[ $b == "$1" ]] && return 0; done; return 1; }
# Links: every hop of every stream is one (egress, ingress) pair of a plant link; both
# directions collapse to one veth pair.
mapfile -t links < <(jq -r '.streams[].hops[] | [(.egress.node + ":" + .egress.port), (.ingress.node + ":" + .ingress.port)]
  | sort | join(" ")' "$plan" | sort -u)
mapfile -t stations < <(jq -r '.streams[] | .talker, .listeners[]' "$plan" | awk '!seen[$0]++')
nodes=("${bridges[@]}" "${stations[@]}")
ns_of() { echo "${tag}-$1"; }
# Each transmitting node's transmission timing error (its profile's, as the plan reserved it in
# every window): a node that stops running for longer than that is outside what the plan holds,
# so the bridges and talkers report such host stalls. A node without one (a best-effort talker)
# reports stalls beyond 200 us.
declare -A stall_threshold_ns
while read -r node e; do
  stall_threshold_ns[$node]=$((e > 0 ? e : 200000))
done < <(jq -r '[.streams[].hops[] | {node: .egress.node, e: (."transmission-timing-error-ns" // 0)}]
  | group_by(.node)[] | "\(.[0].node) \(map(.e) | max)"' "$plan")
declare -A addr  # node -> management address

pick_subnet() {
  local s
  for ((s = 10 + $$ % 200; s < 10 + $$ % 200 + 200; s++)); do
    local third=$((s % 250 + 1))
    [[ -z $(ip -4 route show to "169.254.$third.0/24") && -z $(ip -4 addr show to "169.254.$third.0/24") ]] &&
      { echo "$third"; return; }
  done
  die "no free 169.254.x.0/24 subnet for the management network"
}

new_ns() {
  local ns=$1
  ip netns add "$ns"
  namespaces+=("$ns")
  # No IPv6 chatter (router solicitations, MLD) on the plant links: only the streams.
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  ip -n "$ns" link set lo up
}

build_cell() {
  local subnet i=1 node ns a b
  subnet=$(pick_subnet)
  new_ns "${tag}-mon"
  ip -n "${tag}-mon" link add br0 type bridge
  ip -n "${tag}-mon" link set br0 up
  root_if="${tag}m"
  ip link add "$root_if" type veth peer name up0 netns "${tag}-mon"
  ip -n "${tag}-mon" link set up0 master br0 up
  ip addr add "169.254.$subnet.254/24" dev "$root_if"
  ip link set "$root_if" up
  for node in "${nodes[@]}"; do
    ns=$(ns_of "$node")
    new_ns "$ns"
    addr[$node]="169.254.$subnet.$i"
    ip link add mon0 netns "$ns" type veth peer name "n$i" netns "${tag}-mon"
    ip -n "${tag}-mon" link set "n$i" master br0 up
    ip -n "$ns" addr add "${addr[$node]}/24" dev mon0
    ip -n "$ns" link set mon0 up
    i=$((i + 1))
  done
  for link in "${links[@]}"; do
    read -r a b <<<"$link"
    # Created straight inside both namespaces: names only need to be unique per namespace.
    ip link add "${a#*:}" netns "$(ns_of "${a%%:*}")" type veth peer name "${b#*:}" netns "$(ns_of "${b%%:*}")"
    ip -n "$(ns_of "${a%%:*}")" link set "${a#*:}" up
    ip -n "$(ns_of "${b%%:*}")" link set "${b#*:}" up
  done
  say "network: ${#bridges[@]} bridges, ${#stations[@]} end stations, ${#links[@]} links;" \
    "management 169.254.$subnet.0/24 (root side $root_if)"
}

start() {  # start <log> <namespace> <command...>: background, remembered for cleanup
  local log=$1 ns=$2  # namespace "": the root namespace
  shift 2
  if [[ -n $ns ]]; then
    ip netns exec "$ns" "$@" >"$work/$log.log" 2>&1 &
  else
    "$@" >"$work/$log.log" 2>&1 &
  fi
  pids+=($!)
}

wait_http() {  # wait_http <url> <what> <pid>
  for _ in $(seq 150); do
    curl -sf -o /dev/null "$1" && return 0
    kill -0 "$3" 2>/dev/null || { tail -20 "$work/$2.log" >&2; die "$2 exited during start (log above)"; }
    sleep 0.1
  done
  die "$2 does not answer at $1"
}

# ---------------------------------------------------------------------------------------------
# ptp4l per node on its management interface: E2E over L2, software timestamps. The first
# talker of the plan (the PLC in the example cell) is the grandmaster. E2E, not the gPTP
# profile of tests/integration/ptp/gptp_config.sh: the management network is one Linux bridge
# with every node on it, and gPTP's peer delay works only on point-to-point links (several
# peers answer each Pdelay_Req here, so no port would become asCapable). The controller's
# clock health check needs no gPTP: a SLAVE within the plan's sync error budget, or the GM.
start_ptp() {
  local node gm=${stations[0]} prio
  for node in "${nodes[@]}"; do
    prio=248
    [[ $node == "$gm" ]] && prio=100
    cat >"$work/ptp-$node.cfg" <<CFG
[global]
free_running            1
priority1               $prio
domainNumber            0
logAnnounceInterval     -2
announceReceiptTimeout  3
logSyncInterval         -3
syncReceiptTimeout      3
network_transport       L2
delay_mechanism         E2E
tx_timestamp_timeout    50
fault_reset_interval    0
uds_address             $work/ptp-$node.sock
CFG
    start "ptp4l-$node" "$(ns_of "$node")" ptp4l -f "$work/ptp-$node.cfg" -i mon0 -S -m
  done
}

# The sync error budget the plan was made with: what the controller judges clocks against.
sync_budget_ns=$(jq '."sync-error-budget-ns"' "$plan")
sync_budget_text=$(if ((sync_budget_ns % 1000 == 0)); then echo "$((sync_budget_ns / 1000)) us"; else echo "$sync_budget_ns ns"; fi)

# wait_clocks: until every bridge's clock passes the controller's health check (SLAVE of the
# grandmaster within the plan's sync error budget, or the grandmaster itself). ptp4l runs
# free_running, so a slave only measures its offset and stays UNCALIBRATED until told that its
# synchronisation is not uncertain (SET SYNCHRONIZATION_UNCERTAIN_NP, as the install tests do);
# every slave is told once it has found the grandmaster.
wait_clocks() {
  local node deadline=$((SECONDS + 30)) pending
  while :; do
    pending=()
    for node in "${nodes[@]}"; do
      "$pmc" -s "$work/ptp-$node.sock" --set-sync-uncertain >/dev/null 2>&1 || true
      is_bridge "$node" || continue
      "$pmc" -s "$work/ptp-$node.sock" --budget "$sync_budget_ns" --check >/dev/null 2>&1 || pending+=("$node")
    done
    ((${#pending[@]} == 0)) && return 0
    ((SECONDS < deadline)) || {
      clock_health
      die "the clocks of ${pending[*]} did not pass the controller's health check in 30 s (table above; ptp4l logs in" \
        "$work, DEMO_KEEP=1 keeps them). Software timestamps on a shared VM are off by microseconds to tens of" \
        "microseconds; a plan whose sync error budget is $sync_budget_text cannot be installed here:" \
        "plan a plant with a larger sync-error-budget"
    }
    sleep 0.5
  done
}

clock_health() {
  local node json
  printf '  %-14s %-13s %-8s %12s  %s\n' node "port state" "gm" "offset ns" assessment
  for node in "${nodes[@]}"; do
    json=$("$pmc" -s "$work/ptp-$node.sock" --json --budget "$sync_budget_ns" 2>"$work/pmc.err") ||
      { printf '  %-14s no answer from ptp4l\n' "$node"; continue; }
    jq -r --arg n "$node" '[$n, (.health.ports[0].state // "-"), (if .health.is_grandmaster then "self" else "remote" end),
        ((.health.offset_from_master_ns // 0) | tostring), (if .assessment.ok then "ok"
          else "NOT OK: " + ((.assessment.reason // "") | (capture("(?<b>beyond the [0-9]+ ns sync budget)").b // split(":")[0])) end)]
      | "  \(.[0] | . + " " * (14 - length)) \(.[1] | . + " " * (13 - length)) \(.[2] | . + " " * (8 - length)) \(.[3] | " " * (12 - length) + .)  \(.[4])"' <<<"$json"
  done
}

# ---------------------------------------------------------------------------------------------
# Certificates of this run: a CA, one server certificate for every switch agent (its SAN lists
# every management address), a client certificate takt-controller and taktctl write with.
# Removed on every exit, also with DEMO_KEEP=1.
readonly agent_port=8443
make_pki() {
  local names=agent b
  for b in "${bridges[@]}"; do names+=",${addr[$b]}"; done
  "$root/scripts/pki.sh" "$work/pki" --server "$names" --client takt-controller >"$work/pki.log" 2>&1 ||
    { cat "$work/pki.log" >&2; die "scripts/pki.sh failed (log above)"; }
  {
    echo "# Where takt-controller and taktctl reach each bridge's switch agent (TLS both ways)."
    echo "defaults: {ca: pki/ca.pem, cert: pki/client-takt-controller.pem, key: pki/client-takt-controller.key}"
    echo "agents:"
    for b in "${bridges[@]}"; do echo "  $b: https://${addr[$b]}:$agent_port"; done
  } >"$work/agents.yaml"
}
agent_get() {  # agent_get <bridge> <path>: GET on the bridge's switch agent, JSON out
  curl -sf --max-time 2 --cacert "$work/pki/ca.pem" "https://${addr[$1]}:$agent_port$2"
}

# ---------------------------------------------------------------------------------------------
# One takt-dataplane per bridge, installed the way a production bridge is: it starts from its
# bridge/<name>.json with the gate parameter tables taken out (ports, FDB and streams as
# planned, every gate open: the agent reports "no schedule"), serves its switch agent on the
# management address, and gets its gate schedules from takt-controller at a common base time.
dataplane_mode="--idle-sleep-us 50 --rt-priority 45 --tx-spin-ns 100000"
[[ -v DEMO_DATAPLANE_MODE ]] && dataplane_mode=$DEMO_DATAPLANE_MODE
start_dataplanes() {
  local i=0 bridge config ns eal app port n
  local -A started
  for bridge in "${bridges[@]}"; do
    config=$work/bridge-$bridge-unscheduled.json
    jq 'del(.ports[]."gate-parameter-table")' "$plan_dir/bridge/$bridge.json" >"$config"
    ns=$(ns_of "$bridge")
    eal=(--no-huge --no-pci -m 256 --file-prefix "${tag}${bridge}" -l "${lcores[i % ${#lcores[@]}]}"
      --log-level=lib.eal:warning)
    # Every node of the cell shares this machine's CPUs, so the packet loops do not busy-poll:
    # they sleep when idle (at most 50 us, waking 100 us before a gate opens for waiting frames
    # and spinning to it) at a real-time priority, which only a loop that sleeps may have. A
    # busy-polling loop here loses its core for whole scheduler time slices (milliseconds).
    # DEMO_DATAPLANE_MODE replaces these options; DEMO_DATAPLANE_ARGS adds others.
    # shellcheck disable=SC2206
    app=(--config "$config" --metrics-address "${addr[$bridge]}" --metrics-port 9100
      --agent-address "${addr[$bridge]}" --agent-port "$agent_port" --agent-cert "$work/pki/server-agent.pem"
      --agent-key "$work/pki/server-agent.key" --agent-ca "$work/pki/ca.pem" --ptp-uds "$work/ptp-$bridge.sock"
      --stall-threshold-us $(((${stall_threshold_ns[$bridge]:-200000} + 999) / 1000)) --stall-log "$work/stalls-$bridge.jsonl"
      $dataplane_mode ${DEMO_DATAPLANE_ARGS:-})
    n=0
    for port in $(jq -r '.ports[].name' "$config"); do
      # A configured port no stream uses still needs an interface: an unconnected veth.
      ip -n "$ns" link show "$port" >/dev/null 2>&1 || {
        ip -n "$ns" link add "$port" type veth peer name "${port}x"
        ip -n "$ns" link set "$port" up
        ip -n "$ns" link set "${port}x" up
      }
      eal+=(--vdev "net_af_packet$n,iface=$port,framecnt=4096,qpairs=1,qdisc_bypass=0")
      app+=(--port "$port=net_af_packet$n")
      n=$((n + 1))
    done
    start "dataplane-$bridge" "$ns" "$dataplane" "${eal[@]}" -- "${app[@]}"
    started[$bridge]=${pids[-1]}
    i=$((i + 1))
  done
  # They start side by side; then each must serve /metrics and its agent.
  for bridge in "${bridges[@]}"; do
    wait_http "http://${addr[$bridge]}:9100/metrics" "dataplane-$bridge" "${started[$bridge]}"
    for _ in $(seq 50); do agent_get "$bridge" /api/v1/bridge >/dev/null && break; sleep 0.1; done
    agent_get "$bridge" /api/v1/bridge >/dev/null || die "the switch agent of $bridge does not answer at https://${addr[$bridge]}:$agent_port"
    echo "[{\"targets\": [\"${addr[$bridge]}:9100\"], \"labels\": {\"bridge\": \"$bridge\"}}]" \
      >"$work/prometheus/targets/dataplane-$bridge.json"
  done
  say "takt-dataplane up on ${bridges[*]} (lcores ${lcores[*]}), every gate open; switch agents on https://<bridge>:$agent_port"
}

# ---------------------------------------------------------------------------------------------
# takt-controller in the root namespace: installs PLAN_DIR on every bridge through its agent
# (clock health, stage everywhere, commit with one base time DEMO_LEAD_MS ahead on a
# hyperperiod boundary, confirm), then keeps reconciling until the cell stops. Its /metrics
# (installs, sync alarms, convergence) is a Prometheus target on the root side of the
# management network.
start_controller() {
  local port
  for ((port = 19465; port < 19565; port++)); do
    ss -Hltn "sport = :$port" | grep -q . || break
  done
  start controller "" "$controller" "$plan_dir" --agents "$work/agents.yaml" --state-dir "$work/controller-state" \
    --metrics-address 127.0.0.1 --metrics-port "$port" --lead-ms "${DEMO_LEAD_MS:-1000}" --interval-ms 1000
  wait_http "http://127.0.0.1:$port/metrics" controller "${pids[-1]}"
  controller_pid=${pids[-1]}
  echo "[{\"targets\": [\"127.0.0.1:$port\"], \"labels\": {\"plant\": \"$(jq -r .plant "$plan")\"}}]" \
    >"$work/prometheus/targets/controller-demo.json"
}

status_json() { "$taktctl" status --agents "$work/agents.yaml" --sync-budget-ns "$sync_budget_ns" --format json 2>/dev/null || true; }

# wait_installed: until every bridge runs one and the same committed transaction on every port
# (its base time passed, nothing pending), then one line per bridge: base time and what each
# port runs, as taktctl status and the switch agent report it.
wait_installed() {
  local deadline=$((SECONDS + 30)) status b base s ns
  until status=$(status_json) && jq -e --argjson n ${#bridges[@]} 'length == $n
      and all(.[]; .error == null and (.transaction // "") != "" and all(.ports[]; ."config-pending" == false))
      and ([.[].transaction] | unique | length == 1)' <<<"$status" >/dev/null; do
    kill -0 "$controller_pid" 2>/dev/null || { tail -20 "$work/controller.log" >&2; die "takt-controller exited (log above)"; }
    ((SECONDS < deadline)) ||
      { tail -20 "$work/controller.log" >&2; die "the plan was not in force on every bridge within 30 s (controller log above)"; }
    sleep 0.3
  done
  say "plan installed by takt-controller, transaction $(jq -r '.[0].transaction' <<<"$status"); oper on every bridge:"
  for b in "${bridges[@]}"; do
    base=$(agent_get "$b" /api/v1/bridge | jq -r '.committed."base-time" | "\(.seconds) \(.nanoseconds)"')
    read -r s ns <<<"$base"
    printf '  %-6s base time %d.%09d s TAI (%s.%03d UTC)  %s\n' "$b" "$s" "$ns" \
      "$(date -u -d "@$((s - 37))" +%H:%M:%S)" $((ns / 1000000)) \
      "$(jq -r --arg b "$b" '.[] | select(.bridge == $b) | [.ports[] | "\(.port): \(.oper)"] | join("; ")' <<<"$status")"
  done
  echo "  while the cell runs: $taktctl status --agents $work/agents.yaml"
}

# Which streams a station listens to, comma-separated (empty: none).
listened_by() { jq -r --arg s "$1" '[.streams[] | select(.listeners | index($s)) | .name] | join(",")' "$plan"; }
talked_by() { jq -r --arg s "$1" '[.streams[] | select(.talker == $s) | .name] | join(",")' "$plan"; }

listener_pids=()
talker_pids=()
start_listeners() {
  local st sel
  for st in "${stations[@]}"; do
    sel=$(listened_by "$st")
    [[ -n $sel ]] || continue
    start "listener-$st" "$(ns_of "$st")" "$probe" listen --interface eth0 --streams "$plan" --select "$sel" \
      --metrics-address "${addr[$st]}" --metrics-port 9201 --loss-timeout 300ms --rt-priority 50 \
      --json-summary "$work/listener-$st.json"
    listener_pids+=("${pids[-1]}")
  done
  local i=0
  for st in "${stations[@]}"; do
    [[ -n $(listened_by "$st") ]] || continue
    wait_http "http://${addr[$st]}:9201/metrics" "listener-$st" "${listener_pids[i]}"
    i=$((i + 1))
    echo "[{\"targets\": [\"${addr[$st]}:9201\"], \"labels\": {\"station\": \"$st\", \"role\": \"listener\"}}]" \
      >"$work/prometheus/targets/probe-$st-listener.json"
  done
}

start_talkers() {
  local st
  for st in "${stations[@]}"; do
    [[ -n $(talked_by "$st") && -r $plan_dir/talkers/$st.json ]] || continue
    start "talker-$st" "$(ns_of "$st")" "$probe" talk --interface eth0 --offsets "$plan_dir/talkers/$st.json" \
      --duration "${seconds}s" --start-lead 500ms --metrics-address "${addr[$st]}" --metrics-port 9200 \
      --rt-priority 60 --stall-threshold "$((${stall_threshold_ns[$st]:-200000} / 1000))us" \
      --json-summary "$work/talker-$st.json"
    talker_pids+=("${pids[-1]}")
    echo "[{\"targets\": [\"${addr[$st]}:9200\"], \"labels\": {\"station\": \"$st\", \"role\": \"talker\"}}]" \
      >"$work/prometheus/targets/probe-$st-talker.json"
  done
}

# ---------------------------------------------------------------------------------------------
# Prometheus in the root namespace on a free loopback port, with configs/prometheus.yml's jobs
# and file_sd targets; its static 127.0.0.1 targets are dropped (nothing listens there).
prom_port=""
start_prometheus() {
  local p
  mkdir -p "$work/prometheus/targets"
  awk '/^ *static_configs:/ { skip = 1; next } skip && /^ *- targets:/ { skip = 0; next } { skip = 0; print }' \
    "$root/configs/prometheus.yml" >"$work/prometheus/prometheus.yml"
  for ((p = 19090; p < 19190; p++)); do
    ss -Hltn "sport = :$p" | grep -q . || { prom_port=$p; break; }
  done
  [[ -n $prom_port ]] || die "no free TCP port in 19090..19189 for Prometheus"
  prometheus --config.file="$work/prometheus/prometheus.yml" --storage.tsdb.path="$work/prometheus/data" \
    --web.listen-address="127.0.0.1:$prom_port" --log.level=warn >"$work/prometheus.log" 2>&1 &
  pids+=($!)
}
promql() {  # promql <expr>: result vector as JSON
  curl -sfG "http://127.0.0.1:$prom_port/api/v1/query" --data-urlencode "query=$1" | jq -c '.data.result'
}

# ---------------------------------------------------------------------------------------------
build_cell
mkdir -p "$work/prometheus/targets"
start_ptp
start_prometheus
make_pki
start_dataplanes
wait_clocks
say "clock health (takt-pmc; ptp4l free_running on the management network, software timestamps;" \
  "sync error budget $sync_budget_text):"
clock_health
start_controller
wait_installed
start_listeners
start_talkers
say "talkers sending every stream for ${seconds} s; Prometheus at http://127.0.0.1:$prom_port"

for pid in "${talker_pids[@]}"; do wait "$pid" || die "a talker failed; see $work/talker-*.log"; done
say "talkers done"
# The loss timeout settles the last gaps; two scrapes make the final counts visible in Prometheus.
sleep 2.5
p99_expr='histogram_quantile(0.99, sum by (stream, le) (takt_probe_latency_seconds_bucket))'
prom_p99=$(promql "$p99_expr" || echo '[]')
# The on-time ratio per stream from the bucket at its max-latency (the listeners' histograms have
# one exactly there), as an operator would query it.
prom_on_time="[]"
while read -r name le; do
  r=$(promql "sum(takt_probe_latency_seconds_bucket{stream=\"$name\",le=\"$le\"}) / sum(takt_probe_latency_seconds_count{stream=\"$name\"})" || echo '[]')
  prom_on_time=$(jq -c --arg s "$name" --arg le "$le" --argjson r "$r" '. + [{stream: $s, le: $le, ratio: ($r[0].value[1] // null)}]' <<<"$prom_on_time")
done < <(jq -r '.streams[] | select(."max-latency-ns" != null) | "\(.name) \(."max-latency-ns" / 1e9)"' "$plan")
stall_expr='sum by (bridge) (takt_dataplane_packet_loop_stalls_total)'
prom_stalls=$(promql "$stall_expr" || echo '[]')
overrun_expr='sum by (bridge, stream) (takt_dataplane_window_overruns_total) > 0'
prom_overruns=$(promql "$overrun_expr" || echo '[]')
prom_up=$(promql 'max_over_time(up[10m])' || echo '[]')  # the talkers are gone by now
prom_controller=$(promql 'sum by (__name__, result) ({__name__=~"takt_controller_(converged|installs_total|repairs_total|sync_loss_total)"})' ||
  echo '[]')
bridges_status=$(status_json)
for pid in "${listener_pids[@]}"; do
  kill -INT "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
done

# ---------------------------------------------------------------------------------------------
# The table: one row per stream and listener, from the probes' JSON summaries.
# Rows in the plan's stream order.
# Host stalls by node, from the bridges' stall logs and the talkers' late sends (TAI ns).
for b in "${bridges[@]}"; do [[ -r $work/stalls-$b.jsonl ]] && cat "$work/stalls-$b.jsonl"; done >"$work/stalls-all.jsonl"
for f in "$work"/talker-*.json; do
  st=$(basename "$f" .json)
  jq -c --arg n "${st#talker-}" '.streams[] | (.stalls // [])[] | {node: $n, source: "talker", "start-ns": ."start-ns",
    "end-ns": ."end-ns", "excess-ns": ."excess-ns"}' "$f"
done >>"$work/stalls-all.jsonl"
jq -s 'group_by(.node) | map({key: .[0].node, value: map({start: ."start-ns", end: ."end-ns", excess: ."excess-ns"})})
  | from_entries' "$work/stalls-all.jsonl" >"$work/stalls.json"
jq -s --argjson plan "$(jq -c '[.streams | to_entries[] | {name: .value.name, "traffic-class": .value."traffic-class",
    talker: .value.talker, order: .key}]' "$plan")" --argjson prom "$prom_p99" \
  --argjson paths "$(jq -c '[.streams[] | {key: .name, value: ([.hops[].egress.node] | unique)}] | from_entries' "$plan")" \
  --slurpfile stalls_doc "$work/stalls.json" --argjson pon "$prom_on_time" '
  # The time [lo, hi] that intervals cover together, overlaps counted once.
  def covered($lo; $hi): map([([.[0], $lo] | max), ([.[1], $hi] | min)]) | map(select(.[1] > .[0])) | sort_by(.[0])
    | reduce .[] as $i ({end: $lo, total: 0};
        if $i[1] <= .end then . else {end: $i[1], total: (.total + $i[1] - ([$i[0], .end] | max))} end) | .total;
  $stalls_doc[0] as $stalls
  | (map(select(.role == "talker") | ."first-transmission-ns" // empty) | min) as $t0
  | (map(select(.role == "talker") | ."until-ns" // empty) | max) as $t1
  |
  (map(select(.role == "talker") | .streams[]) | map({(.stream): .sent}) | add // {}) as $sent
  | [ .[] | select(.role == "listener") | .station as $st | .streams[] | . + {listener: $st} ]
  | map(. as $r | ($plan[] | select(.name == $r.stream)) as $p | . + {order: $p.order})
  | sort_by(.order, .listener)
  | map(. as $r | ($plan[] | select(.name == $r.stream)) as $p
        | {stream, class: $p["traffic-class"], talker: $p.talker, listener, sent: ($sent[.stream] // 0), received, lost,
           p50: ."latency-ns".p50, p99: ."latency-ns".p99, max: ."latency-ns".max,
           "max-latency": ."max-latency-ns", misses: ."deadline-misses", "on-time": ."on-time-ratio", verdict,
           "prometheus-p99-s": (($prom[] | select(.metric.stream == $r.stream) | .value[1] | tonumber) // null),
           "prometheus-on-time": (($pon[] | select(.stream == $r.stream) | .ratio | select(. != null) | tonumber) // null),
           "late-frames": (."late-frames" // []), "late-frames-not-kept": (."late-frames-not-kept" // 0)})
  # A late frame is put down to the host when a node of its path (its talker or a bridge) was
  # stalled beyond its timing error after the frame was sent and before its deadline passed (a
  # stall later, while it already waited for a next window, did not make it late); the rest
  # are faults of the schedule.
  | map(([$paths[.stream][]? as $n | $stalls[$n][]?]) as $ss | (."max-latency" // 0) as $d
        | . + {"in-host-stalls": ([."late-frames"[] | . as $f
                                   | select(any($ss[]; .start <= $f."transmitted-ns" + $d
                                                       and .end >= $f."transmitted-ns"))]
                                  | length),
               # How often a frame sent at a random time would be in such a stall: what
               # coincidence alone would explain.
               "stall-chance": (if $t0 == null or $t1 <= $t0 then null
                                else ([$ss[] | [.start - $d, .end]] | covered($t0; $t1)) / ($t1 - $t0) end)}
        | if (.misses // 0) > 0 and .lost == 0 and ."late-frames-not-kept" == 0 and ."in-host-stalls" == .misses
          then .verdict = "ok, host stalls" else . end
        | del(."late-frames"))' \
  < <(for f in "$work"/talker-*.json; do jq -c '. + {station: "'"$(basename "$f" .json | sed 's/^talker-//')"'"}' "$f"; done
      for f in "$work"/listener-*.json; do jq -c '. + {station: "'"$(basename "$f" .json | sed 's/^listener-//')"'"}' "$f"; done) \
  >"$work/results.json"
[[ -n ${DEMO_RESULTS:-} ]] && cp "$work/results.json" "$DEMO_RESULTS"

echo
echo "== Streams of the virtual cell over ${seconds} s (latency: talker send() to listener receive)"
# Durations with their unit, 3-4 significant digits: a plant engineer compares them with the
# deadline column, not across orders of magnitude.
jq -r 'def dur: if . == null then "-" elif . < 1e6 then "\(. / 1e2 | round / 10) us"
         elif . < 1e9 then "\(. / 1e4 | round / 100) ms" else "\(. / 1e7 | round / 100) s" end;
  ["stream", "class", "talker -> listener", "p50", "p99", "max", "max-latency", "sent", "received", "lost",
        "on-time %", "late", "in host stalls", "verdict"],
  (.[] | [.stream, .class, "\(.talker) -> \(.listener)", (if .received > 0 then (.p50 | dur), (.p99 | dur), (.max | dur)
                                                      else "-", "-", "-" end),
          (."max-latency" | dur), (.sent | tostring), (.received | tostring), (.lost | tostring),
          (if .received > 0 and ."on-time" != null then (."on-time" * 100000 | round / 1000 | tostring) else "-" end),
          (.misses // "-" | tostring), (if .misses == null then "-" else ."in-host-stalls" | tostring end), .verdict])
  | @tsv' "$work/results.json" | column -t -s $'\t' | sed 's/^/  /'

echo "  p50/p99/max: latency of the received frames, from the talker's send() to the listener's receive;"
echo "  max-latency: the stream's deadline; lost: frames missing from the sequence; on-time %: received"
echo "  frames within max-latency; late: frames beyond it; in host stalls: late frames whose talker or a bridge"
echo "  on their path, between their send and their deadline, did not run for longer than its transmission"
echo "  timing error (the hypervisor took the vCPU, a timer fired late), which no plan holds; verdict: ok, 'ok, host"
echo "  stalls' (every late frame was in a host stall), LATE (a late frame no stall explains), LOSS, or silent."
echo "  Host stalls beyond the timing error while the talkers sent (bridges' --stall-log, talkers' late sends):"
jq -r --argjson e "$(for n in "${!stall_threshold_ns[@]}"; do echo "{\"$n\": ${stall_threshold_ns[$n]}}"; done | jq -s add)" \
  --argjson t0 "$(jq -s 'map(."first-transmission-ns" // empty) | min // 0' "$work"/talker-*.json)" \
  --argjson t1 "$(jq -s 'map(."until-ns" // empty) | max // 0' "$work"/talker-*.json)" '
  to_entries | map(.value |= map(select(.end >= $t0 and .start <= $t1))) | map(select(.value | length > 0))
  | map("    \(.key): \(.value | length) beyond \($e[.key] / 1000) us, longest \(([.value[].excess] | max // 0) / 1e4 | round / 100) ms")
  | if length == 0 then ["    none"] else . end | .[]' "$work/stalls.json"
jq -r '.[] | select((.misses // 0) > 0) | "    \(.stream) -> \(.listener): \(."in-host-stalls") of \(.misses) late frames in a host stall;"
  + " a frame sent at a random time would be in one \(if ."stall-chance" == null then "-" else (."stall-chance" * 1000 | round / 10) end) % of the time"' \
  "$work/results.json"

echo
echo "== Bridges at the end of the run (taktctl status --agents agents.yaml)"
jq -r '.[] | "  \(.bridge): " + (if .error then "unreachable: \(.error)" else
    "transaction \(.transaction) in force; \(.clock | sub(": .*"; "")); \(."deadline-misses" // "-") frames resided beyond their max-latency"
  end)' <<<"$bridges_status"
jq -r 'map({key: ((.metric.__name__ | sub("takt_controller_"; "")) + (.metric.result // "" | if . != "" then "/" + . else . end)),
              value: .value[1]}) | from_entries
  | "  takt-controller: converged \(.converged // "?"); \(."installs_total/installed" // 0) installs done" +
    " (\(.repairs_total // 0) bridge schedules written), \(."installs_total/failed" // 0) failed;" +
    " a bridge clock found beyond the sync budget \(.sync_loss_total // 0) times"' <<<"$prom_controller"

echo
echo "== Prometheus ran at http://127.0.0.1:$prom_port with the cell; targets that answered:" \
  "$(jq -r 'map(select(.value[1] == "1")) | group_by(.metric.job) | map("\(length) \(.[0].metric.job)") | join(", ")' <<<"$prom_up")"
echo "  p99 latency per stream, as Prometheus computes it from the probes' histograms:"
echo "    $p99_expr"
jq -r --argjson order "$(jq -c '[.streams[].name]' "$plan")" 'sort_by(.metric.stream as $s | $order | index($s)) | .[]
  | (.value[1] | tonumber) as $v | "    \(.metric.stream): " +
  (if $v == null or ($v | isnan) then "no samples in Prometheus yet" elif $v >= 0.01 then "above 10 ms (beyond the top histogram bucket)" elif $v >= 0.001 then "\($v * 1e5 | round / 100) ms"
   else "\($v * 1e7 | round / 10) us" end)' <<<"$prom_p99"
echo "  on-time ratio per stream: sum(takt_probe_latency_seconds_bucket{stream=\"S\",le=\"<max-latency s>\"}) / sum(takt_probe_latency_seconds_count{stream=\"S\"})"
jq -r '.[] | "    \(.stream) (le=\(.le)): \(if .ratio == null then "no data" else (.ratio | tonumber * 100000 | round / 1000 | tostring) + " %" end)"' <<<"$prom_on_time"
echo "  deadline misses: rate(takt_probe_deadline_misses_total[10s]) (end to end), takt_dataplane_deadline_misses_total (per bridge)"
echo "  host stalls of the bridges' packet loops (beyond their --stall-threshold-us), since they started:"
echo "    $stall_expr"
jq -r 'sort_by(.metric.bridge) | .[] | "    \(.metric.bridge): \(.value[1])"' <<<"$prom_stalls"
echo "  frames of scheduled streams a bridge held past a gate opening they fitted in (the hop where a late"
echo "  frame lost its window; bounded and best-effort frames queue past closes by design):"
echo "    $overrun_expr"
jq -r --argjson scheduled "$(jq -c '[.streams[] | select(."traffic-class" == "scheduled") | .name]' "$plan")" '
  map(select(.metric.stream as $s | $scheduled | index($s))) | group_by(.metric.bridge)
  | map("    \(.[0].metric.bridge): " + (map("\(.metric.stream) \(.value[1])") | join(", ")))
  | if length == 0 then ["    none"] else . end | .[]' <<<"$prom_overruns"
echo "  the controller: takt_controller_converged, takt_controller_sync_alarm, takt_controller_installs_total"
if [[ ${DEMO_KEEP:-0} == 1 ]]; then
  echo "  to look again: prometheus --config.file=$work/prometheus/prometheus.yml --storage.tsdb.path=$work/prometheus/data"
else
  echo "  Prometheus stops with the cell; DEMO_KEEP=1 keeps its data (and the logs) to look again."
fi
