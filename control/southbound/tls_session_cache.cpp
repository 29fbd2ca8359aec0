#include "control/southbound/tls_session_cache.hpp"

namespace takt::southbound {

namespace {

// Far more agents than any plant has; beyond it the cache starts over rather than grow.
constexpr std::size_t kMaxSessions = 4096;

}  // namespace

TlsSessionCache& TlsSessionCache::process() {
  static TlsSessionCache* cache = new TlsSessionCache;
  return *cache;
}

TlsSessionCache::~TlsSessionCache() { clear(); }

bool TlsSessionCache::offer(SSL* ssl, const std::string& key) {
  std::lock_guard lock(mutex_);
  const auto it = sessions_.find(key);
  if (it == sessions_.end()) return false;
  if (std::chrono::steady_clock::now() - it->second.verified > kMaxSessionAge) {
    release(it->second);
    sessions_.erase(it);
    return false;
  }
  // A copy again: the connection may end without a TLS shutdown, which spoils the session it used.
  SSL_SESSION* copy = SSL_SESSION_dup(it->second.session);
  if (!copy) return false;
  const bool offered = SSL_set_session(ssl, copy) == 1;  // takes its own reference
  SSL_SESSION_free(copy);
  return offered;
}

void TlsSessionCache::remember(SSL* ssl, const std::string& key) {
  SSL_SESSION* session = SSL_get1_session(ssl);
  if (!session) return;
  const auto now = std::chrono::steady_clock::now();
  std::unique_lock lock(mutex_);
  auto it = sessions_.find(key);
  // Already kept (TLS 1.3 sends new tickets only on new connections), or of no use.
  if ((it != sessions_.end() && it->second.source == session) || !SSL_SESSION_is_resumable(session)) {
    lock.unlock();
    SSL_SESSION_free(session);
    return;
  }
  // A resumed handshake verified nothing new: the age counts from the full one before it, and
  // without that one (forgotten meanwhile) the session is not kept.
  if (SSL_session_reused(ssl) && it == sessions_.end()) {
    lock.unlock();
    SSL_SESSION_free(session);
    return;
  }
  // A copy: OpenSSL marks a session unresumable when a connection using it is freed without a
  // TLS shutdown, which is how kept connections end (idle, or the agent said close).
  SSL_SESSION* copy = SSL_SESSION_dup(session);
  if (!copy) {
    lock.unlock();
    SSL_SESSION_free(session);
    return;
  }
  const auto verified = SSL_session_reused(ssl) ? it->second.verified : now;
  if (it == sessions_.end()) {
    if (sessions_.size() >= kMaxSessions) {
      for (auto& [k, e] : sessions_) release(e);
      sessions_.clear();
    }
    it = sessions_.emplace(key, Entry{}).first;
  } else {
    release(it->second);
  }
  it->second = Entry{copy, session, verified};
}

void TlsSessionCache::forget(const std::string& key) {
  std::lock_guard lock(mutex_);
  const auto it = sessions_.find(key);
  if (it == sessions_.end()) return;
  release(it->second);
  sessions_.erase(it);
}

void TlsSessionCache::clear() {
  std::lock_guard lock(mutex_);
  for (auto& [k, e] : sessions_) release(e);
  sessions_.clear();
}

void TlsSessionCache::release(Entry& e) {
  SSL_SESSION_free(e.session);
  SSL_SESSION_free(e.source);
  e = Entry{};
}

std::size_t TlsSessionCache::size() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

}  // namespace takt::southbound
