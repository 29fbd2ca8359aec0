// Host stalls as software on this machine meets them, in two runs one after the other:
//   wake   a SCHED_FIFO thread sleeps to absolute times every period (clock_nanosleep,
//          no timer slack) and records how late each wake-up is: what a bridge's idle rest
//          and a talker's wait for its offset suffer;
//   run    a thread reads the clock in a tight loop (normal priority, so real-time throttling
//          does not interfere) and records every gap between two reads: how long the
//          hypervisor or the scheduler stops a running thread.
// Counts above 50 us ... 5 ms, and the longest. A VM profile's transmission timing error below
// the usual figures of the wake run makes windows miss; the tail is what host-stall accounting
// (takt-dataplane --stall-log) is for.
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <time.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

namespace {

constexpr std::array<std::int64_t, 7> kThresholdsNs{50'000, 100'000, 250'000, 500'000, 1'000'000, 2'000'000, 5'000'000};

std::int64_t now_ns() {
  timespec t{};
  clock_gettime(CLOCK_MONOTONIC, &t);
  return std::int64_t{t.tv_sec} * 1'000'000'000 + t.tv_nsec;
}

struct Tally {
  std::int64_t samples = 0;
  std::int64_t longest = 0;
  std::array<std::int64_t, kThresholdsNs.size()> over{};
  void add(std::int64_t ns) {
    ++samples;
    if (ns > longest) longest = ns;
    for (std::size_t i = 0; i < kThresholdsNs.size(); ++i)
      if (ns > kThresholdsNs[i]) ++over[i];
  }
  std::string row(const std::string& what) const {
    std::string out = fmt::format("{:<34} {:>10}", what, samples);
    for (auto n : over) out += fmt::format(" {:>8}", n);
    return out + fmt::format(" {:>10.2f}", static_cast<double>(longest) / 1e3);
  }
};

Tally wake_run(double seconds, std::int64_t period_ns, bool& realtime) {
  sched_param p{};
  p.sched_priority = 60;
  realtime = pthread_setschedparam(pthread_self(), SCHED_FIFO, &p) == 0;
  prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
  Tally t;
  std::int64_t next = now_ns() + period_ns;
  const std::int64_t end = next + static_cast<std::int64_t>(seconds * 1e9);
  while (next < end) {
    const timespec at{static_cast<time_t>(next / 1'000'000'000), static_cast<long>(next % 1'000'000'000)};
    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, nullptr);
    const std::int64_t woke = now_ns();
    t.add(woke - next);
    next += period_ns;
    if (woke >= next) next = woke + period_ns;  // a long stall: do not count the backlog as wake-ups
  }
  p.sched_priority = 0;
  pthread_setschedparam(pthread_self(), SCHED_OTHER, &p);
  return t;
}

Tally gap_run(double seconds) {
  Tally t;
  std::int64_t prev = now_ns();
  const std::int64_t end = prev + static_cast<std::int64_t>(seconds * 1e9);
  while (prev < end) {
    const std::int64_t now = now_ns();
    // Only gaps count as samples: a read every few ns would drown the figures in "0 us".
    if (now - prev > 5'000) t.add(now - prev);
    prev = now;
  }
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bench_host_stalls: wake-up lateness of a real-time thread and gaps in a running one"};
  double seconds = 20;
  std::int64_t period_us = 1000;
  app.add_option("--seconds", seconds, "Length of each run")->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--period-us", period_us, "Wake-up period of the wake run")
      ->capture_default_str()
      ->check(CLI::Range(10, 1'000'000));
  CLI11_PARSE(app, argc, argv);
  mlockall(MCL_CURRENT | MCL_FUTURE);

  bool realtime = false;
  const Tally wake = wake_run(seconds, period_us * 1000, realtime);
  const Tally gaps = gap_run(seconds);

  std::string head = fmt::format("{:<34} {:>10}", "", "samples");
  for (auto th : kThresholdsNs)
    head +=
        fmt::format(" {:>8}", th >= 1'000'000 ? fmt::format(">{}ms", th / 1'000'000) : fmt::format(">{}us", th / 1000));
  fmt::print("{} {:>10}\n", head, "longest us");
  fmt::print("{}\n", wake.row(fmt::format("wake-up lateness ({} us, {})", period_us, realtime ? "FIFO 60" : "not RT")));
  fmt::print("{}\n", gaps.row("running-thread gaps (>5 us)"));
  fmt::print("{:.0f} s each; counts per second: wake >1ms {:.2f}, gaps >1ms {:.2f}\n", seconds,
             static_cast<double>(wake.over[4]) / seconds, static_cast<double>(gaps.over[4]) / seconds);
  if (!realtime) fmt::print("(SCHED_FIFO refused: run as root for the real-time figures)\n");
  return 0;
}
