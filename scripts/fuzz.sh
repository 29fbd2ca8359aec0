#!/usr/bin/env bash
# Fuzzes takt's parsers of outside input with libFuzzer under AddressSanitizer and UBSan.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# Builds the targets of tests/fuzz (<target>_fuzzer.cpp) in build-fuzz ($TAKT_FUZZ_BUILD_DIR)
# with clang, then runs each for SECONDS (default 60; 0 replays the seeds only) on a work copy
# of its seed corpus (tests/fuzz/corpus/<target> and tests/fuzz/regressions/<target>) in
# $TAKT_FUZZ_DIR (default /tmp/takt-fuzz): nothing is written into the repository. Prints one
# line per target: executions, executions per second, coverage (edges), features, crash.
#
# An input that crashes, hangs (10 s), leaks or takes more than 2 GB is copied to
# $TAKT_FUZZ_DIR/crashes/<target>/, named on the output, and the script exits 1 once every
# target has run. Fix the bug, then commit the input to tests/fuzz/regressions/<target>/.
# Usage errors exit 2.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${TAKT_FUZZ_BUILD_DIR:-$root/build-fuzz}
work=${TAKT_FUZZ_DIR:-/tmp/takt-fuzz}
jobs=${TAKT_JOBS:-2}

usage() {
  echo "usage: scripts/fuzz.sh [SECONDS] [TARGET...]   targets: ${all[*]}" >&2
  exit 2
}
mapfile -t all < <(cd "$root/tests/fuzz" && ls -- *_fuzzer.cpp | sed 's/_fuzzer\.cpp$//')
seconds=60
if [ $# -gt 0 ]; then
  [[ $1 =~ ^[0-9]+$ ]] || usage
  seconds=$1
  shift
fi
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")
for t in "${targets[@]}"; do
  [ -f "$root/tests/fuzz/${t}_fuzzer.cpp" ] || { echo "fuzz: no target \"$t\"" >&2; usage; }
done

# Debian names its clang clang-14; other systems plain clang.
cxx=$(command -v clang++-14 || command -v clang++ || true)
if [ -z "$cxx" ]; then
  echo "fuzz: installing clang-14"
  apt-get update -qq && apt-get install -y -qq clang-14 >/dev/null
  cxx=$(command -v clang++-14)
fi
cc=${cxx/clang++/clang}

launcher=()
command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
# -O1 without NDEBUG: the libraries' assertions (and nlohmann's) are part of the oracle.
# Warnings stay warnings: -Werror is GCC's contract, clang only builds this tree.
start=$SECONDS
mkdir -p "$work"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER="$cc" \
  -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g" -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
  -DTAKT_FUZZ=ON -DTAKT_WERROR=OFF -DTAKT_WITH_DPDK=OFF -DTAKT_WITH_BPF=OFF "${launcher[@]}" >"$work/configure.log" 2>&1 ||
  { cat "$work/configure.log"; exit 1; }
# Only the targets and the libraries they link.
cmake --build "$build" -j "$jobs" --target "${targets[@]/%/_fuzzer}"
echo "fuzz: built ${#targets[@]} target(s) in $((SECONDS - start)) s"

crashed=()
summary=()
for t in "${targets[@]}"; do
  dir=$work/$t
  rm -rf "$dir"
  mkdir -p "$dir/corpus" "$dir/artifacts"
  for seeds in "$root/tests/fuzz/corpus/$t" "$root/tests/fuzz/regressions/$t"; do
    if [ -d "$seeds" ]; then cp -r "$seeds/." "$dir/corpus/"; fi
  done
  # The plants are seeds kept elsewhere in the repository (the same folders as the SEEDS of
  # plant_loader in tests/fuzz/CMakeLists.txt).
  if [ "$t" = plant_loader ]; then cp "$root"/configs/plants/*.yaml "$root"/tests/golden/cases/*.yaml "$dir/corpus/"; fi
  run=(-max_total_time="$seconds")
  [ "$seconds" -gt 0 ] || run=(-runs=0)
  rc=0
  "$build/tests/fuzz/${t}_fuzzer" "$dir/corpus" "${run[@]}" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$dir/artifacts/" >"$dir/log" 2>&1 || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -n1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$dir/log" | tail -n1)
  cov=$(grep -oE 'cov: [0-9]+' "$dir/log" | tail -n1 | cut -d' ' -f2)
  ft=$(grep -oE 'ft: [0-9]+' "$dir/log" | tail -n1 | cut -d' ' -f2)
  found=$(find "$dir/artifacts" -type f | sort)
  crash=no
  if [ "$rc" -ne 0 ] || [ -n "$found" ]; then
    crash=yes
    mkdir -p "$work/crashes/$t"
    tail -n 40 "$dir/log"
    [ -n "$found" ] || echo "fuzz: $t exited $rc without an artifact (see $dir/log)"
    while IFS= read -r f; do
      [ -n "$f" ] || continue
      cp "$f" "$work/crashes/$t/"
      crashed+=("$t: $work/crashes/$t/$(basename "$f")")
    done <<<"$found"
    [ -n "$found" ] || crashed+=("$t: exit $rc, no input kept ($dir/log)")
  fi
  summary+=("$(printf '%-16s %12s %9s %7s %7s  %s' "$t" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "$crash")")
done

echo
printf '%-16s %12s %9s %7s %7s  %s\n' target execs exec/s cov ft crash
printf '%s\n' "${summary[@]}"
echo "fuzz: ${#targets[@]} target(s), ${seconds} s each, logs in $work/<target>/log"
if [ ${#crashed[@]} -gt 0 ]; then
  for c in "${crashed[@]}"; do echo "fuzz: CRASH $c"; done
  echo "fuzz: fix the bug, then commit the input to tests/fuzz/regressions/<target>/"
  exit 1
fi
