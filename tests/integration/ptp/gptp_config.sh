# shellcheck shell=bash
# The ptp4l configuration every takt test node runs: gPTP-style (transportSpecific 1, P2P, L2)
# with software timestamps, and free_running 1 so ptp4l measures and reports but never steers
# this machine's clock. Sourced by the ptp and install integration tests. Short intervals so
# tests converge in seconds. neighborPropDelayThresh: software timestamps on veth measure
# ~1.7 us peer delay, beyond gPTP.cfg's 800 ns, which would leave the port not asCapable.
#
# tx_timestamp_timeout / fault_reset_interval: on a loaded machine a software TX timestamp can
# take longer than the 1 ms default, which faults the port (seen once here: a slave FAULTY);
# wait longer, and if it still happens let the port recover after 1 s instead of 16 s.
write_gptp_config() {  # write_gptp_config <file> <priority1> <uds_address>
  cat >"$1" <<CFG
[global]
free_running            1
gmCapable               1
priority1               $2
priority2               248
domainNumber            0
logAnnounceInterval     -2
announceReceiptTimeout  3
logSyncInterval         -3
syncReceiptTimeout      3
logMinPdelayReqInterval -2
neighborPropDelayThresh 20000
min_neighbor_prop_delay -20000000
assume_two_step         1
path_trace_enabled      1
follow_up_info          1
transportSpecific       0x1
ptp_dst_mac             01:80:C2:00:00:0E
network_transport       L2
delay_mechanism         P2P
tx_timestamp_timeout    50
fault_reset_interval    0
uds_address             $3
CFG
}
