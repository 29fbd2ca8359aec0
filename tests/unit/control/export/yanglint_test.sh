#!/bin/sh
# Every ieee802-dot1q-sched-bridge document of both example plants (and of an imported TSNKit
# instance) passes yanglint against the official modules; a broken document does not.
# Usage: yanglint_test.sh TAKTCTL SOURCE_ROOT YANG_DIR WORK_DIR. Exit 77 (skipped) without yanglint.
set -u
taktctl=$1
root=$2
yang=$3
work=$4
if ! command -v yanglint >/dev/null 2>&1; then
  echo "SKIP: yanglint not installed (Debian: apt-get install libyang2-tools)"
  exit 77
fi
if [ ! -f "$yang/ieee802-dot1q-sched-bridge.yang" ]; then
  echo "SKIP: no IEEE YANG modules in $yang (they are not part of this repository; configure with -DTAKT_YANG_DIR=FOLDER)"
  exit 77
fi
modules="$yang/ieee802-dot1q-sched-bridge.yang $yang/ieee802-dot1q-sched.yang $yang/iana-if-type@2014-05-08.yang"
rm -rf "$work" && mkdir -p "$work"
failures=0
checked=0

lint() { yanglint -p "$yang" -t config $modules "$1"; }

for plant in small-cell body-shop-line; do
  "$taktctl" plan "$root/configs/plants/$plant.yaml" -o "$work/$plant" >/dev/null || { echo "FAIL: taktctl plan $plant"; failures=$((failures + 1)); continue; }
  for doc in "$work/$plant"/yang/*.json; do
    if lint "$doc"; then checked=$((checked + 1)); else echo "FAIL: $doc"; failures=$((failures + 1)); fi
  done
done
"$taktctl" plan --tsnkit "$root/tests/unit/control/export/data/sample_task.csv" "$root/tests/unit/control/export/data/sample_topo.csv" \
  -o "$work/tsnkit" >/dev/null || { echo "FAIL: taktctl plan --tsnkit"; failures=$((failures + 1)); }
for doc in "$work/tsnkit"/yang/*.json; do
  if lint "$doc"; then checked=$((checked + 1)); else echo "FAIL: $doc"; failures=$((failures + 1)); fi
done

# The check has teeth: a gate state beyond uint8 and a list longer than supported-list-max fail.
doc=$work/small-cell/yang/sw1.json
sed '0,/"gate-states-value": [0-9]*/s//"gate-states-value": 300/' "$doc" >"$work/bad-states.json"
sed 's/"supported-list-max": [0-9]*/"supported-list-max": 1/' "$doc" >"$work/bad-length.json"
for bad in "$work/bad-states.json" "$work/bad-length.json"; do
  if lint "$bad" 2>/dev/null; then echo "FAIL: yanglint accepted $bad"; failures=$((failures + 1)); fi
done

[ "$checked" -gt 0 ] || { echo "FAIL: no document checked"; exit 1; }
[ "$failures" -eq 0 ] || exit 1
echo "yanglint: $checked documents valid"
