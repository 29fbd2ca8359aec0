#include "control/export/svg_timeline.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "control/export/svg_document.hpp"
#include "common/duration_text.hpp"
#include "dataplane/core/wire.hpp"

namespace takt::exporter {
namespace {

constexpr double kLeft = 190;       // label column
constexpr double kLine = 1500;      // longest strip line; longer gate control lists wrap
constexpr double kBar = 26;         // true-scale bar and its margin
constexpr double kLineHeight = 64;  // one strip line with its gate line and times
constexpr double kCharWidth = 6.1;  // at font-size 10
constexpr const char* kPalette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
                                    "#e377c2", "#17becf", "#bcbd22", "#393b79", "#637939", "#843c39"};
constexpr const char* kOthersOpen = "#e4e7eb";
constexpr const char* kScheduledIdle = "#d9f2d9";
constexpr const char* kClosed = "#7f8c8d";

enum class EntryKind { scheduled, others, closed };

struct Segment {
  Nanos start{0}, length{0};
  double x = 0, width = 0;
  int line = 0;
  EntryKind kind = EntryKind::others;
  std::uint32_t gates = 0;
  Nanos end() const { return start + length; }
  // Where time t (within this entry) is drawn.
  double at(Nanos t) const {
    if (length.count() == 0) return x;
    return x + width * static_cast<double>((std::clamp(t, start, end()) - start).count()) /
                   static_cast<double>(length.count());
  }
};

EntryKind kind_of(std::uint32_t gates, std::uint32_t scheduled) {
  if (gates == 0) return EntryKind::closed;
  return (gates & ~scheduled) == 0 ? EntryKind::scheduled : EntryKind::others;
}

struct Occurrence {
  Nanos start, end;  // within [0, cycle]
  const schedule::Window* window;
};

// Window instances of one cycle; one running past the cycle end continues at its start.
std::vector<Occurrence> occurrences(const schedule::PortPlan& port) {
  std::vector<Occurrence> out;
  for (const auto& w : schedule::expand_windows(port)) {
    const Nanos end = w.start + w.length;
    out.push_back({w.start, std::min(end, port.cycle_time), w.window});
    if (end > port.cycle_time) out.push_back({Nanos{0}, end - port.cycle_time, w.window});
  }
  return out;
}

// Scheduled entries: 24 px per us, widened until each window in them can carry its stream's
// name, within [64, 280] px. Entries of the other classes are compressed into [44, 96] px.
double display_width(const Segment& s, const std::vector<Occurrence>& occ) {
  const double us = static_cast<double>(s.length.count()) / 1000.0;
  if (s.kind != EntryKind::scheduled) return std::clamp(us * 0.5, 44.0, 96.0);
  double w = us * 24.0;
  for (const auto& o : occ) {
    const Nanos lo = std::max(o.start, s.start), hi = std::min(o.end, s.end());
    if (hi <= lo || s.length.count() == 0) continue;
    const double label = static_cast<double>(o.window->stream.size()) * kCharWidth + 10;
    w = std::max(w, label * static_cast<double>(s.length.count()) / static_cast<double>((hi - lo).count()));
  }
  return std::clamp(w, 64.0, 280.0);
}

// The gate control list laid out left to right, wrapping onto further lines past kLine px.
std::vector<Segment> layout(const schedule::PortPlan& port, const std::vector<Occurrence>& occ) {
  std::vector<Segment> out;
  Nanos t{0};
  double x = kLeft;
  int line = 0;
  for (const auto& e : port.gcl) {
    Segment s{t, e.interval, 0, 0, 0, kind_of(e.gate_states, port.scheduled_classes), e.gate_states};
    s.width = display_width(s, occ);
    if (x + s.width > kLeft + kLine && x > kLeft) x = kLeft, ++line;
    s.x = x;
    s.line = line;
    x += s.width;
    t += e.interval;
    out.push_back(s);
  }
  if (out.empty()) out.push_back({Nanos{0}, port.cycle_time, kLeft, 200, 0, EntryKind::others, 0xff});
  return out;
}

std::string fit(const std::string& s, double width) {
  const auto max_chars = static_cast<std::size_t>(std::max(0.0, (width - 4) / kCharWidth));
  if (s.size() <= max_chars) return s;
  if (max_chars < 3) return {};
  return s.substr(0, max_chars - 1) + "…";
}

std::string class_list(std::uint32_t mask) {
  std::string s;
  for (int tc = 0; tc < 32; ++tc) {
    if (!(mask & (1u << tc))) continue;
    // Appended piece by piece: GCC 12 -O3 reports a false -Wrestrict on
    // s += "," + std::to_string(tc) (bug 105651).
    if (!s.empty()) s += ',';
    s += std::to_string(tc);
  }
  return s;
}

// Returns the y below the legend.
double legend(SvgDocument& svg, const std::map<std::string, std::string>& colour, double width) {
  double x = 16, y = 62;
  auto item = [&](const std::string& fill, const std::string& label, std::string_view extra = {}) {
    const double w = 22 + static_cast<double>(label.size()) * kCharWidth + 18;
    if (x + w > width - 16) x = 16, y += 18;
    svg.rect(x, y - 10, 14, 12, fill, extra);
    svg.text(x + 20, y, label, 10);
    x += w;
  };
  item(kScheduledIdle, "scheduled gate open, idle");
  item(kOthersOpen, "other classes open (best effort)");
  item("url(#guard)", "guard band");
  item(kClosed, "all gates closed");
  for (const auto& [stream, fill] : colour) item(fill, stream);
  return y + 16;
}

}  // namespace

std::string svg_timeline(const schedule::Plan& plan) {
  std::map<std::string, std::string> colour;
  std::size_t next = 0;
  for (const auto& s : plan.streams)
    if (s.timed) colour[s.name] = kPalette[next++ % std::size(kPalette)];

  std::vector<std::vector<Occurrence>> occs;
  std::vector<std::vector<Segment>> lanes;
  double width = 900;
  for (const auto& p : plan.ports) {
    occs.push_back(occurrences(p));
    lanes.push_back(layout(p, occs.back()));
    for (const auto& seg : lanes.back()) width = std::max(width, seg.x + seg.width + 40);
  }

  SvgDocument svg;
  svg.text(16, 24, fmt::format("takt plan '{}': one gate cycle per scheduled port", plan.plant), 16, "start",
           "font-weight=\"bold\"");
  svg.text(
      16, 42,
      fmt::format("hyperperiod {}, sync error budget {}. Thin bar: the cycle at true scale. Strip: one box per gate "
                  "control entry, long entries compressed (length written in them), long lists wrapped; times under "
                  "it are entry starts. Hover for exact times.",
                  readable_duration(plan.hyperperiod), readable_duration(plan.sync_error_budget)),
      10, "start", "fill=\"#444\"");
  double y = legend(svg, colour, width) + 8;

  for (std::size_t i = 0; i < plan.ports.size(); ++i) {
    const auto& port = plan.ports[i];
    const auto& segs = lanes[i];
    const auto& occ = occs[i];
    const int lines = segs.back().line + 1;
    const double row = kBar + lines * kLineHeight + 8;
    const double bar_y = y + 8;
    auto strip_y = [&](int line) { return y + kBar + 8 + line * kLineHeight; };
    constexpr double strip_h = 34;
    const Nanos guard =
        wire_time_for_payload(kMaxStandardPayload, true, port.rate_bps > 0 ? port.rate_bps : 1'000'000'000);

    if (i % 2 == 1) svg.rect(0, y - 2, width, row, "#fafbfc");
    svg.text(16, y + 18, port.port.str(), 13, "start", "font-weight=\"bold\"");
    svg.text(16, y + 34, fmt::format("cycle {}", readable_duration(port.cycle_time)), 10);
    svg.text(16, y + 48, fmt::format("{} gate entries", port.gcl.size()), 10);
    svg.text(16, y + 62, fmt::format("scheduled load {:.1f} %", 100.0 * port.scheduled_utilisation), 10);
    svg.text(16, y + 76, fmt::format("scheduled TC {}", class_list(port.scheduled_classes)), 10);

    // The cycle at true scale.
    const double bar_w = lines > 1 ? kLine : segs.back().x + segs.back().width - kLeft;
    const double scale = bar_w / static_cast<double>(std::max<std::int64_t>(1, port.cycle_time.count()));
    svg.rect(kLeft, bar_y, bar_w, 10, kOthersOpen);
    for (const auto& o : occ) {
      svg.rect(kLeft + static_cast<double>(o.start.count()) * scale, bar_y,
               std::max(2.0, static_cast<double>((o.end - o.start).count()) * scale), 10, colour[o.window->stream]);
      svg.title(fmt::format("{}: {} .. {}", o.window->stream, readable_duration(o.start), readable_duration(o.end)));
    }
    svg.line(kLeft, bar_y - 3, kLeft, bar_y + 13, "#222", 1.5);
    svg.line(kLeft + bar_w, bar_y - 3, kLeft + bar_w, bar_y + 13, "#222", 1.5);

    // The gate control list.
    for (std::size_t k = 0; k < segs.size(); ++k) {
      const auto& s = segs[k];
      const double sy = strip_y(s.line);
      const char* fill = s.kind == EntryKind::scheduled ? kScheduledIdle
                         : s.kind == EntryKind::closed  ? kClosed
                                                        : kOthersOpen;
      svg.rect(s.x, sy, s.width, strip_h, fill, "stroke=\"white\" stroke-width=\"1\"");
      svg.title(fmt::format("entry {}: gates {:02x} (TC {}) for {} from {}", k, s.gates, class_list(s.gates),
                            readable_duration(s.length), readable_duration(s.start)));
      if (s.kind != EntryKind::scheduled)
        svg.text(s.x + s.width / 2, sy + strip_h - 5, fit(readable_duration(s.length), s.width), 10, "middle",
                 "fill=\"#555\"");
      // Guard band: the tail of an entry of other classes that ends where a scheduled one starts.
      const auto& after = segs[(k + 1) % segs.size()];
      if (s.kind == EntryKind::others && after.kind == EntryKind::scheduled) {
        const Nanos g = std::min(guard, s.length);
        // At least 6 px so that it shows in a compressed entry.
        const double gx = std::min(s.at(s.end() - g), s.x + s.width - 6);
        svg.rect(gx, sy, s.x + s.width - gx, strip_h, "url(#guard)");
        svg.title(fmt::format("guard band {}: a best-effort frame that cannot end before the gate closes waits",
                              readable_duration(g)));
      }
      // Windows inside this entry (a window crossing entries is drawn in each).
      for (const auto& o : occ) {
        const Nanos lo = std::max(o.start, s.start), hi = std::min(o.end, s.end());
        if (hi <= lo) continue;
        const double wx = s.at(lo), ww = std::max(2.0, s.at(hi) - wx);
        svg.rect(wx, sy + 2, ww, strip_h - 4, colour[o.window->stream], "rx=\"2\"");
        svg.title(fmt::format("{} (hop {}, TC {}): {} .. {}, {}", o.window->stream, o.window->hop,
                              o.window->traffic_class, readable_duration(o.start), readable_duration(o.end),
                              readable_duration(o.end - o.start)));
        svg.text(wx + ww / 2, sy + strip_h / 2 + 4, fit(o.window->stream, ww), 10, "middle", "fill=\"white\"");
      }
      // Scheduled-class gate state.
      svg.rect(s.x, sy + strip_h + 4, s.width, 5, (s.gates & port.scheduled_classes) ? "#27ae60" : "#d0d3d4");
    }

    // Cycle boundaries and entry start times.
    const auto& last = segs.back();
    svg.line(kLeft, strip_y(0) - 4, kLeft, strip_y(0) + strip_h + 12, "#222", 1.5);
    svg.line(last.x + last.width, strip_y(last.line) - 4, last.x + last.width, strip_y(last.line) + strip_h + 12,
             "#222", 1.5);
    double last_label = -1e9;
    int label_line = -1;
    for (const auto& s : segs) {
      if (s.line != label_line) last_label = -1e9, label_line = s.line;
      if (s.x - last_label < 64 || (&s == &last && last.x + last.width - s.x < 110)) continue;
      svg.text(s.x, strip_y(s.line) + strip_h + 20, readable_duration(s.start), 9, "start", "fill=\"#555\"");
      last_label = s.x;
    }
    svg.text(last.x + last.width, strip_y(last.line) + strip_h + 20, readable_duration(port.cycle_time), 9, "end",
             "fill=\"#222\"");
    y += row;
  }
  if (plan.ports.empty()) svg.text(16, y + 20, "No port carries scheduled traffic.", 12);
  return svg.finish(width, y + 12);
}

}  // namespace takt::exporter
