#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>

#include "control/schedule/plan_json.hpp"
#include "control/schedule/synthesiser.hpp"
#include "tests/support/plant_builder.hpp"

using namespace takt;
using namespace std::chrono_literals;

namespace {

schedule::Plan small_plan() {
  test::PlantBuilder b("json");
  b.bridge("sw1").station("a").station("z");
  b.link("a", "sw1").link("sw1", "z");
  b.stream("s", "a", {"z"}, 500us, 200, 100us);
  auto& be = b.stream("bulk", "z", {"a"}, 10ms, 1500, 10ms);
  be.traffic_class = model::TrafficClassKind::best_effort;
  be.pcp = 0;
  auto r = schedule::synthesise(b.build());
  REQUIRE(r.ok());
  return r.plan;
}

}  // namespace

TEST_CASE("plan.json round-trips every field") {
  const auto plan = small_plan();
  const auto j = schedule::to_json(plan);
  CHECK(j.at("format") == "takt-plan/1");
  const auto back = schedule::plan_from_json(j);
  CHECK(schedule::to_json(back) == j);
  REQUIRE(back.streams.size() == 2);
  CHECK(back.streams[1].traffic_class == model::TrafficClassKind::best_effort);
  CHECK_FALSE(back.streams[1].timed);
  CHECK(back.streams[1].hops.size() == 2);  // routed even though not scheduled
  REQUIRE(back.ports.size() == 2);
  CHECK(back.ports[0].gcl == plan.ports[0].gcl);
}

TEST_CASE("plan files are written and read back, bad files give actionable errors") {
  const auto plan = small_plan();
  const std::string path = "/tmp/takt-plan-test-" + std::to_string(::getpid()) + ".json";
  schedule::write_plan_file(plan, path);
  const auto back = schedule::read_plan_file(path);
  CHECK(schedule::to_json(back) == schedule::to_json(plan));
  std::remove(path.c_str());

  auto j = schedule::to_json(plan);
  j["format"] = "takt-plan/99";
  CHECK_THROWS_WITH(schedule::plan_from_json(j), Catch::Contains("plan format 'takt-plan/99' is not supported"));
  j = schedule::to_json(plan);
  j["streams"][0].erase("hops");
  CHECK_THROWS_WITH(schedule::plan_from_json(j), Catch::Contains("hops"));
  CHECK_THROWS_WITH(schedule::read_plan_file("/nonexistent/plan.json"), Catch::Contains("cannot open"));
}
