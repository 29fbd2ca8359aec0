#!/usr/bin/env bash
# taktctl check's contract: exit 0 valid, 1 invalid, 2 usage; JSON that tools can read.
set -u
taktctl=$1
cases=$2
configs=$3
fail=0
expect() {  # expect CODE -- command...
  local want=$1; shift 2
  "$@" >/tmp/taktctl-check.$$ 2>&1
  local got=$?
  if [ "$got" != "$want" ]; then
    echo "FAIL: '$*' exited $got, expected $want"; cat /tmp/taktctl-check.$$; fail=1
  fi
}
expect 0 -- "$taktctl" check "$configs"/plants/small-cell.yaml "$configs"/plants/body-shop-line.yaml
expect 1 -- "$taktctl" check "$cases"/units.yaml
expect 1 -- "$taktctl" check "$configs"/plants/small-cell.yaml "$cases"/units.yaml
expect 2 -- "$taktctl" check
expect 2 -- "$taktctl" check --format xml "$cases"/units.yaml
expect 2 -- "$taktctl" frobnicate

# JSON output: every diagnostic with file, line, column, message.
"$taktctl" check --format json "$cases"/units.yaml >/tmp/taktctl-check.$$.json
python3 - "/tmp/taktctl-check.$$.json" <<'PY' || fail=1
import json, sys
j = json.load(open(sys.argv[1]))
assert j["valid"] is False, j
ds = j["diagnostics"]
assert len(ds) == 9, len(ds)
first = ds[0]
assert first["line"] == 2 and first["column"] == 15, first
assert "unknown unit 'GBps'" in first["message"], first
assert first["hint"].startswith("did you mean '1Gbps'"), first
PY
"$taktctl" check --format json "$configs"/plants/small-cell.yaml >/tmp/taktctl-check.$$.json
python3 - "/tmp/taktctl-check.$$.json" <<'PY' || fail=1
import json, sys
j = json.load(open(sys.argv[1]))
assert j["valid"] is True and j["plant"]["streams"] == 8 and j["plant"]["bridges"] == 2, j
PY
# Arbitrary bytes: a diagnostic and exit 1, never a crash.
head -c 4096 /dev/urandom >/tmp/taktctl-check.$$.bin
expect 1 -- "$taktctl" check /tmp/taktctl-check.$$.bin
rm -f /tmp/taktctl-check.$$ /tmp/taktctl-check.$$.json /tmp/taktctl-check.$$.bin
[ $fail = 0 ] && echo "taktctl check: all contract checks passed"
exit $fail
