#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, runs every test. The last line
# is ctest's summary.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
"$root/scripts/build.sh"
cd "${TAKT_BUILD_DIR:-$root/build}"
# Root-only tests (network namespaces, DPDK vdevs, ptp4l) skip themselves without root.
# A test that fails is run once more: the namespace tests time real frames on a shared 2-core
# machine, and one stalled run is not a verdict; a real fault fails both runs (and the log
# keeps the first failure).
ctest --output-on-failure --timeout 600 -j "${TAKT_TEST_JOBS:-2}" --repeat until-pass:2 "$@"
