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

// takt-dataplane's exit codes. Usage errors are 2 as for every takt tool (CLI11's own codes,
// 105 for a failed check and the like, are not passed on); EAL gets its own code because its
// failures are about the host (hugepages, permissions, devices) or EAL's options, and DPDK
// prints the reason itself.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // configuration, ports, memory, the agent: printed
inline constexpr int kExitUsage = 2;    // takt-dataplane's own options, after "--"
inline constexpr int kExitEal = 3;      // rte_eal_init failed (EAL options before "--", host)

// Parses argv (argv[0] is the program name). Returns the exit code to leave with when parsing
// ends the program (0 after --help, kExitUsage after an error already printed), nothing when
// the dataplane should run. Files written only at shutdown (--counters-out) are checked here,
// so a wrong path is a usage error at start, not lost counters at the end.
std::optional<int> parse_options(int argc, char** argv, Options& out);

}  // namespace takt::dpdk
