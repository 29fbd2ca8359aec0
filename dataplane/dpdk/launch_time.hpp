#pragma once
// NIC launch time (SEND_ON_TIMESTAMP): the frame carries the time it is to leave in a dynamic
// mbuf field, in the NIC's own clock. The control side fits that clock against TAI per port
// (dataplane/core's ClockMapping again, with device ticks in place of the TSC); the packet
// lcore turns a transmission start into device ticks. Only mlx5 and cnxk offer it in DPDK 22.11.
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>

#include <cstdint>
#include <optional>

#include "dataplane/core/clock_mapping.hpp"
#include "dataplane/dpdk/rcu_cell.hpp"

namespace takt::dpdk {

class LaunchTimeField {
 public:
  // Registers the dynamic field and flag; throws std::runtime_error when the mbuf library has
  // no room left for them.
  static LaunchTimeField register_field();

  void stamp(rte_mbuf* m, std::uint64_t device_time) const {
    *RTE_MBUF_DYNFIELD(m, offset_, std::uint64_t*) = device_time;
    m->ol_flags |= flag_;
  }

 private:
  LaunchTimeField(int offset, std::uint64_t flag) : offset_(offset), flag_(flag) {}
  int offset_;
  std::uint64_t flag_;
};

class DeviceClock {
 public:
  DeviceClock(QuiescentStates& qs, std::uint16_t port) : port_(port), window_(64), cell_(qs) {}

  // Control side: one (device clock, TAI) sample, fitted and published. False if the PMD
  // cannot read its clock.
  bool refit(const ClockMapping& tsc_to_tai);

  // Packet lcore: device ticks at TAI time t, or nothing before the first fit.
  std::optional<std::uint64_t> device_time(TaiTime t) const {
    const ClockMapping* m = cell_.get();
    if (!m) return std::nullopt;
    return m->to_tsc(t);
  }

 private:
  std::uint16_t port_;
  ClockSampleWindow window_;
  RcuCell<ClockMapping> cell_;
};

}  // namespace takt::dpdk
