#!/usr/bin/env bash
# Issue 11 case 1 on takt-dataplane: a 200 KB deeply nested body PUT to the agent it embeds
# gets 400 naming the depth limit, and the process keeps forwarding (its receive counter on a
# net_null port keeps growing). Before the bound, dump() recursed 100,000 levels: SIGSEGV.
set -euo pipefail
DATAPLANE=${1:?usage: $0 takt-dataplane bridge.json}
CONFIG=${2:?usage: $0 takt-dataplane bridge.json}
WORK=$(mktemp -d /tmp/takt-nested-XXXXXX)
PID=
cleanup() {
  [[ -n $PID ]] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
  rm -rf "$WORK" "/var/run/dpdk/takt-nested-$$"  # the EAL's runtime folder (--file-prefix)
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  [[ -r $WORK/dataplane.log ]] && tail -20 "$WORK/dataplane.log" >&2
  exit 1
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
AGENT_PORT=$(free_port)
METRICS_PORT=$(free_port)
eal=(--no-huge --no-pci -m 256 --file-prefix "takt-nested-$$" -l 0 --log-level=lib.eal:warning)
app=(--config "$CONFIG" --agent-port "$AGENT_PORT" --agent-plain-http --metrics-port "$METRICS_PORT")
n=0
for port in $(jq -r '.ports[].name' "$CONFIG"); do
  eal+=(--vdev "net_null$n")
  app+=(--port "$port=net_null$n")
  n=$((n + 1))
done
"$DATAPLANE" "${eal[@]}" -- "${app[@]}" >"$WORK/dataplane.log" 2>&1 &
PID=$!
for _ in $(seq 300); do
  kill -0 "$PID" 2>/dev/null || fail "takt-dataplane exited during start"
  [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$AGENT_PORT/api/v1/health") == 200 ]] && break
  sleep 0.1
done

rx_frames() {
  curl -s --max-time 2 "http://127.0.0.1:$METRICS_PORT/metrics" |
    awk '/^takt_dataplane_rx_frames_total/ { s += $2 } END { printf "%d\n", s }'
}
before=$(rx_frames)

python3 - "$CONFIG" "$WORK/nested.json" <<'PY'
import json, sys
config = json.load(open(sys.argv[1]))
text = json.dumps(config)
old = '"link-rate-bps": %d' % config["ports"][0]["link-rate-bps"]
assert old in text
open(sys.argv[2], "w").write(text.replace(old, '"link-rate-bps": ' + "[" * 100000 + "]" * 100000, 1))
PY
code=$(curl -s -o "$WORK/answer.json" -w '%{http_code}' --max-time 10 -X PUT --data-binary "@$WORK/nested.json" \
  -H 'Content-Type: application/yang-data+json' "http://127.0.0.1:$AGENT_PORT/api/v1/staged?transaction=x" || true)
[[ $code == 400 ]] || fail "the nested body got HTTP $code, not 400"
grep -q 'nesting deeper than 64 levels' "$WORK/answer.json" || fail "the answer does not name the limit: $(head -c 300 "$WORK/answer.json")"
sleep 0.5
kill -0 "$PID" 2>/dev/null || fail "takt-dataplane died after the nested body"
after=$(rx_frames)
((after > before)) || fail "takt-dataplane stopped receiving: rx frames $before then $after"
echo "ok: nested body refused with 400, takt-dataplane still forwarding (rx frames $before -> $after)"
