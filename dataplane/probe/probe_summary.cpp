#include "dataplane/probe/probe_summary.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "common/text_table.hpp"

namespace takt::probe {

namespace {

std::string verdict(const StreamReport& r) {
  if (r.counts.received == 0) return "silent";
  const bool late = r.deadline_misses != 0;
  const bool loss = r.counts.lost != 0;
  if (late && loss) return "LATE+LOSS";
  if (late) return "LATE";
  if (loss) return "LOSS";
  return "ok";
}

// Microseconds with two decimals: the resolution a software-timestamped probe can claim.
std::string us(Nanos d) { return fmt::format("{:.2f}", static_cast<double>(d.count()) / 1000.0); }

// Names left, numbers right: every column after the first is a number.
std::string render(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::string> header = rows.front();
  for (std::size_t i = 1; i < header.size(); ++i) header[i] = ">" + header[i];
  TextTable table(std::move(header));
  for (std::size_t r = 1; r < rows.size(); ++r) table.add(rows[r]);
  return table.render("");
}

nlohmann::ordered_json stalls_json(const std::vector<HostStall>& stalls) {
  auto out = nlohmann::ordered_json::array();
  for (const auto& s : stalls)
    out.push_back({{"start-ns", ns_of(s.start)}, {"end-ns", ns_of(s.end)}, {"excess-ns", s.excess.count()}});
  return out;
}

nlohmann::ordered_json late_frames_json(const std::vector<LateFrame>& frames) {
  auto out = nlohmann::ordered_json::array();
  for (const auto& f : frames)
    out.push_back(
        {{"sequence", f.sequence}, {"transmitted-ns", ns_of(f.transmitted)}, {"received-ns", ns_of(f.received)}});
  return out;
}

}  // namespace

bool all_on_time(const std::vector<StreamReport>& streams) {
  return std::all_of(streams.begin(), streams.end(), [](const StreamReport& r) { return verdict(r) == "ok"; });
}

std::string listener_table(const std::vector<StreamReport>& streams) {
  std::vector<std::vector<std::string>> rows{{"stream", "received", "lost", "dup", "reord", "p50 us", "p99 us",
                                              "max us", "max-latency us", "misses", "on-time %", "verdict"}};
  for (const auto& r : streams) {
    rows.push_back({r.stream, std::to_string(r.counts.received), std::to_string(r.counts.lost),
                    std::to_string(r.counts.duplicated), std::to_string(r.counts.reordered), us(r.p50), us(r.p99),
                    us(r.max), r.max_latency ? us(*r.max_latency) : "-",
                    r.max_latency ? std::to_string(r.deadline_misses) : "-",
                    r.max_latency ? fmt::format("{:.3f}", 100.0 * r.on_time_ratio()) : "-", verdict(r)});
  }
  return render(rows);
}

std::string talker_table(const std::vector<TalkerStreamReport>& streams) {
  std::vector<std::vector<std::string>> rows{
      {"stream", "sent", "skipped intervals", "send errors", "lateness p50 us", "p99 us", "max us"}};
  for (const auto& r : streams) {
    rows.push_back({r.stream, std::to_string(r.sent), std::to_string(r.intervals_skipped),
                    std::to_string(r.send_errors), us(r.lateness.quantile(0.5)), us(r.lateness.quantile(0.99)),
                    us(r.lateness.max())});
  }
  return render(rows);
}

nlohmann::ordered_json listener_summary_json(const std::vector<StreamReport>& streams, std::uint64_t socket_drops) {
  auto list = nlohmann::ordered_json::array();
  for (const auto& r : streams) {
    nlohmann::ordered_json j{
        {"stream", r.stream},
        {"received", r.counts.received},
        {"lost", r.counts.lost},
        {"duplicated", r.counts.duplicated},
        {"reordered", r.counts.reordered},
        {"talker-sessions", r.counts.sessions},
        {"latency-ns",
         {{"min", r.min.count()}, {"p50", r.p50.count()}, {"p99", r.p99.count()}, {"max", r.max.count()}}}};
    if (r.max_latency) {
      j["max-latency-ns"] = r.max_latency->count();
      j["deadline-misses"] = r.deadline_misses;
      j["on-time-ratio"] = r.on_time_ratio();
      j["late-frames"] = late_frames_json(r.late_frames);
      j["late-frames-not-kept"] = r.late_frames_not_kept;
    }
    j["verdict"] = verdict(r);
    list.push_back(std::move(j));
  }
  return {{"format", "takt-probe-summary/1"},
          {"role", "listener"},
          {"socket-drops", socket_drops},
          {"all-on-time", all_on_time(streams)},
          {"streams", std::move(list)}};
}

nlohmann::ordered_json talker_summary_json(const std::vector<TalkerStreamReport>& streams, std::uint32_t session,
                                           Nanos stall_threshold) {
  auto list = nlohmann::ordered_json::array();
  for (const auto& r : streams) {
    list.push_back({{"stream", r.stream},
                    {"sent", r.sent},
                    {"intervals-skipped", r.intervals_skipped},
                    {"send-errors", r.send_errors},
                    {"lateness-ns",
                     {{"p50", r.lateness.quantile(0.5).count()},
                      {"p99", r.lateness.quantile(0.99).count()},
                      {"max", r.lateness.max().count()}}},
                    {"stalls", stalls_json(r.stalls)},
                    {"stalls-not-kept", r.stalls_not_kept}});
  }
  return {{"format", "takt-probe-summary/1"},
          {"role", "talker"},
          {"session", session},
          {"stall-threshold-ns", stall_threshold.count()},
          {"streams", std::move(list)}};
}

}  // namespace takt::probe
