#include "tools/cell_report/verdict.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace takt::cell_report {

std::string stream_verdict(const ListenedStream& l, std::uint64_t late_in_host_stalls,
                           std::uint64_t lost_in_host_stalls) {
  const auto misses = l.deadline_misses.value_or(0);
  if ((misses > 0 || l.lost > 0) && l.lost == lost_in_host_stalls && l.late_frames_not_kept == 0 &&
      late_in_host_stalls == misses)
    return "ok, host stalls";
  return l.probe_verdict;
}

namespace {

bool holds_deadlines(const std::string& traffic_class) {
  return traffic_class == "scheduled" || traffic_class == "bounded";
}

}  // namespace

std::vector<std::string> stream_failures(const StreamResult& s, const AcceptanceRules& rules) {
  std::vector<std::string> out;
  if (s.received == 0) out.push_back("no frames received");
  if (holds_deadlines(s.traffic_class)) {
    const auto late = s.late.value_or(0);
    if (s.lost > s.lost_in_host_stalls)
      out.push_back(s.lost_in_host_stalls == 0
                        ? fmt::format("{} of {} frames lost", s.lost, s.sent)
                        : fmt::format("{} of {} frames lost ({} more discarded by its stream filters in host stalls)",
                                      s.lost - s.lost_in_host_stalls, s.sent, s.lost_in_host_stalls));
    if (s.late_unexplained != 0)
      out.push_back(fmt::format("{} of its {} late frames were in no host stall", s.late_unexplained, late));
    // A frame sent at a random time meets a host stall with the stream's stall chance, so a plan
    // that holds can still see that share of its frames late: where the stalls cover more of the
    // run than the miss tolerance (this machine's hypervisor has taken vCPUs for 100 ms at a time,
    // in stalls covering a sixth of a 5 s run), that share is the bound.
    const double stalls_cover = s.stall_chance.value_or(0.0);
    if (static_cast<double>(late) > std::max(rules.miss_tolerance, stalls_cover) * static_cast<double>(s.received))
      out.push_back(
          stalls_cover > rules.miss_tolerance
              ? fmt::format("{} late frames in {}, above the {:.3f} of the run host stalls cover", late, s.received,
                            stalls_cover)
              : fmt::format("{} late frames in {}, above the {} tolerance", late, s.received, rules.miss_tolerance));
    if (late != 0 && !(s.stall_chance && *s.stall_chance < rules.max_stall_chance))
      out.push_back(
          fmt::format("host stalls cover {} of the run; that explains nothing",
                      s.stall_chance ? fmt::format("{:.3f}", *s.stall_chance) : std::string("an unknown share")));
  } else if (static_cast<double>(s.lost) > rules.miss_tolerance * static_cast<double>(s.sent)) {
    out.push_back(fmt::format("{} of {} frames lost, above the {} tolerance", s.lost, s.sent, rules.miss_tolerance));
  }
  if (s.redundant && !holds_deadlines(s.traffic_class) && s.lost > s.lost_in_host_stalls)
    out.push_back(fmt::format("redundant, yet {} of {} frames lost", s.lost - s.lost_in_host_stalls, s.sent));
  if (s.duplicated != 0)
    out.push_back(
        fmt::format("{} frames reached the listener twice (802.1CB recovery let a second copy through)", s.duplicated));
  if (s.psfp && s.psfp->unexplained() != 0)
    out.push_back(
        fmt::format("{} of its frames were discarded by 802.1Qci stream filters outside any injected fault "
                    "and any host stall of its path",
                    s.psfp->unexplained()));
  if (!s.prometheus_p99_s) out.push_back("Prometheus had no p99");
  if (s.traffic_class == "scheduled" && s.received > 0) {
    // One frame's worth, and a hair more for the rounding of two ratios of the same counts.
    if (!s.prometheus_on_time_ratio || !s.on_time_ratio ||
        std::fabs(*s.prometheus_on_time_ratio - *s.on_time_ratio) > 1.0 / static_cast<double>(s.received) + 1e-12)
      out.push_back(fmt::format("Prometheus's on-time ratio {} is not the listener's {}",
                                s.prometheus_on_time_ratio ? fmt::format("{}", *s.prometheus_on_time_ratio) : "none",
                                s.on_time_ratio ? fmt::format("{}", *s.on_time_ratio) : "none"));
  }
  return out;
}

}  // namespace takt::cell_report
