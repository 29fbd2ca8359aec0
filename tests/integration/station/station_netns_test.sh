#!/usr/bin/env bash
# takt-station end to end in network namespaces (plant.yaml beside this file):
#
#   h1 (takt-station) --- sw (takt-dataplane) --- h2 (takt-station)
#
#  1. an unmodified UDP sender on h1 sends opcua-pub's 5-tuple at its interval: takt-station on
#     h1 tags it with the plan's VLAN and PCP and the stream's address, polices nothing; sw
#     identifies the stream and forwards it on the traffic class of its PCP; tcpdump on h2's wire
#     sees the tag and priority; takt-station on h2 counts every frame and gives the frame back
#     h2's own address, so the plain UDP receiver gets all of them;
#  2. the same sender over its TSpec (back to back): takt-station on h1 cuts it to the token
#     bucket at the source, so what reaches the wire conforms and the bridge's meter drops none;
#  3. takt-probe's stream through the same path: takt-station's latency histogram on h2 agrees
#     with takt-probe's on the same frames;
#  4. SIGHUP, and PUT /api/v1/station (what `taktctl apply` sends), swap the plan in place (same
#     programs, counters kept; a bad plan is refused naming the member); kill -9 leaves the
#     filters, `takt-station --detach` removes them, and a new start replaces any stale one.
#
# usage: station_netns_test.sh TAKT_STATION TAKT_DATAPLANE TAKTCTL TAKT_PROBE
# Needs root, iproute2, tc, tcpdump, jq, curl, python3; exits 77 (skipped) without them or where
# the kernel cannot run takt-station's programs (the reason is printed).
set -euo pipefail

readonly SKIP=77
usage="usage: $0 takt-station takt-dataplane taktctl takt-probe"
STATION=${1:?$usage}
DATAPLANE=${2:?$usage}
TAKTCTL=${3:?$usage}
PROBE=${4:?$usage}
HERE=$(cd "$(dirname "$0")" && pwd)
TESTBED=$(cd "$HERE/../../../scripts" && pwd)/testbed.sh

skip() { echo "SKIP: $*"; exit "$SKIP"; }
fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok: $*"; }

[[ $(id -u) -eq 0 ]] || skip "needs root (network namespaces, BPF); run ctest as root"
for tool in ip tc tcpdump ethtool jq curl python3; do
  command -v "$tool" >/dev/null || skip "$tool is not installed (apt-get install iproute2 tcpdump ethtool jq curl python3)"
done
for bin in "$STATION" "$DATAPLANE" "$TAKTCTL" "$PROBE"; do [[ -x $bin ]] || fail "$bin is not an executable"; done

# shellcheck source=../../../scripts/lib/netns.sh
source "$HERE/../../../scripts/lib/netns.sh"
TAG=$(netns_unique_tag tkst)
readonly TAG
WORK=$(mktemp -d /tmp/takt-station-it.XXXXXX)
readonly WORK

station_cleanup() {
  if [[ $NETNS_EXIT_STATUS -ne 0 && $NETNS_EXIT_STATUS -ne $SKIP ]]; then
    for f in "$WORK"/*.log; do
      echo "--- $f"
      tail -15 "$f"
    done
  fi
  rm -rf "$WORK" "/var/run/dpdk/$TAG"
}
netns_on_cleanup station_cleanup
netns_cleanup_on_exit

metrics() { ip netns exec "$TAG-$1" curl -sf --max-time 2 "http://127.0.0.1:$2/metrics"; }
# The value of one sample line (exact name and labels) in a scrape; 0 when absent.
sample() { awk -v s="$2" '$1 == s { v = $2 } END { print (v == "" ? 0 : v) }' <<<"$1"; }
wait_metrics() {
  local node=$1 port=$2 pid=$3
  for _ in $(seq 100); do
    metrics "$node" "$port" >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || fail "the process serving $node:$port exited during start"
    sleep 0.1
  done
  fail "nothing serves /metrics on $node:$port"
}

# Waits until a sample stops changing for a second (frames still queued in a bridge that a busy
# host stalled are still arriving), at most 20 s; prints its value.
settled() {
  local node=$1 port=$2 name=$3 last=-1 now stable=0
  for _ in $(seq 100); do
    now=$(sample "$(metrics "$node" "$port")" "$name")
    if [[ $now == "$last" ]]; then
      stable=$((stable + 1))
      [[ $stable -ge 5 ]] && break
    else
      stable=0
    fi
    last=$now
    sleep 0.2
  done
  echo "$last"
}

# ---- plan
"$TAKTCTL" plan "$HERE/plant.yaml" -o "$WORK/plan" >"$WORK/plan.log" 2>&1 || fail "taktctl plan: $(tail -5 "$WORK/plan.log")"
for n in h1 h2; do [[ -r $WORK/plan/stations/$n.json ]] || fail "taktctl plan wrote no stations/$n.json"; done
ok "taktctl plan wrote stations/h1.json and stations/h2.json"
plan_field() { jq -r --arg s "$1" ".streams[] | select(.name == \$s) | .\"$2\"" "$WORK/plan/plan.json"; }
DMAC=$(plan_field opcua-pub destination-mac)
PCP=$(plan_field opcua-pub pcp)
VLAN=$(plan_field opcua-pub vlan)
CIR=$(jq '.talks[] | select(.stream == "opcua-pub") | ."committed-information-rate-bps"' "$WORK/plan/stations/h1.json")
CBS=$(jq '.talks[] | select(.stream == "opcua-pub") | ."committed-burst-bytes"' "$WORK/plan/stations/h1.json")

# ---- cell
"$TESTBED" up "$TAG" 3 >/dev/null
netns_adopt "$TAG-sw" "$TAG-h1" "$TAG-h2" "$TAG-h3"
# Can this kernel and this process run the programs at all? --detach runs the same preflight.
rc=0
ip netns exec "$TAG-h3" "$STATION" --detach eth0 >"$WORK/preflight.log" 2>&1 || rc=$?
[[ $rc -eq 3 ]] && skip "takt-station cannot run here: $(tr '\n' ' ' <"$WORK/preflight.log")"
[[ $rc -eq 0 ]] || fail "takt-station --detach on a clean interface: exit $rc: $(cat "$WORK/preflight.log")"

ip -n "$TAG-h1" addr add 10.77.0.1/24 dev eth0
ip -n "$TAG-h2" addr add 10.77.0.2/24 dev eth0
# A veth leaves the UDP checksum to "hardware" (CHECKSUM_PARTIAL); takt-dataplane's AF_PACKET
# ports forward the frame as it is, so the checksum would arrive unfilled. A NIC fills it.
ip netns exec "$TAG-h1" ethtool -K eth0 tx off >/dev/null
# Static neighbours: the cell carries only the frames the test sends.
ip -n "$TAG-h1" neigh replace 10.77.0.2 lladdr 02:00:00:00:00:02 dev eth0
ip -n "$TAG-h2" neigh replace 10.77.0.1 lladdr 02:00:00:00:00:01 dev eth0

LCORES=0 "$TESTBED" switch "$TAG" "$DATAPLANE" "$WORK/plan/bridge/sw.json" --metrics-port 9464 >"$WORK/switch.log" 2>&1 &
SWITCH_PID=$!
netns_track "$SWITCH_PID"
wait_metrics sw 9464 "$SWITCH_PID"

start_station() {
  local node=$1 port=$2
  shift 2
  netns_spawn "$TAG-$node" "$WORK/station-$node.log" "$STATION" --plan "$WORK/plan" --node "$node" --interface eth0 \
    --metrics-port "$port" "$@"
  eval "STATION_PID_$node=$NETNS_PID"
  wait_metrics "$node" "$port" "$NETNS_PID"
  for _ in $(seq 50); do
    grep -q "attached to eth0" "$WORK/station-$node.log" && return 0
    sleep 0.1
  done
  fail "takt-station on $node did not attach: $(tail -3 "$WORK/station-$node.log")"
}
start_station h1 9301
# h2 also serves its API (plain HTTP on its loopback here; TLS with client certificates otherwise).
start_station h2 9302 --api-port 8444 --api-address 127.0.0.1 --plain-http
filters() { ip netns exec "$TAG-$1" tc filter show dev eth0 "$2"; }
filters h1 egress | grep -q "takt_egress" || fail "no takt_egress filter on h1's eth0: $(filters h1 egress)"
filters h2 ingress | grep -q "takt_ingress" || fail "no takt_ingress filter on h2's eth0"
ok "takt-station attached on h1 and h2 (tc egress and ingress)"

# ---- 1. the application at its interval
netns_spawn "$TAG-h2" "$WORK/tcpdump.log" tcpdump -l -i eth0 -e -nn -c 20 "vlan $VLAN and udp port 4840"
TCPDUMP_PID=$NETNS_PID
netns_spawn "$TAG-h2" "$WORK/receiver1.log" python3 "$HERE/udp_app.py" receive 4840 1.5 "$WORK/received1.json"
RECEIVER_PID=$NETNS_PID
for _ in $(seq 100); do [[ -e $WORK/received1.json.ready ]] && break; sleep 0.05; done
sleep 0.5  # tcpdump's capture open
COUNT=400
read -r SENT _ < <(ip netns exec "$TAG-h1" python3 "$HERE/udp_app.py" send 10.77.0.2 4840 $COUNT 2000 150)
settled h2 9302 'takt_station_frames_received_total{stream="opcua-pub"}' >/dev/null
wait "$RECEIVER_PID" || true
kill "$TCPDUMP_PID" 2>/dev/null || true
RECEIVED=$(jq .received "$WORK/received1.json")
M1=$(metrics h1 9301)
M2=$(metrics h2 9302)
MS=$(metrics sw 9464)
passed1=$(sample "$M1" 'takt_station_frames_sent_total{stream="opcua-pub"}')
policed1=$(sample "$M1" 'takt_station_policed_frames_total{stream="opcua-pub"}')
heard1=$(sample "$M2" 'takt_station_frames_received_total{stream="opcua-pub"}')
bridged1=$(sample "$MS" 'takt_dataplane_stream_frames_total{stream="opcua-pub"}')
echo "at its interval: sent $SENT, takt-station h1 passed $passed1 policed $policed1, sw identified $bridged1, takt-station h2 counted $heard1, the application received $RECEIVED"
[[ $SENT -eq $COUNT ]] || fail "the sender could send only $SENT of $COUNT"
[[ $policed1 -eq 0 ]] || fail "takt-station policed $policed1 frames of a sender within its TSpec"
[[ $passed1 -eq $COUNT && $heard1 -eq $COUNT ]] || fail "takt-station counted $passed1 sent and $heard1 received of $COUNT"
[[ $bridged1 -eq $COUNT ]] || fail "sw identified $bridged1 of $COUNT frames as opcua-pub: the frames did not carry the stream's address and VLAN"
[[ $RECEIVED -eq $COUNT ]] || fail "the UDP receiver got $RECEIVED of $COUNT: the listener's station did not give the frames back"
ok "an unmodified UDP application's frames were put into opcua-pub and delivered: $COUNT of $COUNT"

# tcpdump on h2's wire (it sees the frame before tc ingress restores it).
grep -q "> $DMAC, ethertype 802.1Q (0x8100), .*vlan $VLAN, p $PCP," "$WORK/tcpdump.log" ||
  fail "tcpdump on h2 saw no frame to $DMAC with vlan $VLAN, p $PCP: $(head -3 "$WORK/tcpdump.log")"
ok "on the wire: $(grep -m1 -o "> $DMAC, ethertype 802.1Q (0x8100), length [0-9]*: vlan $VLAN, p $PCP" "$WORK/tcpdump.log")"

# sw forwarded it on the traffic class its PCP maps to (the plan's priority map on p2).
TC=$(jq -r --argjson pcp "$PCP" '.ports[] | select(.name == "p2") | ."priority-to-traffic-class"[$pcp]' "$WORK/plan/bridge/sw.json")
on_tc=$(sample "$MS" "takt_dataplane_queue_transmitted_frames_total{port=\"p2\",traffic_class=\"$TC\"}")
[[ $on_tc -ge $COUNT ]] || fail "sw sent $on_tc frames on p2's traffic class $TC (PCP $PCP), fewer than the $COUNT of opcua-pub"
ok "sw forwarded them on p2's traffic class $TC (PCP $PCP): $on_tc frames"

# ---- 2. the same application over its TSpec
netns_spawn "$TAG-h2" "$WORK/receiver2.log" python3 "$HERE/udp_app.py" receive 4840 1.5 "$WORK/received2.json"
RECEIVER_PID=$NETNS_PID
for _ in $(seq 100); do [[ -e $WORK/received2.json.ready ]] && break; sleep 0.05; done
BURST=3000
read -r SENT ELAPSED_NS < <(ip netns exec "$TAG-h1" python3 "$HERE/udp_app.py" send 10.77.0.2 4840 $BURST 0 150)
settled h2 9302 'takt_station_frames_received_total{stream="opcua-pub"}' >/dev/null
wait "$RECEIVER_PID" || true
RECEIVED=$(jq .received "$WORK/received2.json")
M1=$(metrics h1 9301)
MS=$(metrics sw 9464)
passed2=$(($(sample "$M1" 'takt_station_frames_sent_total{stream="opcua-pub"}') - passed1))
policed2=$(sample "$M1" 'takt_station_policed_frames_total{stream="opcua-pub"}')
red=$(sample "$MS" 'takt_psfp_discarded_frames_total{stream="opcua-pub",port="p1",reason="flow-meter-red"}')
# The most a token bucket of CBS bytes filling at CIR lets through in the sender's run: 196-byte
# frames (150 B of UDP payload, IPv4, UDP, Ethernet, the tag).
BOUND=$(((CBS + CIR / 8 * ELAPSED_NS / 1000000000) / 196 + 1))
echo "over its TSpec: sent $SENT back to back in $((ELAPSED_NS / 1000000)) ms, takt-station h1 passed $passed2 and policed $policed2 (bound $BOUND from CIR $CIR bit/s, CBS $CBS B), sw's meter discarded $red, the application received $RECEIVED"
[[ $policed2 -gt 0 && $passed2 -ge 1 ]] || fail "takt-station did not police a sender $BURST frames over its TSpec"
[[ $((passed2 + policed2)) -eq $SENT ]] || fail "passed $passed2 + policed $policed2 is not the $SENT sent"
[[ $passed2 -le $BOUND ]] || fail "takt-station passed $passed2 frames, more than the token bucket allows ($BOUND)"
# sw meters the same TSpec, timing frames when its thread polls them: a source that spends its
# whole burst at once can see a few frames metered red there when the poll was late for the burst
# and on time for the next frames (the meter cannot know they left earlier). Without the source's
# policing sw would discard thousands.
[[ $((red * 10)) -lt $policed2 ]] || fail "sw's flow meter discarded $red frames: the flood reached the wire"
[[ $RECEIVED -eq $((passed2 - red)) ]] || fail "the receiver got $RECEIVED of the $passed2 frames the source passed ($red metered red at sw)"
ok "cut to its TSpec at the source: $passed2 of $SENT passed (bound $BOUND); sw's meter discarded $red"

# ---- 3. takt-probe's frames, timed by takt-probe and by takt-station
netns_spawn "$TAG-h2" "$WORK/probe-listener.log" "$PROBE" listen --interface eth0 --streams "$WORK/plan/plan.json" \
  --select probe-status --metrics-port 9202 --duration 60s --json-summary "$WORK/probe-listener.json"
LISTENER_PID=$NETNS_PID
wait_metrics h2 9202 "$LISTENER_PID"
ip netns exec "$TAG-h1" "$PROBE" talk --interface eth0 --offsets "$WORK/plan/talkers/h1.json" --streams probe-status \
  --duration 3s --json-summary "$WORK/probe-talker.json" >"$WORK/probe-talker.log" 2>&1 || fail "takt-probe talk failed"
# Both scraped once everything arrived, while the listener still runs: the same frames.
settled h2 9302 'takt_station_latency_seconds_count{stream="probe-status"}' >/dev/null
settled h2 9202 'takt_probe_latency_seconds_count{stream="probe-status"}' >/dev/null
MP=$(metrics h2 9202)
M2=$(metrics h2 9302)
kill -INT "$LISTENER_PID" 2>/dev/null || true
wait "$LISTENER_PID" || true
python3 - "$MP" "$M2" <<'EOF' || fail "takt-station's and takt-probe's latency histograms disagree"
import re, sys
def hist(text, name):
    buckets, count, total = {}, 0, 0.0
    for line in text.splitlines():
        m = re.match(name + r'_bucket\{stream="probe-status",le="([^"]+)"\} (\d+)', line)
        if m:
            buckets[m.group(1)] = int(m.group(2))
        m = re.match(name + r'_count\{stream="probe-status"\} (\d+)', line)
        if m:
            count = int(m.group(1))
        m = re.match(name + r'_sum\{stream="probe-status"\} (\S+)', line)
        if m:
            total = float(m.group(1))
    return buckets, count, total
pb, pc, ps = hist(sys.argv[1], "takt_probe_latency_seconds")
sb, sc, ss = hist(sys.argv[2], "takt_station_latency_seconds")
print(f"probe-status: takt-probe timed {pc} frames, mean {ps / max(pc, 1) * 1e6:.1f} us; "
      f"takt-station timed {sc}, mean {ss / max(sc, 1) * 1e6:.1f} us")
assert pc >= 20, f"takt-probe received {pc} frames, too few to compare"
assert sc == pc, f"takt-station timed {sc} frames, takt-probe {pc}"
assert pb.keys() == sb.keys(), "the two histograms have different buckets"
# The station stamps at tc ingress, the probe at the socket: the same frames, some us apart.
assert abs(ps / pc - ss / sc) < 100e-6, "mean latencies more than 100 us apart"
moved = sum(abs(pb[k] - sb[k]) for k in pb if k != "+Inf")
print(f"cumulative bucket counts differ by {moved} over {len(pb)} buckets ({moved / pc:.3f} per frame)")
assert moved <= 0.25 * pc * len(pb) / 10, "bucket counts differ too much"
EOF
ok "takt-station's latency histogram agrees with takt-probe's on the same frames"

# ---- 4. plan reload, kill -9, --detach
ID_BEFORE=$(filters h1 egress | grep -o "takt_egress.*id [0-9]*" | grep -o "id [0-9]*$" || true)
kill -HUP "$STATION_PID_h1"
sleep 0.5
[[ $(grep -c "plan [0-9]* for h1:" "$WORK/station-h1.log") -ge 2 ]] || fail "SIGHUP did not reload the plan"
ID_AFTER=$(filters h1 egress | grep -o "takt_egress.*id [0-9]*" | grep -o "id [0-9]*$" || true)
[[ -n $ID_BEFORE && $ID_BEFORE == "$ID_AFTER" ]] || fail "the reload replaced the program ($ID_BEFORE -> $ID_AFTER)"
after_reload=$(sample "$(metrics h1 9301)" 'takt_station_frames_sent_total{stream="opcua-pub"}')
[[ $after_reload -ge $((passed1 + passed2)) ]] || fail "the reload lost opcua-pub's counters ($after_reload)"
ok "SIGHUP swapped the plan in place: program $ID_AFTER kept, counters kept ($after_reload)"

# The API does what taktctl apply does for a station: a new plan, swapped in place.
api() { ip netns exec "$TAG-h2" curl -s --max-time 3 -o "$WORK/api.json" -w '%{http_code}' "$@" http://127.0.0.1:8444/api/v1/station; }
H2_ID=$(filters h2 ingress | grep -o "takt_ingress.*id [0-9]*" | grep -o "id [0-9]*$" || true)
jq '.listens |= map(select(.stream != "probe-status"))' "$WORK/plan/stations/h2.json" >"$WORK/h2-next.json"
code=$(api -X PUT --data-binary "@$WORK/h2-next.json")
[[ $code == 200 ]] || fail "PUT /api/v1/station: $code $(cat "$WORK/api.json")"
code=$(api)
[[ $code == 200 && $(jq '.config.listens | length' "$WORK/api.json") -eq 1 ]] || fail "GET after PUT: $code $(cat "$WORK/api.json")"
[[ $(filters h2 ingress | grep -o "takt_ingress.*id [0-9]*" | grep -o "id [0-9]*$") == "$H2_ID" ]] ||
  fail "the API swap replaced h2's program"
jq '.listens[0].vlan = 4095' "$WORK/plan/stations/h2.json" >"$WORK/h2-bad.json"
code=$(api -X PUT --data-binary "@$WORK/h2-bad.json")
[[ $code == 400 ]] && grep -q '/listens/0/vlan' "$WORK/api.json" || fail "a bad PUT: $code $(cat "$WORK/api.json")"
code=$(api)
[[ $(jq '.config.listens | length' "$WORK/api.json") -eq 1 ]] || fail "a refused PUT changed the running plan"
heard=$(sample "$(metrics h2 9302)" 'takt_station_frames_received_total{stream="opcua-pub"}')
[[ $heard -ge 400 ]] || fail "the API swap lost opcua-pub's counters on h2 ($heard)"
ok "PUT /api/v1/station swapped h2's plan in place ($H2_ID kept, counters kept: $heard); a bad one was refused naming /listens/0/vlan"

kill -9 "$STATION_PID_h1"
sleep 0.3
filters h1 egress | grep -q takt_egress || fail "expected kill -9 to leave the filter behind (libbpf 1.1 has no tcx links)"
start_station h1 9301
[[ $(filters h1 egress | grep -c takt_egress) -eq 1 ]] || fail "a restart after kill -9 left two takt filters"
kill -9 "$STATION_PID_h1"
sleep 0.3
ip netns exec "$TAG-h1" "$STATION" --detach eth0 >"$WORK/detach.log" 2>&1 || fail "--detach: $(cat "$WORK/detach.log")"
grep -q "removed egress: takt_egress" "$WORK/detach.log" || fail "--detach did not say what it removed: $(cat "$WORK/detach.log")"
if filters h1 egress | grep -q takt_ || filters h1 ingress | grep -q takt_; then
  fail "takt filters left on h1 after --detach: $(filters h1 egress) $(filters h1 ingress)"
fi
ok "kill -9 then a restart replaced the stale filter; --detach removed them: $(tr '\n' ' ' <"$WORK/detach.log")"

kill -TERM "$STATION_PID_h2"
wait "$STATION_PID_h2" 2>/dev/null || true
if filters h2 ingress | grep -q takt_; then fail "takt-station left its filter on h2 after SIGTERM"; fi
ok "SIGTERM removed takt-station's filters on h2"
echo "PASS: takt-station"
