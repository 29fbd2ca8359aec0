#include "dataplane/dpdk/rcu_cell.hpp"

#include <rte_errno.h>
#include <rte_malloc.h>

#include <stdexcept>
#include <string>

namespace takt::dpdk {

QuiescentStates::QuiescentStates(unsigned max_readers) {
  const std::size_t size = rte_rcu_qsbr_get_memsize(max_readers);
  v_ = static_cast<rte_rcu_qsbr*>(rte_zmalloc("takt_qsbr", size, RTE_CACHE_LINE_SIZE));
  if (!v_) throw std::runtime_error("cannot allocate the RCU state: out of DPDK memory (raise -m)");
  if (rte_rcu_qsbr_init(v_, max_readers) != 0) {
    rte_free(v_);
    throw std::runtime_error(std::string("rte_rcu_qsbr_init failed: ") + rte_strerror(rte_errno));
  }
}

QuiescentStates::~QuiescentStates() { rte_free(v_); }

void QuiescentStates::go_online(unsigned reader) {
  rte_rcu_qsbr_thread_register(v_, reader);
  rte_rcu_qsbr_thread_online(v_, reader);
}

void QuiescentStates::go_offline(unsigned reader) {
  rte_rcu_qsbr_thread_offline(v_, reader);
  rte_rcu_qsbr_thread_unregister(v_, reader);
}

}  // namespace takt::dpdk
