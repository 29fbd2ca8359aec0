#include "sample_exposition.hpp"

namespace takt::telemetry::testing {

void fill_sample_registry(MetricsRegistry& reg) {
  auto& latency = reg.histogram("takt_stream_latency_seconds",
                                "End-to-end latency of a stream's frames, talker to listener.", {"stream"});
  LatencyHistogram& axis = latency.with({"axis-1"}, LatencyBuckets::with_deadline(Nanos{250'000}));
  axis.record(0, Nanos{1'000});  // exactly on the first bound
  axis.record(1, Nanos{180'000});
  axis.record(0, Nanos{250'000});      // exactly at the deadline: on time
  axis.record(1, Nanos{250'001});      // 1 ns late
  axis.record(1, Nanos{200'000'000});  // beyond every finite bound
  // A series with bounds of its own, never recorded: every bucket renders as 0.
  const Nanos drive_bounds[] = {Nanos{100'000}, Nanos{1'000'000}};
  latency.with({"drive-7"}, LatencyBuckets(drive_bounds));

  auto& dropped =
      reg.counter("takt_frames_dropped_total", "Frames dropped by the switch, by port and reason.", {"port", "reason"});
  dropped.with({"p0", "gate_closed"}).add(0, 3);
  dropped.with({"p1", "psfp \"max-sdu\" C:\\tsn\nsecond line"}).add(1, 2);

  reg.counter("takt_port_rx_bytes_total", "Bytes received on a port, as the NIC counts them.", {"port"})
      .with_callback({"p0"}, [] { return std::uint64_t{123'456'789'012}; });

  reg.gauge("takt_ptp_offset_seconds", "Offset of the local clock from the grandmaster, as ptp4l reports it.")
      .with({})
      .set(-1.5e-08);
  reg.gauge("takt_tx_queue_frames", "Frames waiting in a traffic class queue.", {"port", "traffic_class"})
      .with_callback({"p0", "7"}, [] { return 4.0; });

  // Declared but never given a series: left out of the exposition.
  reg.counter("takt_frer_discarded_total", "Duplicates discarded by FRER sequence recovery.", {"stream"});
}

}  // namespace takt::telemetry::testing
