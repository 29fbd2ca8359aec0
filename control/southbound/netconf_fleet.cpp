#include "control/southbound/netconf_fleet.hpp"

#include <algorithm>
#include <exception>
#include <thread>

#include <fmt/format.h>

namespace takt::southbound {

NetconfFleet::NetconfFleet(const DesiredPlant& desired, const std::vector<AgentEndpoint>& agents,
                           NetconfSessionPool* pool) {
  for (const auto& [name, config] : desired.bridges) {
    auto it = std::find_if(agents.begin(), agents.end(), [&](const AgentEndpoint& e) { return e.bridge == name; });
    if (it == agents.end() || it->protocol != BridgeProtocol::netconf) continue;
    const auto doc = desired.yang.find(name);
    if (doc == desired.yang.end())
      throw NetconfError(
          fmt::format("{}: the plan {} has no YANG document for it (yang/{}.json); plan again with "
                      "`taktctl plan`",
                      it->label(), desired.source, name));
    bridges_.push_back(std::make_unique<NetconfBridge>(*it, doc->second, pool));
  }
}

std::vector<std::string> NetconfFleet::each(const std::function<void(std::size_t, NetconfBridge&)>& step) {
  std::vector<std::string> errors(bridges_.size());
  std::vector<std::thread> threads;
  threads.reserve(bridges_.size());
  for (std::size_t i = 0; i < bridges_.size(); ++i)
    threads.emplace_back([&, i] {
      try {
        step(i, *bridges_[i]);
      } catch (const std::exception& e) {
        errors[i] = e.what();
        if (errors[i].empty()) errors[i] = bridges_[i]->endpoint().label() + ": failed";
      }
    });
  for (auto& t : threads) t.join();
  return errors;
}

}  // namespace takt::southbound
