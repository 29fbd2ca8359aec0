#!/bin/sh
# Dependencies run one way (docs/ARCHITECTURE.md): fails naming file and line for every include
# that breaks a layering rule, and naming the library for every link that does.
#   dependency_rules_test.sh <source root> <link closures file>
# The closures file is written by CMake at configure time (tests/unit/layout/CMakeLists.txt):
# one line per library, "<library>: <every library it links, transitively>".
set -u
root=${1:?source root}
closures=${2:?link closures file}
failed=0

# rule <message> <extended regex on the include line> <folder>...
rule() {
  message=$1 pattern=$2
  shift 2
  for dir in "$@"; do
    [ -d "$root/$dir" ] || continue
    hits=$(cd "$root" && grep -rnE --include='*.hpp' --include='*.cpp' --include='*.h' --include='*.c' \
      "^[[:space:]]*#[[:space:]]*include[[:space:]]*[\"<]($pattern)" "$dir")
    if [ -n "$hits" ]; then
      printf '%s\n' "$hits" | sed "s|\$|   <- $message|"
      failed=1
    fi
  done
}

rule "dataplane/ includes nothing from control/" 'control/' dataplane
rule "control/ includes nothing from dataplane/dpdk, dataplane/probe, dataplane/bpf or the agent's server (dataplane/agent)" \
  'dataplane/(dpdk|probe|agent|bpf)/' control
rule "dataplane/core is pure: no telemetry, protocol, ptp or anything above it" \
  'telemetry/|protocol/|ptp/|control/|dataplane/(dpdk|probe|agent|config|bpf)/' dataplane/core
rule "dataplane/core is pure: no DPDK, sockets or Asio" 'rte_[^>"]*\.h|sys/socket\.h|netinet/|boost/asio' dataplane/core
rule "telemetry/, ptp/ and protocol/ sit below control/ and the dataplane's programs" \
  'control/|dataplane/(dpdk|probe|agent|bpf)/' telemetry ptp protocol

# link <library> <forbidden library>...
link() {
  lib=$1
  shift
  line=$(grep "^$lib:" "$closures")
  if [ -z "$line" ]; then
    echo "note: $lib is not built here (TAKT_SKIP_PARTS?), its links are not checked"
    return
  fi
  for forbidden in "$@"; do
    case " ${line#*:} " in
      *" $forbidden "*) echo "$lib links $forbidden   <- see $closures"; failed=1 ;;
    esac
  done
}

link takt_verify takt_schedule takt_export takt_southbound
link takt_southbound takt_agent
link takt_controller takt_agent
link takt-controller takt_agent
link takt_core takt_telemetry takt_ptp takt_bridge_config takt_agent_protocol takt_agent
link takt_telemetry takt_agent takt_ptp takt_bridge_config takt_model
link takt_ptp takt_agent takt_model
link takt_bridge_config takt_agent takt_model
link takt_station_config takt_agent takt_model
link takt_agent_protocol takt_agent takt_model

if [ "$failed" -ne 0 ]; then
  echo "dependency rules broken (see above)"
  exit 1
fi
echo "dependency rules hold"
