#include "dataplane/dpdk/eth_port.hpp"

#include <rte_errno.h>
#include <rte_lcore.h>

#include <charconv>
#include <stdexcept>

#include <spdlog/spdlog.h>

namespace takt::dpdk {

namespace {

[[noreturn]] void fail(const std::string& port, std::uint16_t id, const char* step, int rc) {
  throw std::runtime_error("port " + port + " (DPDK port " + std::to_string(id) + "): " + step +
                           " failed: " + rte_strerror(rc < 0 ? -rc : rc));
}

}  // namespace

std::uint16_t resolve_port_id(const std::string& bridge_port, const std::string& device) {
  std::uint16_t id = 0;
  const auto [end, ec] = std::from_chars(device.data(), device.data() + device.size(), id);
  if (ec != std::errc() || end != device.data() + device.size()) {
    if (rte_eth_dev_get_port_by_name(device.c_str(), &id) != 0)
      throw std::runtime_error("--port " + bridge_port + "=" + device + ": no DPDK device named " + device +
                               " (give its port id, or add it with --vdev / an allowed PCI address)");
  }
  if (!rte_eth_dev_is_valid_port(id))
    throw std::runtime_error("--port " + bridge_port + "=" + device + ": DPDK port " + std::to_string(id) +
                             " does not exist; " + std::to_string(rte_eth_dev_count_avail()) + " ports are available");
  return id;
}

EthPort::EthPort(std::uint16_t port_id, std::string bridge_port, rte_mempool* pool, const EthPortSettings& settings)
    : id_(port_id), bridge_port_(std::move(bridge_port)) {
  rte_eth_dev_info info{};
  if (int rc = rte_eth_dev_info_get(id_, &info); rc != 0) fail(bridge_port_, id_, "rte_eth_dev_info_get", rc);
  driver_ = info.driver_name ? info.driver_name : "?";

  rte_eth_conf conf{};
  launch_time_ = settings.allow_launch_time && (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_SEND_ON_TIMESTAMP) != 0;
  if (launch_time_) conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_SEND_ON_TIMESTAMP;
  // MBUF_FAST_FREE stays off even where offered: a flooded frame is one mbuf with a reference
  // per egress port.
  if (int rc = rte_eth_dev_configure(id_, 1, 1, &conf); rc != 0) fail(bridge_port_, id_, "rte_eth_dev_configure", rc);

  std::uint16_t rxd = settings.rx_descriptors, txd = settings.tx_descriptors;
  if (int rc = rte_eth_dev_adjust_nb_rx_tx_desc(id_, &rxd, &txd); rc != 0)
    fail(bridge_port_, id_, "rte_eth_dev_adjust_nb_rx_tx_desc", rc);
  int socket = rte_eth_dev_socket_id(id_);
  if (socket < 0) socket = static_cast<int>(rte_socket_id());
  rte_eth_txconf txconf = info.default_txconf;
  txconf.offloads = conf.txmode.offloads;
  if (int rc = rte_eth_rx_queue_setup(id_, 0, rxd, static_cast<unsigned>(socket), nullptr, pool); rc != 0)
    fail(bridge_port_, id_, "rte_eth_rx_queue_setup", rc);
  if (int rc = rte_eth_tx_queue_setup(id_, 0, txd, static_cast<unsigned>(socket), &txconf); rc != 0)
    fail(bridge_port_, id_, "rte_eth_tx_queue_setup", rc);
  if (int rc = rte_eth_dev_start(id_); rc != 0) fail(bridge_port_, id_, "rte_eth_dev_start", rc);
  running_ = true;
  // A bridge receives frames for every address; PMDs without the notion (net_null) say so.
  if (int rc = rte_eth_promiscuous_enable(id_); rc != 0 && rc != -ENOTSUP)
    spdlog::warn("port {}: cannot enable promiscuous mode: {}", bridge_port_, rte_strerror(-rc));
  spdlog::info("port {} = DPDK port {} ({}), {} RX / {} TX descriptors, {}", bridge_port_, id_, driver_, rxd, txd,
               launch_time_ ? "launch time (SEND_ON_TIMESTAMP)" : "software gating");
}

EthPort::~EthPort() { stop(); }

void EthPort::stop() {
  if (!running_) return;
  running_ = false;
  if (int rc = rte_eth_dev_stop(id_); rc != 0)
    spdlog::warn("port {}: stop failed: {}", bridge_port_, rte_strerror(-rc));
  rte_eth_dev_close(id_);
}

}  // namespace takt::dpdk
