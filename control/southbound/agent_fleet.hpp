#pragma once
// The agents of a desired plant's bridges, one client each on one io_context, and the first
// look at them: clock health and running state of every agent, asked in parallel. The installer
// and the controller's reconciliation round both start here; what they make of a missing agent
// or an unsynchronised clock is theirs (the installer refuses, the controller raises alarms).
// The clients come from the process's pool (agent_pool.hpp): connections and TLS sessions
// opened by one fleet serve the next.
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "control/southbound/agent_calls.hpp"
#include "control/southbound/agent_client.hpp"
#include "control/southbound/agent_endpoint.hpp"
#include "control/southbound/agent_pool.hpp"
#include "control/southbound/desired_plant.hpp"
#include "control/southbound/parallel.hpp"

namespace takt::southbound {

struct AgentObservation {
  AgentHealth health;
  RunningState running;
};

// A bridge of the desired plant without a client.
struct UnconnectedBridge {
  std::string bridge;
  std::string error;  // why its client could not be set up; empty: no agent is configured for it
};

class AgentFleet {
 public:
  // A client for every bridge of `desired` with a takt agent endpoint in `agents`, in the
  // plant's bridge order; agents of other bridges and NETCONF bridges are ignored. Never throws for one bridge: see
  // unconnected().
  AgentFleet(const DesiredPlant& desired, const std::vector<AgentEndpoint>& agents);
  AgentFleet(const AgentFleet&) = delete;
  AgentFleet& operator=(const AgentFleet&) = delete;

  boost::asio::io_context& io() { return lease_.io(); }
  const std::vector<AgentClient*>& clients() const { return clients_; }
  // The desired configuration of each client's bridge, in the order of clients().
  const std::vector<const bridge::BridgeConfig*>& configs() const { return configs_; }
  // In the plant's bridge order.
  const std::vector<UnconnectedBridge>& unconnected() const { return unconnected_; }

  // Every client's clock health (judged against `sync_budget`) and running state, all agents
  // at once; in the order of clients().
  std::vector<Outcome<AgentObservation>> observe(Nanos sync_budget);

 private:
  AgentPool::Lease lease_;
  std::vector<AgentClient*> clients_;
  std::vector<const bridge::BridgeConfig*> configs_;
  std::vector<UnconnectedBridge> unconnected_;
};

}  // namespace takt::southbound
