#include "dataplane/bpf/station_api.hpp"

#include <string_view>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "dataplane/agent/api_error.hpp"
#include "dataplane/core/config_error.hpp"
#include "protocol/bounded_json.hpp"
#include "telemetry/prometheus_text.hpp"

namespace takt::station {
namespace {

namespace http = agent::http;
using agent::ApiError;
using agent::HttpRequest;
using agent::HttpResponse;
using nlohmann::json;

HttpResponse reply(const HttpRequest& request, unsigned status, std::string body, std::string_view content_type) {
  return agent::make_reply(request, status, std::move(body), content_type, "takt-station");
}

HttpResponse reply_json(const HttpRequest& request, unsigned status, const json& body) {
  return reply(request, status, body.dump(2) + "\n", "application/json");
}

}  // namespace

StationApi::StationApi(std::string station, StationApiHooks hooks, const telemetry::MetricsRegistry& metrics)
    : station_(std::move(station)), hooks_(std::move(hooks)), metrics_(metrics) {}

HttpResponse StationApi::handle(const HttpRequest& request, const agent::PeerIdentity& peer) {
  try {
    return route(request, peer);
  } catch (const ApiError& e) {
    return reply_json(request, e.status(), {{"status", e.status()}, {"error", e.what()}});
  } catch (const std::exception& e) {
    return reply_json(request, 500, {{"status", 500}, {"error", fmt::format("internal error: {}", e.what())}});
  }
}

HttpResponse StationApi::route(const HttpRequest& request, const agent::PeerIdentity& peer) {
  const std::string_view target(request.target().data(), request.target().size());
  const std::string_view path = target.substr(0, target.find('?'));
  const http::verb verb = request.method();
  if (path == "/metrics" && verb == http::verb::get) {
    return reply(request, 200, metrics_.render(), telemetry::prometheus_content_type);
  }
  if (path != "/api/v1/station") {
    throw ApiError(404, fmt::format("no resource {}; see /api/v1/station, /metrics", text_excerpt(path, 80)));
  }
  if (verb == http::verb::get) {
    const auto [config, plans] = hooks_.current();
    return reply_json(request, 200, {{"end-station", station_}, {"plans-loaded", plans}, {"config", to_json(config)}});
  }
  if (verb != http::verb::put) {
    throw ApiError(
        405, fmt::format("{} is not allowed on /api/v1/station (GET, PUT)", std::string(request.method_string())));
  }
  if (peer.tls && !peer.certificate_verified) {
    throw ApiError(403, fmt::format("writes need a client certificate signed by this station's CA ({}); make one "
                                    "with scripts/pki.sh DIR --client NAME",
                                    peer.problem.empty() ? "none was presented" : peer.problem));
  }
  StationConfig config;
  try {
    config = station_config_from_json(parse_bounded_json(request.body()));
  } catch (const ConfigError& e) {
    throw ApiError(400, fmt::format("the station configuration is refused, nothing changed: {}", e.what()));
  } catch (const std::exception& e) {
    throw ApiError(400, fmt::format("the body is not a takt-station/1 document, nothing changed: {}", e.what()));
  }
  if (config.station != station_) {
    throw ApiError(400, fmt::format("the configuration is for end station \"{}\", this is \"{}\"",
                                    text_excerpt(config.station, 64), station_));
  }
  try {
    hooks_.apply(config);
  } catch (const ConfigError& e) {
    throw ApiError(400, fmt::format("the station configuration is refused, nothing changed: {}", e.what()));
  }
  return reply_json(request, 200,
                    {{"end-station", station_},
                     {"applied", true},
                     {"talks", config.talks.size()},
                     {"listens", config.listens.size()}});
}

}  // namespace takt::station
