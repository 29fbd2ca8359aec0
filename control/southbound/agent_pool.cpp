#include "control/southbound/agent_pool.hpp"

#include <stdexcept>

#include "control/southbound/agent_identity.hpp"
#include "control/southbound/tls_session_cache.hpp"

namespace takt::southbound {

AgentPool& AgentPool::process() {
  static AgentPool* pool = new AgentPool;
  return *pool;
}

AgentPool::Lease AgentPool::lease() {
  if (!lent_.try_lock()) return Lease();
  return Lease(*this);
}

AgentPool::Lease::Lease(AgentPool& shared) : pool_(&shared) { ++pool_->depth_; }

AgentPool::Lease::Lease() : own_(std::make_unique<AgentPool>()) { pool_ = own_.get(); }

AgentPool::Lease::Lease(Lease&& other) noexcept : pool_(other.pool_), own_(std::move(other.own_)) {
  other.pool_ = nullptr;
}

AgentPool::Lease::~Lease() {
  if (!pool_ || own_) return;
  if (--pool_->depth_ == 0) pool_->drop_idle();
  pool_->lent_.unlock();
}

AgentClient& AgentPool::Lease::client(const AgentEndpoint& endpoint) {
  auto& clients = pool_->clients_;
  const std::string key = agent_client_key(endpoint);
  auto it = clients.find(key);
  if (it == clients.end())
    it = clients.emplace(key, Entry{std::make_unique<AgentClient>(pool_->io_, endpoint), {}}).first;
  it->second.leased = std::chrono::steady_clock::now();
  return *it->second.client;
}

void AgentPool::drop_idle() {
  const auto now = std::chrono::steady_clock::now();
  std::erase_if(clients_, [&](const auto& kv) { return now - kv.second.leased > kIdleClient; });
}

void AgentPool::close_connections() {
  std::lock_guard lock(lent_);
  if (depth_ > 0) throw std::logic_error("AgentPool::close_connections() while this thread holds a lease");
  for (auto& [key, entry] : clients_) entry.client->close();
  io_.restart();
  io_.poll();
}

void AgentPool::clear() {
  std::lock_guard lock(lent_);
  if (depth_ > 0) throw std::logic_error("AgentPool::clear() while this thread holds a lease");
  clients_.clear();
  // Handlers of closed connections still queued: run them out, so nothing of the old clients
  // is left for the next lease.
  io_.restart();
  io_.poll();
  TlsSessionCache::process().clear();
}

}  // namespace takt::southbound
