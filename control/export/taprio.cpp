#include "control/export/taprio.hpp"

#include <fmt/format.h>

#include "common/duration_text.hpp"
#include "control/export/shell_quote.hpp"

namespace takt::exporter {

std::string taprio_command(const schedule::PortPlan& port, std::string_view base_time, TaprioMode mode) {
  std::string s = fmt::format("tc qdisc replace dev {} parent root handle 100 taprio num_tc {} map",
                              shell_quote(port.port.port), port.queues);
  for (int p = 0; p < 16; ++p) s += fmt::format(" {}", port.priority_to_tc[static_cast<std::size_t>(p < 8 ? p : 0)]);
  s += " queues";
  for (int tc = 0; tc < port.queues; ++tc) s += fmt::format(" 1@{}", tc);
  s += fmt::format(" base-time {}", base_time);
  for (const auto& e : port.gcl) s += fmt::format(" sched-entry S {:02x} {}", e.gate_states, e.interval.count());
  s += mode == TaprioMode::software ? " clockid CLOCK_TAI" : " flags 0x2";
  return s;
}

std::string taprio_command(const schedule::PortPlan& port, Nanos base_time, TaprioMode mode) {
  return taprio_command(port, std::to_string(base_time.count()), mode);
}

std::string taprio_script(const schedule::Plan& plan, const model::Plant& plant, const std::string& node) {
  const model::Node* n = plant.find_node(node);
  if (!n) return {};
  std::string body;
  for (const auto& port : n->ports) {
    const auto* pp = plan.find_port({node, port});
    if (!pp) continue;
    // Names only ever reach the script as one quoted word or as comment text without line breaks.
    body += fmt::format("\n# {}: cycle {}, {} gate control entries, {} scheduled window{}\n",
                        shell_comment_text(pp->port.str()), readable_duration(pp->cycle_time), pp->gcl.size(),
                        pp->windows.size(), pp->windows.size() == 1 ? "" : "s");
    body += taprio_command(*pp, "\"$base_time\"", TaprioMode::software) + "\n";
    body += "# full hardware offload (i225/i226, ENETC, stmmac): the same list on the NIC's PTP clock\n";
    body += "# " + shell_comment_text(taprio_command(*pp, "\"$base_time\"", TaprioMode::full_offload)) + "\n";
  }
  if (body.empty()) return {};
  return fmt::format(
             "#!/bin/sh\n"
             "# tc taprio schedule for {} ({}) of plan '{}', written by taktctl plan.\n"
             "# Usage: {}.sh [BASE_TIME_NS]   base time in TAI nanoseconds, a multiple of the\n"
             "# hyperperiod {} ns; the default 0 works too: taprio starts a past base time at\n"
             "# base + N x cycle, and every cycle here divides the hyperperiod.\n"
             "# Each traffic class has its own TX queue (1@tc): the device needs as many TX queues\n"
             "# as num_tc (for a veth: ip link add ... numtxqueues 8).\n"
             "set -e\n"
             "base_time=${{1:-0}}\n",
             shell_comment_text(node), model::to_string(n->kind), shell_comment_text(plan.plant),
             shell_comment_text(node), plan.hyperperiod.count()) +
         body;
}

}  // namespace takt::exporter
