#pragma once
// portState as ptp4l reports it in PORT_DATA_SET (IEEE 1588 names; ptp4l 3.x still says
// MASTER/SLAVE, and so do we, so our output matches its logs).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace takt::ptp {

enum class PortState : std::uint8_t {
  initializing = 1,
  faulty = 2,
  disabled = 3,
  listening = 4,
  pre_master = 5,
  master = 6,
  passive = 7,
  uncalibrated = 8,
  slave = 9,
  grand_master = 10,  // ptp4l-internal; pmc shows it as 0
};

// "SLAVE", "UNCALIBRATED", ...; values outside the enum come out as "UNKNOWN(<n>)".
std::string port_state_name(PortState state);
std::optional<PortState> parse_port_state(std::string_view name);

}  // namespace takt::ptp
