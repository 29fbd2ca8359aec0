// configs/grafana/takt-dashboard.json: valid JSON, well-formed panels, and every metric a
// panel queries is one some takt program actually declares (found as a string literal in the
// sources), so a renamed metric cannot leave a silently empty panel behind.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const fs::path kRoot = TAKT_SOURCE_ROOT;

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

json dashboard() { return json::parse(read(kRoot / "configs/grafana/takt-dashboard.json")); }

// Every "takt_..." string literal in the C++ sources of the programs that expose metrics.
std::set<std::string> declared_names() {
  static const std::regex literal(R"re("(takt_[a-z0-9_]+)")re");
  std::set<std::string> names;
  for (const char* dir : {"dataplane", "control"}) {
    for (const auto& e : fs::recursive_directory_iterator(kRoot / dir)) {
      const auto ext = e.path().extension();
      if (!e.is_regular_file() || (ext != ".cpp" && ext != ".hpp")) continue;
      const std::string text = read(e.path());
      for (auto it = std::sregex_iterator(text.begin(), text.end(), literal); it != std::sregex_iterator(); ++it)
        names.insert((*it)[1]);
    }
  }
  return names;
}

std::vector<std::pair<std::string, std::string>> exprs(const json& d) {  // (panel title, expr)
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& p : d.at("panels"))
    for (const auto& t : p.value("targets", json::array())) out.emplace_back(p.at("title"), t.at("expr"));
  return out;
}

}  // namespace

TEST_CASE("the dashboard is a Grafana dashboard with well-formed panels", "[configs][dashboard]") {
  const json d = dashboard();
  CHECK(d.at("uid") == "takt-cell");
  CHECK(d.at("schemaVersion").get<int>() >= 36);
  std::set<int> ids;
  for (const auto& p : d.at("panels")) {
    INFO(p.dump());
    CHECK(ids.insert(p.at("id").get<int>()).second);
    const auto& g = p.at("gridPos");
    CHECK(g.at("x").get<int>() + g.at("w").get<int>() <= 24);
    if (p.at("type") == "row") continue;
    CHECK_FALSE(p.at("targets").empty());
    std::set<std::string> refs;
    for (const auto& t : p.at("targets")) CHECK(refs.insert(t.at("refId").get<std::string>()).second);
  }
  std::set<std::string> variables;
  for (const auto& v : d.at("templating").at("list")) variables.insert(v.at("name"));
  for (const auto& [title, expr] : exprs(d)) {
    INFO(title << ": " << expr);
    for (const std::string var : {"stream", "bridge"})
      if (expr.find("$" + var) != std::string::npos) CHECK(variables.count(var) == 1);
  }
}

TEST_CASE("every metric a panel queries is declared somewhere in takt", "[configs][dashboard]") {
  const std::set<std::string> declared = declared_names();
  REQUIRE(declared.count("takt_probe_latency_seconds") == 1);  // the scan itself works
  static const std::regex metric(R"(takt_[a-z0-9_]+)");
  std::size_t checked = 0;
  const json d = dashboard();
  std::vector<std::pair<std::string, std::string>> queries = exprs(d);
  for (const auto& v : d.at("templating").at("list"))
    if (v.contains("definition"))
      queries.emplace_back("variable " + v.at("name").get<std::string>(), v.at("definition"));
  for (const auto& [title, expr] : queries) {
    for (auto it = std::sregex_iterator(expr.begin(), expr.end(), metric); it != std::sregex_iterator(); ++it) {
      std::string name = it->str();
      // Histogram series carry a suffix the declaration does not.
      for (const char* suffix : {"_bucket", "_count", "_sum"}) {
        const std::string sfx = suffix;
        if (!declared.count(name) && name.ends_with(sfx) && declared.count(name.substr(0, name.size() - sfx.size())))
          name = name.substr(0, name.size() - sfx.size());
      }
      INFO("panel '" << title << "' queries " << it->str()
                     << ", which no source under dataplane/ or control/ declares");
      CHECK(declared.count(name) == 1);
      ++checked;
    }
  }
  CHECK(checked >= 20);
}

TEST_CASE("the dashboard shows what an operator judges takt by", "[configs][dashboard]") {
  const json d = dashboard();
  auto panel_with = [&](const std::string& type, const std::string& needle) {
    for (const auto& p : d.at("panels")) {
      if (p.at("type") != type) continue;
      for (const auto& t : p.value("targets", json::array()))
        if (t.at("expr").get<std::string>().find(needle) != std::string::npos) return p;
    }
    return json();
  };
  const json heatmap = panel_with("heatmap", "takt_probe_latency_seconds_bucket");
  REQUIRE_FALSE(heatmap.is_null());
  CHECK(heatmap.at("targets")[0].at("format") == "heatmap");
  CHECK(heatmap.at("repeat") == "stream");  // one heatmap per stream
  const json p99 =
      panel_with("timeseries", "histogram_quantile(0.99, sum by (stream, le) (rate(takt_probe_latency_seconds_bucket");
  REQUIRE_FALSE(p99.is_null());
  CHECK(p99.dump().find("takt_probe_max_latency_seconds") != std::string::npos);  // against max-latency
  CHECK_FALSE(panel_with("timeseries", "takt_probe_deadline_misses_total").is_null());
  CHECK_FALSE(panel_with("timeseries", "takt_probe_frames_lost_total").is_null());
  CHECK_FALSE(panel_with("timeseries", "takt_ptp_offset").is_null());
  CHECK_FALSE(panel_with("timeseries", "takt_dataplane_dropped_frames_total").is_null());
  // Misses next to the host stalls that explain them on shared CPUs.
  const json misses = panel_with("timeseries", "takt_probe_deadline_misses_total");
  CHECK(misses.dump().find("takt_dataplane_packet_loop_stalls_total") != std::string::npos);
}
