#!/bin/sh
# Every per-bridge YANG document of both example plants (and of an imported TSNKit instance)
# passes yanglint against the official modules: ieee802-dot1q-sched-bridge gate tables, and the
# 802.1Qci / 802.1CB protection (ieee802-dot1q-psfp-bridge stream filters, gates and flow meters,
# ieee802-dot1cb-stream-identification, ieee802-dot1cb-frer; body-shop-line's redundant streams
# give it FRER content). So does the document of a bridge config that uses every protection
# feature (SAMPLE writes it). Broken documents do not.
# Usage: yanglint_test.sh TAKTCTL SOURCE_ROOT YANG_DIR WORK_DIR SAMPLE. Exit 77 (skipped) without
# yanglint or the modules.
set -u
taktctl=$1
root=$2
yang=$3
work=$4
sample=$5
if ! command -v yanglint >/dev/null 2>&1; then
  echo "SKIP: yanglint not installed (Debian: apt-get install libyang2-tools)"
  exit 77
fi
if [ ! -f "$yang/ieee802-dot1q-sched-bridge.yang" ]; then
  echo "SKIP: no IEEE YANG modules in $yang (they are not part of this repository; configure with -DTAKT_YANG_DIR=FOLDER)"
  exit 77
fi
for m in ieee802-dot1q-psfp-bridge ieee802-dot1q-psfp ieee802-dot1cb-stream-identification ieee802-dot1cb-frer; do
  if [ ! -f "$yang/$m.yang" ]; then
    echo "SKIP: no $m.yang in $yang (the IEEE modules are not part of this repository)"
    exit 77
  fi
done
# ieee802-dot1q-psfp is listed, not only imported: the stream gates' set-gate-and-ipv identity is
# defined there. The psfp features say the bridge supports PSFP (no node depends on them).
modules="$yang/ieee802-dot1q-sched-bridge.yang $yang/ieee802-dot1q-sched.yang $yang/iana-if-type@2014-05-08.yang
 $yang/ieee802-dot1q-psfp-bridge.yang $yang/ieee802-dot1q-psfp.yang $yang/ieee802-dot1cb-stream-identification.yang
 $yang/ieee802-dot1cb-frer.yang"
features="-F ieee802-dot1q-psfp-bridge:psfp -F ieee802-dot1q-psfp:psfp"
rm -rf "$work" && mkdir -p "$work"
failures=0
checked=0

# shellcheck disable=SC2086 # word splitting of the module and feature lists is intended
lint() { yanglint -p "$yang" -t config $features $modules "$1"; }

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

# Protection: the planner's protection of body-shop-line reaches its documents, FRER included.
for what in '"ieee802-dot1q-psfp-bridge:stream-filters"' '"ieee802-dot1cb-stream-identification:stream-identity"' \
  '"sequence-generation"' '"sequence-recovery"' '"sequence-identification"'; do
  cat "$work/body-shop-line"/yang/*.json | grep -q "$what" || { echo "FAIL: no $what in body-shop-line's YANG"; failures=$((failures + 1)); }
done
# A bridge config with every protection feature (gated, metered, wildcard and multi-port stream
# filters, a stream gate with an IPV, vector and match recovery, generation).
"$sample" "$work/protection.json" || { echo "FAIL: $sample"; failures=$((failures + 1)); }
grep -q '"admin-ipv": "seven"' "$work/protection.json" || { echo "FAIL: no gate with an IPV in the sample"; failures=$((failures + 1)); }
if lint "$work/protection.json"; then checked=$((checked + 1)); else echo "FAIL: $work/protection.json"; failures=$((failures + 1)); fi

# The check has teeth: a gate state beyond uint8 and a list longer than supported-list-max fail;
# so do a stream gate entry with the 802.1Qbv operation, a filter referring to a gate that does
# not exist, flow meters where max-flow-meter-instances is 0 (its must counts each entry alone),
# a MAC address in colon form, an R-TAG decoded at a port the bridge does not have, and an IPV
# that is no priority.
# broken SOURCE SED-EXPRESSION NAME: a copy of SOURCE that the expression changed, to be refused.
bad_docs=""
broken() {
  sed "$2" "$1" >"$work/bad-$3.json"
  if cmp -s "$1" "$work/bad-$3.json"; then echo "FAIL: bad-$3 changed nothing"; failures=$((failures + 1)); fi
  bad_docs="$bad_docs $work/bad-$3.json"
}
doc=$work/small-cell/yang/sw1.json
broken "$doc" '0,/"gate-states-value": [0-9]*/s//"gate-states-value": 300/' states
broken "$doc" 's/"supported-list-max": [0-9]*/"supported-list-max": 1/' length
p=$work/protection.json
broken "$p" 's/ieee802-dot1q-psfp:set-gate-and-ipv/ieee802-dot1q-sched:set-gate-states/' operation
broken "$p" '0,/"stream-gate-ref": [0-9]*/s//"stream-gate-ref": 99/' gate-ref
broken "$p" 's/"max-flow-meter-instances": [0-9]*/"max-flow-meter-instances": 0/' meters
broken "$p" 's/"91-E0-F0-00-00-00"/"91:e0:f0:00:00:00"/' mac
broken "$p" '0,/"port": "p2"/s//"port": "p9"/' port
broken "$p" 's/"admin-ipv": "seven"/"admin-ipv": "eight"/' ipv
for bad in $bad_docs; do
  if lint "$bad" 2>/dev/null; then echo "FAIL: yanglint accepted $bad"; failures=$((failures + 1)); fi
done

[ "$checked" -gt 0 ] || { echo "FAIL: no document checked"; exit 1; }
[ "$failures" -eq 0 ] || exit 1
echo "yanglint: $checked documents valid"
