#pragma once
// One DPDK Ethernet port as the bridge uses it: one RX and one TX queue, promiscuous, any PMD.
// Launch time (SEND_ON_TIMESTAMP) is switched on when the PMD advertises it.
#include <rte_ethdev.h>
#include <rte_mempool.h>

#include <cstdint>
#include <string>

namespace takt::dpdk {

struct EthPortSettings {
  std::uint16_t rx_descriptors = 1024;
  std::uint16_t tx_descriptors = 1024;
  bool allow_launch_time = true;
};

// `device` is a port id ("0") or a device name ("net_af_packet0"). Throws std::runtime_error
// naming the bridge port and the device.
std::uint16_t resolve_port_id(const std::string& bridge_port, const std::string& device);

class EthPort {
 public:
  // Configures and starts the port. Throws std::runtime_error with DPDK's reason.
  EthPort(std::uint16_t port_id, std::string bridge_port, rte_mempool* pool, const EthPortSettings& settings);
  ~EthPort();
  EthPort(const EthPort&) = delete;
  EthPort& operator=(const EthPort&) = delete;

  void stop();  // idempotent; stops and closes the device

  std::uint16_t id() const { return id_; }
  const std::string& bridge_port() const { return bridge_port_; }
  const std::string& driver() const { return driver_; }
  bool launch_time() const { return launch_time_; }

 private:
  std::uint16_t id_;
  std::string bridge_port_;
  std::string driver_;
  bool launch_time_ = false;
  bool running_ = false;
};

}  // namespace takt::dpdk
