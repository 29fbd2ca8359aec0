// TSNKit instance -> plant YAML -> validated Plant (see tsnkit.hpp for the mapping). Going
// through YAML means an imported instance gets every check a hand-written plant gets, and the
// person gets a plant file to read, edit and re-plan.
//
// The instance comes from another tool and is hostile like any input: every number is parsed
// whole and checked against the range takt can use before any arithmetic (a rate of
// 99999999999 bit/ns once wrapped to 7.7e18 b/s), the rows of each file are bounded, and the
// plant is written through yaml-cpp's emitter, so no field or file name can add YAML of its own.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "control/export/csv.hpp"
#include "control/export/tsnkit.hpp"
#include "control/model/name_rule.hpp"

namespace takt::exporter {
namespace {

// The end-station profile carries standard Ethernet frames only.
constexpr std::int64_t kMtu = 1500;
// In TSNKit's model a size is one frame however large; takt profiles carry jumbo frames up to
// this, so larger sizes still become several frames.
constexpr std::int64_t kMaxWireFrame = 16'000;
// Bounds at the door. TSNKit numbers nodes and streams 0..n-1; its largest published
// instances have a few hundred of each.
constexpr std::int64_t kMaxNodes = 10'000;
constexpr std::int64_t kMaxStreams = 10'000;
constexpr std::size_t kMaxTopologyRows = 2 * kMaxNodes;  // a row per direction of a cable
// takt's max-frames-per-interval bound, in frames of the MTU.
constexpr std::int64_t kMaxFrames = 65'535;
constexpr std::int64_t kMaxSize = kMtu * kMaxFrames;
// One minute in ns: far beyond any cycle, delay or deadline of a TSN schedule, far below where
// sums of them could overflow.
constexpr std::int64_t kMaxNs = 60'000'000'000;
// Rates in bit/ns with up to 9 decimals (1 bit/s); 1000 bit/ns is 1 Tb/s.
constexpr std::int64_t kMaxRateBitPerNs = 1'000;
// A file that is wrong everywhere is better told by its first errors than by a flood.
constexpr std::size_t kMaxErrors = 100;

bool too_many(std::vector<std::string>& errors, const std::string& file) {
  if (errors.size() < kMaxErrors) return false;
  errors.push_back(fmt::format("{}: stopped after {} errors; fix these first", file, kMaxErrors));
  return true;
}

struct Row {
  int line = 0;
  std::size_t end_column = 1;  // where a missing field would have been
  std::vector<CsvField> fields;
};

struct Table {
  std::vector<std::string> header;
  std::vector<Row> rows;
};

// At most max_rows data rows are read; a longer file is an error at its first extra row.
Table read_table(const std::string& text, const std::string& file, std::size_t max_rows, const char* rows_are,
                 std::vector<std::string>& errors) {
  Table t;
  std::istringstream in(text);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto fields = split_csv_fields(line);
    for (auto& f : fields) {
      const auto lead = std::min(f.text.find_first_not_of(" \t"), f.text.size());
      f.text.erase(0, lead);
      f.column += lead;
      f.text.erase(f.text.find_last_not_of(" \t") + 1);
    }
    if (t.header.empty()) {
      for (auto& f : fields) t.header.push_back(std::move(f.text));
      continue;
    }
    if (t.rows.size() == max_rows) {
      errors.push_back(fmt::format("{}:{}:1: more than {} rows; takt imports at most {} {} from one instance", file, n,
                                   max_rows, max_rows, rows_are));
      break;
    }
    t.rows.push_back(Row{n, line.size() + 1, std::move(fields)});
  }
  return t;
}

// Reads the fields of one row into checked values, collecting an error for each bad one.
class RowReader {
 public:
  RowReader(const std::string& file, const Row& row, const std::map<std::string, std::size_t>& columns,
            std::vector<std::string>& errors)
      : file_(file), row_(row), columns_(columns), errors_(errors) {}

  // The field of `name`, or an empty one at the end of the line when the row is short.
  CsvField field(const std::string& name) const {
    const auto i = columns_.at(name);
    if (i < row_.fields.size()) return row_.fields[i];
    return CsvField{{}, row_.end_column};
  }
  std::string where(const CsvField& f) const { return fmt::format("{}:{}:{}", file_, row_.line, f.column); }
  std::string where() const { return fmt::format("{}:{}", file_, row_.line); }

  void error(const CsvField& f, const std::string& message) {
    errors_.push_back(fmt::format("{}: {}", where(f), message));
    ok_ = false;
  }
  void error(const std::string& message) {
    errors_.push_back(fmt::format("{}: {}", where(), message));
    ok_ = false;
  }
  bool ok() const { return ok_; }

  // A whole number in min..max; `unit` makes the error say what the column holds.
  std::optional<std::int64_t> integer(const std::string& column, std::int64_t min, std::int64_t max,
                                      std::string_view unit) {
    const CsvField f = field(column);
    return checked(f, f.text, column, min, max, unit);
  }

  // "1" -> 1e9 b/s, "0.1" -> 1e8 b/s: decimal bit/ns, exactly, in 1 b/s .. 1 Tb/s.
  std::optional<std::int64_t> rate_bps(const std::string& column) {
    const CsvField f = field(column);
    const std::string_view s = f.text;
    const auto range = fmt::format("allowed 0.000000001..{} bit/ns (1 = 1 Gb/s)", kMaxRateBitPerNs);
    const auto dot = s.find('.');
    const std::string_view whole_text = s.substr(0, dot);
    const std::string_view frac_text = dot == std::string_view::npos ? std::string_view{} : s.substr(dot + 1);
    const bool digits_only =
        !whole_text.empty() &&
        std::all_of(whole_text.begin(), whole_text.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
        std::all_of(frac_text.begin(), frac_text.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
        (dot == std::string_view::npos || !frac_text.empty());
    if (!digits_only) {
      error(f, fmt::format("{} '{}' is not a decimal number of bit/ns; {}", column, s, range));
      return std::nullopt;
    }
    std::int64_t whole = 0;
    const auto [p, ec] = std::from_chars(whole_text.data(), whole_text.data() + whole_text.size(), whole);
    if (ec != std::errc() || whole > kMaxRateBitPerNs) {
      error(f, fmt::format("{} '{}' is out of range; {}", column, s, range));
      return std::nullopt;
    }
    std::int64_t frac = 0, scale = 1'000'000'000;
    for (char c : frac_text) {
      if (scale == 1) {
        if (c != '0') {
          error(f, fmt::format("{} '{}' is finer than 1 bit/s (9 decimals of bit/ns)", column, s));
          return std::nullopt;
        }
        continue;
      }
      scale /= 10;
      frac += (c - '0') * scale;
    }
    const std::int64_t bps = whole * 1'000'000'000 + frac;  // at most 1e12: no overflow
    if (bps == 0 || bps > kMaxRateBitPerNs * 1'000'000'000) {
      error(f, fmt::format("{} '{}' is out of range; {}", column, s, range));
      return std::nullopt;
    }
    return bps;
  }

  // "[3]" or "[3, 4]" (open '[') or "(0, 1)" (open '('): node ids, at most max_items.
  std::optional<std::vector<std::int64_t>> id_list(const std::string& column, char open, char close,
                                                   std::size_t max_items, const std::string& example) {
    const CsvField f = field(column);
    const std::string_view s = f.text;
    if (s.size() < 2 || s.front() != open || s.back() != close) {
      error(f, fmt::format("{} '{}' is not a list of node ids like {}", column, s, example));
      return std::nullopt;
    }
    std::vector<std::int64_t> ids;
    std::string_view rest = s.substr(1, s.size() - 2);
    for (;;) {
      const auto comma = rest.find(',');
      std::string_view item = rest.substr(0, comma);
      while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
      while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
      if (ids.size() == max_items) {
        error(f, fmt::format("{} '{}' has more than {} node ids", column, s.substr(0, 40), max_items));
        return std::nullopt;
      }
      auto id = checked(f, item, fmt::format("{} item", column), 0, kMaxNodes - 1, "(a node id)");
      if (!id) return std::nullopt;
      ids.push_back(*id);
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
    return ids;
  }

 private:
  std::optional<std::int64_t> checked(const CsvField& f, std::string_view s, const std::string& what, std::int64_t min,
                                      std::int64_t max, std::string_view unit) {
    const auto range = fmt::format("allowed {}..{} {}", min, max, unit);
    std::int64_t v = 0;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || (ec != std::errc() && ec != std::errc::result_out_of_range) || p != s.data() + s.size()) {
      error(f, fmt::format("{} '{}' is not a whole number; {}", what, s, range));
      return std::nullopt;
    }
    if (ec == std::errc::result_out_of_range || v < min || v > max) {
      error(f, fmt::format("{} '{}' is out of range; {}", what, s, range));
      return std::nullopt;
    }
    return v;
  }

  const std::string& file_;
  const Row& row_;
  const std::map<std::string, std::size_t>& columns_;
  std::vector<std::string>& errors_;
  bool ok_ = true;
};

std::optional<std::map<std::string, std::size_t>> columns(const Table& t, const std::vector<std::string>& names,
                                                          const std::string& file, std::vector<std::string>& errors) {
  std::map<std::string, std::size_t> at;
  for (std::size_t i = 0; i < t.header.size(); ++i) at.try_emplace(t.header[i], i);
  bool ok = true;
  for (const auto& n : names) {
    if (!at.count(n)) {
      std::string header;
      for (const auto& x : names) header.append(header.empty() ? "" : ",").append(x);
      errors.push_back(fmt::format("{}:1:1: no column '{}'; a TSNKit file starts with the header {}", file, n, header));
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return at;
}

struct Cable {
  std::int64_t a = 0, b = 0;
  std::int64_t rate = 0;
  std::int64_t prop = 0;
  std::string port_a, port_b;
};

struct ImportedStream {
  std::int64_t id = 0, src = 0;
  std::vector<std::int64_t> dst;
  std::int64_t size = 0, period = 0, deadline = 0, jitter = 0;
};

// File names go into a YAML comment: a line break there would end the comment.
std::string comment_safe(std::string_view s) {
  std::string out;
  for (char c : s) out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
  return out;
}

// A name the rule allows that is close to `name`, for the error that asks for a rename.
std::string allowed_like(std::string_view name) {
  std::string out;
  for (char c : name) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    if (out.empty() && c == '.') continue;
    out.push_back(ok ? c : '-');
    if (out.size() == model::max_name_length) break;
  }
  return out.empty() ? std::string("instance") : out;
}

std::string ns(std::int64_t v) { return fmt::format("{}ns", v); }

}  // namespace

TsnkitImport from_tsnkit(const std::string& stream_csv, const std::string& topology_csv, const std::string& plant_name,
                         const std::string& stream_file, const std::string& topology_file,
                         model::FrameModel frame_model) {
  TsnkitImport out;
  const bool tsnkit_model = frame_model == model::FrameModel::wire_bytes;
  auto& errors = out.errors;

  // The plant is named after the instance, and a plant name follows the name rule.
  if (!model::is_allowed_name(plant_name)) {
    errors.push_back(fmt::format(
        "{}: the plant takes its name from the file name, and '{}' is not a takt name ({}); rename the file, e.g. "
        "to {}.csv",
        stream_file, plant_name, model::name_rule_text(), allowed_like(plant_name)));
    return out;
  }

  // Topology.
  const Table topo = read_table(topology_csv, topology_file, kMaxTopologyRows, "links (a row per direction)", errors);
  const auto tc = columns(topo, {"link", "q_num", "rate", "t_proc", "t_prop"}, topology_file, errors);
  if (!tc) return out;
  std::vector<Cable> cables;
  std::map<std::pair<std::int64_t, std::int64_t>, std::size_t> cable_of;
  std::map<std::int64_t, std::int64_t> queues, proc;  // per transmitting / receiving node
  for (const auto& row : topo.rows) {
    if (too_many(errors, topology_file)) return out;
    RowReader r(topology_file, row, *tc, errors);
    auto ends = r.id_list("link", '(', ')', 2, "\"(0, 1)\"");
    auto q = r.integer("q_num", 1, 8, "queues");
    auto rate = r.rate_bps("rate");
    auto t_proc = r.integer("t_proc", 0, kMaxNs, "ns");
    auto t_prop = r.integer("t_prop", 0, kMaxNs, "ns");
    if (ends && (ends->size() != 2 || (*ends)[0] == (*ends)[1]))
      r.error(r.field("link"),
              fmt::format("link '{}' is not a pair of two different node ids like \"(0, 1)\"", r.field("link").text));
    if (!r.ok()) continue;
    const auto u = (*ends)[0], v = (*ends)[1];
    const auto key = std::minmax(u, v);
    auto [it, fresh] = cable_of.try_emplace(key, cables.size());
    if (fresh) {
      cables.push_back({u, v, *rate, *t_prop, {}, {}});
    } else if (cables[it->second].rate != *rate) {
      r.error(r.field("rate"), fmt::format("link ({}, {}) has rate {} but its other direction another; takt links are "
                                           "full duplex with one rate",
                                           u, v, r.field("rate").text));
    } else {
      cables[it->second].prop = std::max(cables[it->second].prop, *t_prop);
    }
    queues[u] = std::max(queues[u], *q);
    proc[v] = std::max(proc[v], *t_proc);
  }
  if (topo.rows.empty()) errors.push_back(fmt::format("{}: no links", topology_file));

  std::map<std::int64_t, int> degree;
  for (const auto& c : cables) ++degree[c.a], ++degree[c.b];
  auto degree_of = [&](std::int64_t n) {
    const auto it = degree.find(n);
    return it == degree.end() ? 0 : it->second;
  };
  auto is_station = [&](std::int64_t n) { return degree_of(n) == 1; };
  auto name = [&](std::int64_t n) { return fmt::format("{}{}", is_station(n) ? "es" : "sw", n); };
  std::map<std::int64_t, int> ports;
  for (auto& c : cables) {
    c.port_a = is_station(c.a) ? name(c.a) : fmt::format("{}:p{}", name(c.a), ++ports[c.a]);
    c.port_b = is_station(c.b) ? name(c.b) : fmt::format("{}:p{}", name(c.b), ++ports[c.b]);
  }

  // Streams.
  const Table task = read_table(stream_csv, stream_file, kMaxStreams, "streams", errors);
  const std::string id_col = std::count(task.header.begin(), task.header.end(), "id") ? "id" : "stream";
  const auto sc = columns(task, {id_col, "src", "dst", "size", "period", "deadline", "jitter"}, stream_file, errors);
  if (!sc) return out;
  std::vector<ImportedStream> streams;
  std::set<std::int64_t> ids;
  for (const auto& row : task.rows) {
    if (too_many(errors, stream_file)) return out;
    RowReader r(stream_file, row, *sc, errors);
    auto id = r.integer(id_col, 0, kMaxStreams - 1, "(a stream id)");
    auto src = r.integer("src", 0, kMaxNodes - 1, "(a node id)");
    auto dst = r.id_list("dst", '[', ']', static_cast<std::size_t>(kMaxNodes), "[3] or [3, 4]");
    auto size = r.integer("size", 1, kMaxSize, fmt::format("bytes ({} frames of {} B)", kMaxFrames, kMtu));
    auto period = r.integer("period", 1, kMaxNs, "ns");
    auto deadline = r.integer("deadline", 1, kMaxNs, "ns");
    auto jitter = r.integer("jitter", 0, kMaxNs, "ns");
    if (id && !ids.insert(*id).second) r.error(r.field(id_col), fmt::format("stream id {} appears twice", *id));
    if (src && !degree.count(*src))
      r.error(r.field("src"), fmt::format("src {} is not a node of the topology", *src));
    else if (src && !is_station(*src))
      r.error(r.field("src"),
              fmt::format("src {} is a bridge ({} links); takt talkers are end stations, nodes with one link", *src,
                          degree_of(*src)));
    if (dst)
      for (auto d : *dst)
        if (!is_station(d))
          r.error(r.field("dst"),
                  fmt::format("destination {} is not an end station (a node with one link) of the topology", d));
    if (!r.ok()) continue;
    streams.push_back({*id, *src, *dst, *size, *period, *deadline, *jitter});
  }
  if (task.rows.empty()) errors.push_back(fmt::format("{}: no streams", stream_file));
  if (!errors.empty()) return out;

  // The plant, through the emitter: names are ours (es<n>, sw<n>, s<n>), but quoting stays the
  // emitter's job so that nothing read from the files is ever YAML syntax.
  YAML::Emitter y;
  y << YAML::Comment(fmt::format("Imported from the TSNKit instance {} + {} by taktctl plan --tsnkit.",
                                 comment_safe(stream_file), comment_safe(topology_file)));
  y << YAML::BeginMap << YAML::Key << "plant" << YAML::Value << plant_name;
  // TSNKit's model, said in the plant rather than assumed by the planner: a size is every byte
  // on the wire (one frame up to kMaxWireFrame), clocks agree exactly, a node starts a frame
  // the instant its gate opens and a gate may open for as short as one frame takes.
  std::int64_t largest = kMtu;
  for (const auto& s : streams) largest = std::max(largest, std::min(s.size, kMaxWireFrame));
  const std::int64_t frame_cap = tsnkit_model ? largest : kMtu;
  y << YAML::Key << "defaults" << YAML::Value << YAML::BeginMap;
  if (tsnkit_model) {
    y << YAML::Key << "frame-model" << YAML::Value << model::to_string(frame_model);
    y << YAML::Key << "sync-error-budget" << YAML::Value << ns(0);
    y << YAML::Key << "end-station-profile" << YAML::Value << "tsnkit-end-station";
  }
  // TSNKit's switches put a frame in any of their q_num queues, per link: here each bridge may
  // give a stream's frames any other priority (802.1Qci internal priority value), so they wait
  // in whichever queue is free. Every stream of an instance is scheduled, so none is taken.
  y << YAML::Key << "pcp" << YAML::Value << YAML::BeginMap << YAML::Key << "scheduled-ipv" << YAML::Value << YAML::Flow
    << YAML::BeginSeq;
  for (int p = 7; p >= 0; --p)
    if (p != model::Defaults{}.pcp_scheduled) y << p;
  y << YAML::EndSeq << YAML::EndMap;
  y << YAML::EndMap;
  // The limits TSNKit's model does not have, lifted on top of a profile's base.
  auto tsnkit_limits = [&] {
    if (!tsnkit_model) return;
    y << YAML::Key << "min-gate-interval" << YAML::Value << ns(0) << YAML::Key << "transmission-timing-error"
      << YAML::Value << ns(0) << YAML::Key << "max-frame-size" << YAML::Value << fmt::format("{}B", largest);
  };
  std::set<std::pair<std::int64_t, std::int64_t>> kinds;  // (queues, processing ns) of bridges
  for (const auto& [n, d] : degree)
    if (d > 1) kinds.insert({queues[n], proc[n]});
  auto profile = [](std::int64_t q, std::int64_t p) { return fmt::format("tsnkit-q{}-proc{}ns", q, p); };
  if (!kinds.empty() || tsnkit_model) {
    y << YAML::Key << "profiles" << YAML::Value << YAML::BeginMap;
    if (tsnkit_model) {
      y << YAML::Key << "tsnkit-end-station" << YAML::Value << YAML::Flow << YAML::BeginMap;
      y << YAML::Key << "base" << YAML::Value << "end-station";
      tsnkit_limits();
      y << YAML::EndMap;
    }
    for (const auto& [q, p] : kinds) {
      y << YAML::Key << profile(q, p) << YAML::Value << YAML::Flow << YAML::BeginMap;
      y << YAML::Key << "base" << YAML::Value << "takt-dataplane" << YAML::Key << "queues" << YAML::Value << q;
      y << YAML::Key << "processing-delay" << YAML::Value << YAML::BeginMap << YAML::Key << "min" << YAML::Value
        << ns(p) << YAML::Key << "max" << YAML::Value << ns(p) << YAML::EndMap;
      tsnkit_limits();
      y << YAML::EndMap;
    }
    y << YAML::EndMap;
  }
  if (!kinds.empty()) {
    y << YAML::Key << "bridges" << YAML::Value << YAML::BeginMap;
    for (const auto& [n, d] : degree)
      if (d > 1)
        y << YAML::Key << name(n) << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "profile"
          << YAML::Value << profile(queues[n], proc[n]) << YAML::Key << "ports" << YAML::Value << d << YAML::EndMap;
    y << YAML::EndMap;
  }
  y << YAML::Key << "end-stations" << YAML::Value << YAML::BeginMap;
  for (const auto& [n, d] : degree)
    if (d == 1) y << YAML::Key << name(n) << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::EndMap;
  y << YAML::EndMap;
  y << YAML::Key << "links" << YAML::Value << YAML::BeginSeq;
  for (const auto& c : cables) {
    y << YAML::Flow << YAML::BeginMap << YAML::Key << "ends" << YAML::Value << YAML::BeginSeq << c.port_a << c.port_b
      << YAML::EndSeq;
    y << YAML::Key << "speed" << YAML::Value << fmt::format("{}bps", c.rate) << YAML::Key << "propagation-delay"
      << YAML::Value << ns(c.prop) << YAML::EndMap;
  }
  y << YAML::EndSeq;
  y << YAML::Key << "streams" << YAML::Value << YAML::BeginMap;
  for (const auto& s : streams) {
    // Sizes are bounded to kMaxFrames frames of the MTU: no overflow, a frame count takt takes.
    const std::int64_t frames = (s.size + frame_cap - 1) / frame_cap;
    y << YAML::Key << fmt::format("s{}", s.id) << YAML::Value << YAML::BeginMap;
    y << YAML::Key << "talker" << YAML::Value << name(s.src);
    y << YAML::Key << "listeners" << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (auto d : s.dst) y << name(d);
    y << YAML::EndSeq;
    y << YAML::Key << "interval" << YAML::Value << ns(s.period);
    if (frames > 1) y << YAML::Key << "max-frames-per-interval" << YAML::Value << frames;
    y << YAML::Key << "max-frame-size" << YAML::Value << fmt::format("{}B", (s.size + frames - 1) / frames);
    y << YAML::Key << "max-latency" << YAML::Value << ns(s.deadline);
    if (s.jitter > 0 && s.jitter < s.period) y << YAML::Key << "jitter" << YAML::Value << ns(s.jitter);
    y << YAML::EndMap;
  }
  y << YAML::EndMap << YAML::EndMap;
  if (!y.good()) {
    errors.push_back(fmt::format("{}: cannot write the plant: {}", stream_file, y.GetLastError()));
    return out;
  }
  out.plant_yaml.assign(y.c_str()).push_back('\n');
  out.result = model::load_plant_text(out.plant_yaml, fmt::format("{}.yaml", plant_name));
  return out;
}

}  // namespace takt::exporter
