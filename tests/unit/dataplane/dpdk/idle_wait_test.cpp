// The packet loop's rest when idle: bounded by its longest rest, skipped when too short to be
// worth a wake-up, and a real-time priority only where the thread may have one.
#include <catch2/catch.hpp>

#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "dataplane/dpdk/idle_wait.hpp"

using namespace takt;
using namespace std::chrono_literals;

namespace {
Nanos elapsed(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration_cast<Nanos>(std::chrono::steady_clock::now() - since);
}
}  // namespace

TEST_CASE("a rest lasts what was asked, at most the longest rest") {
  dpdk::IdleWait idle(Nanos{2'000'000});
  REQUIRE(idle.enabled());
  auto t0 = std::chrono::steady_clock::now();
  idle.rest(Nanos{1'000'000});
  CHECK(elapsed(t0) >= 1ms);
  t0 = std::chrono::steady_clock::now();
  idle.rest(Nanos{50'000'000});  // clamped to 2 ms
  const auto long_rest = elapsed(t0);
  CHECK(long_rest >= 2ms);
  CHECK(long_rest < 40ms);  // far below the 50 ms asked for, even on a busy machine
  CHECK(idle.rests() == 2);
  CHECK(idle.rested() == Nanos{3'000'000});
}

TEST_CASE("rests shorter than a wake-up is worth, and any rest when disabled, are skipped") {
  dpdk::IdleWait idle(Nanos{50'000});
  idle.rest(dpdk::IdleWait::kShortest - Nanos{1});
  idle.rest(Nanos{-5});
  CHECK(idle.rests() == 0);
  dpdk::IdleWait off;
  CHECK_FALSE(off.enabled());
  off.rest(Nanos{1'000'000});
  CHECK(off.rests() == 0);
}

TEST_CASE("the packet thread gets SCHED_FIFO where allowed, and an actionable message where not") {
  std::string error;
  int policy = -1;
  sched_param param{};
  // On a thread of its own, so the test runner keeps its normal policy.
  std::thread t([&] {
    error = dpdk::IdleWait(Nanos{50'000}).prepare_thread(10);
    pthread_getschedparam(pthread_self(), &policy, &param);
  });
  t.join();
  if (geteuid() == 0) {
    CHECK(error.empty());
    CHECK(policy == SCHED_FIFO);
    CHECK(param.sched_priority == 10);
  } else {
    CHECK(error.find("SCHED_FIFO priority 10") != std::string::npos);
  }
  std::thread normal([&] { error = dpdk::IdleWait(Nanos{50'000}).prepare_thread(0); });
  normal.join();
  CHECK(error.empty());
}
