#include "control/schedule/port_reservations.hpp"

#include <algorithm>
#include <numeric>

#include "control/schedule/periodic.hpp"

namespace takt::schedule {

Probe PortReservations::probe(int port, std::int64_t period, int traffic_class, std::int64_t window_start,
                              std::int64_t window_length, std::int64_t queue_start, std::int64_t queue_end) const {
  Probe p;
  const std::int64_t queue_length = std::max(window_start + window_length, queue_end) - queue_start;
  for (const auto& bucket : ports_[static_cast<std::size_t>(port)]) {
    // Bookings are grouped by period so the gcd is taken once per distinct period, not per booking.
    const std::int64_t g = std::gcd(period, bucket.period);
    const std::int64_t ws = mod_floor(window_start, g), qs = mod_floor(queue_start, g);
    for (const auto& b : bucket.bookings) {
      std::int64_t c;
      if (b.traffic_class == traffic_class) {
        c = periodic_clearance(qs, queue_length, b.queue_start, b.queue_length, g);
        if (c > 0) p.queue_shift = std::max(p.queue_shift, c);
      } else {
        c = periodic_clearance(ws, window_length, b.window_start, b.window_length, g);
        if (c > 0) p.wire_shift = std::max(p.wire_shift, c);
      }
      if (c < 0) p.impossible = true;
      if (c != 0 && p.blocker < 0) p.blocker = b.stream;
      if (p.impossible) {
        p.blocker = b.stream;
        return p;
      }
    }
  }
  return p;
}

void PortReservations::book(int port, std::int64_t period, const Booking& b) {
  auto& buckets = ports_[static_cast<std::size_t>(port)];
  auto it = std::find_if(buckets.begin(), buckets.end(), [&](const Bucket& x) { return x.period == period; });
  if (it == buckets.end()) {
    buckets.push_back({period, {}});
    it = buckets.end() - 1;
  }
  Booking n = b;
  n.window_start = mod_floor(b.window_start, period);
  n.queue_start = mod_floor(b.queue_start, period);
  it->bookings.push_back(n);
  if (b.traffic_class >= 0 && b.traffic_class < 8)
    queue_share_[static_cast<std::size_t>(port)][static_cast<std::size_t>(b.traffic_class)] +=
        static_cast<double>(b.queue_length) / static_cast<double>(period);
}

double PortReservations::queue_share(int port, int traffic_class) const {
  if (traffic_class < 0 || traffic_class >= 8) return 0;
  return queue_share_[static_cast<std::size_t>(port)][static_cast<std::size_t>(traffic_class)];
}

std::vector<int> PortReservations::streams_on(int port) const {
  std::vector<int> out;
  for (const auto& bucket : ports_[static_cast<std::size_t>(port)])
    for (const auto& b : bucket.bookings) out.push_back(b.stream);
  return out;
}

}  // namespace takt::schedule
