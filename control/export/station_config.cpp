#include "control/export/station_config.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "control/export/stream_protection.hpp"
#include "control/export/talker_offsets.hpp"

namespace takt::exporter {

namespace {

station::StreamKind kind_of(model::TrafficClassKind k) {
  switch (k) {
    case model::TrafficClassKind::scheduled:
      return station::StreamKind::scheduled;
    case model::TrafficClassKind::bounded:
      return station::StreamKind::bounded;
    case model::TrafficClassKind::best_effort:
      return station::StreamKind::best_effort;
  }
  return station::StreamKind::best_effort;
}

station::IpIdentification ip_of(const model::IpStreamIdentification& ip) {
  return {ip.destination, ip.source, ip.protocol, ip.source_port, ip.destination_port, ip.dscp};
}

void fill_stream(station::StationStream& out, const schedule::StreamPlan& s, const model::Plant& plant) {
  out.name = s.name;
  out.kind = kind_of(s.traffic_class);
  out.interval = s.interval;
  out.frames_per_interval = s.frames_per_interval;
  // The station's side of the first and last hop: no R-TAG (bridges add and remove it).
  out.max_frame_bytes = frame_bytes(s, false);
  const auto mac = MacAddress::parse(s.destination_mac);
  if (!mac)
    throw std::invalid_argument(fmt::format("stream {}: destination MAC '{}' is not valid", s.name, s.destination_mac));
  out.destination = *mac;
  out.vlan = static_cast<std::uint16_t>(s.vlan);
  out.pcp = static_cast<std::uint8_t>(s.pcp);
  out.max_latency = s.max_latency;
  if (const model::Stream* declared = plant.find_stream(s.name); declared && declared->ip)
    out.ip = ip_of(*declared->ip);
}

station::TalkerStream talker_stream(const schedule::StreamPlan& s, const model::Plant& plant) {
  station::TalkerStream t;
  fill_stream(t, s, plant);
  if (s.timed) t.offset = s.talker_offset;
  t.window = talker_window(s);
  if (s.interval > Nanos{0}) {
    const FlowMeterConfig m = stream_flow_meter(s, t.max_frame_bytes, plant.defaults.protection.burst_tolerance);
    t.committed_information_rate_bps = m.committed_information_rate_bps;
    t.committed_burst_bytes = m.committed_burst_size_bytes;
  }
  t.listeners = s.listeners;
  return t;
}

station::ListenerStream listener_stream(const schedule::StreamPlan& s, const model::Plant& plant,
                                        const schedule::Plan& plan, const std::string& listener) {
  station::ListenerStream l;
  fill_stream(l, s, plant);
  l.talker = s.talker;
  if (!s.timed || s.interval <= Nanos{0}) return l;
  // The hops into the listener (one, unless it is attached twice): the union of their windows.
  std::optional<ArrivalWindow> arrival;
  for (const auto& hop : s.hops) {
    if (hop.ingress.node != listener) continue;
    const ArrivalWindow a = arrival_window(s, hop, plan.sync_error_budget);
    arrival = arrival ? ArrivalWindow{std::min(arrival->from, a.from), std::max(arrival->until, a.until)} : a;
  }
  const Nanos width = arrival ? arrival->until - arrival->from : s.interval;
  if (width >= s.interval) {  // frames may come at any time of the interval
    l.arrival_offset = Nanos{0};
    l.arrival_window = s.interval;
  } else {
    l.arrival_offset = ((arrival->from % s.interval) + s.interval) % s.interval;
    l.arrival_window = width;
  }
  return l;
}

}  // namespace

std::vector<std::string> stations_with_streams(const schedule::Plan& plan, const model::Plant& plant) {
  std::vector<std::string> out;
  for (const auto& n : plant.nodes) {
    if (n.kind != model::NodeKind::end_station) continue;
    const bool involved = std::any_of(plan.streams.begin(), plan.streams.end(), [&](const schedule::StreamPlan& s) {
      return s.talker == n.name || std::find(s.listeners.begin(), s.listeners.end(), n.name) != s.listeners.end();
    });
    if (involved) out.push_back(n.name);
  }
  return out;
}

station::StationConfig station_config(const schedule::Plan& plan, const model::Plant& plant,
                                      const std::string& end_station) {
  const model::Node* node = plant.find_node(end_station);
  if (!node || node->kind != model::NodeKind::end_station)
    throw std::invalid_argument(fmt::format("{} is not an end station of plant {}", end_station, plant.name));
  station::StationConfig c;
  c.plant = plan.plant;
  c.station = end_station;
  c.sync_error_budget = plan.sync_error_budget;
  for (const auto& s : plan.streams) {
    if (s.talker == end_station) c.talks.push_back(talker_stream(s, plant));
    if (std::find(s.listeners.begin(), s.listeners.end(), end_station) != s.listeners.end())
      c.listens.push_back(listener_stream(s, plant, plan, end_station));
  }
  return c;
}

}  // namespace takt::exporter
