#include <catch2/catch.hpp>

#include "control/export/talker_offsets.hpp"
#include "sample_plan.hpp"

using namespace takt;

TEST_CASE("talker offsets list every stream a station talks", "[export][talkers]") {
  const auto plan = test::sample_plan();
  CHECK(exporter::talkers(plan) == std::vector<std::string>{"talker"});
  const auto j = exporter::talker_offsets_json(plan, "talker");
  CHECK(j.at("format") == "takt-talker-offsets/1");
  CHECK(j.at("end-station") == "talker");
  CHECK(j.at("hyperperiod-ns") == 250'000);
  const auto& streams = j.at("streams");
  REQUIRE(streams.size() == 2);
  const auto& m = streams[0];
  CHECK(m.at("stream") == "motion");
  CHECK(m.at("traffic-class") == "scheduled");
  CHECK(m.at("interval-ns") == 250'000);
  CHECK(m.at("offset-ns") == 2'000);
  CHECK(m.at("window-ns") == 672);
  CHECK(m.at("frames-per-interval") == 1);
  CHECK(m.at("frame-payload-bytes") == 64);
  CHECK(m.at("destination-mac") == "91:e0:f0:00:00:00");
  CHECK(m.at("vlan") == 100);
  CHECK(m.at("pcp") == 6);
  CHECK_FALSE(streams[1].contains("offset-ns"));  // best effort: no window, no offset
  CHECK(streams[1].at("frames-per-interval") == 4);
}

TEST_CASE("talker offsets text form", "[export][talkers]") {
  const auto text = exporter::talker_offsets_text(test::sample_plan(), "talker");
  CHECK(text.find("\nmotion 250000 2000 1 64 91:e0:f0:00:00:00 100 6 scheduled\n") != std::string::npos);
  CHECK(text.find("\nlogs 10000000 - 4 1500 02:00:00:00:00:02 100 0 best-effort\n") != std::string::npos);
  CHECK(exporter::talker_offsets_text(test::sample_plan(), "listener").find("\nmotion") == std::string::npos);
}
