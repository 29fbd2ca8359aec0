#pragma once
// What bench_station runs: a small but realistic end station's plan (8 talked streams, half
// null-identified, half IP-identified under four different masks; 8 listened streams, one an IP
// stream whose frames get the station's address back) and one frame per path through
// takt_egress and takt_ingress, each with what the program must have done with it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dataplane/core/mac_address.hpp"
#include "dataplane/core/time.hpp"
#include "protocol/station_config.hpp"
#include "tests/bench/station/frame_builder.hpp"

namespace takt::station::bench {

enum class Program { egress, ingress };

// The path a frame takes, which decides the counters and the action to check.
enum class Path {
  sent,            // egress: identified, conforming, tagged and counted (TC_ACT_OK)
  policed,         // egress: identified, over its token bucket, dropped (TC_ACT_SHOT)
  probe_received,  // ingress: counted, arrival phase, takt-probe latency and sequence
  restored,        // ingress: counted, IP stream given the station's address back
  passed,          // either: no stream claims it, nothing counted (TC_ACT_OK)
};

struct BenchCase {
  std::string name;
  Program program = Program::egress;
  Path path = Path::passed;
  std::string stream;  // the talked or listened stream it belongs to; empty when passed
  Bytes frame;
  // Egress: the frame arrives without a tag, so the program pushes one into the skb's metadata
  // and every later run on the same skb sees a tagged frame (counted 4 bytes shorter).
  bool untagged = false;
  // Egress: time the stream with its TSpec's token bucket (with_tspec_bucket) instead of the
  // one that never empties, so the bucket drops almost every run.
  bool tspec_bucket = false;
  // What the frame looks like after one run on a fresh skb, where the program changes it:
  // the destination address (IP streams: the stream's on egress, the station's on ingress) and
  // the inline tag's TCI. Frames that pass must come out unchanged.
  std::optional<MacAddress> destination_after;
  std::optional<std::uint16_t> tci_after;
};

struct Workload {
  StationConfig config;
  // The interface's own address, which IP listeners restore.
  MacAddress own_address;
  // The restoring listener's stream address, used as the station's address while timing: the
  // restore then writes the address the frame already has, so the same skb keeps matching run
  // after run, at the cost of writing a real address (the bytes written do not change it).
  MacAddress restore_in_place_address;
  std::vector<BenchCase> cases;
};

// Frames carrying a takt-probe header take `transmit_time` as their transmit time.
Workload bench_workload(TaiTime transmit_time);

// The plan with `stream`'s token bucket at its TSpec (a frame of 128 bytes per 1 ms interval,
// a burst of two): the streams the bench times on the conforming path have one that never
// empties (1 Tbit/s, 1 MB), since a million frames back to back would empty the TSpec's after
// two.
StationConfig with_tspec_bucket(const StationConfig& config, const std::string& stream);

}  // namespace takt::station::bench
