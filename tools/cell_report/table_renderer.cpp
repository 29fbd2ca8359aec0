#include "tools/cell_report/table_renderer.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "common/text_table.hpp"
#include "telemetry/histogram.hpp"
#include "tools/cell_report/number_text.hpp"

namespace takt::cell_report {

std::string aligned_columns(const std::vector<std::vector<std::string>>& rows, const std::string& indent) {
  TextTable table(rows.front());
  for (std::size_t r = 1; r < rows.size(); ++r) table.add(rows[r]);
  return table.render(indent);
}

namespace {

std::string psfp_cell(const StreamResult& s) {
  if (!s.psfp) return "-";
  if (s.psfp->dropped == 0) return "0";
  std::vector<std::string> parts;
  if (s.psfp->in_faults != 0) parts.push_back(fmt::format("{} in faults", s.psfp->in_faults));
  if (s.psfp->in_host_stalls != 0) parts.push_back(fmt::format("{} in host stalls", s.psfp->in_host_stalls));
  if (s.psfp->unexplained() != 0) parts.push_back(fmt::format("{} UNEXPLAINED", s.psfp->unexplained()));
  return fmt::format("{} ({})", s.psfp->dropped, fmt::join(parts, ", "));
}

}  // namespace

std::string render_stream_table(const CellResult& result) {
  std::vector<std::vector<std::string>> rows{{"stream", "class", "talker -> listener", "p50", "p99", "max",
                                              "max-latency", "sent", "received", "lost", "on-time %", "late",
                                              "in host stalls", "PSFP dropped", "FRER eliminated", "FRER one copy",
                                              "FRER lost", "verdict"}};
  for (const auto& s : result.streams) {
    const bool got = s.received > 0;
    const bool frer = s.redundant && s.frer;
    rows.push_back({s.stream, s.traffic_class, s.talker + " -> " + s.listener, got ? duration_text(s.p50_ns) : "-",
                    got ? duration_text(s.p99_ns) : "-", got ? duration_text(s.max_ns) : "-",
                    duration_text(s.max_latency_ns), std::to_string(s.sent), std::to_string(s.received),
                    std::to_string(s.lost), got ? percent_text(s.on_time_ratio) : "-",
                    s.late ? std::to_string(*s.late) : "-", s.late ? std::to_string(s.late_in_host_stalls) : "-",
                    psfp_cell(s), frer ? std::to_string(s.frer->eliminated) : "-",
                    frer ? std::to_string(s.frer->one_copy()) : "-", frer ? std::to_string(s.frer->lost) : "-",
                    s.verdict});
  }
  return aligned_columns(rows, "  ") +
         "  p50/p99/max: latency of the received frames, from the talker's send() to the listener's receive;\n"
         "  max-latency: the stream's deadline; lost: frames missing from the sequence; on-time %: received\n"
         "  frames within max-latency; late: frames beyond it; in host stalls: late frames whose talker or a bridge\n"
         "  on their path, between their send and their deadline, did not run for longer than its transmission\n"
         "  timing error (the hypervisor took the vCPU, a timer fired late), which no plan holds; PSFP dropped: the\n"
         "  stream's frames its 802.1Qci stream filters discarded on every bridge (in faults: during a fault the\n"
         "  run injected or the second after it; in host stalls: a stall of its path in that scrape interval);\n"
         "  FRER (redundant streams, at the bridge where the trees meet): second copies eliminated, frames only\n"
         "  one tree delivered, sequence numbers no tree delivered; verdict: ok, 'ok, host stalls' (every late or\n"
         "  lost frame was in a host stall), LATE (a late frame no stall explains), LOSS, or silent.\n";
}

std::string render_protection(const CellResult& result) {
  std::string out = "  802.1Qci stream filters and 802.1CB redundancy (takt_psfp_*, takt_frer_* of every bridge):\n";
  if (!result.faults.empty()) {
    std::vector<std::string> parts;
    for (const auto& f : result.faults)
      parts.push_back(fmt::format("{} {} for {} s", f.fault, f.what,
                                  rounded(static_cast<double>(f.end_ns - f.start_ns) / 1e9, 10)));
    out += fmt::format("    faults injected while the talkers sent (DEMO_FAULTS): {}\n", fmt::join(parts, "; "));
  }
  bool any_redundant = false;
  bool unexplained_loss = false;
  std::vector<std::string> lost;
  for (const auto& s : result.streams) {
    if (!s.redundant) continue;
    any_redundant = true;
    std::string line = fmt::format("    {} -> {} (redundant", s.stream, s.listener);
    if (s.frer)
      line += fmt::format(": numbered at {}, recovered at {}", fmt::join(s.frer->generating, ", "),
                          fmt::join(s.frer->recovering, ", "));
    line += fmt::format("): {}; {} sent, {} received, {}",
                        s.lost == 0 ? "lost nothing" : fmt::format("LOST {}", s.lost), s.sent, s.received,
                        s.duplicated == 0 ? "no duplicate" : fmt::format("{} DUPLICATES", s.duplicated));
    if (s.frer)
      line += fmt::format(
          "; recovery passed {}, eliminated {} second copies, {} frames came by one tree only, lost {}, "
          "{} stale copies discarded as rogue",
          s.frer->passed, s.frer->eliminated, s.frer->one_copy(), s.frer->lost, s.frer->rogue);
    else
      line += "; Prometheus had no FRER counters";
    out += line + "\n";
    if (s.lost > s.lost_in_host_stalls) unexplained_loss = true;
    if (s.lost != 0)
      lost.push_back(s.lost_in_host_stalls == s.lost
                         ? fmt::format("{} lost {} (discarded by its stream filters in host stalls)", s.stream, s.lost)
                         : fmt::format("{} lost {}", s.stream, s.lost));
  }
  if (!any_redundant) out += "    no redundant stream in this plan\n";
  bool any_policed = false;
  for (const auto& s : result.streams) {
    if (!s.psfp || s.psfp->dropped == 0) continue;
    if (!any_policed) out += "    frames of planned streams the stream filters discarded:\n";
    any_policed = true;
    out += fmt::format("      {}: {}; a discard finds a stall of its path in its scrape interval {} % of the time\n",
                       s.stream, fmt::join(s.psfp->where, ", "),
                       s.psfp->stall_chance ? rounded(*s.psfp->stall_chance * 100, 10) : "-");
  }
  const bool answered = std::any_of(result.streams.begin(), result.streams.end(), [](const auto& s) { return s.psfp; });
  if (!any_policed && answered) out += "    frames of planned streams the stream filters discarded: none\n";
  if (result.wildcard_discards) {
    std::vector<std::string> parts;
    std::uint64_t total = 0;
    for (const auto& w : *result.wildcard_discards) {
      parts.push_back(fmt::format("{}:{} {} {}", w.bridge, w.port, w.reason, w.frames));
      total += w.frames;
    }
    out += parts.empty()
               ? std::string("    rogue or unidentified frames on scheduled priorities (wildcard filters): none\n")
               : fmt::format(
                     "    rogue or unidentified frames on scheduled priorities the wildcard filters "
                     "discarded: {} ({})\n",
                     total, fmt::join(parts, ", "));
  } else {
    out += "    Prometheus had no answer for the stream filters (takt_psfp_discarded_frames_total)\n";
  }
  if (any_redundant) {
    if (lost.empty())
      out += "  verdict: protected (redundant) streams lost nothing\n";
    else if (!unexplained_loss)
      out += fmt::format("  verdict: protected (redundant) streams lost only frames host stalls explain: {}\n",
                         fmt::join(lost, "; "));
    else
      out += fmt::format("  verdict: PROTECTED STREAMS LOST FRAMES: {}\n", fmt::join(lost, "; "));
  }
  return out;
}

namespace {

std::string count_or_dash(const std::optional<std::uint64_t>& n) { return n ? std::to_string(*n) : "-"; }

}  // namespace

std::string render_stations(const CellResult& result) {
  if (result.station_nodes.empty()) return "";
  std::string out = fmt::format(
      "  takt-station at the end stations (eBPF at tc egress and ingress, beside takt-probe; takt_station_* of "
      "{}):\n",
      fmt::join(result.station_nodes, ", "));
  std::vector<std::vector<std::string>> rows{{"stream", "talker", "sent", "passed", "policed", "left outside window",
                                              "listener", "received", "counted", "arrived early/in/late",
                                              "sequence gaps"}};
  std::vector<std::string> findings;
  std::vector<std::string> policed;  // "stream N at talker"
  std::vector<std::string> policed_streams;
  for (const auto& s : result.streams) {
    const auto& t = s.station_talker;
    const auto& l = s.station_listener;
    std::string arrivals = "-";
    if (l && l->arrivals_in_window)
      arrivals =
          fmt::format("{}/{}/{}", l->arrivals_early.value_or(0), *l->arrivals_in_window, l->arrivals_late.value_or(0));
    rows.push_back({s.stream, s.talker, std::to_string(s.sent), t ? std::to_string(t->passed) : "-",
                    t ? std::to_string(t->policed) : "-", t ? count_or_dash(t->departures_outside_window) : "-",
                    s.listener, std::to_string(s.probe_frames()), l ? std::to_string(l->received) : "-", arrivals,
                    l ? std::to_string(l->sequence_gaps) : "-"});
    if (s.station_talker_agrees() == false)
      findings.push_back(fmt::format("{} at {}: takt-probe sent {}, takt-station passed {} and policed {}", s.stream,
                                     s.talker, s.sent, t->passed, t->policed));
    if (s.station_listener_agrees() == false)
      findings.push_back(fmt::format("{} at {}: takt-probe received {}, takt-station counted {}", s.stream, s.listener,
                                     s.probe_frames(), l->received));
    // A stream with several listeners has one talker: its policing is said once.
    if (t && t->policed != 0 &&
        std::find(policed_streams.begin(), policed_streams.end(), s.stream) == policed_streams.end()) {
      policed_streams.push_back(s.stream);
      policed.push_back(fmt::format("{} {} at {}", s.stream, t->policed, s.talker));
    }
  }
  out += aligned_columns(rows, "    ");
  out +=
      "    sent, received: takt-probe's (received: with duplicates); passed, policed: the talker's takt-station let\n"
      "    them through or dropped them beyond the stream's TSpec; left outside window: left the talker outside\n"
      "    [offset, offset + window); counted: at the listener's tc ingress; arrived: against the arrival window\n";
  if (findings.empty())
    out += "    takt-station's counts are takt-probe's: every frame sent passed it, every frame received it counted\n";
  for (const auto& f : findings) out += fmt::format("    MISMATCH: {}\n", f);
  out += policed.empty() ? std::string("    frames policed at the source: none")
                         : fmt::format("    FRAMES POLICED AT THE SOURCE (an application beyond its TSpec): {}",
                                       fmt::join(policed, ", "));
  // DEMO_FAULTS' babbler is a device of its own on a bridge port, not an end station's
  // application: no takt-station sees its frames; the bridge's stream filters are what stop them.
  std::vector<std::string> babblers;
  for (const auto& f : result.faults)
    if (f.fault == "babbler" && std::find(babblers.begin(), babblers.end(), f.what) == babblers.end())
      babblers.push_back(f.what);
  if (!babblers.empty())
    out += fmt::format(" (the babbler on {} is a rogue device, not an end station: the bridges' filters stop it)",
                       fmt::join(babblers, ", "));
  return out + "\n";
}

std::string render_host_stalls(const CellResult& result) {
  std::string out =
      "  Host stalls beyond the timing error while the talkers sent (bridges' --stall-log, talkers' late sends):\n";
  for (const auto& n : result.nodes)
    out += fmt::format("    {}: {} beyond {} us, longest {} ms\n", n.node, n.count,
                       shortest(static_cast<double>(n.threshold_ns) / 1000),
                       rounded(static_cast<double>(n.longest_excess_ns) / 1e6, 100));
  if (result.nodes.empty()) out += "    none\n";
  for (const auto& s : result.streams) {
    if (s.late.value_or(0) == 0) continue;
    out += fmt::format(
        "    {} -> {}: {} of {} late frames in a host stall; a frame sent at a random time would be in one {} % of the "
        "time\n",
        s.stream, s.listener, s.late_in_host_stalls, *s.late,
        s.stall_chance ? rounded(*s.stall_chance * 100, 10) : "-");
  }
  return out;
}

std::string render_bridges(const CellResult& result) {
  std::string out;
  for (const auto& b : result.bridges_at_end) {
    if (b.error) {
      out += fmt::format("  {}: unreachable: {}\n", b.bridge, *b.error);
      continue;
    }
    // The clock's state without its details ("SLAVE of ...: offset ..." -> "SLAVE of ...").
    const auto clock = b.clock.substr(0, b.clock.find(": "));
    out += fmt::format("  {}: transaction {} in force; {}; {} frames resided beyond their max-latency\n", b.bridge,
                       b.transaction, clock, b.deadline_misses ? std::to_string(*b.deadline_misses) : "-");
  }
  const auto& c = result.controller;
  out += fmt::format(
      "  takt-controller: converged {}; {} installs done ({} bridge schedules written), {} failed; a bridge clock "
      "found beyond the sync budget {} times\n",
      c.converged.value_or("?"), c.installs_done, c.repairs, c.installs_failed, c.sync_losses);
  return out;
}

namespace {

std::string p99_text(const std::string& value) {
  const double v = std::strtod(value.c_str(), nullptr);
  if (std::isnan(v)) return "no samples in Prometheus yet";
  // histogram_quantile() answers the top finite bound when the quantile is in the +Inf bucket.
  const double top_s = static_cast<double>(telemetry::LatencyBuckets::standard().upper_bounds_ns().back()) / 1e9;
  if (v >= top_s) return fmt::format("above {} ms (beyond the top histogram bucket)", rounded(top_s * 1e3, 100));
  if (v >= 0.001) return rounded(v * 1e3, 100) + " ms";
  return rounded(v * 1e6, 10) + " us";
}

}  // namespace

std::string render_prometheus(const CellResult& result, const CellQueries& queries, const std::string& url) {
  const auto& p = result.prometheus;
  std::vector<std::string> up;
  for (const auto& [job, n] : p.targets_up) up.push_back(fmt::format("{} {}", n, job));
  std::string out =
      fmt::format("== Prometheus ran at {} with the cell; targets that answered: {}\n", url, fmt::join(up, ", "));
  out +=
      "  p99 latency per stream, as Prometheus computes it from the probes' histograms (the listener's exact p99 "
      "beside it):\n";
  out += "    " + queries.expr(CellQueries::kP99) + "\n";
  for (const auto& s : p.p99_s) {
    const auto row = std::find_if(result.streams.begin(), result.streams.end(),
                                  [&](const StreamResult& r) { return r.stream == s.label && r.received > 0; });
    out += fmt::format("    {}: {}{}\n", s.label, p99_text(s.value),
                       row == result.streams.end() ? "" : fmt::format(" (listener: {})", duration_text(row->p99_ns)));
  }
  out +=
      "  on-time ratio per stream: sum(takt_probe_latency_seconds_bucket{stream=\"S\",le=\"<max-latency s>\"}) / "
      "sum(takt_probe_latency_seconds_count{stream=\"S\"})\n";
  for (const auto& o : p.on_time)
    out += fmt::format("    {} (le={}): {}\n", o.stream, o.le, o.ratio ? percent_text(o.ratio) + " %" : "no data");
  out +=
      "  deadline misses: rate(takt_probe_deadline_misses_total[10s]) (end to end), "
      "takt_dataplane_deadline_misses_total (per bridge)\n";
  out += "  host stalls of the bridges' packet loops (beyond their --stall-threshold-us), since they started:\n";
  out += "    " + queries.expr(CellQueries::kStalls) + "\n";
  for (const auto& s : p.stalls) out += fmt::format("    {}: {}\n", s.label, s.value);
  out += "  frames of scheduled streams a bridge held past a gate opening they fitted in (the hop where a late\n";
  out += "  frame lost its window; bounded and best-effort frames queue past closes by design):\n";
  out += "    " + queries.expr(CellQueries::kOverruns) + "\n";
  for (const auto& [bridge, streams] : p.overruns) {
    std::vector<std::string> parts;
    for (const auto& s : streams) parts.push_back(s.label + " " + s.value);
    out += fmt::format("    {}: {}\n", bridge, fmt::join(parts, ", "));
  }
  if (p.overruns.empty()) out += "    none\n";
  out += "  the controller: takt_controller_converged, takt_controller_sync_alarm, takt_controller_installs_total\n";
  return out;
}

std::string render_cell_verdict(const CellResult& result) {
  if (result.pass) return "  cell: PASS, every stream met the cell's acceptance rules\n";
  std::vector<std::string> parts;
  for (const auto& s : result.streams)
    for (const auto& f : s.failures) parts.push_back(fmt::format("{} -> {}: {}", s.stream, s.listener, f));
  return fmt::format("  cell: FAIL: {}\n", fmt::join(parts, "; "));
}

std::string render_report(const CellResult& result, const CellQueries& queries, const ReportHeader& header) {
  std::string out = fmt::format(
      "\n== Streams of the virtual cell over {} s (latency: talker send() to listener receive)\n", header.seconds);
  out += render_stream_table(result);
  out += render_host_stalls(result);
  out += render_protection(result);
  out += render_stations(result);
  out += render_cell_verdict(result);
  out += "\n== Bridges at the end of the run (taktctl status --agents agents.yaml)\n";
  out += render_bridges(result);
  out += "\n";
  out += render_prometheus(result, queries, header.prometheus_url);
  return out;
}

}  // namespace takt::cell_report
