#include <catch2/catch.hpp>

#include <set>

#include "control/routing/router.hpp"
#include "tests/support/plant_builder.hpp"

using namespace takt;
using takt::test::PlantBuilder;
using namespace std::chrono_literals;

namespace {

// sw1 - sw2 - ... - swN in a line (or ring), station esI on swI.
PlantBuilder chain(int n, bool ring) {
  PlantBuilder b(ring ? "ring" : "line");
  for (int i = 1; i <= n; ++i) b.bridge("sw" + std::to_string(i)).station("es" + std::to_string(i));
  for (int i = 1; i <= n; ++i) b.link("es" + std::to_string(i), "sw" + std::to_string(i));
  for (int i = 1; i < n; ++i) b.link("sw" + std::to_string(i), "sw" + std::to_string(i + 1));
  if (ring) b.link("sw" + std::to_string(n), "sw1");
  return b;
}

routing::RouteResult route_one(const model::Plant& p, const std::string& stream) {
  routing::Topology topo(p);
  routing::Router r(topo, p.defaults.sync_error_budget);
  return r.route(*std::find_if(p.streams.begin(), p.streams.end(), [&](const auto& s) { return s.name == stream; }));
}

}  // namespace

TEST_CASE("a unicast route follows the line and names its ports") {
  auto b = chain(3, false);
  b.stream("s", "es1", {"es3"}, 1ms, 100, 1ms);
  const auto p = b.build();
  const auto r = route_one(p, "s");
  REQUIRE(r.route);
  REQUIRE(r.route->hops.size() == 4);
  CHECK(r.route->hops[0].egress == model::PortRef{"es1", "p1"});
  CHECK(r.route->hops[0].upstream.empty());
  for (std::size_t i = 1; i < 4; ++i) CHECK(r.route->hops[i].upstream == std::vector<int>{static_cast<int>(i) - 1});
  CHECK(routing::describe_path(*r.route, "es1", "es3") == "es1 -> sw1:p2 -> sw2:p3 -> sw3:p1 -> es3");
}

TEST_CASE("the route minimises worst-case latency, not hop count") {
  PlantBuilder b("triangle");
  b.bridge("a").bridge("b").bridge("c").station("t").station("l");
  b.link("t", "a").link("l", "c");
  b.link("a", "c", 100'000'000);    // one slow hop: 123 us for a full frame
  b.link("a", "b").link("b", "c");  // two fast hops: 2 x (12.3 us + 2 us + 1 us)
  b.stream("s", "t", {"l"}, 1ms, 1500, 1ms);
  const auto r = route_one(b.build(), "s");
  REQUIRE(r.route);
  CHECK(r.route->hops.size() == 4);
  CHECK(routing::describe_path(*r.route, "t", "l") == "t -> a:p3 -> b:p2 -> c:p1 -> l");
}

TEST_CASE("a multicast route is a tree: a hop shared by listeners is one transmission") {
  auto b = chain(4, false);
  b.stream("m", "es1", {"es3", "es4"}, 1ms, 100, 1ms);
  const auto r = route_one(b.build(), "m");
  REQUIRE(r.route);
  std::set<std::string> ports;
  for (const auto& h : r.route->hops) CHECK(ports.insert(h.egress.str()).second);
  // es1->sw1, sw1->sw2, sw2->sw3, sw3->es3, sw3->sw4, sw4->es4
  CHECK(r.route->hops.size() == 6);
  CHECK(r.route->trees.size() == 1);
  CHECK(r.route->hop_into("es4") >= 0);
}

TEST_CASE("num-seamless-trees 2 gives two node-disjoint trees on a ring") {
  auto b = chain(4, true);
  b.stream("r", "es1", {"es3"}, 1ms, 100, 1ms).num_seamless_trees = 2;
  const auto r = route_one(b.build(), "r");
  REQUIRE(r.route);
  REQUIRE(r.route->trees.size() == 2);
  std::set<std::string> nodes_a, nodes_b;
  for (int h : r.route->trees[0]) nodes_a.insert(r.route->hops[static_cast<std::size_t>(h)].ingress.node);
  for (int h : r.route->trees[1]) nodes_b.insert(r.route->hops[static_cast<std::size_t>(h)].ingress.node);
  // Both trees share only the access links: sw1 (replication) and sw3 and es3 (elimination).
  std::set<std::string> both;
  for (const auto& n : nodes_a)
    if (nodes_b.count(n)) both.insert(n);
  CHECK(both == std::set<std::string>{"sw1", "sw3", "es3"});
  const int last = r.route->hop_into("es3");
  REQUIRE(last >= 0);
  CHECK(r.route->hops[static_cast<std::size_t>(last)].upstream.size() == 2);
  // The shared talker link is one hop, listed once.
  CHECK(r.route->hops[0].egress.node == "es1");
  CHECK(std::count_if(r.route->hops.begin(), r.route->hops.end(),
                      [](const auto& h) { return h.egress.node == "es1"; }) == 1);
}

TEST_CASE("num-seamless-trees 2 on a line names the node every path passes through") {
  auto b = chain(3, false);
  b.stream("r", "es1", {"es3"}, 1ms, 100, 1ms).num_seamless_trees = 2;
  const auto r = route_one(b.build(), "r");
  CHECK_FALSE(r.route);
  REQUIRE(r.issues.size() == 1);
  CHECK(r.issues[0].stream == "r");
  CHECK(r.issues[0].message ==
        "stream r: num-seamless-trees 2 needs two node-disjoint paths to listener es3, but every path from sw1 to sw3 "
        "passes through sw2");
}

TEST_CASE("end stations never forward and unreachable listeners are named") {
  PlantBuilder b("split");
  b.bridge("sw1").bridge("sw2").station("a").station("mid").station("z");
  b.link("a", "sw1").link("sw1", "mid").link("mid", "sw2").link("sw2", "z");
  b.stream("s", "a", {"z"}, 1ms, 100, 1ms);
  const auto r = route_one(b.build(), "s");
  CHECK_FALSE(r.route);
  REQUIRE(r.issues.size() == 1);
  CHECK_THAT(r.issues[0].message, Catch::Contains("no path from talker a to z"));
}

TEST_CASE("num-seamless-trees 2 refuses what takt-dataplane's 802.1CB cannot carry, naming stream and station") {
  SECTION("a talker on two links would have to number its own frames") {
    auto b = chain(4, true);
    b.link("es1", "sw2");
    b.stream("r", "es1", {"es3"}, 1ms, 100, 1ms).num_seamless_trees = 2;
    const auto r = route_one(b.build(), "r");
    CHECK_FALSE(r.route);
    REQUIRE(r.issues.size() == 1);
    CHECK(r.issues[0].stream == "r");
    CHECK(r.issues[0].message ==
          "stream r: num-seamless-trees 2 needs talker es1 on one link, so that the bridge it hangs off numbers the "
          "frames; it has 2 links, and takt does not make end stations replicate");
  }
  SECTION("a listener on two links would have to remove duplicates itself") {
    auto b = chain(4, true);
    b.link("es3", "sw4");
    b.stream("r", "es1", {"es3"}, 1ms, 100, 1ms).num_seamless_trees = 2;
    const auto r = route_one(b.build(), "r");
    CHECK_FALSE(r.route);
    REQUIRE(r.issues.size() == 1);
    CHECK_THAT(r.issues[0].message, Catch::Contains("needs listener es3 on one link"));
  }
  SECTION("a bridge recovering for one listener cannot pass the trees on to another") {
    // Ring of 6 with listeners on sw3 and sw4: a recovering bridge's copies leave untagged, and
    // the other listener's recovering bridge would discard them.
    auto b = chain(6, true);
    b.stream("r", "es1", {"es3", "es4"}, 1ms, 100, 1ms).num_seamless_trees = 2;
    const auto r = route_one(b.build(), "r");
    CHECK_FALSE(r.route);
    // One tree reaches sw4 through sw3, the other sw3 through sw4: both recovering bridges
    // forward, and each is named.
    REQUIRE(r.issues.size() == 2);
    CHECK(r.issues[0].stream == "r");
    CHECK(r.issues[0].message ==
          "stream r: bridge sw3 removes duplicates for listener es3 and also forwards the stream to sw4 on one tree; "
          "takt-dataplane recovers at a bridge's ingress for all its ports, so split the stream per listener");
    CHECK_THAT(r.issues[1].message, Catch::Contains("bridge sw4 removes duplicates for listener es4"));
  }
}
