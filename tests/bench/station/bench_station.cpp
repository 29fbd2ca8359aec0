// What takt-station's tc programs cost per packet: takt_egress and takt_ingress, loaded through
// BpfStation with a small station plan built in code (bench_workload.hpp), run by the kernel
// on test frames (BPF_PROG_TEST_RUN) next to an empty tc program (empty.bpf.c) on the same
// frames; the difference is what the programs add to every frame a station sends or receives.
//
// Run (as root; exits 77 without it, or where preflight finds the kernel cannot run them):
//   <build>/tests/bench/station/bench_station [--repeat 1000000] [--rounds 5] [--calls 20000]
//
// Two tables:
//  - back to back: each case `--repeat` runs on one skb, `--rounds` times (median, and the
//    range over rounds). The kernel reports the mean ns per run; the skb stays the same, so from
//    the second run on an egress frame that arrived untagged carries the tag the first run
//    pushed into the skb's metadata (the program then pops and pushes it again), and a
//    stream's token bucket empties, which is why the conforming and the policed path are
//    separate cases (the conforming one on a bucket that cannot empty).
//  - one run per call: `--calls` test runs of one run each, a fresh skb each time (the first-run
//    path exactly as a frame from an application takes it), median over calls. Each figure
//    includes the kernel's two clock reads around the run, the empty program's too, so compare
//    the differences.
// Every case is checked, not only timed: the action (TC_ACT_OK / TC_ACT_SHOT), the frame after
// one run (address rewritten or restored, TCI set, passing frames untouched) and the per-CPU
// counters read back through BpfStation (frames counted = runs, policed, latency samples,
// bytes including the pushed tag, and nothing counted for frames no stream claims). A failed
// check is printed in the table and makes the exit status 1.
//
// A tag in the skb's metadata on ingress, as a real device delivers it (the stack takes an
// inline 802.1Q tag out before tc ingress), would need ctx_in's vlan_present/vlan_tci; the bench
// asks the kernel and prints whether it takes them. Linux 6.18 refuses them (EINVAL) while it
// takes priority, so the ingress cases carry the tag inline (for the restoring listener: the
// address is written back, the inline tag stays, where a real device's metadata tag is popped).
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <exception>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <bpf/libbpf.h>
#include <linux/pkt_cls.h>
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "dataplane/bpf/bpf_preflight.hpp"
#include "dataplane/bpf/bpf_station.hpp"
#include "dataplane/bpf/station_tables.hpp"
#include "tests/bench/station/bench_workload.hpp"
#include "tests/bench/station/empty.skel.h"
#include "tests/bench/station/prog_test_run.hpp"

namespace {

using namespace takt;
using namespace takt::station;
using namespace takt::station::bench;

constexpr int kExitSkipped = 77;

// Every stream's counters at one moment, to tell what a batch of runs did to them.
struct Counters {
  std::vector<takt_talk_stats> talks;
  std::vector<takt_listen_stats> listens;
};

Counters read_counters(const BpfStation& station, const StationTables& tables) {
  Counters c;
  for (const auto& t : tables.talks) c.talks.push_back(station.talk_stats(t.index));
  for (const auto& l : tables.listens) c.listens.push_back(station.listen_stats(l.index));
  return c;
}

// The sums a passing frame must leave as they were.
std::uint64_t total_frames(const Counters& c) {
  std::uint64_t n = 0;
  for (const auto& t : c.talks) n += t.frames + t.policed_frames;
  for (const auto& l : c.listens) n += l.frames;
  return n;
}

std::size_t position_of(const StationTables& tables, Program program, const std::string& stream) {
  if (program == Program::egress) {
    for (std::size_t i = 0; i < tables.talks.size(); ++i)
      if (tables.talks[i].name == stream) return i;
  } else {
    for (std::size_t i = 0; i < tables.listens.size(); ++i)
      if (tables.listens[i].name == stream) return i;
  }
  throw std::invalid_argument(fmt::format("bench_station: no stream '{}' in the plan", stream));
}

// What a batch of `calls` test runs of `runs` runs in all did, checked against the case's path.
struct Batch {
  std::uint64_t calls = 0;
  std::uint64_t runs = 0;
  std::uint64_t shot_calls = 0;   // calls whose last run returned TC_ACT_SHOT
  std::uint64_t other_calls = 0;  // calls that returned neither TC_ACT_OK nor TC_ACT_SHOT
};

struct Verdict {
  bool ok = true;
  std::string counters;  // what the counters showed, for the table
};

Verdict fail(std::string why) { return {false, std::move(why)}; }

Verdict verify(const BenchCase& c, const StationTables& tables, const Counters& before, const Counters& after,
               const Batch& b) {
  if (b.other_calls != 0)
    return fail(fmt::format("{} calls returned neither TC_ACT_OK nor TC_ACT_SHOT", b.other_calls));
  const std::uint64_t len = c.frame.size();
  if (c.path == Path::passed) {
    if (b.shot_calls != 0) return fail(fmt::format("{} calls dropped a frame no stream claims", b.shot_calls));
    const auto counted = total_frames(after) - total_frames(before);
    if (counted != 0) return fail(fmt::format("{} frames counted for a frame no stream claims", counted));
    return {true, "nothing counted, passed"};
  }
  const std::size_t at = position_of(tables, c.program, c.stream);
  if (c.program == Program::egress) {
    const auto& x = after.talks[at];
    const auto& y = before.talks[at];
    const std::uint64_t frames = x.frames - y.frames;
    const std::uint64_t policed = x.policed_frames - y.policed_frames;
    const std::uint64_t bytes = x.bytes - y.bytes;
    const std::uint64_t phased = (x.in_window - y.in_window) + (x.outside_window - y.outside_window);
    if (c.path == Path::sent) {
      if (b.shot_calls != 0) return fail(fmt::format("{} calls dropped a conforming frame", b.shot_calls));
      if (frames != b.runs || policed != 0)
        return fail(fmt::format("{} runs: {} sent, {} policed", b.runs, frames, policed));
      if (phased != b.runs) return fail(fmt::format("{} runs: {} departure phases", b.runs, phased));
      // Untagged: the first run on each skb counts the tag it pushes; the later runs find it in
      // the skb's metadata and count the frame as it is. Had the push not happened, every run
      // would count the 4 bytes.
      const std::uint64_t expected = b.runs * len + (c.untagged ? 4 * b.calls : 0);
      if (bytes != expected) return fail(fmt::format("{} bytes counted, expected {}", bytes, expected));
      return {true, fmt::format("sent {}, policed 0{}", frames, c.untagged ? ", tag pushed once per skb" : "")};
    }
    // Policed: one run per call is a fresh skb, so every dropped call is a policed frame and
    // the others were sent; back to back over a hundred runs or more, the burst and what refills
    // during the call are spent long before the last run.
    if (frames + policed != b.runs) return fail(fmt::format("{} runs: {} sent + {} policed", b.runs, frames, policed));
    if (b.runs == b.calls) {
      if (policed != b.shot_calls)
        return fail(fmt::format("{} calls dropped, {} frames counted policed", b.shot_calls, policed));
    } else if (b.runs >= 100 * b.calls && b.shot_calls != b.calls) {
      return fail(fmt::format("{} of {} calls ended in a conforming frame", b.calls - b.shot_calls, b.calls));
    }
    // Mostly the policed path, or the figure is not the policed one; the TSpec's burst (two
    // frames) may conform after the plan switched to it.
    constexpr std::uint64_t kBurstFrames = 2;
    if ((policed + kBurstFrames) * 10 < b.runs * 9)
      return fail(fmt::format("only {} of {} runs policed", policed, b.runs));
    return {true, fmt::format("policed {} ({:.3f}%), sent {}", policed,
                              100.0 * static_cast<double>(policed) / static_cast<double>(b.runs), frames)};
  }
  const auto& x = after.listens[at];
  const auto& y = before.listens[at];
  const std::uint64_t frames = x.frames - y.frames;
  const std::uint64_t bytes = x.bytes - y.bytes;
  const std::uint64_t phased = (x.early - y.early) + (x.in_window - y.in_window) + (x.late - y.late);
  const std::uint64_t latencies = x.latency_count - y.latency_count;
  const std::uint64_t out_of_order = x.out_of_order - y.out_of_order;
  if (b.shot_calls != 0) return fail(fmt::format("{} calls dropped a received frame", b.shot_calls));
  if (frames != b.runs) return fail(fmt::format("{} runs: {} received", b.runs, frames));
  if (phased != b.runs) return fail(fmt::format("{} runs: {} arrival phases", b.runs, phased));
  if (bytes != b.runs * len) return fail(fmt::format("{} bytes counted, expected {}", bytes, b.runs * len));
  if (c.path == Path::probe_received) {
    if (latencies != b.runs) return fail(fmt::format("{} runs: {} latency samples", b.runs, latencies));
    // The same sequence number every run: all but the stream's very first are out of order.
    if (out_of_order + 1 < b.runs || out_of_order > b.runs)
      return fail(fmt::format("{} runs: {} out of order", b.runs, out_of_order));
    return {true, fmt::format("received {}, latency {}, sequence followed", frames, latencies)};
  }
  if (latencies != 0) return fail(fmt::format("{} latency samples from a frame without a probe header", latencies));
  return {true, fmt::format("received {}, restored", frames)};
}

// One run on a fresh skb: the action and the frame as the program leaves it.
std::string check_output(const BenchCase& c, const TestRun& run) {
  const std::uint32_t expected = c.path == Path::policed ? TC_ACT_SHOT : TC_ACT_OK;
  // A policed stream's bucket starts full, so its first frame conforms.
  if (c.path != Path::policed && run.retval != expected)
    return fmt::format("returned {}, expected {}", run.retval, expected);
  if (run.output.size() != c.frame.size())
    return fmt::format("frame is {} bytes after the run, {} before", run.output.size(), c.frame.size());
  if (c.path == Path::passed && run.output != c.frame) return "a frame no stream claims was changed";
  if (c.destination_after &&
      !std::equal(c.destination_after->octets.begin(), c.destination_after->octets.end(), run.output.begin()))
    return "destination address not the one expected after the run";
  if (c.tci_after) {
    const auto tci = static_cast<std::uint16_t>(run.output[14] << 8 | run.output[15]);
    if (tci != *c.tci_after) return fmt::format("TCI {:#06x} after the run, expected {:#06x}", tci, *c.tci_after);
  }
  return "";
}

TestRun must(Result<TestRun> r) {
  if (!r) {
    const auto& e = r.error();
    throw std::runtime_error(e.hint.empty() ? e.message : fmt::format("{}: {}", e.message, e.hint));
  }
  return std::move(r).value();
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct Row {
  const BenchCase* c = nullptr;
  std::vector<double> station_ns;
  std::vector<double> empty_ns;
  Verdict verdict;
};

void record(Row& row, const Verdict& v) {
  if (!v.ok && row.verdict.ok) row.verdict = v;
  if (row.verdict.ok) row.verdict.counters = v.counters;
}

void count_action(Batch& b, std::uint32_t retval) {
  if (retval == TC_ACT_SHOT)
    ++b.shot_calls;
  else if (retval != TC_ACT_OK)
    ++b.other_calls;
}

void print_table(const std::string& title, const std::vector<Row>& rows, bool show_range) {
  fmt::print("\n{}\n", title);
  fmt::print("{:<47} {:>5} {:>7} {:>11} {:>7} {:>9} {:>6}  {}\n", "case", "bytes", "ns/pkt",
             show_range ? "(range)" : "", "empty", "overhead", "ratio", "checked");
  for (const auto& r : rows) {
    const double s = median(r.station_ns);
    const double e = median(r.empty_ns);
    std::string range;
    if (show_range && !r.station_ns.empty()) {
      const auto [lo, hi] = std::minmax_element(r.station_ns.begin(), r.station_ns.end());
      range = fmt::format("({:.0f}-{:.0f})", *lo, *hi);
    }
    const std::string ratio = e > 0 ? fmt::format("{:.1f}x", s / e) : "-";
    fmt::print("{:<47} {:>5} {:>7.1f} {:>11} {:>7.1f} {:>9.1f} {:>6}  {}{}\n", r.c->name, r.c->frame.size(), s, range,
               e, s - e, ratio, r.verdict.ok ? "ok: " : "FAILED: ", r.verdict.counters);
  }
}

int program_fd(const BpfStation& station, const BenchCase& c) {
  return c.program == Program::egress ? station.egress_program_fd() : station.ingress_program_fd();
}

std::string kernel_release() {
  utsname u{};
  return uname(&u) == 0 ? std::string(u.release) : std::string("?");
}

int run(int repeat, int rounds, int calls) {
  BpfStation station;
  std::unique_ptr<empty_bpf, void (*)(empty_bpf*)> empty(empty_bpf__open_and_load(), empty_bpf__destroy);
  if (!empty) throw std::runtime_error(fmt::format("loading the empty program: {}", std::strerror(errno)));
  const int empty_fd = bpf_program__fd(empty->progs.takt_empty);

  timespec now{};
  clock_gettime(CLOCK_TAI, &now);
  const auto workload = bench_workload(tai_ns(now.tv_sec * 1'000'000'000LL + now.tv_nsec));
  const auto talk_indexes = assign_indexes({}, talk_names(workload.config));
  const auto listen_indexes = assign_indexes({}, listen_names(workload.config));
  const auto tables = station_tables(workload.config, workload.own_address, talk_indexes, listen_indexes);
  // The plan a case runs under: its stream's TSpec bucket when it is timed policed, and the
  // station's own address for IP listeners (or, while timing, the address they already have).
  const auto use_plan = [&](const BenchCase& c, const MacAddress& own_address) {
    const auto config = c.tspec_bucket ? with_tspec_bucket(workload.config, c.stream) : workload.config;
    station.apply(station_tables(config, own_address, talk_indexes, listen_indexes), Nanos{0});
  };

  fmt::print("bench_station: takt-station's tc programs against an empty tc program, BPF_PROG_TEST_RUN\n");
  fmt::print("kernel {}; plan: {} talked streams ({} IP masks in use), {} listened\n", kernel_release(),
             tables.talks.size(), __builtin_popcount(tables.ip_masks_in_use), tables.listens.size());

  // Before timing anything: each frame once on a fresh skb, with its output.
  bool all_ok = true;
  for (const auto& c : workload.cases) {
    use_plan(c, workload.own_address);
    const auto s = must(prog_test_run(program_fd(station, c), c.frame, {.want_output = true}));
    const auto e = must(prog_test_run(empty_fd, c.frame, {.want_output = true}));
    std::string problem = check_output(c, s);
    if (problem.empty() && (e.retval != TC_ACT_OK || e.output != c.frame)) problem = "the empty program changed it";
    if (!problem.empty()) {
      fmt::print("check FAILED: {}: {}\n", c.name, problem);
      all_ok = false;
    }
  }
  fmt::print("checks on one run each: {}\n", all_ok ? "actions and output frames as expected" : "FAILED (above)");

  // A tag in the skb's metadata on ingress: does the kernel take it from ctx_in? A context with
  // only a field it documents as settable (priority) first, so a refusal is the VLAN fields'.
  {
    const auto probe_case = std::find_if(workload.cases.begin(), workload.cases.end(),
                                         [](const auto& c) { return c.path == Path::probe_received; });
    __sk_buff plain{};
    plain.priority = 6;
    __sk_buff tagged{};
    tagged.vlan_present = 1;
    tagged.vlan_tci = 100;
    const auto p = prog_test_run(station.ingress_program_fd(), probe_case->frame, {.context = plain});
    const auto t = prog_test_run(station.ingress_program_fd(), probe_case->frame, {.context = tagged});
    fmt::print("ctx_in with priority set: {}; with vlan_present and vlan_tci set: {}\n",
               p ? "accepted" : fmt::format("refused, {}", p.error().message),
               t ? "accepted (not measured here)" : fmt::format("refused, {}", t.error().message));
  }

  std::vector<Row> back_to_back(workload.cases.size());
  for (std::size_t i = 0; i < workload.cases.size(); ++i) back_to_back[i].c = &workload.cases[i];
  for (int round = 0; round < rounds; ++round) {
    for (auto& row : back_to_back) {
      const auto& c = *row.c;
      use_plan(c, workload.restore_in_place_address);
      const auto before = read_counters(station, tables);
      const auto s = must(prog_test_run(program_fd(station, c), c.frame, {.repeat = repeat}));
      const auto after = read_counters(station, tables);
      const auto e = must(prog_test_run(empty_fd, c.frame, {.repeat = repeat}));
      Batch b{.calls = 1, .runs = static_cast<std::uint64_t>(repeat)};
      count_action(b, s.retval);
      record(row, verify(c, tables, before, after, b));
      row.station_ns.push_back(s.ns_per_run);
      row.empty_ns.push_back(e.ns_per_run);
    }
  }
  print_table(fmt::format("back to back: {} runs per test run on one skb, median of {} rounds (range over rounds)",
                          repeat, rounds),
              back_to_back, true);

  std::vector<Row> single(workload.cases.size());
  for (std::size_t i = 0; i < workload.cases.size(); ++i) {
    auto& row = single[i];
    row.c = &workload.cases[i];
    const auto& c = *row.c;
    const int fd = program_fd(station, c);
    use_plan(c, workload.own_address);
    Batch b{.calls = static_cast<std::uint64_t>(calls), .runs = static_cast<std::uint64_t>(calls)};
    const auto before = read_counters(station, tables);
    for (int k = 0; k < calls; ++k) {
      const auto s = must(prog_test_run(fd, c.frame, {}));
      const auto e = must(prog_test_run(empty_fd, c.frame, {}));
      count_action(b, s.retval);
      row.station_ns.push_back(s.ns_per_run);
      row.empty_ns.push_back(e.ns_per_run);
    }
    record(row, verify(c, tables, before, read_counters(station, tables), b));
  }
  print_table(fmt::format("one run per test run (fresh skb each), median of {} test runs", calls), single, false);

  for (const auto* rows : {&back_to_back, &single})
    for (const auto& r : *rows) all_ok = all_ok && r.verdict.ok;
  fmt::print(
      "\nns/pkt: the kernel's mean per run (whole ns); empty: the same frame through an empty tc program; "
      "overhead = ns/pkt - empty;\nchecked: every test run's action and counters (back to back: every round's, the "
      "last one's shown)\n");
  if (!all_ok) fmt::print("bench_station: a check FAILED: the figures above do not measure what they claim\n");
  return all_ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"ns per packet in takt-station's eBPF programs against an empty tc program (needs root)"};
  int repeat = 1'000'000;
  int rounds = 5;
  int calls = 20'000;
  app.add_option("--repeat", repeat, "runs per test run in the back-to-back table")->check(CLI::Range(1, 100'000'000));
  app.add_option("--rounds", rounds, "back-to-back rounds per case (median)")->check(CLI::Range(1, 1000));
  app.add_option("--calls", calls, "test runs of one run each per case (median)")->check(CLI::Range(1, 10'000'000));
  CLI11_PARSE(app, argc, argv);

  if (geteuid() != 0) {
    fmt::print(stderr,
               "bench_station: needs root (CAP_BPF, CAP_NET_ADMIN) to load and test-run eBPF programs: skipped\n");
    return kExitSkipped;
  }
  if (const auto missing = bpf_preflight(); !missing.empty()) {
    fmt::print(stderr, "bench_station: this host cannot run takt-station's eBPF programs: skipped\n");
    for (const auto& m : missing) fmt::print(stderr, "  {}\n", m);
    return kExitSkipped;
  }
  try {
    return run(repeat, rounds, calls);
  } catch (const std::exception& e) {
    fmt::print(stderr, "bench_station: {}\n", e.what());
    return 1;
  }
}
