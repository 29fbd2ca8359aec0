#pragma once
// takt-dataplane's own options, the part of the command line after EAL's "--".
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "dataplane/dpdk/agent_plugin.hpp"
#include "dataplane/dpdk/eth_port.hpp"
#include "dataplane/dpdk/forwarder.hpp"

namespace takt::dpdk {

struct Options {
  std::string config_path;
  std::vector<std::pair<std::string, std::string>> ports;  // bridge port name -> DPDK port id or device
  std::uint16_t metrics_port = 0;                          // 0: no /metrics server
  std::string metrics_address = "127.0.0.1";
  int utc_offset_s = 37;
  std::string counters_out;  // JSON counters at shutdown
  std::string stall_log;     // host stalls as JSON lines; empty: none
  ForwarderSettings forwarder;
  EthPortSettings eth;
  AgentOptions agent;  // the switch agent API (dataplane/agent)
};

// Parses argv (argv[0] is the program name). Returns the exit code to leave with when parsing
// ends the program (--help, or an error already printed), nothing when the dataplane should run.
std::optional<int> parse_options(int argc, char** argv, Options& out);

}  // namespace takt::dpdk
