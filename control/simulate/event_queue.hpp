#pragma once
// The simulator's clock: events in integer nanoseconds, taken earliest first. Events at the
// same instant come out in the order they were scheduled, so a run depends only on its seed.
#include <cstdint>
#include <queue>
#include <vector>

namespace takt::simulate {

template <class Payload>
class EventQueue {
 public:
  struct Event {
    std::int64_t at = 0;      // ns
    std::uint32_t order = 0;  // compared modulo 2^32: far fewer events are ever pending at once
    Payload payload;
  };

  void push(std::int64_t at, const Payload& p) { heap_.push(Event{at, next_order_++, p}); }
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  Event pop() {
    Event e = heap_.top();
    heap_.pop();
    return e;
  }

 private:
  struct Later {
    bool operator()(const Event& a, const Event& b) const {
      return a.at != b.at ? a.at > b.at : static_cast<std::int32_t>(a.order - b.order) > 0;
    }
  };
  std::priority_queue<Event, std::vector<Event>, Later> heap_;
  std::uint32_t next_order_ = 0;
};

}  // namespace takt::simulate
