#include "control/southbound/agent_identity.hpp"

#include <filesystem>
#include <system_error>

#include <fmt/format.h>

namespace takt::southbound {

namespace {

std::string file_stamp(const std::string& path) {
  if (path.empty()) return "-";
  std::error_code ec;
  const auto time = std::filesystem::last_write_time(path, ec);
  if (ec) return path + "@?";
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return path + "@?";
  return fmt::format("{}@{}:{}", path, time.time_since_epoch().count(), size);
}

}  // namespace

// '\n' cannot occur in a host name, and it separates paths that might contain other separators.
std::string tls_files_key(const AgentEndpoint& e) {
  return fmt::format("{}\n{}\n{}", file_stamp(e.ca_file), file_stamp(e.certificate_file),
                     file_stamp(e.private_key_file));
}

std::string tls_session_key(const AgentEndpoint& e) {
  return fmt::format("{}\n{}\n{}", e.host, e.port, tls_files_key(e));
}

std::string agent_client_key(const AgentEndpoint& e) {
  return fmt::format("{}\n{}\n{}\n{}\n{}\n{}", tls_session_key(e), e.bridge, e.url, e.tls ? "tls" : "plain",
                     e.connect_timeout.count(), e.request_timeout.count());
}

}  // namespace takt::southbound
