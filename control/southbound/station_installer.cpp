#include "control/southbound/station_installer.hpp"

#include <memory>

#include <boost/asio/io_context.hpp>
#include <fmt/format.h>

#include "control/southbound/agent_client.hpp"
#include "control/southbound/parallel.hpp"

namespace takt::southbound {
namespace {

namespace http = boost::beast::http;

// The endpoints the plan has a configuration for, with a client each.
struct Clients {
  boost::asio::io_context io;
  std::vector<std::unique_ptr<AgentClient>> owned;
  std::vector<AgentClient*> clients;
};

void connect(Clients& c, const DesiredPlant& desired, const std::vector<AgentEndpoint>& stations) {
  for (const auto& e : stations) {
    if (!desired.stations.contains(e.bridge)) continue;
    c.owned.push_back(std::make_unique<AgentClient>(c.io, e));
    c.clients.push_back(c.owned.back().get());
  }
}

}  // namespace

bool StationInstallReport::all_installed() const {
  for (const auto& o : outcomes)
    if (!o.installed) return false;
  return true;
}

std::vector<std::string> check_stations(const DesiredPlant& desired, const std::vector<AgentEndpoint>& stations) {
  Clients c;
  std::vector<std::string> failures;
  try {
    connect(c, desired, stations);
  } catch (const std::exception& e) {
    return {e.what()};
  }
  const auto out =
      on_all<nlohmann::json>(c.io, c.clients, [](AgentClient& client) -> boost::asio::awaitable<nlohmann::json> {
        co_return co_await client.call(http::verb::get, "/api/v1/station");
      });
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (!out[i].ok()) {
      failures.push_back(out[i].error);
      continue;
    }
    const auto& body = *out[i].value;
    const std::string& name = c.clients[i]->endpoint().bridge;
    if (body.value("end-station", std::string{}) != name) {
      failures.push_back(fmt::format("{}: serves end station \"{}\", not \"{}\"", c.clients[i]->endpoint().label(),
                                     body.value("end-station", std::string{}), name));
    }
  }
  return failures;
}

StationInstallReport install_stations(const DesiredPlant& desired, const std::vector<AgentEndpoint>& stations) {
  const auto start = std::chrono::steady_clock::now();
  StationInstallReport report;
  for (const auto& [name, config] : desired.stations) {
    bool managed = false;
    for (const auto& e : stations) managed = managed || e.bridge == name;
    if (!managed) report.unmanaged.push_back(name);
  }
  for (const auto& e : stations)
    if (!desired.stations.contains(e.bridge)) report.not_in_plan.push_back(e.bridge);
  Clients c;
  try {
    connect(c, desired, stations);
  } catch (const std::exception& e) {
    report.outcomes.push_back({"", false, e.what()});
    return report;
  }
  const auto out = on_all<nlohmann::json>(
      c.io, c.clients, [&desired](AgentClient& client) -> boost::asio::awaitable<nlohmann::json> {
        const auto& config = desired.stations.at(client.endpoint().bridge);
        co_return co_await client.call(http::verb::put, "/api/v1/station", station::to_json(config).dump());
      });
  for (std::size_t i = 0; i < out.size(); ++i) {
    StationOutcome o;
    o.station = c.clients[i]->endpoint().bridge;
    o.installed = out[i].ok();
    o.detail = o.installed ? fmt::format("{} talked, {} listened", out[i].value->value("talks", 0),
                                         out[i].value->value("listens", 0))
                           : out[i].error;
    report.outcomes.push_back(std::move(o));
  }
  report.time = std::chrono::duration_cast<Nanos>(std::chrono::steady_clock::now() - start);
  return report;
}

}  // namespace takt::southbound
