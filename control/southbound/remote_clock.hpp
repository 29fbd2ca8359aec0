#pragma once
// The clock state of a bridge whose management server does not report it (a NETCONF switch):
// read with PTP management, the same GETs takt-agent asks its own ptp4l, addressed to the
// switch's clockIdentity and sent through a ptp4l on this host in the switch's PTP domain, which
// forwards them over the network and hands back the switch's answers (agents.yaml ptp-clock,
// ptp-via). Judged against the plan's sync budget as an agent's clock is.
#include <string>

#include "control/southbound/agent_endpoint.hpp"
#include "dataplane/core/time.hpp"

namespace takt::southbound {

struct RemoteClock {
  bool read = false;          // agents.yaml says how to read it (ptp-clock)
  bool synchronised = false;  // within the budget (false also when it could not be read)
  std::string reason;         // for people: why it is fine, or what to check
};

// Blocking: six management exchanges, each bounded by a 500 ms timeout, tried up to three
// times; reads through the same ptp4l are made one at a time.
RemoteClock read_remote_clock(const AgentEndpoint& endpoint, Nanos sync_budget);

}  // namespace takt::southbound
