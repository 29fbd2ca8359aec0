#!/usr/bin/env bash
# Runs the README's demo (scripts/demo.sh, without setup and build) for DEMO_SECONDS=5 and
# checks what it shows and what it leaves behind:
#   - the demo's result (takt-cell-report's JSON; the printed table is not read) has a row for
#     every stream of the plan, each with frames received;
#   - every late frame (beyond its stream's max-latency) of a scheduled or bounded stream is one
#     the demo puts down to a host stall (its talker or a bridge on its path did not run for
#     longer than its transmission timing error while the frame was in flight), and those stay
#     within MISS_TOLERANCE of the received frames, or within the share of the run the stalls
#     cover where that is larger (a frame meets a stall that often); scheduled and bounded
#     streams lose nothing (but frames their own stream filters discarded in a host stall),
#     best-effort ones at most MISS_TOLERANCE;
#   - takt-controller installed the plan through the switch agents: every bridge ran it at one
#     base time (a multiple of the plan's hyperperiod) before the talkers started, and still ran
#     that transaction at the end;
#   - Prometheus answered the demo's PromQL for every stream and scraped the controller, and its
#     histogram_quantile(0.99) is within 10 % of the listener's own p99 (issue 14);
#   - takt-station ran on every end station with a stations/<name>.json, beside takt-probe: at
#     every listener it counted each stream's frames exactly as takt-probe received them, at every
#     talker each frame takt-probe sent passed it and it policed none (the cell's talkers keep
#     their TSpecs); skipped, with the demo's reason, where takt-station is not built or the host
#     cannot run BPF;
#   - afterwards no namespace, interface, process, work folder, certificate or DPDK runtime
#     folder of the run is left.
# The plan (configs/plants/virtual-cell.yaml) reserves 500 us per hop for software on shared
# vCPUs. This machine's hypervisor still stops a vCPU for milliseconds a few times a second
# (measured: wake-ups over 1 ms late about once a second, the longest ~10 ms; in some CI runs
# stalls of ~100 ms covering a sixth of the run), so now and then a frame misses its window.
# Those misses must each coincide with a recorded stall; one that does not is the schedule's or
# the dataplane's fault and fails the test. A broken schedule
# (frames in the wrong window, a gate that never opens, a base time off the talkers' grid)
# misses nearly every frame, which no stall explains. A stream whose late frames are
# "explained" only because stalls cover most of the time (over half) fails too.
# DEMO_REQUIRE_DEADLINES=0 only shows the scheduled streams (for plants that cannot be held here).
# DEMO_PLANT=FILE runs the demo on that plant instead of demo.sh's default.
#   usage: demo_test.sh SOURCE_ROOT BUILD_DIR
set -euo pipefail

readonly SKIP=77
SOURCE_ROOT=${1:?usage: $0 SOURCE_ROOT BUILD_DIR}
BUILD_DIR=${2:?usage: $0 SOURCE_ROOT BUILD_DIR}
MISS_TOLERANCE=${MISS_TOLERANCE:-0.05}

skip() { echo "SKIP: $*"; exit "$SKIP"; }
[[ $(id -u) -eq 0 ]] || skip "needs root (network namespaces, raw sockets); run ctest as root"
for tool in ip jq curl openssl ptp4l prometheus; do
  command -v "$tool" >/dev/null || skip "$tool is not installed (scripts/setup.sh)"
done

readonly TAG="tkdt$(($$ % 10000))"
WORK=$(mktemp -d "/tmp/takt-demo-it.XXXXXX")
readonly WORK
plan_dir=""
cleanup() {
  local rc=$?
  # The demo keeps taktctl's plan folder for the person who ran it; the test removes it.
  plan_dir=$(sed -n 's/^== taktctl plan .* -o //p' "$WORK/demo.log" 2>/dev/null || true)
  [[ $plan_dir == /tmp/takt-demo.* ]] && rm -rf "$plan_dir"
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok: $*"; }

start=$SECONDS
DEMO_SKIP_BUILD=1 TAKT_BUILD_DIR=$BUILD_DIR DEMO_SECONDS=5 DEMO_TAG=$TAG DEMO_RESULTS=$WORK/results.json \
  "$SOURCE_ROOT/scripts/demo.sh" ${DEMO_PLANT:+"$DEMO_PLANT"} >"$WORK/demo.log" 2>&1 ||
  { rc=$?; tail -60 "$WORK/demo.log"; fail "demo.sh exited with $rc"; }
sed -n '/== Streams/,$p' "$WORK/demo.log"
ok "demo.sh ran in $((SECONDS - start)) s"

# Nothing of the run is left: namespaces, the root-side veth, processes, work folders.
left=$(ip netns list | awk '{print $1}' | grep -E "^${TAG}-" || true)
[[ -z $left ]] || fail "namespaces left behind: $left"
ip link show "${TAG}m" >/dev/null 2>&1 && fail "interface ${TAG}m left behind"
left=$(pgrep -af -- "$TAG" | grep -v -e demo_test.sh -e pgrep || true)
[[ -z $left ]] || fail "processes left behind: $left"
compgen -G "/tmp/takt-cell-${TAG}.*" >/dev/null && fail "work folder /tmp/takt-cell-${TAG}.* (with its certificates) left behind"
compgen -G "/var/run/dpdk/${TAG}*" >/dev/null && fail "DPDK runtime folders /var/run/dpdk/${TAG}* left behind"
ok "no namespace, interface, process, work folder or DPDK runtime folder of $TAG left"

# Everything below reads the demo's result (takt-cell-report --json, format takt-cell-report/1),
# not its printed text.
readonly RESULT=$WORK/results.json
[[ -s $RESULT ]] || fail "the demo wrote no results"
jq -e '.format == "takt-cell-report/1"' "$RESULT" >/dev/null || fail "$RESULT is not a takt-cell-report/1 result"
plan_dir=$(sed -n 's/^== taktctl plan .* -o //p' "$WORK/demo.log")
# The install: every bridge with the common base time, recorded once the plan was in force and
# before the talkers started.
mapfile -t bridges < <(for f in "$plan_dir"/bridge/*.json; do jq -r .bridge "$f"; done)
hyperperiod=$(jq '."hyperperiod-ns"' "$plan_dir/plan.json")
jq -e '.install != null' "$RESULT" >/dev/null || fail "the demo recorded no install by takt-controller before the talkers started"
mapfile -t bases < <(for b in "${bridges[@]}"; do
  jq -r --arg b "$b" '.install.bridges[] | select(.bridge == $b) | ."base-time-ns"' "$RESULT"; done | sort -u)
installed=$(jq '.install.bridges | length' "$RESULT")
((${#bases[@]} == 1 && installed == ${#bridges[@]})) ||
  fail "expected one base time per bridge, all the same; got ${bases[*]:-none} for $installed of ${#bridges[@]} bridges"
((hyperperiod <= 0 || bases[0] % hyperperiod == 0)) || fail "base time ${bases[0]} ns is not a multiple of the hyperperiod $hyperperiod ns"
tx=$(jq -r '.install.transaction' "$RESULT")
[[ -n $tx && $tx != null ]] || fail "the install has no transaction"
for b in "${bridges[@]}"; do
  jq -e --arg b "$b" --arg tx "$tx" 'any(."bridges-at-end"[]; .bridge == $b and .error == null and .transaction == $tx)' \
    "$RESULT" >/dev/null || fail "$b does not run transaction $tx at the end of the run: $(jq -c '."bridges-at-end"' "$RESULT")"
done
jq -e '(.prometheus."targets-up"."takt-controller" // 0) >= 1' "$RESULT" >/dev/null ||
  fail "Prometheus did not scrape takt-controller: $(jq -c '.prometheus."targets-up"' "$RESULT")"
ok "takt-controller installed transaction $tx on ${bridges[*]} at base time ${bases[0]} ns (hyperperiod $hyperperiod ns), still in force at the end"

mapfile -t scheduled < <(jq -r '.streams[] | select(."traffic-class" == "scheduled") | .name' "$plan_dir/plan.json")
mapfile -t unscheduled < <(jq -r '.streams[] | select(."traffic-class" != "scheduled") | .name' "$plan_dir/plan.json")
((${#scheduled[@]} > 0)) || fail "the plan has no scheduled streams"
row_of() {
  local row
  row=$(jq -c --arg s "$1" '.streams[] | select(.stream == $s)' "$RESULT")
  [[ -n $row ]] || fail "$1: no row in the demo's result"
  echo "$row"
}
# check_deadlines STREAM ROW: every late frame in a host stall, those few, a stall rate that
# explains something.
check_deadlines() {
  local s=$1 row=$2 received misses stalled unexplained chance
  read -r received misses stalled unexplained chance < <(jq -r \
    '"\(.received) \(.late // 0) \(."late-in-host-stalls") \(."late-unexplained") \(."stall-chance" // 0)"' <<<"$row")
  ((misses == stalled && unexplained == 0)) || fail "$s: $((misses - stalled)) of its $misses late frames were in no host stall ($row)"
  # A frame meets a stall with the stall chance: where stalls cover more of the run than the
  # tolerance, that share bounds the late frames (takt-cell-report's rule, verdict.hpp).
  awk -v m="$misses" -v r="$received" -v t="$MISS_TOLERANCE" -v c="$chance" 'BEGIN { exit !(m <= (c > t ? c : t) * r) }' ||
    fail "$s: $misses late frames (each in a host stall) in $received, above the $MISS_TOLERANCE tolerance and the $chance of the run host stalls cover"
  ((misses == 0)) || awk -v c="$chance" 'BEGIN { exit !(c < 0.5) }' ||
    fail "$s: host stalls cover $chance of the run; that explains nothing"
}
# check_p99 STREAM ROW: Prometheus has a p99 and it is within 10 % of the listener's. The
# histogram's buckets are under 9.7 % wide and PromQL interpolates inside the one that holds the
# exact p99 (telemetry/histogram.hpp); the listener's p99 is its sketch's, within 0.8 %. Beyond
# the top bound (100 ms) histogram_quantile() can only answer 100 ms.
check_p99() {
  local s=$1 row=$2 promql listener
  read -r promql listener < <(jq -r '"\(.prometheus."p99-s") \(."latency-ns".p99 / 1e9)"' <<<"$row")
  [[ $promql != null ]] || fail "$s: Prometheus had no p99"
  awk -v p="$promql" -v l="$listener" 'BEGIN { d = p - l; if (d < 0) d = -d; exit !(l > 0.1 ? p == 0.1 : d <= 0.10 * l) }' ||
    fail "$s: Prometheus's p99 $promql s is not within 10 % of the listener's $listener s"
  ok "$s: p99 per Prometheus $promql s, per the listener $listener s"
}
# Bounded and best-effort streams cross the same two dataplanes through the gates' open time.
for s in "${unscheduled[@]}"; do
  row=$(row_of "$s")
  read -r class sent received lost misses lost_in_stalls < <(jq -r \
    '"\(.class) \(.sent) \(.received) \(.lost) \(.late // 0) \(."lost-in-host-stalls" // 0)"' <<<"$row")
  ((received > 0)) || fail "$s: no frames received ($row)"
  if [[ $class == bounded ]]; then
    ((lost == lost_in_stalls)) || fail "$s: $((lost - lost_in_stalls)) of $sent frames lost (no host stall explains them)"
    [[ ${DEMO_REQUIRE_DEADLINES:-1} != 1 ]] || check_deadlines "$s" "$row"
  else
    awk -v l="$lost" -v n="$sent" -v t="$MISS_TOLERANCE" 'BEGIN { exit !(l <= t * n) }' ||
      fail "$s: $lost of $sent frames lost, above the $MISS_TOLERANCE tolerance"
  fi
  check_p99 "$s" "$row"
  ok "$s ($class): sent $sent, received $received, lost $lost, $misses late"
done
# Scheduled streams: their deadlines, as the planner proved them for the cell's profiles.
for s in "${scheduled[@]}"; do
  row=$(row_of "$s")
  if [[ ${DEMO_REQUIRE_DEADLINES:-1} != 1 ]]; then
    ok "$s: shown (deadlines not required: DEMO_REQUIRE_DEADLINES=0)"
    continue
  fi
  read -r sent received lost misses lost_in_stalls < <(jq -r \
    '"\(.sent) \(.received) \(.lost) \(.late) \(."lost-in-host-stalls" // 0)"' <<<"$row")
  ((received > 0)) || fail "$s: no frames received ($row)"
  # A frame its own stream filter discarded in a host stall of its path is the host's, as a late one is.
  ((lost == lost_in_stalls)) || fail "$s: $((lost - lost_in_stalls)) of $sent frames lost (no host stall explains them)"
  check_deadlines "$s" "$row"
  check_p99 "$s" "$row"
  # Prometheus's on-time ratio (the bucket at max-latency) is the listener's own, to a frame.
  jq -e '.prometheus."on-time-ratio" != null and ((.prometheus."on-time-ratio" - ."on-time-ratio") | fabs) <= 1 / .received + 1e-12' \
    <<<"$row" >/dev/null ||
    fail "$s: Prometheus's on-time ratio $(jq '.prometheus."on-time-ratio"' <<<"$row") is not the listener's $(jq '."on-time-ratio"' <<<"$row")"
  ok "$s: sent $sent, received $received, lost 0, $misses late (all in host stalls), on time per Prometheus $(jq '.prometheus."on-time-ratio"' <<<"$row")"
done
# The host stalls and the bridges' window overruns are in the result, every bridge's stall
# counter came through Prometheus, and the report's own acceptance agrees with the checks above.
jq -e '(.nodes | type) == "array" and (.prometheus."window-overruns" | type) == "object"' "$RESULT" >/dev/null ||
  fail "the result does not list the host stalls and the bridges' window overruns"
for b in "${bridges[@]}"; do
  jq -e --arg b "$b" '.prometheus."packet-loop-stalls" | has($b)' "$RESULT" >/dev/null ||
    fail "Prometheus had no takt_dataplane_packet_loop_stalls_total of $b"
done
# takt-station: the demo says once why it ran without it; otherwise every station it has a file
# for is in the result, and its counts are takt-probe's, stream by stream.
station_note=$(grep -m1 -E "takt-station (is not built|cannot run)" "$WORK/demo.log" || true)
if [[ -n $station_note ]]; then
  ok "takt-station not checked, the demo ran without it: ${station_note#*] }"
else
  mapfile -t with_file < <(for f in "$plan_dir"/stations/*.json; do [[ -e $f ]] && jq -r '."end-station"' "$f"; done | sort)
  mapfile -t counted < <(jq -r '."takt-station".stations[]' "$RESULT" | sort)
  [[ "${counted[*]}" == "${with_file[*]}" ]] ||
    fail "takt-station counted at [${counted[*]}], expected every end station with a stations/ file: [${with_file[*]}]"
  while read -r s listener probe_received counted_at_listener listener_agrees sent passed policed talker_agrees; do
    [[ $listener_agrees == true ]] ||
      fail "$s at $listener: takt-station counted $counted_at_listener frames, takt-probe received $probe_received"
    [[ $talker_agrees == true ]] || fail "$s: takt-probe sent $sent, takt-station at its talker passed $passed and policed $policed"
    ((policed == 0)) || fail "$s: takt-station policed $policed frames at the source of a talker within its TSpec"
    ok "$s: takt-station passed $passed of $sent at the talker (policed 0), counted $counted_at_listener at $listener (takt-probe: $probe_received)"
  done < <(jq -r '.streams[] | [.stream, .listener, (.station.listener."probe-received" // "-"),
      (.station.listener.received // "-"), (.station.listener.agrees // "none"), .sent, (.station.talker.passed // "-"),
      (.station.talker.policed // "-"), (.station.talker.agrees // "none")] | map(tostring) | join(" ")' "$RESULT")
fi

if [[ ${DEMO_REQUIRE_DEADLINES:-1} == 1 ]]; then
  jq -e '.pass' "$RESULT" >/dev/null || fail "takt-cell-report did not pass the cell: $(jq -c '[.streams[] | select(.failures != []) | {stream, failures}]' "$RESULT")"
fi
echo "PASS (${SECONDS} s)"
