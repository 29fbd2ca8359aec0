// What a user sees of 802.1Qci and 802.1CB: /metrics and the --counters-out report show the
// counters of the filters and FRER roles the configuration sets up, and no others, with the
// values the packet lcore's ProtectionState counted.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "dataplane/dpdk/counters_report.hpp"
#include "dataplane/dpdk/dataplane_metrics.hpp"
#include "dataplane/dpdk/protection_schedule.hpp"
#include "dataplane/dpdk/protection_state.hpp"
#include "telemetry/metrics_registry.hpp"

using namespace takt;

namespace {

// Two ports, three streams: s1 is filtered on p1 (max SDU 100) and numbered here, s2 is
// recovered here, s3 has no protection; unidentified frames on p1 at priority 3 meet a wildcard
// filter whose gate never opens.
bridge::BridgeConfig protected_bridge() {
  bridge::BridgeConfig c;
  c.bridge = "sw1";
  c.ports = {{.name = "p1"}, {.name = "p2"}};
  c.streams = {{.name = "s1", .max_latency = Nanos{1'000'000}},
               {.name = "s2", .max_latency = Nanos{1'000'000}},
               {.name = "s3", .max_latency = Nanos{1'000'000}}};
  c.streams[0].destination = MacAddress{{0x01, 0, 0x5e, 0, 0, 1}};
  c.streams[1].destination = MacAddress{{0x01, 0, 0x5e, 0, 0, 2}};
  c.streams[2].destination = MacAddress{{0x01, 0, 0x5e, 0, 0, 3}};
  bridge::StreamFilterEntry s1{.stream = "s1", .port = "p1", .max_sdu_size = 100};
  bridge::StreamFilterEntry s1_prio5 = s1;  // a second filter of the same stream and port
  s1_prio5.priority = 5;
  bridge::StreamFilterEntry closed{.stream = bridge::kWildcardStream, .port = "p1", .priority = 3};
  closed.gate = bridge::StreamGate{};
  closed.gate->schedule.gate_enabled = false;
  closed.gate->schedule.admin_gate_states = 0;
  c.protection.stream_filters = {s1, s1_prio5, closed};
  c.protection.sequence_generation = {"s1"};
  c.protection.sequence_recovery = {{.stream = "s2", .individual_recovery = false}};
  return c;
}

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos;
}

struct Run {
  bridge::BridgeConfig config = protected_bridge();
  dpdk::ProtectionSchedule schedule = dpdk::next_protection(config, nullptr, tai_ns(0));
  dpdk::ProtectionState state{config.streams.size(), config.ports.size()};

  Run() {
    state.sync(schedule, tai_ns(0));
    const TaiTime t = tai_ns(1'000);
    CHECK(state.police(schedule, 0, 0, 0, 80, t));                // s1 on p1: passes
    CHECK(state.police(schedule, 0, 0, 5, 90, t));                // s1 on p1, the priority-5 filter: passes
    CHECK_FALSE(state.police(schedule, 0, 0, 0, 200, t));         // s1 on p1: longer than its max SDU
    CHECK_FALSE(state.police(schedule, kNoStream, 0, 3, 64, t));  // unidentified: wildcard gate closed
    CHECK_FALSE(state.police(schedule, 2, 0, 3, 64, t));          // s3 has no filter of its own: the wildcard's
    CHECK(state.police(schedule, 2, 1, 3, 64, t));                // no filter on p2 at all
    CHECK(state.next_sequence(0) == 0);
    CHECK(state.next_sequence(0) == 1);
    // s2 arrives over both trees: every number twice, but one copy of 2 lost and the other late,
    // then a rogue number and a frame without an R-TAG.
    CHECK(state.recover(1, 0, 0, t) == RecoveryVerdict::pass);
    CHECK(state.recover(1, 1, 0, t) == RecoveryVerdict::discard);
    CHECK(state.recover(1, 0, 1, t) == RecoveryVerdict::pass);
    CHECK(state.recover(1, 1, 1, t) == RecoveryVerdict::discard);
    CHECK(state.recover(1, 1, 3, t) == RecoveryVerdict::pass);
    CHECK(state.recover(1, 0, 2, t) == RecoveryVerdict::pass);
    CHECK(state.recover(1, 0, 3, t) == RecoveryVerdict::discard);
    CHECK(state.recover(1, 0, 1000, t) == RecoveryVerdict::discard);
    CHECK(state.recover(1, 0, std::nullopt, t) == RecoveryVerdict::discard);
    state.publish_recoveries();  // what the forwarder does after each burst
  }
};

}  // namespace

TEST_CASE("metrics show the 802.1Qci counters of every configured filter and the 802.1CB counters of every FRER stream",
          "[dataplane][dpdk][protection]") {
  Run run;
  telemetry::MetricsRegistry registry(1);
  dpdk::expose_protection_counters(registry, run.config, run.state);
  const std::string text = "\n" + registry.render();
  INFO(text);

  CHECK(has_line(text, R"(takt_psfp_matching_frames_total{stream="s1",port="p1"} 3)"));
  CHECK(has_line(text, R"(takt_psfp_passing_sdu_frames_total{stream="s1",port="p1"} 2)"));
  CHECK(has_line(text, R"(takt_psfp_passing_frames_total{stream="s1",port="p1"} 2)"));
  CHECK(has_line(text, R"(takt_psfp_discarded_frames_total{stream="s1",port="p1",reason="max-sdu-exceeded"} 1)"));
  CHECK(has_line(text, R"(takt_psfp_discarded_frames_total{stream="s1",port="p1",reason="stream-gate-closed"} 0)"));
  CHECK(has_line(text, R"(takt_psfp_matching_frames_total{stream="*",port="p1"} 2)"));
  CHECK(has_line(text, R"(takt_psfp_discarded_frames_total{stream="*",port="p1",reason="stream-gate-closed"} 2)"));
  CHECK(has_line(text, R"(takt_psfp_discarded_frames_total{stream="*",port="p1",reason="flow-meter-red"} 0)"));
  // Two filters of s1 on p1 share one counter row: one series each.
  CHECK(text.find(R"(takt_psfp_matching_frames_total{stream="s1",port="p1"})") ==
        text.rfind(R"(takt_psfp_matching_frames_total{stream="s1",port="p1"})"));
  // Nothing for what the configuration does not protect.
  CHECK(text.find(R"(port="p2")") == std::string::npos);
  CHECK(text.find(R"(stream="s3")") == std::string::npos);

  CHECK(has_line(text, R"(takt_frer_generated_frames_total{stream="s1"} 2)"));
  CHECK(text.find(R"(takt_frer_generated_frames_total{stream="s2"})") == std::string::npos);
  const auto& r = run.state.frer_counters(1).recovery;
  CHECK(r.passed == 4);
  CHECK(r.discarded == 3);
  CHECK(r.rogue == 1);
  CHECK(r.tagless == 1);
  CHECK(has_line(text, R"(takt_frer_recovery_frames_total{stream="s2",result="passed"} 4)"));
  CHECK(has_line(text, R"(takt_frer_recovery_frames_total{stream="s2",result="discarded"} 3)"));
  // 3 ahead of 2, then 2 behind 3; 2 arrived late, not lost (it never left the history window).
  CHECK(has_line(text, R"(takt_frer_recovery_frames_total{stream="s2",result="out-of-order"} 2)"));
  CHECK(has_line(text, R"(takt_frer_recovery_frames_total{stream="s2",result="rogue"} 1)"));
  CHECK(has_line(text, R"(takt_frer_recovery_frames_total{stream="s2",result="lost"} 0)"));
  CHECK(has_line(text, R"(takt_frer_recovery_frames_total{stream="s2",result="tagless"} 1)"));
  CHECK(has_line(text, R"(takt_frer_recovery_resets_total{stream="s2"} 0)"));
  CHECK(has_line(text, R"(takt_frer_latent_errors_total{stream="s2"} 0)"));
  CHECK(has_line(text, R"(takt_frer_latent_error{stream="s2"} 0)"));
  CHECK(text.find("takt_frer_individual_recovery") == std::string::npos);  // not configured for s2
  CHECK(text.find(R"(takt_frer_recovery_frames_total{stream="s1")") == std::string::npos);

  // Read at scrape: a frame counted afterwards shows in the next one.
  CHECK_FALSE(run.state.police(run.schedule, 0, 0, 0, 500, tai_ns(2'000)));
  const std::string again = "\n" + registry.render();
  CHECK(has_line(again, R"(takt_psfp_discarded_frames_total{stream="s1",port="p1",reason="max-sdu-exceeded"} 2)"));
}

TEST_CASE("a bridge without protection exposes no psfp or frer series", "[dataplane][dpdk][protection]") {
  bridge::BridgeConfig config = protected_bridge();
  config.protection = {};
  dpdk::ProtectionState state(config.streams.size(), config.ports.size());
  telemetry::MetricsRegistry registry(1);
  dpdk::expose_protection_counters(registry, config, state);
  CHECK(registry.render().empty());
}

TEST_CASE("the counters report carries the same protection counters per stream", "[dataplane][dpdk][protection]") {
  Run run;
  const nlohmann::json j = dpdk::protection_json(run.config, run.state);
  INFO(j.dump(2));
  const auto& s1 = j.at("stream_filters").at("s1").at("p1");
  CHECK(s1.at("matching") == 3);
  CHECK(s1.at("passing") == 2);
  CHECK(s1.at("discarded") == 1);
  CHECK(s1.at("not_passing_sdu") == 1);
  const auto& wildcard = j.at("stream_filters").at("*").at("p1");
  CHECK(wildcard.at("matching") == 2);
  CHECK(wildcard.at("not_passing") == 2);
  CHECK(wildcard.at("discarded") == 2);
  CHECK(j.at("stream_filters").size() == 2);
  CHECK(j.at("frer").at("s1") == nlohmann::json{{"generated", 2}});
  const auto& rec = j.at("frer").at("s2").at("recovery");
  CHECK(rec.at("passed") == 4);
  CHECK(rec.at("discarded") == 3);
  CHECK(rec.at("rogue") == 1);
  CHECK(rec.at("tagless") == 1);
  CHECK(rec.at("latent_error") == false);
  CHECK_FALSE(j.at("frer").contains("s3"));

  char* buffer = nullptr;
  std::size_t size = 0;
  std::FILE* out = open_memstream(&buffer, &size);
  REQUIRE(out);
  dpdk::print_protection(out, run.config, run.state);
  std::fclose(out);
  const std::string text(buffer, size);
  std::free(buffer);
  INFO(text);
  CHECK(text.find("psfp s1 on p1: 3 matching, 2 passing, 1 discarded (gate closed 0, max SDU 1, red 0, yellow 0, "
                  "blocked 0)\n") != std::string::npos);
  CHECK(text.find("psfp * on p1: 2 matching, 0 passing, 2 discarded (gate closed 2,") != std::string::npos);
  CHECK(text.find("frer s1: 2 frames numbered and tagged\n") != std::string::npos);
  CHECK(text.find("frer s2: recovery passed 4, eliminated 3,") != std::string::npos);
}

TEST_CASE("the packet lcore's policing of a run gives the priority its stream gate's IPV queues it as") {
  bridge::BridgeConfig config = protected_bridge();
  // s1's filter for priority 5 gets an always-open gate with IPV 7.
  bridge::StreamGate open;
  open.schedule.gate_enabled = false;
  open.schedule.admin_gate_states = 1;
  open.ipv = 7;
  config.protection.stream_filters[1].gate = open;
  const dpdk::ProtectionSchedule schedule = dpdk::next_protection(config, nullptr, tai_ns(0));
  dpdk::ProtectionState state(config.streams.size(), config.ports.size());
  state.sync(schedule, tai_ns(0));
  CHECK(schedule.table.any_ipv());
  const TaiTime t = tai_ns(1'000);
  const auto with_ipv = state.policing(schedule, 0, 0, 5, t, t);
  CHECK(with_ipv.filter == 1);
  CHECK(with_ipv.gate_open);
  CHECK(with_ipv.queue_priority(5) == 7);
  CHECK(state.police(with_ipv, 80, t));
  const auto own = state.policing(schedule, 0, 0, 0, t, t);  // s1's filter for any priority: no gate
  CHECK(own.filter == 0);
  CHECK(own.queue_priority(0) == 0);
  const auto none = state.policing(schedule, 2, 1, 4, t, t);  // s3 at p2: no filter
  CHECK(none.filter == -1);
  CHECK(none.queue_priority(4) == 4);
  // Without an IPV anywhere, the protection schedule says so and the PCP decides.
  const dpdk::ProtectionSchedule plain = dpdk::next_protection(protected_bridge(), nullptr, tai_ns(0));
  CHECK_FALSE(plain.table.any_ipv());
}

TEST_CASE("a run policed at once lands in the counters frame-by-frame policing would use, and only when all pass",
          "[dataplane][dpdk][protection]") {
  const bridge::BridgeConfig config = protected_bridge();
  const dpdk::ProtectionSchedule schedule = dpdk::next_protection(config, nullptr, tai_ns(0));
  dpdk::ProtectionState state{config.streams.size(), config.ports.size()};
  state.sync(schedule, tai_ns(0));
  const TaiTime t = tai_ns(1'000);
  const auto s1 = state.policing(schedule, 0, 0, 0, t, t);
  CHECK(state.police_all(s1, 3, 90, 250, t));         // all within s1's max SDU of 100
  CHECK_FALSE(state.police_all(s1, 2, 200, 280, t));  // one longer: refused, nothing counted
  const auto& c = state.filter_counters(0, 0);
  CHECK(c.matching == 3);
  CHECK(c.passing == 3);
  CHECK(c.passing_sdu == 3);
  CHECK(c.not_passing_sdu == 0);
  // The wildcard filter's gate never opens: refused, and the frames are then policed one by one.
  const auto closed = state.policing(schedule, kNoStream, 0, 3, t, t);
  CHECK_FALSE(state.police_all(closed, 4, 64, 256, t));
  CHECK(state.filter_counters(state.stream_count(), 0).matching == 0);
  CHECK_FALSE(state.police(closed, 64, t));
  CHECK(state.filter_counters(state.stream_count(), 0).not_passing == 1);
  // No filter on p2: everything passes, nothing is counted.
  CHECK(state.police_all(state.policing(schedule, 2, 1, 3, t, t), 5, 64, 320, t));
}
