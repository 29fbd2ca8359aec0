#include "dataplane/dpdk/launch_time.hpp"

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_mbuf_dyn.h>

#include <stdexcept>
#include <string>

namespace takt::dpdk {

LaunchTimeField LaunchTimeField::register_field() {
  int offset = -1;
  std::uint64_t flag = 0;
  if (rte_mbuf_dyn_tx_timestamp_register(&offset, &flag) != 0)
    throw std::runtime_error(std::string("cannot register the mbuf launch-time field: ") + rte_strerror(rte_errno));
  return {offset, flag};
}

bool DeviceClock::refit(const ClockMapping& tsc_to_tai) {
  std::uint64_t ticks = 0;
  const std::uint64_t before = rte_rdtsc_precise();
  if (rte_eth_read_clock(port_, &ticks) != 0) return false;
  const std::uint64_t after = rte_rdtsc_precise();
  window_.add({ticks, ns_of(tsc_to_tai.to_tai(before + (after - before) / 2))});
  if (auto fit = ClockMapping::fit(window_.samples())) cell_.publish(std::make_unique<ClockMapping>(*fit));
  return true;
}

}  // namespace takt::dpdk
