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
// A server without :candidate or :confirmed-commit:1.1 is refused, unless the endpoint says
// netconf-fallback: edit-running and it has :writable-running. Then:
//
//   stage    lock running, keep a copy of it (the backup); nothing is written yet.
//   commit   edit running with the plan and the base time in one edit-config.
//   verify   as above.
//   confirm  unlock running.
//   abort    after commit, put back what the backup held for everything the plan touches; the
//            base time has not come, so the switch never ran the new plan. Unlock.
//
// One SSH session serves every step: a fresh one, or one lent by a NetconfSessionPool and given
// back when the bridge is destroyed (the controller keeps one per bridge between rounds).
// Blocking; one thread at a time.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "control/southbound/agent_endpoint.hpp"
#include "control/southbound/netconf_session.hpp"
#include "control/southbound/netconf_session_pool.hpp"
#include "control/southbound/schedule_diff.hpp"
#include "dataplane/core/time.hpp"

namespace takt::southbound {

class NetconfBridge {
 public:
  // `doc`: the bridge's yang/<bridge>.json (RFC 7951). `pool`, if given, lends the session and
  // gets it back; it must outlive the bridge.
  NetconfBridge(AgentEndpoint endpoint, nlohmann::ordered_json doc, NetconfSessionPool* pool = nullptr);
  ~NetconfBridge();
  NetconfBridge(const NetconfBridge&) = delete;
  NetconfBridge& operator=(const NetconfBridge&) = delete;

  const AgentEndpoint& endpoint() const { return endpoint_; }
  // Per gated port of the plan, what the switch held at check() and what the plan installs.
  const std::vector<PortChange>& port_changes() const { return changes_; }

  // Each throws NetconfError naming the bridge. check() returns its health line (the clock is
  // read apart: remote_clock.hpp).
  std::string check();
  void stage();
  void commit(TaiTime base, const std::string& transaction, unsigned confirm_timeout_seconds);
  std::vector<std::string> verify();
  void confirm(const std::string& transaction);
  // What it undid: "commit-cancelled", "staged-dropped" or "nothing-to-abort".
  std::string abort(const std::string& transaction);

  // How the running configuration differs from the plan, one line per leaf ("sw3: PATH: is X,
  // want Y"), outside any install: what takt-controller repairs. The base time is each
  // install's own, so only its phase counts: one off the `hyperperiod` grid runs the cycle out
  // of step with every other bridge. Connects (and checks) first if needed.
  std::vector<std::string> drift(Nanos hyperperiod);

 private:
  NetconfSession& session();
  void open();

  AgentEndpoint endpoint_;
  nlohmann::ordered_json doc_;  // cut to the endpoint's content
  NetconfSessionPool* pool_;
  std::unique_ptr<NetconfSession> session_;
  std::vector<PortChange> changes_;
  bool direct_ = false;  // the edit-running fallback (decided at check)
  DataTree backup_;      // running before the install, for the edit-running fallback's abort
  bool locked_ = false;
  bool staged_ = false;
  bool committed_ = false;  // confirmed commit sent, not yet confirmed
  std::optional<TaiTime> base_;
};

}  // namespace takt::southbound
