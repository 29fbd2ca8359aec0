// libFuzzer entry for the receive path of dataplane/core: frame parsing, 802.1CB stream
// identification, learning and the FDB lookup, through IngressClassifier as the forwarder
// calls it. Frames come off the wire, so any bytes must be classified without reading outside
// the frame and without undefined behaviour.
//
// Input: records of [control byte][length, 2 bytes big endian][frame bytes], the last record
// taking whatever is left when its length runs past the end. Control bits 0-2: ingress port;
// bit 3: start a new burst (so does a change of port or time); bits 4-7: seconds x 37 to
// advance the clock by first, so entries age out (ageing time 300 s). Every burst runs through two
// bridges: one with null stream identification only (a repeated header reuses the decision)
// and one with IP streams too (every frame classified in full).
//
// The oracle besides the sanitizers: every decision equals what parse, identify, learn and
// lookup give frame by frame on a second FDB (the reuse of decisions must be exact), and no
// frame is sent back out of its ingress port or to a port the bridge does not have.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "dataplane/core/fdb.hpp"
#include "dataplane/core/frame.hpp"
#include "dataplane/core/ingress_classifier.hpp"
#include "dataplane/core/r_tag.hpp"
#include "dataplane/core/stream_id.hpp"

namespace {

using namespace takt;

constexpr PortId kPorts = 8;

MacAddress mac(std::uint64_t v) { return MacAddress::from_u64(v); }

FdbConfig fdb_config() {
  FdbConfig c;
  c.port_count = kPorts;
  c.learning_capacity = 4;  // small, so a full learning table is reached
  c.static_entries.push_back({mac(0x020000000002), 100, PortSet::of(2)});
  c.static_entries.push_back({mac(0x020000000003), 0, PortSet::of(3)});
  c.static_entries.push_back({mac(0x01005e000010), 100, PortSet(0b1100)});
  return c;
}

StreamIdentificationConfig null_streams() {
  StreamIdentificationConfig c;
  c.null_streams.push_back({mac(0x020000000002), 100, 0});
  c.null_streams.push_back({mac(0x020000000003), 0, 1});
  c.null_streams.push_back({mac(0x01005e000010), 100, 2});
  return c;
}

StreamIdentificationConfig ip_streams() {
  StreamIdentificationConfig c = null_streams();
  FiveTuple v4;
  v4.source = IpAddress::v4(10, 0, 0, 1);
  v4.destination = IpAddress::v4(10, 0, 0, 2);
  v4.protocol = kIpProtoUdp;
  v4.source_port = 5000;
  v4.destination_port = 6000;
  c.ip_streams.push_back({v4, 10});
  FiveTuple v6;
  v6.source.bytes = {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  v6.destination.bytes = {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
  v6.protocol = kIpProtoTcp;
  v6.source_port = 1;
  v6.destination_port = 2;
  c.ip_streams.push_back({v6, 11});
  return c;
}

// Frame by frame, with nothing reused: what the classifier's decisions must equal.
IngressDecision reference(const StreamIdentifier& streams, Fdb& fdb, std::span<const std::byte> frame, PortId in,
                          TaiTime now) {
  IngressDecision d;
  const ParsedFrame f = parse_frame(frame);
  if (!f.layer2_valid()) return d;
  if (f.tag_count > 2 || f.l3_offset > frame.size()) __builtin_trap();
  d.valid = true;
  d.pcp = f.pcp();
  d.stream = streams.identify(f);
  if (d.stream == kNoStream && !f.source.is_group()) d.learned = fdb.learn(f.source, f.vid(), in, now);
  d.forwarding = fdb.lookup(f.destination, f.vid(), in, now);
  return d;
}

struct Record {
  std::uint8_t control;
  std::span<const std::byte> frame;
};

std::vector<Record> records_of(std::span<const std::byte> input) {
  std::vector<Record> records;
  while (input.size() >= 3) {
    const auto control = static_cast<std::uint8_t>(input[0]);
    const std::size_t length = (static_cast<std::size_t>(input[1]) << 8) | static_cast<std::size_t>(input[2]);
    input = input.subspan(3);
    const std::size_t take = length < input.size() ? length : input.size();
    records.push_back({control, input.first(take)});
    input = input.subspan(take);
  }
  return records;
}

void run_bridge(const StreamIdentificationConfig& config, const std::vector<Record>& records) {
  const StreamIdentifier streams(config);
  Fdb fdb(fdb_config());
  Fdb reference_fdb(fdb_config());
  IngressClassifier classifier(streams, fdb);
  TaiTime now = tai_ns(1'000'000'000);
  PortId port = kPorts;  // no burst yet
  for (const Record& r : records) {
    const PortId in = r.control & 0x07;
    const int step = r.control >> 4;
    now += std::chrono::seconds(37 * step);
    // A burst has one ingress port and one time (IngressClassifier's contract).
    if (in != port || (r.control & 0x08) != 0 || step != 0) {
      port = in;
      classifier.start_burst(port, now);
    }
    const IngressDecision got = classifier.classify(r.frame);
    const IngressDecision want = reference(streams, reference_fdb, r.frame, port, now);
    if (got.valid != want.valid || got.stream != want.stream || got.pcp != want.pcp ||
        got.forwarding.kind != want.forwarding.kind || got.forwarding.egress.bits() != want.forwarding.egress.bits() ||
        got.learned != want.learned)
      __builtin_trap();
    if (got.forwarding.egress.contains(port) || (got.forwarding.egress.bits() & ~PortSet::all(kPorts).bits()) != 0)
      __builtin_trap();
  }
  fdb.age_out(now);
  if (fdb.learned_count() > fdb_config().learning_capacity) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const StreamIdentificationConfig kNullOnly = null_streams();
  static const StreamIdentificationConfig kWithIp = ip_streams();
  const auto records = records_of(std::as_bytes(std::span<const std::uint8_t>(data, size)));
  run_bridge(kNullOnly, records);
  run_bridge(kWithIp, records);
  // 802.1CB: the R-TAG is read from any bytes without reading past them; inserted and removed
  // again where it would go, the frame is what it was.
  for (const auto& r : records) {
    const RTagRead tag = read_r_tag(r.frame);
    if (tag.state != RTagState::absent) continue;
    std::vector<std::byte> buffer(kRTagBytes + r.frame.size());
    std::copy(r.frame.begin(), r.frame.end(), buffer.begin() + kRTagBytes);
    insert_r_tag(buffer, tag.offset, 0xABCD);
    const RTagRead inserted = read_r_tag(buffer);
    if (inserted.state != RTagState::present || inserted.sequence != 0xABCD || inserted.offset != tag.offset)
      __builtin_trap();
    remove_r_tag(buffer, tag.offset);
    if (!std::equal(buffer.begin() + kRTagBytes, buffer.end(), r.frame.begin(), r.frame.end())) __builtin_trap();
  }
  return 0;
}
