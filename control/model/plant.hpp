#pragma once
// The typed plant model: what the YAML declares, with every quantity in integer units
// (nanoseconds, bytes, bits per second) and every object remembering where it was written.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "control/model/frame_model.hpp"
#include "control/model/source_location.hpp"
#include "dataplane/core/five_tuple.hpp"
#include "dataplane/core/time.hpp"

namespace takt::model {

// A bridge port's hardware limits (what a gate control list may look like there).
struct Profile {
  std::string name;
  int queues = 8;                       // traffic classes with their own queue and gate
  int max_gcl_entries = 1024;           // admin control list length limit
  Nanos min_gate_interval{0};           // shortest time-interval-value the hardware accepts
  Nanos granularity{1};                 // intervals must be multiples of this (tick-granularity)
  bool one_window_per_queue = false;    // each gate may open only once per cycle (Intel i225)
  bool cycle_time_extension = true;     // supports admin-cycle-time-extension
  bool future_base_time = true;         // accepts an admin-base-time in the future
  Nanos processing_delay_min{0};        // ingress to egress-queue, best case
  Nanos processing_delay_max{0};        // ingress to egress-queue, worst case
  std::int64_t max_frame_size = 1500;   // largest MAC client data (jumbo-capable hardware: more)
  Nanos max_cycle_time{1'000'000'000};  // longest cycle the hardware accepts
  // How late after its gate opens (a talker: after its offset) this node may start sending a
  // frame that is ready: zero for hardware gates and launch time, the wake-up lateness of a
  // polling loop or a talker process in software. Every window at the node's ports is that much
  // longer and the next hop waits for it, so a late start still ends inside the window.
  Nanos transmission_timing_error{0};
  SourceLocation where;
};

enum class NodeKind { bridge, end_station };

struct Node {
  std::string name;
  NodeKind kind = NodeKind::bridge;
  std::string profile;             // name of a Profile
  std::vector<std::string> ports;  // port names, in declaration order
  std::string mac;                 // optional, "02:00:00:00:00:01"
  SourceLocation where;
};

struct PortRef {
  std::string node;
  std::string port;
  auto operator<=>(const PortRef&) const = default;
  std::string str() const { return node + ":" + port; }
};

// A full-duplex cable between two ports; each direction is an independent transmission medium.
struct Link {
  PortRef a;
  PortRef b;
  std::int64_t rate_bps = 1'000'000'000;
  Nanos propagation{0};  // one-way cable delay
  SourceLocation where;
};

enum class TrafficClassKind { scheduled, bounded, best_effort };

// IEEE 802.1CB IP stream identification (6.7): how an end station recognises the frames of an
// unmodified IP application as the stream's. The destination address always; the rest only when
// the plant gives it (absent = any). Addresses are IPv4-mapped for IPv4 (five_tuple.hpp).
struct IpStreamIdentification {
  IpAddress destination;
  std::optional<IpAddress> source;
  std::uint8_t protocol = kIpProtoUdp;  // UDP or TCP
  std::optional<std::uint16_t> source_port;
  std::optional<std::uint16_t> destination_port;
  std::optional<std::uint8_t> dscp;  // 0..63
  friend bool operator==(const IpStreamIdentification&, const IpStreamIdentification&) = default;
};

struct Stream {
  std::string name;
  std::string talker;                  // end-station name
  std::vector<std::string> listeners;  // end-station names
  Nanos interval{0};
  int max_frames_per_interval = 1;
  std::int64_t max_frame_size = 0;              // 802.1Qcc: MAC client data, bytes
  Nanos max_latency{0};                         // deadline, talker transmission start to last bit at listener
  Nanos jitter{0};                              // allowed variation of arrival; 0 = no requirement given
  Nanos earliest_transmit_offset{0};            // talker may start no earlier than this in its interval
  std::optional<Nanos> latest_transmit_offset;  // ...and no later than this
  TrafficClassKind traffic_class = TrafficClassKind::scheduled;
  int vlan = 0;  // 0 = untagged is not allowed for scheduled traffic; see defaults
  int pcp = 0;
  std::string destination_mac;
  int num_seamless_trees = 1;  // 2 = two disjoint paths (FRER)
  // Set when the talker's applications send plain IP: the talker's end station then finds the
  // stream's frames by these fields and gives them the stream's destination MAC and VLAN.
  std::optional<IpStreamIdentification> ip;
  SourceLocation where;
};

// What the plan asks bridges to police (IEEE 802.1Qci) on the plant's behalf. Everything is on by
// default; a plant whose talkers are not synchronised (or not yet trusted to keep their plan)
// can turn stream gates off and keep the meters.
struct ProtectionPolicy {
  bool stream_gates = true;       // scheduled streams pass only in their planned arrival windows
  bool flow_meters = true;        // every stream with an interval is metered to its TSpec
  int burst_tolerance = 1;        // extra intervals' bursts a meter lets through at once
  bool drop_unidentified = true;  // frames of no stream on a scheduled priority are dropped
};

struct Defaults {
  std::int64_t link_rate_bps = 1'000'000'000;
  Nanos propagation_per_meter{5};  // copper/fibre ~ 5 ns/m
  std::string bridge_profile = "takt-dataplane";
  std::string end_station_profile = "end-station";
  Nanos sync_error_budget{1000};  // worst-case time error between any two clocks
  // What max-frame-size costs on the wire (frame_model.hpp): Ethernet unless the plant comes
  // from, or is compared with, a scheduler that counts bytes on the wire only.
  FrameModel frame_model = FrameModel::ethernet;
  int vlan = 100;
  int pcp_scheduled = 6;
  int pcp_bounded = 4;
  int pcp_best_effort = 0;
  // Internal priority values (802.1Qci stream gate IPV) a bridge may give a scheduled stream's
  // frames so they wait in that priority's queue instead of their own: the planner then picks,
  // per bridge, whichever of these queues is free, so a frame can wait behind another scheduled
  // stream's window. Empty: every scheduled frame waits in its own priority's queue.
  std::vector<int> scheduled_ipv;
  ProtectionPolicy protection;
};

struct Plant {
  std::string name;
  std::string file;  // path it was loaded from
  Defaults defaults;
  std::vector<Profile> profiles;  // built-in ones first, then the file's
  std::vector<Node> nodes;
  std::vector<Link> links;
  std::vector<Stream> streams;

  const Node* find_node(const std::string& name) const;
  const Profile* find_profile(const std::string& name) const;
  const Profile& profile_of(const Node& n) const;  // precondition: the plant is valid
  const Stream* find_stream(const std::string& name) const;
  // The link attached to a port, or nullptr.
  const Link* link_at(const PortRef& p) const;
  // The port at the other end of the link attached to p.
  std::optional<PortRef> peer_of(const PortRef& p) const;
  std::size_t bridge_count() const;
  std::size_t end_station_count() const;
};

const char* to_string(TrafficClassKind k);
const char* to_string(NodeKind k);

}  // namespace takt::model
