#pragma once
// A plant and a plan built by hand, small enough that every exported number can be checked:
//   talker:eth0 --- sw1:p1  sw1:p2 --- listener      (sw1:p3 unlinked, sw1:p4 --- spare)
// One scheduled stream "motion" talker -> listener every 250 us, 64 B; one best-effort stream.
#include "control/model/builtin_profiles.hpp"
#include "control/model/plant.hpp"
#include "control/schedule/plan.hpp"
#include "control/schedule/traffic_class_map.hpp"

namespace takt::test {

inline model::Plant sample_plant() {
  model::Plant p;
  p.name = "sample";
  p.profiles = model::builtin_profiles();
  p.nodes.push_back({"sw1", model::NodeKind::bridge, "takt-dataplane", {"p1", "p2", "p3", "p4"}, "", {}});
  p.nodes.push_back({"talker", model::NodeKind::end_station, "end-station", {"eth0"}, "02:00:00:00:00:01", {}});
  p.nodes.push_back({"listener", model::NodeKind::end_station, "end-station", {"eth0"}, "02:00:00:00:00:02", {}});
  p.nodes.push_back({"spare", model::NodeKind::end_station, "end-station", {"eth0"}, "", {}});
  p.links.push_back({{"talker", "eth0"}, {"sw1", "p1"}, 1'000'000'000, Nanos{25}, {}});
  p.links.push_back({{"sw1", "p2"}, {"listener", "eth0"}, 1'000'000'000, Nanos{50}, {}});
  p.links.push_back({{"sw1", "p4"}, {"spare", "eth0"}, 100'000'000, Nanos{5}, {}});
  model::Stream s;
  s.name = "motion";
  s.talker = "talker";
  s.listeners = {"listener"};
  s.interval = Nanos{250'000};
  s.max_frame_size = 64;
  s.max_latency = Nanos{100'000};
  s.vlan = 100;
  s.pcp = 6;
  p.streams.push_back(s);
  model::Stream be = s;
  be.name = "logs";
  be.traffic_class = model::TrafficClassKind::best_effort;
  be.interval = Nanos{10'000'000};
  be.max_frame_size = 1500;
  be.max_frames_per_interval = 4;
  be.pcp = 0;
  p.streams.push_back(be);
  return p;
}

inline schedule::PortPlan sample_port(model::PortRef ref, const std::string& profile, Nanos start, int hop) {
  schedule::PortPlan port;
  port.port = std::move(ref);
  port.profile = profile;
  port.rate_bps = 1'000'000'000;
  port.queues = 8;
  port.priority_to_tc = schedule::priority_to_traffic_class(8);
  port.scheduled_classes = 1u << 6;
  port.cycle_time = Nanos{250'000};
  port.windows.push_back({start, Nanos{672}, Nanos{250'000}, 6, "motion", hop});
  port.gcl = {{0xbf, start}, {0x40, Nanos{1'000}}, {0xbf, Nanos{250'000} - start - Nanos{1'000}}};
  port.scheduled_utilisation = 672.0 / 250'000.0;
  return port;
}

inline schedule::Plan sample_plan() {
  schedule::Plan plan;
  plan.plant = "sample";
  plan.hyperperiod = Nanos{250'000};
  plan.sync_error_budget = Nanos{1'000};
  schedule::StreamPlan s;
  s.name = "motion";
  s.talker = "talker";
  s.listeners = {"listener"};
  s.vlan = 100;
  s.pcp = 6;
  s.destination_mac = "91:e0:f0:00:00:00";
  s.interval = Nanos{250'000};
  s.frame_payload = 64;
  s.max_frame_size = 64;
  s.hops = {
      {{"talker", "eth0"}, {"sw1", "p1"}, {}, 6, Nanos{2'000}, Nanos{672}, Nanos{672}, Nanos{25}, 1'000'000'000},
      {{"sw1", "p2"}, {"listener", "eth0"}, {0}, 6, Nanos{8'000}, Nanos{672}, Nanos{672}, Nanos{50}, 1'000'000'000}};
  s.trees = {{0, 1}};
  s.timed = true;
  s.talker_offset = Nanos{2'000};
  s.max_latency = Nanos{100'000};
  s.worst_case_latency = Nanos{7'722};
  s.slack = Nanos{92'278};
  s.jitter = Nanos{1'000};
  s.listener_timing = {{"listener", Nanos{7'722}, Nanos{92'278}}};
  plan.streams.push_back(s);
  schedule::StreamPlan be;
  be.name = "logs";
  be.talker = "talker";
  be.listeners = {"listener"};
  be.traffic_class = model::TrafficClassKind::best_effort;
  be.interval = Nanos{10'000'000};
  be.frames_per_interval = 4;
  be.frame_payload = 1500;
  be.max_frame_size = 1500;
  be.max_latency = Nanos{10'000'000};
  be.destination_mac = "02:00:00:00:00:02";
  be.vlan = 100;
  be.hops = {{{"talker", "eth0"}, {"sw1", "p1"}, {}, 1, Nanos{0}, Nanos{0}, Nanos{0}, Nanos{25}, 1'000'000'000},
             {{"sw1", "p2"}, {"listener", "eth0"}, {0}, 1, Nanos{0}, Nanos{0}, Nanos{0}, Nanos{50}, 1'000'000'000}};
  be.trees = {{0, 1}};
  plan.streams.push_back(be);
  plan.ports.push_back(sample_port({"sw1", "p2"}, "takt-dataplane", Nanos{8'000}, 1));
  plan.ports.push_back(sample_port({"talker", "eth0"}, "end-station", Nanos{2'000}, 0));
  return plan;
}

}  // namespace takt::test
