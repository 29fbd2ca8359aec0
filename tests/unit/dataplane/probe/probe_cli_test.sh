#!/usr/bin/env bash
# takt-probe's command line: mistakes a person can make get exit code 1 (bad input) or 2 (usage) and a
# message naming the option or file, before any socket is opened.
#   usage: probe_cli_test.sh /path/to/takt-probe
set -uo pipefail
PROBE=${1:?usage: $0 /path/to/takt-probe}
WORK=$(mktemp -d /tmp/takt-probe-cli.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
cat >"$WORK/s.json" <<'JSON'
{"streams": [{"stream": "a", "interval-ns": 1000000, "offset-ns": 0, "destination-mac": "02:00:00:00:00:02"}]}
JSON
echo '{"streams": [{"stream": "a", "interval-ns": -5}]}' >"$WORK/bad.json"

failures=0
expect() {  # expect <exit code> <text in output> -- args...
  local code=$1 text=$2
  shift 3
  local out rc
  out=$("$PROBE" "$@" 2>&1)
  rc=$?
  if [[ $rc -ne $code || $out != *"$text"* ]]; then
    echo "FAIL: takt-probe $*: exit $rc (want $code), output: $out"
    failures=$((failures + 1))
  else
    echo "ok: takt-probe $* -> $rc, '$text'"
  fi
}
expect 0 "talk" -- --help
expect 2 "A subcommand is required" --
expect 2 "--interface is required" -- talk --offsets "$WORK/s.json"
expect 2 "--duration: '30' is not a duration" -- talk -i lo --offsets "$WORK/s.json" --duration 30
expect 1 "stream 'zz' is not in the stream file (it has: a)" -- talk -i lo --offsets "$WORK/s.json" --streams zz
expect 1 "bad.json: /streams/0/interval-ns: must be positive" -- listen -i lo --streams "$WORK/bad.json"
expect 2 "File does not exist" -- listen -i lo --streams "$WORK/missing.json"
expect 2 "--streams or --offsets" -- listen -i lo
expect 2 "excludes" -- listen -i lo --streams "$WORK/s.json" --offsets "$WORK/s.json"
exit $((failures != 0))
