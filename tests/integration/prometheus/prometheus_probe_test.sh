#!/usr/bin/env bash
# A real Prometheus scrapes takt-probe's listener while a talker sends two VLAN-tagged streams
# (250 us and 1 ms intervals) over a veth pair between two network namespaces. PromQL over
# Prometheus' HTTP API must agree with what was sent and with the probe's own summary:
#   - histogram_quantile(0.99, ...) per stream is finite, below a generous bound, and in the
#     same bucket as the probe's exact p99;
#   - the on-time ratio (bucket at max-latency / count) equals the summary's, and
#     count - that bucket equals takt_probe_deadline_misses_total;
#   - takt_probe_frames_received_total = frames the talker sent - takt_probe_frames_lost_total.
# Both expositions (talker and listener) pass `promtool check metrics`.
#   usage: prometheus_probe_test.sh /path/to/takt-probe
set -euo pipefail

readonly SKIP=77
PROBE=${1:?usage: $0 /path/to/takt-probe}
SEND_SECONDS=${SEND_SECONDS:-10}

skip() { echo "SKIP: $*"; exit "$SKIP"; }
[[ $(id -u) -eq 0 ]] || skip "needs root (network namespaces, raw sockets); run ctest as root"
command -v prometheus >/dev/null || skip "prometheus is not installed (apt-get install prometheus)"
for tool in promtool ip curl jq; do
  command -v "$tool" >/dev/null || skip "$tool is not installed (apt-get install prometheus iproute2 curl jq)"
done
[[ -x $PROBE ]] || { echo "FAIL: takt-probe not found at $PROBE"; exit 1; }

# shellcheck source=../../../scripts/lib/netns.sh
source "$(dirname "$0")/../../../scripts/lib/netns.sh"
# Unique names: this test may run next to other tests and other people's namespaces.
TAG=$(netns_unique_tag tkpm)
readonly TAG
readonly NS_T="${TAG}t" NS_L="${TAG}l"
readonly IF_T="${TAG}t" IF_L="${TAG}l"  # veth names must stay within 15 characters
readonly MAC_T=02:00:5e:00:01:01 MAC_L=02:00:5e:00:01:02
# Inside the listener's fresh namespace nothing else listens, so fixed ports are free.
readonly METRICS_PORT=9201 TALKER_METRICS_PORT=9202 PROM_PORT=9090
WORK=$(mktemp -d "/tmp/takt-prom-it.XXXXXX")
readonly WORK

# After netns.sh stopped the probes and Prometheus, before it deletes the namespaces.
prometheus_cleanup() {
  if [[ $NETNS_EXIT_STATUS -ne 0 && $NETNS_EXIT_STATUS -ne $SKIP ]]; then
    for log in listener talker prometheus; do
      echo "--- $log log"; tail -25 "$WORK/$log.log" 2>/dev/null || true
    done
  fi
  rm -rf "$WORK"
}
netns_on_cleanup prometheus_cleanup
netns_cleanup_on_exit

fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok: $*"; }
# For foreground commands only: a backgrounded function is a subshell, and $! would be the
# subshell, not the process to signal.
in_l() { netns_exec "$NS_L" "$@"; }
in_t() { netns_exec "$NS_T" "$@"; }

netns_add "$NS_T"
netns_add "$NS_L"
netns_veth "$NS_T" "$IF_T" "$NS_L" "$IF_L" --mac-a "$MAC_T" --mac-b "$MAC_L"

# Two streams as `taktctl plan` would export them for the talker, plus max-latency so the
# listener's histograms get a bucket exactly at each deadline (150 us and 750 us are not
# standard bounds, so these buckets exist only because of the deadline).
cat >"$WORK/offsets.json" <<JSON
{
  "format": "takt-talker-offsets/1", "plant": "prometheus-it", "end-station": "talker",
  "streams": [
    {"stream": "fast", "traffic-class": "scheduled", "interval-ns": 250000, "offset-ns": 20000,
     "frames-per-interval": 1, "frame-payload-bytes": 64, "destination-mac": "$MAC_L",
     "vlan": 100, "pcp": 6, "max-latency-ns": 150000},
    {"stream": "slow", "traffic-class": "scheduled", "interval-ns": 1000000, "offset-ns": 500000,
     "frames-per-interval": 1, "frame-payload-bytes": 200, "destination-mac": "$MAC_L",
     "vlan": 100, "pcp": 5, "max-latency-ns": 750000}
  ]
}
JSON
declare -A DEADLINE_LE=([fast]=0.00015 [slow]=0.00075)

netns_spawn "$NS_L" "$WORK/listener.log" "$PROBE" listen --interface "$IF_L" --streams "$WORK/offsets.json" \
  --metrics-address 127.0.0.1 --metrics-port "$METRICS_PORT" --loss-timeout 300ms --json-summary "$WORK/listener.json"
LISTENER=$NETNS_PID

cat >"$WORK/prometheus.yml" <<YAML
global:
  scrape_interval: 1s
  scrape_timeout: 900ms
scrape_configs:
  - job_name: takt-probe
    static_configs:
      - targets: ['127.0.0.1:$METRICS_PORT']
YAML
netns_spawn "$NS_L" "$WORK/prometheus.log" prometheus --config.file="$WORK/prometheus.yml" \
  --storage.tsdb.path="$WORK/tsdb" --web.listen-address="127.0.0.1:$PROM_PORT"

readonly API="http://127.0.0.1:$PROM_PORT/api/v1"
# promql <expr>: the query's result vector as JSON.
promql() {
  local out
  out=$(in_l curl -sfG "$API/query" --data-urlencode "query=$1") || fail "Prometheus query failed: $1"
  [[ $(jq -r .status <<<"$out") == success ]] || fail "Prometheus query $1: $out"
  jq -c .data.result <<<"$out"
}
# value_of <expr> <stream>: the value of that stream's series, a finite number or a failure.
value_of() {
  local result v
  result=$(promql "$1")
  v=$(jq -r --arg s "$2" '.[] | select(.metric.stream == $s) | .value[1]' <<<"$result")
  [[ $v =~ ^[0-9]+(\.[0-9]+)?(e[+-]?[0-9]+)?$ ]] || fail "$2: $1 gave '$v', not a finite number; Prometheus answered $result"
  echo "$v"
}

wait_for() {  # wait_for <seconds> <description> <command...>
  local deadline=$((SECONDS + $1)) what=$2
  shift 2
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || fail "timed out after ${deadline}s waiting for $what"
    kill -0 "$LISTENER" 2>/dev/null || fail "the listener exited early"
    sleep 0.2
  done
}
target_up() { [[ $(promql 'up{job="takt-probe"}' | jq -r '.[0].value[1]') == 1 ]]; }
wait_for 20 "Prometheus to scrape the listener" target_up
ok "Prometheus scrapes the listener at 127.0.0.1:$METRICS_PORT"

netns_spawn "$NS_T" "$WORK/talker.log" "$PROBE" talk --interface "$IF_T" --offsets "$WORK/offsets.json" \
  --duration "${SEND_SECONDS}s" --metrics-address 127.0.0.1 --metrics-port "$TALKER_METRICS_PORT" \
  --json-summary "$WORK/talker.json"
TALKER=$NETNS_PID

# Lint both expositions while traffic flows (every series exists by now).
sleep 2
in_t curl -sf "http://127.0.0.1:$TALKER_METRICS_PORT/metrics" >"$WORK/talker.prom" || fail "talker /metrics unreachable"
in_l curl -sf "http://127.0.0.1:$METRICS_PORT/metrics" >"$WORK/listener.prom" || fail "listener /metrics unreachable"
for side in talker listener; do
  grep -q '^takt_probe_' "$WORK/$side.prom" || fail "$side exposition has no takt_probe_ samples"
  promtool check metrics <"$WORK/$side.prom" || fail "promtool check metrics rejects the $side exposition"
  ok "promtool check metrics passes the $side exposition ($(grep -vc '^#' "$WORK/$side.prom") samples)"
done
in_l curl -sfI "http://127.0.0.1:$METRICS_PORT/metrics" >/dev/null && fail "HEAD should not be served" || true
content_type=$(in_l curl -sf -o /dev/null -w '%{content_type}' "http://127.0.0.1:$METRICS_PORT/metrics")
[[ $content_type == "text/plain; version=0.0.4; charset=utf-8" ]] || fail "content type '$content_type'"
ok "content type $content_type"

wait "$TALKER" || fail "the talker failed (exit $?)"
# The final counts: the listener's own exposition once the loss timeout has settled the gaps;
# then wait until Prometheus has scraped exactly that.
sleep 0.6
in_l curl -sf "http://127.0.0.1:$METRICS_PORT/metrics" >"$WORK/final.prom"
scraped_final() {
  local s want got
  for s in fast slow; do
    want=$(awk -v s="$s" '$1 == "takt_probe_frames_received_total{stream=\"" s "\"}" {print $2}' "$WORK/final.prom")
    got=$(value_of "takt_probe_frames_received_total" "$s")
    [[ -n $want && $want == "$got" ]] || return 1
  done
}
wait_for 10 "Prometheus to scrape the final counts" scraped_final
ok "Prometheus holds the final counts"

near() { awk -v a="$1" -v b="$2" -v tol="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= tol) }'; }
bucket_bounds() {  # the (lower, upper] bucket of stream $1 that holds $2 seconds
  grep "^takt_probe_latency_seconds_bucket{stream=\"$1\"" "$WORK/final.prom" |
    sed -E 's/.*le="([^"]+)".*/\1/' | grep -v Inf |
    awk -v v="$2" 'BEGIN { lo = 0 } { if (v <= $1 + 0) { print lo, $1; found = 1; exit } lo = $1 } END { if (!found) print lo, "inf" }'
}

# Query while the listener still serves: once its scrapes fail, Prometheus marks its series
# stale and instant queries return nothing.
declare -A RECEIVED LOST P99 P99_RATE ON_TIME MISSES MISSES_COUNTER
for s in fast slow; do
  le=${DEADLINE_LE[$s]}
  RECEIVED[$s]=$(value_of 'takt_probe_frames_received_total' "$s")
  LOST[$s]=$(value_of 'takt_probe_frames_lost_total' "$s")
  # Cumulative buckets since the listener started = the whole run; the rate form is what a
  # dashboard shows.
  P99[$s]=$(value_of 'histogram_quantile(0.99, sum by (stream, le) (takt_probe_latency_seconds_bucket))' "$s")
  P99_RATE[$s]=$(value_of 'histogram_quantile(0.99, sum by (stream, le) (increase(takt_probe_latency_seconds_bucket[1m])))' "$s")
  ON_TIME[$s]=$(value_of "takt_probe_latency_seconds_bucket{le=\"$le\"} / ignoring(le) takt_probe_latency_seconds_count" "$s")
  MISSES[$s]=$(value_of "takt_probe_latency_seconds_count - ignoring(le) takt_probe_latency_seconds_bucket{le=\"$le\"}" "$s")
  MISSES_COUNTER[$s]=$(value_of 'takt_probe_deadline_misses_total' "$s")
done

# Stop the listener only now, so its summary is of exactly what Prometheus saw.
kill -INT "$LISTENER"
wait "$LISTENER" || fail "the listener exited with $?"
echo "--- talker summary"; sed -n '/^stream/,$p' "$WORK/talker.log"
echo "--- listener summary"; sed -n '/^stream/,$p' "$WORK/listener.log"

for s in fast slow; do
  sent=$(jq --arg s "$s" '.streams[] | select(.stream == $s) | .sent' "$WORK/talker.json")
  summary=$(jq -c --arg s "$s" '.streams[] | select(.stream == $s)' "$WORK/listener.json")
  ((sent > 0)) || fail "$s: the talker sent nothing"

  received=${RECEIVED[$s]} lost=${LOST[$s]}
  ((received + lost == sent)) || fail "$s: received $received + lost $lost != sent $sent"
  [[ $received == $(jq .received <<<"$summary") ]] || fail "$s: Prometheus received $received, summary $(jq .received <<<"$summary")"
  ok "$s: takt_probe_frames_received_total $received = sent $sent - lost $lost, as the summary says"

  p99=${P99[$s]}
  for v in "$p99" "${P99_RATE[$s]}"; do
    awk -v v="$v" 'BEGIN { exit !(v > 0 && v < 0.005) }' || fail "$s: p99 $v s is not within (0, 5 ms)"
  done
  summary_p99=$(jq '."latency-ns".p99 / 1e9' <<<"$summary")
  read -r lo hi < <(bucket_bounds "$s" "$p99")
  # The summary's p99 is exact to 1.6 %; Prometheus interpolates within the bucket.
  awk -v p="$summary_p99" -v lo="$lo" -v hi="$hi" 'BEGIN { exit !(p >= lo * 0.98 && (hi == "inf" || p <= hi * 1.02)) }' ||
    fail "$s: summary p99 $summary_p99 s is outside Prometheus' p99 bucket ($lo, $hi] (p99 $p99 s)"
  ok "$s: histogram_quantile(0.99) = $p99 s (rate form ${P99_RATE[$s]} s); summary p99 $summary_p99 s in the same bucket ($lo, $hi]"

  summary_on_time=$(jq '."on-time-ratio"' <<<"$summary")
  summary_misses=$(jq '."deadline-misses"' <<<"$summary")
  near "${ON_TIME[$s]}" "$summary_on_time" 1e-9 || fail "$s: PromQL on-time ratio ${ON_TIME[$s]}, summary $summary_on_time"
  [[ ${MISSES[$s]} == "${MISSES_COUNTER[$s]}" && ${MISSES[$s]} == "$summary_misses" ]] ||
    fail "$s: misses from buckets ${MISSES[$s]}, counter ${MISSES_COUNTER[$s]}, summary $summary_misses"
  ok "$s: on-time ratio ${ON_TIME[$s]} (bucket le=${DEADLINE_LE[$s]} / count) = summary; ${MISSES[$s]} deadline misses everywhere"
done
echo "PASS"
