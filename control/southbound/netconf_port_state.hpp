#pragma once
// What a NETCONF bridge reports for each port's 802.1Qbv gate table (ieee802-dot1q-sched-bridge),
// read from a <get> reply: the administrative schedule it holds, and the operational one where
// the server reports state (oper-control-list, oper-cycle-time, oper-base-time, config-pending).
// Servers without instrumentation for those leaves (yuma123's netconfd) report only the admin
// side: the optionals say which. `taktctl status` shows it; values from the server are bounded
// before use.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "control/southbound/netconf_session.hpp"

namespace takt::southbound {

struct NetconfGateList {
  std::size_t entries = 0;
  std::optional<std::int64_t> cycle_ns;  // numerator / denominator seconds, when in range
  std::optional<std::int64_t> base_time_ns;
};

struct NetconfPortState {
  std::string port;
  std::optional<bool> gate_enabled;
  std::optional<NetconfGateList> admin;
  std::optional<NetconfGateList> oper;  // state: only where the server reports it
  std::optional<bool> config_pending;
};

// One entry per interface that has a gate-parameter-table, in the reply's order.
std::vector<NetconfPortState> netconf_port_states(const DataTree& data);

// After a commit, per port whose server reports state: the change must be pending
// (config-pending true) or already oper (the oper list as long as the admin one, the same
// cycle). One line per port where neither holds ("p1: the committed schedule is neither pending
// nor oper: oper 2 entries, admin 3 entries"); nothing for ports without state.
std::vector<std::string> netconf_oper_problems(const std::vector<NetconfPortState>& ports);

// "8 entries, cycle 1000000 ns, base time 1700000000000000000 ns" (or what is known of it).
std::string describe(const NetconfGateList& list);

}  // namespace takt::southbound
