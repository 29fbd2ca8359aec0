#pragma once
// The "takt-bridge/1" configuration of one bridge, cut out of a plan: what takt-dataplane
// executes. Every linked port of the bridge is listed (like sched_bridge_config): ports with
// scheduled windows get their gate control list and gate-enabled true, the others all gates
// open. Static FDB entries send each stream crossing the bridge out of the ports its hops use
// here; stream entries give the dataplane names, max-latency and traffic class for counters
// and residence-time histograms.
#include <string>

#include "control/model/plant.hpp"
#include "control/schedule/plan.hpp"
#include "protocol/bridge_config.hpp"
#include "dataplane/core/time.hpp"

namespace takt::exporter {

// `base_time` becomes every port's admin-base-time; the plan's gate cycles are aligned to TAI
// 0, so it must be a multiple of the plan's hyperperiod (0, the default, starts the schedule
// at the next cycle boundary after the bridge receives it). Throws std::invalid_argument when
// `bridge` is not a bridge of the plant, when the base time is misaligned, or when a stream's
// destination MAC cannot be parsed.
bridge::BridgeConfig bridge_config(const schedule::Plan& plan, const model::Plant& plant, const std::string& bridge,
                                   TaiTime base_time = tai_ns(0));

}  // namespace takt::exporter
