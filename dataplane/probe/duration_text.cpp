#include "dataplane/probe/duration_text.hpp"

namespace takt::probe {

std::optional<Nanos> parse_duration(std::string_view text) {
  auto d = takt::parse_duration(text, kRunDurationUnits);
  if (!d || d->count() < 0) return std::nullopt;
  return *d;
}

}  // namespace takt::probe
