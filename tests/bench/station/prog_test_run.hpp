#pragma once
// One BPF_PROG_TEST_RUN of a tc program on one frame (libbpf's bpf_prog_test_run_opts): the
// kernel builds one skb from the bytes and runs the program `repeat` times on it back to back,
// then reports the mean ns per run and the last run's return code.
//
// The same skb for every run: what one run changes (an address rewritten, a tag pushed into the
// skb's metadata) is what the next run sees. bench_station chooses its frames and checks its
// counters with that in mind.
#include <cstdint>
#include <optional>

#include <linux/bpf.h>

#include "common/result.hpp"
#include "tests/bench/station/frame_builder.hpp"

namespace takt::station::bench {

struct TestRun {
  std::uint32_t ns_per_run = 0;  // the kernel's `duration`: whole ns, mean over the runs
  std::uint32_t retval = 0;      // the last run's action (TC_ACT_OK, TC_ACT_SHOT, ...)
  Bytes output;                  // the frame after the last run, when asked for
};

struct TestRunOptions {
  int repeat = 1;
  bool want_output = false;
  // The skb fields the kernel lets a caller set (ctx_in); absent: none.
  std::optional<__sk_buff> context;
};

// An Error with the kernel's reason (EINVAL for a context field it does not take, EPERM
// without CAP_BPF / CAP_SYS_ADMIN).
Result<TestRun> prog_test_run(int program_fd, const Bytes& frame, const TestRunOptions& options);

}  // namespace takt::station::bench
