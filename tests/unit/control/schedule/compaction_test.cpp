// Compact gate control lists: windows whose frames may leave early share one scheduled phase,
// the synthesiser plans early departure where a port's list must be short, and the verifier
// still catches every early departure that was not planned for.
#include <catch2/catch.hpp>

#include <algorithm>
#include <numeric>

#include "control/model/builtin_profiles.hpp"
#include "control/schedule/gcl_builder.hpp"
#include "control/schedule/plan_json.hpp"
#include "control/schedule/planner.hpp"
#include "tests/support/plant_builder.hpp"

using namespace takt;
using namespace std::chrono_literals;
using E = schedule::GateControlEntry;

namespace {

struct W {
  std::int64_t start, length;
  int traffic_class;
  bool may_leave_early;
};

schedule::PortPlan port_with(const std::vector<W>& windows) {
  schedule::PortPlan p;
  p.port = {"sw1", "p1"};
  p.queues = 8;
  p.cycle_time = 100us;
  int i = 0;
  for (const auto& w : windows) {
    p.scheduled_classes |= 1u << w.traffic_class;
    p.windows.push_back(
        {Nanos{w.start}, Nanos{w.length}, 100us, w.traffic_class, std::string("s").append(std::to_string(i++)), 0});
  }
  return p;
}

schedule::EarlyDepartureSafe safe_from(const std::vector<W>& windows) {
  return [windows](const schedule::Window& w) { return windows[std::stoul(w.stream.substr(1))].may_leave_early; };
}

bool mentions(const routing::Issues& issues, const std::string& text) {
  return std::any_of(issues.begin(), issues.end(),
                     [&](const auto& i) { return i.message.find(text) != std::string::npos; });
}

const model::Profile& felix() {
  for (const auto& p : model::builtin_profiles())
    if (p.name == "nxp-ls1028a-felix") return p;
  FAIL("no built-in LS1028A profile");
  return model::builtin_profiles().front();
}

// A train: s1 (es1) and s2 (es3) both cross sw1 -> sw2 to es2, one interval each.
test::PlantBuilder train() {
  test::PlantBuilder b("train");
  b.bridge("sw1").bridge("sw2").station("es1").station("es2").station("es3");
  b.link("es1", "sw1").link("sw1", "sw2").link("sw2", "es2").link("es3", "sw1");
  b.stream("s1", "es1", {"es2"}, 1ms, 100, 1ms);
  b.stream("s2", "es3", {"es2"}, 1ms, 100, 1ms);
  return b;
}

schedule::PortPlan& port(schedule::Plan& plan, const model::PortRef& p) {
  return const_cast<schedule::PortPlan&>(*plan.find_port(p));
}

// Gate entry boundaries of the window of `stream` at `p`: (entry index, offset within the cycle).
std::size_t entry_of(const schedule::PortPlan& p, const std::string& stream) {
  const auto w = std::find_if(p.windows.begin(), p.windows.end(), [&](const auto& x) { return x.stream == stream; });
  std::int64_t t = 0;
  for (std::size_t i = 0; i < p.gcl.size(); ++i) {
    if (t == w->start.count()) return i;
    t += p.gcl[i].interval.count();
  }
  FAIL("window of " << stream << " does not start a gate entry");
  return 0;
}

}  // namespace

TEST_CASE("two windows that may leave early share one gate entry, the gap before one that may not stays") {
  model::Profile prof;
  prof.name = "five";
  prof.max_gcl_entries = 5;
  // Seven entries unmerged: gap, s0, gap 3 us, s1, gap 3 us, s2, gap.
  const std::vector<W> w = {{10'000, 1'000, 6, true}, {14'000, 1'000, 6, true}, {18'000, 1'000, 6, false}};
  const auto r = schedule::build_gate_control_list(port_with(w), prof, safe_from(w));
  REQUIRE_FALSE(r.error);
  // s0 and s1 became one scheduled phase; s2's frame must not go before 18 us, so its gap stays.
  CHECK(r.gcl == std::vector<E>{{0xbf, 10us}, {0x40, 5us}, {0xbf, 3us}, {0x40, 1us}, {0xbf, 81us}});
  // Everything else may merge, but s2 keeps a closed gate before it: never fewer than three.
  prof.max_gcl_entries = 3;
  CHECK(schedule::build_gate_control_list(port_with(w), prof, safe_from(w)).gcl ==
        std::vector<E>{{0x40, 15us}, {0xbf, 3us}, {0x40, 82us}});
  prof.max_gcl_entries = 2;
  const auto tight = schedule::build_gate_control_list(port_with(w), prof, safe_from(w));
  REQUIRE(tight.error);
  CHECK(tight.over_entry_limit);
}

TEST_CASE("a gap is not given to a class whose next window must not leave early, even behind another class") {
  model::Profile prof;
  prof.name = "six";
  prof.max_gcl_entries = 6;
  // Class 5 at 10 us, class 6 at 12 us, class 5 again at 30 us (not allowed to leave early).
  // The 1 us gap after the first class-5 window is the shortest, but filling it would open
  // class 5 while the 30 us window's frame may already be queued.
  const std::vector<W> w = {{10'000, 1'000, 5, true}, {12'000, 1'000, 6, true}, {30'000, 1'000, 5, false}};
  const auto r = schedule::build_gate_control_list(port_with(w), prof, safe_from(w));
  REQUIRE_FALSE(r.error);
  CHECK(r.gcl == std::vector<E>{{0x20, 11us}, {0x9f, 1us}, {0x40, 1us}, {0x9f, 17us}, {0x20, 1us}, {0x9f, 69us}});
}

TEST_CASE("a ring of LS1028A bridges with 250 us, 1 ms, 2 ms and 4 ms streams fits 63 gate control entries") {
  test::PlantBuilder b("ls1028a-ring");
  auto cell = felix();
  cell.name = "cell-bridge";
  cell.processing_delay_min = 1us;
  cell.processing_delay_max = 2500ns;
  b.profile(cell);
  const int n = 6;
  for (int i = 1; i <= n; ++i) b.bridge(std::string("r").append(std::to_string(i)), "cell-bridge");
  for (int i = 1; i <= n; ++i)
    b.link(std::string("r").append(std::to_string(i)), std::string("r").append(std::to_string(i % n + 1)),
           1'000'000'000, 200ns);
  b.station("plc").link("plc", "r1", 1'000'000'000, 25ns);
  for (int i = 1; i <= n; ++i) {
    const auto st = std::string("st").append(std::to_string(i));
    for (const auto* dev : {"-drive", "-robot", "-io"})
      b.station(st + dev).link(st + dev, std::string("r").append(std::to_string(i)));
    b.stream(st + "-drive-set", "plc", {st + "-drive"}, 250us, 64, 120us);
    b.stream(st + "-drive-act", st + "-drive", {"plc"}, 250us, 48, 120us);
    b.stream(st + "-robot-set", "plc", {st + "-robot"}, 1ms, 128, 200us);
    b.stream(st + "-robot-act", st + "-robot", {"plc"}, 1ms, 128, 200us);
    b.stream(st + "-io-out", "plc", {st + "-io"}, 2ms, 200, 1ms);
    b.stream(st + "-io-in", st + "-io", {"plc"}, 2ms, 200, 1ms);
    b.stream(st + "-diag", st + "-io", {"plc"}, 4ms, 500, 2ms);
  }
  const auto plant = b.build();
  const auto out = schedule::plan_plant(plant);
  for (const auto& i : out.issues) UNSCOPED_INFO(i.message);
  REQUIRE(out.plan);
  CHECK(schedule::verify_plan(*out.plan, plant).empty());

  std::size_t compact_ports = 0;
  for (const auto& p : out.plan->ports) {
    INFO(p.port.str());
    if (p.port.node == "plc") continue;  // an end station, 1,024 entries
    CHECK(p.gcl.size() <= 63u);
    // Two entries per window occurrence (window and the gap before it) would not fit here.
    std::int64_t occurrences = 0;
    for (const auto& w : p.windows) occurrences += p.cycle_time / w.interval;
    if (2 * occurrences + 1 <= 63) continue;
    ++compact_ports;
    // At most half the list keeps a closed gate in front of a window (two entries each); the
    // hops of the other windows may leave early, which their downstream windows were planned for.
    std::int64_t closed = 0, early = 0;
    for (const auto& w : p.windows) {
      const auto& hop = out.plan->find_stream(w.stream)->hops[static_cast<std::size_t>(w.hop)];
      (hop.may_leave_early ? early : closed) += p.cycle_time / w.interval;
    }
    CHECK(2 * closed + 2 <= 63);
    CHECK(early > 0);
    // Bounded and best-effort traffic keep most of the port: where merging would have held the
    // scheduled gate open for long, a later round gave closed-gate windows less of the list.
    std::int64_t scheduled_open = 0;
    for (const auto& e : p.gcl)
      if (e.gate_states & p.scheduled_classes) scheduled_open += e.interval.count();
    CHECK(scheduled_open * 4 < p.cycle_time.count());
  }
  CHECK(compact_ports > 0);
}

TEST_CASE("the verifier catches a gap merged in front of a window that was not planned to leave early") {
  const auto plant = train().build();
  const auto out = schedule::plan_plant(plant);
  REQUIRE(out.plan);
  REQUIRE(schedule::verify_plan(*out.plan, plant).empty());
  auto plan = *out.plan;
  auto& p = port(plan, {"sw1", "p2"});
  // Nothing pressed this port: s2's window between the bridges keeps its gate closed until it opens.
  const auto& s2 = *plan.find_stream("s2");
  REQUIRE_FALSE(s2.hops[1].may_leave_early);
  const auto i = entry_of(p, "s2");
  REQUIRE(p.gcl[i - 1].gate_states == 0xbf);
  REQUIRE(p.gcl[i - 2].gate_states == 0x40);  // s1's window, then the gap
  SECTION("merged into one phase") {
    // s2's frame may now leave as soon as it is at sw1, reach sw2 early and share its queue with s1's.
    p.gcl[i - 1].gate_states = 0x40;
    CHECK(mentions(schedule::verify_plan(plan, plant), "port sw2:p2: traffic class 6 queue occupancy of stream"));
  }
  SECTION("opened again for a while in the gap, long enough for the frame") {
    const auto gap = p.gcl[i - 1].interval;
    const auto frame = s2.hops[1].frame_wire_time;
    REQUIRE(gap > frame + 1us);
    p.gcl[i - 1] = {0xbf, 500ns};
    p.gcl.insert(p.gcl.begin() + static_cast<std::ptrdiff_t>(i), {{0x40, frame}, {0xbf, gap - frame - 500ns}});
    CHECK(mentions(schedule::verify_plan(plan, plant), "port sw2:p2: traffic class 6 queue occupancy of stream"));
  }
  SECTION("opened again in the gap, too briefly for the frame (length-aware guard band)") {
    const auto gap = p.gcl[i - 1].interval;
    const auto frame = s2.hops[1].frame_wire_time;
    p.gcl[i - 1] = {0xbf, 500ns};
    p.gcl.insert(p.gcl.begin() + static_cast<std::ptrdiff_t>(i),
                 {{0x40, frame - 1ns}, {0xbf, gap - frame + 1ns - 500ns}});
    CHECK(schedule::verify_plan(plan, plant).empty());
  }
}

TEST_CASE("early arrival at a listener counts against the stream's jitter") {
  auto b = train();
  b.plant().streams[1].jitter = 1us;  // s2: no more than the clock error
  const auto plant = b.build();
  const auto out = schedule::plan_plant(plant);
  REQUIRE(out.plan);
  REQUIRE(schedule::verify_plan(*out.plan, plant).empty());
  const auto& s1 = *out.plan->find_stream("s1");
  const auto& s2 = *out.plan->find_stream("s2");
  // s1's last hop may leave early (nothing waits downstream of a listener); s2's may not.
  CHECK(s1.hops.back().may_leave_early);
  CHECK_FALSE(s2.hops.back().may_leave_early);
  CHECK(s2.jitter == 1us);
  CHECK(s1.jitter > 1us);  // the plan states the early arrival it allows
  auto plan = *out.plan;
  auto& p = port(plan, {"sw2", "p2"});
  const auto i = entry_of(p, "s2");
  REQUIRE(p.gcl[i - 1].gate_states == 0xbf);
  REQUIRE(p.gcl[i - 2].gate_states == 0x40);
  p.gcl[i - 1].gate_states = 0x40;
  CHECK(mentions(schedule::verify_plan(plan, plant), "stream s2: frames may leave their last hop up to"));
}

TEST_CASE("a port pressed for gate entries plans early departure and the plan still verifies") {
  auto b = train();
  // Six streams through sw1 -> sw2, one window each per 1 ms cycle, and bridges whose lists
  // hold 7 entries: fewer than two per window.
  b.plant().profiles[0].max_gcl_entries = 7;
  for (int i = 3; i <= 6; ++i)
    b.stream(std::string("s").append(std::to_string(i)), i % 2 ? "es1" : "es3", {"es2"}, 1ms, 100, 1ms);
  const auto plant = b.build();
  const auto out = schedule::plan_plant(plant);
  for (const auto& i : out.issues) UNSCOPED_INFO(i.message);
  REQUIRE(out.plan);
  CHECK(schedule::verify_plan(*out.plan, plant).empty());
  const auto* p = out.plan->find_port({"sw1", "p2"});
  REQUIRE(p);
  CHECK(p->gcl.size() <= 7u);
  CHECK(p->windows.size() == 6u);
  // Two windows keep a closed gate in front (two entries each, one entry to spare); the other
  // four may leave early, and downstream each queue was booked from that earliest departure.
  const auto early = std::count_if(p->windows.begin(), p->windows.end(), [&](const schedule::Window& w) {
    return out.plan->find_stream(w.stream)->hops[1].may_leave_early;
  });
  CHECK(early == 4);
  REQUIRE(out.plan->find_port({"sw2", "p2"})->gcl.size() <= 7u);
  // Rebuilt without the plan's permissions, the lists cannot be that short.
  model::Profile seven = plant.profiles[0];
  const auto strict = schedule::build_gate_control_list(*p, seven, [](const schedule::Window&) { return false; });
  CHECK(strict.over_entry_limit);
}

TEST_CASE("plan.json keeps may-leave-early, older plans without it read as closed gates") {
  const auto plant = train().build();
  const auto out = schedule::plan_plant(plant);
  REQUIRE(out.plan);
  auto j = schedule::to_json(*out.plan);
  REQUIRE(j["streams"][0]["hops"].back()["may-leave-early"] == true);
  CHECK(schedule::plan_from_json(j).streams[0].hops.back().may_leave_early);
  j["streams"][0]["hops"].back().erase("may-leave-early");
  CHECK_FALSE(schedule::plan_from_json(j).streams[0].hops.back().may_leave_early);
}
