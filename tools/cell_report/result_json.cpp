#include "tools/cell_report/result_json.hpp"

namespace takt::cell_report {

namespace {

template <typename T>
nlohmann::ordered_json or_null(const std::optional<T>& v) {
  return v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json(nullptr);
}

nlohmann::ordered_json psfp_json(const std::optional<StreamPsfp>& p) {
  if (!p) return nullptr;
  return {{"dropped", p->dropped},
          {"in-faults", p->in_faults},
          {"in-host-stalls", p->in_host_stalls},
          {"stall-chance", or_null(p->stall_chance)},
          {"where", p->where}};
}

nlohmann::ordered_json frer_json(const std::optional<FrerCounts>& f) {
  if (!f) return nullptr;
  return {{"generating", f->generating},
          {"recovering", f->recovering},
          {"generated", f->generated},
          {"passed", f->passed},
          {"eliminated", f->eliminated},
          {"one-copy", f->one_copy()},
          {"lost", f->lost},
          {"rogue", f->rogue},
          {"out-of-order", f->out_of_order}};
}

// takt-station at the talker and the listener, each beside takt-probe's count; null where it
// did not run.
nlohmann::ordered_json station_json(const StreamResult& s) {
  if (!s.station_talker && !s.station_listener) return nullptr;
  nlohmann::ordered_json talker = nullptr;
  if (const auto& t = s.station_talker)
    talker = {{"station", t->station},
              {"passed", t->passed},
              {"policed", t->policed},
              {"departures-in-window", or_null(t->departures_in_window)},
              {"departures-outside-window", or_null(t->departures_outside_window)},
              {"probe-sent", s.sent},
              {"agrees", or_null(s.station_talker_agrees())}};
  nlohmann::ordered_json listener = nullptr;
  if (const auto& l = s.station_listener) {
    nlohmann::ordered_json arrivals = nullptr;
    if (l->arrivals_in_window)
      arrivals = {{"early", l->arrivals_early.value_or(0)},
                  {"in", *l->arrivals_in_window},
                  {"late", l->arrivals_late.value_or(0)}};
    listener = {{"station", l->station},
                {"received", l->received},
                {"arrivals", arrivals},
                {"sequence-gaps", l->sequence_gaps},
                {"out-of-order", l->out_of_order},
                {"deadline-misses", l->deadline_misses},
                {"probe-received", s.probe_frames()},
                {"agrees", or_null(s.station_listener_agrees())}};
  }
  return {{"talker", talker}, {"listener", listener}};
}

nlohmann::ordered_json stream_json(const StreamResult& s) {
  return {
      {"stream", s.stream},
      {"class", s.traffic_class},
      {"talker", s.talker},
      {"listener", s.listener},
      {"sent", s.sent},
      {"received", s.received},
      {"lost", s.lost},
      {"latency-ns", {{"p50", s.p50_ns}, {"p99", s.p99_ns}, {"max", s.max_ns}}},
      {"max-latency-ns", or_null(s.max_latency_ns)},
      {"late", or_null(s.late)},
      {"late-in-host-stalls", s.late_in_host_stalls},
      {"late-unexplained", s.late_unexplained},
      {"late-frames-not-kept", s.late_frames_not_kept},
      {"on-time-ratio", or_null(s.on_time_ratio)},
      {"stall-chance", or_null(s.stall_chance)},
      {"prometheus", {{"p99-s", or_null(s.prometheus_p99_s)}, {"on-time-ratio", or_null(s.prometheus_on_time_ratio)}}},
      {"redundant", s.redundant},
      {"duplicated", s.duplicated},
      {"lost-in-host-stalls", s.lost_in_host_stalls},
      {"psfp", psfp_json(s.psfp)},
      {"frer", frer_json(s.frer)},
      {"station", station_json(s)},
      {"verdict", s.verdict},
      {"failures", s.failures}};
}

nlohmann::ordered_json labelled(const std::vector<LabelledValue>& values) {
  auto out = nlohmann::ordered_json::object();
  for (const auto& v : values) out[v.label] = v.value;
  return out;
}

}  // namespace

nlohmann::ordered_json result_json(const CellResult& r) {
  auto streams = nlohmann::ordered_json::array();
  for (const auto& s : r.streams) streams.push_back(stream_json(s));

  auto nodes = nlohmann::ordered_json::array();
  for (const auto& n : r.nodes)
    nodes.push_back({{"node", n.node},
                     {"stall-threshold-ns", n.threshold_ns},
                     {"stalls", n.count},
                     {"longest-excess-ns", n.longest_excess_ns}});

  auto bridges = nlohmann::ordered_json::array();
  for (const auto& b : r.bridges_at_end)
    bridges.push_back({{"bridge", b.bridge},
                       {"error", or_null(b.error)},
                       {"transaction", b.transaction},
                       {"clock", b.clock},
                       {"deadline-misses", or_null(b.deadline_misses)}});

  nlohmann::ordered_json install = nullptr;
  if (r.install) {
    auto list = nlohmann::ordered_json::array();
    for (const auto& b : r.install->bridges) list.push_back({{"bridge", b.bridge}, {"base-time-ns", b.base_time_ns}});
    install = {{"transaction", r.install->transaction}, {"bridges", list}};
  }

  nlohmann::ordered_json wildcard = nullptr;
  if (r.wildcard_discards) {
    wildcard = nlohmann::ordered_json::array();
    for (const auto& w : *r.wildcard_discards)
      wildcard.push_back({{"bridge", w.bridge}, {"port", w.port}, {"reason", w.reason}, {"frames", w.frames}});
  }

  auto faults = nlohmann::ordered_json::array();
  for (const auto& f : r.faults)
    faults.push_back({{"fault", f.fault}, {"what", f.what}, {"start-ns", f.start_ns}, {"end-ns", f.end_ns}});

  auto on_time = nlohmann::ordered_json::array();
  for (const auto& o : r.prometheus.on_time)
    on_time.push_back({{"stream", o.stream}, {"le", o.le}, {"ratio", or_null(o.ratio)}});
  auto overruns = nlohmann::ordered_json::object();
  for (const auto& [bridge, streams_of_bridge] : r.prometheus.overruns) overruns[bridge] = labelled(streams_of_bridge);

  return {{"format", "takt-cell-report/1"},
          {"pass", r.pass},
          {"send-window-ns", {{"first", or_null(r.window.first_ns)}, {"until", or_null(r.window.until_ns)}}},
          {"hyperperiod-ns", r.hyperperiod_ns},
          {"streams", streams},
          {"nodes", nodes},
          {"install", install},
          {"bridges-at-end", bridges},
          {"protection",
           {{"protected-streams-lost-nothing", r.protected_lost_nothing},
            {"wildcard-discards", wildcard},
            {"faults", faults}}},
          {"takt-station", {{"stations", r.station_nodes}}},
          {"controller",
           {{"converged", or_null(r.controller.converged)},
            {"installs-done", r.controller.installs_done},
            {"installs-failed", r.controller.installs_failed},
            {"repairs", r.controller.repairs},
            {"sync-losses", r.controller.sync_losses}}},
          {"prometheus",
           {{"targets-up", r.prometheus.targets_up},
            {"p99-s", labelled(r.prometheus.p99_s)},
            {"on-time", on_time},
            {"packet-loop-stalls", labelled(r.prometheus.stalls)},
            {"window-overruns", overruns}}}};
}

}  // namespace takt::cell_report
