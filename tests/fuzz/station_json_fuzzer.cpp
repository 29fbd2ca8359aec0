// libFuzzer entry for a takt-station/1 file as takt-station reads it (load_station_config:
// parse_bounded_json, then station_config_from_json). The input is one JSON text.
//
// The oracle: the reader ends in a configuration or in ConfigError. A configuration it accepts
// is written and read again and must come back equal, and its JSON unchanged: takt-station may
// hand back what it runs, and the controller compares. Anything else (a signal, an ASan or UBSan
// report, another exception escaping) is a bug.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "dataplane/core/config_error.hpp"
#include "protocol/bounded_json.hpp"
#include "protocol/station_config.hpp"

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
  takt::station::StationConfig config;
  try {
    config = takt::station::station_config_from_json(j);
  } catch (const takt::ConfigError&) {
    return 0;
  }
  const auto written = takt::station::to_json(config);
  const auto again = takt::station::station_config_from_json(nlohmann::json::parse(written.dump()));
  if (!(again == config) || takt::station::to_json(again) != written) __builtin_trap();
  return 0;
}
