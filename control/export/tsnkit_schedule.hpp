#pragma once
// A plan in the form TSNKit's schedulers write their result (github.com/ChuanyuXue/tsnkit,
// core/_config.py), which its simulator (python3 -m tsnkit.simulation.tas TASK.csv PREFIX) reads
// and checks frame by frame. Numbered as the instance next to it (tsnkit_numbering.hpp); times in
// integer ns; a link is "(tx node id, rx node id)", quoted because of its comma.
//
//   PREFIX-GCL.csv     link,queue,start,end,cycle      one row per window instance in the port's
//                      cycle: the gate of `queue` opens at start and closes at end (end may pass
//                      cycle when a window runs into the next cycle); cycle = the port's cycle
//   PREFIX-OFFSET.csv  stream,frame,offset             the talker's offset in the period (frame 0:
//                      takt sends every interval at the same offset)
//   PREFIX-ROUTE.csv   stream,link                     every link of the stream's tree
//   PREFIX-QUEUE.csv   stream,frame,link,queue         the queue (traffic class) at each link
//   PREFIX-DELAY.csv   stream,frame,delay              worst-case latency to the row's listeners
//
// TSNKit's model sends one frame of `size` per period along one tree: a plan says the same in
// it when the plant is in the wire-bytes frame model (a TSNKit import), a stream sends one frame
// per interval and is not redundant. A redundant stream is written along its first tree; other
// plans are written too, but TSNKit's simulator judges them in its model, not takt's.
#include <string>

#include "control/export/tsnkit_numbering.hpp"
#include "control/model/plant.hpp"
#include "control/schedule/plan.hpp"

namespace takt::exporter {

// The file names' common start; TSNKit's simulator finds the files by it.
inline constexpr const char* kTsnkitSchedulePrefix = "takt";

struct TsnkitSchedule {
  std::string gcl_csv;
  std::string offset_csv;
  std::string route_csv;
  std::string queue_csv;
  std::string delay_csv;
};

TsnkitSchedule to_tsnkit_schedule(const schedule::Plan& plan, const model::Plant& plant,
                                  const TsnkitNumbering& numbering);

}  // namespace takt::exporter
