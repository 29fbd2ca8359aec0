#include "control/schedule/port_reservations.hpp"

#include <algorithm>
#include <numeric>

#include "control/schedule/periodic.hpp"

namespace takt::schedule {

void PortReservations::add_to_view(View& v, const Booking& b, std::uint32_t seq) {
  auto it = std::find_if(v.classes.begin(), v.classes.end(),
                         [&](const ClassSpans& c) { return c.traffic_class == b.traffic_class; });
  if (it == v.classes.end()) {
    v.classes.push_back({b.traffic_class, ProjectedSpans(v.g), ProjectedSpans(v.g)});
    it = v.classes.end() - 1;
  }
  it->windows.insert(b.window_start, b.window_length, seq, b.stream);
  it->queues.insert(b.queue_start, b.queue_length, seq, b.stream);
}

const PortReservations::View& PortReservations::view(const Bucket& bucket, std::int64_t g) {
  for (const auto& v : bucket.views)
    if (v.g == g) return v;
  View v{g, {}};
  for (std::size_t i = 0; i < bucket.bookings.size(); ++i)
    if (bucket.live[i]) add_to_view(v, bucket.bookings[i], static_cast<std::uint32_t>(i));
  bucket.views.push_back(std::move(v));
  return bucket.views.back();
}

Probe PortReservations::probe(int port, std::int64_t period, int traffic_class, std::int64_t window_start,
                              std::int64_t window_length, std::int64_t queue_start, std::int64_t queue_end) const {
  Probe p;
  const std::int64_t queue_length = std::max(window_start + window_length, queue_end) - queue_start;
  const auto& buckets = ports_[static_cast<std::size_t>(port)];
  // No shift helps past a booking longer than the gcd leaves room for: found first, in booking
  // order, as the blocker a message names.
  for (const auto& bucket : buckets) {
    const std::int64_t g = std::gcd(period, bucket.period);
    const bool hopeless = std::any_of(bucket.longest.begin(), bucket.longest.end(), [&](const ClassLongest& c) {
      return c.traffic_class == traffic_class ? c.queue + queue_length > g : c.window + window_length > g;
    });
    if (!hopeless) continue;
    const std::int64_t ws = mod_floor(window_start, g), qs = mod_floor(queue_start, g);
    for (std::size_t i = 0; i < bucket.bookings.size(); ++i) {
      if (!bucket.live[i]) continue;
      const auto& b = bucket.bookings[i];
      const auto c = b.traffic_class == traffic_class
                         ? periodic_clearance(qs, queue_length, b.queue_start, b.queue_length, g)
                         : periodic_clearance(ws, window_length, b.window_start, b.window_length, g);
      if (c < 0) {
        p.impossible = true;
        p.blocker = b.stream;
        return p;
      }
    }
  }
  // Otherwise the largest clearance of every booking in the way, and the first of them.
  for (const auto& bucket : buckets) {
    const auto& v = view(bucket, std::gcd(period, bucket.period));
    std::uint32_t first = UINT32_MAX;
    int first_stream = -1;
    auto note = [&](const ProjectedSpans::Span& s) {
      if (s.seq < first) first = s.seq, first_stream = s.stream;
    };
    for (const auto& c : v.classes) {
      if (c.traffic_class == traffic_class) {
        c.queues.overlapping(queue_start, queue_length, [&](const ProjectedSpans::Span& s, std::int64_t shift) {
          p.queue_shift = std::max(p.queue_shift, shift);
          note(s);
        });
      } else {
        c.windows.overlapping(window_start, window_length, [&](const ProjectedSpans::Span& s, std::int64_t shift) {
          p.wire_shift = std::max(p.wire_shift, shift);
          note(s);
        });
      }
    }
    if (p.blocker < 0 && first_stream >= 0) p.blocker = first_stream;
  }
  // Clearing the occupancies in the way often runs into the next ones, packed behind them: the
  // least shift that clears them all is found here, so the planner does not try every position
  // in between again. Every shift skipped still overlaps some occupancy, and a full period of
  // shifts is as far as any search needs to go.
  while (p.queue_shift > 0 && p.queue_shift < period) {
    std::int64_t more = 0;
    for (const auto& bucket : buckets)
      for (const auto& c : view(bucket, std::gcd(period, bucket.period)).classes)
        if (c.traffic_class == traffic_class)
          c.queues.overlapping(queue_start + p.queue_shift, queue_length,
                               [&](const ProjectedSpans::Span&, std::int64_t shift) { more = std::max(more, shift); });
    if (more == 0) break;
    p.queue_shift += more;
  }
  return p;
}

void PortReservations::book(int port, std::int64_t period, const Booking& b) {
  auto& buckets = ports_[static_cast<std::size_t>(port)];
  auto it = std::find_if(buckets.begin(), buckets.end(), [&](const Bucket& x) { return x.period == period; });
  if (it == buckets.end()) {
    buckets.push_back({period, {}, {}, {}, {}});
    it = buckets.end() - 1;
  }
  Booking n = b;
  n.window_start = mod_floor(b.window_start, period);
  n.queue_start = mod_floor(b.queue_start, period);
  const auto seq = static_cast<std::uint32_t>(it->bookings.size());
  it->bookings.push_back(n);
  it->live.push_back(1);
  classes_[static_cast<std::size_t>(port)] |=
      n.traffic_class >= 0 && n.traffic_class < 31 ? 1u << n.traffic_class : 1u << 31;
  auto longest = std::find_if(it->longest.begin(), it->longest.end(),
                              [&](const ClassLongest& c) { return c.traffic_class == n.traffic_class; });
  if (longest == it->longest.end()) {
    it->longest.push_back({n.traffic_class, 0, 0});
    longest = it->longest.end() - 1;
  }
  longest->window = std::max(longest->window, n.window_length);
  longest->queue = std::max(longest->queue, n.queue_length);
  for (auto& v : it->views) add_to_view(v, n, seq);
  if (b.traffic_class >= 0 && b.traffic_class < 8)
    queue_share_[static_cast<std::size_t>(port)][static_cast<std::size_t>(b.traffic_class)] +=
        static_cast<double>(b.queue_length) / static_cast<double>(period);
}

double PortReservations::queue_share(int port, int traffic_class) const {
  if (traffic_class < 0 || traffic_class >= 8) return 0;
  return queue_share_[static_cast<std::size_t>(port)][static_cast<std::size_t>(traffic_class)];
}

void PortReservations::unbook(int port, std::int64_t period, int stream) {
  auto& buckets = ports_[static_cast<std::size_t>(port)];
  const auto it = std::find_if(buckets.begin(), buckets.end(), [&](const Bucket& x) { return x.period == period; });
  if (it == buckets.end()) return;
  for (std::size_t i = 0; i < it->bookings.size(); ++i) {
    const auto& b = it->bookings[i];
    if (!it->live[i] || b.stream != stream) continue;
    it->live[i] = 0;
    for (auto& v : it->views)
      for (auto& c : v.classes)
        if (c.traffic_class == b.traffic_class) {
          c.windows.erase(b.window_start, static_cast<std::uint32_t>(i));
          c.queues.erase(b.queue_start, static_cast<std::uint32_t>(i));
        }
    if (b.traffic_class >= 0 && b.traffic_class < 8)
      queue_share_[static_cast<std::size_t>(port)][static_cast<std::size_t>(b.traffic_class)] -=
          static_cast<double>(b.queue_length) / static_cast<double>(period);
  }
}

std::vector<int> PortReservations::streams_on(int port) const {
  std::vector<int> out;
  for (const auto& bucket : ports_[static_cast<std::size_t>(port)])
    for (std::size_t i = 0; i < bucket.bookings.size(); ++i)
      if (bucket.live[i]) out.push_back(bucket.bookings[i].stream);
  return out;
}

}  // namespace takt::schedule
