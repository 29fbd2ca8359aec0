#!/bin/sh
# taktctl plan end to end: exit codes (0 planned, 1 invalid or unschedulable, 2 usage), the
# artifacts of both example plants, --keep, --tsnkit and --format json.
# Usage: plan_cli_test.sh TAKTCTL SOURCE_ROOT WORK_DIR
set -u
taktctl=$1
root=$2
work=$3
data=$root/tests/unit/control/export/data
rm -rf "$work" && mkdir -p "$work"
failures=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# run NAME EXPECTED_RC ARGS...: stdout to $work/NAME.out, stderr to $work/NAME.err
run() {
  name=$1 expected=$2
  shift 2
  "$taktctl" "$@" >"$work/$name.out" 2>"$work/$name.err"
  rc=$?
  [ "$rc" -eq "$expected" ] || fail "$name: exit $rc, expected $expected ($*); stderr: $(head -5 "$work/$name.err")"
}

has() { grep -qF -- "$2" "$1" || fail "$1 lacks: $2"; }
exists() { for f in "$@"; do [ -s "$f" ] || fail "missing or empty: $f"; done; }

# Both example plants plan and write every artifact.
run small-cell 0 plan "$root/configs/plants/small-cell.yaml" -o "$work/small-cell"
d=$work/small-cell
exists "$d/plan.json" "$d/report.txt" "$d/timeline.svg" "$d/yang/sw1.json" "$d/yang/sw2.json" "$d/taprio/sw1.sh" \
  "$d/taprio/sw2.sh" "$d/taprio/edge-server.sh" "$d/talkers/edge-server.json" "$d/talkers/edge-server.txt" \
  "$d/tsnkit/stream.csv" "$d/tsnkit/topology.csv" "$d/tsnkit/nodes.csv"
has "$d/plan.json" '"takt-plan/1"'
has "$d/report.txt" "setpoint-x    edge-server -> drive-x"
has "$d/talkers/edge-server.txt" "setpoint-x 250000 "
# One takt-station/1 file per end station with a stream, and plan.json records each.
exists "$d/stations/edge-server.json" "$d/stations/robot.json" "$d/stations/drive-x.json" \
  "$d/stations/drive-y.json" "$d/stations/camera.json"
has "$d/stations/drive-x.json" '"format": "takt-station/1"'
has "$d/plan.json" '"path": "stations/edge-server.json"'
has "$d/taprio/sw1.sh" "taprio num_tc 8 map"
# The printed report is report.txt, followed by where the files went.
head -n "$(wc -l <"$d/report.txt")" "$work/small-cell.out" | cmp -s - "$d/report.txt" || fail "stdout does not start with report.txt"
has "$work/small-cell.out" "Planned and verified in"
[ -x "$d/taprio/sw1.sh" ] || fail "taprio script not executable"
sh -n "$d/taprio/sw1.sh" || fail "taprio script is not valid sh"
python3 -c "import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])" "$d/timeline.svg" || fail "timeline.svg is not well-formed XML"

run body-shop 0 plan "$root/configs/plants/body-shop-line.yaml" -o "$work/body-shop"
exists "$work/body-shop/plan.json" "$work/body-shop/yang/ring1.json" "$work/body-shop/report.txt"

# Re-planning with --keep leaves every stream where it was.
run keep 0 plan "$root/configs/plants/small-cell.yaml" -o "$work/keep" --keep "$d"
has "$work/keep.out" "Incremental plan: every kept stream stayed on its windows"
for f in "$d"/talkers/*.txt; do cmp -s "$f" "$work/keep/talkers/$(basename "$f")" || fail "--keep moved offsets in $(basename "$f")"; done
run keep-file 0 plan "$root/configs/plants/small-cell.yaml" -o "$work/keep2" --keep "$d/plan.json"
# A stream added to the plant is placed around the kept ones; the report says what moved.
cp "$root/configs/plants/small-cell.yaml" "$work/grown.yaml"
printf '  camera-trigger:\n    talker: edge-server\n    listeners: [camera]\n    interval: 1ms\n    max-frame-size: 64B\n    max-latency: 200us\n' >>"$work/grown.yaml"
run grown 0 plan "$work/grown.yaml" -o "$work/grown" --keep "$d"
has "$work/grown.out" "Incremental plan: "
has "$work/grown/talkers/edge-server.txt" "camera-trigger 1000000 "
grep -q "^setpoint-x 250000 " "$work/grown/talkers/edge-server.txt" || fail "setpoint-x lost"
# --no-move: the same plant plans with nothing moved; a larger sync error budget pushes every
# window after the first hop later, so the plan is refused, naming each stream; nothing written.
run no-move 0 plan "$root/configs/plants/small-cell.yaml" -o "$work/no-move" --keep "$d" --no-move
has "$work/no-move.out" "Incremental plan: every kept stream stayed on its windows"
sed 's/sync-error-budget: 500ns/sync-error-budget: 900ns/' "$root/configs/plants/small-cell.yaml" >"$work/slower.yaml"
run moves 1 plan "$work/slower.yaml" -o "$work/moves" --keep "$d" --no-move
has "$work/moves.err" "--no-move: the plan would move 6 streams of the kept plan; nothing was written"
has "$work/moves.err" "stream setpoint-x of the kept plan would move: its window at port sw1:p3 no longer holds"
[ ! -e "$work/moves/plan.json" ] || fail "--no-move wrote a plan that moves kept streams"
run moves-allowed 0 plan "$work/slower.yaml" -o "$work/moves" --keep "$d"
run no-move-alone 2 plan "$root/configs/plants/small-cell.yaml" -o "$work/alone" --no-move

# An unschedulable plant: exit 1, the reason names stream, port and load; nothing written.
run overloaded 1 plan "$data/unschedulable.yaml" -o "$work/overloaded"
has "$work/overloaded.err" "stream video-b, port sw1:p3: port sw1:p3 is 112 % loaded by scheduled traffic"
[ ! -e "$work/overloaded/plan.json" ] || fail "a plan was written for an unschedulable plant"
run overloaded-json 1 plan "$data/unschedulable.yaml" -o "$work/overloaded" --format json
python3 -c "
import json, sys
j = json.load(open(sys.argv[1]))
assert j['planned'] is False and j['issues'][0]['stream'] == 'video-b', j
" "$work/overloaded-json.out" || fail "json issues"

# An invalid plant: exit 1 with file:line:col.
printf 'plant: broken\nbridges:\n  sw1: {ports: 2}\nlinks:\n  - {ends: [sw1:p1, sw9:p1]}\n' >"$work/broken.yaml"
run broken 1 plan "$work/broken.yaml" -o "$work/broken"
has "$work/broken.err" "broken.yaml:5:"
has "$work/broken.err" "nothing was planned"

# TSNKit instance in.
run tsnkit 0 plan --tsnkit "$data/sample_task.csv" "$data/sample_topo.csv" -o "$work/tsnkit"
exists "$work/tsnkit/plant.yaml" "$work/tsnkit/plan.json" "$work/tsnkit/yang/sw0.json" "$work/tsnkit/talkers/es3.txt"
grep -qE "^  s1 +es3 -> es4 " "$work/tsnkit.out" || fail "tsnkit report lacks stream s1 es3 -> es4"
# By default TSNKit's own problem, said in the plant and the report; one flag for takt's model.
has "$work/tsnkit/plant.yaml" "frame-model: wire-bytes"
has "$work/tsnkit.out" "sync error budget 0 ns, frame model wire-bytes"
# The schedule in TSNKit's output form next to the instance, for its simulator.
for f in GCL OFFSET ROUTE QUEUE DELAY; do exists "$work/tsnkit/tsnkit/takt-$f.csv"; done
has "$work/tsnkit/tsnkit/takt-GCL.csv" "link,queue,start,end,cycle"
has "$work/tsnkit/tsnkit/takt-ROUTE.csv" '0,"(2, 0)"'
run tsnkit-ethernet 0 plan --tsnkit "$data/sample_task.csv" "$data/sample_topo.csv" -o "$work/tsnkit-ethernet" \
  --tsnkit-model ethernet
has "$work/tsnkit-ethernet.out" "sync error budget 1 us, frame model ethernet"
run tsnkit-model-alone 2 plan "$root/configs/plants/small-cell.yaml" -o "$work/x" --tsnkit-model ethernet

# JSON output.
run json 0 plan "$root/configs/plants/small-cell.yaml" -o "$work/json" --format json
python3 -c "
import json, sys
j = json.load(open(sys.argv[1]))
assert j['planned'] is True, j
assert any(f['path'] == 'yang/sw1.json' and f['bytes'] > 0 for f in j['files']), j['files']
assert j['summary']['streams'][0]['stream'] == 'setpoint-x'
" "$work/json.out" || fail "json output"

# A plant with IP stream identification: the talker's station file carries it.
run station-cell 0 plan "$data/station-cell.yaml" -o "$work/station-cell"
has "$work/station-cell/stations/plc.json" '"destination": "10.0.0.2"'
[ ! -e "$work/station-cell/stations/spare.json" ] || fail "stations/spare.json written for a station without streams"

# Hostile names (issue 11 case 2), as a hostile user ran them: a bridge named to escape the
# output folder and a port named to run a command from taprio/*.sh. Both are refused with exit 1
# and file:line:col; nothing lands outside -o and no command runs, even if a script was written.
h=$work/hostile
mkdir -p "$h/bin" && printf '#!/bin/sh\nexit 0\n' >"$h/bin/tc" && chmod +x "$h/bin/tc"
cat >"$h/escape.yaml" <<'YAML'
bridges:
  ../../escbridge: {ports: 2}
end-stations: {a: {}, b: {}}
links:
  - [a, ../../escbridge:p1]
  - [b, ../../escbridge:p2]
streams:
  s1: {talker: a, listeners: [b], interval: 1ms, max-frame-size: 64B, max-latency: 1ms}
YAML
run hostile-escape 1 plan "$h/escape.yaml" -o "$h/out/plan"
has "$work/hostile-escape.err" "escape.yaml:2:3: error: bridge name '../../escbridge' is not allowed: names are 1-64"
for f in "$h/escbridge.json" "$h/escbridge.sh" "$h/out/escbridge.json" "$h/out/escbridge.sh"; do
  [ ! -e "$f" ] || fail "a bridge name wrote outside the output folder: $f"
done
cat >"$h/inject.yaml" <<YAML
bridges:
  sw1: {ports: [p1, "p2\$(touch $h/pwned)"]}
end-stations: {a: {}, b: {}}
links:
  - [a, sw1:p1]
  - [b, "sw1:p2\$(touch $h/pwned)"]
streams:
  s1: {talker: a, listeners: [b], interval: 1ms, max-frame-size: 64B, max-latency: 1ms}
YAML
run hostile-inject 1 plan "$h/inject.yaml" -o "$h/inject"
has "$work/hostile-inject.err" "inject.yaml:2:21: error: port name 'p2\$(touch $h/pwned)' is not allowed"
for script in "$h"/inject/taprio/*.sh; do
  [ -e "$script" ] && PATH="$h/bin:$PATH" sh "$script" >/dev/null 2>&1
done
[ ! -e "$h/pwned" ] || fail "a port name ran a command from a taprio script"

# A best-effort stream that overloads its links plans (best effort is not admitted), but the
# verdict line says that not every class is proved.
printf 'plant: be\nbridges:\n  sw: {ports: 2}\nend-stations: {a: {}, b: {}}\nlinks:\n  - {ends: [a, sw:p1], speed: 100Mbps}\n  - {ends: [b, sw:p2], speed: 100Mbps}\nstreams:\n  flood: {talker: a, listeners: [b], traffic-class: best-effort, interval: 10us, max-frame-size: 1500B}\n' >"$work/be.yaml"
run be-overload 0 plan "$work/be.yaml" -o "$work/be"
has "$work/be-overload.err" "warning: port a:eth0, traffic class 1: its streams need 1.23 Gb/s"
has "$work/be-overload.out" "Planned and verified except 2 best-effort bounds (see the warnings)"

# Usage errors: exit 2.
run no-args 2 plan
run no-output 2 plan "$root/configs/plants/small-cell.yaml"
run bad-format 2 plan "$root/configs/plants/small-cell.yaml" -o "$work/x" --format xml
run both-inputs 2 plan "$root/configs/plants/small-cell.yaml" --tsnkit "$data/sample_task.csv" "$data/sample_topo.csv" -o "$work/x"

[ "$failures" -eq 0 ] || { echo "$failures check(s) failed; outputs in $work" >&2; exit 1; }
echo "taktctl plan: all checks passed"
