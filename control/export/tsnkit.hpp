#pragma once
// TSNKit instances (github.com/ChuanyuXue/tsnkit), in and out, so academic schedulers and takt
// can be compared on the same instances.
//
// stream CSV: stream,src,dst,size,period,deadline,jitter  (TSNKit also reads "id" for "stream")
//   ids 0..n-1; src a node id; dst a list "[id,...]"; size bytes; times integer ns.
// topology CSV: link,q_num,rate,t_proc,t_prop
//   one row per direction of a cable, link "(src, dst)"; rate in bit/ns (1 = 1 Gb/s); t_proc
//   is the processing time at the link's receiving node; times integer ns.
// A node with a single cable is an end station, every other node a bridge.
//
// Two models of the same instance (control/model/frame_model.hpp), chosen on import:
//   wire-bytes (TSNKit's, the default): a size is the bytes on the wire, sent in
//               ceil(size x 8 / rate) ns with nothing added, as one frame (up to 16000 B); the
//               plant says so with defaults frame-model: wire-bytes and sync-error-budget: 0ns,
//               and its profiles have no launch error and no minimum gate interval.
//   ethernet (takt's): a size is 802.1Qcc payload; header, tag, FCS, preamble, IFG and takt's
//               default sync error budget come on top, on takt-dataplane's limits.
// Mapping (both ways):
//   size      = max-frame-size x max-frames-per-interval. On import a size above the frame
//               limit (1500 B MTU for ethernet) becomes ceil(size / limit) frames of equal size.
//   deadline  = max-latency; period = interval.
//   jitter    = takt jitter; takt's "no requirement" (0) is written as jitter = period, TSNKit's
//               own way of saying unconstrained; on import jitter >= period (or 0) means none.
//   q_num     = queues of the transmitting port's profile; t_proc = receiving bridge's max
//               processing delay (0 into an end station).
// Only scheduled streams are exported (TSNKit has no other class), numbered as
// tsnkit_numbering.hpp says: a plant imported from TSNKit keeps the instance's ids (a multicast
// row stays one row), any other plant gets ids in plant order and one row per listener since
// TSNKit's schedulers take unicast streams only; nodes.csv maps ids back to takt names and
// streams.csv maps rows back to streams (a line per listener).
#include <string>

#include "control/model/frame_model.hpp"
#include "control/model/loader.hpp"
#include "control/model/plant.hpp"

namespace takt::exporter {

struct TsnkitInstance {
  std::string stream_csv;    // the "task" file
  std::string topology_csv;  // the "topo" file
  std::string nodes_csv;     // id,node,kind
  std::string streams_csv;   // id,stream,listener
};

TsnkitInstance to_tsnkit(const model::Plant& plant);

struct TsnkitImport {
  std::string plant_yaml;           // the plant the instance describes, for people and `taktctl check`
  model::LoadResult result;         // plant_yaml loaded and validated
  std::vector<std::string> errors;  // CSV problems ("task.csv:4: ..."); nothing loaded if any
};

// Node i becomes "sw<i>" or "es<i>", stream i "s<i>"; bridge ports p1.. in file order, end
// station ports eth0. `plant_name` names the plant; `frame_model` picks the model above.
TsnkitImport from_tsnkit(const std::string& stream_csv, const std::string& topology_csv, const std::string& plant_name,
                         const std::string& stream_file = "stream.csv",
                         const std::string& topology_file = "topology.csv",
                         model::FrameModel frame_model = model::FrameModel::wire_bytes);

}  // namespace takt::exporter
