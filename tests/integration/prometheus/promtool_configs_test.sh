#!/usr/bin/env bash
# Prometheus' own tools on takt's monitoring configuration: configs/prometheus.yml must pass
# `promtool check config`, and every PromQL expression of the Grafana dashboard (with
# Grafana's variables given plausible values) must parse, checked as a rule file with
# `promtool check rules`. Needs promtool and jq; exits 77 (skipped) without them.
#   usage: promtool_configs_test.sh <source root>
set -euo pipefail
ROOT=${1:?usage: $0 <source root>}
for tool in promtool jq; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed (apt-get install prometheus jq)"; exit 77; }
done
WORK=$(mktemp -d /tmp/takt-promtool.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

promtool check config "$ROOT/configs/prometheus.yml"
for job in takt-dataplane takt-probe takt-controller; do
  grep -q "job_name: $job\$" "$ROOT/configs/prometheus.yml" || { echo "FAIL: no scrape job $job"; exit 1; }
done
grep -q '^  scrape_interval: 1s$' "$ROOT/configs/prometheus.yml" || { echo "FAIL: the demo scrapes every 1s"; exit 1; }

# One recording rule per dashboard query; $__rate_interval etc. as Grafana would fill them in.
{
  echo "groups:"
  echo "  - name: takt-dashboard"
  echo "    rules:"
  jq -r '.panels[].targets[]?.expr, (.templating.list[] | .definition? // empty)' \
    "$ROOT/configs/grafana/takt-dashboard.json" |
    sed -e 's/label_values(\([a-z_]*\), *[a-z_]*)/\1/' \
        -e 's/\$__rate_interval/4s/g' -e 's/\$__range/5m/g' -e 's/\$__interval/1s/g' \
        -e 's/\$stream/.*/g' -e 's/\$bridge/.*/g' |
    awk '{ gsub(/\x27/, "\x27\x27"); printf "      - record: takt:dashboard_query_%d\n        expr: \x27%s\x27\n", NR, $0 }'
} >"$WORK/rules.yml"
n=$(grep -c 'record:' "$WORK/rules.yml")
((n >= 20)) || { echo "FAIL: only $n dashboard queries found"; cat "$WORK/rules.yml"; exit 1; }
promtool check rules "$WORK/rules.yml" || { cat "$WORK/rules.yml"; exit 1; }
echo "ok: $n dashboard queries are valid PromQL"
