#include "control/southbound/protection_counters.hpp"

#include <charconv>
#include <cmath>
#include <vector>

#include <fmt/format.h>

namespace takt::southbound {

namespace {

struct Sample {
  std::string_view name;
  std::vector<std::pair<std::string_view, std::string>> labels;
  std::uint64_t value = 0;

  const std::string* label(std::string_view key) const {
    for (const auto& [k, v] : labels)
      if (k == key) return &v;
    return nullptr;
  }
};

// One sample line of the text format (name, optional {labels}, value, optional timestamp), or
// nullopt for anything else. Values that are not finite non-negative numbers are left out:
// these are counters and 0/1 gauges.
std::optional<Sample> parse_sample(std::string_view line) {
  Sample s;
  const auto name_end = line.find_first_of("{ ");
  if (name_end == std::string_view::npos || name_end == 0) return std::nullopt;
  s.name = line.substr(0, name_end);
  std::size_t i = name_end;
  if (line[i] == '{') {
    ++i;
    while (true) {
      while (i < line.size() && (line[i] == ' ' || line[i] == ',')) ++i;
      if (i >= line.size()) return std::nullopt;
      if (line[i] == '}') {
        ++i;
        break;
      }
      const auto eq = line.find('=', i);
      if (eq == std::string_view::npos || eq + 1 >= line.size() || line[eq + 1] != '"') return std::nullopt;
      const std::string_view key = line.substr(i, eq - i);
      std::string value;
      i = eq + 2;
      bool closed = false;
      while (i < line.size()) {
        const char c = line[i++];
        if (c == '"') {
          closed = true;
          break;
        }
        if (c == '\\' && i < line.size()) {
          const char e = line[i++];
          value.push_back(e == 'n' ? '\n' : e);
        } else {
          value.push_back(c);
        }
      }
      if (!closed) return std::nullopt;
      s.labels.emplace_back(key, std::move(value));
    }
  }
  while (i < line.size() && line[i] == ' ') ++i;
  std::string_view value = line.substr(i);
  value = value.substr(0, value.find(' '));
  double v = 0;
  // Counters are integers but the format allows "1e3"; parse as a double.
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec != std::errc{} || end != value.data() + value.size() || !std::isfinite(v) || v < 0) return std::nullopt;
  s.value = v >= 18446744073709549568.0 ? UINT64_MAX : static_cast<std::uint64_t>(v);
  return s;
}

void add_to(StreamProtectionCounters& c, const Sample& s, const std::string* result) {
  const std::string_view n = s.name;
  if (n == "takt_psfp_matching_frames_total") {
    c.psfp_matching += s.value;
  } else if (n == "takt_psfp_discarded_frames_total") {
    if (result) c.psfp_discarded[*result] += s.value;
  } else if (n == "takt_frer_generated_frames_total") {
    c.frer_generated += s.value;
  } else if (n == "takt_frer_recovery_frames_total") {
    if (!result) return;
    if (*result == "passed") c.frer_passed += s.value;
    if (*result == "discarded") c.frer_eliminated += s.value;
    if (*result == "out-of-order") c.frer_out_of_order += s.value;
    if (*result == "rogue") c.frer_rogue += s.value;
    if (*result == "lost") c.frer_lost += s.value;
    if (*result == "tagless") c.frer_tagless += s.value;
  } else if (n == "takt_frer_individual_recovery_discarded_frames_total") {
    c.frer_individual_discarded += s.value;
  } else if (n == "takt_frer_recovery_resets_total") {
    c.frer_resets += s.value;
  } else if (n == "takt_frer_latent_errors_total") {
    c.frer_latent_errors += s.value;
  } else if (n == "takt_frer_latent_error") {
    c.latent_error = c.latent_error || s.value != 0;
  }
}

}  // namespace

std::uint64_t StreamProtectionCounters::psfp_discarded_total() const {
  std::uint64_t sum = 0;
  for (const auto& [reason, n] : psfp_discarded) sum += n;
  return sum;
}

std::optional<ProtectionCounters> protection_counters(std::string_view text) {
  ProtectionCounters out;
  while (!text.empty()) {
    const auto eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view{} : text.substr(eol + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    const bool psfp = line.starts_with("takt_psfp_");
    const bool frer = line.starts_with("takt_frer_");
    if (!psfp && !frer && !line.starts_with("takt_dataplane_dropped_frames_total")) continue;
    const auto s = parse_sample(line);
    if (!s) continue;
    if (s->name == "takt_dataplane_dropped_frames_total") {
      const std::string* reason = s->label("reason");
      if (!reason) continue;
      if (*reason == "policed") out.policed += s->value;
      if (*reason == "frer-eliminated") out.frer_eliminated += s->value;
      if (*reason == "r-tag-error") out.r_tag_errors += s->value;
      continue;
    }
    const std::string* stream = s->label("stream");
    if (!stream) continue;
    out.psfp = out.psfp || psfp;
    out.frer = out.frer || frer;
    const std::string* result = psfp ? s->label("reason") : s->label("result");
    add_to(out.streams[*stream], *s, result);
    add_to(out.total, *s, result);
  }
  if (!out.psfp && !out.frer) return std::nullopt;
  return out;
}

namespace {

// "flow-meter-red 1, stream-gate-closed 2": the reasons that discarded anything.
std::string reasons_text(const std::map<std::string, std::uint64_t>& by_reason) {
  std::string out;
  for (const auto& [reason, n] : by_reason) {
    if (n == 0) continue;
    if (!out.empty()) out.append(", ");
    out.append(fmt::format("{} {}", reason, n));
  }
  return out;
}

std::string discarded_text(const StreamProtectionCounters& c) {
  const std::string reasons = reasons_text(c.psfp_discarded);
  return fmt::format("{} discarded{}", c.psfp_discarded_total(), reasons.empty() ? "" : fmt::format(" ({})", reasons));
}

nlohmann::json counters_json(const StreamProtectionCounters& c) {
  return {{"psfp-matching", c.psfp_matching},
          {"psfp-discarded", c.psfp_discarded_total()},
          {"psfp-discarded-by-reason", c.psfp_discarded},
          {"frer-generated", c.frer_generated},
          {"frer-passed", c.frer_passed},
          {"frer-eliminated", c.frer_eliminated},
          {"frer-out-of-order", c.frer_out_of_order},
          {"frer-rogue", c.frer_rogue},
          {"frer-lost", c.frer_lost},
          {"frer-tagless", c.frer_tagless},
          {"frer-individual-discarded", c.frer_individual_discarded},
          {"frer-resets", c.frer_resets},
          {"frer-latent-errors", c.frer_latent_errors},
          {"latent-error", c.latent_error}};
}

}  // namespace

std::string protection_text(const ProtectionCounters& p) {
  const auto& t = p.total;
  std::string out;
  if (p.psfp)
    out.append(fmt::format("  psfp: {} frames met a stream filter, {}\n", t.psfp_matching, discarded_text(t)));
  if (p.frer) {
    out.append(fmt::format(
        "  frer: {} generated; recovery passed {}, eliminated {}, lost {}, rogue {}, out-of-order {}, tagless {}, "
        "resets {}; latent errors {}",
        t.frer_generated, t.frer_passed, t.frer_eliminated, t.frer_lost, t.frer_rogue, t.frer_out_of_order,
        t.frer_tagless, t.frer_resets, t.frer_latent_errors));
    std::string now;
    for (const auto& [stream, c] : p.streams)
      if (c.latent_error) now.append(now.empty() ? stream : fmt::format(", {}", stream));
    if (!now.empty()) out.append(fmt::format(", LATENT ERROR NOW on {}", now));
    out.append("\n");
  }
  if (p.r_tag_errors != 0) out.append(fmt::format("  r-tag errors: {}\n", p.r_tag_errors));
  for (const auto& [stream, c] : p.streams) {
    if (!c.troubled()) continue;
    std::string line = fmt::format("    stream {}:", stream);
    if (c.psfp_discarded_total() != 0) line.append(fmt::format(" psfp {};", discarded_text(c)));
    if (c.frer_lost != 0 || c.frer_rogue != 0)
      line.append(fmt::format(" frer lost {}, rogue {};", c.frer_lost, c.frer_rogue));
    if (c.latent_error) line.append(" latent error now;");
    line.back() = '\n';
    out.append(line);
  }
  return out;
}

nlohmann::json protection_json(const ProtectionCounters& p) {
  nlohmann::json streams = nlohmann::json::object();
  for (const auto& [stream, c] : p.streams) streams[stream] = counters_json(c);
  return {{"psfp", p.psfp},
          {"frer", p.frer},
          {"policed", p.policed},
          {"frer-eliminated", p.frer_eliminated},
          {"r-tag-errors", p.r_tag_errors},
          {"total", counters_json(p.total)},
          {"streams", streams}};
}

}  // namespace takt::southbound
