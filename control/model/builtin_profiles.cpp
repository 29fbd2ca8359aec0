#include "control/model/builtin_profiles.hpp"

namespace takt::model {
namespace {

Profile make(std::string name) {
  Profile p;
  p.name = std::move(name);
  p.where = SourceLocation{"<built-in>", 0, 0};
  return p;
}

std::vector<Profile> make_all() {
  std::vector<Profile> v;

  // takt's own DPDK switch: software gates with nanosecond resolution, but a polling loop
  // on a general-purpose core needs windows of at least a microsecond to be honoured.
  Profile takt = make("takt-dataplane");
  takt.queues = 8;
  takt.max_gcl_entries = 4096;
  takt.min_gate_interval = Nanos{1'000};
  takt.granularity = Nanos{1};
  takt.processing_delay_min = Nanos{1'000};
  takt.processing_delay_max = Nanos{4'000};
  takt.max_frame_size = 9000;
  // The loop spins on the TSC for a gate opening less than --tx-spin-ns (5 us) away, so on a
  // dedicated core the TX call lands a few hundred nanoseconds after the opening (median 225 ns
  // measured); 1 us also covers the PMD's TX burst.
  takt.transmission_timing_error = Nanos{1'000};
  v.push_back(takt);

  // The same switch on shared virtual CPUs (CI machines, the virtual-cell demo): the hypervisor
  // and the neighbours' threads take the core away for hundreds of microseconds at a time, so
  // both the time from ingress to the egress queue and the time from a gate opening to the
  // frame leaving are that long in the worst case. Windows get the same reserve.
  Profile takt_vm = takt;
  takt_vm.name = "takt-dataplane-vm";
  takt_vm.min_gate_interval = Nanos{10'000};
  takt_vm.processing_delay_max = Nanos{500'000};
  takt_vm.transmission_timing_error = Nanos{500'000};
  v.push_back(takt_vm);

  // NXP LS1028A Felix (VSC9959): 63 GCL entries, 35 ns minimum gate interval.
  Profile felix = make("nxp-ls1028a-felix");
  felix.queues = 8;
  felix.max_gcl_entries = 63;
  felix.min_gate_interval = Nanos{35};
  felix.granularity = Nanos{1};
  felix.processing_delay_min = Nanos{1'000};
  felix.processing_delay_max = Nanos{2'000};
  felix.max_frame_size = 9600;
  v.push_back(felix);

  // Microchip LAN966x-class TSN switches: cycle 256 ns .. 999,999,999 ns, up to 256 entries.
  Profile mchp = make("microchip-lan9668");
  mchp.queues = 8;
  mchp.max_gcl_entries = 256;
  mchp.min_gate_interval = Nanos{256};
  mchp.granularity = Nanos{1};
  mchp.processing_delay_min = Nanos{1'500};
  mchp.processing_delay_max = Nanos{3'000};
  mchp.max_cycle_time = Nanos{999'999'999};
  mchp.max_frame_size = 9000;
  v.push_back(mchp);

  // Intel i225 (igc): Qbv offload, each queue may open once per cycle, no cycle-time
  // extension, rejects a future base time; 4 TX queues.
  Profile i225 = make("intel-i225");
  i225.queues = 4;
  i225.max_gcl_entries = 64;
  i225.min_gate_interval = Nanos{1'000};
  i225.granularity = Nanos{1};
  i225.one_window_per_queue = true;
  i225.cycle_time_extension = false;
  i225.future_base_time = false;
  i225.max_frame_size = 9000;
  v.push_back(i225);

  // A typical 802.1Qbv bridge (INET's users configure about 1024 entries).
  Profile generic = make("generic-qbv");
  generic.queues = 8;
  generic.max_gcl_entries = 1024;
  generic.min_gate_interval = Nanos{128};
  generic.granularity = Nanos{8};
  generic.processing_delay_min = Nanos{1'000};
  generic.processing_delay_max = Nanos{5'000};
  v.push_back(generic);

  // Linux taprio on an end station or a software bridge (software mode).
  Profile taprio = make("linux-taprio");
  taprio.queues = 8;
  taprio.max_gcl_entries = 1024;
  taprio.min_gate_interval = Nanos{10'000};
  taprio.granularity = Nanos{1};
  taprio.processing_delay_min = Nanos{5'000};
  taprio.processing_delay_max = Nanos{50'000};
  v.push_back(taprio);

  // An end station's NIC port: it talks and listens; its egress is where the talker offset is kept.
  Profile es = make("end-station");
  es.queues = 8;
  es.max_gcl_entries = 1024;
  es.min_gate_interval = Nanos{1'000};
  es.granularity = Nanos{1};
  v.push_back(es);

  // An end station whose talker is a process on shared virtual CPUs (takt-probe in the
  // virtual cell): it wakes for its offset up to a few hundred microseconds late.
  Profile es_vm = es;
  es_vm.name = "end-station-vm";
  es_vm.transmission_timing_error = Nanos{500'000};
  v.push_back(es_vm);

  return v;
}

}  // namespace

const std::vector<Profile>& builtin_profiles() {
  static const std::vector<Profile> all = make_all();
  return all;
}

}  // namespace takt::model
