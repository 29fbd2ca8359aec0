#include "tools/cell_report/probe_summaries.hpp"

#include <algorithm>

#include "tools/cell_report/input_error.hpp"
#include "tools/cell_report/json_file.hpp"

namespace takt::cell_report {

namespace {

const nlohmann::json& streams_of(const nlohmann::json& doc, const std::filesystem::path& file,
                                 const std::string& role) {
  if (doc.value("role", std::string()) != role) throw InputError(file, "is not a takt-probe " + role + " summary");
  if (!doc.contains("streams") || !doc.at("streams").is_array()) throw InputError(file, "has no \"streams\" list");
  return doc.at("streams");
}

std::optional<std::int64_t> optional_ns(const nlohmann::json& j, const char* key) {
  if (!j.contains(key) || j.at(key).is_null()) return std::nullopt;
  return j.at(key).get<std::int64_t>();
}

// Station names of the files <prefix><station>.json in the folder, sorted.
std::vector<std::string> stations(const std::filesystem::path& dir, const std::string& prefix) {
  std::vector<std::string> out;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const auto name = entry.path().filename().string();
    if (name.size() > prefix.size() + 5 && name.starts_with(prefix) && name.ends_with(".json"))
      out.push_back(name.substr(prefix.size(), name.size() - prefix.size() - 5));
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

std::uint64_t ProbeSummaries::sent(const std::string& stream) const {
  std::uint64_t n = 0;
  for (const auto& t : talked)
    if (t.stream == stream) n += t.sent;
  return n;
}

void read_talker_summary(const std::filesystem::path& file, const std::string& station, ProbeSummaries& into) {
  const auto doc = read_json_file(file);
  for (const auto& s : streams_of(doc, file, "talker")) {
    into.talked.push_back({required<std::string>(s, "stream", file), station, s.value("sent", std::uint64_t{0})});
    for (const auto& st : s.value("stalls", nlohmann::json::array()))
      into.talker_stalls.push_back({station, "talker", required<std::int64_t>(st, "start-ns", file),
                                    required<std::int64_t>(st, "end-ns", file),
                                    st.value("excess-ns", std::int64_t{0})});
  }
  if (auto first = optional_ns(doc, "first-transmission-ns"))
    into.window.first_ns = into.window.first_ns ? std::min(*into.window.first_ns, *first) : *first;
  if (auto until = optional_ns(doc, "until-ns"))
    into.window.until_ns = into.window.until_ns ? std::max(*into.window.until_ns, *until) : *until;
}

void read_listener_summary(const std::filesystem::path& file, const std::string& station, ProbeSummaries& into) {
  const auto doc = read_json_file(file);
  for (const auto& s : streams_of(doc, file, "listener")) {
    ListenedStream l;
    l.stream = required<std::string>(s, "stream", file);
    l.listener = station;
    l.received = s.value("received", std::uint64_t{0});
    l.lost = s.value("lost", std::uint64_t{0});
    l.duplicated = s.value("duplicated", std::uint64_t{0});
    const auto latency = s.value("latency-ns", nlohmann::json::object());
    l.p50_ns = latency.value("p50", std::int64_t{0});
    l.p99_ns = latency.value("p99", std::int64_t{0});
    l.max_ns = latency.value("max", std::int64_t{0});
    l.max_latency_ns = optional_ns(s, "max-latency-ns");
    if (s.contains("deadline-misses") && !s.at("deadline-misses").is_null())
      l.deadline_misses = s.at("deadline-misses").get<std::uint64_t>();
    if (s.contains("on-time-ratio") && !s.at("on-time-ratio").is_null())
      l.on_time_ratio = s.at("on-time-ratio").get<double>();
    for (const auto& f : s.value("late-frames", nlohmann::json::array()))
      l.late_frames.push_back({f.value("sequence", std::uint64_t{0}), required<std::int64_t>(f, "transmitted-ns", file),
                               f.value("received-ns", std::int64_t{0})});
    l.late_frames_not_kept = s.value("late-frames-not-kept", std::uint64_t{0});
    l.probe_verdict = s.value("verdict", std::string("-"));
    into.listened.push_back(std::move(l));
  }
}

ProbeSummaries read_probe_summaries(const std::filesystem::path& run_dir) {
  if (!std::filesystem::is_directory(run_dir)) throw InputError(run_dir, "is not a folder");
  ProbeSummaries out;
  for (const auto& st : stations(run_dir, "talker-"))
    read_talker_summary(run_dir / ("talker-" + st + ".json"), st, out);
  for (const auto& st : stations(run_dir, "listener-"))
    read_listener_summary(run_dir / ("listener-" + st + ".json"), st, out);
  return out;
}

}  // namespace takt::cell_report
