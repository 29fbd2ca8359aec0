#!/usr/bin/env bash
# Every Catch2 test case is a ctest entry: for each Catch2 binary, the number of cases it lists
# must equal the number of ctest entries that run it. A name that catch_discover_tests splits
# (a ';' in it) or drops shows up here as a difference, named by binary.
# usage: catch_count_check.sh <build dir> <ctest> <file with one Catch2 binary per line>
set -euo pipefail
build=$1 ctest=$2 binaries=$3
json=$("$ctest" --test-dir "$build" --show-only=json-v1)
fail=0 total=0 count=0
while IFS= read -r bin; do
  [ -n "$bin" ] || continue
  if [ ! -x "$bin" ]; then
    echo "FAIL $bin: not built"
    fail=1
    continue
  fi
  listed=$("$bin" --list-test-names-only | grep -c . || true)
  registered=$(jq --arg bin "$bin" '[.tests[] | select((.command // [])[0] == $bin)] | length' <<<"$json")
  total=$((total + listed)) count=$((count + 1))
  if [ "$listed" -ne "$registered" ]; then
    echo "FAIL $(basename "$bin"): the binary lists $listed test cases, ctest has $registered entries for it"
    "$bin" --list-test-names-only | grep ';' | sed 's/^/  name with a semicolon: /' || true
    fail=1
  else
    echo "ok   $(basename "$bin"): $listed test cases, $registered ctest entries"
  fi
done <"$binaries"
echo "$count Catch2 binaries, $total test cases"
exit "$fail"
