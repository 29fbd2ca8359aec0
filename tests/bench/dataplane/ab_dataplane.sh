#!/usr/bin/env bash
# A/B of two takt-dataplane builds on one of bench_dataplane.sh's pcap protection variants, both
# forwarding at the same time on the same CPU: each process is started with -l 0,1, and EAL makes
# the lowest lcore the main one whatever the order of the list, so both forwarding threads run on
# CPU 1 and share it by time slices (the main lcores sleep on CPU 0). Which starts first swaps
# every round. On a shared machine one run after another can differ by a third (another tenant,
# the host's memory traffic); two runs that share one core see the same core, the same neighbours
# and the same phase of the host's load, so their difference is steady to a few tenths of a ns
# where one after another it is not. (On two CPUs at once, each on its own core, the rounds
# differed by up to 20 ns: the two vCPUs are not alike and the two processes fight over the L3
# at every moment instead of taking turns.) For deciding whether a change to the packet path pays,
# and (testpmd as A) for the ratio to testpmd without that drift; bench_dataplane.sh gives every
# variant's ratio and feature costs.
#
#   ab_dataplane.sh BUILD_A BUILD_B [variant, default gcl-all] [rounds, default 4] [seconds, default 5]
#
# BUILD_A may be the word testpmd: dpdk-testpmd io forwarding with takt-dataplane's mbuf geometry
# in DPDK's memory (as bench_dataplane.sh's "testpmd 4k") on the same pcap captures, at the same
# time as B; or testpmd2m: its default data room on 2 MB hugepages (bench_dataplane.sh's
# "testpmd 2M", the layout takt-dataplane's own memory has on pcap vdevs; 300 pages are reserved
# for it and given back at exit), mostly the faster of the two. Each round then also prints
# A / B, the ratio bench_dataplane.sh reports, without the drift between runs one after another.
# Each time slice starts with the other process's data in the core's caches, which costs the one
# with the larger working set more (takt-dataplane behind a closed gate holds thousands of
# frames): a conservative ratio for takt-dataplane.
#
# Env XA, XB: extra takt-dataplane options for A and B (e.g. XB="--burst 64" with one build twice).
# Prints per round the ns of forwarding-thread CPU per frame transmitted of A and B, then the
# median of B - A (negative: B is faster). Needs root (DPDK EAL) and python3; not a ctest test.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
A=${1:?BUILD_A}
B=${2:?BUILD_B}
VARIANT=${3:-gcl-all}
ROUNDS=${4:-4}
SECS=${5:-5}
GCL_QUEUE=${GCL_QUEUE:-4096}
is_testpmd() { [[ $1 == testpmd || $1 == testpmd2m ]]; }
for bin in "$A" "$B"; do
  is_testpmd "$bin" && { command -v dpdk-testpmd >/dev/null || { echo "dpdk-testpmd is missing"; exit 2; }; continue; }
  [[ -x $bin ]] || { echo "no takt-dataplane at $bin"; exit 2; }
done
[[ $(id -u) -eq 0 ]] || { echo "needs root (DPDK EAL)"; exit 2; }
[[ $(nproc) -ge 2 ]] || { echo "needs two CPUs"; exit 2; }
case $VARIANT in
  plain | hist | psfp | gen | gcl-plain) FILES=(a.pcap b.pcap) ;;
  rec) FILES=(a-rtag.pcap b-rtag.pcap) ;;
  gcl-all) FILES=(a.pcap b-rtag.pcap) ;;
  *) echo "unknown variant $VARIANT (plain hist psfp gen rec gcl-plain gcl-all)"; exit 2 ;;
esac

WORK=$(mktemp -d /tmp/takt-ab-dataplane.XXXXXX)
PIDS=()
# shellcheck source=hugepages.sh
source "$HERE/hugepages.sh"
cleanup() {
  for pid in "${PIDS[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done; done
  rm -rf "$WORK" /var/run/dpdk/tkab$$*  # the EAL runtime folders (--file-prefix)
  release_hugepages
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ $A == testpmd2m || $B == testpmd2m ]]; then
  reserve_hugepages 300 || { echo "the kernel has no 300 free 2 MB pages for testpmd2m"; exit 2; }
fi
python3 "$HERE/protection_setup.py" "$HERE" "$WORK"
QUEUE=()
[[ $VARIANT == gcl-* ]] && QUEUE=(--queue-capacity "$GCL_QUEUE")

start() {  # start BUILD LCORES NAME EXTRA...: LCORES for -l (the lowest is the main lcore, the next forwards)
  local bin=$1 lcores=$2 name=$3
  shift 3
  if is_testpmd "$bin"; then
    local memory=(--no-huge) mbufs=(--mbuf-size="$(($(getconf PAGESIZE) - 128))")
    [[ $bin == testpmd2m ]] && memory=(--in-memory) mbufs=()
    dpdk-testpmd "${memory[@]}" --no-pci -m 512 -l "$lcores" --log-level=lib.eal:warning \
      --vdev "net_pcap0,rx_pcap=$WORK/${FILES[0]},infinite_rx=1" --vdev "net_pcap1,rx_pcap=$WORK/${FILES[1]},infinite_rx=1" \
      --file-prefix "tkab$$$name" -- --forward-mode=io --auto-start --nb-cores=1 --total-num-mbufs=16384 --stats-period 1 \
      "${mbufs[@]}" >"$WORK/$name.log" 2>&1 &
    PIDS+=($!)
    return
  fi
  "$bin" --no-huge --no-pci -m 512 -l "$lcores" --log-level=lib.eal:warning \
    --vdev "net_pcap0,rx_pcap=$WORK/${FILES[0]},infinite_rx=1" --vdev "net_pcap1,rx_pcap=$WORK/${FILES[1]},infinite_rx=1" \
    --file-prefix "tkab$$$name" -- --config "$WORK/pcap-$VARIANT.json" --port p1=0 --port p2=1 \
    --counters-out "$WORK/$name.json" "${QUEUE[@]}" "$@" >"$WORK/$name.log" 2>&1 &
  PIDS+=($!)
}

forwarding_thread() {  # the task of the process's forwarding lcore
  local t
  for t in /proc/"$1"/task/*; do
    if grep -qE '^(rte|lcore)-worker-' "$t/comm"; then
      basename "$t"
      return
    fi
  done
  echo "no forwarding thread in process $1" >&2
  exit 1
}

cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.3f", ($14 + $15) / hz }' "/proc/$1/task/$2/stat"; }

frames_sent() {  # frames_sent NAME BUILD: both ports' transmitted frames of run NAME
  if is_testpmd "$2"; then
    awk '/Accumulated forward statistics for all ports/ { on = 1 } on && /TX-packets:/ { print $2; exit }' "$WORK/$1.log"
  else
    jq '.ports.p1.tx_frames + .ports.p2.tx_frames' "$WORK/$1.json"
  fi
}

pair() {  # pair FIRST_BUILD FIRST_EXTRA SECOND_BUILD SECOND_EXTRA: prints ns/frame of both
  PIDS=()
  read -ra x1 <<<"$2"
  read -ra x2 <<<"$4"
  start "$1" 0,1 first "${x1[@]}"
  start "$3" 0,1 second "${x2[@]}"
  local name waited
  for name in first second; do
    waited=0
    until grep -qsE 'forwarding on lcore|packet forwarding - ports=' "$WORK/$name.log"; do
      ((waited++ < 600)) || { echo "FAILED: $name did not start"; tail -20 "$WORK/$name.log"; exit 1; }
      sleep 0.1
    done
  done
  sleep 1
  local t1 t2 c1 c2
  t1=$(forwarding_thread "${PIDS[0]}") t2=$(forwarding_thread "${PIDS[1]}")
  sleep "$SECS"
  c1=$(cpu_seconds "${PIDS[0]}" "$t1") c2=$(cpu_seconds "${PIDS[1]}" "$t2")
  kill -INT "${PIDS[@]}"
  for pid in "${PIDS[@]}"; do while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done; done
  PIDS=()
  local f1 f2
  f1=$(frames_sent first "$1") f2=$(frames_sent second "$3")
  awk -v c1="$c1" -v c2="$c2" -v f1="$f1" -v f2="$f2" 'BEGIN { printf "%.1f %.1f\n", 1e9 * c1 / f1, 1e9 * c2 / f2 }'
}

echo "A $A${XA:+ ($XA)} vs B $B${XB:+ ($XB)}: pcap variant $VARIANT, both at once, $SECS s, $ROUNDS rounds"
diffs=() ratios=()
for ((r = 0; r < ROUNDS; r++)); do
  # Not in a subshell: the exit trap must see the processes a failed or interrupted pair left.
  if ((r % 2 == 0)); then
    pair "$A" "${XA:-}" "$B" "${XB:-}" >"$WORK/pair"
    read -r a b <"$WORK/pair"
  else
    pair "$B" "${XB:-}" "$A" "${XA:-}" >"$WORK/pair"
    read -r b a <"$WORK/pair"
  fi
  d=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", b - a }')
  diffs+=("$d")
  ratios+=("$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", a / b }')")
  echo "round $((r + 1)): A $a ns/frame, B $b ns/frame, B - A $d, A / B ${ratios[-1]}"
done
printf '%s\n' "${diffs[@]}" | sort -g |
  awk '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "median B - A: %.2f ns/frame\n", m }'
if is_testpmd "$A"; then
  printf '%s\n' "${ratios[@]}" | sort -g |
    awk '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "median A / B (B against testpmd): %.3f\n", m }'
fi
