#!/usr/bin/env bash
# Issue 11: a plant, TSNKit CSV or kept plan the user may not read says "Permission denied"
# (the system's reason), not "cannot read" or "bad file". Root reads every file whatever its
# mode, so as root the commands run as user nobody (setpriv); exit 77 when that is not possible.
# Usage: unreadable_input_test.sh TAKTCTL SOURCE_ROOT
set -u
taktctl=$(realpath "$1")
root=$2
work=$(mktemp -d /tmp/takt-unreadable-XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod 777 "$work"  # user nobody writes its -o folders here
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

as_user=()
if [ "$(id -u)" -eq 0 ]; then
  command -v setpriv >/dev/null || { echo "skip: root without setpriv"; exit 77; }
  as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
  "${as_user[@]}" test -x "$taktctl" || { echo "skip: user nobody cannot run $taktctl"; exit 77; }
fi

data=$root/tests/unit/control/export/data
cp "$root/configs/plants/small-cell.yaml" "$work/plant.yaml"
cp "$data/sample_task.csv" "$work/task.csv"
cp "$data/sample_topo.csv" "$work/topo.csv"
chmod 000 "$work/plant.yaml" "$work/task.csv"

expect() {  # expect NAME CODE TEXT -- taktctl args...
  local name=$1 code=$2 text=$3
  shift 4
  (cd "$work" && "${as_user[@]}" "$taktctl" "$@") >"$work/$name.out" 2>&1
  local got=$?
  [ "$got" -eq "$code" ] || fail "$name: exit $got, expected $code: $(head -c 400 "$work/$name.out")"
  grep -qF -- "$text" "$work/$name.out" || fail "$name: no '$text' in: $(head -c 400 "$work/$name.out")"
}

expect check 1 "plant.yaml:1:1: error: cannot open: Permission denied" -- check plant.yaml
expect plan 1 "plant.yaml:1:1: error: cannot open: Permission denied" -- plan plant.yaml -o out-plan
expect tsnkit 1 "task.csv: cannot open: Permission denied" -- plan --tsnkit task.csv topo.csv -o out-tsnkit

[ "$failures" -eq 0 ] || exit 1
echo "unreadable inputs: all checks passed"
