#include <catch2/catch.hpp>

#include <map>

#include "control/export/csv.hpp"
#include "control/export/tsnkit.hpp"
#include "control/model/loader.hpp"
#include "read_test_file.hpp"
#include "sample_plan.hpp"

using namespace takt;

namespace {

const std::string kData = TAKT_EXPORT_TEST_DATA;

}  // namespace

TEST_CASE("CSV fields with commas are quoted", "[export][tsnkit]") {
  CHECK(exporter::split_csv_line("\"(0, 1)\",8,1,2000,0") == std::vector<std::string>{"(0, 1)", "8", "1", "2000", "0"});
  CHECK(exporter::split_csv_line("a,\"say \"\"hi\"\"\",") == std::vector<std::string>{"a", "say \"hi\"", ""});
  CHECK(exporter::csv_field("(0, 1)") == "\"(0, 1)\"");
  CHECK(exporter::csv_field("plain") == "plain");
}

TEST_CASE("a plant exported as a TSNKit instance", "[export][tsnkit]") {
  const auto t = exporter::to_tsnkit(test::sample_plant());
  CHECK(t.nodes_csv ==
        "id,node,kind\n0,sw1,bridge\n1,talker,end-station\n2,listener,end-station\n3,spare,end-station\n");
  // Each cable both ways; t_proc is the receiving bridge's max processing delay (takt-dataplane: 4 us).
  CHECK(t.topology_csv ==
        "link,q_num,rate,t_proc,t_prop\n"
        "\"(1, 0)\",8,1,4000,25\n\"(0, 1)\",8,1,0,25\n"
        "\"(0, 2)\",8,1,0,50\n\"(2, 0)\",8,1,4000,50\n"
        "\"(0, 3)\",8,0.1,0,5\n\"(3, 0)\",8,0.1,4000,5\n");
  // Only the scheduled stream; no jitter requirement is written as jitter = period.
  CHECK(t.stream_csv == "stream,src,dst,size,period,deadline,jitter\n0,1,[2],64,250000,100000,250000\n");
  CHECK(t.streams_csv == "id,stream,listener\n0,motion,listener\n");
}

TEST_CASE("a TSNKit instance imported as a plant in takt's Ethernet model", "[export][tsnkit]") {
  const auto in = exporter::from_tsnkit(test::read_test_file(kData + "/sample_task.csv"),
                                        test::read_test_file(kData + "/sample_topo.csv"), "sample", "stream.csv",
                                        "topology.csv", model::FrameModel::ethernet);
  INFO(in.plant_yaml);
  REQUIRE(in.errors.empty());
  for (const auto& d : in.result.diagnostics) INFO(d.str());
  REQUIRE(in.result.plant);
  const auto& p = *in.result.plant;
  CHECK(p.bridge_count() == 2);
  CHECK(p.end_station_count() == 3);
  REQUIRE(p.find_node("sw0"));
  CHECK(p.find_node("sw0")->ports == std::vector<std::string>{"p1", "p2", "p3"});
  CHECK(p.profile_of(*p.find_node("sw0")).processing_delay_max == Nanos{2'000});
  CHECK(p.profile_of(*p.find_node("sw0")).queues == 8);
  REQUIRE(p.links.size() == 4);
  CHECK(p.links[0].a == model::PortRef{"sw0", "p1"});
  CHECK(p.links[0].b == model::PortRef{"sw1", "p1"});
  CHECK(p.links[0].rate_bps == 1'000'000'000);
  CHECK(p.links[0].propagation == Nanos{50});

  const auto* s0 = p.find_stream("s0");
  REQUIRE(s0);
  CHECK(s0->talker == "es2");
  CHECK(s0->listeners == std::vector<std::string>{"es4"});
  CHECK(s0->interval == Nanos{2'000'000});
  CHECK(s0->max_frame_size == 400);
  CHECK(s0->max_frames_per_interval == 1);
  CHECK(s0->max_latency == Nanos{2'000'000});
  CHECK(s0->jitter == Nanos{0});  // jitter = period: no requirement
  CHECK(s0->traffic_class == model::TrafficClassKind::scheduled);
  const auto* s1 = p.find_stream("s1");
  REQUIRE(s1);  // 3000 B above the MTU: two frames of 1500 B
  CHECK(s1->max_frames_per_interval == 2);
  CHECK(s1->max_frame_size == 1500);
  const auto* s2 = p.find_stream("s2");
  REQUIRE(s2);
  CHECK(s2->listeners == std::vector<std::string>{"es2", "es3"});
  CHECK(s2->jitter == Nanos{5'000});
  CHECK(p.defaults.frame_model == model::FrameModel::ethernet);
  CHECK(p.defaults.sync_error_budget == Nanos{1'000});
}

TEST_CASE("a TSNKit instance imported as a plant in TSNKit's model by default", "[export][tsnkit]") {
  const auto in = exporter::from_tsnkit(test::read_test_file(kData + "/sample_task.csv"),
                                        test::read_test_file(kData + "/sample_topo.csv"), "sample");
  INFO(in.plant_yaml);
  REQUIRE(in.errors.empty());
  for (const auto& d : in.result.diagnostics) INFO(d.str());
  REQUIRE(in.result.plant);
  const auto& p = *in.result.plant;
  // The model is the plant's, written where a reader sees it, not a planner switch.
  CHECK(in.plant_yaml.find("frame-model: wire-bytes\n") != std::string::npos);
  CHECK(p.defaults.frame_model == model::FrameModel::wire_bytes);
  CHECK(p.defaults.sync_error_budget == Nanos{0});
  // TSNKit's switches queue a frame in any of their queues: bridges may give every other priority.
  CHECK(in.plant_yaml.find("scheduled-ipv: [7, 5, 4, 3, 2, 1, 0]") != std::string::npos);
  CHECK(p.defaults.scheduled_ipv == std::vector<int>{7, 5, 4, 3, 2, 1, 0});
  // A size is one frame of that many bytes on the wire, even above the Ethernet MTU.
  const auto* s1 = p.find_stream("s1");
  REQUIRE(s1);
  CHECK(s1->max_frames_per_interval == 1);
  CHECK(s1->max_frame_size == 3000);
  for (const char* name : {"sw0", "es2"}) {
    INFO(name);
    const auto& prof = p.profile_of(*p.find_node(name));
    CHECK(prof.transmission_timing_error == Nanos{0});
    CHECK(prof.min_gate_interval == Nanos{0});
    CHECK(prof.max_frame_size == 3000);
  }
  CHECK(p.profile_of(*p.find_node("sw0")).processing_delay_max == Nanos{2'000});
  CHECK(p.profile_of(*p.find_node("sw0")).processing_delay_min == Nanos{2'000});
}

TEST_CASE("TSNKit import errors name file, line and column", "[export][tsnkit]") {
  const std::string topo = test::read_test_file(kData + "/sample_topo.csv");
  auto in = exporter::from_tsnkit(
      "stream,src,dst,size,period,deadline,jitter\n0,0,[4],400,1000,1000,1000\n1,2,[9],x,1000,1000,1000\n", topo, "bad",
      "t.csv", "n.csv");
  REQUIRE(in.errors.size() == 3);
  CHECK(in.errors[0] == "t.csv:2:3: src 0 is a bridge (3 links); takt talkers are end stations, nodes with one link");
  CHECK(in.errors[1] ==
        "t.csv:3:9: size 'x' is not a whole number; allowed 1..98302500 bytes (65535 frames of 1500 B)");
  CHECK(in.errors[2] == "t.csv:3:5: destination 9 is not an end station (a node with one link) of the topology");
  CHECK_FALSE(in.result.plant);

  in = exporter::from_tsnkit("id,src\n", topo, "bad", "t.csv", "n.csv");
  REQUIRE_FALSE(in.errors.empty());
  CHECK(in.errors[0].rfind("t.csv:1:1: no column 'dst'", 0) == 0);

  in = exporter::from_tsnkit(test::read_test_file(kData + "/sample_task.csv"),
                             "link,q_num,rate,t_proc,t_prop\n\"(0, 1)\",8,fast,0,0\n", "bad", "t.csv", "n.csv");
  REQUIRE_FALSE(in.errors.empty());
  CHECK(in.errors[0] ==
        "n.csv:2:12: rate 'fast' is not a decimal number of bit/ns; allowed 0.000000001..1000 bit/ns (1 = 1 Gb/s)");
}

TEST_CASE("TSNKit import refuses numbers out of range instead of wrapping them", "[export][tsnkit][hostile]") {
  // Issue 11 case 8: rate 99999999999 became 7766279630452241920 b/s; a size of INT64_MAX gave
  // a negative frame count.
  const std::string task = test::read_test_file(kData + "/sample_task.csv");
  const std::string topo = test::read_test_file(kData + "/sample_topo.csv");
  auto rate = exporter::from_tsnkit(task, "link,q_num,rate,t_proc,t_prop\n\"(0, 1)\",8,99999999999,2000,50\n", "x",
                                    "task.csv", "topo.csv");
  REQUIRE_FALSE(rate.errors.empty());
  CHECK(rate.errors[0] ==
        "topo.csv:2:12: rate '99999999999' is out of range; allowed 0.000000001..1000 bit/ns (1 = 1 Gb/s)");
  CHECK(rate.plant_yaml.empty());

  auto size =
      exporter::from_tsnkit("id,src,dst,size,period,deadline,jitter\n0,2,[4],9223372036854775807,1000000,1000000,0\n",
                            topo, "x", "task.csv", "topo.csv");
  REQUIRE(size.errors.size() == 1);
  CHECK(size.errors[0] ==
        "task.csv:2:9: size '9223372036854775807' is out of range; allowed 1..98302500 bytes (65535 frames of 1500 B)");

  // Beyond int64 and negative: out of range too, not "not a number" nor a wrapped value.
  auto huge = exporter::from_tsnkit(
      "id,src,dst,size,period,deadline,jitter\n0,2,\"[4, 99999999999999999999]\",100,-5,1000000,0\n", topo, "x",
      "task.csv", "topo.csv");
  REQUIRE(huge.errors.size() == 2);
  CHECK(huge.errors[0] == "task.csv:2:5: dst item '99999999999999999999' is out of range; allowed 0..9999 (a node id)");
  CHECK(huge.errors[1] == "task.csv:2:37: period '-5' is out of range; allowed 1..60000000000 ns");

  // The largest size takt takes still plans as 65535 frames of 1500 B, or in TSNKit's model as
  // frames of the largest jumbo frame a profile takes.
  const std::string largest_task =
      "id,src,dst,size,period,deadline,jitter\n0,2,[4],98302500,60000000000,60000000000,0\n";
  auto largest = exporter::from_tsnkit(largest_task, topo, "x", "t.csv", "n.csv", model::FrameModel::ethernet);
  REQUIRE(largest.errors.empty());
  CHECK(largest.plant_yaml.find("max-frames-per-interval: 65535\n") != std::string::npos);
  CHECK(largest.plant_yaml.find("max-frame-size: 1500B\n") != std::string::npos);
  largest = exporter::from_tsnkit(largest_task, topo, "x");
  REQUIRE(largest.errors.empty());
  CHECK(largest.plant_yaml.find("max-frames-per-interval: 6144\n") != std::string::npos);
  CHECK(largest.plant_yaml.find("max-frame-size: 16000B\n") != std::string::npos);
}

TEST_CASE("TSNKit import bounds the rows of each file", "[export][tsnkit][hostile]") {
  std::string task("id,src,dst,size,period,deadline,jitter\n");
  for (int i = 0; i <= 10'000; ++i) task.append(std::to_string(i % 10'000)).append(",2,[4],100,1000000,1000000,0\n");
  const auto in =
      exporter::from_tsnkit(task, test::read_test_file(kData + "/sample_topo.csv"), "x", "task.csv", "topo.csv");
  REQUIRE_FALSE(in.errors.empty());
  CHECK(in.errors[0] == "task.csv:10002:1: more than 10000 rows; takt imports at most 10000 streams from one instance");
  CHECK(in.errors.size() <= 102);  // the rows read before are reported, a hundred errors at most
}

TEST_CASE("TSNKit import writes YAML no file name can inject into", "[export][tsnkit][hostile]") {
  const std::string task = test::read_test_file(kData + "/sample_task.csv");
  const std::string topo = test::read_test_file(kData + "/sample_topo.csv");
  // A file stem that is not a takt name is refused with a name that would do.
  auto stem = exporter::from_tsnkit(task, topo, "a: b", "a: b.csv", "topo.csv");
  REQUIRE(stem.errors.size() == 1);
  CHECK(stem.errors[0] ==
        "a: b.csv: the plant takes its name from the file name, and 'a: b' is not a takt name (names are 1-64 letters, "
        "digits, '-', '_' or '.', not starting with '.'); rename the file, e.g. to a--b.csv");
  CHECK(stem.plant_yaml.empty());

  // File names reach the plant only in its first comment, and a line break cannot end it.
  auto path = exporter::from_tsnkit(task, topo, "ok", "dir\nplant: evil\r\nbridges: {}\n/task.csv", "topo.csv");
  REQUIRE(path.errors.empty());
  REQUIRE(path.result.plant);
  CHECK(path.result.plant->name == "ok");
  CHECK(path.plant_yaml.find("\nplant: evil") == std::string::npos);
  CHECK(path.plant_yaml.rfind("# Imported from the TSNKit instance dir?plant: evil??bridges: {}?/task.csv + topo.csv",
                              0) == 0);
}

TEST_CASE("TSNKit round trip: export then import yields the same streams", "[export][tsnkit]") {
  for (const char* name : {"small-cell", "body-shop-line"}) {
    INFO(name);
    auto loaded = model::load_plant_file(std::string(TAKT_SOURCE_ROOT) + "/configs/plants/" + name + ".yaml");
    REQUIRE(loaded.plant);
    const auto& plant = *loaded.plant;
    const auto t = exporter::to_tsnkit(plant);
    const auto in = exporter::from_tsnkit(t.stream_csv, t.topology_csv, name);
    REQUIRE(in.errors.empty());
    for (const auto& d : in.result.diagnostics) INFO(d.str());
    REQUIRE(in.result.plant);
    const auto& back = *in.result.plant;
    CHECK(back.links.size() == plant.links.size());
    CHECK(back.bridge_count() == plant.bridge_count());
    CHECK(back.end_station_count() == plant.end_station_count());

    // Row i of the export is stream s<i> of the import; streams.csv names the original.
    std::map<std::string, std::size_t> node_id;
    for (std::size_t i = 0; i < plant.nodes.size(); ++i) node_id[plant.nodes[i].name] = i;
    std::istringstream rows(t.streams_csv);
    std::string line;
    std::getline(rows, line);
    std::size_t n = 0;
    while (std::getline(rows, line)) {
      const auto f = exporter::split_csv_line(line);
      const auto* orig = plant.find_stream(f[1]);
      const auto* imported = back.find_stream("s" + f[0]);
      REQUIRE(orig);
      REQUIRE(imported);
      CHECK(imported->talker == "es" + std::to_string(node_id[orig->talker]));
      CHECK(imported->listeners == std::vector<std::string>{"es" + std::to_string(node_id[f[2]])});
      CHECK(imported->interval == orig->interval);
      CHECK(imported->max_latency == orig->max_latency);
      CHECK(imported->max_frame_size * imported->max_frames_per_interval ==
            orig->max_frame_size * orig->max_frames_per_interval);
      CHECK(imported->jitter == orig->jitter);
      ++n;
    }
    std::size_t expected = 0;
    for (const auto& s : plant.streams)
      if (s.traffic_class == model::TrafficClassKind::scheduled) expected += s.listeners.size();
    CHECK(n == expected);
    CHECK(back.streams.size() == expected);
  }
}
