#pragma once
// timeline.svg: one gate cycle of every scheduled port, for people to look at.
//
// Per port two views of the same cycle, aligned at both cycle boundaries:
//  - a thin bar at true scale: where in the cycle the scheduled windows sit and how much of it
//    they take;
//  - a strip with one box per gate control entry, scheduled entries widened and long entries
//    of the other classes compressed (their length is written in them), so that every window
//    can carry its stream's name. Inside it: each window coloured per stream, the time its
//    scheduled gate is open but idle, the guard band before each scheduled entry (where no
//    frame of another class may start: a 1500 B frame at the port's rate), and a line that is
//    green while a scheduled class's gate is open. Entry start times are written underneath.
// Hovering a window shows stream, hop and exact times.
#include <string>

#include "control/schedule/plan.hpp"

namespace takt::exporter {

std::string svg_timeline(const schedule::Plan& plan);

}  // namespace takt::exporter
