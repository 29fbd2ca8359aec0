/* The baseline bench_station measures takt-station's programs against: a tc direct-action
 * program that passes every frame and does nothing else, built with the same flags
 * (cmake/TaktBpf.cmake) and run on the same frames, so what remains of the difference is the
 * work takt_egress and takt_ingress do, not the cost of building and running a test skb. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>

#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("tc")
int takt_empty(struct __sk_buff* skb) {
  (void)skb;
  return TC_ACT_OK;
}
