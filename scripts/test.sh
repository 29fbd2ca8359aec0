#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, runs every test. The last line
# is ctest's summary.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
"$root/scripts/build.sh"
cd "${TAKT_BUILD_DIR:-$root/build}"
# Root-only tests (network namespaces, DPDK vdevs, ptp4l) skip themselves without root.
ctest --output-on-failure --timeout 600 -j "${TAKT_TEST_JOBS:-2}" "$@"
