#pragma once
// The agent clients of a process, kept between installs: their connections stay open
// (HTTP/1.1 keep-alive) and their TLS sessions stay resumable, so the second apply of a
// long-running takt-controller (or a benchmark) skips the TCP and TLS set-up the first one paid.
//
// A connection belongs to the io_context it was opened on, so the pool owns one and lends it
// with the clients: one lease at a time. A lease taken again on the same thread (the
// controller's reconciliation round holds one while it installs) shares it; a lease taken while
// another thread holds one gets a private io_context and new clients, as before there was a
// pool (their new connections still resume the kept TLS sessions).
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <boost/asio/io_context.hpp>

#include "control/southbound/agent_client.hpp"
#include "control/southbound/agent_endpoint.hpp"

namespace takt::southbound {

class AgentPool {
 public:
  // A client not leased for this long is closed and dropped.
  static constexpr auto kIdleClient = std::chrono::minutes(10);

  // The pool of this process (never destroyed: its connections close at exit).
  static AgentPool& process();

  AgentPool() = default;
  AgentPool(const AgentPool&) = delete;
  AgentPool& operator=(const AgentPool&) = delete;

  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    ~Lease();

    boost::asio::io_context& io() { return pool_->io_; }
    // The client for `endpoint`, kept from an earlier lease when every setting and TLS file
    // is unchanged. Throws AgentError when the TLS files cannot be used.
    AgentClient& client(const AgentEndpoint& endpoint);
    bool shared() const { return !own_; }  // false: a private pool, another thread holds the shared one

   private:
    friend class AgentPool;
    explicit Lease(AgentPool& shared);
    Lease();  // a private pool
    AgentPool* pool_ = nullptr;
    std::unique_ptr<AgentPool> own_;
  };

  Lease lease();
  // Closes every connection and forgets every client and kept TLS session: the next install
  // starts as a fresh process would. Not while this thread holds a lease.
  void clear();
  // Closes every kept connection but keeps the clients and TLS sessions: the next install
  // opens new connections and resumes the sessions, as after an idle pause longer than a
  // connection is kept. Not while this thread holds a lease.
  void close_connections();

 private:
  struct Entry {
    std::unique_ptr<AgentClient> client;
    std::chrono::steady_clock::time_point leased;
  };
  void drop_idle();

  std::recursive_mutex lent_;
  int depth_ = 0;  // leases held on the lending thread
  boost::asio::io_context io_;
  std::map<std::string, Entry> clients_;
};

}  // namespace takt::southbound
