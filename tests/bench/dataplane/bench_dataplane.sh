#!/usr/bin/env bash
# Forwarding rate of takt-dataplane on one core against dpdk-testpmd io forwarding, both on the
# same pair of net_null vdevs in the same run, and gate launch lateness measured inside
# takt-dataplane (TX call time minus the gate opening a waiting frame was released by).
#
#   [GCL_QUEUE=frames] [BENCH_NULL=0] [BENCH_VARIANTS="gcl-all ..."] bench_dataplane.sh
#       [path/to/takt-dataplane] [seconds per run, default 6] [rounds, default 3]
#
# BENCH_NULL=0 skips the net_null runs; BENCH_VARIANTS names the pcap variants to run (default
# all of them, see below). "BENCH_NULL=0 BENCH_VARIANTS=gcl-all" with many rounds is the quick
# way to see where gcl-all's ratio stands against issue 13's floor: about 30 s a round instead of
# about 100 s.
#
# Each round runs, one after another on lcores 0,1 (forwarding on lcore 1):
#   testpmd   dpdk-testpmd --forward-mode=io, 1 forwarding core, its default mbufs
#   testpmd4k the same with takt-dataplane's mbuf geometry (--mbuf-size = page - 128): without
#             hugepages DPDK gives a default mbuf a 4 KB page of its own, every mbuf at the same
#             offset and so in the same few L1 sets; takt-dataplane sizes its mbufs past a page
#             so they pack (dataplane/dpdk/mbuf_geometry.hpp), which testpmd's defaults do not.
#             Against this run the ratio compares forwarding code alone
#   open      takt-dataplane with null-open.json: time-aware shaper on, every gate open
#   gcl       takt-dataplane with null-gcl.json: a factory-style 1 ms cycle of 8 entries on both
#             ports; the untagged test traffic (priority 0 -> tc 1) may leave during 650 us of
#             every 1 ms; lateness is sampled at every opening of tc 1's gate. Its queue holds
#             GCL_QUEUE frames (default 4096): the backlog of a 100 us closed gate at this rate,
#             sent while the gate is open (egress drains faster than ingress fills), instead of
#             dropped at the tail; with the default 256 the rate is bounded by 65 % of the open
#             case
# and then, on pcap vdevs replaying protection_setup.py's captures (net_null's frames cannot hold
# a stream identity or R-TAG sequence numbers; see there), testpmd io with takt's mbufs and
# takt-dataplane plain, +streams (residence histograms), +PSFP, +FRER generation, +FRER recovery,
# the 8-entry lists plain and with all of them. On pcap vdevs without hugepages takt-dataplane
# keeps its frames in its own memory (dataplane/dpdk/frame_pool.hpp): DPDK's default data room,
# mbufs packed 2368 B apart on transparent huge pages. testpmd cannot map its own memory; the same
# layout is its default data room on 2 MB hugepages, so when the kernel has 300 of them to spare
# (reserved here, given back at exit; BENCH_HUGEPAGES=0 skips it) testpmd also runs that way, and
# the ratio is against the faster of its two runs. Each protection run's counters must show every
# frame took the variant's path, or the script fails. The table gives ns of forwarding-thread CPU
# per frame, the cost of each feature and the ratio against that testpmd run: the median against
# testpmd's median, and paired, the median over rounds of each round's ratio against the testpmd
# run of the same round. gcl-all runs first, right after testpmd, and the faster testpmd runs
# again right after it: gcl-all's paired ratio is against the mean of the two. On a shared host
# whose load changes over tens of seconds, the paired ratio of neighbours in time is the steadier
# figure.
# Rates are frames transmitted, both directions summed, per second of wall time and per second
# of CPU time the forwarding thread got (from /proc; on a shared machine the wall rate mostly
# measures how much CPU the thread was given, the CPU rate measures the code). Ratios compare
# medians over rounds (the protection table adds the paired ratio). The load average is printed
# with the figures.
# To profile a gated run, sample at a rate prime to the 1 ms cycle (perf record -F 3917 -C 1):
# perf's default 4000 Hz ticks every 250 us, so every sample falls on the same four phases of
# the cycle (in one run here all four inside tc 1's closed windows: 0.5 % of samples transmitting).
# Needs root (DPDK EAL) and dpdk-testpmd; not a ctest test.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
DATAPLANE=${1:-$HERE/../../../build/dataplane/dpdk/takt-dataplane}
SECS=${2:-6}
ROUNDS=${3:-3}
GCL_QUEUE=${GCL_QUEUE:-4096}
[[ -x $DATAPLANE ]] || { echo "no takt-dataplane at $DATAPLANE (give its path as the first argument)"; exit 2; }
command -v dpdk-testpmd >/dev/null || { echo "dpdk-testpmd is missing (apt-get install dpdk)"; exit 2; }
[[ $(id -u) -eq 0 ]] || { echo "needs root (DPDK EAL)"; exit 2; }

WORK=$(mktemp -d /tmp/takt-bench-dataplane.XXXXXX)
PID=""
# shellcheck source=hugepages.sh
source "$HERE/hugepages.sh"
cleanup() {
  [[ -n $PID ]] && kill -INT "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
  rm -rf "$WORK" /var/run/dpdk/tkbench$$*  # the EAL runtime folders (--file-prefix)
  release_hugepages
}
trap cleanup EXIT
trap 'exit 130' INT TERM

EAL=(--no-pci -m 512 -l 0,1 --log-level=lib.eal:warning)
TAKT_MBUFS=(--mbuf-size="$(($(getconf PAGESIZE) - 128))")  # testpmd with takt-dataplane's mbuf geometry (testpmd4k)
MEM=(--no-huge)  # the memory of the next run: no hugepages, or reserved 2 MB pages (--in-memory)
NULL_VDEVS=(--vdev net_null0 --vdev net_null1)
VDEVS=("${NULL_VDEVS[@]}")  # the vdevs of the next run: net_null, or pcap_vdevs
pcap_vdevs() {  # pcap_vdevs FILE1 FILE2: ports 0 and 1 replay FILE1 and FILE2 from memory, transmit drops
  VDEVS=(--vdev "net_pcap0,rx_pcap=$WORK/$1,infinite_rx=1" --vdev "net_pcap1,rx_pcap=$WORK/$2,infinite_rx=1")
}

worker_cpu_seconds() {  # CPU time (user + system) of the process's forwarding lcore thread
  local pid=$1 t
  for t in /proc/"$pid"/task/*; do
    if grep -qE '^(rte|lcore)-worker-1$' "$t/comm"; then
      awk -v hz="$(getconf CLK_TCK)" '{ printf "%.3f", ($14 + $15) / hz }' "$t/stat"
      return
    fi
  done
  echo "no forwarding thread found in process $pid" >&2
  exit 1
}

run_for() {  # run_for SECONDS LOG READY command... ; SIGINT SECONDS after READY (a regex) is logged, like Ctrl-C
  local secs=$1 log=$2 ready=$3
  shift 3
  "$@" >"$log" 2>&1 &
  PID=$!
  # Start-up (EAL, a pool of up to 70k mbufs) takes seconds on a loaded machine. A SIGINT before
  # the program's handler is installed would be lost: a background job of a script starts with
  # SIGINT ignored. So the run is timed from the program's own "forwarding" line.
  local waited=0
  until grep -qsE "$ready" "$log"; do
    kill -0 "$PID" 2>/dev/null || { echo "FAILED during start-up: $*"; tail -20 "$log"; exit 1; }
    ((waited++ < 600)) || { echo "FAILED: no '$ready' within 60 s: $*"; tail -20 "$log"; exit 1; }
    sleep 0.1
  done
  sleep "$secs"
  worker_cpu_seconds "$PID" >"$log.cpu"
  kill -INT "$PID"
  wait "$PID" || { echo "FAILED: $*"; tail -20 "$log"; exit 1; }
  PID=""
}

testpmd_run() {  # testpmd_run NAME [testpmd options]
  local name=$1
  shift
  run_for "$SECS" "$WORK/$name.log" 'packet forwarding - ports=' dpdk-testpmd "${MEM[@]}" "${EAL[@]}" "${VDEVS[@]}" --file-prefix "tkbench$$$name" -- \
    --forward-mode=io --auto-start --nb-cores=1 --total-num-mbufs=16384 --stats-period 1 "$@"
}

testpmd_mpps() {  # mean of the per-second Tx-pps reports after the first period, both ports summed
  awk '/Tx-pps:/ { n++; if (n > 2) { sum += $2; k++ } } END { if (k == 0) exit 1; printf "%.3f", 2 * sum / k / 1e6 }' \
    "$WORK/$1.log"
}

testpmd_cpu_mpps() {  # all frames forwarded (testpmd's accumulated TX-packets) per CPU second
  local frames
  frames=$(awk '/Accumulated forward statistics for all ports/ { on = 1 } on && /TX-packets:/ { print $2; exit }' \
    "$WORK/$1.log")
  awk -v f="$frames" -v c="$(cat "$WORK/$1.log.cpu")" 'BEGIN { printf "%.3f", f / c / 1e6 }'
}

takt_run() {  # takt_run CONFIG NAME [options]: leaves counters in $WORK/NAME.json
  local config=$1 name=$2
  shift 2
  run_for "$SECS" "$WORK/$name.log" 'forwarding on lcore' "$DATAPLANE" "${MEM[@]}" "${EAL[@]}" "${VDEVS[@]}" --file-prefix "tkbench$$$name" -- \
    --config "$config" --port p1=0 --port p2=1 --counters-out "$WORK/$name.json" "$@"
}

takt_mpps() {  # transmitted frames per second over the forwarding loop's run time
  jq -r '((.ports.p1.tx_frames + .ports.p2.tx_frames) / .elapsed_seconds / 1e6) * 1000 | round / 1000' "$WORK/$1.json"
}

takt_cpu_mpps() {  # transmitted frames per CPU second of the forwarding thread
  jq -r --argjson cpu "$(cat "$WORK/$1.log.cpu")" \
    '((.ports.p1.tx_frames + .ports.p2.tx_frames) / $cpu / 1e6) * 1000 | round / 1000' "$WORK/$1.json"
}

# verify NAME VARIANT: the counters of run NAME show every frame took VARIANT's path (else its
# rate would be meaningless): every frame a stream frame, every one matching and passing its
# filter, numbered or recovered; transmitted frames 6 bytes longer (generation) or shorter
# (recovery) than the 64 received; nothing policed, eliminated or refused for its R-TAG.
verify() {
  local name=$1 v=$2 expr
  local common='.ports.p1.rx_frames > 0 and .ports.p2.rx_frames > 0
    and ([.ports[] | .rx_policed + .rx_eliminated + .rx_r_tag_error + .rx_malformed + .filtered_no_egress] | add) == 0
    and ([.ports[] | .forwarded_static] | add) == ([.ports[] | .rx_frames] | add)'
  local all_tx='and ([.ports[] | .tx_frames] | add) >= 0.99 * ([.ports[] | .rx_frames] | add)'
  local streams='and .streams.a.frames == .ports.p1.rx_frames and .streams.b.frames == .ports.p2.rx_frames'
  local psfp='and (.protection.stream_filters.a.p1 | .matching == .passing and .discarded == 0) and .protection.stream_filters.a.p1.passing == .ports.p1.rx_frames
    and (.protection.stream_filters.b.p2 | .matching == .passing and .discarded == 0) and .protection.stream_filters.b.p2.passing == .ports.p2.rx_frames'
  local gen_a='and .protection.frer.a.generated == .ports.p1.rx_frames and .ports.p2.tx_bytes == 70 * .ports.p2.tx_frames'
  local gen_b='and .protection.frer.b.generated == .ports.p2.rx_frames and .ports.p1.tx_bytes == 70 * .ports.p1.tx_frames'
  local rec_a='and (.protection.frer.a.recovery | .passed == .out_of_order + 1 and .rogue + .discarded + .tagless + .resets == 0) and .protection.frer.a.recovery.passed == .ports.p1.rx_frames and .ports.p2.tx_bytes == 58 * .ports.p2.tx_frames'
  local rec_b='and (.protection.frer.b.recovery | .passed == .out_of_order + 1 and .rogue + .discarded + .tagless + .resets == 0) and .protection.frer.b.recovery.passed == .ports.p2.rx_frames and .ports.p1.tx_bytes == 58 * .ports.p1.tx_frames'
  case $v in
    plain) expr="$common $all_tx and (.streams | length) == 0 and .ports.p1.tx_bytes == 64 * .ports.p1.tx_frames" ;;
    hist) expr="$common $all_tx $streams and .streams.a.dropped + .streams.b.dropped == 0" ;;
    psfp) expr="$common $all_tx $streams $psfp" ;;
    gen) expr="$common $all_tx $streams $gen_a $gen_b" ;;
    rec) expr="$common $all_tx $streams $rec_a $rec_b" ;;
    gcl-plain) expr="$common and (.streams | length) == 0" ;;
    gcl-all) expr="$common $streams $psfp $gen_a $rec_b" ;;
  esac
  jq -e "$expr" "$WORK/$name.json" >/dev/null || {
    echo "FAILED: run $name did not take the $v path; its counters:"
    jq -c '{elapsed_seconds, ports: (.ports | map_values(del(.queues))), streams, protection}' "$WORK/$name.json"
    exit 1
  }
}

ns() { awk -v m="$1" 'BEGIN { printf "%.1f", 1000 / m }'; }  # ns of forwarding-thread CPU per frame

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

sorted() { tr ' ' '\n' | awk NF | sort -g; }  # a space-separated list of numbers, one a line, ascending

median() { sorted | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# gcl-all first: right after the testpmd runs its round's ratio is taken against, so both see the
# same phase of a shared host (its load changes over tens of seconds).
ALL_VARIANTS=(gcl-all gcl-plain plain hist psfp gen rec)
REQUESTED=" ${BENCH_VARIANTS:-${ALL_VARIANTS[*]}} "
for v in $REQUESTED; do
  [[ " ${ALL_VARIANTS[*]} " == *" $v "* ]] || { echo "unknown variant $v in BENCH_VARIANTS (${ALL_VARIANTS[*]})"; exit 2; }
done
VARIANTS=()  # the requested ones, in ALL_VARIANTS' order
for v in "${ALL_VARIANTS[@]}"; do
  [[ $REQUESTED == *" $v "* ]] && VARIANTS+=("$v")
done
BENCH_NULL=${BENCH_NULL:-1}
FLOOR=0.35  # issue 13: gcl-all's ratio at least this, 0.5 the goal
HUGE=0
if [[ ${BENCH_HUGEPAGES:-1} != 0 ]]; then
  if reserve_hugepages 300; then HUGE=1; else echo "the kernel has no 300 free 2 MB pages: testpmd runs without hugepages only"; fi
fi
declare -A P_CPU P_WALL P_PAIRED  # per variant: the rounds' Mpps, and ratio against the round's testpmd, space-separated
python3 "$HERE/protection_setup.py" "$HERE" "$WORK"

if ((BENCH_NULL)); then
  echo "takt-dataplane vs dpdk-testpmd io forwarding, net_null x2, ${SECS} s per run, ${ROUNDS} rounds"
else
  echo "takt-dataplane vs dpdk-testpmd io forwarding, pcap vdevs only (${VARIANTS[*]}), ${SECS} s per run, ${ROUNDS} rounds"
fi
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs"
tp=() tpc=() tp4=() tp4c=() open=() openc=() gcl=() gclc=() lat_med=() lat_p99=()
for ((r = 1; r <= ROUNDS; r++)); do
  if ((BENCH_NULL)); then
    VDEVS=("${NULL_VDEVS[@]}")
    testpmd_run testpmd
    tp+=("$(testpmd_mpps testpmd)") tpc+=("$(testpmd_cpu_mpps testpmd)")
    testpmd_run testpmd4k "${TAKT_MBUFS[@]}"
    tp4+=("$(testpmd_mpps testpmd4k)") tp4c+=("$(testpmd_cpu_mpps testpmd4k)")
    takt_run "$HERE/null-open.json" open
    open+=("$(takt_mpps open)") openc+=("$(takt_cpu_mpps open)")
    takt_run "$HERE/null-gcl.json" gcl --lateness-stats 1000000 --queue-capacity "$GCL_QUEUE"
    gcl+=("$(takt_mpps gcl)") gclc+=("$(takt_cpu_mpps gcl)")
    lat_med+=("$(jq .lateness.median_ns "$WORK/gcl.json")")
    lat_p99+=("$(jq .lateness.p99_ns "$WORK/gcl.json")")
    printf 'round %d (Mpps wall / per CPU-s): testpmd %s / %s | testpmd, takt'"'"'s mbufs %s / %s | takt gates open %s / %s | takt 8-entry GCL %s / %s | lateness median %s ns, p99 %s ns (%s samples)\n' \
      "$r" "${tp[-1]}" "${tpc[-1]}" "${tp4[-1]}" "${tp4c[-1]}" "${open[-1]}" "${openc[-1]}" "${gcl[-1]}" "${gclc[-1]}" "${lat_med[-1]}" \
      "${lat_p99[-1]}" "$(jq .lateness.count "$WORK/gcl.json")"
  fi

  # Protection runs, on pcap vdevs (see protection_setup.py): testpmd io with takt's mbufs, then
  # takt-dataplane in each variant, each checked to have taken the path it is named after.
  pcap_vdevs a.pcap b.pcap
  testpmd_run ptestpmd4k "${TAKT_MBUFS[@]}"
  P_CPU[ptestpmd4k]+=" $(testpmd_cpu_mpps ptestpmd4k)" P_WALL[ptestpmd4k]+=" $(testpmd_mpps ptestpmd4k)"
  line="round $r, pcap vdevs (Mpps wall / per CPU-s): testpmd, takt's mbufs ${P_WALL[ptestpmd4k]##* } / ${P_CPU[ptestpmd4k]##* }"
  if ((HUGE)); then
    MEM=(--in-memory)
    testpmd_run ptestpmd2m
    MEM=(--no-huge)
    P_CPU[ptestpmd2m]+=" $(testpmd_cpu_mpps ptestpmd2m)" P_WALL[ptestpmd2m]+=" $(testpmd_mpps ptestpmd2m)"
    line+=" | on 2 MB pages ${P_WALL[ptestpmd2m]##* } / ${P_CPU[ptestpmd2m]##* }"
  fi
  # This round's baseline: the faster testpmd run.
  base=${P_CPU[ptestpmd4k]##* } base_mem=(--no-huge) base_options=("${TAKT_MBUFS[@]}")
  if ((HUGE)) && awk -v a="$base" -v b="${P_CPU[ptestpmd2m]##* }" 'BEGIN { exit !(b > a) }'; then
    base=${P_CPU[ptestpmd2m]##* } base_mem=(--in-memory) base_options=()
  fi
  for v in "${VARIANTS[@]}"; do
    case $v in
      rec) pcap_vdevs a-rtag.pcap b-rtag.pcap ;;
      gcl-all) pcap_vdevs a.pcap b-rtag.pcap ;;
      *) pcap_vdevs a.pcap b.pcap ;;
    esac
    queue=()
    [[ $v == gcl-* ]] && queue=(--queue-capacity "$GCL_QUEUE")
    takt_run "$WORK/pcap-$v.json" "p$v" "${queue[@]}"
    verify "p$v" "$v"
    P_CPU[$v]+=" $(takt_cpu_mpps "p$v")" P_WALL[$v]+=" $(takt_mpps "p$v")"
    line+=" | $v ${P_WALL[$v]##* } / ${P_CPU[$v]##* }"
    paired_base=$base
    if [[ $v == gcl-all ]]; then
      # The baseline again, right after gcl-all: gcl-all's paired ratio is against the mean of the
      # baseline's runs before and after it, which takes out a load that rises or falls steadily
      # over the three runs.
      pcap_vdevs a.pcap b.pcap
      MEM=("${base_mem[@]}")
      testpmd_run pbaseline "${base_options[@]}"
      MEM=(--no-huge)
      again=$(testpmd_cpu_mpps pbaseline)
      paired_base=$(awk -v a="$base" -v b="$again" 'BEGIN { print (a + b) / 2 }')
      line+=" | the baseline testpmd again / $again"
    fi
    P_PAIRED[$v]+=" $(ratio "${P_CPU[$v]##* }" "$paired_base")"
  done
  [[ -n ${P_PAIRED[gcl-all]:-} ]] && line+=" | gcl-all against this round's testpmd ${P_PAIRED[gcl-all]##* }"
  echo "$line"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
if ((BENCH_NULL)); then
  m_tp=$(echo "${tp[*]}" | median) m_tpc=$(echo "${tpc[*]}" | median) m_tp4c=$(echo "${tp4c[*]}" | median)
  m_open=$(echo "${open[*]}" | median) m_openc=$(echo "${openc[*]}" | median)
  m_gcl=$(echo "${gcl[*]}" | median) m_gclc=$(echo "${gclc[*]}" | median)
  echo "median Mpps, wall: testpmd io ${m_tp}; takt gates open ${m_open} (ratio $(ratio "$m_open" "$m_tp")); takt GCL ${m_gcl} (ratio $(ratio "$m_gcl" "$m_tp"))"
  echo "median Mpps per CPU second: testpmd io ${m_tpc}; takt gates open ${m_openc} (ratio $(ratio "$m_openc" "$m_tpc")); takt GCL ${m_gclc} (ratio $(ratio "$m_gclc" "$m_tpc"); tc 1 open 65 % of the cycle, queue ${GCL_QUEUE})"
  echo "median Mpps per CPU second against testpmd io with takt's mbuf geometry ${m_tp4c}: gates open ratio $(ratio "$m_openc" "$m_tp4c"), GCL ratio $(ratio "$m_gclc" "$m_tp4c")"
  echo "gate launch lateness (GCL runs): median $(echo "${lat_med[*]}" | median) ns, p99 $(echo "${lat_p99[*]}" | median) ns (medians over rounds)"
  echo
fi
echo "protection, pcap vdevs (64-byte frames replayed from memory, one copy per frame at RX; transmit drops), medians over rounds"
echo "ns/frame: forwarding-thread CPU per frame transmitted; +plain: ns/frame over plain (gcl-all: over gcl-plain); feature: over the run without the feature"
echo "(hist over plain: stream identification and the residence histogram; psfp, gen, rec over hist); ratio: Mpps per CPU-s against the faster testpmd io run, takt's mbufs, same vdevs"
echo "(medians against medians); paired: the median over rounds of the ratio against the faster testpmd run of the same round"
echo "(for gcl-all against the mean of that run and its rerun right after gcl-all)"
echo "(testpmd 4k: no hugepages, data room of a page less its header, as takt-dataplane's mbufs in DPDK's memory; testpmd 2M: its default data room on 2 MB pages, as takt-dataplane's own memory packs them)"
m_p4=$(echo "${P_CPU[ptestpmd4k]}" | median)
m_base=$m_p4  # the faster testpmd
((HUGE)) && m_p2=$(echo "${P_CPU[ptestpmd2m]}" | median) && m_base=$(awk -v a="$m_p4" -v b="$m_p2" 'BEGIN { print (b > a ? b : a) }')
printf '%-12s %10s %14s %9s %9s %9s %7s %7s\n' variant "Mpps wall" "Mpps per CPU-s" ns/frame +plain feature ratio paired
printf '%-12s %10s %14s %9s %9s %9s %7s %7s\n' "testpmd 4k" "$(echo "${P_WALL[ptestpmd4k]}" | median)" "$m_p4" "$(ns "$m_p4")" - - \
  "$(ratio "$m_p4" "$m_base")" -
((HUGE)) && printf '%-12s %10s %14s %9s %9s %9s %7s %7s\n' "testpmd 2M" "$(echo "${P_WALL[ptestpmd2m]}" | median)" "$m_p2" \
  "$(ns "$m_p2")" - - "$(ratio "$m_p2" "$m_base")" -
over() {  # over MPPS VARIANT: ns/frame over VARIANT's median, or - when VARIANT did not run
  [[ -n ${P_CPU[$2]:-} ]] || { echo -; return; }
  awk -v a="$(ns "$1")" -v b="$(ns "$(echo "${P_CPU[$2]}" | median)")" 'BEGIN { printf "%+.1f", a - b }'
}
for v in "${VARIANTS[@]}"; do
  m=$(echo "${P_CPU[$v]}" | median)
  case $v in
    plain | gcl-plain) plus=- feature=- ;;
    hist) plus=$(over "$m" plain) feature=$plus ;;
    gcl-all) plus=$(over "$m" gcl-plain) feature=$plus ;;
    *) plus=$(over "$m" plain) feature=$(over "$m" hist) ;;
  esac
  printf '%-12s %10s %14s %9s %9s %9s %7s %7s\n' "$v" "$(echo "${P_WALL[$v]}" | median)" "$m" "$(ns "$m")" "$plus" "$feature" \
    "$(ratio "$m" "$m_base")" "$(echo "${P_PAIRED[$v]}" | median)"
done
echo "(gcl-all: null-gcl.json's 8-entry lists, streams a and b with histograms, PSFP on both ingress ports, a numbered and tagged, b recovered; issue 13 asks ${FLOOR} at least, 0.5 as the goal)"
if [[ -n ${P_PAIRED[gcl-all]:-} ]]; then
  # Single rounds scatter on a shared host: how they spread around the floor, not only their median.
  echo "${P_PAIRED[gcl-all]}" | sorted | awk -v floor="$FLOOR" '
    { v[NR] = $1; if ($1 + 0 >= floor) k++ }
    END { printf "gcl-all paired ratio per round: lowest %s, quartiles %s %s %s, highest %s; %d of %d rounds at %s or above\n",
            v[1], v[int((NR + 3) / 4)], v[int((NR + 1) / 2)], v[int((3 * NR + 3) / 4)], v[NR], k, NR, floor }'
fi
