#pragma once
// What one end station does for the plan (takt-station/1, written by `taktctl plan` as
// stations/<end-station>.json and read by takt-station): for each stream it talks, how to
// recognise the application's frames and put them into the stream the plan reserved (tag,
// priority, the token bucket that polices them at the source, the planned transmission offset
// to measure against); for each stream it listens to, how to recognise them and the arrival
// window the plan promises at this station.
//
// Identification follows IEEE 802.1CB: null stream identification (destination MAC and VLAN,
// 6.4) for applications that already send to the stream's address; IP stream identification
// (6.7) for unmodified IP applications. For IP streams the talker's station acts as active
// destination MAC and VLAN stream identification (6.6) does: it rewrites the destination
// address to the stream's and tags the frame, and the listener's station restores its own
// address and removes the tag, so neither application knows.
//
// Times are integer nanoseconds, interval k of a stream starts at TAI k x interval (the plan's
// epoch), exactly as in the talker-offset files.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "dataplane/core/five_tuple.hpp"
#include "dataplane/core/mac_address.hpp"
#include "dataplane/core/time.hpp"

namespace takt::station {

inline constexpr const char* kStationConfigFormat = "takt-station/1";

// Bounds on what a file may hold (everything from outside is hostile).
inline constexpr std::size_t kMaxStationStreams = 1024;  // per direction
inline constexpr std::size_t kMaxListenersPerStream = 1024;
// Names (end stations, streams, talkers, listeners) follow the plant's rule
// (control/model/name_rule.hpp): 1-64 ASCII letters, digits, '-', '_' or '.', not starting with
// '.', so takt-station may use them as map keys, metric labels and file names.
inline constexpr std::size_t kMaxNameLength = 64;
// Far above a real station's file (some 600 bytes a stream and 20 a listener as taktctl writes
// it), far below what would exhaust a small end station.
inline constexpr std::size_t kMaxStationConfigBytes = std::size_t{16} << 20;

enum class StreamKind : std::uint8_t { scheduled, bounded, best_effort };

// IEEE 802.1CB IP stream identification: destination address always; the rest only when the
// plant gives it (absent = any).
struct IpIdentification {
  IpAddress destination;
  std::optional<IpAddress> source;
  std::uint8_t protocol = kIpProtoUdp;  // UDP or TCP
  std::optional<std::uint16_t> source_port;
  std::optional<std::uint16_t> destination_port;
  std::optional<std::uint8_t> dscp;  // 0..63
  friend bool operator==(const IpIdentification&, const IpIdentification&) = default;
};

struct StationStream {
  std::string name;
  StreamKind kind = StreamKind::scheduled;
  Nanos interval{0};
  int frames_per_interval = 1;
  // Largest frame, destination address to end of payload with the VLAN tag, FCS excluded: what
  // a bridge's max SDU and flow meter count (control/export/stream_protection.hpp frame_bytes).
  std::int64_t max_frame_bytes = 0;
  MacAddress destination;              // the stream's address on the wire
  std::uint16_t vlan = 0;              // 1..4094
  std::uint8_t pcp = 0;                // 0..7
  std::optional<IpIdentification> ip;  // absent: null identification (destination + VLAN)
  Nanos max_latency{0};
  friend bool operator==(const StationStream&, const StationStream&) = default;
};

struct TalkerStream : StationStream {
  // Scheduled streams: the planned transmission offset in the interval and how long after it
  // the interval's frames may be on the wire (the talker-offset file's window-ns: every frame
  // back to back plus the station's transmission timing error). 0 <= offset < interval and
  // 0 < window <= interval; absent (and the window 0) for bounded and best-effort streams.
  std::optional<Nanos> offset;
  Nanos window{0};
  // The source's token bucket, as a bridge's flow meter would police the stream: CIR = frames x
  // max_frame_bytes per interval, CBS = that burst x (1 + burst tolerance).
  std::int64_t committed_information_rate_bps = 0;
  std::int64_t committed_burst_bytes = 0;
  std::vector<std::string> listeners;
  friend bool operator==(const TalkerStream&, const TalkerStream&) = default;
};

struct ListenerStream : StationStream {
  std::string talker;
  // Scheduled streams: when in the interval the plan has the stream's frames arrive here, from
  // the earliest first bit to the latest last bit of the last frame, widened by the sync error
  // budget at both ends: the window a bridge's stream gate would open at this port (earlier
  // than the last hop's window where the last bridge may forward a frame as soon as it has it).
  // 0 <= arrival_offset < interval and 0 < arrival_window <= interval; the window may run past
  // the interval's end into the next interval. A window of the whole interval (offset 0) means
  // frames may arrive at any time. Absent (and the window 0) for bounded and best-effort streams.
  std::optional<Nanos> arrival_offset;
  Nanos arrival_window{0};
  friend bool operator==(const ListenerStream&, const ListenerStream&) = default;
};

struct StationConfig {
  std::string plant;
  std::string station;  // the end station's name in the plant
  Nanos sync_error_budget{0};
  std::vector<TalkerStream> talks;
  std::vector<ListenerStream> listens;
  friend bool operator==(const StationConfig&, const StationConfig&) = default;
};

const char* to_string(StreamKind kind);  // "scheduled", "bounded", "best-effort"

nlohmann::ordered_json to_json(const StationConfig& config);

// Checks everything takt-station relies on (format, names, bounds, ranges, intervals > 0,
// offsets and windows inside the interval, unique stream names, and per direction unique
// destination MAC and VLAN pairs and, for talks, unique IP identifications) and throws
// ConfigError (as bridge_config does) with a JSON pointer to the offending member:
// "/talks/2/vlan: 4095 is not a VLAN id (1..4094)". Members it does not know are ignored, so
// files from a newer writer load.
StationConfig station_config_from_json(const nlohmann::json& document);

// Reads and parses a file with parse_bounded_json and a size limit; errors name the path.
StationConfig load_station_config(const std::string& path);

}  // namespace takt::station
