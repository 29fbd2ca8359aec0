#include "control/southbound/client_tls_contexts.hpp"

#include <map>
#include <mutex>
#include <string>

#include "control/southbound/agent_identity.hpp"
#include "protocol/tls_context.hpp"

namespace takt::southbound {

std::shared_ptr<boost::asio::ssl::context> client_tls_context(const AgentEndpoint& endpoint) {
  static std::mutex mutex;
  static std::map<std::string, std::weak_ptr<boost::asio::ssl::context>> contexts;
  const std::string key = tls_files_key(endpoint);
  std::lock_guard lock(mutex);
  if (auto kept = contexts[key].lock()) return kept;
  auto made = std::make_shared<boost::asio::ssl::context>(
      agent::make_client_tls_context(endpoint.ca_file, endpoint.certificate_file, endpoint.private_key_file));
  contexts[key] = made;
  std::erase_if(contexts, [](const auto& kv) { return kv.second.expired(); });
  return made;
}

}  // namespace takt::southbound
