// IngressClassifier reuses a decision for a repeated header within a burst (and a stream frame's
// in the port's next bursts); every decision must equal what parse + identify + learn + lookup
// give frame by frame.
#include <catch2/catch.hpp>
#include <random>
#include <vector>

#include "dataplane/core/ingress_classifier.hpp"
#include "frame_builder.hpp"

using namespace takt;

namespace {
constexpr std::int64_t kB = 1'800'000'000'000'000'000;

std::vector<std::uint8_t> frame(std::uint64_t dst, std::uint64_t src, int tags, std::uint8_t pcp, std::uint16_t vid,
                                std::size_t size) {
  test::FrameBuilder fb;
  fb.mac(test::mac(dst)).mac(test::mac(src));
  if (tags == 2) fb.vlan(kTpidServiceVlan, pcp, false, vid).vlan(kTpidCustomerVlan, 1, false, 7);
  if (tags == 1) fb.vlan(kTpidCustomerVlan, pcp, false, vid);
  fb.u16(0x88B5).zeros(46);
  auto bytes = fb.bytes();
  bytes.resize(size == 0 ? bytes.size() : size);
  return bytes;
}

std::span<const std::byte> view(const std::vector<std::uint8_t>& f) {
  return std::as_bytes(std::span<const std::uint8_t>(f));
}

FdbConfig fdb_config() {
  FdbConfig c;
  c.port_count = 4;
  c.learning_capacity = 3;  // small, so a full table happens
  c.static_entries.push_back({test::mac(0x020000000002), 100, PortSet::of(2)});
  c.static_entries.push_back({test::mac(0x01005e000010), 100, PortSet(0b1100)});
  return c;
}

StreamIdentificationConfig stream_config() {
  StreamIdentificationConfig c;
  c.null_streams.push_back({test::mac(0x020000000002), 100, 0});
  c.null_streams.push_back({test::mac(0x01005e000010), 100, 1});
  return c;
}

// Frame by frame, the way the forwarder classified before IngressClassifier.
IngressDecision reference(const StreamIdentifier& sid, Fdb& fdb, std::span<const std::byte> bytes, PortId in,
                          TaiTime now) {
  IngressDecision d;
  const ParsedFrame f = parse_frame(bytes);
  if (!f.layer2_valid()) return d;
  d.valid = true;
  d.pcp = f.pcp();
  d.stream = sid.identify(f);
  if (d.stream == kNoStream && !f.source.is_group()) d.learned = fdb.learn(f.source, f.vid(), in, now);
  d.forwarding = fdb.lookup(f.destination, f.vid(), in, now);
  return d;
}
}  // namespace

TEST_CASE("repeated headers in a burst reuse the decision, learning counts once", "[ingress]") {
  const StreamIdentifier sid(stream_config());
  Fdb fdb(fdb_config());
  IngressClassifier c(sid, fdb);
  const auto be = frame(0xFFFFFFFFFFFF, 0x020000000001, 1, 0, 100, 0);
  c.start_burst(1, tai_ns(kB));
  const IngressDecision first = c.classify(view(be));
  CHECK(first.valid);
  CHECK_FALSE(first.repeat);
  CHECK(first.learned == LearnResult::learned);
  CHECK(first.forwarding.kind == ForwardingKind::flood);
  CHECK(first.forwarding.egress == PortSet(0b1101));
  const IngressDecision again = c.classify(view(be));
  CHECK(again.repeat);
  CHECK(again.learned == LearnResult::refreshed);
  CHECK(again.forwarding.egress == first.forwarding.egress);
  // A new burst classifies in full again (time moved on).
  c.start_burst(1, tai_ns(kB + 1000));
  CHECK_FALSE(c.classify(view(be)).repeat);

  const auto stream = frame(0x020000000002, 0x020000000001, 1, 6, 100, 0);
  const IngressDecision s1 = c.classify(view(stream));
  const IngressDecision s2 = c.classify(view(stream));
  CHECK(s1.stream == 0);
  CHECK(s1.pcp == 6);
  CHECK(s1.learned == LearnResult::not_learnable);  // streams are not learned from
  CHECK(s2.repeat);
  CHECK(s2.stream == 0);
  CHECK(s2.forwarding.egress == PortSet::of(2));
}

TEST_CASE("PTP peer delay and LLDP frames (01:80:c2:00:00:0e) go to no port", "[ingress]") {
  const StreamIdentifier sid(stream_config());
  Fdb fdb(fdb_config());
  IngressClassifier c(sid, fdb);
  const auto pdelay = frame(0x0180C200000E, 0x020000000007, 0, 0, 0, 0);
  c.start_burst(3, tai_ns(kB));
  for (int i = 0; i < 3; ++i) {
    const IngressDecision d = c.classify(view(pdelay));
    CHECK(d.valid);
    CHECK(d.repeat == (i > 0));
    CHECK(d.forwarding.kind == ForwardingKind::link_local);
    CHECK(d.forwarding.egress.empty());
  }
}

TEST_CASE("a truncated frame with a repeated prefix is still malformed", "[ingress]") {
  const StreamIdentifier sid(stream_config());
  Fdb fdb(fdb_config());
  IngressClassifier c(sid, fdb);
  const auto full = frame(0x020000000002, 0x020000000001, 2, 3, 100, 0);
  const auto cut = frame(0x020000000002, 0x020000000001, 2, 3, 100, 20);  // inner tag incomplete
  c.start_burst(0, tai_ns(kB));
  CHECK(c.classify(view(full)).valid);
  const IngressDecision d = c.classify(view(cut));
  CHECK_FALSE(d.valid);
  CHECK_FALSE(d.repeat);
}

TEST_CASE("classifier decisions equal frame-by-frame classification on random bursts", "[ingress]") {
  std::mt19937_64 rng(42);
  auto uni = [&](std::int64_t lo, std::int64_t hi) { return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng); };
  // A small pool of headers, so repeats and near-repeats (one field differs) are frequent.
  std::vector<std::vector<std::uint8_t>> pool;
  const std::uint64_t dsts[] = {0x020000000002, 0x01005e000010, 0xFFFFFFFFFFFF,
                                0x020000000001, 0x020000000009, 0x0180C200000E};
  const std::uint64_t srcs[] = {0x020000000001, 0x020000000002, 0x020000000003,
                                0x020000000004, 0x020000000005, 0x010000000007};
  for (auto d : dsts)
    for (auto s : srcs)
      for (int tags = 0; tags <= 2; ++tags)
        for (std::uint16_t vid : {std::uint16_t{100}, std::uint16_t{0}}) {
          pool.push_back(frame(d, s, tags, static_cast<std::uint8_t>(uni(0, 7)), vid, 0));
          if (uni(0, 5) == 0) pool.push_back(frame(d, s, tags, 3, vid, static_cast<std::size_t>(uni(10, 21))));
        }

  const StreamIdentifier sid(stream_config());
  Fdb fast_fdb(fdb_config()), ref_fdb(fdb_config());
  IngressClassifier c(sid, fast_fdb);
  int repeats = 0, first_repeats = 0, full_table = 0, invalid = 0;
  std::int64_t now = kB;
  PortId in = 0;
  std::size_t pick = 0;
  for (int burst = 0; burst < 4000; ++burst) {
    now += uni(0, 3) == 0 ? 400'000'000'000 : uni(0, 1000);  // sometimes past the ageing time
    // Half the bursts continue the last one's port and header, as a talker's stream does.
    if (uni(0, 1) == 0) {
      in = static_cast<PortId>(uni(0, 3));
      pick = static_cast<std::size_t>(uni(0, static_cast<std::int64_t>(pool.size()) - 1));
    }
    c.start_burst(in, tai_ns(now));
    const int n = static_cast<int>(uni(1, 32));
    for (int i = 0; i < n; ++i) {
      if (uni(0, 2) == 0) pick = static_cast<std::size_t>(uni(0, static_cast<std::int64_t>(pool.size()) - 1));
      const auto& f = pool[pick];
      const bool said_repeat = c.repeats_last(view(f));  // what the receive loop asks first
      const IngressDecision got = c.classify(view(f));
      const IngressDecision want = reference(sid, ref_fdb, view(f), in, tai_ns(now));
      INFO("burst " << burst << " frame " << i);
      REQUIRE(got.valid == want.valid);
      REQUIRE(got.stream == want.stream);
      REQUIRE(got.pcp == want.pcp);
      REQUIRE(got.forwarding.egress == want.forwarding.egress);
      REQUIRE(got.forwarding.kind == want.forwarding.kind);
      REQUIRE(got.learned == want.learned);
      REQUIRE(said_repeat == got.repeat);
      repeats += got.repeat;
      first_repeats += i == 0 && got.repeat;  // a stream frame's decision kept from the port's last burst
      full_table += want.learned == LearnResult::table_full;
      invalid += !want.valid;
    }
  }
  CHECK(repeats > 1000);
  CHECK(first_repeats > 20);
  CHECK(full_table > 10);
  CHECK(invalid > 10);
}
