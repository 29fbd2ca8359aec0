#!/bin/sh
# taktctl simulate end to end on small-cell: exit 0 when every stream keeps its plan, the text
# table, the JSON shape of issue 12, a pcap Wireshark opens, and the usage and input errors.
# Usage: simulate_cli_test.sh TAKTCTL SOURCE_ROOT WORK_DIR
set -u
taktctl=$1
root=$2
work=$3
plant=$root/configs/plants/small-cell.yaml
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

run plan 0 plan "$plant" -o "$work/plan"
d=$work/plan

run text 0 simulate "$d" --plant "$plant" --hyperperiods 5
has "$work/text.out" "simulate: plant 'small-cell', 5 hyperperiods x 2 run(s), seed 1"
has "$work/text.out" "max/pl"
has "$work/text.out" "setpoint-x"
has "$work/text.out" "frame-hops in"

run json 0 simulate "$d" --plant "$plant" --hyperperiods 5 --seed 7 --runs random --format json
python3 -c "
import json, sys
j = json.load(open(sys.argv[1]))
assert j['streams'], 'no streams'
for s in j['streams']:
    for k in ('name', 'listener', 'frames', 'lost', 'min-ns', 'p50-ns', 'p99-ns', 'max-ns', 'bound-ns'):
        assert k in s, k
    assert s['frames'] > 0 and s['lost'] == 0, s
    assert s['min-ns'] <= s['p50-ns'] <= s['p99-ns'] <= s['max-ns'], s
    assert s['bound-ns'] == 0 or s['max-ns'] <= s['bound-ns'], s
assert j['problems'] == []
" "$work/json.out" || fail "JSON shape or values: $(head -c 400 "$work/json.out")"

# A pcap of the first bridge port that carries a stream: nanosecond magic, Ethernet, frames.
port=$(python3 -c "
import json, sys
p = json.load(open(sys.argv[1]))
print(next(h['egress']['node'] + ':' + h['egress']['port'] for s in p['streams'] for h in s['hops'] if h['upstream']))
" "$d/plan.json")
run pcap 0 simulate "$d" --plant "$plant" --hyperperiods 2 --pcap "$port" "$work/port.pcap"
python3 -c "
import struct, sys
d = open(sys.argv[1], 'rb').read()
assert struct.unpack('<I', d[:4])[0] == 0xa1b23c4d and struct.unpack('<I', d[20:24])[0] == 1
assert len(d) > 24 + 16 + 60
sec, nsec, incl, orig = struct.unpack('<IIII', d[24:40])
assert nsec < 10**9 and incl == orig >= 60
" "$work/port.pcap" || fail "pcap of $port is not a nanosecond Ethernet capture with frames"
if command -v tshark >/dev/null 2>&1; then
  tshark -r "$work/port.pcap" -c 1 >/dev/null 2>&1 || fail "tshark cannot read the pcap"
fi

# A folder with its plant.yaml (as `taktctl plan --tsnkit` writes) needs no --plant; a folder
# changed after planning is refused, naming the file.
cp -r "$d" "$work/with-plant" && cp "$plant" "$work/with-plant/plant.yaml"
run with-plant 0 simulate "$work/with-plant" --hyperperiods 2 --runs aligned
has "$work/with-plant.out" "1 run(s)"
echo "edited" >>"$work/with-plant/report.txt"
run edited 1 simulate "$work/with-plant"
has "$work/edited.err" "report.txt"

# Errors a person can act on.
run no-plant 2 simulate "$d"
has "$work/no-plant.err" "give it with --plant PLANT.yaml"
run not-a-folder 1 simulate "$work/nowhere" --plant "$plant"
has "$work/not-a-folder.err" "taktctl plan PLANT.yaml -o"
run bad-port 2 simulate "$d" --plant "$plant" --pcap nosuch:p1 "$work/x.pcap"
has "$work/bad-port.err" "not a linked port of plant small-cell"
run bad-runs 2 simulate "$d" --plant "$plant" --runs sometimes
run wrong-plant 1 simulate "$d" --plant "$root/configs/plants/body-shop-line.yaml"
has "$work/wrong-plant.err" "is a plan for plant \"small-cell\""

[ "$failures" -eq 0 ] || exit 1
echo "simulate CLI: all checks passed"
