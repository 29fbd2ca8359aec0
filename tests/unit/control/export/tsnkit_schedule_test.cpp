// The schedule in TSNKit's output form: what TSNKit's simulator (tsnkit/simulation/tas.py)
// reads must be there exactly, since a column name or a link written another way makes it
// refuse the files or route frames nowhere.
#include <catch2/catch.hpp>

#include <set>

#include "control/export/csv.hpp"
#include "control/export/tsnkit.hpp"
#include "control/export/tsnkit_numbering.hpp"
#include "control/export/tsnkit_schedule.hpp"
#include "control/schedule/planner.hpp"
#include "read_test_file.hpp"
#include "sample_plan.hpp"

using namespace takt;

namespace {

std::vector<std::vector<std::string>> rows(const std::string& csv) {
  std::vector<std::vector<std::string>> out;
  std::istringstream in(csv);
  std::string line;
  while (std::getline(in, line)) out.push_back(exporter::split_csv_line(line));
  return out;
}

const std::string kData = TAKT_EXPORT_TEST_DATA;

}  // namespace

TEST_CASE("a plan in TSNKit's output form: the five files, columns, links and rows", "[export][tsnkit]") {
  const auto plant = test::sample_plant();
  auto plan = test::sample_plan();
  // Plant order numbers the nodes: sw1 0, talker 1, listener 2, spare 3; the one scheduled
  // stream is row 0.
  const auto numbering = exporter::tsnkit_numbering(plant);
  CHECK(numbering.node.at("talker") == 1);
  REQUIRE(numbering.rows.size() == 1);
  CHECK(numbering.rows[0].stream == "motion");

  auto t = exporter::to_tsnkit_schedule(plan, plant, numbering);
  // One window per port cycle each; sorted by link as TSNKit sorts its GCL.
  CHECK(t.gcl_csv ==
        "link,queue,start,end,cycle\n"
        "\"(0, 2)\",6,8000,8672,250000\n"
        "\"(1, 0)\",6,2000,2672,250000\n");
  CHECK(t.offset_csv == "stream,frame,offset\n0,0,2000\n");
  CHECK(t.route_csv == "stream,link\n0,\"(1, 0)\"\n0,\"(0, 2)\"\n");
  CHECK(t.queue_csv == "stream,frame,link,queue\n0,0,\"(1, 0)\",6\n0,0,\"(0, 2)\",6\n");
  CHECK(t.delay_csv == "stream,frame,delay\n0,0,7722\n");

  // A window recurs in its port's cycle once per interval: one GCL row per frame instance.
  for (auto& port : plan.ports)
    for (auto& w : port.windows) w.interval = Nanos{125'000};
  t = exporter::to_tsnkit_schedule(plan, plant, numbering);
  CHECK(t.gcl_csv ==
        "link,queue,start,end,cycle\n"
        "\"(0, 2)\",6,8000,8672,250000\n"
        "\"(0, 2)\",6,133000,133672,250000\n"
        "\"(1, 0)\",6,2000,2672,250000\n"
        "\"(1, 0)\",6,127000,127672,250000\n");
}

TEST_CASE("a TSNKit instance planned in TSNKit's model comes back in its own numbers", "[export][tsnkit]") {
  const auto in = exporter::from_tsnkit(test::read_test_file(kData + "/sample_task.csv"),
                                        test::read_test_file(kData + "/sample_topo.csv"), "sample");
  REQUIRE(in.result.plant);
  const auto& plant = *in.result.plant;
  const auto outcome = schedule::plan_plant(plant);
  REQUIRE(outcome.plan);
  const auto numbering = exporter::tsnkit_numbering(plant);
  // The instance's ids, not plant order (bridges are declared before end stations).
  CHECK(numbering.node.at("es2") == 2);
  CHECK(numbering.node.at("sw1") == 1);
  REQUIRE(numbering.rows.size() == 3);
  CHECK(numbering.rows[2].stream == "s2");
  CHECK(numbering.rows[2].listeners == std::vector<std::string>{"es2", "es3"});  // multicast: one row

  const auto t = exporter::to_tsnkit_schedule(*outcome.plan, plant, numbering);
  CHECK(t.route_csv ==
        "stream,link\n"
        "0,\"(2, 0)\"\n0,\"(0, 1)\"\n0,\"(1, 4)\"\n"
        "1,\"(3, 0)\"\n1,\"(0, 1)\"\n1,\"(1, 4)\"\n"
        "2,\"(4, 1)\"\n2,\"(1, 0)\"\n2,\"(0, 2)\"\n2,\"(0, 3)\"\n");

  // Every link the schedule names is a link of the instance, written as the instance writes it.
  std::set<std::string> topology_links;
  for (const auto& r : rows(test::read_test_file(kData + "/sample_topo.csv"))) topology_links.insert(r[0]);
  const auto gcl = rows(t.gcl_csv);
  REQUIRE(gcl.size() > 1);
  CHECK(gcl[0] == std::vector<std::string>{"link", "queue", "start", "end", "cycle"});
  std::size_t instances = 0;
  for (std::size_t i = 1; i < gcl.size(); ++i) {
    INFO(t.gcl_csv);
    CHECK(topology_links.count(gcl[i][0]) == 1);
    const auto start = std::stoll(gcl[i][2]), end = std::stoll(gcl[i][3]), cycle = std::stoll(gcl[i][4]);
    CHECK(start >= 0);
    CHECK(start < cycle);
    // Open exactly as long as TSNKit's model sends: size x 8 ns at 1 Gb/s (400, 3000, 100 B).
    CHECK((end - start == 3'200 || end - start == 24'000 || end - start == 800));
  }
  for (const auto& port : outcome.plan->ports)
    for (const auto& w : port.windows) instances += static_cast<std::size_t>(port.cycle_time / w.interval);
  CHECK(gcl.size() - 1 == instances);
  for (const auto& r : rows(t.route_csv)) CHECK((r[0] == "stream" || topology_links.count(r[1]) == 1));
  CHECK(t.offset_csv.rfind("stream,frame,offset\n0,0,", 0) == 0);
  CHECK(rows(t.offset_csv).size() == 4);
  CHECK(rows(t.queue_csv).size() == rows(t.route_csv).size());
  CHECK(rows(t.delay_csv).size() == 4);

  // The instance written next to it uses the same numbers, so the simulator pairs them.
  const auto instance = exporter::to_tsnkit(plant);
  CHECK(instance.stream_csv ==
        "stream,src,dst,size,period,deadline,jitter\n"
        "0,2,[4],400,2000000,2000000,2000000\n"
        "1,3,[4],3000,1000000,500000,1000000\n"
        "2,4,\"[2, 3]\",100,500000,200000,5000\n");
}
