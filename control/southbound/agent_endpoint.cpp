#include "control/southbound/agent_endpoint.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "common/file_text.hpp"
#include "ptp/clock_identity.hpp"

namespace takt::southbound {

namespace fs = std::filesystem;

void parse_agent_url(AgentEndpoint& e, const std::string& url) {
  e.url = url;
  std::string_view rest = url;
  e.protocol = BridgeProtocol::takt_agent;
  if (rest.starts_with("https://")) {
    e.tls = true;
    rest.remove_prefix(8);
  } else if (rest.starts_with("http://")) {
    e.tls = false;
    rest.remove_prefix(7);
  } else if (rest.starts_with("netconf://")) {
    e.protocol = BridgeProtocol::netconf;
    e.tls = false;
    rest.remove_prefix(10);
  } else {
    throw AgentsFileError(fmt::format(
        "agent URL \"{}\" must start with https:// (or http:// for --plain-http agents, netconf:// for NETCONF "
        "bridges)",
        url));
  }
  if (const auto slash = rest.find('/'); slash != std::string_view::npos) rest = rest.substr(0, slash);
  if (e.protocol == BridgeProtocol::netconf) {
    const auto at = rest.rfind('@');
    if (at == std::string_view::npos || at == 0)
      throw AgentsFileError(fmt::format("NETCONF URL \"{}\" needs the SSH user: netconf://USER@HOST[:PORT]", url));
    e.ssh_user = std::string(rest.substr(0, at));
    // The user goes to the SSH server as is: keep it to what a login name can be.
    for (const char c : e.ssh_user)
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'))
        throw AgentsFileError(
            fmt::format("NETCONF URL \"{}\": the user may hold only letters, digits, '_', '-' and '.'", url));
    rest.remove_prefix(at + 1);
  }
  std::string_view host = rest;
  std::string_view port;
  if (rest.starts_with('[')) {
    const auto close = rest.find(']');
    if (close == std::string_view::npos) throw AgentsFileError(fmt::format("agent URL \"{}\": unclosed [", url));
    host = rest.substr(1, close - 1);
    if (close + 1 < rest.size() && rest[close + 1] == ':') port = rest.substr(close + 2);
  } else if (const auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  if (host.empty()) throw AgentsFileError(fmt::format("agent URL \"{}\" has no host", url));
  e.host = std::string(host);
  if (port.empty()) {
    e.port = e.protocol == BridgeProtocol::netconf ? 830 : e.tls ? 443 : 80;
  } else {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535)
      throw AgentsFileError(fmt::format("agent URL \"{}\": port \"{}\" is not 1..65535", url, port));
    e.port = static_cast<std::uint16_t>(value);
  }
}

namespace {

std::string where(const std::string& path, const YAML::Node& node) {
  return fmt::format("{}:{}:{}", path, node.Mark().line + 1, node.Mark().column + 1);
}

std::uint8_t small_number(const YAML::Node& v, int max, const std::string& key, const std::string& path) {
  int n = -1;
  try {
    n = v.as<int>();
  } catch (const YAML::Exception&) {
  }
  if (n < 0 || n > max) throw AgentsFileError(fmt::format("{}: {} must be 0 to {}", where(path, v), key, max));
  return static_cast<std::uint8_t>(n);
}

void apply_settings(AgentEndpoint& e, const YAML::Node& node, const std::string& path, const fs::path& base) {
  for (const auto& kv : node) {
    const std::string key = kv.first.as<std::string>();
    const YAML::Node& v = kv.second;
    auto file = [&] { return (base / v.as<std::string>()).lexically_normal().string(); };
    if (key == "url")
      parse_agent_url(e, v.as<std::string>());
    else if (key == "ca")
      e.ca_file = file();
    else if (key == "cert")
      e.certificate_file = file();
    else if (key == "key")
      e.private_key_file = file();
    else if (key == "ssh-key")
      e.ssh_key_file = file();
    else if (key == "known-hosts")
      e.known_hosts_file = file();
    else if (key == "yang-dir") {
      e.yang_dirs.clear();
      const std::string list = v.as<std::string>();
      std::size_t from = 0;
      while (from <= list.size()) {
        const std::size_t colon = std::min(list.find(':', from), list.size());
        if (colon > from) e.yang_dirs.push_back((base / list.substr(from, colon - from)).lexically_normal().string());
        from = colon + 1;
      }
    } else if (key == "netconf-content") {
      const std::string content = v.as<std::string>();
      if (content == "all")
        e.netconf_content = NetconfContent::all;
      else if (content == "schedule")
        e.netconf_content = NetconfContent::schedule;
      else
        throw AgentsFileError(fmt::format("{}: netconf-content must be \"all\" or \"schedule\"", where(path, v)));
    } else if (key == "netconf-fallback") {
      const std::string fallback = v.as<std::string>();
      if (fallback == "refuse")
        e.netconf_fallback = NetconfFallback::refuse;
      else if (fallback == "edit-running")
        e.netconf_fallback = NetconfFallback::edit_running;
      else
        throw AgentsFileError(
            fmt::format("{}: netconf-fallback must be \"refuse\" or \"edit-running\"", where(path, v)));
    } else if (key == "ptp-clock") {
      e.ptp_clock = v.as<std::string>();
      if (!ptp::parse_clock_identity(e.ptp_clock))
        throw AgentsFileError(
            fmt::format("{}: ptp-clock must be a clockIdentity as ptp4l prints it "
                        "(0eeb4d.fffe.f4fac8)",
                        where(path, v)));
    } else if (key == "ptp-via")
      e.ptp_via = file();
    else if (key == "ptp-transport-specific")
      e.ptp_transport_specific = small_number(v, 15, key, path);
    else if (key == "ptp-domain")
      e.ptp_domain = small_number(v, 255, key, path);
    else if (key == "ptp-boundary-hops")
      e.ptp_boundary_hops = small_number(v, 255, key, path);
    else if (key == "connect-timeout-ms")
      e.connect_timeout = std::chrono::milliseconds(v.as<int>());
    else if (key == "request-timeout-ms")
      e.request_timeout = std::chrono::milliseconds(v.as<int>());
    else
      throw AgentsFileError(fmt::format(
          "{}: unknown key \"{}\" (known: url, ca, cert, key, ssh-key, known-hosts, netconf-content, netconf-fallback, "
          "ptp-clock, ptp-via, ptp-transport-specific, ptp-domain, ptp-boundary-hops, yang-dir, "
          "connect-timeout-ms, request-timeout-ms)",
          where(path, kv.first), key));
  }
}

}  // namespace

// One section of agents.yaml ("agents": bridges, "stations": end stations running
// takt-station), each entry inheriting "defaults".
static std::vector<AgentEndpoint> load_section(const std::string& path, const std::string& section, bool required) {
  // The system's reason when it cannot be read ("Permission denied"), and a size bound.
  const auto text = read_file_text(path);
  if (!text) throw AgentsFileError(text.error().message);
  YAML::Node root;
  try {
    root = YAML::Load(*text);
  } catch (const YAML::Exception& e) {
    throw AgentsFileError(fmt::format("{}:{}:{}: {}", path, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
  const fs::path base = fs::path(path).parent_path();
  if (!root.IsMap() || !root["agents"] || !root["agents"].IsMap())
    throw AgentsFileError(fmt::format("{}: expected a map with \"agents\": bridge name -> URL", path));
  if (root["stations"] && !root["stations"].IsMap())
    throw AgentsFileError(fmt::format("{}: \"stations\" must map end-station names to takt-station API URLs", path));
  for (const auto& kv : root) {
    const auto key = kv.first.as<std::string>();
    if (key != "agents" && key != "stations" && key != "defaults")
      throw AgentsFileError(
          fmt::format("{}: unknown key \"{}\" (known: agents, stations, defaults)", where(path, kv.first), key));
  }
  AgentEndpoint defaults;
  try {
    if (root["defaults"]) apply_settings(defaults, root["defaults"], path, base);
    std::vector<AgentEndpoint> agents;
    if (!root[section]) {
      if (required) throw AgentsFileError(fmt::format("{}: no \"{}\"", path, section));
      return agents;
    }
    for (const auto& kv : root[section]) {
      AgentEndpoint e = defaults;
      e.bridge = kv.first.as<std::string>();
      e.url.clear();
      if (kv.second.IsScalar())
        parse_agent_url(e, kv.second.as<std::string>());
      else if (kv.second.IsMap())
        apply_settings(e, kv.second, path, base);
      if (e.url.empty()) throw AgentsFileError(fmt::format("{}: agent {} has no url", where(path, kv.first), e.bridge));
      if (e.protocol == BridgeProtocol::netconf && (e.ssh_key_file.empty() || e.known_hosts_file.empty()))
        throw AgentsFileError(fmt::format(
            "{}: NETCONF bridge {} needs \"ssh-key\" (our private key) and \"known-hosts\" (the switch's host key)",
            where(path, kv.first), e.bridge));
      if (e.protocol == BridgeProtocol::netconf && section != "agents")
        throw AgentsFileError(
            fmt::format("{}: {}: end stations are reached over https, not NETCONF", where(path, kv.first), e.bridge));
      if (e.tls && e.ca_file.empty())
        throw AgentsFileError(fmt::format("{}: agent {} uses https but no \"ca\" is given to check its certificate",
                                          where(path, kv.first), e.bridge));
      agents.push_back(std::move(e));
    }
    std::sort(agents.begin(), agents.end(), [](const auto& a, const auto& b) { return a.bridge < b.bridge; });
    return agents;
  } catch (const YAML::Exception& e) {
    throw AgentsFileError(fmt::format("{}:{}:{}: {}", path, e.mark.line + 1, e.mark.column + 1, e.msg));
  } catch (const AgentsFileError& e) {
    const std::string what = e.what();
    if (what.starts_with(path)) throw;
    throw AgentsFileError(path + ": " + what);
  }
}

std::vector<AgentEndpoint> load_agents_file(const std::string& path) { return load_section(path, "agents", true); }

std::vector<AgentEndpoint> load_station_endpoints(const std::string& path) {
  return load_section(path, "stations", false);
}

}  // namespace takt::southbound
