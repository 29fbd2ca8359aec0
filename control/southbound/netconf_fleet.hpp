#pragma once
// The NETCONF bridges of a desired plant (agents.yaml entries with netconf:// URLs), one
// NetconfBridge each, and each installer step run on all of them at once: one thread per
// bridge, since libnetconf2 blocks. The installer runs these beside the takt agents' steps.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "control/southbound/agent_endpoint.hpp"
#include "control/southbound/desired_plant.hpp"
#include "control/southbound/netconf_bridge.hpp"

namespace takt::southbound {

class NetconfFleet {
 public:
  // A NetconfBridge for every bridge of `desired` whose endpoint in `agents` is NETCONF, its
  // session lent by `pool` when one is given. Throws NetconfError when the plan has no YANG
  // document for one of them.
  NetconfFleet(const DesiredPlant& desired, const std::vector<AgentEndpoint>& agents,
               NetconfSessionPool* pool = nullptr);

  bool empty() const { return bridges_.empty(); }
  std::size_t size() const { return bridges_.size(); }
  const std::vector<std::unique_ptr<NetconfBridge>>& bridges() const { return bridges_; }

  // Runs `step` on every bridge in parallel; per bridge, the error message or "" when it
  // succeeded. `step` may write its result through the bridge index.
  std::vector<std::string> each(const std::function<void(std::size_t, NetconfBridge&)>& step);

 private:
  std::vector<std::unique_ptr<NetconfBridge>> bridges_;
};

}  // namespace takt::southbound
