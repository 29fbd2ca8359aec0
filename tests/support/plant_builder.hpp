#pragma once
// Plants written in code for tests: nodes, links with automatically numbered ports, streams.
#include <map>
#include <string>
#include <vector>

#include "control/model/plant.hpp"

namespace takt::test {

class PlantBuilder {
 public:
  explicit PlantBuilder(std::string name, Nanos sync = Nanos{1000}) {
    plant_.name = std::move(name);
    plant_.defaults.sync_error_budget = sync;
    model::Profile br;
    br.name = "bridge";
    br.processing_delay_min = Nanos{1000};
    br.processing_delay_max = Nanos{2000};
    model::Profile es;
    es.name = "station";
    plant_.profiles = {br, es};
  }
  PlantBuilder& profile(const model::Profile& p) {
    plant_.profiles.push_back(p);
    return *this;
  }
  PlantBuilder& bridge(const std::string& name, const std::string& profile = "bridge") {
    return node(name, model::NodeKind::bridge, profile);
  }
  PlantBuilder& station(const std::string& name) { return node(name, model::NodeKind::end_station, "station"); }
  PlantBuilder& link(const std::string& a, const std::string& b, std::int64_t rate = 1'000'000'000,
                     Nanos prop = Nanos{0}) {
    model::Link l;
    l.a = next_port(a);
    l.b = next_port(b);
    l.rate_bps = rate;
    l.propagation = prop;
    plant_.links.push_back(l);
    return *this;
  }
  model::Stream& stream(const std::string& name, const std::string& talker, std::vector<std::string> listeners,
                        Nanos interval, std::int64_t size, Nanos max_latency) {
    model::Stream s;
    s.name = name;
    s.talker = talker;
    s.listeners = std::move(listeners);
    s.interval = interval;
    s.max_frame_size = size;
    s.max_latency = max_latency;
    s.vlan = 100;
    s.pcp = 6;
    plant_.streams.push_back(s);
    return plant_.streams.back();
  }
  model::Plant& plant() { return plant_; }
  model::Plant build() const { return plant_; }

 private:
  PlantBuilder& node(const std::string& name, model::NodeKind kind, const std::string& profile) {
    model::Node n;
    n.name = name;
    n.kind = kind;
    n.profile = profile;
    plant_.nodes.push_back(n);
    return *this;
  }
  model::PortRef next_port(const std::string& node) {
    for (auto& n : plant_.nodes) {
      if (n.name != node) continue;
      // Not "p" + std::to_string(...): GCC 12 -O3 reports a false -Wrestrict on literal + string
      // (bug 105651), which stops the Release build.
      n.ports.push_back(std::string("p").append(std::to_string(n.ports.size() + 1)));
      return {node, n.ports.back()};
    }
    return {node, "?"};
  }
  model::Plant plant_;
};

}  // namespace takt::test
