/* The maps takt-station shares with its eBPF programs (station.bpf.c): keys and values as C
 * structs, so the programs and the C++ loader agree byte for byte. Everything is written by the
 * loader and read by the programs, except the counters (per CPU, written by the programs and
 * summed by the loader at scrape) and the token buckets and sequence state (written by the
 * programs under their spin lock). */
#ifndef TAKT_STATION_MAPS_H
#define TAKT_STATION_MAPS_H

#include <linux/bpf.h>
#include <linux/types.h>

#define TAKT_STATION_MAX_STREAMS 1024
/* Histogram slots including +Inf: the loader writes the shared latency buckets' bounds and pads
 * them with INT64_MAX, so the programs find a bucket in seven halving steps, as the C++ code does.
 * A power of two, so the programs' index mask is TAKT_STATION_BUCKETS - 1. The largest value
 * holding them, takt_listen_stats, is 2136 bytes per CPU, far below the 32 KiB a per-CPU map
 * value may take. */
#define TAKT_STATION_BUCKETS 128
#define TAKT_STATION_BOUND_PAD 0x7fffffffffffffffLL

/* Optional fields of an IP stream identification key: a key holds the fields its mask names and
 * zero elsewhere, and the egress program tries each mask in use (at most 8). */
#define TAKT_IP_MATCH_SOURCE 1u
#define TAKT_IP_MATCH_SOURCE_PORT 2u
#define TAKT_IP_MATCH_DESTINATION_PORT 4u
#define TAKT_IP_MASKS 8

#define TAKT_DSCP_ANY 0xFFu

/* Null stream identification (802.1CB 6.4): destination address and VLAN id; vlan 0 matches
 * untagged frames. */
struct takt_mac_key {
  __u8 destination[6];
  __u16 vlan;
};

/* IP stream identification (802.1CB 6.7). Addresses IPv4-mapped (::ffff:a.b.c.d); ports in
 * network order, as they sit in the frame. */
struct takt_ip_key {
  __u32 mask;
  __u8 protocol;
  __u8 reserved[3];
  __u16 source_port;
  __u16 destination_port;
  __u8 destination[16];
  __u8 source[16];
};

struct takt_station_globals {
  __s64 tai_correction_ns; /* TAI minus CLOCK_TAI (the UTC offset on hosts without a kernel TAI offset) */
  __u32 ip_masks_in_use;   /* bit m set: some IP stream key has mask m */
  __u32 reserved;
};

struct takt_talk_config {
  __u8 destination[6];      /* the stream's address on the wire */
  __u8 rewrite_destination; /* IP streams: the frame's destination becomes the stream's */
  __u8 scheduled;           /* the plan gives a transmission offset */
  __u16 vlan_tci;           /* PCP << 13 | VLAN id */
  __u8 dscp;                /* TAKT_DSCP_ANY or the DSCP an IP stream must carry */
  __u8 reserved;
  __u32 skb_priority; /* the PCP, so the kernel's egress queues see the stream's priority */
  __u32 reserved2;
  __u64 interval_ns;
  __u64 offset_ns;        /* scheduled streams: planned transmission offset in the interval */
  __u64 window_ns;        /* how long after the offset the interval's frames may start */
  __u64 rate_bytes_per_s; /* token bucket: committed information rate */
  __u64 burst_bytes;      /* ... and committed burst size; 0 rate = not policed */
  __s64 phase_bounds[TAKT_STATION_BUCKETS];
};

struct takt_token_bucket {
  struct bpf_spin_lock lock;
  __u32 reserved;
  __u64 tokens; /* bytes x 1e9, so adding elapsed ns x bytes/s needs no division */
  __u64 last_ns;
};

struct takt_talk_stats {
  __u64 frames; /* identified and sent */
  __u64 bytes;
  __u64 policed_frames; /* dropped by the token bucket */
  __u64 policed_bytes;
  __u64 in_window; /* scheduled: sent within [offset, offset + window) of its interval */
  __u64 outside_window;
  __u64 phase_sum_ns;
  __u64 phase[TAKT_STATION_BUCKETS];
};

struct takt_listen_config {
  __u8 restore_destination[6]; /* IP streams: the station's own address, written back */
  __u8 restore;                /* IP streams: restore the address, remove the tag, deliver to the host */
  __u8 scheduled;              /* the plan gives an arrival window */
  __u32 probe_stream_id;       /* takt-probe's id of the stream name: frames carrying it are timed */
  __u64 interval_ns;
  __u64 arrival_offset_ns;
  __u64 arrival_window_ns;
  __u64 max_latency_ns;
  __s64 phase_bounds[TAKT_STATION_BUCKETS];
  __s64 latency_bounds[TAKT_STATION_BUCKETS];
};

struct takt_sequence_state {
  struct bpf_spin_lock lock;
  __u32 have;    /* a first sequence number was seen */
  __u64 highest; /* highest sequence number seen */
  __u64 session; /* takt-probe's talker session the numbers belong to; R-TAG numbers: 1 << 32 */
};

struct takt_listen_stats {
  __u64 frames;
  __u64 bytes;
  __u64 early; /* scheduled: before the arrival window (the nearer edge decides) */
  __u64 in_window;
  __u64 late;
  __u64 sequence_gaps; /* numbers skipped when a higher one arrived: lost, or later out of order */
  __u64 out_of_order;  /* a number at or below the highest seen */
  __u64 deadline_misses;
  __u64 phase_sum_ns;
  __u64 latency_count; /* frames carrying takt-probe's transmit time */
  __u64 latency_sum_ns;
  __u64 phase[TAKT_STATION_BUCKETS];
  __u64 latency[TAKT_STATION_BUCKETS];
};

#endif
