/* takt-station's tc programs (direct action, clsact).
 *
 * takt_egress, on the frames an end station sends: recognises each stream the station talks
 * (null or IP stream identification, IEEE 802.1CB 6.4 and 6.7), polices it with its TSpec's token
 * bucket so a misbehaving application is stopped before the wire, puts it into the stream the
 * plan reserved (the stream's destination address for IP streams, the plan's VLAN and PCP, the
 * skb priority), and records when it left against the planned transmission offset.
 *
 * takt_ingress, on the frames the station receives: recognises each stream it listens to
 * (destination address and VLAN as they arrive), counts it, records its arrival phase against
 * the planned arrival window, follows takt-probe's sequence numbers and transmit time (or an
 * R-TAG's sequence number) where the frame carries them, and for IP streams gives the frame
 * back its station's own address without the tag, so the application receives what was sent.
 *
 * Every frame no stream claims (PTP, ARP, ordinary traffic) passes untouched. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/pkt_cls.h>
#include <linux/types.h>

#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "station_maps.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define ETH_P_8021Q_BE bpf_htons(0x8100)
#define ETH_P_8021AD_BE bpf_htons(0x88A8)
#define ETH_P_PROBE_BE bpf_htons(0x88B5)
#define ETH_P_RTAG_BE bpf_htons(0xF1C1)
#define NSEC_PER_SEC 1000000000ULL
#define PACKET_HOST_TYPE 0      /* PACKET_HOST, linux/if_packet.h */
#define PROBE_MAGIC 0x544B5052u /* "TKPR" */

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct takt_station_globals);
} globals SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 2 * TAKT_STATION_MAX_STREAMS);
  __type(key, struct takt_mac_key);
  __type(value, __u32);
} talk_by_mac SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, TAKT_STATION_MAX_STREAMS);
  __type(key, struct takt_ip_key);
  __type(value, __u32);
} talk_by_ip SEC(".maps");

/* Hash maps for configuration: an update replaces the whole value at once, so a plan swapped in
 * while frames flow is never read half-written. */
struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, TAKT_STATION_MAX_STREAMS);
  __type(key, __u32);
  __type(value, struct takt_talk_config);
} talk_config SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, TAKT_STATION_MAX_STREAMS);
  __type(key, __u32);
  __type(value, struct takt_token_bucket);
} talk_bucket SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, TAKT_STATION_MAX_STREAMS);
  __type(key, __u32);
  __type(value, struct takt_talk_stats);
} talk_stats SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 2 * TAKT_STATION_MAX_STREAMS);
  __type(key, struct takt_mac_key);
  __type(value, __u32);
} listen_by_mac SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, TAKT_STATION_MAX_STREAMS);
  __type(key, __u32);
  __type(value, struct takt_listen_config);
} listen_config SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, TAKT_STATION_MAX_STREAMS);
  __type(key, __u32);
  __type(value, struct takt_sequence_state);
} listen_sequence SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, TAKT_STATION_MAX_STREAMS);
  __type(key, __u32);
  __type(value, struct takt_listen_stats);
} listen_stats SEC(".maps");

/* The first bucket whose bound is >= v; the bounds are padded with INT64_MAX, so seven halving
 * steps cover all 128 slots, as telemetry::LatencyBuckets::index_of does. The deepest slot read
 * is 126; the mask only shows the verifier the index stays inside the counters. */
static __always_inline __u32 bucket_of(const __s64* bounds, __s64 v) {
  __u32 i = 0;
  if (bounds[i + 63] < v) i += 64;
  if (bounds[i + 31] < v) i += 32;
  if (bounds[i + 15] < v) i += 16;
  if (bounds[i + 7] < v) i += 8;
  if (bounds[i + 3] < v) i += 4;
  if (bounds[i + 1] < v) i += 2;
  if (bounds[i] < v) i += 1;
  return i & (TAKT_STATION_BUCKETS - 1);
}

static __always_inline __u64 now_tai(void) {
  __u32 zero = 0;
  const struct takt_station_globals* g = bpf_map_lookup_elem(&globals, &zero);
  __u64 t = bpf_ktime_get_tai_ns();
  return g ? t + (__u64)g->tai_correction_ns : t;
}

/* Where `t` falls in an interval that starts at `offset` (mod interval): [0, interval). */
static __always_inline __u64 phase_of(__u64 t, __u64 offset, __u64 interval) {
  if (interval == 0) return 0;
  return (t + interval - offset % interval) % interval;
}

/* The frame's VLAN id and the EtherType behind the tags: the tag is in the skb's metadata when
 * the kernel or a driver took it out, else inline. */
struct l2_info {
  __u16 vlan;
  __u16 tagged;
  __be16 proto;
  __u32 l3;
  __u8 inline_tag;
};

static __always_inline int parse_l2(struct __sk_buff* skb, struct l2_info* l2) {
  void* data = (void*)(long)skb->data;
  void* end = (void*)(long)skb->data_end;
  struct ethhdr* eth = data;
  if ((void*)(eth + 1) > end) return -1;
  l2->proto = eth->h_proto;
  l2->l3 = sizeof(*eth);
  l2->inline_tag = 0;
  l2->tagged = 0;
  l2->vlan = 0;
  if (skb->vlan_present) {
    l2->vlan = skb->vlan_tci & 0x0FFF;
    l2->tagged = 1;
  } else if (l2->proto == ETH_P_8021Q_BE) {
    __be16* tag = (void*)(eth + 1);
    if ((void*)(tag + 2) > end) return -1;
    l2->vlan = bpf_ntohs(tag[0]) & 0x0FFF;
    l2->proto = tag[1];
    l2->l3 += 4;
    l2->tagged = 1;
    l2->inline_tag = 1;
  }
  return 0;
}

/* Null stream identification (802.1CB 6.4): the frame's destination address and VLAN in `map`. */
static __always_inline const __u32* lookup_null_stream(struct __sk_buff* skb, const struct l2_info* l2, void* map) {
  void* data = (void*)(long)skb->data;
  void* end = (void*)(long)skb->data_end;
  if (data + ETH_ALEN > end) return 0;
  struct takt_mac_key mk = {};
  __builtin_memcpy(mk.destination, data, ETH_ALEN);
  mk.vlan = l2->vlan;
  return bpf_map_lookup_elem(map, &mk);
}

/* IP stream identification: the frame's 5-tuple tried against each mask in use. */
static __always_inline const __u32* lookup_ip_stream(struct __sk_buff* skb, const struct l2_info* l2, __u8* dscp) {
  __u32 zero = 0;
  const struct takt_station_globals* g = bpf_map_lookup_elem(&globals, &zero);
  if (!g || g->ip_masks_in_use == 0) return 0;
  void* data = (void*)(long)skb->data;
  void* end = (void*)(long)skb->data_end;
  struct takt_ip_key full = {};
  __u32 l4 = 0;
  int first_fragment = 1;
  if (l2->proto == bpf_htons(ETH_P_IP)) {
    struct iphdr* ip = data + (l2->l3 & 0xFF);
    if ((void*)(ip + 1) > end) return 0;
    full.protocol = ip->protocol;
    *dscp = ip->tos >> 2;
    full.destination[10] = 0xFF;
    full.destination[11] = 0xFF;
    full.source[10] = 0xFF;
    full.source[11] = 0xFF;
    __builtin_memcpy(&full.destination[12], &ip->daddr, 4);
    __builtin_memcpy(&full.source[12], &ip->saddr, 4);
    first_fragment = (ip->frag_off & bpf_htons(0x1FFF)) == 0;
    l4 = (l2->l3 & 0xFF) + ip->ihl * 4;
  } else if (l2->proto == bpf_htons(ETH_P_IPV6)) {
    struct ipv6hdr* ip6 = data + (l2->l3 & 0xFF);
    if ((void*)(ip6 + 1) > end) return 0;
    full.protocol = ip6->nexthdr;
    *dscp = ((ip6->priority << 4) | (ip6->flow_lbl[0] >> 4)) >> 2;
    __builtin_memcpy(full.destination, &ip6->daddr, 16);
    __builtin_memcpy(full.source, &ip6->saddr, 16);
    l4 = (l2->l3 & 0xFF) + sizeof(*ip6);
  } else {
    return 0;
  }
  if (full.protocol != IPPROTO_UDP && full.protocol != IPPROTO_TCP) return 0;
  if (first_fragment && l4 < 128) {
    __be16* ports = data + l4;
    if ((void*)(ports + 2) <= end) {
      full.source_port = ports[0];
      full.destination_port = ports[1];
    }
  }
#pragma unroll
  for (__u32 m = 0; m < TAKT_IP_MASKS; ++m) {
    if (!(g->ip_masks_in_use & (1u << m))) continue;
    struct takt_ip_key key = {};
    key.mask = m;
    key.protocol = full.protocol;
    __builtin_memcpy(key.destination, full.destination, 16);
    if (m & TAKT_IP_MATCH_SOURCE) __builtin_memcpy(key.source, full.source, 16);
    if (m & TAKT_IP_MATCH_SOURCE_PORT) key.source_port = full.source_port;
    if (m & TAKT_IP_MATCH_DESTINATION_PORT) key.destination_port = full.destination_port;
    const __u32* index = bpf_map_lookup_elem(&talk_by_ip, &key);
    if (index) return index;
  }
  return 0;
}

/* 802.1Qci / MEF 10.3 committed rate and burst, colour blind: 1 = conforms (tokens taken). */
static __always_inline int take_tokens(__u32 index, const struct takt_talk_config* cfg, __u64 now, __u64 bytes) {
  if (cfg->rate_bytes_per_s == 0) return 1;
  struct takt_token_bucket* b = bpf_map_lookup_elem(&talk_bucket, &index);
  if (!b) return 1;
  const __u64 cap = cfg->burst_bytes * NSEC_PER_SEC;
  const __u64 need = bytes * NSEC_PER_SEC;
  int conforms = 0;
  bpf_spin_lock(&b->lock);
  __u64 tokens = b->tokens;
  if (b->last_ns == 0 || now < b->last_ns) {
    tokens = cap; /* first frame, or the clock stepped back: start full */
  } else {
    const __u64 elapsed = now - b->last_ns;
    if (elapsed >= cap / cfg->rate_bytes_per_s)
      tokens = cap;
    else
      tokens += elapsed * cfg->rate_bytes_per_s;
  }
  if (tokens > cap) tokens = cap;
  if (tokens >= need) {
    tokens -= need;
    conforms = 1;
  }
  b->tokens = tokens;
  b->last_ns = now;
  bpf_spin_unlock(&b->lock);
  return conforms;
}

SEC("tc")
int takt_egress(struct __sk_buff* skb) {
  struct l2_info l2;
  if (parse_l2(skb, &l2) < 0) return TC_ACT_OK;
  const __u32* found = lookup_null_stream(skb, &l2, &talk_by_mac);
  __u8 dscp = TAKT_DSCP_ANY;
  if (!found) found = lookup_ip_stream(skb, &l2, &dscp);
  if (!found) return TC_ACT_OK;
  __u32 index = *found;
  const struct takt_talk_config* cfg = bpf_map_lookup_elem(&talk_config, &index);
  if (!cfg) return TC_ACT_OK;
  if (cfg->dscp != TAKT_DSCP_ANY && cfg->dscp != dscp) return TC_ACT_OK;
  struct takt_talk_stats* st = bpf_map_lookup_elem(&talk_stats, &index);
  if (!st) return TC_ACT_OK;

  const __u64 now = now_tai();
  const __u64 bytes = skb->len + (l2.tagged ? 0 : 4); /* as the wire carries it, tag included */
  if (!take_tokens(index, cfg, now, bytes)) {
    st->policed_frames += 1;
    st->policed_bytes += bytes;
    return TC_ACT_SHOT;
  }

  if (cfg->rewrite_destination) bpf_skb_store_bytes(skb, 0, cfg->destination, ETH_ALEN, 0);
  if (l2.inline_tag) {
    __be16 tci = bpf_htons(cfg->vlan_tci);
    bpf_skb_store_bytes(skb, ETH_ALEN * 2 + 2, &tci, sizeof(tci), 0);
  } else {
    if (skb->vlan_present) bpf_skb_vlan_pop(skb);
    bpf_skb_vlan_push(skb, ETH_P_8021Q_BE, cfg->vlan_tci);
  }
  skb->priority = cfg->skb_priority;

  st->frames += 1;
  st->bytes += bytes;
  if (cfg->scheduled) {
    const __u64 phase = phase_of(now, cfg->offset_ns, cfg->interval_ns);
    if (phase < cfg->window_ns)
      st->in_window += 1;
    else
      st->outside_window += 1;
    st->phase[bucket_of(cfg->phase_bounds, (__s64)phase)] += 1;
    st->phase_sum_ns += phase;
  }
  return TC_ACT_OK;
}

/* Sequence numbers of one stream: how many were skipped (gaps) and whether this one came out of
 * order. takt-probe numbers are 64-bit; an R-TAG's are 16-bit and wrap (`rtag`). */
static __always_inline void follow_sequence(__u32 index, __u64 session, __u64 sequence, int rtag,
                                            struct takt_listen_stats* st) {
  struct takt_sequence_state* s = bpf_map_lookup_elem(&listen_sequence, &index);
  if (!s) return;
  __u64 gaps = 0;
  __u64 out_of_order = 0;
  bpf_spin_lock(&s->lock);
  if (!s->have || s->session != session) {
    s->have = 1;
    s->session = session;
    s->highest = sequence;
  } else {
    __s64 delta = rtag ? (__s64)(__s16)(__u16)(sequence - s->highest) : (__s64)(sequence - s->highest);
    if (delta > 0) {
      gaps = (__u64)(delta - 1);
      s->highest = sequence;
    } else {
      out_of_order = 1;
    }
  }
  bpf_spin_unlock(&s->lock);
  st->sequence_gaps += gaps;
  st->out_of_order += out_of_order;
}

struct probe_header {
  __be32 magic;
  __u8 version;
  __u8 reserved[3];
  __be32 stream_id;
  __be32 session;
  __be64 sequence;
  __be64 transmit_time;
};

SEC("tc")
int takt_ingress(struct __sk_buff* skb) {
  struct l2_info l2;
  if (parse_l2(skb, &l2) < 0) return TC_ACT_OK;
  const __u32* found = lookup_null_stream(skb, &l2, &listen_by_mac);
  if (!found) return TC_ACT_OK;
  __u32 index = *found;
  const struct takt_listen_config* cfg = bpf_map_lookup_elem(&listen_config, &index);
  if (!cfg) return TC_ACT_OK;
  struct takt_listen_stats* st = bpf_map_lookup_elem(&listen_stats, &index);
  if (!st) return TC_ACT_OK;

  const __u64 now = now_tai();
  st->frames += 1;
  st->bytes += skb->len + (l2.tagged && !l2.inline_tag ? 4 : 0);
  if (cfg->scheduled) {
    const __u64 phase = phase_of(now, cfg->arrival_offset_ns, cfg->interval_ns);
    if (phase < cfg->arrival_window_ns)
      st->in_window += 1;
    else if (phase - cfg->arrival_window_ns < (cfg->interval_ns - cfg->arrival_window_ns) / 2)
      st->late += 1;
    else
      st->early += 1;
    st->phase[bucket_of(cfg->phase_bounds, (__s64)phase)] += 1;
    st->phase_sum_ns += phase;
  }

  if (l2.proto == ETH_P_PROBE_BE) {
    struct probe_header h;
    if (bpf_skb_load_bytes(skb, l2.l3 & 0xFF, &h, sizeof(h)) == 0 && h.magic == bpf_htonl(PROBE_MAGIC) &&
        h.version == 1 && bpf_ntohl(h.stream_id) == cfg->probe_stream_id) {
      const __s64 latency = (__s64)now - (__s64)bpf_be64_to_cpu(h.transmit_time);
      st->latency[bucket_of(cfg->latency_bounds, latency)] += 1;
      st->latency_sum_ns += latency > 0 ? (__u64)latency : 0;
      st->latency_count += 1;
      if (latency > (__s64)cfg->max_latency_ns) st->deadline_misses += 1;
      follow_sequence(index, bpf_ntohl(h.session), bpf_be64_to_cpu(h.sequence), 0, st);
    }
  } else if (l2.proto == ETH_P_RTAG_BE) {
    __be16 rtag[3]; /* reserved, sequence number, inner EtherType */
    if (bpf_skb_load_bytes(skb, l2.l3 & 0xFF, rtag, sizeof(rtag)) == 0)
      follow_sequence(index, 1ULL << 32, bpf_ntohs(rtag[1]), 1, st);
  }

  if (cfg->restore) {
    bpf_skb_store_bytes(skb, 0, cfg->restore_destination, ETH_ALEN, 0);
    if (skb->vlan_present) bpf_skb_vlan_pop(skb);
    bpf_skb_change_type(skb, PACKET_HOST_TYPE);
  }
  return TC_ACT_OK;
}
