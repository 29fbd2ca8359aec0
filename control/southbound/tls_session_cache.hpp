#pragma once
// TLS sessions of agent connections, kept per process so that a new TCP connection to an agent
// resumes (RFC 8446 section 2.2, RFC 5077 tickets) instead of repeating the full handshake with
// both certificates. A session is only offered again to the same host and port under the same
// CA and client certificate (the key says so): resumption then proves the agent is the one whose
// certificate we verified for that name, since only it can decrypt its ticket. Every full
// handshake still checks the certificate; a session older than kMaxSessionAge is not offered,
// so the agent's certificate is verified again at least that often. Thread-safe.
#include <chrono>
#include <map>
#include <mutex>
#include <string>

#include <openssl/ssl.h>

namespace takt::southbound {

class TlsSessionCache {
 public:
  static constexpr auto kMaxSessionAge = std::chrono::minutes(30);

  // The one cache of this process (never destroyed: connections may close at exit).
  static TlsSessionCache& process();

  TlsSessionCache() = default;
  ~TlsSessionCache();
  TlsSessionCache(const TlsSessionCache&) = delete;
  TlsSessionCache& operator=(const TlsSessionCache&) = delete;

  // Before a client handshake on `ssl`: sets the session kept under `key`, if there is a fresh
  // one. Returns whether one was offered.
  bool offer(SSL* ssl, const std::string& key);
  // After an exchange on `ssl` whose certificate checks passed: keeps its current session
  // under `key` when it can be resumed. A session resumed from one kept earlier inherits that
  // one's verification time; a fully verified one starts its own.
  void remember(SSL* ssl, const std::string& key);
  // After a failure that may be the session's fault (handshake refused, resumption not honoured).
  void forget(const std::string& key);
  void clear();
  std::size_t size() const;

 private:
  struct Entry {
    SSL_SESSION* session = nullptr;                  // owned: what is offered, a copy of `source`
    SSL_SESSION* source = nullptr;                   // owned reference: the connection's own, to know it again
    std::chrono::steady_clock::time_point verified;  // when the full handshake checked the agent
  };
  static void release(Entry& e);

  mutable std::mutex mutex_;
  std::map<std::string, Entry> sessions_;
};

}  // namespace takt::southbound
