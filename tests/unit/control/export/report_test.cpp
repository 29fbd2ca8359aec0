#include <catch2/catch.hpp>

#include "control/export/plan_report.hpp"
#include "control/export/svg_timeline.hpp"
#include "sample_plan.hpp"

using namespace takt;

namespace {
std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (auto p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}
}  // namespace

TEST_CASE("stream paths read talker -> egress ports -> listener", "[export][report]") {
  const auto plan = test::sample_plan();
  CHECK(exporter::stream_paths(plan.streams[0], "listener") ==
        std::vector<std::string>{"talker -> sw1:p2 -> listener"});
}

TEST_CASE("the report shows timing per stream and load per port", "[export][report]") {
  const auto plan = test::sample_plan();
  const auto r = exporter::plan_report(plan, test::sample_plant());
  CHECK(r.find("takt plan for plant 'sample': 2 streams (1 scheduled, 0 bounded, 1 best-effort), 2 scheduled ports") ==
        0);
  // stream, talker -> listener, offset, interval, worst case, deadline, slack, path
  CHECK(r.find("motion  talker -> listener    2 us    250 us    7.722 us    100 us  92.278 us  talker -> sw1:p2 -> "
               "listener") != std::string::npos);
  // port, profile, transmission timing error, cycle, windows, load, gate entries, limit
  CHECK(r.find("sw1:p2       takt-dataplane          1 us  250 us        1           0.3 %             3   4096") !=
        std::string::npos);
  CHECK(r.find("talker:eth0  end-station             0 ns  250 us        1           0.3 %             3   1024") !=
        std::string::npos);
  CHECK(r.find("logs    best-effort") != std::string::npos);
  CHECK(r.find("Incremental") == std::string::npos);

  exporter::ReportExtras moved;
  moved.moved = std::vector<std::string>{"motion"};
  moved.moved_why = {"its route changed: link sw1 - sw2 is gone"};
  CHECK(exporter::plan_report(plan, test::sample_plant(), moved)
            .find("1 kept stream had to move: motion\n  motion: its route changed: link sw1 - sw2 is gone\n") !=
        std::string::npos);
  CHECK(exporter::plan_report(plan, test::sample_plant(), moved).find("1 kept stream had to move: motion") !=
        std::string::npos);
  moved.moved->clear();
  CHECK(exporter::plan_report(plan, test::sample_plant(), moved).find("every kept stream stayed on its windows") !=
        std::string::npos);
}

TEST_CASE("the summary carries the report's numbers as data", "[export][report]") {
  const auto j = exporter::plan_summary(test::sample_plan(), test::sample_plant());
  CHECK(j.at("streams")[0].at("offset-ns") == 2'000);
  CHECK(j.at("streams")[0].at("listeners")[0].at("slack-ns") == 92'278);
  CHECK(j.at("ports")[0].at("gate-control-entries") == 3);
  CHECK(j.at("ports")[0].at("max-gate-control-entries") == 4096);
}

TEST_CASE("the timeline draws one lane per scheduled port with every window", "[export][svg]") {
  auto plan = test::sample_plan();
  plan.streams[0].name = plan.ports[0].windows[0].stream = "a<b&c";  // names are escaped
  plan.ports[1].windows[0].stream = "a<b&c";
  const auto svg = exporter::svg_timeline(plan);
  CHECK(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0) == 0);
  CHECK(svg.size() > 1000);
  CHECK(svg.find("a<b") == std::string::npos);
  CHECK(svg.find(">sw1:p2</text>") != std::string::npos);
  CHECK(svg.find(">talker:eth0</text>") != std::string::npos);
  // The window's hover text in the strip of each of its two ports (sw1:p2, talker:eth0).
  CHECK(count(svg, "<title>a&lt;b&amp;c (hop ") == 2);
  CHECK(count(svg, "guard band 8 us") == 1);  // 8 us before the window on sw1:p2, shorter than a 1500 B frame
  CHECK(count(svg, "guard band 2 us") == 1);  // talker: 2 us
  CHECK(svg.substr(svg.size() - 7) == "</svg>\n");
}
