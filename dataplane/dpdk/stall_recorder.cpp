#include "dataplane/dpdk/stall_recorder.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace takt::dpdk {

StallRecorder::StallRecorder(telemetry::MetricsRegistry& registry, std::string bridge, const std::string& log_path)
    : bridge_(std::move(bridge)),
      stalls_(registry
                  .counter("takt_dataplane_packet_loop_stalls_total",
                           "Times the packet loop came back later than it meant to by more than the stall threshold "
                           "(its vCPU or thread did not run)")
                  .with({})),
      excess_(registry
                  .histogram("takt_dataplane_packet_loop_stall_seconds",
                             "How much later than it meant to the packet loop came back, per stall")
                  .with({}, telemetry::LatencyBuckets::standard())) {
  if (!log_path.empty()) {
    log_.open(log_path, std::ios::out | std::ios::app);
    if (!log_) throw std::runtime_error("cannot open the stall log " + log_path + ": " + std::strerror(errno));
  }
}

void StallRecorder::record(const HostStall& stall) noexcept {
  stalls_.add(0);
  excess_.record(0, stall.excess);
  if (log_.is_open() && !ring_.push(stall)) unlogged_.fetch_add(1, std::memory_order_relaxed);
}

void StallRecorder::drain() {
  if (!log_.is_open()) return;
  bool wrote = false;
  ring_.consume_all([&](const HostStall& s) {
    nlohmann::ordered_json j;
    j["node"] = bridge_;
    j["source"] = "packet-loop";
    j["start-ns"] = ns_of(s.start);
    j["end-ns"] = ns_of(s.end);
    j["excess-ns"] = s.excess.count();
    log_ << j.dump() << '\n';
    wrote = true;
  });
  if (wrote) log_.flush();
}

}  // namespace takt::dpdk
