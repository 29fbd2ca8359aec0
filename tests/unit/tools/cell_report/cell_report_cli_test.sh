#!/usr/bin/env bash
# takt-cell-report's command line: exit 0 for a completed analysis whatever it found (the
# verdict is in the JSON), 2 for usage errors and unreadable inputs, naming the file.
#   usage: cell_report_cli_test.sh TAKT_CELL_REPORT DATA_DIR
set -euo pipefail
report=${1:?usage: $0 takt-cell-report data-dir}
data=${2:?}
work=$(mktemp -d /tmp/takt-cell-report-cli.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

expect() {  # expect <exit code> <stderr text or ""> <args...>
  local want=$1 text=$2 rc=0
  shift 2
  "$report" "$@" >"$work/out" 2>"$work/err" || rc=$?
  [[ $rc == "$want" ]] || fail "$* exited $rc, expected $want: $(cat "$work/err")"
  [[ -z $text ]] || grep -qF -- "$text" "$work/err" || fail "$*: stderr lacks '$text': $(cat "$work/err")"
  echo "ok: $* -> $rc"
}

expect 0 "" --help
expect 2 "" --run-dir "$data/boundaries"
expect 2 "/nonexistent/plan.json: cannot be read" --plan /nonexistent/plan.json --queries
expect 2 "--run-dir is required" --plan "$data/boundaries/plan.json"
expect 2 "/nonexistent/run: is not a folder" --plan "$data/boundaries/plan.json" --run-dir /nonexistent/run
# A failed cell is a finding: exit 0, pass false in the JSON.
expect 0 "" --plan "$data/boundaries/plan.json" --run-dir "$data/boundaries" --json "$work/b.json"
jq -e '.format == "takt-cell-report/1" and .pass == false' "$work/b.json" >/dev/null || fail "boundaries: $(cat "$work/b.json")"
grep -q "s-offpath .* LATE$" "$work/out" || fail "boundaries: no LATE row for s-offpath"
expect 0 "" --plan "$data/recorded-run/plan.json" --run-dir "$data/recorded-run" --json "$work/r.json"
jq -e '.pass == true and (.streams | length) == 8' "$work/r.json" >/dev/null || fail "recorded run: $(jq -c . "$work/r.json")"
lines=$("$report" --plan "$data/recorded-run/plan.json" --queries | wc -l)
((lines == 16)) || fail "--queries printed $lines queries, expected 16"
echo PASS
