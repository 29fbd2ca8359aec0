// TSNKit instance -> plant YAML -> validated Plant (see tsnkit.hpp for the mapping). Going
// through YAML means an imported instance gets every check a hand-written plant gets, and the
// person gets a plant file to read, edit and re-plan.
#include <algorithm>
#include <charconv>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "control/export/csv.hpp"
#include "control/export/tsnkit.hpp"

namespace takt::exporter {
namespace {

// The end-station profile carries standard Ethernet frames only.
constexpr std::int64_t kMtu = 1500;

struct Table {
  std::vector<std::string> header;
  std::vector<std::pair<int, std::vector<std::string>>> rows;  // (line number, fields)
};

Table read_table(const std::string& text) {
  Table t;
  std::istringstream in(text);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto fields = split_csv_line(line);
    for (auto& f : fields) {
      f.erase(0, f.find_first_not_of(" \t"));
      f.erase(f.find_last_not_of(" \t") + 1);
    }
    if (t.header.empty())
      t.header = std::move(fields);
    else
      t.rows.emplace_back(n, std::move(fields));
  }
  return t;
}

std::optional<std::int64_t> integer(std::string_view s) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// "1" -> 1e9 b/s, "0.1" -> 1e8 b/s: decimal bit/ns, exactly.
std::optional<std::int64_t> rate_bps(std::string_view s) {
  const auto dot = s.find('.');
  const auto whole = integer(s.substr(0, dot));
  if (!whole || *whole < 0) return std::nullopt;
  std::int64_t frac = 0, scale = 1'000'000'000;
  if (dot != std::string_view::npos) {
    for (char c : s.substr(dot + 1)) {
      if (c < '0' || c > '9' || scale == 1) return std::nullopt;
      scale /= 10;
      frac += (c - '0') * scale;
    }
  }
  const std::int64_t bps = *whole * 1'000'000'000 + frac;
  return bps > 0 ? std::optional(bps) : std::nullopt;
}

// "[3]" or "[3, 4]" -> ids; "(0, 1)" -> two ids.
std::optional<std::vector<std::int64_t>> id_list(std::string_view s, char open, char close) {
  if (s.size() < 2 || s.front() != open || s.back() != close) return std::nullopt;
  std::vector<std::int64_t> ids;
  std::string item;
  for (char c : std::string(s.substr(1, s.size() - 2)) + ",") {
    if (c == ',') {
      item.erase(std::remove(item.begin(), item.end(), ' '), item.end());
      auto v = integer(item);
      if (!v || *v < 0) return std::nullopt;
      ids.push_back(*v);
      item.clear();
    } else {
      item += c;
    }
  }
  return ids;
}

struct Columns {
  std::map<std::string, std::size_t> at;
  bool need(const Table& t, const std::vector<std::string>& names, const std::string& file,
            std::vector<std::string>& errors) {
    for (std::size_t i = 0; i < t.header.size(); ++i) at[t.header[i]] = i;
    bool ok = true;
    for (const auto& n : names) {
      if (!at.count(n)) {
        std::string header;
        for (const auto& x : names) header += (header.empty() ? "" : ",") + x;
        errors.push_back(fmt::format("{}:1: no column '{}'; a TSNKit file starts with the header {}", file, n, header));
        ok = false;
      }
    }
    return ok;
  }
  const std::string& get(const std::vector<std::string>& row, const std::string& name) const {
    static const std::string empty;
    const auto i = at.at(name);
    return i < row.size() ? row[i] : empty;
  }
};

struct Cable {
  std::int64_t a = 0, b = 0;
  std::int64_t rate = 0;
  std::int64_t prop = 0;
  std::string port_a, port_b;
};

}  // namespace

TsnkitImport from_tsnkit(const std::string& stream_csv, const std::string& topology_csv, const std::string& plant_name,
                         const std::string& stream_file, const std::string& topology_file) {
  TsnkitImport out;
  auto& errors = out.errors;

  // Topology.
  const Table topo = read_table(topology_csv);
  Columns tc;
  if (!tc.need(topo, {"link", "q_num", "rate", "t_proc", "t_prop"}, topology_file, errors)) return out;
  std::vector<Cable> cables;
  std::map<std::pair<std::int64_t, std::int64_t>, std::size_t> cable_of;
  std::map<std::int64_t, std::int64_t> queues, proc;  // per transmitting / receiving node
  for (const auto& [line, row] : topo.rows) {
    auto where = fmt::format("{}:{}", topology_file, line);
    auto ends = id_list(tc.get(row, "link"), '(', ')');
    auto q = integer(tc.get(row, "q_num"));
    auto rate = rate_bps(tc.get(row, "rate"));
    auto t_proc = integer(tc.get(row, "t_proc"));
    auto t_prop = integer(tc.get(row, "t_prop"));
    if (!ends || ends->size() != 2 || (*ends)[0] == (*ends)[1]) {
      errors.push_back(
          fmt::format("{}: link '{}' is not a pair of two node ids like \"(0, 1)\"", where, tc.get(row, "link")));
      continue;
    }
    if (!q || *q < 1 || *q > 8)
      errors.push_back(fmt::format("{}: q_num '{}' is not a queue count 1..8", where, tc.get(row, "q_num")));
    if (!rate)
      errors.push_back(
          fmt::format("{}: rate '{}' is not a positive number of bit/ns (1 = 1 Gb/s)", where, tc.get(row, "rate")));
    if (!t_proc || *t_proc < 0)
      errors.push_back(fmt::format("{}: t_proc '{}' is not a whole number of ns", where, tc.get(row, "t_proc")));
    if (!t_prop || *t_prop < 0)
      errors.push_back(fmt::format("{}: t_prop '{}' is not a whole number of ns", where, tc.get(row, "t_prop")));
    if (!q || !rate || !t_proc || !t_prop || *t_proc < 0 || *t_prop < 0) continue;
    const auto u = (*ends)[0], v = (*ends)[1];
    const auto key = std::minmax(u, v);
    auto [it, fresh] = cable_of.try_emplace(key, cables.size());
    if (fresh) {
      cables.push_back({u, v, *rate, *t_prop, {}, {}});
    } else if (cables[it->second].rate != *rate) {
      errors.push_back(
          fmt::format("{}: link ({}, {}) has rate {} but its other direction another; takt links are full duplex "
                      "with one rate",
                      where, u, v, tc.get(row, "rate")));
    } else {
      cables[it->second].prop = std::max(cables[it->second].prop, *t_prop);
    }
    queues[u] = std::max(queues[u], *q);
    proc[v] = std::max(proc[v], *t_proc);
  }
  if (topo.rows.empty()) errors.push_back(fmt::format("{}: no links", topology_file));

  std::map<std::int64_t, int> degree;
  for (const auto& c : cables) ++degree[c.a], ++degree[c.b];
  auto is_station = [&](std::int64_t n) { return degree[n] == 1; };
  auto name = [&](std::int64_t n) { return fmt::format("{}{}", is_station(n) ? "es" : "sw", n); };
  std::map<std::int64_t, int> ports;
  for (auto& c : cables) {
    c.port_a = is_station(c.a) ? name(c.a) : fmt::format("{}:p{}", name(c.a), ++ports[c.a]);
    c.port_b = is_station(c.b) ? name(c.b) : fmt::format("{}:p{}", name(c.b), ++ports[c.b]);
  }

  // Streams.
  const Table task = read_table(stream_csv);
  Columns sc;
  const std::string id_col = std::count(task.header.begin(), task.header.end(), "id") ? "id" : "stream";
  if (!sc.need(task, {id_col, "src", "dst", "size", "period", "deadline", "jitter"}, stream_file, errors)) return out;
  std::string streams_yaml;
  std::set<std::int64_t> ids;
  for (const auto& [line, row] : task.rows) {
    const auto where = fmt::format("{}:{}", stream_file, line);
    auto id = integer(sc.get(row, id_col));
    auto src = integer(sc.get(row, "src"));
    auto dst = id_list(sc.get(row, "dst"), '[', ']');
    auto size = integer(sc.get(row, "size"));
    auto period = integer(sc.get(row, "period"));
    auto deadline = integer(sc.get(row, "deadline"));
    auto jitter = integer(sc.get(row, "jitter"));
    bool ok = true;
    auto bad = [&](const std::string& what, const std::string& expected) {
      errors.push_back(
          fmt::format("{}: {} '{}' is not {}", where, what, sc.get(row, what == "stream" ? id_col : what), expected));
      ok = false;
    };
    if (!id || *id < 0)
      bad("stream", "a stream id (0, 1, ...)");
    else if (!ids.insert(*id).second)
      errors.push_back(fmt::format("{}: stream id {} appears twice", where, *id)), ok = false;
    if (!src || !degree.count(*src))
      bad("src", "a node id of the topology");
    else if (!is_station(*src))
      errors.push_back(
          fmt::format("{}: src {} is a bridge ({} links); takt talkers are end stations, nodes with one link", where,
                      *src, degree[*src])),
          ok = false;
    if (!dst || dst->empty())
      bad("dst", "a list of node ids like [3]");
    else
      for (auto d : *dst)
        if (!degree.count(d) || !is_station(d))
          errors.push_back(
              fmt::format("{}: destination {} is not an end station (a node with one link) of the topology", where, d)),
              ok = false;
    if (!size || *size <= 0) bad("size", "a positive number of bytes");
    if (!period || *period <= 0) bad("period", "a positive number of ns");
    if (!deadline || *deadline <= 0) bad("deadline", "a positive number of ns");
    if (!jitter || *jitter < 0) bad("jitter", "a number of ns");
    if (!ok) continue;
    const std::int64_t frames = (*size + kMtu - 1) / kMtu;
    std::string listeners;
    for (auto d : *dst) listeners += (listeners.empty() ? "" : ", ") + name(d);
    streams_yaml += fmt::format("  s{}:\n    talker: {}\n    listeners: [{}]\n    interval: {}ns\n", *id, name(*src),
                                listeners, *period);
    if (frames > 1) streams_yaml += fmt::format("    max-frames-per-interval: {}\n", frames);
    streams_yaml +=
        fmt::format("    max-frame-size: {}B\n    max-latency: {}ns\n", (*size + frames - 1) / frames, *deadline);
    if (*jitter > 0 && *jitter < *period) streams_yaml += fmt::format("    jitter: {}ns\n", *jitter);
  }
  if (task.rows.empty()) errors.push_back(fmt::format("{}: no streams", stream_file));
  if (!errors.empty()) return out;

  // The plant.
  std::string y = fmt::format("# Imported from the TSNKit instance {} + {} by taktctl plan --tsnkit.\nplant: {}\n\n",
                              stream_file, topology_file, plant_name);
  std::set<std::pair<std::int64_t, std::int64_t>> kinds;  // (queues, processing ns) of bridges
  for (const auto& [n, d] : degree)
    if (d > 1) kinds.insert({queues[n], proc[n]});
  auto profile = [](std::int64_t q, std::int64_t p) { return fmt::format("tsnkit-q{}-proc{}ns", q, p); };
  if (!kinds.empty()) {
    y += "profiles:\n";
    for (const auto& [q, p] : kinds)
      y += fmt::format("  {}: {{base: takt-dataplane, queues: {}, processing-delay: {{min: {}ns, max: {}ns}}}}\n",
                       profile(q, p), q, p, p);
    y += "\nbridges:\n";
    for (const auto& [n, d] : degree)
      if (d > 1) y += fmt::format("  {}: {{profile: {}, ports: {}}}\n", name(n), profile(queues[n], proc[n]), d);
  }
  y += "\nend-stations:\n";
  for (const auto& [n, d] : degree)
    if (d == 1) y += fmt::format("  {}: {{}}\n", name(n));
  y += "\nlinks:\n";
  for (const auto& c : cables)
    y += fmt::format("  - {{ends: [{}, {}], speed: {}bps, propagation-delay: {}ns}}\n", c.port_a, c.port_b, c.rate,
                     c.prop);
  y += "\nstreams:\n" + streams_yaml;
  out.plant_yaml = y;
  out.result = model::load_plant_text(y, plant_name + ".yaml");
  return out;
}

}  // namespace takt::exporter
