#!/usr/bin/env bash
# Fuzzes the plant loader with libFuzzer under AddressSanitizer and UBSan for a while
# (default 120 s), seeded with the example plants and golden cases.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-120}
out=${TAKT_FUZZ_DIR:-/tmp/takt-fuzz}
mkdir -p "$out/corpus"
cp "$root"/configs/plants/*.yaml "$root"/tests/golden/cases/*.yaml "$out/corpus/"
command -v clang++ >/dev/null || { apt-get update -qq && apt-get install -y -qq clang >/dev/null; }
srcs=$(ls "$root"/control/model/*.cpp)
clang++ -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -I"$root" $srcs "$root/tests/fuzz/plant_loader_fuzzer.cpp" -lyaml-cpp -lfmt -o "$out/plant_loader_fuzzer"
"$out/plant_loader_fuzzer" "$out/corpus" -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 2>&1 | tail -n 20
