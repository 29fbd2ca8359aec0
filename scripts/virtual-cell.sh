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
#   - takt-station (eBPF at tc egress and ingress of eth0) beside takt-probe on every end station
#     with a PLAN_DIR/stations/<station>.json, from before the talkers start: it polices each
#     stream at its source and counts what each listener receives, so the report sets its counts
#     beside takt-probe's. Not built (TAKT_WITH_BPF off) or no BPF on this host (exit 3): the cell
#     runs without it and says so once;
#   - Prometheus on 127.0.0.1 scraping every dataplane, probe, takt-station and the controller;
#   - DEMO_FAULTS (comma-separated; unset: none): faults injected while the talkers send, one
#     line when each starts and ends, their windows in faults.jsonl for the report:
#     babbler   a rogue flood from a bridge port no stream uses: best-effort broadcasts, then
#               frames with the redundant stream's identity, a few seconds each in the middle
#     link-cut  a link only the redundant stream's second tree uses, down for the middle third;
#   - then takt-cell-report (tools/cell_report) reads what the run left in its work folder (probe
#     summaries, the bridges' stall logs, the install, taktctl status, Prometheus's answers to
#     the queries it names, the faults) and prints a table per stream with its verdict (what the
#     stream filters dropped and what 802.1CB recovered included), the rogue frames the wildcard
#     filters dropped, whether the redundant streams lost nothing, what takt-station counted
#     against takt-probe, each bridge's state and PromQL
#     examples; this script only runs things and collects their files. Everything it
#     created (namespaces, processes, certificates, DPDK runtime folders) is removed on exit
#     (scripts/lib/netns.sh), also on Ctrl-C / SIGTERM; DEMO_KEEP=1 keeps logs and data, never
#     the run's CA and keys.
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
# folder (logs, summaries, Prometheus data), DEMO_RESULTS=FILE copies takt-cell-report's JSON
# result (format takt-cell-report/1: per stream and listener, per node, install, bridges) there,
# DEMO_TAG names the run (default tkc<pid>), DEMO_DATAPLANE_MODE replaces the dataplanes'
# shared-CPU options (idle sleep, real-time priority), DEMO_DATAPLANE_ARGS adds options.
# DEMO_LEAD_MS: how far ahead of now the controller puts the base time (default 1000).
# DEMO_FAULTS: babbler, link-cut or both (above).
# Needs root, iproute2, jq, curl, openssl, linuxptp and prometheus (takt-station: a kernel that runs BPF).
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
IFS=, read -r -a faults <<<"${DEMO_FAULTS:-}"
for f in "${faults[@]}"; do
  [[ $f == babbler || $f == link-cut ]] || die "DEMO_FAULTS: unknown fault '$f' (babbler, link-cut; comma-separated)"
done
# shellcheck source=lib/netns.sh
source "$root/scripts/lib/netns.sh"
# shellcheck source=lib/ptp4l.sh
source "$root/scripts/lib/ptp4l.sh"
dataplane=$build/dataplane/dpdk/takt-dataplane
probe=$build/dataplane/probe/takt-probe
pmc=$build/ptp/takt-pmc
[[ -x $pmc ]] || pmc=$build/control/ptp/takt-pmc  # a build tree from before ptp/ had its own folder
controller=$build/control/controller/takt-controller
taktctl=$build/control/cli/taktctl
cell_report=$build/tools/cell_report/takt-cell-report
takt_station=$build/dataplane/bpf/takt-station  # optional: built only with TAKT_WITH_BPF
for bin in "$dataplane" "$probe" "$pmc" "$controller" "$taktctl" "$cell_report"; do
  [[ -x $bin ]] || die "$bin is not built; run scripts/build.sh (or set TAKT_BUILD_DIR)"
done

# Per-run names: other people's namespaces and other runs of this script may exist.
# Every process and file of the run carries the tag, so leftovers are easy to find.
tag=${DEMO_TAG:-tkc$$}
[[ $tag =~ ^[a-z0-9]{1,8}$ ]] || die "DEMO_TAG must be 1-8 lowercase letters or digits (it prefixes interface names)"
work=$(mktemp -d "/tmp/takt-cell-${tag}.XXXXXX")
bridges=()
controller_pid=""

# netns.sh stops every process (SIGINT first: dataplanes stop their ports, probes write their
# summaries) and deletes the namespaces and the root-side veth; then this.
cell_cleanup() {
  local b
  ((NETNS_EXIT_STATUS == 130 || NETNS_EXIT_STATUS == 143)) && echo && say "interrupted: stopped the cell"
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
}
netns_on_cleanup cell_cleanup
netns_cleanup_on_exit

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

build_cell() {
  local subnet i=1 node ns a b
  subnet=$(pick_subnet)
  netns_add "${tag}-mon"
  ip -n "${tag}-mon" link add br0 type bridge
  ip -n "${tag}-mon" link set br0 up
  netns_veth "" "${tag}m" "${tag}-mon" up0 --addr-a "169.254.$subnet.254/24"
  ip -n "${tag}-mon" link set up0 master br0
  for node in "${nodes[@]}"; do
    ns=$(ns_of "$node")
    netns_add "$ns"
    addr[$node]="169.254.$subnet.$i"
    netns_veth "$ns" mon0 "${tag}-mon" "n$i" --addr-a "${addr[$node]}/24"
    ip -n "${tag}-mon" link set "n$i" master br0
    i=$((i + 1))
  done
  for link in "${links[@]}"; do
    read -r a b <<<"$link"
    netns_veth "$(ns_of "${a%%:*}")" "${a#*:}" "$(ns_of "${b%%:*}")" "${b#*:}"
  done
  say "network: ${#bridges[@]} bridges, ${#stations[@]} end stations, ${#links[@]} links;" \
    "management 169.254.$subnet.0/24 (root side ${tag}m)"
}

start() {  # start <log> <namespace> <command...>: background, stopped at cleanup; pid in NETNS_PID
  local log=$1 ns=$2  # namespace "": the root namespace
  shift 2
  netns_spawn "$ns" "$work/$log.log" "$@"
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
# ptp4l per node on its management interface: E2E over L2, software timestamps, free_running
# (scripts/lib/ptp4l.sh says why not gPTP). The first talker of the plan (the PLC in the example
# cell) is the grandmaster. The controller's clock health check needs no gPTP: a SLAVE within
# the plan's sync error budget, or the GM.
start_ptp() {
  local node gm=${stations[0]} prio
  for node in "${nodes[@]}"; do
    prio=248
    [[ $node == "$gm" ]] && prio=100
    ptp4l_e2e_config "$prio" "$work/ptp-$node.sock" >"$work/ptp-$node.cfg"
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
      ip -n "$ns" link show "$port" >/dev/null 2>&1 || netns_veth "$ns" "$port" "$ns" "${port}x"
      eal+=(--vdev "net_af_packet$n,iface=$port,framecnt=4096,qpairs=1,qdisc_bypass=0")
      app+=(--port "$port=net_af_packet$n")
      n=$((n + 1))
    done
    start "dataplane-$bridge" "$ns" "$dataplane" "${eal[@]}" -- "${app[@]}"
    started[$bridge]=$NETNS_PID
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
  wait_http "http://127.0.0.1:$port/metrics" controller "$NETNS_PID"
  controller_pid=$NETNS_PID
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
  # Kept for takt-cell-report: the install as the agents reported it.
  mkdir -p "$work/install"
  echo "$status" >"$work/install/status.json"
  for b in "${bridges[@]}"; do
    agent_get "$b" /api/v1/bridge >"$work/install/bridge-$b.json"
    base=$(jq -r '.committed."base-time" | "\(.seconds) \(.nanoseconds)"' "$work/install/bridge-$b.json")
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
    listener_pids+=("$NETNS_PID")
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
    talker_pids+=("$NETNS_PID")
    echo "[{\"targets\": [\"${addr[$st]}:9200\"], \"labels\": {\"station\": \"$st\", \"role\": \"talker\"}}]" \
      >"$work/prometheus/targets/probe-$st-talker.json"
  done
}

# ---------------------------------------------------------------------------------------------
# takt-station on every end station the plan wrote a stations/<name>.json for, on eth0 beside
# takt-probe: at tc egress it tags and polices the station's talker streams (the probe's frames
# pass through it as an application's would), at tc ingress it counts its listener streams
# against their planned arrival windows. Its counts are a second, independent view of what
# takt-probe measures, from the kernel instead of the socket. Optional: a cell without it is the
# same cell, so a missing binary or a host without BPF only costs that view (said once).
station_nodes=()
station_pids=()
# station_why <log>: takt-station's reasons for exit 3 on one line (its own lines, indented under
# "takt-station: this host cannot run ...", without libbpf's).
station_why() {
  awk '/^  / { sub(/^ +/, ""); printf "%s%s", (n++ ? "; " : ""), $0 }' "$1"
}
start_stations() {
  local st rc=0
  if [[ ! -x $takt_station ]]; then
    say "takt-station is not built (TAKT_WITH_BPF off); the cell runs without it"
    return 0
  fi
  for st in "${stations[@]}"; do
    [[ -r $plan_dir/stations/$st.json ]] && station_nodes+=("$st")
  done
  ((${#station_nodes[@]} > 0)) || return 0
  # --detach runs takt-station's preflight (exit 3: no BPF here, the message says why) and
  # removes nothing from the fresh interface; one answer holds for every namespace of this host.
  netns_exec "$(ns_of "${station_nodes[0]}")" "$takt_station" --detach eth0 >"$work/station-preflight.log" 2>&1 || rc=$?
  if ((rc == 3)); then
    say "takt-station cannot run on this host ($(station_why "$work/station-preflight.log")); the cell runs without it"
    station_nodes=()
    return 0
  fi
  ((rc == 0)) || { cat "$work/station-preflight.log" >&2; die "takt-station --detach eth0 failed with exit $rc (above)"; }
  # Started side by side; wait_stations waits for them.
  for st in "${station_nodes[@]}"; do
    start "station-$st" "$(ns_of "$st")" "$takt_station" --plan "$plan_dir" --node "$st" --interface eth0 \
      --metrics-address "${addr[$st]}" --metrics-port 9300
    station_pids+=("$NETNS_PID")
  done
}

# wait_stations: every takt-station attached to eth0 and serving /metrics, then a Prometheus
# target each. One that exits 3 (BPF refused after the preflight passed) ends takt-station for
# the whole cell, as a missing one would; any other exit is a fault of the run.
wait_stations() {
  local i st pid rc
  for i in "${!station_nodes[@]}"; do
    st=${station_nodes[i]}
    pid=${station_pids[i]}
    for _ in $(seq 100); do
      grep -q "attached to eth0" "$work/station-$st.log" && break
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if ! kill -0 "$pid" 2>/dev/null; then
      rc=0
      wait "$pid" || rc=$?
      if ((rc == 3)); then
        say "takt-station cannot run on $st ($(station_why "$work/station-$st.log")); the cell runs without it"
        netns_stop "${station_pids[@]}"
        rm -f "$work"/prometheus/targets/station-*.json
        station_nodes=()
        station_pids=()
        return 0
      fi
      tail -20 "$work/station-$st.log" >&2
      die "takt-station on $st exited with $rc during start (log above)"
    fi
    grep -q "attached to eth0" "$work/station-$st.log" || die "takt-station on $st did not attach to eth0 in 10 s"
    wait_http "http://${addr[$st]}:9300/metrics" "station-$st" "$pid"
    echo "[{\"targets\": [\"${addr[$st]}:9300\"], \"labels\": {\"station\": \"$st\"}}]" \
      >"$work/prometheus/targets/station-$st.json"
  done
  ((${#station_nodes[@]} == 0)) ||
    say "takt-station on ${station_nodes[*]} (tc egress and ingress of eth0; /metrics on :9300)"
}

# stop_stations: SIGINT, as at cleanup, which takes each takt-station's filters off eth0; here,
# at the end of a run that went well, whatever is left on an interface is said.
stop_stations() {
  local st left=()
  ((${#station_pids[@]} > 0)) || return 0
  netns_stop "${station_pids[@]}"
  for st in "${station_nodes[@]}"; do
    tc -n "$(ns_of "$st")" filter show dev eth0 egress 2>/dev/null | grep -q takt_ && left+=("$st")
    tc -n "$(ns_of "$st")" filter show dev eth0 ingress 2>/dev/null | grep -q takt_ && left+=("$st")
  done
  ((${#left[@]} == 0)) || say "warning: takt-station left its tc filters on ${left[*]} (log: $work/station-*.log)"
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
  start prometheus "" prometheus --config.file="$work/prometheus/prometheus.yml" \
    --storage.tsdb.path="$work/prometheus/data" --web.listen-address="127.0.0.1:$prom_port" --log.level=warn
}
promql() {  # promql <expr>: result vector as JSON
  curl -sfG "http://127.0.0.1:$prom_port/api/v1/query" --data-urlencode "query=$1" | jq -c '.data.result'
}

# ---------------------------------------------------------------------------------------------
# DEMO_FAULTS: faults injected while the talkers send, each announced when it starts and ends.
#   babbler   a rogue device on a bridge port no stream uses (the plant's free port; here the far
#             end of its unconnected veth, inside the bridge's namespace) floods 1000 B broadcasts
#             on priority 0, then frames with a redundant (or else the first scheduled) stream's
#             identity (its destination, VLAN and priority), each for a few seconds around the
#             middle of the run (scripts/lib/babble.py, at a fixed rate: a flood at full speed
#             starves a 2-vCPU machine, tests/integration/faults/babbler_test.sh). The broadcasts
#             must pass the scheduled streams by in their gates; the wildcard stream filter at
#             that port drops every impersonating frame.
#   link-cut  a link only the redundant stream's second tree uses (between two bridges) goes
#             down for the middle third of the run and comes back: 802.1CB keeps the stream
#             whole on its other tree.
# What they did shows in takt-cell-report's table (PSFP dropped, FRER) and the lines under it.
readonly babble_rate=2000   # frames per second
readonly rogue_mac=02:00:00:00:0f:ee
fault_steps=()              # "<ms after the talkers' start> <step> <args...>", in time order

# free_port: "<bridge> <port>" of the first configured bridge port no link of the plan uses.
free_port() {
  local b p
  for b in "${bridges[@]}"; do
    for p in $(jq -r '.ports[].name' "$plan_dir/bridge/$b.json"); do
      printf '%s\n' "${links[@]}" | tr ' ' '\n' | grep -qxF "$b:$p" || { echo "$b $p"; return 0; }
    done
  done
  return 1
}

plan_faults() {
  local f t=$((seconds * 1000)) red bridges_json where target cut
  # Each babbler floods for ms: the broadcasts until the middle of the run, then the impersonation.
  local ms=$((seconds >= 20 ? 3000 : (seconds >= 10 ? seconds * 100 : 1000)))
  red=$(jq -r '[.streams[] | select((.trees // [] | length) >= 2) | .name][0] // empty' "$plan")
  for f in "${faults[@]}"; do
    case $f in
      babbler)
        where=$(free_port) || die "DEMO_FAULTS=babbler needs a bridge port no stream uses (declare a device on a free port)"
        target=${red:-$(jq -r '[.streams[] | select(.timed) | .name][0] // empty' "$plan")}
        [[ -n $target ]] || die "DEMO_FAULTS=babbler: the plan has no scheduled stream to impersonate"
        fault_steps+=("$((t / 2 - ms)) babble 0 $where $ms ff:ff:ff:ff:ff:ff $(jq -r '.streams[0].vlan' "$plan") 0 1000 -"
          "$((t / 2)) babble 1 $where $ms $(jq -r --arg s "$target" '.streams[] | select(.name == $s) |
            "\(."destination-mac") \(.vlan) \(.pcp)"' "$plan") 82 $target")
        ;;
      link-cut)
        [[ -n $red ]] || die "DEMO_FAULTS=link-cut needs a redundant stream (num-seamless-trees: 2) in the plan"
        bridges_json=$(printf '%s\n' "${bridges[@]}" | jq -R . | jq -cs .)
        cut=$(jq -r --arg s "$red" --argjson br "$bridges_json" '
          def port_of(x): x.node + ":" + x.port;
          [.streams[] | select(.name != $s) | .hops[] | port_of(.egress), port_of(.ingress)] as $others
          | [.streams[] | select(.name == $s) | .hops[]
             | select((.egress.node | IN($br[])) and (.ingress.node | IN($br[])))
             | select(([port_of(.egress), port_of(.ingress)] - $others | length) == 2)
             | "\(port_of(.egress)) \(port_of(.ingress))"] | first // empty' "$plan")
        [[ -n $cut ]] || die "DEMO_FAULTS=link-cut: every bridge link of $red also carries another stream"
        fault_steps+=("$((t / 3)) cut $cut $red" "$((2 * t / 3)) restore $cut $red")
        ;;
    esac
  done
  mapfile -t fault_steps < <(printf '%s\n' "${fault_steps[@]}" | sort -n -k1,1)
}

declare -A babble_pid=() babble_where=() fault_start=()
# fault_record <kind> <what> <start unix ns>: one line of faults.jsonl for takt-cell-report (it
# puts the stream filters' discards in these windows down to the fault).
fault_record() {
  jq -nc --arg k "$1" --arg w "$2" --argjson s "$3" --argjson e "$(date +%s%N)" \
    '{fault: $k, what: $w, "start-unix-ns": $s, "end-unix-ns": $e}' >>"$work/faults.jsonl"
}

# seconds_since <unix ns>: "12.3 s"
seconds_since() {
  local ms=$((($(date +%s%N) - $1) / 1000000))
  printf '%d.%d s' $((ms / 1000)) $((ms % 1000 / 100))
}

# fault_step <step...>: one step of plan_faults.
fault_step() {
  local what=$1 a=$2 b=$3 c=${4:-} d=${5:-} e=${6:-} f=${7:-} g=${8:-} h=${9:-} i=${10:-} kind
  case $what in
    babble)  # id bridge port ms destination vlan pcp size stream|-
      # A babbler of a 2-vCPU machine's spare time (nice 19): a full-speed flood on veth starves
      # every node of the cell (tests/integration/faults/babbler_test.sh).
      netns_spawn "$(ns_of "$b")" "$work/babbler-$a.log" nice -n 19 python3 "$root/scripts/lib/babble.py" "${c}x" \
        "$e" "$rogue_mac" "$f" "$g" "$h" "$(printf '%d.%03d' $((d / 1000)) $((d % 1000)))" "$babble_rate"
      babble_pid[$a]=$NETNS_PID
      babble_where[$a]=$b:$c
      fault_start[babble$a]=$(date +%s%N)
      kind="$h B frames with $i's identity (destination $e, VLAN $f, PCP $g)"
      [[ $i == - ]] && kind="$h B broadcasts on VLAN $f, PCP $g (best effort)"
      say "fault: babbler on $b:$c starts: $kind, $((babble_rate * d / 1000)) frames at $babble_rate frames/s"
      ;;
    cut)  # egress ingress stream
      ip -n "$(ns_of "${a%%:*}")" link set "${a#*:}" down
      fault_start[cut]=$(date +%s%N)
      say "fault: link $a - $b cut ($c runs on its other tree alone)"
      ;;
    restore)
      ip -n "$(ns_of "${a%%:*}")" link set "${a#*:}" up
      say "fault: link $a - $b restored after $(seconds_since "${fault_start[cut]}")"
      fault_record link-cut "$a - $b" "${fault_start[cut]}"
      ;;
  esac
}

# run_faults: each step at its time after the talkers started, a line when a babbler has sent
# its flood; returns when every step ran and every babbler ended.
run_faults() {
  local t0 next=0 at step id now
  t0=$(date +%s%N)
  : >"$work/faults.jsonl"
  while ((next < ${#fault_steps[@]} || ${#babble_pid[@]} > 0)); do
    now=$((($(date +%s%N) - t0) / 1000000))
    while ((next < ${#fault_steps[@]})); do
      step=${fault_steps[next]}
      at=${step%% *}
      ((at <= now)) || break
      # shellcheck disable=SC2086
      fault_step ${step#* }
      next=$((next + 1))
    done
    for id in "${!babble_pid[@]}"; do
      kill -0 "${babble_pid[$id]}" 2>/dev/null && continue
      wait "${babble_pid[$id]}" 2>/dev/null || true
      say "fault: babbler on ${babble_where[$id]} ends after $(seconds_since "${fault_start[babble$id]}"):" \
        "$(awk 'END { printf "%s frames sent", $1 }' "$work/babbler-$id.log")"
      fault_record babbler "${babble_where[$id]}" "${fault_start[babble$id]}"
      unset "babble_pid[$id]"
    done
    sleep 0.05
  done
}

# ---------------------------------------------------------------------------------------------
((${#faults[@]} == 0)) || plan_faults
build_cell
mkdir -p "$work/prometheus/targets"
start_ptp
start_prometheus
make_pki
start_dataplanes
# takt-station attaches while ptp4l's slaves find the grandmaster: waiting for it here costs
# the run no time, wait_clocks would be waiting anyway.
start_stations
wait_stations
wait_clocks
say "clock health (takt-pmc; ptp4l free_running on the management network, software timestamps;" \
  "sync error budget $sync_budget_text):"
clock_health
start_controller
wait_installed
start_listeners
start_talkers
say "talkers sending every stream for ${seconds} s; Prometheus at http://127.0.0.1:$prom_port"
((${#faults[@]} == 0)) || run_faults

for pid in "${talker_pids[@]}"; do wait "$pid" || die "a talker failed; see $work/talker-*.log"; done
say "talkers done"
# The loss timeout settles the last gaps; two scrapes make the final counts visible in Prometheus.
sleep 2.5
# takt-cell-report names the queries; their answers are saved for it (the talkers are gone, the
# listeners still serve, so every stream's series is fresh).
mkdir -p "$work/prometheus/results"
while IFS=$'\t' read -r name query; do
  curl -sfG "http://127.0.0.1:$prom_port/api/v1/query" --data-urlencode "query=$query" \
    -o "$work/prometheus/results/$name.json" || rm -f "$work/prometheus/results/$name.json"
done < <("$cell_report" --plan "$plan" --queries)
status_json >"$work/status-end.json"
for pid in "${listener_pids[@]}"; do
  kill -INT "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
done
stop_stations

# The table, the host stalls and the verdicts: takt-cell-report, from the files of the run.
"$cell_report" --plan "$plan" --run-dir "$work" --seconds "$seconds" --prometheus-url "http://127.0.0.1:$prom_port" \
  --json "$work/results.json" || die "takt-cell-report could not read the run (above); DEMO_KEEP=1 keeps $work"
[[ -n ${DEMO_RESULTS:-} ]] && cp "$work/results.json" "$DEMO_RESULTS"
if [[ ${DEMO_KEEP:-0} == 1 ]]; then
  echo "  to look again: prometheus --config.file=$work/prometheus/prometheus.yml --storage.tsdb.path=$work/prometheus/data"
else
  echo "  Prometheus stops with the cell; DEMO_KEEP=1 keeps its data (and the logs) to look again."
fi
