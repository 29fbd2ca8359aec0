#include "control/southbound/agent_fleet.hpp"

#include <algorithm>

namespace takt::southbound {

AgentFleet::AgentFleet(const DesiredPlant& desired, const std::vector<AgentEndpoint>& agents)
    : lease_(AgentPool::process().lease()) {
  for (const auto& [name, config] : desired.bridges) {
    auto it = std::find_if(agents.begin(), agents.end(), [&](const AgentEndpoint& e) { return e.bridge == name; });
    if (it == agents.end()) {
      unconnected_.push_back({name, ""});
      continue;
    }
    if (it->protocol == BridgeProtocol::netconf) continue;  // NetconfFleet's (netconf_fleet.hpp)
    try {
      clients_.push_back(&lease_.client(*it));
    } catch (const std::exception& e) {
      unconnected_.push_back({name, e.what()});
      continue;
    }
    configs_.push_back(&config);
  }
}

std::vector<Outcome<AgentObservation>> AgentFleet::observe(Nanos sync_budget) {
  return on_all<AgentObservation>(io(), clients_,
                                  [sync_budget](AgentClient& c) -> boost::asio::awaitable<AgentObservation> {
                                    AgentObservation o;
                                    o.health = co_await read_health(c, sync_budget);
                                    o.running = co_await read_running(c);
                                    co_return o;
                                  });
}

}  // namespace takt::southbound
