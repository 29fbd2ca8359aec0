#pragma once
// One snapshot of a node's PTP state as ptp4l reports it, and the judgement of whether the
// node's clock can be trusted for a schedule whose sync error budget is known.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ptp/clock_identity.hpp"
#include "ptp/port_state.hpp"
#include "dataplane/core/time.hpp"

namespace takt::ptp {

class PtpManagementClient;

// TAI - UTC to use when ptp4l does not vouch for its currentUtcOffset (DESIGN.md, Clocks):
// the value in force since 2017-01-01.
inline constexpr std::chrono::seconds kDefaultUtcOffset{37};

struct PortHealth {
  PortIdentity port_identity;
  PortState state = PortState::initializing;
  std::uint8_t delay_mechanism = 0;  // 1 E2E, 2 P2P
  Nanos peer_mean_path_delay{0};     // P2P only; 0 for E2E ports
};

struct ClockHealth {
  ClockIdentity clock_identity;  // this ptp4l's own
  std::uint8_t domain_number = 0;
  std::vector<PortHealth> ports;  // sorted by port number

  Nanos offset_from_master{0};  // TIME_STATUS_NP master_offset: local - master
  Nanos last_sync_ingress{0};   // local timescale; 0 until the first Sync arrived
  // CURRENT_DATA_SET meanPathDelay. E2E only: ptp4l leaves it 0 on P2P links, where the slave
  // port's PortHealth::peer_mean_path_delay is the measured delay.
  Nanos mean_path_delay{0};
  std::uint16_t steps_removed = 0;

  ClockIdentity grandmaster_identity;  // PARENT_DATA_SET grandmasterIdentity
  bool gm_present = false;             // TIME_STATUS_NP: false when this clock is the GM

  std::int16_t current_utc_offset = 0;  // seconds, as announced
  bool current_utc_offset_valid = false;
  bool ptp_timescale = false;
  std::uint8_t time_source = 0;

  // TAI - UTC to apply: the announced currentUtcOffset when valid, else kDefaultUtcOffset.
  std::chrono::seconds utc_offset() const;
  // This clock is the grandmaster of its domain and serves it: a port is MASTER and the GM
  // identity is its own.
  bool is_grandmaster() const;
};

// Reads the snapshot with six GETs (DEFAULT_DATA_SET, PORT_DATA_SET, TIME_STATUS_NP,
// CURRENT_DATA_SET, PARENT_DATA_SET, TIME_PROPERTIES_DATA_SET). Throws what the client throws.
ClockHealth read_clock_health(PtpManagementClient& client);

struct HealthAssessment {
  bool ok = false;
  std::string reason;  // why it is fine, or what a person should check
};

// ok when the node is the grandmaster, or a port is SLAVE and |offset from master| is within
// `sync_budget`. Anything else (UNCALIBRATED, LISTENING, FAULTY, offset too large, ...) comes
// with a reason naming the port and what to check.
HealthAssessment assess(const ClockHealth& health, Nanos sync_budget);

// One line per fact, for people.
std::string to_text(const ClockHealth& health);

// nlohmann::json conversions (found by ADL): identities as ptp4l prints them, port states by
// name, durations as integer nanoseconds ("_ns") or seconds ("_s").
void to_json(nlohmann::json& j, const PortHealth& port);
void to_json(nlohmann::json& j, const ClockHealth& health);
void to_json(nlohmann::json& j, const HealthAssessment& assessment);

}  // namespace takt::ptp
