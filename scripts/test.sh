#!/usr/bin/env bash
# The README's test command: installs what is missing, builds the Release tree (scripts/build.sh;
# warnings are errors in every build type), runs every test in it, then fuzzes every libFuzzer
# target for 30 s (TAKT_FUZZ_SECONDS; 0 leaves it out).
# Arguments go to ctest (e.g. -R schedule, -LE root).
#
# A test that fails is run once more (the namespace tests time real frames on a shared 2-core
# machine, and one stalled run is not a verdict), but never in silence: every test that needed
# the rerun is named at the end as "flaky (passed on rerun): <name>", one that failed twice as
# "failed twice: <name>", and the script fails if any failed twice. The last line counts every
# test of the run in ctest's form: "100% tests passed, 0 tests failed out of N".
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${TAKT_BUILD_DIR:-$root/build}
jobs=${TAKT_TEST_JOBS:-2}
"$root/scripts/setup.sh" || exit 1
"$root/scripts/build.sh" || exit 1
cd "$build" || exit 1
tmp=Testing/Temporary
mkdir -p "$tmp"
rm -f "$tmp/LastTestsFailed.log"

# Catch2 v2 exits 0 when a test name matches no test case; each Catch2 entry fails on its
# "No tests ran" (cmake/TaktCatch.cmake), and here no log may contain it.
no_tests_ran() { grep -c "No tests ran" "$tmp/LastTest.log" 2>/dev/null || true; }

# Every Catch2 case is a ctest entry: per binary, its listed cases = its ctest entries. Run
# before the tests, as it runs "ctest -N", which rewrites LastTest.log.
count_status=0
"$root/tests/support/catch_count_check.sh" "$build" ctest "$build/catch_binaries.txt" \
  >"$tmp/takt-catch-count.log" 2>&1 || count_status=1

# The C++ sources follow .clang-format (scripts/format.sh rewrites them).
format_status=0
"$root/scripts/format.sh" --check >"$tmp/takt-format.log" 2>&1 || format_status=1

# Root-only tests (network namespaces, DPDK vdevs, ptp4l) skip themselves without root.
ctest --output-on-failure --timeout 600 -j "$jobs" "$@" | tee "$tmp/takt-first-run.log"
first_rc=${PIPESTATUS[0]}
total=$(grep -oE 'tests failed out of [0-9]+' "$tmp/takt-first-run.log" | tail -n1 | grep -oE '[0-9]+$')
no_tests=$(no_tests_ran)
first_failed=()
if [ -s "$tmp/LastTestsFailed.log" ]; then
  mapfile -t first_failed < <(cut -d: -f2- "$tmp/LastTestsFailed.log")
fi
if [ -z "$total" ]; then
  echo "test.sh: ctest did not run (exit $first_rc)"
  exit 1
fi

failed_twice=()
flaky=()
if [ "${#first_failed[@]}" -gt 0 ]; then
  echo
  echo "test.sh: ${#first_failed[@]} test(s) failed, running them once more"
  # The rerun rewrites LastTest.log; the first run's log and output stay beside it.
  cp "$tmp/LastTestsFailed.log" "$tmp/takt-first-run-failed.log"
  cp "$tmp/LastTest.log" "$tmp/takt-first-run-LastTest.log"
  ctest --rerun-failed --output-on-failure --timeout 600 -j "$jobs" "$@"
  rerun_rc=$?
  no_tests=$((no_tests + $(no_tests_ran)))
  declare -A again=()
  # ctest rewrites LastTestsFailed.log only when a test fails: after a rerun that passed it
  # still names the first run's failures, so it is read only when the rerun failed.
  if [ "$rerun_rc" -ne 0 ] && [ -s "$tmp/LastTestsFailed.log" ]; then
    while IFS= read -r name; do again[$name]=1; done < <(cut -d: -f2- "$tmp/LastTestsFailed.log")
  fi
  # A rerun that failed without naming a test: none of them passed it.
  if [ "$rerun_rc" -ne 0 ] && [ "${#again[@]}" -eq 0 ]; then
    for name in "${first_failed[@]}"; do again[$name]=1; done
  fi
  for name in "${first_failed[@]}"; do
    if [ -n "${again[$name]:-}" ]; then failed_twice+=("$name"); else flaky+=("$name"); fi
  done
elif [ "$first_rc" -ne 0 ]; then
  echo "test.sh: ctest failed (exit $first_rc) without naming a failed test"
  exit 1
fi

# libFuzzer on every parser of outside input (scripts/fuzz.sh, clang, its own build-fuzz tree);
# a crash fails the run and names the input. TAKT_FUZZ_SECONDS=0 leaves it out.
fuzz_status=0
fuzz_seconds=${TAKT_FUZZ_SECONDS:-30}
rm -f "$tmp/takt-fuzz.log"
if [ "$fuzz_seconds" != 0 ]; then
  echo
  echo "test.sh: fuzzing every target for $fuzz_seconds s (log: $build/$tmp/takt-fuzz.log)"
  start=$SECONDS
  "$root/scripts/fuzz.sh" "$fuzz_seconds" >"$tmp/takt-fuzz.log" 2>&1 || fuzz_status=1
  sed -n '/^fuzz: built/p; /^target /,$p' "$tmp/takt-fuzz.log"
  [ "$fuzz_status" -eq 0 ] || grep -E 'error:|FAILED|ERROR:|SUMMARY:' "$tmp/takt-fuzz.log" | head -n 20
  echo "fuzz: $([ "$fuzz_status" -eq 0 ] && echo ok || echo FAILED) ($((SECONDS - start)) s)"
fi

echo
grep '^FAIL' "$tmp/takt-catch-count.log" || true
echo "Catch2 cases registered: $(tail -n1 "$tmp/takt-catch-count.log")$([ "$count_status" -eq 0 ] || echo ' (MISMATCH, see above)')"
if [ "$format_status" -eq 0 ]; then cat "$tmp/takt-format.log"; else sed -n '1,20p' "$tmp/takt-format.log"; fi
echo "No tests ran: $no_tests in $build/$tmp/LastTest.log"
for name in "${flaky[@]}"; do echo "flaky (passed on rerun): $name"; done
for name in "${failed_twice[@]}"; do echo "failed twice: $name"; done
grep '^fuzz: CRASH' "$tmp/takt-fuzz.log" 2>/dev/null || true
failed=${#failed_twice[@]}
passed=$((total - failed))
percent=$(((passed * 200 + total) / (2 * total)))  # rounded, as ctest does
[ "$failed" -gt 0 ] && [ "$percent" -gt 99 ] && percent=99
status=0
[ "$failed" -eq 0 ] || status=1
[ "$no_tests" -eq 0 ] || status=1
[ "$count_status" -eq 0 ] || status=1
[ "$format_status" -eq 0 ] || status=1
[ "$fuzz_status" -eq 0 ] || status=1
echo "$percent% tests passed, $failed tests failed out of $total"
exit "$status"
