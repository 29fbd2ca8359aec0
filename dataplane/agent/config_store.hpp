#pragma once
// Staged versus committed configuration of one bridge: the agent's half of the installer's
// two-phase commit.
//
//   stage(tx, config)   validates completely against the bridge (ports, list lengths, tick
//                       granularity) and reserves the bridge for transaction tx. Nothing runs.
//   commit(tx, base)    flips: the staged config becomes the admin values, each port's base
//                       time = base, and the gate engines switch admin -> oper at their
//                       config-change time. Refused unless base is still in the future, so
//                       the change cannot have started when commit returns.
//   abort(tx)           drops what tx staged; if tx already committed and its schedule has not
//                       become oper yet, puts the previous configuration back. That is how one
//                       failed commit among many bridges leaves every bridge on its old schedule.
//
// Thread-safe: the HTTP server calls it from any thread.
#include <chrono>
#include <mutex>
#include <optional>
#include <string>

#include "dataplane/agent/bridge_runtime.hpp"

namespace takt::agent {

struct StagedConfig {
  std::string transaction;
  bridge::BridgeConfig config;
  TaiTime staged_at{};
};

struct CommittedConfig {
  std::string transaction;
  bridge::BridgeConfig config;  // as applied: every port's admin-base-time set
  TaiTime base_time{};
  TaiTime committed_at{};
};

enum class AbortOutcome { nothing_to_abort, staged_dropped, commit_reverted };

struct StoreOptions {
  // A reservation older than this may be taken over by another transaction: an installer
  // that died between stage and commit does not lock the bridge forever.
  Nanos reservation_timeout = std::chrono::seconds(30);
  // How far in the future a commit's base time must be at least: time for the commit to
  // reach every engine before the change.
  Nanos min_commit_lead = std::chrono::milliseconds(1);
};

class ConfigStore {
 public:
  explicit ConfigStore(BridgeRuntime& runtime, StoreOptions options = {});

  // Throws ApiError 400 (config does not fit this bridge) or 409 (reserved by another
  // transaction). Re-staging within the same transaction replaces the staged config.
  void stage(const std::string& transaction, bridge::BridgeConfig config);
  // Throws ApiError 409 when nothing or another transaction is staged, or base time is not
  // far enough in the future; 500 when the runtime refused (then nothing changed).
  CommittedConfig commit(const std::string& transaction, TaiTime base_time);
  // Throws ApiError 409 when tx's schedule is already oper (too late to revert).
  AbortOutcome abort(const std::string& transaction);

  std::optional<StagedConfig> staged() const;
  std::optional<CommittedConfig> committed() const;

  // Throws ApiError 400 naming the port and limit when config does not fit the bridge.
  void check_fits(const bridge::BridgeConfig& config) const;

 private:
  BridgeRuntime& runtime_;
  StoreOptions options_;
  mutable std::mutex mutex_;
  std::optional<StagedConfig> staged_;
  std::optional<CommittedConfig> committed_;
  std::optional<CommittedConfig> previous_;  // what abort(tx of committed_) restores
};

const char* to_string(AbortOutcome outcome);

}  // namespace takt::agent
