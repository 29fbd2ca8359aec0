// PortReservations answers from sorted projections of the bookings: the shifts, the blocker and
// impossibility must be what testing every booking pairwise gives (periodic.hpp).
#include <catch2/catch.hpp>

#include "control/schedule/port_reservations.hpp"

using namespace takt::schedule;

namespace {

// A booking whose queue is held from `queue_start` to the end of its window.
Booking booking(int stream, std::int64_t queue_start, std::int64_t window_start, std::int64_t window_end,
                int traffic_class = 6) {
  Booking b;
  b.stream = stream;
  b.traffic_class = traffic_class;
  b.window_start = window_start;
  b.window_length = window_end - window_start;
  b.queue_start = queue_start;
  b.queue_length = window_end - queue_start;
  return b;
}

}  // namespace

TEST_CASE("a probe clears the whole chain of occupancies in its way and names the first") {
  PortReservations r(1);
  r.book(0, 100, booking(1, 10, 15, 20));
  r.book(0, 100, booking(2, 20, 25, 30));  // right behind stream 1
  r.book(0, 100, booking(3, 60, 65, 70));
  // A 2 ns window at 12 (queued from 12) overlaps stream 1; once past it at 20 it overlaps
  // stream 2; at 30 it is clear.
  const auto p = r.probe(0, 100, 6, 12, 2, 12, 14);
  CHECK(p.queue_shift == 18);
  CHECK(p.wire_shift == 0);
  CHECK_FALSE(p.impossible);
  CHECK(p.blocker == 1);
  CHECK(r.probe(0, 100, 6, 30, 2, 30, 32).free());
  // The same, one period later: bookings are periodic.
  CHECK(r.probe(0, 100, 6, 112, 2, 112, 114).queue_shift == 18);
}

TEST_CASE("bookings of another period are seen modulo the gcd of the two periods") {
  PortReservations r(1);
  r.book(0, 200, booking(7, 150, 155, 160));
  // Period 100 against 200: gcd 100, so the occupancy [150, 160) is in the way at [50, 60) of
  // every 100.
  const auto p = r.probe(0, 100, 6, 52, 3, 50, 55);
  CHECK(p.queue_shift == 10);
  CHECK(p.blocker == 7);
  CHECK(r.probe(0, 100, 6, 62, 3, 60, 65).free());
  // Period 300 against 200: gcd 100 again.
  CHECK(r.probe(0, 300, 6, 252, 3, 250, 255).queue_shift == 10);
}

TEST_CASE("other classes only have to clear the wire, and a booking too long for the gcd makes a probe impossible") {
  PortReservations r(1);
  r.book(0, 100, booking(4, 0, 40, 50, 5));  // class 5 queued from 0, on the wire 40 to 50
  // Class 6 may queue beside class 5, only the windows must not overlap.
  const auto p = r.probe(0, 100, 6, 45, 10, 20, 55);
  CHECK(p.queue_shift == 0);
  CHECK(p.wire_shift == 5);
  CHECK(p.blocker == 4);
  // Class 5 itself must clear the occupancy [0, 50): one held for 60 (queued at 30, sent from
  // 80 to 90) fits nowhere in 100 beside it.
  const auto q = r.probe(0, 100, 5, 80, 10, 30, 90);
  CHECK(q.impossible);
  CHECK(q.blocker == 4);
}

TEST_CASE("unbooking a stream frees its occupancies and its share of the queue") {
  PortReservations r(2);
  r.book(1, 100, booking(1, 10, 15, 20));
  r.book(1, 100, booking(2, 40, 45, 50));
  CHECK(r.queue_share(1, 6) == Approx(0.2));
  CHECK(r.probe(1, 100, 6, 12, 2, 12, 14).queue_shift == 8);
  r.unbook(1, 100, 1);
  CHECK(r.probe(1, 100, 6, 12, 2, 12, 14).free());
  CHECK(r.queue_share(1, 6) == Approx(0.1));
  CHECK(r.streams_on(1) == std::vector<int>{2});
  // A later probe of another period projects only what is still booked.
  CHECK(r.probe(1, 50, 6, 12, 2, 12, 14).free());
  CHECK(r.probe(1, 50, 6, 42, 2, 42, 44).queue_shift == 8);
}
