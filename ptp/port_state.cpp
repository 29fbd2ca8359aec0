#include "ptp/port_state.hpp"

#include <array>
#include <utility>

#include <fmt/format.h>

namespace takt::ptp {
namespace {

constexpr std::array<std::pair<PortState, std::string_view>, 10> kNames{{
    {PortState::initializing, "INITIALIZING"},
    {PortState::faulty, "FAULTY"},
    {PortState::disabled, "DISABLED"},
    {PortState::listening, "LISTENING"},
    {PortState::pre_master, "PRE_MASTER"},
    {PortState::master, "MASTER"},
    {PortState::passive, "PASSIVE"},
    {PortState::uncalibrated, "UNCALIBRATED"},
    {PortState::slave, "SLAVE"},
    {PortState::grand_master, "GRAND_MASTER"},
}};

}  // namespace

std::string port_state_name(PortState state) {
  for (const auto& [value, name] : kNames) {
    if (value == state) return std::string(name);
  }
  return fmt::format("UNKNOWN({})", static_cast<unsigned>(state));
}

std::optional<PortState> parse_port_state(std::string_view name) {
  for (const auto& [value, known] : kNames) {
    if (known == name) return value;
  }
  return std::nullopt;
}

}  // namespace takt::ptp
