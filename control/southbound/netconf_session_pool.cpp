#include "control/southbound/netconf_session_pool.hpp"

namespace takt::southbound {

std::string NetconfSessionPool::key_of(const AgentEndpoint& e) {
  std::string key = e.url + '\n' + e.ssh_key_file + '\n' + e.known_hosts_file;
  for (const auto& d : e.yang_dirs) key += '\n' + d;
  return key;
}

std::unique_ptr<NetconfSession> NetconfSessionPool::take(const AgentEndpoint& endpoint) {
  std::unique_ptr<NetconfSession> kept;
  {
    std::lock_guard lock(mutex_);
    if (auto it = idle_.find(key_of(endpoint)); it != idle_.end()) {
      kept = std::move(it->second);
      idle_.erase(it);
    }
  }
  if (kept && kept->up()) {
    try {
      kept->get_config(Datastore::running, kProbeFilter);
      std::lock_guard lock(mutex_);
      ++reused_;
      return kept;
    } catch (const NetconfError&) {
      // The server restarted or dropped the idle session: a get-config changes nothing, so a
      // fresh session is as good as a retry.
    }
  }
  kept.reset();
  auto fresh = NetconfSession::connect(endpoint);
  std::lock_guard lock(mutex_);
  ++opened_;
  return fresh;
}

void NetconfSessionPool::give_back(std::unique_ptr<NetconfSession> session) {
  if (!session || !session->up()) return;
  const std::string key = key_of(session->endpoint());
  std::unique_ptr<NetconfSession> replaced;  // freed outside the lock
  std::lock_guard lock(mutex_);
  replaced = std::move(idle_[key]);
  idle_[key] = std::move(session);
}

std::size_t NetconfSessionPool::kept() const {
  std::lock_guard lock(mutex_);
  return idle_.size();
}

std::size_t NetconfSessionPool::opened() const {
  std::lock_guard lock(mutex_);
  return opened_;
}

std::size_t NetconfSessionPool::reused() const {
  std::lock_guard lock(mutex_);
  return reused_;
}

}  // namespace takt::southbound
