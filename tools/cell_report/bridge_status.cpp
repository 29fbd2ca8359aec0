#include "tools/cell_report/bridge_status.hpp"

#include <stdexcept>

#include "tools/cell_report/input_error.hpp"
#include "tools/cell_report/json_file.hpp"

namespace takt::cell_report {

namespace {

bool empty_or_missing(const std::filesystem::path& file) {
  std::error_code ec;
  return !std::filesystem::exists(file, ec) || std::filesystem::file_size(file, ec) == 0;
}

std::string string_or_empty(const nlohmann::json& j, const char* key) {
  return j.contains(key) && j.at(key).is_string() ? j.at(key).get<std::string>() : std::string();
}

// YANG's JSON encoding writes 64-bit integers as strings (the base time's seconds); the agent
// may write either.
std::int64_t yang_integer(const nlohmann::json& object, const char* key, const std::filesystem::path& file) {
  if (object.contains(key) && object.at(key).is_string()) {
    const auto& text = object.at(key).get_ref<const std::string&>();
    std::size_t used = 0;
    try {
      const auto v = std::stoll(text, &used);
      if (used == text.size()) return v;
    } catch (const std::exception&) {
    }
    throw InputError(file, std::string("\"") + key + "\" is not an integer: " + text);
  }
  return required<std::int64_t>(object, key, file);
}

}  // namespace

std::vector<BridgeState> read_bridge_status(const std::filesystem::path& file) {
  std::vector<BridgeState> out;
  if (empty_or_missing(file)) return out;
  const auto doc = read_json_file(file);
  if (!doc.is_array()) throw InputError(file, "is not taktctl status --format json (a list of bridges)");
  for (const auto& b : doc) {
    BridgeState s;
    s.bridge = required<std::string>(b, "bridge", file);
    if (b.contains("error") && !b.at("error").is_null())
      s.error = b.at("error").is_string() ? b.at("error").get<std::string>() : b.at("error").dump();
    s.transaction = string_or_empty(b, "transaction");
    s.clock = string_or_empty(b, "clock");
    if (b.contains("deadline-misses") && b.at("deadline-misses").is_number())
      s.deadline_misses = b.at("deadline-misses").get<std::uint64_t>();
    out.push_back(std::move(s));
  }
  return out;
}

std::optional<InstallRecord> read_install_record(const std::filesystem::path& dir) {
  const auto status_file = dir / "status.json";
  if (empty_or_missing(status_file)) return std::nullopt;
  InstallRecord record;
  for (const auto& b : read_bridge_status(status_file)) {
    if (record.transaction.empty()) record.transaction = b.transaction;
    const auto agent_file = dir / ("bridge-" + b.bridge + ".json");
    const auto agent = read_json_file(agent_file);
    const auto base = agent.value("committed", nlohmann::json::object()).value("base-time", nlohmann::json::object());
    record.bridges.push_back({b.bridge, yang_integer(base, "seconds", agent_file) * 1'000'000'000 +
                                            yang_integer(base, "nanoseconds", agent_file)});
  }
  return record;
}

}  // namespace takt::cell_report
