#!/usr/bin/env bash
# Issue 11 cases 3, 4 and 7 as a hostile user ran them, on the real taktctl and real files:
#   3. a plan that fails half-way (a bridge with ports but no links; a failed --tsnkit plan)
#      leaves the previous output byte for byte as it was, and `apply` refuses a folder whose
#      files do not match plan.json (changed, missing, or a bridge file no plan recorded);
#   4. `plan -o DIR` removes only what the previous plan recorded: files takt did not write stay,
#      and one in the way of an artifact stops the plan before anything is touched;
#   7. --format json prints JSON for a file name or plant name that is not UTF-8.
# Also: --keep with another plant's plan is refused.
# Usage: plan_folder_cli_test.sh TAKTCTL SOURCE_ROOT WORK_DIR
set -u
taktctl=$1
root=$2
work=$3
plant=$root/configs/plants/small-cell.yaml
data=$root/tests/unit/control/export/data
rm -rf "$work" && mkdir -p "$work"
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }

# run NAME EXPECTED_RC ARGS...: stdout to $work/NAME.out, stderr to $work/NAME.err
run() {
  local name=$1 expected=$2
  shift 2
  "$taktctl" "$@" >"$work/$name.out" 2>"$work/$name.err"
  local rc=$?
  if [[ $rc -eq $expected ]]; then ok "$name: exit $rc"; else
    fail "$name: exit $rc, expected $expected ($*); stderr: $(head -5 "$work/$name.err")"
  fi
}
has() { if grep -qF -- "$2" "$1"; then ok "$1 says: $2"; else fail "$1 lacks: $2 (it says: $(head -3 "$1"))"; fi; }
# Every file below a folder with its digest, to compare a folder before and after.
snapshot() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum); }
unchanged() {
  if snapshot "$1" | cmp -s - "$2"; then ok "$3: $1 byte for byte as it was"; else
    fail "$3: $1 changed"; snapshot "$1" | diff - "$2" | head -10 >&2
  fi
}
is_json() { python3 -c 'import json, sys; json.load(open(sys.argv[1], encoding="utf-8", errors="strict"))' "$1"; }

out=$work/out
run first 0 plan "$plant" -o "$out"
snapshot "$out" >"$work/first.sums"
python3 - "$out" <<'PY' || fail "plan.json does not record every artifact with its size and digest"
import hashlib, json, os, sys
d = sys.argv[1]
rec = {a["path"]: a for a in json.load(open(f"{d}/plan.json"))["artifacts"]}
files = {os.path.relpath(os.path.join(r, f), d) for r, _, fs in os.walk(d) for f in fs} - {"plan.json"}
assert set(rec) == files, (set(rec) ^ files)
for p, a in rec.items():
    b = open(f"{d}/{p}", "rb").read()
    assert a["bytes"] == len(b) and a["sha256"] == hashlib.sha256(b).hexdigest(), p
print(f"ok: plan.json records all {len(rec)} artifacts with size and SHA-256")
PY

# Case 3: a bridge with ports but no links. check says valid; plan fails writing its config.
sed 's/^  sw2: {ports: 4}$/  sw2: {ports: 4}\n  spare: {ports: 2}/' "$plant" >"$work/spare.yaml"
grep -q "spare: {ports: 2}" "$work/spare.yaml" || fail "could not add the spare bridge"
run spare-check 0 check "$work/spare.yaml"
run spare-plan 1 plan "$work/spare.yaml" -o "$out"
has "$work/spare-plan.err" "bridge spare: none of its 2 ports is linked"
has "$work/spare-plan.err" "nothing in it was changed"
unchanged "$out" "$work/first.sums" "failed plan"
leftovers=$(find "$work" -maxdepth 1 -name ".out.takt-new-*" | wc -l)
[[ $leftovers -eq 0 ]] && ok "no staging folder left behind" || fail "$leftovers staging folder(s) left beside $out"

# Case 3: apply refuses a folder that does not match its record, naming the file.
printf 'sw1: {url: "https://127.0.0.1:1"}\n' >"$work/agents.yaml"
cp -r "$out" "$work/changed" && printf ' ' >>"$work/changed/bridge/sw1.json"
run apply-changed 1 apply "$work/changed" --agents "$work/agents.yaml"
has "$work/apply-changed.err" "bridge/sw1.json has"
has "$work/apply-changed.err" "nothing was installed"
cp -r "$out" "$work/edited" && sed -i 's/"link-rate-bps": 1000000000/"link-rate-bps": 1000000001/' "$work/edited/bridge/sw2.json"
cmp -s "$out/bridge/sw2.json" "$work/edited/bridge/sw2.json" && fail "the edit did not change sw2.json"
run apply-edited 1 apply "$work/edited" --agents "$work/agents.yaml"
has "$work/apply-edited.err" "bridge/sw2.json does not match the digest plan.json records"
cp -r "$out" "$work/half" && rm "$work/half/bridge/sw2.json"
run apply-half 1 apply "$work/half" --agents "$work/agents.yaml" --format json
is_json "$work/apply-half.out" || fail "apply --format json printed no JSON"
has "$work/apply-half.out" "bridge/sw2.json is missing (plan.json records it)"
cp -r "$out" "$work/mixed" && cp "$out/bridge/sw1.json" "$work/mixed/bridge/sw9.json"
run apply-mixed 1 apply "$work/mixed" --agents "$work/agents.yaml"
has "$work/apply-mixed.err" "bridge/sw9.json is not part of the plan"
cp -r "$out" "$work/legacy" && python3 - "$work/legacy/plan.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1])); del j["artifacts"]; json.dump(j, open(sys.argv[1], "w"))
PY
run apply-legacy 1 apply "$work/legacy" --agents "$work/agents.yaml"
has "$work/apply-legacy.err" "records no artifacts"

# Case 3: a failed --tsnkit plan leaves an existing plan's plant.yaml (and all else) alone.
tk=$work/tsnkit
run tsnkit 0 plan --tsnkit "$data/sample_task.csv" "$data/sample_topo.csv" -o "$tk"
snapshot "$tk" >"$work/tsnkit.sums"
has "$tk/plan.json" '"path": "plant.yaml"'
# Converts fine, cannot be planned: a 1 us deadline over two bridges.
printf 'id,src,dst,size,period,deadline,jitter\n0,2,[4],400,2000000,1000,0\n' >"$work/bad_task.csv"
run tsnkit-bad 1 plan --tsnkit "$work/bad_task.csv" "$data/sample_topo.csv" -o "$tk"
has "$work/tsnkit-bad.err" "below the physical minimum"
has "$work/tsnkit-bad.err" "the plant converted from TSNKit is kept at"
kept=$(sed -n 's/^the plant converted from TSNKit is kept at //p' "$work/tsnkit-bad.err")
[[ -s $kept ]] && ok "the converted plant the diagnostics point into exists" || fail "no converted plant at '$kept'"
rm -f "$kept"
unchanged "$tk" "$work/tsnkit.sums" "failed --tsnkit plan"

# Case 4: files takt did not write stay; the previous plan's files are replaced.
echo "my notes" >"$out/notes.txt"
mkdir -p "$out/yang/mine" && echo keep >"$out/yang/mine/x.json"
run replan 0 plan "$root/configs/plants/body-shop-line.yaml" -o "$out"
[[ $(cat "$out/notes.txt" 2>/dev/null) == "my notes" && -e $out/yang/mine/x.json ]] &&
  ok "files takt did not write survive a new plan" || fail "plan -o removed files it did not write"
[[ ! -e $out/yang/sw1.json && -e $out/yang/ring1.json ]] &&
  ok "the previous plan's files are replaced by the new plan's" || fail "the previous plan's yang/sw1.json survived"
# A file in the way that no plan recorded: refused before anything is touched.
home=$work/home && mkdir -p "$home/bridge" && echo "dotfiles" >"$home/report.txt" && echo "mine" >"$home/bridge/x"
snapshot "$home" >"$work/home.sums"
run home 1 plan "$plant" -o "$home"
has "$work/home.err" "nothing was written"
unchanged "$home" "$work/home.sums" "plan into a folder holding other files"
rm "$home/report.txt" "$home/bridge/x"
run home2 0 plan "$plant" -o "$home"
[[ -e $home/plan.json ]] && ok "plans into a folder once nothing is in the way" || fail "no plan.json in $home"

# Case 7: names that are not UTF-8.
bad=$work/$'\xff-plant.yaml'
cp "$plant" "$bad"
run check-latin1 0 check --format json "$bad"
is_json "$work/check-latin1.out" && ok "check --format json on a non-UTF-8 file name prints JSON" ||
  fail "check --format json printed no JSON"
sed "s/^plant: small-cell/plant: cell-\xff/" "$plant" >"$work/latin1-name.yaml"
run plan-latin1 1 plan "$work/latin1-name.yaml" -o "$work/latin1" --format json
is_json "$work/plan-latin1.out" && ok "plan --format json on a non-UTF-8 plant name prints JSON" ||
  fail "plan --format json printed no JSON"

# --keep with another plant's plan.
run keep-other 1 plan "$plant" -o "$work/keep-other" --keep "$out"
has "$work/keep-other.err" "a plan for plant 'body-shop-line', not 'small-cell'"

[[ $failures -eq 0 ]] || { echo "$failures check(s) failed; outputs in $work" >&2; exit 1; }
echo "plan folders: all checks passed"
