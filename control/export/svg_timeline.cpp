#include "control/export/svg_timeline.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "control/export/svg_document.hpp"
#include "control/schedule/duration_format.hpp"
#include "dataplane/core/wire.hpp"

namespace takt::exporter {
namespace {

using schedule::human;

constexpr double kLeft = 190;         // label column
constexpr double kTop = 72;           // title and legend
constexpr double kRow = 104;          // one port
constexpr double kCharWidth = 6.1;    // at font-size 10
constexpr const char* kPalette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
                                    "#e377c2", "#17becf", "#bcbd22", "#393b79", "#637939", "#843c39"};
constexpr const char* kOthersOpen = "#e4e7eb";
constexpr const char* kScheduledIdle = "#d9f2d9";
constexpr const char* kClosed = "#7f8c8d";

enum class EntryKind { scheduled, others, closed };

struct Segment {
  Nanos start{0}, length{0};
  double x = 0, width = 0;
  EntryKind kind = EntryKind::others;
  std::uint32_t gates = 0;
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
    const Nanos lo = std::max(o.start, s.start), hi = std::min(o.end, s.start + s.length);
    if (hi <= lo || s.length.count() == 0) continue;
    const double label = static_cast<double>(o.window->stream.size()) * kCharWidth + 10;
    w = std::max(w, label * static_cast<double>(s.length.count()) / static_cast<double>((hi - lo).count()));
  }
  return std::clamp(w, 64.0, 280.0);
}

class Strip {
 public:
  Strip(const schedule::PortPlan& port, const std::vector<Occurrence>& occ, double x0) : cycle_(port.cycle_time) {
    Nanos t{0};
    double x = x0;
    for (const auto& e : port.gcl) {
      Segment s{t, e.interval, x, 0, kind_of(e.gate_states, port.scheduled_classes), e.gate_states};
      s.width = display_width(s, occ);
      x += s.width;
      t += e.interval;
      segments_.push_back(s);
    }
    if (segments_.empty()) segments_.push_back({Nanos{0}, cycle_, x0, 200, EntryKind::others, 0xff});
  }

  // Piecewise linear: true time within each entry, entries at their display widths.
  double x(Nanos t) const {
    t = std::clamp(t, Nanos{0}, cycle_);
    auto it = std::upper_bound(segments_.begin(), segments_.end(), t, [](Nanos v, const Segment& s) { return v < s.start; });
    const Segment& s = *std::prev(it == segments_.begin() ? std::next(it) : it);
    if (s.length.count() == 0) return s.x;
    return s.x + s.width * static_cast<double>((t - s.start).count()) / static_cast<double>(s.length.count());
  }
  double begin() const { return segments_.front().x; }
  double end() const { return segments_.back().x + segments_.back().width; }
  const std::vector<Segment>& segments() const { return segments_; }

 private:
  Nanos cycle_;
  std::vector<Segment> segments_;
};

std::string fit(const std::string& s, double width) {
  const auto max_chars = static_cast<std::size_t>(std::max(0.0, (width - 4) / kCharWidth));
  if (s.size() <= max_chars) return s;
  if (max_chars < 3) return {};
  return s.substr(0, max_chars - 1) + "…";
}

std::string class_list(std::uint32_t mask) {
  std::string s;
  for (int tc = 0; tc < 32; ++tc)
    if (mask & (1u << tc)) s += (s.empty() ? "" : ",") + std::to_string(tc);
  return s;
}

void legend(SvgDocument& svg, const std::map<std::string, std::string>& colour, double width) {
  double x = 16, y = 58;
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
}

}  // namespace

std::string svg_timeline(const schedule::Plan& plan) {
  std::map<std::string, std::string> colour;
  std::size_t next = 0;
  for (const auto& s : plan.streams)
    if (s.timed) colour[s.name] = kPalette[next++ % std::size(kPalette)];

  SvgDocument svg;
  double width = 900;
  std::vector<Strip> strips;
  std::vector<std::vector<Occurrence>> occs;
  for (const auto& p : plan.ports) {
    occs.push_back(occurrences(p));
    strips.emplace_back(p, occs.back(), kLeft);
    width = std::max(width, strips.back().end() + 40);
  }

  svg.text(16, 24, fmt::format("takt plan '{}': one gate cycle per scheduled port", plan.plant), 16, "start", "font-weight=\"bold\"");
  svg.text(16, 42,
           fmt::format("hyperperiod {}, sync error budget {}. Thin bar: the cycle at true scale. Strip: one box per gate "
                       "control entry, long entries compressed (length written in them); times under it are entry starts.",
                       human(plan.hyperperiod), human(plan.sync_error_budget)),
           10, "start", "fill=\"#444\"");
  legend(svg, colour, width);

  double y = kTop + 14;
  for (std::size_t i = 0; i < plan.ports.size(); ++i) {
    const auto& port = plan.ports[i];
    const Strip& strip = strips[i];
    const double x0 = strip.begin(), x1 = strip.end();
    const double bar_y = y + 8, strip_y = y + 26, strip_h = 34, gate_y = strip_y + strip_h + 4, time_y = gate_y + 16;
    const Nanos guard = wire_time_for_payload(kMaxStandardPayload, true, port.rate_bps > 0 ? port.rate_bps : 1'000'000'000);

    if (i % 2 == 1) svg.rect(0, y - 4, width, kRow, "#fafbfc");
    svg.text(16, y + 16, port.port.str(), 13, "start", "font-weight=\"bold\"");
    svg.text(16, y + 32, fmt::format("cycle {}", human(port.cycle_time)), 10);
    svg.text(16, y + 46, fmt::format("{} gate entries", port.gcl.size()), 10);
    svg.text(16, y + 60, fmt::format("scheduled load {:.1f} %", 100.0 * port.scheduled_utilisation), 10);
    svg.text(16, y + 74, fmt::format("scheduled TC {}", class_list(port.scheduled_classes)), 10);

    // True scale.
    const auto& occ = occs[i];
    const double scale = (x1 - x0) / static_cast<double>(std::max<std::int64_t>(1, port.cycle_time.count()));
    svg.rect(x0, bar_y, x1 - x0, 10, kOthersOpen);
    for (const auto& o : occ) {
      svg.rect(x0 + static_cast<double>(o.start.count()) * scale, bar_y,
               std::max(2.0, static_cast<double>((o.end - o.start).count()) * scale), 10, colour[o.window->stream]);
      svg.title(fmt::format("{}: {} .. {}", o.window->stream, human(o.start), human(o.end)));
    }

    // Gate control entries.
    const auto& segs = strip.segments();
    for (std::size_t k = 0; k < segs.size(); ++k) {
      const auto& s = segs[k];
      const char* fill = s.kind == EntryKind::scheduled ? kScheduledIdle : s.kind == EntryKind::closed ? kClosed : kOthersOpen;
      svg.rect(s.x, strip_y, s.width, strip_h, fill, "stroke=\"white\" stroke-width=\"1\"");
      svg.title(fmt::format("entry {}: gates {:02x} (TC {}) for {} from {}", k, s.gates, class_list(s.gates), human(s.length),
                            human(s.start)));
      if (s.kind != EntryKind::scheduled)
        svg.text(s.x + s.width / 2, strip_y + strip_h - 5, fit(human(s.length), s.width), 10, "middle", "fill=\"#555\"");
      // Guard band: the tail of an entry of other classes that ends where a scheduled one starts.
      const auto& after = segs[(k + 1) % segs.size()];
      if (s.kind == EntryKind::others && after.kind == EntryKind::scheduled) {
        const Nanos g = std::min(guard, s.length);
        // At least 6 px so that it shows in a compressed entry.
        const double gx = std::min(strip.x(s.start + s.length - g), s.x + s.width - 6);
        svg.rect(gx, strip_y, s.x + s.width - gx, strip_h, "url(#guard)");
        svg.title(fmt::format("guard band {}: a best-effort frame that cannot end before the gate closes waits", human(g)));
      }
      // Scheduled-class gate state.
      svg.rect(s.x, gate_y, s.width, 5, (s.gates & port.scheduled_classes) ? "#27ae60" : "#d0d3d4");
    }
    for (const auto& o : occ) {
      const double wx = strip.x(o.start), ww = std::max(2.0, strip.x(o.end) - wx);
      svg.rect(wx, strip_y + 2, ww, strip_h - 4, colour[o.window->stream], "rx=\"2\"");
      svg.title(fmt::format("{} (hop {}, TC {}): {} .. {}, {}", o.window->stream, o.window->hop, o.window->traffic_class,
                            human(o.start), human(o.end), human(o.end - o.start)));
      svg.text(wx + ww / 2, strip_y + strip_h / 2 + 4, fit(o.window->stream, ww), 10, "middle", "fill=\"white\"");
    }

    // Cycle boundaries and entry start times.
    svg.line(x0, bar_y - 4, x0, time_y - 8, "#222", 1.5);
    svg.line(x1, bar_y - 4, x1, time_y - 8, "#222", 1.5);
    double last_label = -1e9;
    for (const auto& s : segs) {
      if (s.x - last_label < 64) continue;
      svg.text(s.x, time_y, human(s.start), 9, "start", "fill=\"#555\"");
      last_label = s.x;
    }
    svg.text(x1, time_y, human(port.cycle_time), 9, "end", "fill=\"#222\"");
    y += kRow;
  }
  if (plan.ports.empty()) svg.text(16, y + 20, "No port carries scheduled traffic.", 12);
  return svg.finish(width, y + 12);
}

}  // namespace takt::exporter
