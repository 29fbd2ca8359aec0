#!/usr/bin/env bash
# apply to N real takt-dataplane processes (net_null ports, agent over TLS with client
# certificates on loopback), end to end through the taktctl CLI: each apply is one taktctl
# process (start, TLS handshakes, health, stage, commit), alternating two plants of a chain of
# N bridges so every apply changes every port. Prints taktctl's per-phase and total median /
# p99. Not a pass/fail test: figures depend on the machine, and every dataplane busy-polls a
# CPU, so keep N and the number of applies small on a small machine. A commit returns once the
# packet loop has passed a quiescent state (RCU), so a starved forwarder shows in "commit".
#
#   bench_apply_dataplane.sh TAKTCTL TAKT_DATAPLANE [N=3] [APPLIES=20] [LEAD_MS=100]
set -euo pipefail

TAKTCTL=${1:?usage: $0 taktctl takt-dataplane [N] [APPLIES] [LEAD_MS]}
DATAPLANE=${2:?}
N=${3:-3}
APPLIES=${4:-20}
LEAD_MS=${5:-100}
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
[[ $(id -u) -eq 0 ]] || { echo "bench_apply_dataplane: needs root (DPDK EAL)"; exit 77; }
((N >= 2)) || { echo "bench_apply_dataplane: N must be at least 2"; exit 2; }

readonly TAG="tkba$$"
WORK=$(mktemp -d /tmp/takt-bench-apply.XXXXXX)
readonly WORK
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf /var/run/dpdk/"$TAG"-* "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# plant <file> <interval> <frame size>: plc - sw1 - ... - swN - drive, one scheduled stream each
# (max-latency 1 ms up to 7 bridges; longer chains need more for the 100 us sync budget per hop)
# way; the interval sets every port's cycle, the frame size its window.
plant() {
  {
    echo "plant: bench-chain"
    echo "defaults: {link-speed: 1Gbps, bridge-profile: takt-dataplane, sync-error-budget: 100us, vlan: 100}"
    echo "bridges:"
    for i in $(seq "$N"); do echo "  sw$i: {ports: 2}"; done
    echo "end-stations:"
    echo '  plc: {mac: "02:00:00:00:03:01"}'
    echo '  drive: {mac: "02:00:00:00:03:02"}'
    echo "links:"
    echo "  - {ends: [plc, sw1:p1], length: 5m}"
    for i in $(seq $((N - 1))); do echo "  - {ends: [sw$i:p2, sw$((i + 1)):p1], length: 10m}"; done
    echo "  - {ends: [sw$N:p2, drive], length: 5m}"
    echo "streams:"
    echo "  setpoint: {talker: plc, listeners: [drive], interval: $2, max-frame-size: $3, max-latency: $((N < 8 ? 1 : 4))ms}"
    echo "  actual: {talker: drive, listeners: [plc], interval: $2, max-frame-size: $3, max-latency: $((N < 8 ? 1 : 4))ms}"
  } >"$1"
}
plant "$WORK/a.yaml" 1ms 64B
plant "$WORK/b.yaml" 2ms 1500B
"$TAKTCTL" plan "$WORK/a.yaml" -o "$WORK/plan-a" >"$WORK/plan.log" 2>&1 || { cat "$WORK/plan.log"; exit 1; }
"$ROOT/scripts/pki.sh" "$WORK/pki" --client taktctl >/dev/null

port_of() { echo $((20000 + $$ % 20000 + $1)); }
echo "defaults: {ca: pki/ca.pem, cert: pki/client-taktctl.pem, key: pki/client-taktctl.key, request-timeout-ms: 3000}" >"$WORK/agents.yaml"
echo "agents:" >>"$WORK/agents.yaml"
for i in $(seq "$N"); do
  "$DATAPLANE" --no-huge --no-pci -m 128 --file-prefix "$TAG-$i" -l $((i % 2)) --log-level=lib.eal:warning \
    --vdev net_null0,no-rx=1 --vdev net_null1,no-rx=1 -- --config "$WORK/plan-a/bridge/sw$i.json" \
    --port p1=net_null0 --port p2=net_null1 --agent-port "$(port_of "$i")" \
    --agent-cert "$WORK/pki/server-localhost.pem" --agent-key "$WORK/pki/server-localhost.key" \
    --agent-ca "$WORK/pki/ca.pem" >"$WORK/dataplane-$i.log" 2>&1 &
  PIDS+=($!)
  echo "  sw$i: https://127.0.0.1:$(port_of "$i")" >>"$WORK/agents.yaml"
done
for i in $(seq "$N"); do
  for _ in $(seq 200); do
    grep -q "switch agent API on" "$WORK/dataplane-$i.log" && break
    kill -0 "${PIDS[i - 1]}" 2>/dev/null || { cat "$WORK/dataplane-$i.log"; exit 1; }
    sleep 0.1
  done
done

"$TAKTCTL" apply "$WORK/b.yaml" --agents "$WORK/agents.yaml" --allow-unsynchronised --no-wait >/dev/null  # warm-up
for r in $(seq "$APPLIES"); do
  plan=$WORK/b.yaml  # the warm-up installed b
  ((r % 2)) && plan=$WORK/a.yaml
  t0=$(date +%s%N)
  "$TAKTCTL" apply "$plan" --agents "$WORK/agents.yaml" --lead-ms "$LEAD_MS" --allow-unsynchronised --no-wait \
    >"$WORK/apply-$r.txt" 2>&1 || { cat "$WORK/apply-$r.txt"; exit 1; }
  echo "wall $(( ($(date +%s%N) - t0) / 1000 ))" >>"$WORK/apply-$r.txt"
done

echo "apply to $N takt-dataplanes on loopback (net_null ports, TLS, client certificates), $APPLIES applies" \
  "through taktctl, lead $LEAD_MS ms, no wait for the base time"
python3 - "$WORK" "$APPLIES" <<'PY'
import re, sys, statistics
work, n = sys.argv[1], int(sys.argv[2])
phases = ["health", "stage", "commit", "confirm", "total", "taktctl process (wall)"]
rows = {p: [] for p in phases}
for r in range(1, n + 1):
    text = open(f"{work}/apply-{r}.txt").read()
    m = re.search(r"\((\d+) ports changed\) in ([0-9.]+) ms \(health ([0-9.]+), stage ([0-9.]+), "
                  r"commit ([0-9.]+), confirm ([0-9.]+)\)", text)
    if not m or int(m.group(1)) == 0:
        sys.exit(f"apply {r} changed no port or printed no timings:\n{text}")
    for name, value in zip(["total", "health", "stage", "commit", "confirm"], m.groups()[1:]):
        rows[name].append(float(value))
    rows["taktctl process (wall)"].append(int(re.search(r"wall (\d+)", text).group(1)) / 1000)
def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, round(p * (len(v) - 1)))]
print(f"{'phase':<28} {'median ms':>10} {'p99 ms':>10} {'max ms':>10}")
for name in phases:
    v = rows[name]
    print(f"{name:<28} {statistics.median(v):>10.2f} {pct(v, 0.99):>10.2f} {max(v):>10.2f}")
PY
