# shellcheck shell=bash
# The protection fault tests' cell (protection_cell.yaml) on faults_lib.sh: sourced by
# babbler_test.sh, link_cut_test.sh and malformed_test.sh with their arguments
#   TAKTCTL TAKT_DATAPLANE TAKT_CONTROLLER TAKT_PMC TAKT_PROBE
TAKTCTL=${1:?usage: $0 taktctl takt-dataplane takt-controller takt-pmc takt-probe}
DATAPLANE=${2:?}
CONTROLLER=${3:?}
PMC=${4:?}
PROBE=${5:?}
FAULT_PLANT=protection_cell.yaml
BRIDGES=(sw1 sw2)
NODES=(sw1 sw2 plc io1 io2 rogue)
CELL_LINKS=("plc eth0 sw1 p1" "io1 eth0 sw1 p4" "sw1 p2 sw2 p1" "sw1 p3 sw2 p2" "io2 eth0 sw2 p3" "rogue eth0 sw1 p5")
# shellcheck source=faults_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/faults_lib.sh"
