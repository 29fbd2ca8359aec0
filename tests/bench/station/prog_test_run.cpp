#include "tests/bench/station/prog_test_run.hpp"

#include <cerrno>
#include <cstring>

#include <bpf/bpf.h>
#include <fmt/format.h>

namespace takt::station::bench {

Result<TestRun> prog_test_run(int program_fd, const Bytes& frame, const TestRunOptions& options) {
  TestRun run;
  // Room for a frame the program made longer (a tag pushed inline).
  if (options.want_output) run.output.resize(frame.size() + 64);
  __sk_buff context_out{};
  LIBBPF_OPTS(bpf_test_run_opts, opts);
  opts.data_in = frame.data();
  opts.data_size_in = static_cast<__u32>(frame.size());
  opts.repeat = options.repeat;
  if (options.want_output) {
    opts.data_out = run.output.data();
    opts.data_size_out = static_cast<__u32>(run.output.size());
  }
  if (options.context) {
    opts.ctx_in = &*options.context;
    opts.ctx_size_in = sizeof(__sk_buff);
    opts.ctx_out = &context_out;
    opts.ctx_size_out = sizeof(context_out);
  }
  if (const int rc = bpf_prog_test_run_opts(program_fd, &opts); rc != 0) {
    const int code = rc < 0 ? -rc : rc;
    return Error{fmt::format("BPF_PROG_TEST_RUN: {} ({})", std::strerror(code), code),
                 code == EPERM ? "run as root (CAP_BPF and CAP_NET_ADMIN)" : ""};
  }
  run.ns_per_run = opts.duration;
  run.retval = opts.retval;
  if (options.want_output) run.output.resize(opts.data_size_out);
  return run;
}

}  // namespace takt::station::bench
