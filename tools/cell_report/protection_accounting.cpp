#include "tools/cell_report/protection_accounting.hpp"

#include <algorithm>
#include <cmath>
#include <tuple>

#include <fmt/format.h>

#include "tools/cell_report/json_file.hpp"
#include "tools/cell_report/late_frame_accounting.hpp"

namespace takt::cell_report {

namespace {

std::uint64_t counter_value(const std::string& text) {
  const double v = std::strtod(text.c_str(), nullptr);
  return std::isfinite(v) && v > 0 ? static_cast<std::uint64_t>(std::llround(v)) : 0;
}

void add_bridge(std::vector<std::string>& list, const std::string& bridge) {
  if (std::find(list.begin(), list.end(), bridge) == list.end()) list.push_back(bridge);
  std::sort(list.begin(), list.end());
}

}  // namespace

std::uint64_t FilterDiscards::total() const {
  std::uint64_t n = 0;
  for (const auto& g : growth) n += g.frames;
  return n;
}

std::vector<FilterDiscards> filter_discards(const std::vector<PromSample>& answer, std::int64_t tai_minus_unix_ns) {
  std::vector<FilterDiscards> out;
  for (const auto& series : answer) {
    FilterDiscards f{series.label("bridge"), series.label("stream"), series.label("port"), series.label("reason"), {}};
    std::uint64_t before = 0;
    std::optional<std::int64_t> before_ns;
    for (const auto& p : series.points) {
      const auto value = counter_value(p.value);
      const std::int64_t at = p.unix_ms * 1'000'000 + tai_minus_unix_ns;
      // A counter that fell started again from 0 (the bridge restarted): all of it is new.
      const std::uint64_t grew = value >= before ? value - before : value;
      if (grew > 0) f.growth.push_back({before_ns, at, grew});
      before = value;
      before_ns = at;
    }
    if (!f.growth.empty()) out.push_back(std::move(f));
  }
  std::sort(out.begin(), out.end(), [](const FilterDiscards& a, const FilterDiscards& b) {
    return std::tie(a.bridge, a.stream, a.port, a.reason) < std::tie(b.bridge, b.stream, b.port, b.reason);
  });
  return out;
}

std::optional<std::int64_t> scrape_gap_ns(const std::vector<PromSample>& answer) {
  std::vector<std::int64_t> gaps;
  for (const auto& series : answer)
    for (std::size_t i = 1; i < series.points.size(); ++i)
      gaps.push_back((series.points[i].unix_ms - series.points[i - 1].unix_ms) * 1'000'000);
  if (gaps.empty()) return std::nullopt;
  const auto mid = gaps.begin() + static_cast<std::ptrdiff_t>(gaps.size() / 2);
  std::nth_element(gaps.begin(), mid, gaps.end());
  return *mid;
}

std::vector<InjectedFault> read_fault_log(const std::filesystem::path& file, std::int64_t tai_minus_unix_ns) {
  std::vector<InjectedFault> out;
  if (!std::filesystem::exists(file)) return out;
  for (const auto& line : read_json_lines(file))
    out.push_back({required<std::string>(line, "fault", file), line.value("what", std::string()),
                   required<std::int64_t>(line, "start-unix-ns", file) + tai_minus_unix_ns,
                   required<std::int64_t>(line, "end-unix-ns", file) + tai_minus_unix_ns});
  return out;
}

StreamPsfp stream_psfp(const std::vector<FilterDiscards>& discards, const StallsByNode& stalls,
                       const std::vector<InjectedFault>& faults, const PlannedStream& stream, const SendWindow& window,
                       std::optional<std::int64_t> scrape_gap) {
  std::vector<HostStall> path_stalls;
  for (const auto& node : stream.path_nodes) {
    const auto& of_node = stalls.of(node);
    path_stalls.insert(path_stalls.end(), of_node.begin(), of_node.end());
  }
  // A frame a stall held reaches a filter at most its max-latency later (after that it is late
  // anyway, and the listener counts it so).
  const std::int64_t margin = stream.max_latency_ns.value_or(0);
  const std::int64_t settle = kFaultSettleNs + scrape_gap.value_or(0);
  const auto in_fault = [&](const CounterGrowth& g) {
    return std::any_of(faults.begin(), faults.end(), [&](const InjectedFault& f) {
      return f.start_ns <= g.until_ns && (!g.from_ns || *g.from_ns <= f.end_ns + settle);
    });
  };
  const auto explained = [&](const CounterGrowth& g) {
    return std::any_of(path_stalls.begin(), path_stalls.end(), [&](const HostStall& s) {
      return s.start_ns <= g.until_ns && (!g.from_ns || s.end_ns >= *g.from_ns - margin);
    });
  };
  StreamPsfp out;
  for (const auto& f : discards) {
    if (f.stream != stream.name) continue;
    std::uint64_t dropped = 0, in_faults = 0, in_stalls = 0;
    for (const auto& g : f.growth) {
      dropped += g.frames;
      if (in_fault(g))
        in_faults += g.frames;
      else if (explained(g))
        in_stalls += g.frames;
    }
    out.dropped += dropped;
    out.in_faults += in_faults;
    out.in_host_stalls += in_stalls;
    out.where.push_back(
        faults.empty() ? fmt::format("{}:{} {} {} ({} in host stalls)", f.bridge, f.port, f.reason, dropped, in_stalls)
                       : fmt::format("{}:{} {} {} ({} in faults, {} in host stalls)", f.bridge, f.port, f.reason,
                                     dropped, in_faults, in_stalls));
  }
  if (window.valid() && scrape_gap) {
    // A discard at t lands in a scrape interval ending in [t, t + gap]; a stall explains it when
    // it overlaps that interval or ends at most the margin before it.
    std::vector<std::pair<std::int64_t, std::int64_t>> explaining;
    for (const auto& s : path_stalls)
      explaining.emplace_back(s.start_ns - *scrape_gap, s.end_ns + *scrape_gap + margin);
    out.stall_chance = static_cast<double>(covered_ns(std::move(explaining), *window.first_ns, *window.until_ns)) /
                       static_cast<double>(*window.until_ns - *window.first_ns);
  }
  return out;
}

std::vector<WildcardDiscards> wildcard_discards(const std::vector<FilterDiscards>& discards) {
  std::vector<WildcardDiscards> out;
  for (const auto& f : discards) {
    if (f.stream != "*") continue;
    auto it = std::find_if(out.begin(), out.end(), [&](const WildcardDiscards& w) {
      return w.bridge == f.bridge && w.port == f.port && w.reason == f.reason;
    });
    if (it == out.end()) it = out.insert(out.end(), {f.bridge, f.port, f.reason, 0});
    it->frames += f.total();
  }
  return out;
}

std::map<std::string, FrerCounts> frer_counts(const std::vector<PromSample>& answer) {
  std::map<std::string, FrerCounts> out;
  for (const auto& s : answer) {
    const auto name = s.label("__name__");
    const auto stream = s.label("stream");
    const auto bridge = s.label("bridge");
    const auto n = counter_value(s.value);
    if (stream.empty()) continue;
    if (name == "takt_frer_generated_frames_total") {
      auto& c = out[stream];
      add_bridge(c.generating, bridge);
      c.generated += n;
    } else if (name == "takt_frer_recovery_frames_total") {
      auto& c = out[stream];
      add_bridge(c.recovering, bridge);
      const auto result = s.label("result");
      if (result == "passed") c.passed += n;
      if (result == "discarded") c.eliminated += n;
      if (result == "lost") c.lost += n;
      if (result == "rogue") c.rogue += n;
      if (result == "out-of-order") c.out_of_order += n;
    }
  }
  return out;
}

}  // namespace takt::cell_report
