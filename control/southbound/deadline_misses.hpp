#pragma once
// Deadline misses as a dataplane exposes them: the sum of every sample of a counter family
// whose name contains "deadline_miss" (e.g. takt_stream_deadline_misses_total{stream=...}).
#include <cstdint>
#include <optional>
#include <string_view>

namespace takt::southbound {

// nullopt when the exposition has no such family (an agent without a packet path).
std::optional<std::uint64_t> deadline_misses(std::string_view prometheus_text);

}  // namespace takt::southbound
