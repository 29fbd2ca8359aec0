#pragma once
// The installer's steps on one NETCONF bridge, mirroring a takt agent's health, stage, commit,
// confirm and abort (installer.hpp):
//
//   check    SSH session, host key, the server's capabilities (:candidate, :confirmed-commit:1.1)
//            and the models this bridge's plan needs; refused naming the missing piece.
//   stage    lock the candidate, drop what it held, edit-config the plan into it (gate tables
//            replaced whole), validate. Nothing runs it yet.
//   commit   the base time into the candidate, validate, then a confirmed commit with the
//            transaction as persist id: the bridge reverts by itself unless it is confirmed
//            before the timeout, so a controller that dies mid-install leaves no mixed schedule.
//   verify   read the running configuration back and compare it leaf by leaf with the plan.
//   confirm  the confirming commit; the candidate unlocked.
//   abort    cancel-commit when committed, else discard-changes; the candidate unlocked.
//
// One SSH session serves every step. Blocking; one thread at a time.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "control/southbound/agent_endpoint.hpp"
#include "control/southbound/netconf_session.hpp"
#include "dataplane/core/time.hpp"

namespace takt::southbound {

class NetconfBridge {
 public:
  // `doc`: the bridge's yang/<bridge>.json (RFC 7951).
  NetconfBridge(AgentEndpoint endpoint, nlohmann::ordered_json doc);
  ~NetconfBridge();
  NetconfBridge(const NetconfBridge&) = delete;
  NetconfBridge& operator=(const NetconfBridge&) = delete;

  const AgentEndpoint& endpoint() const { return endpoint_; }

  // Each throws NetconfError naming the bridge. check() returns its health line.
  std::string check();
  void stage();
  void commit(TaiTime base, const std::string& transaction, unsigned confirm_timeout_seconds);
  std::vector<std::string> verify();
  void confirm(const std::string& transaction);
  // What it undid: "commit-cancelled", "staged-dropped" or "nothing-to-abort".
  std::string abort(const std::string& transaction);

 private:
  NetconfSession& session();

  AgentEndpoint endpoint_;
  nlohmann::ordered_json doc_;  // cut to the endpoint's content
  std::unique_ptr<NetconfSession> session_;
  bool locked_ = false;
  bool staged_ = false;
  bool committed_ = false;  // confirmed commit sent, not yet confirmed
  std::optional<TaiTime> base_;
};

}  // namespace takt::southbound
