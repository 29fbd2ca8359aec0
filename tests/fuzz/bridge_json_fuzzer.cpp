// libFuzzer entry for the JSON a bridge and the controller take from the other side: a
// takt-bridge/1 configuration (the agent's PUT /api/v1/staged body and takt-dataplane
// --config both read it with parse_bounded_json + bridge_config_from_json), the base time of a
// POST /api/v1/commit body, and the controller's reading of GET /api/v1/bridge (the oper
// state). Every input goes through every reader, so a seed of one kind also drives the
// others' error paths.
//
// The oracle: each reader ends in a value or in the exception its header promises. Anything
// else (a signal, an ASan or UBSan report, another exception escaping) is a bug.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "dataplane/core/config_error.hpp"
#include "protocol/bounded_json.hpp"
#include "protocol/bridge_config_json.hpp"
#include "protocol/sched_state_json.hpp"
#include "protocol/yang_values.hpp"

namespace {

void read_bridge_config(const nlohmann::json& j) {
  try {
    const auto config = takt::bridge::bridge_config_from_json(j);
    // A bridge hands back what it accepted (GET /api/v1/staged, the controller's drift check);
    // it must read its own writing again, unchanged.
    const auto written = takt::bridge::to_json(config);
    if (takt::bridge::to_json(takt::bridge::bridge_config_from_json(written)) != written) __builtin_trap();
  } catch (const takt::ConfigError&) {
  }
}

void read_commit_body(const nlohmann::json& j) {
  // The agent reads "base-time" only from an object that has it (agent_api.cpp post_commit).
  if (!j.is_object() || !j.contains("base-time")) return;
  takt::TaiTime base;
  try {
    base = takt::agent::ptp_time_from_json(j["base-time"], "/base-time");
  } catch (const takt::agent::BodyError&) {
    return;
  }
  // What the agent answers with (its JSON in memory, before any text) reads back as the same
  // instant; a BodyError here escapes and counts as a crash.
  if (takt::agent::ptp_time_from_json(takt::agent::ptp_time_to_json(base), "/base-time") != base) __builtin_trap();
}

void read_oper_state(const nlohmann::json& j) {
  try {
    (void)takt::agent::bridge_oper_state_from_json(j);
  } catch (const takt::agent::BodyError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  nlohmann::json j;
  try {
    j = takt::parse_bounded_json(text);
  } catch (const takt::JsonLimitError&) {
    return 0;
  } catch (const nlohmann::json::parse_error&) {
    return 0;
  }
  read_bridge_config(j);
  read_commit_body(j);
  read_oper_state(j);
  return 0;
}
