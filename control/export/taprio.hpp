#pragma once
// Linux `tc qdisc ... taprio` command lines for a plan's ports, for Linux bridges and end
// stations (talkers whose port has transmission windows).
//
// The gate mask of a sched-entry is the same number as YANG gate-states-value (bit i = traffic
// class i). Priorities 8..15, which Ethernet PCP never carries, go to priority 0's class.
// Each traffic class gets its own TX queue ("1@i"), so the device needs at least num_tc TX
// queues (a veth needs numtxqueues).
//
// A base time in the past is fine: taprio starts it at base + N x cycle, and every port's cycle
// divides the plan's hyperperiod, so any multiple of the hyperperiod (0 included) keeps every
// port in step with the plan.
#include <string>
#include <string_view>

#include "control/model/plant.hpp"
#include "control/schedule/plan.hpp"

namespace takt::exporter {

enum class TaprioMode {
  software,      // the qdisc runs the gates on CLOCK_TAI (kept close to PTP by phc2sys)
  full_offload,  // flags 0x2: the NIC runs them on its PTP clock; clockid must be omitted
};

// One line, no trailing newline. `base_time` is inserted verbatim (a number of TAI ns or a
// shell expansion such as "$BASE_TIME").
std::string taprio_command(const schedule::PortPlan& port, std::string_view base_time,
                           TaprioMode mode = TaprioMode::software);
std::string taprio_command(const schedule::PortPlan& port, Nanos base_time, TaprioMode mode = TaprioMode::software);

// A POSIX sh script for one node: one software-mode command per scheduled port of `node`, each
// followed by its full-offload variant as a comment. Base time: the script's first argument,
// default 0. Empty string if the node has no scheduled port.
std::string taprio_script(const schedule::Plan& plan, const model::Plant& plant, const std::string& node);

}  // namespace takt::exporter
