#pragma once
// Installs a desired plant on every bridge so all switch at one instant, or none does:
//
//   1. clock health on every agent, judged against the plan's sync budget: refused, naming
//      the bridge, if any is unsynchronised (or has no clock health, unless allowed);
//   2. stage the configuration on every agent (each validates it completely and reserves
//      itself for this transaction);
//   3. one base time for all: the agents' TAI now + lead, rounded up to a hyperperiod boundary;
//   4. commit on every agent (each only flips staged -> admin with that base time);
//   5. confirm: every agent reports the new schedule pending or oper, and after the base time
//      every port runs it.
// Any failure in 2 or 4 aborts the transaction everywhere: staged configs are dropped and
// commits whose base time has not come yet are reverted, so every bridge stays on its old
// schedule. The base time's lead is what makes 4 revertible.
//
// NETCONF bridges (agents.yaml netconf:// entries, netconf_bridge.hpp) take the same steps
// beside the agents: check (capabilities and models), stage into the candidate, a confirmed
// commit with the base time, a leaf-by-leaf read back, and the confirming commit last; an abort
// cancels their commit or discards their candidate.
#include <chrono>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "control/southbound/agent_endpoint.hpp"
#include "control/southbound/desired_plant.hpp"
#include "control/southbound/schedule_diff.hpp"

namespace takt::southbound {

class NetconfSessionPool;

struct InstallOptions {
  // How far after the agents' current time the base time lies at least: enough for every
  // commit to arrive (and, on failure, every abort) before any bridge switches.
  Nanos lead = std::chrono::milliseconds(500);
  bool allow_unsynchronised = false;  // development: install without clock health
  bool wait_for_oper = true;          // after commit, wait for the base time and check oper state
  // A NETCONF bridge reverts its confirmed commit by itself unless it is confirmed within this
  // time: the bound on how long a controller that died mid-install leaves it on the new plan.
  std::chrono::seconds netconf_confirm_timeout{120};
  // Lends the NETCONF bridges' sessions and keeps them afterwards (takt-controller keeps one
  // per bridge between rounds); null: a session per bridge for this install only.
  NetconfSessionPool* netconf_sessions = nullptr;
  // Holds the staged transaction this long before committing. Tests use it to lose a bridge
  // (kill its sshd or agent) between stage and commit; 0 in any real install.
  Nanos hold_before_commit{0};
  // Receives progress lines ("staged on 3 bridges in 4.2 ms"); may be empty.
  std::function<void(const std::string&)> progress;
};

struct InstallReport {
  std::string transaction;
  TaiTime base_time{};
  std::vector<PortChange> changes;
  std::vector<std::string> health;  // one line per bridge
  // Phase durations, for people and the benchmark.
  Nanos health_time{0}, stage_time{0}, commit_time{0}, confirm_time{0}, total_time{0};
};

// The install did not happen; every bridge stays on (or was put back on) its old schedule
// unless `failures` says otherwise. The message lists each bridge and reason.
class InstallError : public std::runtime_error {
 public:
  InstallError(const std::string& what, std::vector<std::string> failures)
      : std::runtime_error(what), failures_(std::move(failures)) {}
  const std::vector<std::string>& failures() const { return failures_; }

 private:
  std::vector<std::string> failures_;
};

// Throws InstallError. `agents` must name an agent for every bridge of `desired`; agents of
// other bridges are ignored.
InstallReport install(const DesiredPlant& desired, const std::vector<AgentEndpoint>& agents,
                      const InstallOptions& options = {});

// A fresh random transaction id (16 hex digits).
std::string new_transaction_id();

// base time = the smallest multiple of `hyperperiod` at or after now + lead (now + lead when
// the hyperperiod is 0).
TaiTime pick_base_time(TaiTime now, Nanos lead, Nanos hyperperiod);

}  // namespace takt::southbound
