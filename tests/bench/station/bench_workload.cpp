#include "tests/bench/station/bench_workload.hpp"

#include <cstddef>
#include <optional>
#include <utility>

#include <fmt/format.h>

#include "dataplane/probe/probe_frame.hpp"
#include "dataplane/probe/probe_header.hpp"
#include "dataplane/probe/probe_stream.hpp"

namespace takt::station::bench {
namespace {

constexpr Nanos kInterval{1'000'000};  // 1 ms, a motion control cycle
constexpr std::uint16_t kVlan = 100;
constexpr std::uint8_t kPcp = 6;
constexpr std::int64_t kMaxFrameBytes = 128;
// The TSpec's token bucket, as taktctl derives it: one frame of kMaxFrameBytes per interval,
// a burst of two frames.
constexpr std::int64_t kTSpecRateBps = kMaxFrameBytes * 8 * 1'000'000'000 / 1'000'000;
constexpr std::int64_t kTSpecBurstBytes = 2 * kMaxFrameBytes;
// For the streams timed on the conforming path: a million frames back to back would empty the
// TSpec's bucket after two, so these get one that cannot empty (1 Tbit/s, 1 MB).
constexpr std::int64_t kUnboundedRateBps = 1'000'000'000'000;
constexpr std::int64_t kUnboundedBurstBytes = 1'000'000;
constexpr std::uint32_t kProbeSession = 0x5EED;

constexpr MacAddress mac(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d, std::uint8_t e,
                         std::uint8_t f) {
  return MacAddress{{a, b, c, d, e, f}};
}

// Stream addresses from the range IEEE 1722 (MAAP) hands out dynamically.
constexpr MacAddress talk_address(std::uint8_t i) { return mac(0x91, 0xE0, 0xF0, 0x00, 0xFE, i); }
constexpr MacAddress listen_address(std::uint8_t i) { return mac(0x91, 0xE0, 0xF0, 0x00, 0xFF, i); }

constexpr MacAddress kOwnAddress = mac(0x02, 0x00, 0x00, 0x00, 0x00, 0x0A);
constexpr MacAddress kPeerAddress = mac(0x02, 0x00, 0x00, 0x00, 0x00, 0x0B);  // a listener's station
constexpr IpAddress kOwnIp = IpAddress::v4(10, 0, 0, 1);
constexpr IpAddress kPeerIp = IpAddress::v4(10, 0, 0, 2);

TalkerStream talker(std::string name, const MacAddress& destination, std::optional<IpIdentification> ip,
                    std::int64_t rate_bps, std::int64_t burst_bytes) {
  TalkerStream t;
  t.name = std::move(name);
  t.kind = StreamKind::scheduled;
  t.interval = kInterval;
  t.max_frame_bytes = kMaxFrameBytes;
  t.destination = destination;
  t.vlan = kVlan;
  t.pcp = kPcp;
  t.ip = std::move(ip);
  t.max_latency = Nanos{500'000};
  t.offset = Nanos{100'000};
  t.window = Nanos{20'000};
  t.committed_information_rate_bps = rate_bps;
  t.committed_burst_bytes = burst_bytes;
  t.listeners = {"peer"};
  return t;
}

ListenerStream listener(std::string name, const MacAddress& destination, std::optional<IpIdentification> ip) {
  ListenerStream l;
  l.name = std::move(name);
  l.kind = StreamKind::scheduled;
  l.interval = kInterval;
  l.max_frame_bytes = kMaxFrameBytes;
  l.destination = destination;
  l.vlan = kVlan;
  l.pcp = kPcp;
  l.ip = std::move(ip);
  l.max_latency = Nanos{500'000};
  l.talker = "peer";
  l.arrival_offset = Nanos{150'000};
  l.arrival_window = Nanos{50'000};
  return l;
}

IpIdentification udp_to(const IpAddress& destination) {
  IpIdentification ip;
  ip.destination = destination;
  ip.protocol = kIpProtoUdp;
  return ip;
}

// The frame takt-probe sends for a stream of this address and VLAN (0: untagged).
Bytes probe_frame(const std::string& stream, const MacAddress& destination, int vlan, int pcp, TaiTime transmit_time) {
  probe::ProbeStream s;
  s.name = stream;
  s.id = probe::probe_stream_id(stream);
  s.interval = kInterval;
  s.payload_bytes = 64;
  s.destination = destination;
  s.vlan = vlan;
  s.pcp = pcp;
  auto frame = probe::build_probe_frame(s, kPeerAddress, kProbeSession);
  probe::stamp(frame.payload(), 1, transmit_time);
  Bytes out(frame.bytes.size());
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<std::uint8_t>(frame.bytes[i]);
  return out;
}

std::uint16_t tci(std::uint8_t pcp, std::uint16_t vlan) { return static_cast<std::uint16_t>(pcp << 13 | vlan); }

}  // namespace

Workload bench_workload(TaiTime transmit_time) {
  Workload w;
  w.own_address = kOwnAddress;
  w.restore_in_place_address = listen_address(0x10);
  auto& c = w.config;
  c.plant = "bench-cell";
  c.station = "station-1";
  c.sync_error_budget = Nanos{1'000};

  // Talked: four null-identified streams (the application sends to the stream's address)...
  c.talks.push_back(talker("null-0", talk_address(0), std::nullopt, kUnboundedRateBps, kUnboundedBurstBytes));
  c.talks.push_back(talker("null-1", talk_address(1), std::nullopt, kUnboundedRateBps, kUnboundedBurstBytes));
  c.talks.push_back(talker("null-2", talk_address(2), std::nullopt, kTSpecRateBps, kTSpecBurstBytes));
  c.talks.push_back(talker("null-3", talk_address(3), std::nullopt, kTSpecRateBps, kTSpecBurstBytes));
  // ... and four IP-identified ones, each under another mask, so the program tries four keys
  // for an IP frame no stream claims (in mask order 1, 4, 6, 7). ip-0 (destination and port,
  // DSCP EF) is found with the second key tried, ip-3 (the whole 5-tuple) with the last; ip-3 is
  // timed both on the conforming path and policed at its TSpec (with_tspec_bucket).
  auto ip0 = udp_to(IpAddress::v4(10, 0, 1, 2));
  ip0.destination_port = 5000;
  ip0.dscp = 46;
  auto ip1 = udp_to(IpAddress::v4(10, 0, 1, 3));
  ip1.source = kOwnIp;
  auto ip2 = udp_to(IpAddress::v4(10, 0, 1, 4));
  ip2.source_port = 6000;
  ip2.destination_port = 6001;
  auto ip3 = udp_to(IpAddress::v4(10, 0, 1, 5));
  ip3.source = kOwnIp;
  ip3.source_port = 7000;
  ip3.destination_port = 7001;
  c.talks.push_back(talker("ip-0", talk_address(0x10), ip0, kUnboundedRateBps, kUnboundedBurstBytes));
  c.talks.push_back(talker("ip-1", talk_address(0x11), ip1, kTSpecRateBps, kTSpecBurstBytes));
  c.talks.push_back(talker("ip-2", talk_address(0x12), ip2, kTSpecRateBps, kTSpecBurstBytes));
  c.talks.push_back(talker("ip-3", talk_address(0x13), ip3, kUnboundedRateBps, kUnboundedBurstBytes));

  // Listened: seven takt-probe streams and one IP stream the station restores.
  for (std::uint8_t i = 0; i < 7; ++i) {
    c.listens.push_back(listener(fmt::format("motion-{}", i), listen_address(i), std::nullopt));
  }
  c.listens.push_back(listener("ip-in", listen_address(0x10), udp_to(kOwnIp)));

  UdpFrame to_ip0{.destination = kPeerAddress,
                  .source = kOwnAddress,
                  .source_ip = kOwnIp,
                  .destination_ip = IpAddress::v4(10, 0, 1, 2),
                  .source_port = 40000,
                  .destination_port = 5000,
                  .dscp = 46};
  UdpFrame to_ip3{.destination = kPeerAddress,
                  .source = kOwnAddress,
                  .source_ip = kOwnIp,
                  .destination_ip = IpAddress::v4(10, 0, 1, 5),
                  .source_port = 7000,
                  .destination_port = 7001};
  UdpFrame to_nobody{.destination = kPeerAddress,
                     .source = kOwnAddress,
                     .source_ip = kOwnIp,
                     .destination_ip = IpAddress::v4(10, 0, 9, 9),
                     .source_port = 40000,
                     .destination_port = 53};
  UdpFrame from_peer{.destination = listen_address(0x10),
                     .source = kPeerAddress,
                     .source_ip = kPeerIp,
                     .destination_ip = kOwnIp,
                     .source_port = 5000,
                     .destination_port = 5000};

  auto& cases = w.cases;
  cases.push_back({.name = "egress IP stream (dst+port+DSCP, 2nd key), sent",
                   .program = Program::egress,
                   .path = Path::sent,
                   .stream = "ip-0",
                   .frame = udp_ipv4_frame(to_ip0),
                   .untagged = true,
                   .destination_after = talk_address(0x10)});
  cases.push_back({.name = "egress IP stream (5-tuple, 4th key), sent",
                   .program = Program::egress,
                   .path = Path::sent,
                   .stream = "ip-3",
                   .frame = udp_ipv4_frame(to_ip3),
                   .untagged = true,
                   .destination_after = talk_address(0x13)});
  cases.push_back({.name = "egress IP stream (5-tuple, 4th key), policed",
                   .program = Program::egress,
                   .path = Path::policed,
                   .stream = "ip-3",
                   .frame = udp_ipv4_frame(to_ip3),
                   .untagged = true,
                   .tspec_bucket = true});
  cases.push_back({.name = "egress null stream, untagged",
                   .program = Program::egress,
                   .path = Path::sent,
                   .stream = "null-0",
                   .frame = probe_frame("null-0", talk_address(0), 0, 0, transmit_time),
                   .untagged = true,
                   .destination_after = talk_address(0)});
  cases.push_back({.name = "egress null stream, inline tag (PCP 0)",
                   .program = Program::egress,
                   .path = Path::sent,
                   .stream = "null-1",
                   .frame = probe_frame("null-1", talk_address(1), kVlan, 0, transmit_time),
                   .destination_after = talk_address(1),
                   .tci_after = tci(kPcp, kVlan)});
  cases.push_back({.name = "egress pass: PTP Sync (0x88F7)",
                   .program = Program::egress,
                   .path = Path::passed,
                   .frame = ptp_sync_frame(kOwnAddress)});
  cases.push_back({.name = "egress pass: UDP of no stream (4 masks)",
                   .program = Program::egress,
                   .path = Path::passed,
                   .frame = udp_ipv4_frame(to_nobody)});
  cases.push_back({.name = "ingress takt-probe, inline tag",
                   .program = Program::ingress,
                   .path = Path::probe_received,
                   .stream = "motion-0",
                   .frame = probe_frame("motion-0", listen_address(0), kVlan, kPcp, transmit_time)});
  cases.push_back({.name = "ingress IP stream restored, inline tag",
                   .program = Program::ingress,
                   .path = Path::restored,
                   .stream = "ip-in",
                   .frame = with_vlan_tag(udp_ipv4_frame(from_peer), tci(kPcp, kVlan)),
                   .destination_after = kOwnAddress});
  cases.push_back({.name = "ingress pass: ARP request",
                   .program = Program::ingress,
                   .path = Path::passed,
                   .frame = arp_request_frame(kPeerAddress, kPeerIp, kOwnIp)});
  return w;
}

StationConfig with_tspec_bucket(const StationConfig& config, const std::string& stream) {
  StationConfig out = config;
  for (auto& t : out.talks) {
    if (t.name == stream) {
      t.committed_information_rate_bps = kTSpecRateBps;
      t.committed_burst_bytes = kTSpecBurstBytes;
    }
  }
  return out;
}

}  // namespace takt::station::bench
