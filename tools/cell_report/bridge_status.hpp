#pragma once
// The bridges as their switch agents reported them: at the install (which transaction, at which
// base time) and at the end of the run (taktctl status --format json).

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace takt::cell_report {

struct BridgeState {
  std::string bridge;
  std::optional<std::string> error;              // the agent did not answer
  std::string transaction;                       // the committed transaction in force
  std::string clock;                             // "SLAVE of ...: offset ..." as taktctl status words it
  std::optional<std::uint64_t> deadline_misses;  // frames that resided beyond max-latency
};

struct InstalledBridge {
  std::string bridge;
  std::int64_t base_time_ns = 0;  // TAI
};

struct InstallRecord {
  std::string transaction;
  std::vector<InstalledBridge> bridges;
};

// taktctl status --format json; an empty or missing file (taktctl did not answer) is none.
std::vector<BridgeState> read_bridge_status(const std::filesystem::path& file);

// The install folder the virtual cell writes once the plan is in force: status.json (taktctl
// status) and bridge-<name>.json (each agent's GET /api/v1/bridge). None when it is missing.
std::optional<InstallRecord> read_install_record(const std::filesystem::path& dir);

}  // namespace takt::cell_report
