#include "control/southbound/netconf_port_state.hpp"

#include <libyang/libyang.h>

#include <charconv>
#include <cstring>

#include <fmt/format.h>

namespace takt::southbound {

namespace {

const lyd_node* child(const lyd_node* parent, const char* name) {
  for (const lyd_node* c = parent ? lyd_child(parent) : nullptr; c; c = c->next)
    if (c->schema && std::strcmp(c->schema->name, name) == 0) return c;
  return nullptr;
}

std::optional<std::int64_t> number(const lyd_node* leaf) {
  const char* text = leaf ? lyd_get_value(leaf) : nullptr;
  if (!text) return std::nullopt;
  std::int64_t v = 0;
  const char* end = text + std::strlen(text);
  const auto [p, ec] = std::from_chars(text, end, v);
  if (ec != std::errc() || p != end) return std::nullopt;
  return v;
}

// A rational number of seconds in ns, when it is one a gate cycle can be (0 < ns < 1e12).
std::optional<std::int64_t> rational_ns(const lyd_node* rational) {
  const auto n = number(child(rational, "numerator"));
  const auto d = number(child(rational, "denominator"));
  if (!n || !d || *n <= 0 || *d <= 0 || *n > 1'000'000 || *d > 4'000'000'000LL) return std::nullopt;
  return *n * 1'000'000'000LL / *d;
}

// A PTP time (seconds, nanoseconds) in ns, when it fits (seconds below 9e9: year 2255).
std::optional<std::int64_t> ptp_ns(const lyd_node* time) {
  const auto s = number(child(time, "seconds"));
  const auto n = number(child(time, "nanoseconds"));
  if (!s || !n || *s < 0 || *s > 9'000'000'000LL || *n < 0 || *n >= 1'000'000'000) return std::nullopt;
  return *s * 1'000'000'000LL + *n;
}

std::optional<NetconfGateList> gate_list(const lyd_node* table, const char* list, const char* cycle, const char* base) {
  const lyd_node* l = child(table, list);
  const lyd_node* c = child(table, cycle);
  const lyd_node* b = child(table, base);
  if (!l && !c && !b) return std::nullopt;
  NetconfGateList out;
  for (const lyd_node* e = l ? lyd_child(l) : nullptr; e; e = e->next)
    if (e->schema && std::strcmp(e->schema->name, "gate-control-entry") == 0) ++out.entries;
  out.cycle_ns = rational_ns(c);
  out.base_time_ns = ptp_ns(b);
  return out;
}

std::optional<bool> boolean(const lyd_node* leaf) {
  const char* text = leaf ? lyd_get_value(leaf) : nullptr;
  if (!text) return std::nullopt;
  return std::strcmp(text, "true") == 0;
}

}  // namespace

std::vector<NetconfPortState> netconf_port_states(const DataTree& data) {
  std::vector<NetconfPortState> out;
  for (const lyd_node* top = data.get(); top; top = top->next) {
    if (!top->schema || std::strcmp(top->schema->name, "interfaces") != 0) continue;
    for (const lyd_node* i = lyd_child(top); i; i = i->next) {
      const lyd_node* table = child(child(i, "bridge-port"), "gate-parameter-table");
      if (!table) continue;
      NetconfPortState p;
      const lyd_node* name = child(i, "name");
      p.port = name && lyd_get_value(name) ? lyd_get_value(name) : "";
      p.gate_enabled = boolean(child(table, "gate-enabled"));
      p.admin = gate_list(table, "admin-control-list", "admin-cycle-time", "admin-base-time");
      p.oper = gate_list(table, "oper-control-list", "oper-cycle-time", "oper-base-time");
      p.config_pending = boolean(child(table, "config-pending"));
      out.push_back(std::move(p));
    }
  }
  return out;
}

std::vector<std::string> netconf_oper_problems(const std::vector<NetconfPortState>& ports) {
  std::vector<std::string> out;
  for (const auto& p : ports) {
    if (!p.config_pending && !p.oper) continue;  // the server reports no state for it
    if (p.config_pending.value_or(false)) continue;
    if (p.oper && p.admin && p.oper->entries == p.admin->entries && p.oper->cycle_ns == p.admin->cycle_ns) continue;
    out.push_back(fmt::format("{}: the committed schedule is neither pending nor oper: oper {}, admin {}", p.port,
                              p.oper ? describe(*p.oper) : "none", p.admin ? describe(*p.admin) : "none"));
  }
  return out;
}

std::string describe(const NetconfGateList& list) {
  std::string out = fmt::format("{} entries", list.entries);
  if (list.cycle_ns) out += fmt::format(", cycle {} ns", *list.cycle_ns);
  if (list.base_time_ns) out += fmt::format(", base time {} ns", *list.base_time_ns);
  return out;
}

}  // namespace takt::southbound
