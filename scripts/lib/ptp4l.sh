# shellcheck shell=bash
# ptp4l for cells of network namespaces on this machine (sourced by scripts/virtual-cell.sh and
# tests/integration/faults/faults_lib.sh):
#
#   ptp4l_e2e_config PRIORITY1 UDS_PATH   prints a ptp4l configuration: free_running 1 (it
#                                         measures and reports, never steers this machine's
#                                         clock), E2E delay over L2 with software timestamps on
#                                         a management network, fast announce and sync; the
#                                         node with the lowest PRIORITY1 becomes grandmaster
#
# E2E, not the gPTP profile of tests/integration/ptp/gptp_config.sh: the management network is
# one Linux bridge with every node on it, and gPTP's peer delay works only on point-to-point
# links (several peers answer each Pdelay_Req there, so no port would become asCapable).
ptp4l_e2e_config() {
  cat <<CFG
[global]
free_running            1
priority1               $1
domainNumber            0
logAnnounceInterval     -2
announceReceiptTimeout  3
logSyncInterval         -3
syncReceiptTimeout      3
network_transport       L2
delay_mechanism         E2E
tx_timestamp_timeout    50
fault_reset_interval    0
uds_address             $2
CFG
}
