#pragma once
// What is already booked on each egress port: strictly periodic transmission windows and, per
// traffic class, the queue occupancy that goes with them. Frame isolation rule: on a port, two
// scheduled windows of the same traffic class never have overlapping occupancies
// [earliest enqueue of their first frame, window end), so a scheduled queue holds one stream's
// frames at a time and FIFO order can neither reorder nor pile them up. Windows of any class
// never overlap on the wire.
#include <array>
#include <cstdint>
#include <vector>

#include "control/schedule/projected_spans.hpp"

namespace takt::schedule {

struct Booking {
  std::int64_t window_start = 0;  // modulo period
  std::int64_t window_length = 0;
  std::int64_t queue_start = 0;   // modulo period
  std::int64_t queue_length = 0;  // queue_start .. window end
  int traffic_class = 0;
  int stream = -1;
};

// The answer of PortReservations::probe for one candidate window.
struct Probe {
  std::int64_t wire_shift = 0;   // least delay of the window alone that clears other classes' windows
  std::int64_t queue_shift = 0;  // least shift of window and occupancy together that clears same-class occupancies
  bool impossible = false;       // some booking leaves no gap this candidate could ever fit into
  int blocker = -1;              // a stream that conflicts (for messages)
  bool free() const { return !impossible && wire_shift == 0 && queue_shift == 0; }
};

class PortReservations {
 public:
  explicit PortReservations(std::size_t ports) : ports_(ports), queue_share_(ports), classes_(ports, 0) {}

  // `queue_end`: when the queue is free again, at least the window end (later when the port's
  // gate entry outlasts the window: granularity, minimum gate interval).
  // The same answer as testing every booking in the order they were booked (the blocker is the
  // first one in the way), from sorted projections of the bookings.
  Probe probe(int port, std::int64_t period, int traffic_class, std::int64_t window_start, std::int64_t window_length,
              std::int64_t queue_start, std::int64_t queue_end) const;
  void book(int port, std::int64_t period, const Booking& b);
  // Takes a stream's bookings of `period` off a port (the planner's repair moves streams).
  void unbook(int port, std::int64_t period, int stream);

  // Streams booked on a port.
  std::vector<int> streams_on(int port) const;
  // Share of each period the class's queue is already held on a port. Occupancies of one class
  // must be disjoint, so a candidate whose own share pushes the sum past 1 can never fit.
  double queue_share(int port, int traffic_class) const;
  // Whether nothing but windows of `traffic_class` was ever booked on a port: a window there
  // never waits behind another class's, so it moves exactly as far as the talker offset does.
  bool only_class(int port, int traffic_class) const {
    const auto booked = classes_[static_cast<std::size_t>(port)];
    return traffic_class >= 0 && traffic_class < 31 && (booked & ~(1u << traffic_class)) == 0;
  }

 private:
  // One traffic class's bookings of a bucket seen modulo some g: windows (what other classes'
  // windows must clear on the wire) and queue occupancies (what the class's own must clear).
  struct ClassSpans {
    int traffic_class = 0;
    ProjectedSpans windows;
    ProjectedSpans queues;
  };
  struct View {
    std::int64_t g = 0;
    std::vector<ClassSpans> classes;
  };
  // The longest window and occupancy a class holds in a bucket: whether a candidate can fit
  // beside them at all is then one comparison per class.
  struct ClassLongest {
    int traffic_class = 0;
    std::int64_t window = 0;
    std::int64_t queue = 0;
  };
  struct Bucket {
    std::int64_t period = 0;
    std::vector<Booking> bookings;  // in booking order
    std::vector<char> live;         // per booking: 0 once unbooked (kept, so positions stay)
    std::vector<ClassLongest> longest;
    // Projections onto each gcd some candidate's period has had with this one, built on first
    // use and kept up to date as bookings come: a cache of `bookings`, hence mutable.
    mutable std::vector<View> views;
  };
  static void add_to_view(View& v, const Booking& b, std::uint32_t seq);
  static const View& view(const Bucket& bucket, std::int64_t g);
  std::vector<std::vector<Bucket>> ports_;
  std::vector<std::array<double, 8>> queue_share_;
  std::vector<std::uint32_t> classes_;  // per port, bit c: class c booked; bit 31: a class beyond 30
};

}  // namespace takt::schedule
