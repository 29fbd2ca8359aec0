#include "control/model/loader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "control/model/builtin_profiles.hpp"
#include "common/did_you_mean.hpp"
#include "common/file_text.hpp"
#include "common/ip_address_text.hpp"
#include "control/model/min_latency.hpp"
#include "control/model/name_rule.hpp"
#include "control/model/units.hpp"
#include "control/model/yaml_reader.hpp"
#include "control/model/yaml_shape.hpp"
#include "dataplane/core/wire.hpp"

namespace takt::model {
namespace {

// Where each stream's parts were written, so whole-plant checks can point at the right line.
struct StreamMarks {
  YAML::Node name, talker, max_latency, max_frame_size, destination_mac, vlan, jitter, earliest_transmit_offset,
      latest_transmit_offset, ip;
  std::vector<YAML::Node> listeners;
  bool has_destination_mac = false;
};

class PlantLoader {
 public:
  explicit PlantLoader(std::string file) : r_(std::move(file)) {}

  LoadResult load(const std::string& text) {
    LoadResult result;
    // The shape first: a file too deep or with a second document is refused before the tree is built.
    if (auto refused = check_yaml_shape(text, r_.file())) {
      result.diagnostics.push_back(std::move(*refused));
      return result;
    }
    YAML::Node root;
    try {
      root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
      r_.error(r_.where(e.mark), fmt::format("not valid YAML: {}", e.msg));
      result.diagnostics = std::move(r_.diagnostics());
      return result;
    }
    try {
      read_root(root);
    } catch (const std::exception& e) {
      // yaml-cpp may throw on conversions we did not foresee; bad input must never crash.
      r_.error(SourceLocation{r_.file(), 1, 1}, fmt::format("cannot read the plant: {}", e.what()));
    }
    auto& ds = r_.diagnostics();
    std::stable_sort(ds.begin(), ds.end(), [](const Diagnostic& a, const Diagnostic& b) {
      return std::tie(a.where.line, a.where.column) < std::tie(b.where.line, b.where.column);
    });
    result.diagnostics = std::move(ds);
    if (!has_errors(result.diagnostics)) result.plant = std::move(plant_);
    return result;
  }

 private:
  void read_root(const YAML::Node& root) {
    plant_.file = r_.file();
    plant_.profiles = builtin_profiles();
    if (!root.IsDefined() || root.IsNull()) {
      r_.error(SourceLocation{r_.file(), 1, 1}, "the plant file is empty",
               "declare at least bridges, end-stations, links and streams");
      return;
    }
    if (!root.IsMap()) {
      r_.error(
          root,
          "a plant must be a mapping with sections plant, defaults, profiles, bridges, end-stations, links, streams");
      return;
    }
    std::map<std::string, YAML::Node> sec;
    for (auto& [k, v] : r_.entries(root, "the plant",
                                   {"plant", "defaults", "profiles", "bridges", "end-stations", "links", "streams"}))
      sec[k.Scalar()] = v;

    if (sec.count("plant")) plant_.name = r_.text(sec["plant"], "plant name").value_or("");
    if (plant_.name.empty()) {
      // Unnamed plants take their file's name: configs/plants/small-cell.yaml -> small-cell.
      std::string stem = r_.file().substr(r_.file().find_last_of('/') + 1);
      plant_.name = stem.substr(0, stem.find('.'));
    }
    // Sections are read in dependency order whatever order the file has them in.
    if (sec.count("defaults")) read_defaults(sec["defaults"]);
    if (sec.count("profiles")) read_profiles(sec["profiles"]);
    if (sec.count("bridges")) read_nodes(sec["bridges"], NodeKind::bridge);
    if (sec.count("end-stations")) read_nodes(sec["end-stations"], NodeKind::end_station);
    if (sec.count("links")) read_links(sec["links"]);
    check_unlinked_ports();
    if (sec.count("streams")) read_streams(sec["streams"]);
    if (plant_.nodes.empty() && !sec.count("bridges") && !sec.count("end-stations"))
      r_.error(root, "the plant declares no bridges and no end-stations");
  }

  void read_defaults(const YAML::Node& n) {
    auto& d = plant_.defaults;
    for (auto& [k, v] :
         r_.entries(n, "defaults",
                    {"link-speed", "propagation-delay-per-meter", "bridge-profile", "end-station-profile",
                     "sync-error-budget", "frame-model", "vlan", "pcp", "protection"})) {
      const std::string key = k.Scalar();
      if (key == "link-speed") {
        if (auto x = r_.rate_bps(v, "link-speed")) d.link_rate_bps = *x;
      } else if (key == "propagation-delay-per-meter") {
        if (auto x = r_.duration(v, "propagation-delay-per-meter", true)) d.propagation_per_meter = *x;
      } else if (key == "bridge-profile") {
        if (auto x = r_.text(v, "bridge-profile")) {
          d.bridge_profile = *x;
          profile_refs_.emplace_back(*x, v);
        }
      } else if (key == "end-station-profile") {
        if (auto x = r_.text(v, "end-station-profile")) {
          d.end_station_profile = *x;
          profile_refs_.emplace_back(*x, v);
        }
      } else if (key == "sync-error-budget") {
        if (auto x = r_.duration(v, "sync-error-budget", true)) d.sync_error_budget = *x;
      } else if (key == "frame-model") {
        if (const auto x = r_.text(v, "frame-model")) {
          if (const auto m = parse_frame_model(*x))
            d.frame_model = *m;
          else
            r_.error(v, fmt::format("frame-model is ethernet or wire-bytes, not '{}'", *x),
                     "ethernet: max-frame-size is MAC client data and header, tag, FCS, preamble and IFG come on top; "
                     "wire-bytes: max-frame-size is every byte on the wire (TSNKit's model)");
        }
      } else if (key == "vlan") {
        if (auto x = r_.integer(v, "vlan", 1, 4094)) d.vlan = static_cast<int>(*x);
      } else if (key == "pcp") {
        for (auto& [pk, pv] : r_.entries(v, "defaults.pcp", {"scheduled", "bounded", "best-effort", "scheduled-ipv"})) {
          if (pk.Scalar() == "scheduled-ipv") {
            read_scheduled_ipv(pv);
            continue;
          }
          auto x = r_.integer(pv, "pcp", 0, 7);
          if (!x) continue;
          if (pk.Scalar() == "scheduled") d.pcp_scheduled = static_cast<int>(*x);
          if (pk.Scalar() == "bounded") d.pcp_bounded = static_cast<int>(*x);
          if (pk.Scalar() == "best-effort") d.pcp_best_effort = static_cast<int>(*x);
        }
      } else if (key == "protection") {
        read_protection(v);
      }
    }
  }

  // defaults.pcp.scheduled-ipv: a list of distinct priorities; that no bounded or best-effort
  // stream has one of them is checked with each stream (check_stream_values).
  void read_scheduled_ipv(const YAML::Node& n) {
    if (!n.IsSequence()) {
      r_.error(n, "scheduled-ipv is a list of priorities (0..7), e.g. [7, 5, 3]");
      return;
    }
    if (n.size() > 8) {
      r_.error(n, fmt::format("scheduled-ipv lists {} priorities; there are 8", n.size()));
      return;
    }
    auto& out = plant_.defaults.scheduled_ipv;
    out.clear();
    for (const auto& item : n) {
      const auto x = r_.integer(item, "scheduled-ipv", 0, 7);
      if (!x) continue;
      if (std::find(out.begin(), out.end(), static_cast<int>(*x)) != out.end()) {
        r_.error(item, fmt::format("scheduled-ipv lists priority {} twice", *x));
        continue;
      }
      out.push_back(static_cast<int>(*x));
    }
  }

  void read_protection(const YAML::Node& n) {
    auto& p = plant_.defaults.protection;
    for (auto& [k, v] : r_.entries(n, "defaults.protection",
                                   {"stream-gates", "flow-meters", "burst-tolerance", "unidentified-frames"})) {
      const std::string key = k.Scalar();
      if (key == "stream-gates") {
        if (auto x = r_.boolean(v, "stream-gates")) p.stream_gates = *x;
      } else if (key == "flow-meters") {
        if (auto x = r_.boolean(v, "flow-meters")) p.flow_meters = *x;
      } else if (key == "burst-tolerance") {
        if (auto x = r_.integer(v, "burst-tolerance", 0, 100)) p.burst_tolerance = static_cast<int>(*x);
      } else if (key == "unidentified-frames") {
        const auto x = r_.text(v, "unidentified-frames");
        if (x == "drop" || x == "pass")
          p.drop_unidentified = *x == "drop";
        else if (x)
          r_.error(v, fmt::format("unidentified-frames is drop or pass, not '{}'", *x));
      }
    }
  }

  void read_profiles(const YAML::Node& n) {
    for (auto& [k, v] : r_.named_entries(n, "profiles")) {
      const std::string name = k.Scalar();
      Profile p;
      const std::string what = "profile " + name;
      // A profile may start from another one and change a few limits.
      std::vector<std::pair<YAML::Node, YAML::Node>> items =
          r_.entries(v, what,
                     {"base", "queues", "max-gcl-entries", "min-gate-interval", "granularity", "one-window-per-queue",
                      "cycle-time-extension", "future-base-time", "processing-delay", "max-frame-size",
                      "max-cycle-time", "transmission-timing-error"});
      for (auto& [ik, iv] : items) {
        if (ik.Scalar() != "base") continue;
        if (auto b = r_.text(iv, "base")) {
          if (const Profile* bp = plant_.find_profile(*b)) {
            p = *bp;
          } else {
            r_.error(iv, fmt::format("{}: base profile '{}' is not declared above it", what, *b), suggest_profile(*b));
          }
        }
      }
      p.name = name;
      p.where = r_.where(k);
      for (auto& [ik, iv] : items) {
        const std::string key = ik.Scalar();
        if (key == "queues") {
          if (auto x = r_.integer(iv, what + " queues", 1, 8)) p.queues = static_cast<int>(*x);
        } else if (key == "max-gcl-entries") {
          if (auto x = r_.integer(iv, what + " max-gcl-entries", 2, 1'000'000))
            p.max_gcl_entries = static_cast<int>(*x);
        } else if (key == "min-gate-interval") {
          if (auto x = r_.duration(iv, what + " min-gate-interval", true)) p.min_gate_interval = *x;
        } else if (key == "granularity") {
          if (auto x = r_.duration(iv, what + " granularity", false)) p.granularity = *x;
        } else if (key == "one-window-per-queue") {
          if (auto x = r_.boolean(iv, what + " one-window-per-queue")) p.one_window_per_queue = *x;
        } else if (key == "cycle-time-extension") {
          if (auto x = r_.boolean(iv, what + " cycle-time-extension")) p.cycle_time_extension = *x;
        } else if (key == "future-base-time") {
          if (auto x = r_.boolean(iv, what + " future-base-time")) p.future_base_time = *x;
        } else if (key == "max-frame-size") {
          if (auto x = r_.size_bytes(iv, what + " max-frame-size")) {
            if (*x < 1500 || *x > 16000) {
              r_.error(iv, fmt::format("{} max-frame-size {} B is outside 1500 B .. 16000 B", what, *x),
                       "standard Ethernet carries 1500 B; jumbo-capable hardware up to about 9600 B");
            } else {
              p.max_frame_size = *x;
            }
          }
        } else if (key == "max-cycle-time") {
          if (auto x = r_.duration(iv, what + " max-cycle-time", false)) p.max_cycle_time = *x;
        } else if (key == "transmission-timing-error") {
          if (auto x = r_.duration(iv, what + " transmission-timing-error", true)) p.transmission_timing_error = *x;
        } else if (key == "processing-delay") {
          Nanos mn = p.processing_delay_min, mx = p.processing_delay_max;
          for (auto& [pk, pv] : r_.entries(iv, what + " processing-delay", {"min", "max"})) {
            if (auto x = r_.duration(pv, what + " processing-delay " + pk.Scalar(), true))
              (pk.Scalar() == "min" ? mn : mx) = *x;
          }
          if (mn > mx) {
            r_.error(iv,
                     fmt::format("{}: processing-delay min {} is above max {}", what, format_duration(mn.count()),
                                 format_duration(mx.count())),
                     "min is the best case, max the worst case");
          } else {
            p.processing_delay_min = mn;
            p.processing_delay_max = mx;
          }
        }
      }
      if (p.min_gate_interval > Nanos{0} && p.granularity > Nanos{0} &&
          p.min_gate_interval.count() % p.granularity.count() != 0) {
        r_.warning(k, fmt::format("{}: min-gate-interval is not a multiple of the granularity", what));
      }
      plant_.profiles.push_back(std::move(p));
    }
  }

  std::string suggest_profile(const std::string& name) const {
    std::vector<std::string> names;
    for (const auto& p : plant_.profiles) names.push_back(p.name);
    const std::string g = did_you_mean(name, names);
    if (!g.empty()) return fmt::format("did you mean '{}'?", g);
    std::string all;
    for (const auto& x : names) all += (all.empty() ? "" : ", ") + x;
    return "known profiles: " + all;
  }

  void read_nodes(const YAML::Node& n, NodeKind kind) {
    const std::string section = kind == NodeKind::bridge ? "bridges" : "end-stations";
    for (auto& [k, v] : r_.named_entries(n, section)) {
      Node node;
      node.name = k.Scalar();
      node.kind = kind;
      node.where = r_.where(k);
      node.profile = kind == NodeKind::bridge ? plant_.defaults.bridge_profile : plant_.defaults.end_station_profile;
      const std::string what = fmt::format("{} {}", to_string(kind), node.name);
      if (node_index_.count(node.name)) {
        r_.error(k,
                 fmt::format("'{}' is already declared as a {}", node.name,
                             to_string(plant_.nodes[node_index_[node.name]].kind)),
                 "bridges and end stations share one name space");
        continue;
      }
      if (!check_name(k, to_string(kind), node.name)) continue;
      bool ports_given = false;
      if (!v.IsNull()) {
        for (auto& [ik, iv] : r_.entries(v, what, {"profile", "ports", "mac", "description"})) {
          const std::string key = ik.Scalar();
          if (key == "profile") {
            if (auto x = r_.text(iv, what + " profile")) {
              node.profile = *x;
              profile_refs_.emplace_back(*x, iv);
            }
          } else if (key == "mac") {
            if (auto x = r_.text(iv, what + " mac")) {
              if (!is_mac(*x))
                r_.error(iv, fmt::format("{}: '{}' is not a MAC address", what, *x), "write it as 02:00:00:00:00:01");
              node.mac = *x;
            }
          } else if (key == "ports") {
            ports_given = true;
            if (iv.IsScalar()) {
              // "ports: 4" declares p1..p4.
              if (auto count = r_.integer(iv, what + " ports", 1, 1024))
                for (int i = 1; i <= *count; ++i) node.ports.push_back(fmt::format("p{}", i));
            } else {
              std::set<std::string> seen;
              for (auto& [pname, pnode] : r_.names(iv, what + " ports")) {
                // A refused port is still declared, so links to it give no second error.
                (void)check_name(pnode, "port", pname);
                if (!seen.insert(pname).second)
                  r_.error(pnode, fmt::format("{}: port '{}' is listed twice", what, pname));
                else
                  node.ports.push_back(pname);
              }
            }
          } else if (key == "description") {
            (void)r_.text(iv, what + " description");
          }
        }
      }
      if (!ports_given) {
        if (kind == NodeKind::end_station)
          node.ports.push_back("eth0");
        else
          r_.error(k, fmt::format("{} declares no ports", what), "add e.g. 'ports: 4' or 'ports: [p1, p2]'");
      }
      node_index_[node.name] = plant_.nodes.size();
      plant_.nodes.push_back(std::move(node));
    }
    check_profile_refs();
  }

  // Names become file names and shell words downstream, so every declared name passes the one
  // rule of name_rule.hpp here, at the door, with the rule in the message.
  bool check_name(const YAML::Node& at, std::string_view kind, const std::string& name) {
    if (is_allowed_name(name)) return true;
    r_.error(at, fmt::format("{} name '{}' is not allowed: {}", kind, name, name_rule_text()),
             name.find(':') != std::string::npos ? "':' separates a node from its port" : "");
    return false;
  }

  void check_profile_refs() {
    for (auto& [name, at] : profile_refs_)
      if (!plant_.find_profile(name))
        r_.error(at, fmt::format("unknown hardware profile '{}'", name), suggest_profile(name));
    profile_refs_.clear();
  }

  static bool is_mac(const std::string& s) {
    static const std::regex mac("^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$");
    return std::regex_match(s, mac);
  }

  // "sw1:p2", or "plc1" for an end station with a single port.
  std::optional<PortRef> port_ref(const YAML::Node& at, const std::string& text, const std::string& what) {
    const auto colon = text.find(':');
    PortRef p{text.substr(0, colon), colon == std::string::npos ? "" : text.substr(colon + 1)};
    auto it = node_index_.find(p.node);
    if (it == node_index_.end()) {
      std::vector<std::string> names;
      for (const auto& n : plant_.nodes) names.push_back(n.name);
      const std::string g = did_you_mean(p.node, names);
      r_.error(at, fmt::format("{}: '{}' is not a declared bridge or end station", what, p.node),
               g.empty() ? "declare it under bridges or end-stations" : fmt::format("did you mean '{}'?", g));
      return std::nullopt;
    }
    const Node& node = plant_.nodes[it->second];
    if (p.port.empty()) {
      if (node.ports.size() == 1) {
        p.port = node.ports.front();
        return p;
      }
      r_.error(at, fmt::format("{}: '{}' has {} ports; say which", what, p.node, node.ports.size()),
               fmt::format("write {}:{}", p.node, node.ports.empty() ? "p1" : node.ports.front()));
      return std::nullopt;
    }
    if (std::find(node.ports.begin(), node.ports.end(), p.port) == node.ports.end()) {
      const std::string g = did_you_mean(p.port, node.ports);
      std::string all;
      for (const auto& x : node.ports) all += (all.empty() ? "" : ", ") + x;
      r_.error(at, fmt::format("{}: {} has no port '{}'", what, p.node, p.port),
               g.empty() ? fmt::format("its ports are {}", all) : fmt::format("did you mean '{}:{}'?", p.node, g));
      return std::nullopt;
    }
    return p;
  }

  void read_links(const YAML::Node& n) {
    if (n.IsNull()) return;
    if (!n.IsSequence()) {
      r_.error(n, "links must be a list, e.g. '- {ends: [sw1:p1, plc1], length: 20m}'");
      return;
    }
    std::map<PortRef, YAML::Node> used;
    for (std::size_t index = 0; index < n.size(); ++index) {
      const YAML::Node item = n[index];
      Link link;
      link.rate_bps = plant_.defaults.link_rate_bps;
      link.where = r_.where(item);
      YAML::Node ends;
      bool has_ends = false;
      std::optional<std::int64_t> length_mm;
      std::optional<Nanos> delay;
      YAML::Node length_node;
      if (item.IsSequence()) {
        ends = item;  // short form: - [sw1:p1, plc1]
        has_ends = true;
      } else {
        for (auto& [k, v] : r_.entries(item, "link", {"ends", "speed", "length", "propagation-delay"})) {
          const std::string key = k.Scalar();
          if (key == "ends") {
            ends = v;
            has_ends = true;
          } else if (key == "speed") {
            if (auto x = r_.rate_bps(v, "link speed")) link.rate_bps = *x;
          } else if (key == "length") {
            length_mm = r_.length_mm(v, "link length");
            length_node = v;
          } else if (key == "propagation-delay") {
            delay = r_.duration(v, "link propagation-delay", true);
          }
        }
        if (!item.IsMap()) continue;
        if (!has_ends) {
          r_.error(item, "link has no 'ends'", "write 'ends: [sw1:p1, sw2:p1]'");
          continue;
        }
      }
      if (length_mm && delay) r_.error(length_node, "link gives both length and propagation-delay", "keep one");
      if (length_mm)
        link.propagation = Nanos{(*length_mm * plant_.defaults.propagation_per_meter.count() + 999) / 1000};
      if (delay) link.propagation = *delay;
      if (!ends.IsSequence() || ends.size() != 2) {
        r_.error(ends, "a link joins exactly two ports", "write 'ends: [sw1:p1, sw2:p1]'");
        continue;
      }
      auto a_text = r_.text(ends[0], "link end");
      auto b_text = r_.text(ends[1], "link end");
      if (!a_text || !b_text) continue;
      auto a = port_ref(ends[0], *a_text, "link");
      auto b = port_ref(ends[1], *b_text, "link");
      if (!a || !b) {
        // Its ends already have an error; don't report them again as "has no link".
        for (const auto& t : {*a_text, *b_text}) in_broken_link_.insert(t.substr(0, t.find(':')));
        continue;
      }
      if (a->node == b->node) {
        r_.error(ends, fmt::format("link joins {} to itself", a->node), "a cable joins two different nodes");
        continue;
      }
      bool clash = false;
      for (auto [p, at] : {std::pair{*a, ends[0]}, std::pair{*b, ends[1]}}) {
        auto u = used.find(p);
        if (u != used.end()) {
          r_.error(at,
                   fmt::format("port {} is already used by the link at line {}", p.str(), u->second.Mark().line + 1),
                   "a port takes one cable");
          clash = true;
        } else {
          used.emplace(p, at);
        }
      }
      if (clash) continue;
      link.a = *a;
      link.b = *b;
      plant_.links.push_back(link);
    }
  }

  void check_unlinked_ports() {
    for (const auto& node : plant_.nodes) {
      if (node.kind != NodeKind::end_station) continue;
      bool any = std::any_of(node.ports.begin(), node.ports.end(), [&](const std::string& p) {
        return plant_.link_at({node.name, p});
      });
      // An end station without a cable may be declared (a spare), but no stream may use it.
      if (!any) unlinked_.insert(node.name);
    }
  }

  static std::optional<TrafficClassKind> traffic_class(const std::string& s) {
    if (s == "scheduled") return TrafficClassKind::scheduled;
    if (s == "bounded") return TrafficClassKind::bounded;
    if (s == "best-effort") return TrafficClassKind::best_effort;
    return std::nullopt;
  }

  std::optional<std::string> end_station_ref(const YAML::Node& at, const std::string& name, const std::string& what) {
    auto it = node_index_.find(name);
    if (it == node_index_.end()) {
      std::vector<std::string> names;
      for (const auto& n : plant_.nodes)
        if (n.kind == NodeKind::end_station) names.push_back(n.name);
      const std::string g = did_you_mean(name, names);
      r_.error(at, fmt::format("{}: '{}' is not a declared end station", what, name),
               g.empty() ? "declare it under end-stations" : fmt::format("did you mean '{}'?", g));
      return std::nullopt;
    }
    if (plant_.nodes[it->second].kind != NodeKind::end_station) {
      r_.error(at, fmt::format("{}: '{}' is a bridge", what, name), "talkers and listeners are end stations");
      return std::nullopt;
    }
    if (unlinked_.count(name) && in_broken_link_.count(name)) return std::nullopt;
    if (unlinked_.count(name)) {
      r_.error(at, fmt::format("{}: end station '{}' has no link", what, name), "connect it under links");
      return std::nullopt;
    }
    return name;
  }

  // A stream while it is being read: its values, where they were written and which keys were
  // given.
  struct StreamDraft {
    Stream s;
    StreamMarks marks;
    std::string what;  // "stream axis-x", for messages
    std::set<std::string_view> given;
    std::optional<int> pcp;  // the default depends on the traffic class, known only at the end
    bool ok = true;
    // A reader's result: false (and the draft not ok) when the reader reported an error.
    template <typename T>
    const std::optional<T>& check(const std::optional<T>& v) {
      if (!v) ok = false;
      return v;
    }
  };

  // Which streams must give a key.
  enum class Needed { no, always, unless_best_effort };

  // One stream key, in the spirit of linuxptp's config_tab: its name, the reader that parses
  // and range-checks its value (range for integer keys), and, for a key a stream must give,
  // the example the "has no <key>" message suggests. A key not given keeps its default: the
  // Stream member's initial value, or the plant's defaults (apply_stream_defaults).
  struct StreamKey {
    std::string_view name;
    void (PlantLoader::*read)(StreamDraft&, const StreamKey&, const YAML::Node& value);
    std::int64_t min = 0, max = 0;
    Needed needed = Needed::no;
    std::string_view example = "";
  };

  static const std::vector<StreamKey>& stream_keys() {
    static const std::vector<StreamKey> keys{
        {"talker", &PlantLoader::read_talker, 0, 0, Needed::always, "plc1"},
        {"listeners", &PlantLoader::read_listeners, 0, 0, Needed::always, "[drive1]"},
        {"interval", &PlantLoader::read_interval, 0, 0, Needed::always, "1ms"},
        {"max-frames-per-interval", &PlantLoader::read_max_frames_per_interval, 1, 65535},
        {"max-frame-size", &PlantLoader::read_max_frame_size, 0, 0, Needed::always, "128B"},
        {"max-latency", &PlantLoader::read_max_latency, 0, 0, Needed::unless_best_effort, "500us"},
        {"jitter", &PlantLoader::read_jitter},
        {"earliest-transmit-offset", &PlantLoader::read_earliest_transmit_offset},
        {"latest-transmit-offset", &PlantLoader::read_latest_transmit_offset},
        {"traffic-class", &PlantLoader::read_traffic_class},
        {"vlan", &PlantLoader::read_vlan, 1, 4094},
        {"pcp", &PlantLoader::read_pcp, 0, 7},
        {"destination-mac", &PlantLoader::read_destination_mac},
        {"num-seamless-trees", &PlantLoader::read_num_seamless_trees, 1, 2},
        {"redundancy", &PlantLoader::read_num_seamless_trees, 1, 2},  // alias of num-seamless-trees
        {"ip", &PlantLoader::read_ip},
        {"description", &PlantLoader::read_description},
    };
    return keys;
  }

  void read_talker(StreamDraft& d, const StreamKey&, const YAML::Node& v) {
    d.marks.talker = v;
    if (auto t = d.check(r_.text(v, d.what + " talker"))) {
      if (auto e = d.check(end_station_ref(v, *t, d.what + " talker"))) d.s.talker = *e;
    }
  }

  void read_listeners(StreamDraft& d, const StreamKey&, const YAML::Node& v) {
    std::set<std::string> seen;
    for (auto& [name, at] : r_.names(v, d.what + " listeners")) {
      if (!seen.insert(name).second) {
        r_.error(at, fmt::format("{}: listener '{}' is listed twice", d.what, name));
        d.ok = false;
        continue;
      }
      if (auto e = d.check(end_station_ref(at, name, d.what + " listener"))) {
        d.s.listeners.push_back(*e);
        d.marks.listeners.push_back(at);
      }
    }
    if (d.s.listeners.empty()) d.ok = false;
  }

  void read_interval(StreamDraft& d, const StreamKey&, const YAML::Node& v) {
    if (auto x = d.check(r_.duration(v, d.what + " interval", false))) d.s.interval = *x;
  }

  void read_max_frames_per_interval(StreamDraft& d, const StreamKey& k, const YAML::Node& v) {
    if (auto x = d.check(r_.integer(v, d.what + " max-frames-per-interval", k.min, k.max)))
      d.s.max_frames_per_interval = static_cast<int>(*x);
  }

  void read_max_frame_size(StreamDraft& d, const StreamKey&, const YAML::Node& v) {
    d.marks.max_frame_size = v;
    if (auto x = d.check(r_.size_bytes(v, d.what + " max-frame-size"))) d.s.max_frame_size = *x;
  }

  void read_max_latency(StreamDraft& d, const StreamKey&, const YAML::Node& v) {
    d.marks.max_latency = v;
    if (auto x = d.check(r_.duration(v, d.what + " max-latency", false))) d.s.max_latency = *x;
  }

  void read_jitter(StreamDraft& d, const StreamKey&, const YAML::Node& v) {
    d.marks.jitter = v;
    if (auto x = d.check(r_.duration(v, d.what + " jitter", true))) d.s.jitter = *x;
  }

  void read_earliest_transmit_offset(StreamDraft& d, const StreamKey&, const YAML::Node& v) {
    d.marks.earliest_transmit_offset = v;
    if (auto x = d.check(r_.duration(v, d.what + " earliest-transmit-offset", true))) d.s.earliest_transmit_offset = *x;
  }

  void read_latest_transmit_offset(StreamDraft& d, const StreamKey&, const YAML::Node& v) {
    d.marks.latest_transmit_offset = v;
    if (auto x = d.check(r_.duration(v, d.what + " latest-transmit-offset", true))) d.s.latest_transmit_offset = *x;
  }

  void read_traffic_class(StreamDraft& d, const StreamKey&, const YAML::Node& v) {
    auto t = d.check(r_.text(v, d.what + " traffic-class"));
    if (!t) return;
    if (auto tc = traffic_class(*t)) {
      d.s.traffic_class = *tc;
      return;
    }
    const std::string g = did_you_mean(*t, {"scheduled", "bounded", "best-effort"});
    r_.error(v, fmt::format("{}: unknown traffic-class '{}'", d.what, *t),
             g.empty() ? "use scheduled, bounded or best-effort" : fmt::format("did you mean '{}'?", g));
    d.ok = false;
  }

  void read_vlan(StreamDraft& d, const StreamKey& k, const YAML::Node& v) {
    d.marks.vlan = v;
    if (auto x = d.check(r_.integer(v, d.what + " vlan", k.min, k.max))) d.s.vlan = static_cast<int>(*x);
  }

  void read_pcp(StreamDraft& d, const StreamKey& k, const YAML::Node& v) {
    if (auto x = d.check(r_.integer(v, d.what + " pcp", k.min, k.max))) d.pcp = static_cast<int>(*x);
  }

  void read_destination_mac(StreamDraft& d, const StreamKey&, const YAML::Node& v) {
    d.marks.destination_mac = v;
    d.marks.has_destination_mac = true;
    auto x = d.check(r_.text(v, d.what + " destination-mac"));
    if (!x) return;
    if (!is_mac(*x)) {
      r_.error(v, fmt::format("{}: '{}' is not a MAC address", d.what, *x), "write it as 91:e0:f0:00:01:00");
      d.ok = false;
      return;
    }
    d.s.destination_mac = *x;
  }

  void read_num_seamless_trees(StreamDraft& d, const StreamKey& k, const YAML::Node& v) {
    if (auto x = d.check(r_.integer(v, d.what + " " + std::string(k.name), k.min, k.max)))
      d.s.num_seamless_trees = static_cast<int>(*x);
  }

  // IEEE 802.1CB IP stream identification, for talkers whose applications send plain IP:
  // 'ip: {destination: 10.0.0.2, source: 10.0.0.1, protocol: udp, destination-port: 4840,
  // source-port: 50000, dscp: 46}'. Only the destination is needed; protocol defaults to UDP.
  void read_ip(StreamDraft& d, const StreamKey&, const YAML::Node& v) {
    d.marks.ip = v;
    const std::string what = d.what + " ip";
    if (!v.IsMap()) {
      r_.error(v, fmt::format("{} must be a mapping", what),
               "write e.g. 'ip: {destination: 10.0.0.2, protocol: udp, destination-port: 4840}'");
      d.ok = false;
      return;
    }
    IpStreamIdentification ip;
    bool destination_given = false;
    YAML::Node source_at;
    for (auto& [k, x] :
         r_.entries(v, what, {"destination", "source", "protocol", "destination-port", "source-port", "dscp"})) {
      const std::string key = k.Scalar();
      if (key == "destination" || key == "source") {
        destination_given = destination_given || key == "destination";
        const auto text = d.check(r_.text(x, fmt::format("{} {}", what, key)));
        if (!text) continue;
        const auto octets = parse_ip_address(*text);
        if (!octets) {
          r_.error(x, fmt::format("{} {}: '{}' is not an IP address", what, key, *text),
                   "write an IPv4 address such as 10.0.0.2 or an IPv6 address such as fd00::2");
          d.ok = false;
        } else if (key == "destination") {
          ip.destination = IpAddress{*octets};
        } else {
          ip.source = IpAddress{*octets};
          source_at = x;
        }
      } else if (key == "protocol") {
        const auto text = d.check(r_.text(x, what + " protocol"));
        if (!text) continue;
        if (*text == "udp" || *text == "tcp") {
          ip.protocol = *text == "udp" ? kIpProtoUdp : kIpProtoTcp;
          continue;
        }
        const std::string g = did_you_mean(*text, {"udp", "tcp"});
        r_.error(
            x, fmt::format("{}: protocol '{}' is not udp or tcp", what, *text),
            g.empty() ? "IP stream identification matches UDP or TCP ports" : fmt::format("did you mean '{}'?", g));
        d.ok = false;
      } else if (key == "destination-port" || key == "source-port") {
        if (auto port = d.check(r_.integer(x, fmt::format("{} {}", what, key), 0, 65535)))
          (key == "destination-port" ? ip.destination_port : ip.source_port) = static_cast<std::uint16_t>(*port);
      } else if (key == "dscp") {
        if (auto dscp = d.check(r_.integer(x, what + " dscp", 0, 63))) ip.dscp = static_cast<std::uint8_t>(*dscp);
      }
    }
    if (!destination_given) {
      r_.error(v, fmt::format("{} has no destination", what), "add e.g. 'destination: 10.0.0.2'");
      d.ok = false;
      return;
    }
    if (ip.source && ip.source->is_v4_mapped() != ip.destination.is_v4_mapped()) {
      r_.error(source_at, fmt::format("{}: source {} and destination {} are not both IPv4 or both IPv6", what,
                                      ip_address_text(ip.source->bytes), ip_address_text(ip.destination.bytes)));
      d.ok = false;
      return;
    }
    d.s.ip = ip;
  }

  void read_description(StreamDraft& d, const StreamKey&, const YAML::Node& v) {
    (void)r_.text(v, d.what + " description");
  }

  void read_streams(const YAML::Node& n) {
    std::map<std::pair<std::string, int>, std::string> stream_ids;  // (destination MAC, VLAN) -> stream
    IpStreamIds ip_ids;
    int generated_mac = 0;
    for (auto& [k, v] : r_.named_entries(n, "streams")) {
      StreamDraft d;
      d.s.name = k.Scalar();
      d.s.where = r_.where(k);
      d.s.vlan = plant_.defaults.vlan;
      d.marks.name = k;
      d.what = "stream " + d.s.name;
      if (!check_name(k, "stream", d.s.name)) continue;
      read_stream_keys(d, v);
      if (!v.IsMap()) continue;
      check_needed_keys(d);
      apply_stream_defaults(d);
      if (!d.ok) continue;
      check_stream_values(d);
      if (!d.ok) continue;
      check_frame_size(d);
      identify_stream(d, stream_ids, generated_mac);
      if (d.ok) identify_ip_stream(d, ip_ids);
      for (std::size_t i = 0; d.ok && i < d.s.listeners.size(); ++i) check_path(d.s, d.marks, i);
      if (d.ok) plant_.streams.push_back(std::move(d.s));
    }
  }

  // Each key through its reader in the table.
  void read_stream_keys(StreamDraft& d, const YAML::Node& v) {
    std::vector<std::string> allowed;
    for (const auto& key : stream_keys()) allowed.emplace_back(key.name);
    for (auto& [ik, iv] : r_.entries(v, d.what, allowed)) {
      const std::string name = ik.Scalar();
      const auto key = std::find_if(stream_keys().begin(), stream_keys().end(),
                                    [&](const StreamKey& sk) { return sk.name == name; });
      if (key == stream_keys().end()) continue;  // entries() reported it
      if (key->read == &PlantLoader::read_num_seamless_trees &&
          (d.given.count("num-seamless-trees") || d.given.count("redundancy"))) {
        r_.error(ik, fmt::format("{}: give either num-seamless-trees or its alias redundancy, not both", d.what));
        d.ok = false;
      }
      d.given.insert(key->name);
      (this->*key->read)(d, *key, iv);
    }
  }

  void check_needed_keys(StreamDraft& d) {
    for (const auto& key : stream_keys()) {
      const bool needed = key.needed == Needed::always || (key.needed == Needed::unless_best_effort &&
                                                           d.s.traffic_class != TrafficClassKind::best_effort);
      if (!needed || d.given.count(key.name)) continue;
      r_.error(d.marks.name, fmt::format("{} has no {}", d.what, key.name),
               fmt::format("add e.g. '{}: {}'", key.name, key.example));
      d.ok = false;
    }
  }

  // Defaults that depend on the plant or on other keys.
  void apply_stream_defaults(StreamDraft& d) {
    Stream& s = d.s;
    s.pcp = d.pcp.value_or(s.traffic_class == TrafficClassKind::scheduled ? plant_.defaults.pcp_scheduled
                           : s.traffic_class == TrafficClassKind::bounded ? plant_.defaults.pcp_bounded
                                                                          : plant_.defaults.pcp_best_effort);
    if (!d.given.count("max-latency") && s.traffic_class == TrafficClassKind::best_effort) s.max_latency = s.interval;
  }

  // Relations between a stream's own values.
  void check_stream_values(StreamDraft& d) {
    const Stream& s = d.s;
    const std::string& what = d.what;
    const auto& ipv = plant_.defaults.scheduled_ipv;
    if (s.traffic_class != TrafficClassKind::scheduled && std::find(ipv.begin(), ipv.end(), s.pcp) != ipv.end()) {
      r_.error(d.marks.name,
               fmt::format("{} is {} on pcp {}, a priority defaults.pcp.scheduled-ipv gives to scheduled frames", what,
                           to_string(s.traffic_class), s.pcp),
               "give it another pcp or take the priority out of scheduled-ipv: a scheduled queue holds only "
               "scheduled frames");
      d.ok = false;
      return;
    }
    for (const auto& l : s.listeners) {
      if (l == s.talker) {
        r_.error(d.marks.listeners[static_cast<std::size_t>(&l - s.listeners.data())],
                 fmt::format("{}: talker {} is also its own listener", what, s.talker), "remove it from listeners");
        d.ok = false;
      }
    }
    if (s.jitter > s.interval) {
      r_.error(d.marks.jitter, fmt::format("{}: jitter {} exceeds the interval {}", what,
                                           format_duration(s.jitter.count()), format_duration(s.interval.count())));
      d.ok = false;
    }
    if (s.earliest_transmit_offset >= s.interval) {
      r_.error(d.marks.earliest_transmit_offset,
               fmt::format("{}: earliest-transmit-offset {} is not inside the interval {}", what,
                           format_duration(s.earliest_transmit_offset.count()), format_duration(s.interval.count())),
               "offsets count from the start of each interval");
      d.ok = false;
    }
    if (!s.latest_transmit_offset) return;
    if (*s.latest_transmit_offset >= s.interval) {
      r_.error(d.marks.latest_transmit_offset,
               fmt::format("{}: latest-transmit-offset {} is not inside the interval {}", what,
                           format_duration(s.latest_transmit_offset->count()), format_duration(s.interval.count())));
      d.ok = false;
    } else if (*s.latest_transmit_offset < s.earliest_transmit_offset) {
      r_.error(d.marks.latest_transmit_offset,
               fmt::format("{}: latest-transmit-offset {} is before earliest-transmit-offset {}", what,
                           format_duration(s.latest_transmit_offset->count()),
                           format_duration(s.earliest_transmit_offset.count())));
      d.ok = false;
    }
  }

  // max-frame-size is 802.1Qcc's MAC client data: the frame header, tag and FCS come on top.
  void check_frame_size(StreamDraft& d) {
    const Stream& s = d.s;
    const std::int64_t limit = frame_limit(s);
    if (s.max_frame_size <= limit) return;
    const std::int64_t frames = (s.max_frame_size + limit - 1) / limit;
    r_.error(
        d.marks.max_frame_size,
        fmt::format("{}: max-frame-size {} B exceeds {} B, the largest MAC client data every node on its way carries",
                    d.what, s.max_frame_size, limit),
        fmt::format("max-frame-size excludes header, VLAN tag, FCS, preamble and IFG; to send {} B per interval write "
                    "max-frames-per-interval: {} and max-frame-size: {}B",
                    s.max_frame_size * s.max_frames_per_interval, frames * s.max_frames_per_interval,
                    (s.max_frame_size + frames - 1) / frames));
    d.ok = false;
  }

  // Streams are identified by destination MAC and VLAN (802.1CB null stream identification);
  // a stream without a destination-mac gets an address from the range 802.1Q reserves for
  // AVB/TSN streams.
  void identify_stream(StreamDraft& d, std::map<std::pair<std::string, int>, std::string>& stream_ids,
                       int& generated_mac) {
    Stream& s = d.s;
    if (s.destination_mac.empty()) {
      s.destination_mac = fmt::format("91:e0:f0:00:{:02x}:{:02x}", (generated_mac >> 8) & 0xff, generated_mac & 0xff);
      ++generated_mac;
    }
    auto id = std::make_pair(s.destination_mac, s.vlan);
    if (auto it = stream_ids.find(id); it != stream_ids.end()) {
      r_.error(d.marks.has_destination_mac ? d.marks.destination_mac : d.marks.name,
               fmt::format("{}: destination-mac {} on VLAN {} already identifies stream {}", d.what, s.destination_mac,
                           s.vlan, it->second),
               "each stream needs its own destination MAC and VLAN pair");
      d.ok = false;
    } else {
      stream_ids.emplace(id, s.name);
    }
  }

  // Per talker, the IP identifications its streams declared so far, with the stream's name.
  using IpStreamIds = std::map<std::string, std::vector<std::pair<IpStreamIdentification, std::string>>>;

  // The talker's end station finds a stream's packets by its IP identification: two streams of
  // one talker with the same one could not be told apart.
  void identify_ip_stream(StreamDraft& d, IpStreamIds& ids) {
    if (!d.s.ip) return;
    auto& mine = ids[d.s.talker];
    for (const auto& [ip, stream] : mine) {
      if (ip != *d.s.ip) continue;
      r_.error(
          d.marks.ip,
          fmt::format("{}: ip {} on talker {} already identifies stream {}", d.what, ip_text(ip), d.s.talker, stream),
          "give each stream of a talker its own destination, source, ports or dscp");
      d.ok = false;
      return;
    }
    mine.emplace_back(*d.s.ip, d.s.name);
  }

  // As the plant writes it, for messages.
  static std::string ip_text(const IpStreamIdentification& ip) {
    std::string out = fmt::format("{{destination: {}", ip_address_text(ip.destination.bytes));
    if (ip.source) out += fmt::format(", source: {}", ip_address_text(ip.source->bytes));
    out += ip.protocol == kIpProtoTcp ? ", protocol: tcp" : ", protocol: udp";
    if (ip.destination_port) out += fmt::format(", destination-port: {}", *ip.destination_port);
    if (ip.source_port) out += fmt::format(", source-port: {}", *ip.source_port);
    if (ip.dscp) out += fmt::format(", dscp: {}", *ip.dscp);
    return out + "}";
  }

  // The largest MAC client data a stream's talker, listeners and every bridge accept. Bridges
  // that are not on its path are counted too: the path is not known before routing, and a plant
  // mixing jumbo and standard hardware should keep jumbo streams explicit.
  std::int64_t frame_limit(const Stream& s) const {
    std::int64_t limit = kMaxStandardPayload;
    bool all_jumbo = true;
    std::int64_t jumbo = INT64_MAX;
    for (const auto& node : plant_.nodes) {
      const bool involved = node.kind == NodeKind::bridge || node.name == s.talker ||
                            std::find(s.listeners.begin(), s.listeners.end(), node.name) != s.listeners.end();
      if (!involved) continue;
      const Profile* p = plant_.find_profile(node.profile);
      const std::int64_t m = p ? p->max_frame_size : kMaxStandardPayload;
      if (m <= kMaxStandardPayload) all_jumbo = false;
      jumbo = std::min(jumbo, m);
    }
    return all_jumbo && jumbo != INT64_MAX ? jumbo : limit;
  }

  void check_path(const Stream& s, const StreamMarks& marks, std::size_t listener_index) {
    const std::string& listener = s.listeners[listener_index];
    const YAML::Node& at = marks.listeners[listener_index];
    const std::int64_t frame = std::min<std::int64_t>(s.max_frame_size, frame_limit(s));
    auto path = min_latency_path(plant_, s.talker, listener, frame);
    if (!path) {
      r_.error(at, fmt::format("stream {}: listener {} is unreachable from talker {}", s.name, listener, s.talker),
               "check the links between them; frames pass through bridges only");
      return;
    }
    if (s.traffic_class == TrafficClassKind::best_effort) return;
    if (path->latency > s.max_latency) {
      std::string via;
      for (const auto& n : path->nodes) via += (via.empty() ? "" : " -> ") + n;
      r_.error(
          marks.max_latency,
          fmt::format("stream {}: max-latency {} is below the physical minimum {} of the fastest path to {} ({}) by {}",
                      s.name, format_duration(s.max_latency.count()), format_duration(path->latency.count()), listener,
                      via, format_duration((path->latency - s.max_latency).count())),
          "the minimum counts store-and-forward wire time of one max-frame-size frame, cable delay and best-case "
          "bridge "
          "processing; raise max-latency or use faster links");
    }
  }

  YamlReader r_;
  Plant plant_;
  std::map<std::string, std::size_t> node_index_;
  std::vector<std::pair<std::string, YAML::Node>> profile_refs_;
  std::set<std::string> unlinked_;
  std::set<std::string> in_broken_link_;
};

}  // namespace

LoadResult load_plant_text(const std::string& text, const std::string& file) { return PlantLoader(file).load(text); }

LoadResult load_plant_file(const std::string& path) {
  auto text = read_file_text(path);
  if (!text) {
    // The system's reason ("Permission denied", "No such file or directory") is what to act on;
    // the message already names the path, the location says which file.
    LoadResult r;
    const std::string& message = text.error().message;
    const std::string prefix = path + ": ";
    r.diagnostics.push_back(Diagnostic{Severity::error, SourceLocation{path, 1, 1},
                                       message.rfind(prefix, 0) == 0 ? message.substr(prefix.size()) : message,
                                       text.error().hint});
    return r;
  }
  return load_plant_text(*text, path);
}

}  // namespace takt::model
