#include "control/export/tsnkit_numbering.hpp"

#include <charconv>
#include <optional>
#include <set>
#include <string_view>

namespace takt::exporter {
namespace {

// The n of "<prefix><n>", n written without leading zeros and below 10^9; else nothing.
std::optional<std::int64_t> number_after(std::string_view name, std::string_view prefix) {
  if (name.substr(0, prefix.size()) != prefix) return std::nullopt;
  const std::string_view digits = name.substr(prefix.size());
  if (digits.empty() || digits.size() > 9 || (digits.size() > 1 && digits.front() == '0')) return std::nullopt;
  std::int64_t n = 0;
  const auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || p != digits.data() + digits.size()) return std::nullopt;
  return n;
}

// sw<n> / es<n> with the kind the prefix says and every n distinct, as TSNKit import names them.
std::optional<std::map<std::string, std::int64_t>> imported_node_ids(const model::Plant& plant) {
  std::map<std::string, std::int64_t> ids;
  std::set<std::int64_t> seen;
  for (const auto& n : plant.nodes) {
    const auto id = number_after(n.name, n.kind == model::NodeKind::bridge ? "sw" : "es");
    if (!id || !seen.insert(*id).second) return std::nullopt;
    ids[n.name] = *id;
  }
  return ids;
}

// s<n> for every scheduled stream with n exactly 0..count-1: row n is stream s<n>, all its
// listeners in one row as in the instance it came from.
std::optional<std::vector<TsnkitNumbering::Row>> imported_rows(const model::Plant& plant) {
  std::vector<const model::Stream*> scheduled;
  for (const auto& s : plant.streams)
    if (s.traffic_class == model::TrafficClassKind::scheduled) scheduled.push_back(&s);
  std::vector<TsnkitNumbering::Row> rows(scheduled.size());
  std::vector<bool> taken(scheduled.size(), false);
  for (const auto* s : scheduled) {
    const auto n = number_after(s->name, "s");
    if (!n || *n >= static_cast<std::int64_t>(scheduled.size())) return std::nullopt;
    const auto i = static_cast<std::size_t>(*n);
    if (taken[i]) return std::nullopt;
    taken[i] = true;
    rows[i] = {s->name, s->listeners};
  }
  return rows;
}

}  // namespace

TsnkitNumbering tsnkit_numbering(const model::Plant& plant) {
  TsnkitNumbering out;
  if (auto ids = imported_node_ids(plant)) {
    out.node = std::move(*ids);
  } else {
    for (std::size_t i = 0; i < plant.nodes.size(); ++i) out.node[plant.nodes[i].name] = static_cast<std::int64_t>(i);
  }
  if (auto rows = imported_rows(plant)) {
    out.rows = std::move(*rows);
  } else {
    // TSNKit's reader takes unicast streams only: one row per listener.
    for (const auto& s : plant.streams)
      if (s.traffic_class == model::TrafficClassKind::scheduled)
        for (const auto& l : s.listeners) out.rows.push_back({s.name, {l}});
  }
  return out;
}

}  // namespace takt::exporter
