#!/usr/bin/env bash
# Configures and builds takt into build/ (or $TAKT_BUILD_DIR), Release unless $TAKT_BUILD_TYPE says
# otherwise (RelWithDebInfo for a debugger).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${TAKT_BUILD_DIR:-$root/build}
jobs=${TAKT_JOBS:-$(nproc)}
launcher=()
# ccache makes later runs cheap.
command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=${TAKT_BUILD_TYPE:-Release} "${launcher[@]}" >/dev/null
cmake --build "$build" -j "$jobs"
