#pragma once
// NETCONF sessions kept between installs and reconciliation rounds: one SSH session per bridge.
// Opening one costs an SSH handshake and a YANG context of the server's ~50 modules (about a
// second each); a kept session costs one round trip to prove it is still up.
//
// A session is lent to one user at a time (take) and given back when done (give_back); the
// pool never hands out a session that failed its probe: it opens a fresh one instead. Sessions
// are keyed by everything that makes them: URL, key, known hosts, YANG folders.
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "control/southbound/agent_endpoint.hpp"
#include "control/southbound/netconf_session.hpp"

namespace takt::southbound {

class NetconfSessionPool {
 public:
  // A live session to `endpoint`: the kept one if a <get-config> round trip still answers,
  // else a new one (NetconfSession::connect, which throws NetconfError).
  std::unique_ptr<NetconfSession> take(const AgentEndpoint& endpoint);
  // Keeps `session` for the next take() if its transport is still up; else drops it.
  void give_back(std::unique_ptr<NetconfSession> session);

  std::size_t kept() const;
  // Sessions opened and sessions reused since the pool was made (for the benchmark and tests).
  std::size_t opened() const;
  std::size_t reused() const;

 private:
  static std::string key_of(const AgentEndpoint& endpoint);

  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<NetconfSession>> idle_;
  std::size_t opened_ = 0, reused_ = 0;
};

}  // namespace takt::southbound
