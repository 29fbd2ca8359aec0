#pragma once
// A value the control side replaces while the packet lcore reads it, without a lock on the
// packet path: the writer swaps a pointer and frees the old value only after every reader
// lcore has passed a quiescent state (DPDK's QSBR RCU). The packet loop reports quiescence once
// per iteration and holds no pointer across iterations.
#include <rte_rcu_qsbr.h>

#include <atomic>
#include <memory>
#include <mutex>

namespace takt::dpdk {

// Readers of all RcuCells register with one QuiescentStates under a small thread id.
class QuiescentStates {
 public:
  explicit QuiescentStates(unsigned max_readers);
  ~QuiescentStates();
  QuiescentStates(const QuiescentStates&) = delete;
  QuiescentStates& operator=(const QuiescentStates&) = delete;

  // Reader side, on the reader's own thread.
  void go_online(unsigned reader);
  void go_offline(unsigned reader);
  void quiescent(unsigned reader) { rte_rcu_qsbr_quiescent(v_, reader); }

  // Writer side: returns once every online reader has been quiescent since the call.
  void synchronize() { rte_rcu_qsbr_synchronize(v_, RTE_QSBR_THRID_INVALID); }

 private:
  rte_rcu_qsbr* v_ = nullptr;
};

template <class T>
class RcuCell {
 public:
  explicit RcuCell(QuiescentStates& qs) : qs_(qs) {}
  ~RcuCell() { delete current_.load(); }
  RcuCell(const RcuCell&) = delete;
  RcuCell& operator=(const RcuCell&) = delete;

  // Reader: valid until the reader's next quiescent state. nullptr before the first publish.
  const T* get() const { return current_.load(std::memory_order_acquire); }

  // Writer: installs `next` and reclaims the previous value once no reader can see it.
  // Writers are serialised here; they are rare (a refit every 100 ms, a new schedule).
  void publish(std::unique_ptr<T> next) {
    std::lock_guard lock(writer_);
    const T* old = current_.exchange(next.release(), std::memory_order_acq_rel);
    if (old) {
      qs_.synchronize();
      delete old;
    }
  }

 private:
  QuiescentStates& qs_;
  std::atomic<const T*> current_{nullptr};
  std::mutex writer_;
};

}  // namespace takt::dpdk
