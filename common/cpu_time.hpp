#pragma once
// CPU time this process has used (user + system), in seconds. Benchmarks and `taktctl simulate`
// report speeds against it: wall time on a shared machine includes other people's work.
#include <sys/resource.h>

namespace takt {

inline double process_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

}  // namespace takt
