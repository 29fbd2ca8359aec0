#pragma once
// Reading the streams takt-probe runs from the files the controller writes. Accepted, by the
// "format" member:
//   takt-talker-offsets/1  (taktctl plan, per end station): stream, interval-ns, offset-ns,
//                          frames-per-interval, frame-payload-bytes, destination-mac, vlan, pcp
//   takt-plan/1            (plan.json): name, interval-ns, timed + talker-offset-ns,
//                          frame-payload, destination-mac, vlan, pcp, max-latency-ns
//   anything else with a "streams" array of objects using either spelling.
// max-latency-ns is optional everywhere (a talker-offset file has none); the listener then
// uses --max-latency. Unknown members are ignored so newer exports still load.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "dataplane/probe/probe_stream.hpp"

namespace takt::probe {

// Throws std::runtime_error "<origin>: /streams/3/interval-ns: ..." (a JSON pointer to the
// offending member) when a stream is unusable.
std::vector<ProbeStream> streams_from_json(const nlohmann::json& document, const std::string& origin);
std::vector<ProbeStream> load_stream_file(const std::string& path);

// Keeps the streams named in `names` (all when empty), in file order; throws naming any name
// the file does not have.
std::vector<ProbeStream> select_streams(std::vector<ProbeStream> streams, const std::vector<std::string>& names);

}  // namespace takt::probe
