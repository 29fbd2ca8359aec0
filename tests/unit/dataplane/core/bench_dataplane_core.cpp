// Per-operation cost of the per-frame path, run on demand: test_dataplane_core "[.bench]".
// Tests may read clocks; dataplane/core never does.
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>

#include "dataplane/core/fdb.hpp"
#include "dataplane/core/frame.hpp"
#include "dataplane/core/gate_engine.hpp"
#include "dataplane/core/stream_id.hpp"
#include "dataplane/core/tx_selector.hpp"
#include "frame_builder.hpp"

using namespace takt;

namespace {
template <class Fn>
double ns_per_op(std::int64_t n, Fn&& fn) {
  const auto start = std::chrono::steady_clock::now();
  for (std::int64_t i = 0; i < n; ++i) fn(i);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  return static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count()) /
         static_cast<double>(n);
}
volatile std::uint64_t sink;
}  // namespace

TEST_CASE("per-frame path costs", "[.bench]") {
  constexpr std::int64_t kB = 1'800'000'000'000'000'000;
  constexpr std::int64_t n = 5'000'000;
  GateControlList l;
  for (int i = 0; i < 64; ++i) l.entries.push_back({static_cast<std::uint8_t>(1U << (i % 8)), Nanos{1000 + i}});
  l.base_time = tai_ns(kB);
  l.cycle_time = sum_of_intervals(l);
  GateEngine g;
  g.set_admin(l, tai_ns(kB));
  const double gate = ns_per_op(n, [&](std::int64_t i) { sink = sink + g.gate_states(tai_ns(kB + i * 37)); });
  const double close = ns_per_op(n, [&](std::int64_t i) {
    sink = sink + static_cast<std::uint64_t>(ns_of(g.next_close(static_cast<int>(i & 7), tai_ns(kB + i * 37))));
  });
  const double event = ns_per_op(n, [&](std::int64_t i) {
    sink = sink + static_cast<std::uint64_t>(ns_of(g.next_gate_event(tai_ns(kB + i * 37))));
  });

  test::FrameBuilder fb;
  fb.mac(test::mac(0x01005e000010)).mac(test::mac(0x020000000001)).vlan(kTpidCustomerVlan, 6, false, 100);
  fb.u16(kEthertypeIpv4).ipv4_udp({10, 0, 0, 1}, {10, 0, 0, 2}, 5000, 6000, 64);
  const auto bytes = std::as_bytes(std::span<const std::uint8_t>(fb.bytes()));
  const double parse = ns_per_op(n, [&](std::int64_t) { sink = sink + parse_frame(bytes).five_tuple.source_port; });

  StreamIdentificationConfig sc;
  for (std::uint32_t i = 0; i < 1000; ++i) sc.null_streams.push_back({test::mac(0x01005e000000ULL + i), 100, i});
  const StreamIdentifier sid(sc);
  const ParsedFrame pf = parse_frame(bytes);
  const double ident = ns_per_op(n, [&](std::int64_t) { sink = sink + sid.identify(pf); });

  FdbConfig fc;
  fc.port_count = 8;
  fc.learning_capacity = 4096;
  Fdb fdb(fc);
  for (std::uint64_t i = 0; i < 2000; ++i)
    fdb.learn(test::mac(0x020000000000 + i), 1, static_cast<PortId>(i % 8), tai_ns(kB));
  const double fdb_lookup = ns_per_op(n, [&](std::int64_t i) {
    sink = sink +
           fdb.lookup(test::mac(0x020000000000 + static_cast<std::uint64_t>(i % 2000)), 1, 0, tai_ns(kB)).egress.bits();
  });

  GateEngine open_gates;
  PortQueues<> q(64);
  const double tx = ns_per_op(n, [&](std::int64_t i) {
    q.enqueue(static_cast<std::uint8_t>(i & 7), FrameDescriptor{nullptr, 60, 0, {}});
    sink = sink + select_for_transmission(q, open_gates, 1'000'000'000, tai_ns(kB + i)).frame->length;
  });

  std::printf("gate_states %.1f ns, next_close %.1f ns, next_gate_event %.1f ns (64-entry list)\n", gate, close, event);
  std::printf("parse_frame %.1f ns, stream identify %.1f ns, fdb lookup %.1f ns, enqueue+select %.1f ns\n", parse,
              ident, fdb_lookup, tx);
  CHECK(gate > 0);
}
