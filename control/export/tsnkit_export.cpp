// Plant -> TSNKit instance (see tsnkit.hpp for the mapping).
#include <map>

#include <fmt/format.h>

#include "control/export/csv.hpp"
#include "control/export/tsnkit.hpp"
#include "control/export/tsnkit_numbering.hpp"

namespace takt::exporter {
namespace {

// bit/ns, exact: 1 Gb/s -> "1", 100 Mb/s -> "0.1", 2.5 Gb/s -> "2.5".
std::string rate_bit_per_ns(std::int64_t bps) {
  std::string s = fmt::format("{}.{:09d}", bps / 1'000'000'000, bps % 1'000'000'000);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

}  // namespace

TsnkitInstance to_tsnkit(const model::Plant& plant) {
  TsnkitInstance out;
  const TsnkitNumbering numbering = tsnkit_numbering(plant);
  const auto& id = numbering.node;
  std::map<std::int64_t, const model::Node*> by_id;
  for (const auto& n : plant.nodes) by_id[id.at(n.name)] = &n;
  out.nodes_csv = "id,node,kind\n";
  for (const auto& [i, n] : by_id)
    out.nodes_csv += fmt::format("{},{},{}\n", i, csv_field(n->name), model::to_string(n->kind));

  out.topology_csv = "link,q_num,rate,t_proc,t_prop\n";
  for (const auto& l : plant.links) {
    for (const auto& [from, to] : {std::pair{l.a, l.b}, std::pair{l.b, l.a}}) {
      const model::Node* tx = plant.find_node(from.node);
      const model::Node* rx = plant.find_node(to.node);
      const Nanos proc = rx->kind == model::NodeKind::bridge ? plant.profile_of(*rx).processing_delay_max : Nanos{0};
      out.topology_csv +=
          fmt::format("\"({}, {})\",{},{},{},{}\n", id.at(from.node), id.at(to.node), plant.profile_of(*tx).queues,
                      rate_bit_per_ns(l.rate_bps), proc.count(), l.propagation.count());
    }
  }

  out.stream_csv = "stream,src,dst,size,period,deadline,jitter\n";
  out.streams_csv = "id,stream,listener\n";
  for (std::size_t row = 0; row < numbering.rows.size(); ++row) {
    const auto& r = numbering.rows[row];
    const model::Stream& s = *plant.find_stream(r.stream);
    const std::int64_t jitter = s.jitter.count() > 0 ? s.jitter.count() : s.interval.count();
    std::string dst;
    for (const auto& l : r.listeners) dst += fmt::format("{}{}", dst.empty() ? "" : ", ", id.at(l));
    out.stream_csv +=
        fmt::format("{},{},{},{},{},{},{}\n", row, id.at(s.talker), csv_field("[" + dst + "]"),
                    s.max_frame_size * s.max_frames_per_interval, s.interval.count(), s.max_latency.count(), jitter);
    for (const auto& l : r.listeners)
      out.streams_csv += fmt::format("{},{},{}\n", row, csv_field(s.name), csv_field(l));
  }
  return out;
}

}  // namespace takt::exporter
